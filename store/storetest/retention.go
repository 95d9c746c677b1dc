package storetest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// testRunRetention: a prune keeps the newest keep published runs (the
// served one among them), runs in progress, failed runs newer than the
// served run and runs being read; it deletes the others' lists (plan items
// included) and keeps their records (graduates counted) and reports; a
// pruned run's lists read back as EGONE naming the run, and it cannot be
// published again. A dry run changes nothing and says the same.
func testRunRetention(t *testing.T, s matcher.FullStore) {
	t0 := time.Date(2026, 6, 1, 2, 0, 0, 0, time.UTC)
	var ids []string
	for i := 1; i <= 5; i++ {
		r := &matcher.Run{ID: fmt.Sprintf("batch-2026060%d", i), StartedAt: t0.Add(time.Duration(i) * 24 * time.Hour)}
		must(t, s.CreateRun(ctx, r))
		plan := matcher.StoredRecommendation{PostID: "c:1", Kind: matcher.KindCourse, Rank: 3, Plan: true, Item: []byte(`{"post_id":"c:1"}`)}
		must(t, s.SaveRecommendations(ctx, r.ID, []matcher.GraduateRecommendations{
			{GraduateID: "G1", Items: []matcher.StoredRecommendation{rec("a:1", 1), rec(fmt.Sprintf("a:%d", i+1), 2), plan}},
			{GraduateID: "G2", Items: []matcher.StoredRecommendation{rec("a:9", 1)}},
		}))
		must(t, s.SaveRunReport(ctx, &matcher.RunReport{RunID: r.ID, Graduates: 2, Summary: []string{r.ID}}))
		if i == 3 {
			failed := &matcher.Run{ID: "batch-20260603-2", StartedAt: r.StartedAt.Add(time.Hour)}
			must(t, s.CreateRun(ctx, failed))
			must(t, s.FailRun(ctx, failed.ID, "killed"))
		}
		if i < 5 {
			must(t, s.PublishRun(ctx, r.ID))
		}
		ids = append(ids, r.ID)
	}
	// ids[4] runs (never published); the served run is ids[3].
	code(t, errOf(s.PruneRuns(ctx, 1, false)), matcher.EINVALID)

	dry, err := s.PruneRuns(ctx, 2, true)
	must(t, err)
	wantPruned := []string{"batch-20260603-2", ids[1], ids[0]}
	if got := prunedIDs(dry); !slices.Equal(got, wantPruned) || !dry.DryRun || dry.Pruned[1].Lists != 2 || dry.Pruned[1].Bytes <= 0 {
		t.Fatalf("dry run: %+v", dry)
	}
	for _, id := range ids {
		if r, err := s.Run(ctx, id); err != nil || !r.PrunedAt.IsZero() {
			t.Fatalf("dry run changed run %s: %+v %v", id, r, err)
		}
	}

	// A held run keeps its lists until released (twice: no reader is
	// counted out twice); unknown runs are not held.
	release, err := s.HoldRun(ctx, ids[0])
	must(t, err)
	held, err := s.PruneRuns(ctx, 2, true)
	must(t, err)
	release()
	release()
	freed, err := s.PruneRuns(ctx, 2, true)
	must(t, err)
	if !slices.Contains(held.Kept, matcher.KeptRun{ID: ids[0], Reason: matcher.KeepReading}) || !slices.Equal(prunedIDs(freed), wantPruned) {
		t.Fatalf("run %s held: %+v; released: %+v", ids[0], held, freed)
	}
	code(t, errOf(s.HoldRun(ctx, "none")), matcher.ENOTFOUND)

	// A run being read keeps its lists: ids[0] is read while pruning.
	var during *matcher.PruneResult
	must(t, s.EachRunList(ctx, ids[0], func(gr matcher.GraduateRecommendations) error {
		if during == nil {
			var err error
			during, err = s.PruneRuns(ctx, 2, false)
			return err
		}
		return nil
	}))
	if got := prunedIDs(during); !slices.Equal(got, wantPruned[:2]) || !slices.Contains(during.Kept, matcher.KeptRun{ID: ids[0], Reason: matcher.KeepReading}) {
		t.Fatalf("prune while run %s is read: %+v", ids[0], during)
	}
	want := []matcher.KeptRun{{ID: ids[4], Reason: matcher.KeepRunning}, {ID: ids[3], Reason: matcher.KeepServed}, {ID: ids[2], Reason: matcher.KeepNewest}}
	if !slices.Equal(during.Kept[:3], want) {
		t.Fatalf("kept: %+v, want %+v first", during.Kept, want)
	}
	res, err := s.PruneRuns(ctx, 2, false)
	must(t, err)
	if got := prunedIDs(res); !slices.Equal(got, []string{ids[0]}) {
		t.Fatalf("second prune: %+v", res)
	}
	if res, err := s.PruneRuns(ctx, 2, false); err != nil || len(res.Pruned) != 0 {
		t.Fatalf("third prune: %+v %v", res, err)
	}
	checkPruned(t, s, ids[1])
	checkPruned(t, s, ids[0])

	// What is kept still reads; the served run still serves.
	runID, items, err := s.RecommendationsFor(ctx, "G1")
	if err != nil || runID != ids[3] || len(items) != 3 || !items[2].Plan { // the plan item kept too
		t.Fatalf("served after prune: %s %+v %v", runID, items, err)
	}
	for _, id := range []string{ids[2], ids[3], ids[4]} {
		n := 0
		must(t, s.EachRunList(ctx, id, func(matcher.GraduateRecommendations) error { n++; return nil }))
		if n != 2 {
			t.Fatalf("kept run %s: %d lists", id, n)
		}
	}
	// The served run rolled back to an older one: it is kept, as served.
	must(t, s.PublishRun(ctx, ids[2]))
	res, err = s.PruneRuns(ctx, 2, false)
	must(t, err)
	if len(res.Pruned) != 0 || !slices.Contains(res.Kept, matcher.KeptRun{ID: ids[2], Reason: matcher.KeepServed}) {
		t.Fatalf("after the roll-back: %+v", res)
	}
}

