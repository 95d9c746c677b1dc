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

// testRunInspection: runs listed newest first, a run's lists read back in
// graduate order across pages, and its report saved and read back.
func testRunInspection(t *testing.T, s matcher.FullStore) {
	runs, err := s.Runs(ctx, 0)
	must(t, err)
	if len(runs) != 0 {
		t.Fatalf("empty store lists runs: %+v", runs)
	}
	t0 := time.Date(2026, 6, 1, 2, 0, 0, 0, time.UTC)
	older := &matcher.Run{ID: "batch-20260601", StartedAt: t0}
	newer := &matcher.Run{ID: "batch-20260602", StartedAt: t0.Add(24 * time.Hour)}
	must(t, s.CreateRun(ctx, newer))
	must(t, s.CreateRun(ctx, older))

	// More lists than a page of either store, saved out of order.
	const n = 1203
	var recs []matcher.GraduateRecommendations
	for i := n - 1; i >= 0; i-- {
		recs = append(recs, matcher.GraduateRecommendations{GraduateID: fmt.Sprintf("G%05d", i),
			Items: []matcher.StoredRecommendation{rec(fmt.Sprintf("p:%d", i%7+1), 2), rec("p:0", 1)}})
	}
	must(t, s.SaveRecommendations(ctx, older.ID, recs))
	must(t, s.PublishRun(ctx, older.ID))

	runs, err = s.Runs(ctx, 0)
	must(t, err)
	if len(runs) != 2 || runs[0].ID != newer.ID || runs[1].ID != older.ID || runs[1].Graduates != n || runs[1].Status != matcher.RunPublished {
		t.Fatalf("runs: %+v", runs)
	}
	if runs, err = s.Runs(ctx, 1); err != nil || len(runs) != 1 || runs[0].ID != newer.ID {
		t.Fatalf("runs limit 1: %+v %v", runs, err)
	}

	var got []string
	must(t, s.EachRunList(ctx, older.ID, func(gr matcher.GraduateRecommendations) error {
		if len(gr.Items) != 2 || gr.Items[0].Rank != 1 || gr.Items[0].PostID != "p:0" {
			return fmt.Errorf("graduate %s: items %+v", gr.GraduateID, gr.Items)
		}
		got = append(got, gr.GraduateID)
		return nil
	}))
	if len(got) != n || !slices.IsSorted(got) || got[0] != "G00000" {
		t.Fatalf("lists: %d, sorted %v, first %v", len(got), slices.IsSorted(got), got[:min(1, len(got))])
	}
	stop := fmt.Errorf("stop")
	calls := 0
	if err := s.EachRunList(ctx, older.ID, func(matcher.GraduateRecommendations) error { calls++; return stop }); err != stop || calls != 1 {
		t.Fatalf("EachRunList after an error: %v, %d calls", err, calls)
	}
	code(t, s.EachRunList(ctx, "none", func(matcher.GraduateRecommendations) error { return nil }), matcher.ENOTFOUND)
	checkListPosts(t, s, older.ID)
	must(t, s.EachRunList(ctx, newer.ID, func(gr matcher.GraduateRecommendations) error {
		return fmt.Errorf("an empty run has list %s", gr.GraduateID)
	}))

	_, err = s.RunReport(ctx, older.ID)
	code(t, err, matcher.ENOTFOUND)
	rep := &matcher.RunReport{RunID: older.ID, Summary: []string{"本批次为 1203 名毕业生推荐了岗位。"}, Graduates: n,
		Channels: []matcher.RunCoverage{{Key: "sme", Name: "中小微企业", Graduates: n, Slots: 2 * n}},
		Diff:     matcher.RunDiff{Previous: "batch-20260531", NewPosts: 3}}
	must(t, s.SaveRunReport(ctx, rep))
	rep.Diff.NewPosts = 4 // saved again: replaced
	must(t, s.SaveRunReport(ctx, rep))
	back, err := s.RunReport(ctx, older.ID)
	must(t, err)
	sameJSON(t, "run report", back, rep)
	code(t, s.SaveRunReport(ctx, &matcher.RunReport{RunID: "none"}), matcher.ENOTFOUND)
	_, err = s.RunReport(ctx, "none")
	code(t, err, matcher.ENOTFOUND)
}

// checkListPosts checks EachRunListPosts against EachRunList: every
// graduate of the run, in order, with the jobs and internships of the
// default list (not the plan's items) in rank order.
func checkListPosts(t *testing.T, s matcher.FullStore, runID string) {
	t.Helper()
	ps, ok := s.(interface {
		EachRunListPosts(ctx context.Context, runID string, fn func(graduateID string, posts []string) error) error
	})
	if !ok {
		t.Fatalf("%T has no EachRunListPosts", s)
	}
	var want, got []string
	must(t, s.EachRunList(ctx, runID, func(gr matcher.GraduateRecommendations) error {
		var posts []string
		for _, it := range gr.Items {
			if !it.Plan && (it.Kind == matcher.KindJob || it.Kind == matcher.KindInternship) {
				posts = append(posts, it.PostID)
			}
		}
		want = append(want, gr.GraduateID+": "+strings.Join(posts, " "))
		return nil
	}))
	must(t, ps.EachRunListPosts(ctx, runID, func(id string, posts []string) error {
		got = append(got, id+": "+strings.Join(posts, " "))
		return nil
	}))
	if len(want) == 0 || !slices.Equal(got, want) {
		t.Fatalf("EachRunListPosts of run %s: %d lists, want %d (first %q, want %q)", runID, len(got), len(want), got[:min(1, len(got))], want[:min(1, len(want))])
	}
	stop := fmt.Errorf("stop")
	if err := ps.EachRunListPosts(ctx, runID, func(string, []string) error { return stop }); err != stop {
		t.Fatalf("EachRunListPosts after an error: %v", err)
	}
	code(t, ps.EachRunListPosts(ctx, "none", func(string, []string) error { return nil }), matcher.ENOTFOUND)
}
