package occupation

import (
	"compress/gzip"
	"encoding/csv"
	"io"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/urumqi-hrss/jobmatch/ingest/sharedtest"
)

// cpuTime is the process's user and system CPU time so far: on a shared,
// loaded machine it measures the work, where wall time measures the queue.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// perPost runs f over the posts, one post an op, and reports the CPU time
// per post besides the wall time.
func perPost(b *testing.B, posts [][2]string, f func(title, desc string)) {
	b.ReportAllocs()
	i := 0
	start := cpuTime()
	for b.Loop() {
		p := posts[i%len(posts)]
		f(p[0], p[1])
		i++
	}
	b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
}

// realPostSample is every nth post (title, description) of
// job-hunting-2024-25.csv.gz; it skips when the posts are absent.
func realPostSample(tb testing.TB, nth int) [][2]string {
	tb.Helper()
	f, err := os.Open(sharedtest.Path(tb, "data/jobs-real/job-hunting-2024-25.csv.gz"))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		tb.Fatal(err)
	}
	r := csv.NewReader(gz)
	r.FieldsPerRecord = -1
	if _, err := r.Read(); err != nil {
		tb.Fatal(err)
	}
	var out [][2]string
	for i := 0; ; i++ {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			tb.Fatal(err)
		}
		if i%nth == 0 && len(rec) > 6 {
			out = append(out, [2]string{rec[2], rec[6]}) // 职位, 职位描述
		}
	}
	return out
}

// BenchmarkClassifyRealPosts is the per-post cost on 1,041 real posts
// (every 16th of job-hunting-2024-25): the old title classifier
// (legacy_test.go), this one on the title alone, and this one on title and
// description as the importer runs it. One op is one post.
func BenchmarkClassifyRealPosts(b *testing.B) {
	posts := realPostSample(b, 16)
	old, c := legacyDefault(), Default()
	b.Run("old-title", func(b *testing.B) { perPost(b, posts, func(t, _ string) { old.Classify(t) }) })
	b.Run("words-title", func(b *testing.B) { perPost(b, posts, func(t, _ string) { c.Classify(t) }) })
	b.Run("words-post", func(b *testing.B) { perPost(b, posts, func(t, d string) { c.ClassifyPost(t, d) }) })
}
