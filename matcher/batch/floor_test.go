package batch_test

import (
	"context"
	"syscall"
	"testing"
	"time"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/batch"
	"github.com/urumqi-hrss/jobmatch/matcher/engine"
)

// cpuTime is the process's user+system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// openPosts counts the jobs and internships a run scores every graduate
// against.
func openPosts(in *batch.Inputs) int {
	n := 0
	for i := range in.Posts {
		if p := &in.Posts[i]; p.Kind != matcher.KindCourse && p.Searchable(in.Now) {
			n++
		}
	}
	return n
}

// onlinePairsPerCPUSecond is the online path's rate, the batch's baseline:
// Engine.Recommend (the API's call) in a loop over the run's active
// graduates, one goroutine, graduates × open posts per CPU-second.
func onlinePairsPerCPUSecond(b *testing.B, st matcher.FullStore, in *batch.Inputs, open int) float64 {
	var gs []matcher.Graduate
	cfg := batch.DefaultConfig()
	err := st.EachGraduate(context.Background(), matcher.GraduateFilter{}, func(g *matcher.Graduate) error {
		for _, s := range cfg.ActiveStatuses {
			if g.Status == s && len(gs) < 1000 {
				gs = append(gs, *g)
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	c0 := cpuTime()
	for i := range gs {
		if _, err := in.Engine.Recommend(&gs[i], matcher.Query{Limit: 8, PerEmployer: 2}); err != nil {
			b.Fatal(err)
		}
	}
	return float64(len(gs)) * float64(open) / (cpuTime() - c0).Seconds()
}

// densePairsPerCPUSecond is the floor of scoring as dense linear algebra
// on this machine: a block of 256 graduates' feature vectors times every
// open post's (engine.NumFeatures float32 each) with gonum's float32 GEMM,
// pairs per CPU-second of one goroutine.
func densePairsPerCPUSecond(open int) float64 {
	const grads, k = 256, engine.NumFeatures
	a := blas32.General{Rows: grads, Cols: k, Stride: k, Data: make([]float32, grads*k)}
	p := blas32.General{Rows: open, Cols: k, Stride: k, Data: make([]float32, open*k)}
	c := blas32.General{Rows: grads, Cols: open, Stride: open, Data: make([]float32, grads*open)}
	for i := range a.Data {
		a.Data[i] = float32(i%7) / 7
	}
	for i := range p.Data {
		p.Data[i] = float32(i%5) / 5
	}
	const rounds = 8
	c0 := cpuTime()
	for range rounds {
		blas32.Gemm(blas.NoTrans, blas.Trans, 1, a, p, 0, c)
	}
	return rounds * grads * float64(open) / (cpuTime() - c0).Seconds()
}

// fmaPairsPerCPUSecond is this machine's float32 multiply-add peak as Go
// code reaches it without assembly: eight independent chains of
// a = a·x + y (so the adds do not wait on each other), counted as pairs of
// engine.NumFeatures multiply-adds each, per CPU-second of one goroutine.
// It is the ceiling of a pair that costs one multiply-add per feature and
// nothing else; gonum's GEMM (densePairsPerCPUSecond) is what a library
// with vector kernels reaches on the same shape.
func fmaPairsPerCPUSecond() float64 {
	const n = 1 << 27
	x, y := float32(0.999999), float32(1e-7)
	var a0, a1, a2, a3, a4, a5, a6, a7 float32 = 1, 2, 3, 4, 5, 6, 7, 8
	c0 := cpuTime()
	for range n {
		a0 = a0*x + y
		a1 = a1*x + y
		a2 = a2*x + y
		a3 = a3*x + y
		a4 = a4*x + y
		a5 = a5*x + y
		a6 = a6*x + y
		a7 = a7*x + y
	}
	elapsed := (cpuTime() - c0).Seconds()
	fmaSink = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7
	return 8 * n / engine.NumFeatures / elapsed
}

// fmaSink keeps the chains' results alive, so the loop is not removed.
var fmaSink float32
