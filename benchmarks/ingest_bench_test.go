package benchmarks

// Ingest and index benchmarks (issues 2 and 4). Heavy work happens only in
// Benchmark functions, which a plain `go test` does not run;
// TestIngestBenchSmoke runs the same pipeline on a tiny data set so the
// code stays exercised. See RESULTS.md, "Ingest and index", for commands
// and figures.

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/urumqi-hrss/jobmatch/index"
	"github.com/urumqi-hrss/jobmatch/ingest"
	"github.com/urumqi-hrss/jobmatch/ingest/convert"
	"github.com/urumqi-hrss/jobmatch/ingest/synth"
	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store/bolt"
	"github.com/urumqi-hrss/jobmatch/store/postgres/pgtest"
	"github.com/urumqi-hrss/jobmatch/store/storetest"
)

// ingestDataPrefix names the directories of generated data; the process ID
// follows, so a later run can remove the directories of dead processes
// (a test binary has no hook that runs after every benchmark).
const ingestDataPrefix = "jobmatch-ingest-bench-"

var (
	ingestDataOnce sync.Once
	ingestDataDir  string
	ingestDataErr  error
)

// ingestData generates the default data set (25,000 posts, 620 courses,
// 50,000 graduates) once per benchmark process and returns its directory;
// with -short (.ci/run runs every benchmark once that way) a tenth of it,
// so the benchmarks are exercised without the minutes the full size takes.
// The figures are rates, but RESULTS.md quotes the full size only.
func ingestData(b testing.TB) string {
	b.Helper()
	ingestDataOnce.Do(func() {
		removeStaleIngestData()
		ingestDataDir, ingestDataErr = os.MkdirTemp("", ingestDataPrefix+strconv.Itoa(os.Getpid())+"-")
		if ingestDataErr == nil {
			o := synth.DefaultOptions()
			if testing.Short() {
				o.Posts, o.Graduates = o.Posts/10, o.Graduates/10
			}
			ingestDataErr = synth.Generate(ingestDataDir, o)
		}
	})
	if ingestDataErr != nil {
		b.Fatal(ingestDataErr)
	}
	return ingestDataDir
}

func removeStaleIngestData() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), ingestDataPrefix+"*"))
	for _, d := range dirs {
		pid, err := strconv.Atoi(strings.SplitN(strings.TrimPrefix(filepath.Base(d), ingestDataPrefix), "-", 2)[0])
		if err != nil || pid == os.Getpid() {
			continue
		}
		if _, err := os.Stat(fmt.Sprintf("/proc/%d", pid)); os.IsNotExist(err) {
			os.RemoveAll(d)
		}
	}
}

// heapPeak samples the Go heap (live and not yet swept objects, from
// runtime/metrics) every few milliseconds until stopped, and returns the
// largest value in MiB. It sees the Go heap only, not the process's RSS:
// BenchmarkIngestProcess reports VmHWM for that.
func heapPeak() (stop func() float64) {
	const name = "/memory/classes/heap/objects:bytes"
	sample := []metrics.Sample{{Name: name}}
	done := make(chan struct{})
	result := make(chan uint64)
	go func() {
		var peak uint64
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(sample)
			peak = max(peak, sample[0].Value.Uint64())
			select {
			case <-done:
				result <- peak
				return
			case <-tick.C:
			}
		}
	}()
	return func() float64 {
		close(done)
		return float64(<-result) / (1 << 20)
	}
}

// importPosts imports the posts file into a fresh embedded store and
// on-disk index under dir, and checks that the index answers.
func importPosts(tb testing.TB, dir, posts string) *matcher.ImportReport {
	tb.Helper()
	seg, err := index.DefaultSegmenter()
	if err != nil {
		tb.Fatal(err)
	}
	st, err := bolt.Open(filepath.Join(dir, "store.db"), storetest.Keys())
	if err != nil {
		tb.Fatal(err)
	}
	defer st.Close()
	ix, err := index.Open(filepath.Join(dir, "index"))
	if err != nil {
		tb.Fatal(err)
	}
	defer ix.Close()
	ix.Now = func() time.Time { return synth.DefaultNow }
	im := &ingest.Importer{Store: st, Index: ix, Analyzer: seg}
	rep, err := im.Import(context.Background(), ingest.EntityPosts, []string{posts})
	if err != nil {
		tb.Fatal(err)
	}
	n, err := ix.DocCount()
	if err != nil || n == 0 || rep.Accepted == 0 {
		tb.Fatalf("nothing searchable after the import: %d documents (%v), %s", n, err, ingest.Summary(rep))
	}
	return rep
}

