package engine

import (
	"fmt"
	"runtime"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

var benchEngines sync.Map // n → *Engine

func benchEngine(b *testing.B, n int) *Engine {
	if e, ok := benchEngines.Load(n); ok {
		return e.(*Engine)
	}
	e, err := New(genPosts(42, n), genCourses(42, 200), testOptions())
	if err != nil {
		b.Fatal(err)
	}
	benchEngines.Store(n, e)
	return e
}

// BenchmarkRecommend measures one graduate's top 8; it reports p50 and p99
// over the iterations, as well as the mean.
func BenchmarkRecommend(b *testing.B) {
	for _, n := range []int{25000, 250000} {
		for _, mode := range []string{"fast", "exhaustive"} {
			b.Run(fmt.Sprintf("posts=%d/%s", n, mode), func(b *testing.B) {
				e := benchEngine(b, n)
				grads := genGraduates(99, 1000)
				lat := make([]time.Duration, 0, b.N)
				runtime.LockOSThread()
				defer runtime.UnlockOSThread()
				c0 := threadCPU()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					g := &grads[i%len(grads)]
					t0 := time.Now()
					var err error
					if mode == "fast" {
						_, err = e.Recommend(g, matcher.Query{})
					} else {
						_, err = e.RecommendExhaustive(g, matcher.Query{})
					}
					lat = append(lat, time.Since(t0))
					if err != nil {
						b.Fatal(err)
					}
				}
				b.StopTimer()
				b.ReportMetric(float64(threadCPU()-c0)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
				slices.Sort(lat)
				b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
				b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
			})
		}
	}
}

// BenchmarkResidentMemory reports the heap the engine holds for n posts.
func BenchmarkResidentMemory(b *testing.B) {
	for _, n := range []int{25000} {
		b.Run(fmt.Sprintf("posts=%d", n), func(b *testing.B) {
			posts := genPosts(42, n)
			for i := 0; i < b.N; i++ {
				runtime.GC()
				var m0, m1 runtime.MemStats
				runtime.ReadMemStats(&m0)
				e, err := New(posts, nil, testOptions())
				if err != nil {
					b.Fatal(err)
				}
				runtime.GC()
				runtime.ReadMemStats(&m1)
				b.ReportMetric(float64(m1.HeapAlloc-m0.HeapAlloc)/(1<<20), "MiB")
				runtime.KeepAlive(e)
			}
		})
	}
}

// threadCPU is the calling OS thread's CPU time: on a machine shared with
// other builds, wall time measures the neighbours as much as the matcher.
func threadCPU() time.Duration {
	var ts syscall.Timespec
	const clockThreadCPUTime = 3 // CLOCK_THREAD_CPUTIME_ID
	syscall.Syscall(syscall.SYS_CLOCK_GETTIME, clockThreadCPUTime, uintptr(unsafe.Pointer(&ts)), 0)
	return time.Duration(ts.Nano())
}

// BenchmarkRankBatch measures the nightly batch's ranking of one graduate
// (Ranker.Rank, the batch's query: 24 candidates, two per employer) over
// 25,000 posts, in thread CPU per graduate:
//
//	go test ./matcher/engine/ -run '^$' -bench RankBatch -benchtime 4000x
func BenchmarkRankBatch(b *testing.B) {
	e := benchEngine(b, 25000)
	grads := genGraduates(99, 2000)
	r := e.NewRanker()
	r.SetHeadroom(8) // as the batch does
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	c0 := threadCPU()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := r.Rank(&grads[i%len(grads)], matcher.Query{Limit: 24, PerEmployer: 2}); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(threadCPU()-c0)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
}

// BenchmarkRecommendCourses measures a 一人一策 proposal's course ranking
// (RecommendCourses: the skill-gap scan, every course through the rules
// and scored, the top 6 explained) over 25,000 posts and 200 courses, in
// thread CPU per graduate, through the online Ranker as the nightly batch
// reaches it:
//
//	go test ./matcher/engine/ -run '^$' -bench RecommendCourses -benchtime 4000x
func BenchmarkRecommendCourses(b *testing.B) {
	e := benchEngine(b, 25000)
	grads := genGraduates(99, 2000)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	c0 := threadCPU()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := e.Recommend(&grads[i%len(grads)], matcher.Query{Kind: matcher.KindCourse, Limit: 6}); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(threadCPU()-c0)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
}
