package batch_test

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"reflect"
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
		if res.Counts == nil || res.Counts.Lists != res.Graduates {
			t.Fatalf("shard %d counted %+v of its %d lists", i, res.Counts, res.Graduates)
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
	// The coverage, counted by the shards (the killed one's earlier lists
	// read back, counted once), is the one-process run's of the same lists.
	if o := one.Report; !reflect.DeepEqual(rep.Channels, o.Channels) || !reflect.DeepEqual(rep.Districts, o.Districts) ||
		rep.WithPosts != o.WithPosts || rep.ShortList != o.ShortList || rep.Hardship != o.Hardship {
		t.Fatalf("sharded coverage %+v %+v %d/%d/%d; one process %+v %+v %d/%d/%d", rep.Channels, rep.Districts, rep.WithPosts, rep.ShortList, rep.Hardship,
			o.Channels, o.Districts, o.WithPosts, o.ShortList, o.Hardship)
	}
	if d := rep.Diff; d.Compared != len(active) || d.Joined != 0 || d.Left != 0 {
		t.Fatalf("diff %+v", d)
	}
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

// TestShardedReportBolt and TestShardedReportPostgres: the report of a run
// computed in shards — each shard counting its own lists' coverage and
// diff, Finish adding them, one shard's counts missing (a result of an
// older version: Finish counts that shard itself) — equals field by field
// the report of the same run computed in one process on a copy of the
// same data, after the same previous run, with graduates joining and
// leaving in between.
func TestShardedReportBolt(t *testing.T) { exerciseShardedReport(t, openBolt(t), openBolt(t)) }
func TestShardedReportPostgres(t *testing.T) {
	exerciseShardedReport(t, openPostgres(t), openPostgres(t))
}

func exerciseShardedReport(t *testing.T, one, sharded matcher.FullStore) {
	ctx := context.Background()
	off := batch.DefaultConfig()
	off.Capacity.K = 0
	var in *batch.Inputs
	for _, st := range []matcher.FullStore{one, sharded} {
		fill(t, st)
		// The previous run: without the capacity pass, so that the next
		// one's lists differ from it.
		if _, err := batch.Run(ctx, st, load(t, st), batch.Options{Config: off, Chunk: 100, Log: quiet()}); err != nil {
			t.Fatal(err)
		}
		active, inactive := activeGraduates(t, st)
		left, joined := active[0], inactive[0]
		left.Status, joined.Status = matcher.StatusPlaced, matcher.StatusSeeking
		if _, err := st.UpsertGraduates(ctx, []matcher.Graduate{left, joined}); err != nil {
			t.Fatal(err)
		}
		in = load(t, st)
	}
	opt := batch.Options{Chunk: 40, Workers: 2, Log: quiet()}
	want, err := batch.Run(ctx, one, load(t, one), opt)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := batch.Prepare(ctx, sharded, in, opt)
	if err != nil {
		t.Fatal(err)
	}
	const n = 4
	var parts []batch.ShardResult
	for i := range n {
		res, err := batch.RunShard(ctx, sharded, in, opt, batch.Shard{RunID: plan.RunID, Index: i, Count: n, Prices: plan.Prices})
		if err != nil {
			t.Fatal(err)
		}
		if res.Counts == nil || res.Counts.Lists != res.Graduates {
			t.Fatalf("shard %d: %d graduates, counts %+v", i, res.Graduates, res.Counts)
		}
		// As the queue keeps it: JSON.
		b, err := json.Marshal(res)
		if err != nil {
			t.Fatal(err)
		}
		var kept batch.ShardResult
		if err := json.Unmarshal(b, &kept); err != nil {
			t.Fatal(err)
		}
		if i == 2 {
			kept.Counts = nil
		}
		parts = append(parts, kept)
	}
	got, err := batch.Finish(ctx, sharded, in, opt, plan.RunID, parts)
	if err != nil {
		t.Fatal(err)
	}
	a, b := *want.Report, *got.Report
	if a.Diff.Joined == 0 || a.Diff.Left == 0 || a.Diff.NewPosts == 0 || a.Diff.Unchanged == 0 || b.Shards != n {
		t.Fatalf("one process's diff %+v (want some joined, left, new and unchanged), shards %d", a.Diff, b.Shards)
	}
	a.Shards, a.ElapsedSeconds, a.PairsPerSecond = 0, 0, 0
	b.Shards, b.ElapsedSeconds, b.PairsPerSecond = 0, 0, 0
	// The mean scores are sums of floats, added in another order by the
	// shards: equal to the last few bits.
	for _, x := range []struct{ a, b *float64 }{{&a.Before.MeanScore, &b.Before.MeanScore}, {&a.After.MeanScore, &b.After.MeanScore},
		{&a.MeanScoreLoss, &b.MeanScoreLoss}} {
		if math.Abs(*x.a-*x.b) > 1e-9*math.Abs(*x.a) {
			t.Fatalf("mean scores %v (one process), %v (sharded)", *x.a, *x.b)
		}
		*x.b = *x.a
	}
	if !reflect.DeepEqual(a, b) {
		ja, _ := json.MarshalIndent(a, "", " ")
		jb, _ := json.MarshalIndent(b, "", " ")
		t.Fatalf("the sharded run's report differs from one process's:\none process %s\nsharded %s", ja, jb)
	}
}
