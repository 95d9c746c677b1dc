package benchmarks

import (
	"runtime"
	"testing"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/engine"
)

// BenchmarkMatchRecommend: one graduate's top 8 over the generated 25,000
// posts, the fast path and the exhaustive exact baseline. Besides ns/op
// (wall time) it reports cpu-ms/op, the benchmark thread's CPU time per
// call: on a machine shared with other builds wall time measures the
// neighbours as much as the matcher.
//
//	go test ./benchmarks -run XXX -bench MatchRecommend
func BenchmarkMatchRecommend(b *testing.B) {
	d := loadMatchData(b)
	eng := d.engine(b, engine.Weights{})
	for _, c := range []struct {
		name       string
		exhaustive bool
	}{{"fast", false}, {"exhaustive", true}} {
		b.Run(c.name, func(b *testing.B) {
			defer reportCPU(b)()
			for i := 0; b.Loop(); i++ {
				g := &d.graduates[(i*7919)%len(d.graduates)]
				var err error
				if c.exhaustive {
					_, err = eng.RecommendExhaustive(g, matcher.Query{})
				} else {
					_, err = eng.Recommend(g, matcher.Query{})
				}
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// reportCPU locks the benchmark to its OS thread and returns the function
// that reports that thread's CPU time per iteration (cpu-ms/op).
func reportCPU(b *testing.B) func() {
	runtime.LockOSThread()
	c0 := threadCPU()
	return func() {
		b.ReportMetric(float64(threadCPU()-c0)/float64(time.Millisecond)/float64(max(b.N, 1)), "cpu-ms/op")
		runtime.UnlockOSThread()
	}
}

// BenchmarkMatchRecommendServed is BenchmarkMatchRecommend's fast path in
// the served load's shape (TestServedLoad): the same 2,000 graduates asked
// again and again, so what the engine keeps between requests — the
// compiled profiles, the rule classes' bitsets, the posts' words shown —
// is warm, and cpu-ms/op is the per-call cost a server pays.
//
//	go test ./benchmarks -run XXX -bench MatchRecommendServed -benchmem
func BenchmarkMatchRecommendServed(b *testing.B) {
	d := loadMatchData(b)
	eng := d.engine(b, engine.Weights{})
	const sample = 2000
	grad := func(i int) *matcher.Graduate { return &d.graduates[(i%sample*7919)%len(d.graduates)] }
	for i := range sample { // warm, unmeasured
		if _, err := eng.Recommend(grad(i), matcher.Query{}); err != nil {
			b.Fatal(err)
		}
	}
	defer reportCPU(b)()
	for i := 0; b.Loop(); i++ {
		if _, err := eng.Recommend(grad(i), matcher.Query{}); err != nil {
			b.Fatal(err)
		}
	}
}