func errOf[T any](_ T, err error) error { return err }

func prunedIDs(r *matcher.PruneResult) []string {
	var out []string
	for _, p := range r.Pruned {
		out = append(out, p.ID)
	}
	return out
}

// checkPruned: a pruned run is listed with its graduates and PrunedAt and
// its report; its lists are gone and reading them is EGONE naming it.
func checkPruned(t *testing.T, s matcher.FullStore, id string) {
	t.Helper()
	r, err := s.Run(ctx, id)
	must(t, err)
	if r.PrunedAt.IsZero() || r.Graduates != 2 || r.Status != matcher.RunPublished {
		t.Fatalf("pruned run %s: %+v", id, r)
	}
	if rep, err := s.RunReport(ctx, id); err != nil || rep.Summary[0] != id {
		t.Fatalf("pruned run %s: report %+v %v", id, rep, err)
	}
	err = s.EachRunList(ctx, id, func(matcher.GraduateRecommendations) error { return nil })
	code(t, err, matcher.EGONE)
	if !strings.Contains(err.Error(), id) {
		t.Fatalf("the error does not name the run: %v", err)
	}
	// The diff's reads too: the digests went with the lists.
	code(t, s.EachRunListDigest(ctx, id, func(string, []byte, []string) error { return nil }), matcher.EGONE)
	code(t, s.RunListPosts(ctx, id, []string{"G00001"}, func(string, []string) error { return nil }), matcher.EGONE)
	code(t, s.RunListDigests(ctx, id, []string{"G00001"}, func(string, []byte, []string) error { return nil }), matcher.EGONE)
	code(t, s.RunListsOf(ctx, id, []string{"G00001"}, func(matcher.GraduateRecommendations) error { return nil }), matcher.EGONE)
	code(t, s.PublishRun(ctx, id), matcher.EGONE)
	code(t, errOf(s.HoldRun(ctx, id)), matcher.EGONE)
	if gids, err := s.RunGraduateIDs(ctx, id); err != nil || len(gids) != 0 {
		t.Fatalf("pruned run %s still has lists of %v (%v)", id, gids, err)
	}
}

// PruneDeadline is a store whose PruneRuns records the deadline of the
// context it was given (Set says there was one), for the tests of who
// bounds a prune (matcher.PruneTimeout).
type PruneDeadline struct {
	matcher.FullStore
	Deadline time.Time
	Set      bool
}

func (d *PruneDeadline) PruneRuns(ctx context.Context, keep int, dryRun bool) (*matcher.PruneResult, error) {
	d.Deadline, d.Set = ctx.Deadline()
	return d.FullStore.PruneRuns(ctx, keep, dryRun)
}
