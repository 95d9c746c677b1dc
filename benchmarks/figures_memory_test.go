package benchmarks

import (
	"context"
	"io"
	"log/slog"
	"os"
	"runtime"
	"runtime/pprof"
	"testing"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher/casework"
)

// liveHeap is the heap in use after two collections.
func liveHeap() int64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}

// TestFiguresMemory measures what the casework service holds in memory at
// 50,000 graduates: the caseload's ledger (every graduate opened), then
// what the dashboard's kept figures add to it (a fact per graduate, a
// plan check and a kept proposal per 一人一策 graduate). It measures, it
// does not assert. It runs only when asked:
//
//	JOBMATCH_PAGES_BENCH=1 go test ./benchmarks/ -run TestFiguresMemory -v -timeout 40m
//
// JOBMATCH_HEAP_PROFILE=FILE writes the heap profile once the figures are
// built (go tool pprof -sample_index=inuse_space).
func TestFiguresMemory(t *testing.T) {
	if os.Getenv("JOBMATCH_PAGES_BENCH") != "1" {
		t.Skip("figures memory: set JOBMATCH_PAGES_BENCH=1 to run it")
	}
	ctx := context.Background()
	ps := newPageStack(t)
	svc, err := casework.New(casework.Config{Store: ps.st, Recommender: ps.cfg.Engine, Policy: ps.cfg.Policy,
		Now: ps.cfg.Now, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	h0 := liveHeap()
	n, err := svc.LoadLedger(ctx)
	if err != nil {
		t.Fatal(err)
	}
	h1 := liveHeap()
	start := time.Now()
	if err := svc.WarmFigures(ctx); err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	h2 := liveHeap()
	if path := os.Getenv("JOBMATCH_HEAP_PROFILE"); path != "" {
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := pprof.WriteHeapProfile(f); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	dash, err := svc.Dashboard(ctx, casework.CaseFilter{})
	if err != nil {
		t.Fatal(err)
	}
	runtime.KeepAlive(svc)
	mb := func(b int64) float64 { return float64(b) / (1 << 20) }
	t.Logf("machine %s, load %s; %d graduates in the ledger, %d 一人一策 graduates city-wide", cpuModel(), loadAvg(), n, dash.PlanGraduates)
	t.Logf("ledger: %.1f MB live heap (%.0f B a graduate)", mb(h1-h0), float64(h1-h0)/float64(n))
	t.Logf("kept figures on top of it: %.1f MB (%.0f B a graduate); built in %s", mb(h2-h1), float64(h2-h1)/float64(n), took.Round(time.Millisecond))
}