// TestIngestBenchSmoke runs the benchmarked pipeline on a tiny generated
// data set, so a plain `go test ./benchmarks/` keeps it working without
// the cost of the real sizes.
func TestIngestBenchSmoke(t *testing.T) {
	dir := t.TempDir()
	o := synth.Options{Seed: 1, Posts: 200, Internships: 20, Courses: 5, Graduates: 50, DuplicateShare: 0.1}
	if err := synth.Generate(dir, o); err != nil {
		t.Fatal(err)
	}
	rep := importPosts(t, t.TempDir(), filepath.Join(dir, "posts.csv"))
	if rep.Accepted+rep.Duplicate < 200 || rep.Rejected != 0 {
		t.Errorf("smoke import: %s", ingest.Summary(rep))
	}
}

// BenchmarkIngestParse is the baseline: reading and converting the posts
// file alone (ingest.ReadFile and convert.PostFromRow, one core), with no
// store, index or near-duplicate linking.
func BenchmarkIngestParse(b *testing.B) {
	posts := filepath.Join(ingestData(b), "posts.csv")
	b.ResetTimer()
	var n int
	start := time.Now()
	for range b.N {
		t, err := ingest.ReadFile(posts, ingest.EntityPosts, nil)
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range t.Rows {
			if _, errs := convert.PostFromRow(r); len(errs) == 0 {
				n++
			}
		}
	}
	b.ReportMetric(float64(n)/time.Since(start).Seconds(), "posts/s")
}

// BenchmarkIngestStoreUpsert is the second baseline: upserting the parsed
// posts into a fresh embedded store in chunks of 1,000, nothing else.
func BenchmarkIngestStoreUpsert(b *testing.B) {
	t, err := ingest.ReadFile(filepath.Join(ingestData(b), "posts.csv"), ingest.EntityPosts, nil)
	if err != nil {
		b.Fatal(err)
	}
	var posts []matcher.Post
	for _, r := range t.Rows {
		if p, errs := convert.PostFromRow(r); len(errs) == 0 {
			posts = append(posts, p)
		}
	}
	b.ResetTimer()
	var elapsed time.Duration
	for range b.N {
		b.StopTimer()
		st, err := bolt.Open(filepath.Join(b.TempDir(), "store.db"), storetest.Keys())
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		for i := 0; i < len(posts); i += ingest.DefaultChunkSize {
			if _, err := st.UpsertPosts(context.Background(), posts[i:min(i+ingest.DefaultChunkSize, len(posts))]); err != nil {
				b.Fatal(err)
			}
		}
		elapsed += time.Since(start)
		b.StopTimer()
		st.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(len(posts)*b.N)/elapsed.Seconds(), "posts/s")
}

// BenchmarkIngestToSearchable imports the 25,000 generated posts from the
// CSV file into a fresh embedded store and on-disk bleve index, in this
// process: file to searchable (the importer's index writes wait until
// bleve has persisted them). The segmenter is loaded before the timer
// starts (BenchmarkIngestProcess times the load). heap-peak-MiB is the Go
// heap's peak sampled every 5 ms; profile this one with -cpuprofile.
func BenchmarkIngestToSearchable(b *testing.B) {
	posts := filepath.Join(ingestData(b), "posts.csv")
	if _, err := index.DefaultSegmenter(); err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	b.ResetTimer()
	var n int
	var elapsed, cpu time.Duration
	var peak float64
	for range b.N {
		b.StopTimer()
		dir := b.TempDir()
		runtime.GC()
		b.StartTimer()
		stop := heapPeak()
		start, cpu0 := time.Now(), ingestCPU()
		rep := importPosts(b, dir, posts)
		elapsed += time.Since(start)
		cpu += ingestCPU() - cpu0
		peak = max(peak, stop())
		n += rep.Accepted + rep.Duplicate
	}
	b.ReportMetric(float64(n)/elapsed.Seconds(), "posts/s")
	// On a shared machine wall time includes waiting for a core; CPU time
	// does not: posts per CPU-second × cores bounds what an idle machine does.
	b.ReportMetric(float64(n)/cpu.Seconds(), "posts/cpu-s")
	b.ReportMetric(peak, "heap-peak-MiB")
}

