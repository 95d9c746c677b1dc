package batch_test

import (
	"context"
	"errors"
	"testing"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/batch"
)

// TestShardsEqualOneProcess: a run computed in three shards — one of them
// killed after its first chunk and run again — publishes exactly the lists
// of a run computed in one process, and its report says it is unchanged
// from that run; a shard of a run whose inputs changed is refused.
func TestShardsEqualOneProcess(t *testing.T) {
	ctx := context.Background()
	st := openBolt(t)
	fill(t, st)
	in := load(t, st)
	opt := batch.Options{Chunk: 40, Workers: 2, Log: quiet()}
	one, err := batch.Run(ctx, st, in, opt)
	if err != nil {
		t.Fatal(err)
	}
	active, _ := activeGraduates(t, st)
	_, want := runLists(t, st, ids(active))

	plan, err := batch.Prepare(ctx, st, in, opt)
	if err != nil {
		t.Fatal(err)
	}
	if plan.RunID == one.RunID || len(plan.Prices) == 0 {
		t.Fatalf("plan %s with %d discounted posts; want a new run with prices", plan.RunID, len(plan.Prices))
	}
	const n = 3
	var parts []batch.ShardResult
	graduates := 0
	for i := range n {
		sh := batch.Shard{RunID: plan.RunID, Index: i, Count: n, Prices: plan.Prices}
		if i == 1 {
			killed := opt
			killed.AfterChunk = func(int) error { return errKilled }
			if _, err := batch.RunShard(ctx, st, in, killed, sh); !errors.Is(err, errKilled) {
				t.Fatalf("killed shard: %v", err)
			}
		}
		res, err := batch.RunShard(ctx, st, in, opt, sh)
		if err != nil {
			t.Fatal(err)
		}
		if i == 1 && (res.Computed != res.Graduates-opt.Chunk || res.Computed == 0) {
			t.Fatalf("resumed shard computed %d of %d; want all but the first chunk of %d", res.Computed, res.Graduates, opt.Chunk)
		}
		graduates += res.Graduates
		parts = append(parts, *res)
	}
	if graduates != len(active) {
		t.Fatalf("shards hold %d graduates; %d are active", graduates, len(active))
	}
	if r, _ := st.LatestRun(ctx); r.ID != one.RunID {
		t.Fatalf("run %s visible before Finish", r.ID)
	}
	sum, err := batch.Finish(ctx, st, in, opt, plan.RunID, parts)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("sharded: %s", sum)
	runID, got := runLists(t, st, ids(active))
	if runID != plan.RunID {
		t.Fatalf("published %s, want %s", runID, plan.RunID)
	}
	for _, g := range active {
		if !sameList(got[g.ID], want[g.ID]) {
			t.Fatalf("graduate %s: the sharded run's list differs from the one-process run's", g.ID)
		}
	}
	rep := sum.Report
	if rep.Shards != n || rep.Diff.Previous != one.RunID || rep.Diff.Unchanged != len(active) || rep.Graduates != len(active) || rep.After.Lists != sum.Computed {
		t.Fatalf("report: shards %d, diff %+v, graduates %d, after %+v", rep.Shards, rep.Diff, rep.Graduates, rep.After)
	}
	// Finish again: nothing to do.
	if again, err := batch.Finish(ctx, st, in, opt, plan.RunID, parts); err != nil || again.Computed != 0 {
		t.Fatalf("second Finish: %+v, %v", again, err)
	}

	// A worker whose inputs differ from the coordinator's is refused.
	plan2, err := batch.Prepare(ctx, st, in, opt)
	if err != nil {
		t.Fatal(err)
	}
	g := active[0]
	g.ExpectedSalary += 300
	if _, err := st.UpsertGraduates(ctx, []matcher.Graduate{g}); err != nil {
		t.Fatal(err)
	}
	_, err = batch.RunShard(ctx, st, in, opt, batch.Shard{RunID: plan2.RunID, Index: 0, Count: 2, Prices: plan2.Prices})
	if matcher.ErrorCode(err) != matcher.ECONFLICT {
		t.Fatalf("shard over changed inputs: %v; want a conflict", err)
	}
}
