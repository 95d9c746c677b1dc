package engine

import (
	"runtime"
	"testing"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// The nightly batch's per-graduate work outside the Ranker's scan, in
// thread CPU per graduate over 25,000 posts and 200 courses:
//
//	go test ./matcher/engine/ -run '^$' -bench 'CompileGraduate|ExplainRanked|RankedCourses' -benchtime 4000x

// BenchmarkCompileGraduate compiles graduates as Rank does, each profile
// new to the profile cache (a batch reads every graduate once).
func BenchmarkCompileGraduate(b *testing.B) {
	e := benchEngine(b, 25000)
	grads := genGraduates(77, max(b.N, 1))
	now := e.now()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	c0 := threadCPU()
	b.ResetTimer()
	e.mu.RLock()
	for i := 0; i < b.N; i++ {
		e.compileGraduate(&grads[i], now, false)
	}
	e.mu.RUnlock()
	b.StopTimer()
	b.ReportMetric(float64(threadCPU()-c0)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
}

// rankedForBench ranks n graduates with the batch's query, untimed.
func rankedForBench(b *testing.B, n int) ([]matcher.Graduate, []*Ranked) {
	e := benchEngine(b, 25000)
	grads := genGraduates(99, n)
	r := e.NewRanker()
	r.SetHeadroom(8)
	rks := make([]*Ranked, len(grads))
	for i := range grads {
		rk, err := r.Rank(&grads[i], matcher.Query{Limit: 24, PerEmployer: 2})
		if err != nil {
			b.Fatal(err)
		}
		rks[i] = rk
	}
	return grads, rks
}

// BenchmarkExplainRanked explains every post of a graduate's ranked list
// (Ranked.Item), as the batch does for the lists it keeps.
func BenchmarkExplainRanked(b *testing.B) {
	_, rks := rankedForBench(b, 500)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	c0 := threadCPU()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rk := rks[i%len(rks)]
		for k := range rk.Posts {
			if _, err := rk.Item(k, k+1); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(threadCPU()-c0)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
}

// BenchmarkRankedCourses ranks a graduate's courses from their ranked list
// (RankedRecommender, a 一人一策 proposal's courses in the batch).
func BenchmarkRankedCourses(b *testing.B) {
	grads, rks := rankedForBench(b, 500)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	c0 := threadCPU()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		k := i % len(rks)
		if _, err := rks[k].Recommender(&grads[k]).Recommend(&grads[k], matcher.Query{Kind: matcher.KindCourse, Limit: 6}); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(threadCPU()-c0)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
}
