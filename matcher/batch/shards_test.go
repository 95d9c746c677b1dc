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
// from that run; a shard of a run whose inputs changed is refused. Each
// shard reads its slice of the ledger (Plan.Slices) or, as shards queued
// before the slices do, finds its graduates by hash among all.
func TestShardsEqualOneProcess(t *testing.T) {
	t.Run("slices", func(t *testing.T) { exerciseShardsEqualOneProcess(t, true) })
	t.Run("hash", func(t *testing.T) { exerciseShardsEqualOneProcess(t, false) })
}

// shardOf names shard i of n of plan, with its slice when sliced.
func shardOf(plan *batch.Plan, i, n int, sliced bool) batch.Shard {
	sh := batch.Shard{RunID: plan.RunID, Index: i, Count: n, Prices: plan.Prices}
	if sliced {
		sh.Slice = &plan.Slices(n)[i]
	}
	return sh
}

func exerciseShardsEqualOneProcess(t *testing.T, sliced bool) {
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
		sh := shardOf(plan, i, n, sliced)
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
		if (res.Slice != nil) != sliced {
			t.Fatalf("shard %d: slice %+v", i, res.Slice)
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
	// (active[0], the lowest ID, is in the first slice.)
	_, err = batch.RunShard(ctx, st, in, opt, shardOf(plan2, 0, 2, sliced))
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
func TestShardedReportBolt(t *testing.T) {
	t.Run("slices", func(t *testing.T) { exerciseShardedReport(t, openBolt(t), openBolt(t), true) })
	t.Run("hash", func(t *testing.T) { exerciseShardedReport(t, openBolt(t), openBolt(t), false) })
}
func TestShardedReportPostgres(t *testing.T) {
	t.Run("slices", func(t *testing.T) { exerciseShardedReport(t, openPostgres(t), openPostgres(t), true) })
	t.Run("hash", func(t *testing.T) { exerciseShardedReport(t, openPostgres(t), openPostgres(t), false) })
}

func exerciseShardedReport(t *testing.T, one, sharded matcher.FullStore, sliced bool) {
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
		res, err := batch.RunShard(ctx, sharded, in, opt, shardOf(plan, i, n, sliced))
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

// TestShardSlices: the slices of a run tile the ID space and hold every
// active graduate once; a shard reads only its slice, so a graduate who
// leaves the ledger, or joins it, after the run opened makes the shard of
// their slice refused and not the others; once the shards have landed, a
// change waits for the next run and the publish goes ahead, as with a
// run in one process, which reads the ledger once at its start.
func TestShardSlices(t *testing.T) {
	ctx := context.Background()
	st := openBolt(t)
	fill(t, st)
	in := load(t, st)
	opt := batch.Options{Chunk: 100, Workers: 2, Log: quiet()}
	active, inactive := activeGraduates(t, st)
	const n = 3

	plan, err := batch.Prepare(ctx, st, in, opt)
	if err != nil {
		t.Fatal(err)
	}
	sl := plan.Slices(n)
	if len(sl) != n || sl[0].From != "" || sl[n-1].To != "" {
		t.Fatalf("slices %+v", sl)
	}
	total := 0
	for i, s := range sl {
		if i > 0 && sl[i-1].To != s.From {
			t.Fatalf("slice %d starts at %q; the previous ends at %q", i, s.From, sl[i-1].To)
		}
		inSlice := 0
		for _, g := range active {
			if g.ID >= s.From && (s.To == "" || g.ID < s.To) {
				inSlice++
			}
		}
		if inSlice != s.Graduates || s.Graduates < len(active)/n {
			t.Fatalf("slice %d: %d graduates, %d active in its range (%d in all)", i, s.Graduates, inSlice, len(active))
		}
		total += s.Graduates
	}
	if total != len(active) {
		t.Fatalf("slices hold %d graduates; %d are active", total, len(active))
	}
	// inSlice finds a graduate of gs in slice i of sl.
	inSlice := func(gs []matcher.Graduate, sl []batch.Slice, i int) matcher.Graduate {
		for _, g := range gs {
			if g.ID >= sl[i].From && (sl[i].To == "" || g.ID < sl[i].To) {
				return g
			}
		}
		t.Fatalf("no graduate in slice %d", i)
		return matcher.Graduate{}
	}
	upsert := func(g matcher.Graduate) {
		if _, err := st.UpsertGraduates(ctx, []matcher.Graduate{g}); err != nil {
			t.Fatal(err)
		}
	}
	shard := func(p *batch.Plan, i int) (*batch.ShardResult, error) {
		return batch.RunShard(ctx, st, in, opt, batch.Shard{RunID: p.RunID, Index: i, Count: n, Prices: p.Prices, Slice: &p.Slices(n)[i]})
	}

	// A graduate of slice 1 leaves: shard 1 is refused, shard 0 computes.
	left := inSlice(active, sl, 1)
	left.Status = matcher.StatusPlaced
	upsert(left)
	if _, err := shard(plan, 1); matcher.ErrorCode(err) != matcher.ECONFLICT {
		t.Fatalf("shard of a graduate who left: %v; want a conflict", err)
	}
	if res, err := shard(plan, 0); err != nil || res.Computed != sl[0].Graduates {
		t.Fatalf("shard 0 beside the change: %+v, %v", res, err)
	}

	// A new run (the first one's inputs changed: superseded). A graduate
	// joins with an ID in slice 2: shard 2 is refused, shard 1 computes.
	plan2, err := batch.Prepare(ctx, st, in, opt)
	if err != nil {
		t.Fatal(err)
	}
	if plan2.RunID == plan.RunID {
		t.Fatalf("run %s resumed over changed inputs", plan.RunID)
	}
	sl2 := plan2.Slices(n)
	joined := inSlice(inactive, sl2, 2)
	joined.Status = matcher.StatusSeeking
	upsert(joined)
	if _, err := shard(plan2, 2); matcher.ErrorCode(err) != matcher.ECONFLICT {
		t.Fatalf("shard of a graduate who joined: %v; want a conflict", err)
	}
	if _, err := shard(plan2, 1); err != nil {
		t.Fatalf("shard 1 beside the change: %v", err)
	}

	// A third run: every shard lands, then a graduate leaves: the run is
	// published with the graduates it opened with.
	plan3, err := batch.Prepare(ctx, st, in, opt)
	if err != nil {
		t.Fatal(err)
	}
	var parts []batch.ShardResult
	for i := range n {
		res, err := shard(plan3, i)
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, *res)
	}
	late := inSlice(active, plan3.Slices(n), 0)
	late.Status = matcher.StatusEmployed
	upsert(late)
	sum, err := batch.Finish(ctx, st, in, opt, plan3.RunID, parts)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Graduates != plan3.Graduates || sum.Report.Graduates != plan3.Graduates || sum.Computed != plan3.Graduates {
		t.Fatalf("published %d graduates (report %d, computed %d); the run opened with %d", sum.Graduates, sum.Report.Graduates, sum.Computed, plan3.Graduates)
	}
	if r, _ := st.LatestRun(ctx); r.ID != plan3.RunID || r.Graduates != plan3.Graduates {
		t.Fatalf("latest run %s with %d lists; want %s with %d", r.ID, r.Graduates, plan3.RunID, plan3.Graduates)
	}

	// Slices that do not tile the ID space are refused.
	plan4, err := batch.Prepare(ctx, st, in, opt)
	if err != nil {
		t.Fatal(err)
	}
	var gap []batch.ShardResult
	for i := range n {
		s := plan4.Slices(n)[i]
		if i == 1 {
			s.From += "0"
		}
		gap = append(gap, batch.ShardResult{Index: i, Slice: &s})
	}
	if _, err := batch.Finish(ctx, st, in, opt, plan4.RunID, gap); err == nil {
		t.Fatal("Finish over slices with a gap: no error")
	}
}
