package batch_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/urumqi-hrss/jobmatch/ingest"
	"github.com/urumqi-hrss/jobmatch/ingest/convert"
	"github.com/urumqi-hrss/jobmatch/ingest/synth"
	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/batch"
	"github.com/urumqi-hrss/jobmatch/matcher/engine"
)

// BenchmarkBatch measures a whole run — pricing sample, every list, chunked
// saves to the embedded store, publication — over the generator's default
// 25,000 posts and its first JOBMATCH_BENCH_GRADUATES graduates (default
// 3,000; the active ones are run), and reports graduates per second:
//
//	go test ./matcher/batch/ -run '^$' -bench Batch -benchtime 1x -timeout 30m
func BenchmarkBatch(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	o := synth.DefaultOptions()
	o.Graduates = 3000
	if n, err := strconv.Atoi(os.Getenv("JOBMATCH_BENCH_GRADUATES")); err == nil && n > 0 {
		o.Graduates = n
	}
	if err := synth.Generate(dir, o); err != nil {
		b.Fatal(err)
	}
	st := openBolt(b)
	// Records go to the store directly (parsed by ingest's converters):
	// the benchmark is about the batch, not the importer.
	read := func(entity string, each func(convert.Row)) {
		tab, err := ingest.ReadFile(filepath.Join(dir, entity+".csv"), entity, nil)
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range tab.Rows {
			each(r)
		}
	}
	var posts []matcher.Post
	var courses []matcher.Course
	var grads []matcher.Graduate
	read("posts", func(r convert.Row) {
		if p, errs := convert.PostFromRow(r); len(errs) == 0 {
			posts = append(posts, p)
		}
	})
	read("courses", func(r convert.Row) {
		if c, errs := convert.CourseFromRow(r); len(errs) == 0 {
			courses = append(courses, c)
		}
	})
	read("graduates", func(r convert.Row) {
		if g, errs := convert.GraduateFromRow(r); len(errs) == 0 {
			grads = append(grads, g)
		}
	})
	if _, err := st.UpsertPosts(ctx, posts); err != nil {
		b.Fatal(err)
	}
	if _, err := st.UpsertCourses(ctx, courses); err != nil {
		b.Fatal(err)
	}
	if _, err := st.UpsertGraduates(ctx, grads); err != nil {
		b.Fatal(err)
	}
	t0 := time.Now()
	in := load(b, st)
	b.Logf("engine over %d open posts and %d courses built in %s", len(in.Posts), len(in.Courses), time.Since(t0).Round(time.Millisecond))
	b.ResetTimer()
	var computed int
	var elapsed, cpu time.Duration
	for i := 0; i < b.N; i++ {
		c0 := cpuTime()
		sum, err := batch.Run(ctx, st, in, batch.Options{Log: quiet()})
		if err != nil {
			b.Fatal(err)
		}
		cpu += cpuTime() - c0
		computed += sum.Computed
		elapsed += sum.Elapsed
		b.Logf("%s", sum)
		b.Logf("pricing: sample %d, %d rounds, %s", sum.Sample, sum.PriceRounds, sum.PricingElapsed.Round(time.Millisecond))
	}
	b.StopTimer()
	open := openPosts(in)
	pairs := float64(computed) * float64(open)
	online := onlinePairsPerCPUSecond(b, st, in, open)
	dense := densePairsPerCPUSecond(open)
	fma := fmaPairsPerCPUSecond()
	batchRate := pairs / cpu.Seconds()
	b.ReportMetric(float64(computed)/elapsed.Seconds(), "graduates/s")
	b.ReportMetric(batchRate, "pairs/cpu-s")
	b.ReportMetric(online, "online-pairs/cpu-s")
	b.ReportMetric(dense, "dense-pairs/cpu-s")
	b.ReportMetric(fma, "fma-pairs/cpu-s")
	b.Logf("same process: batch %.2fM pairs per CPU-s (%.1f CPU-s for %d graduates × %d open posts), online Recommend in a loop %.2fM (×%.2f), dense float32 GEMM floor %.0fM (batch at %.1f%% of it), scalar float32 multiply-add peak %.0fM pairs (%d per pair; batch at %.1f%% of it)",
		batchRate/1e6, cpu.Seconds(), computed, open, online/1e6, batchRate/online, dense/1e6, 100*batchRate/dense, fma/1e6, engine.NumFeatures, 100*batchRate/fma)
}