// ingestCPU is the process's user+system CPU time so far.
func ingestCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkIngestProcess runs the same import in a process of its own
// (benchmarks/cmd/ingestbench, built once), for the figures a process
// shows from outside: peak RSS (VmHWM) and the segmenter's dictionary load
// in a fresh process.
func BenchmarkIngestProcess(b *testing.B) {
	posts := filepath.Join(ingestData(b), "posts.csv")
	bin := filepath.Join(b.TempDir(), "ingestbench")
	build := exec.Command("go", "build", "-o", bin, "./cmd/ingestbench")
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("build ingestbench: %v\n%s", err, out)
	}
	b.ResetTimer()
	var f struct {
		SegmenterLoad float64 `json:"segmenter_load_s"`
		Posts         int     `json:"posts"`
		Seconds       float64 `json:"seconds"`
		VmHWMMiB      float64 `json:"vmhwm_mib"`
		Summary       string  `json:"summary"`
	}
	var posted int
	var secs, load, hwm float64
	for range b.N {
		out, err := exec.Command(bin, "-posts", posts, "-work", b.TempDir()).Output()
		if err != nil {
			b.Fatalf("ingestbench: %v", err)
		}
		if err := json.Unmarshal(out, &f); err != nil {
			b.Fatalf("ingestbench output %q: %v", out, err)
		}
		posted += f.Posts
		secs += f.Seconds
		load = max(load, f.SegmenterLoad)
		hwm = max(hwm, f.VmHWMMiB)
	}
	b.Logf("last run: %s", f.Summary)
	b.ReportMetric(float64(posted)/secs, "posts/s")
	b.ReportMetric(hwm, "VmHWM-MiB")
	b.ReportMetric(load*1000, "dict-load-ms")
}

// BenchmarkIngestStores imports the 25,000 posts and 50,000 graduates
// through the importer (resumable path, near-duplicate linking on, no
// index) into a fresh PostgreSQL schema and a fresh embedded store, in the
// same run. Without JOBMATCH_TEST_DATABASE only the embedded half runs.
func BenchmarkIngestStores(b *testing.B) {
	dir := ingestData(b)
	seg, err := index.DefaultSegmenter()
	if err != nil {
		b.Fatal(err)
	}
	type backend struct {
		name string
		open func() matcher.FullStore
	}
	backends := []backend{{"bolt", func() matcher.FullStore {
		st, err := bolt.Open(filepath.Join(b.TempDir(), "store.db"), storetest.Keys())
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { st.Close() })
		return st
	}}}
	if os.Getenv(pgtest.DatabaseEnv) != "" {
		backends = append(backends, backend{"pg", func() matcher.FullStore { return pgtest.Open(b) }})
	} else {
		b.Logf("%s is not set: PostgreSQL half skipped", pgtest.DatabaseEnv)
	}
	b.ResetTimer()
	for range b.N {
		for _, be := range backends {
			b.StopTimer()
			st := be.open()
			b.StartTimer()
			im := &ingest.Importer{Store: st, Analyzer: seg}
			var total time.Duration
			for _, entity := range []string{ingest.EntityPosts, ingest.EntityGraduates} {
				start := time.Now()
				rep, err := im.Import(context.Background(), entity, []string{filepath.Join(dir, entity+".csv")})
				if err != nil {
					b.Fatal(err)
				}
				took := time.Since(start)
				total += took
				b.ReportMetric(took.Seconds(), be.name+"-"+entity+"-s")
				b.Logf("%s %s: %s in %v", be.name, entity, ingest.Summary(rep), took.Round(time.Millisecond))
			}
			b.ReportMetric(total.Seconds(), be.name+"-total-s")
		}
	}
}
