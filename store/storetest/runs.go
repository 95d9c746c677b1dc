package storetest

import (
	"bytes"
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
	checkListPosts(t, s, older.ID, digestsAll)
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

// digestsWanted says which lists of a run checkListPosts expects a digest
// under the current key for.
type digestsWanted int

const (
	digestsAll  digestsWanted = iota // every list (saved under the current key)
	digestsNone                      // none (saved under a key that is no longer current)
)

// checkListPosts checks the diff's reads against EachRunList (every
// graduate of the run, in order, with the jobs and internships of the
// default list, not the plan's items, in rank order): EachRunListDigest
// gives the same graduates, each with the digest ListDigest makes of those
// posts (or, under another key, the posts themselves), and RunListPosts
// the posts of some of them.
func checkListPosts(t *testing.T, s matcher.FullStore, runID string, want digestsWanted) {
	t.Helper()
	var wantPosts, got []string
	postsOf := map[string][]string{}
	must(t, s.EachRunList(ctx, runID, func(gr matcher.GraduateRecommendations) error {
		var posts []string
		for _, it := range gr.Items {
			if matcher.InDefaultList(it.Kind, it.Plan) {
				posts = append(posts, it.PostID)
			}
		}
		postsOf[gr.GraduateID] = posts
		wantPosts = append(wantPosts, gr.GraduateID+": "+strings.Join(posts, " "))
		return nil
	}))
	if len(wantPosts) == 0 {
		t.Fatalf("run %s has no lists: nothing to check", runID)
	}
	stop := fmt.Errorf("stop")

	must(t, s.EachRunListDigest(ctx, runID, func(id string, digest []byte, posts []string) error {
		switch {
		case want == digestsAll && (digest == nil || posts != nil):
			return fmt.Errorf("list of %s: digest %x, posts %q; want the digest only", id, digest, posts)
		case want == digestsNone && digest != nil:
			return fmt.Errorf("list of %s: digest %x under another key; want its posts", id, digest)
		case digest != nil && !bytes.Equal(digest, s.ListDigest(id, postsOf[id])):
			return fmt.Errorf("list of %s: digest %x, ListDigest of its posts %x", id, digest, s.ListDigest(id, postsOf[id]))
		case digest == nil && !slices.Equal(posts, postsOf[id]):
			return fmt.Errorf("list of %s: posts %q, want %q", id, posts, postsOf[id])
		}
		got = append(got, id+": "+strings.Join(postsOf[id], " "))
		return nil
	}))
	if !slices.Equal(got, wantPosts) {
		t.Fatalf("EachRunListDigest of run %s: %d lists, want %d", runID, len(got), len(wantPosts))
	}
	if err := s.EachRunListDigest(ctx, runID, func(string, []byte, []string) error { return stop }); err != stop {
		t.Fatalf("EachRunListDigest after an error: %v", err)
	}
	code(t, s.EachRunListDigest(ctx, "none", func(string, []byte, []string) error { return nil }), matcher.ENOTFOUND)

	// A digest says which posts in which order, for whom: another order
	// or another graduate's same list digests differently.
	for id, posts := range postsOf {
		if len(posts) < 2 {
			continue
		}
		swapped := append([]string{posts[1], posts[0]}, posts[2:]...)
		if d := s.ListDigest(id, posts); bytes.Equal(d, s.ListDigest(id, swapped)) || bytes.Equal(d, s.ListDigest(id+"x", posts)) ||
			bytes.Equal(d, s.ListDigest(id, posts[:1])) {
			t.Fatalf("ListDigest of %s's %q: the same for another order, graduate or list", id, posts)
		}
		break
	}

	// RunListPosts: every third graduate of the run and one without a
	// list, asked out of order.
	var ask, wantSome []string
	for i, line := range wantPosts {
		if i%3 == 0 {
			id, _, _ := strings.Cut(line, ": ")
			ask = append([]string{id}, ask...)
			wantSome = append(wantSome, line)
		}
	}
	ask = append(ask, "no-such-graduate")
	got = got[:0]
	must(t, s.RunListPosts(ctx, runID, ask, func(id string, posts []string) error {
		got = append(got, id+": "+strings.Join(posts, " "))
		return nil
	}))
	if !slices.Equal(got, wantSome) {
		t.Fatalf("RunListPosts of run %s: %d lists, want %d (first %q, want %q)", runID, len(got), len(wantSome), got[:min(1, len(got))], wantSome[:min(1, len(wantSome))])
	}
	code(t, s.RunListPosts(ctx, "none", ask, func(string, []string) error { return nil }), matcher.ENOTFOUND)

	// RunListDigests and RunListsOf: EachRunListDigest and EachRunList
	// for the same graduates.
	var digests, lists []string
	must(t, s.EachRunListDigest(ctx, runID, func(id string, digest []byte, posts []string) error {
		if slices.Contains(ask, id) {
			digests = append(digests, fmt.Sprintf("%s: %x %q", id, digest, posts))
		}
		return nil
	}))
	must(t, s.EachRunList(ctx, runID, func(gr matcher.GraduateRecommendations) error {
		if slices.Contains(ask, gr.GraduateID) {
			lists = append(lists, fmt.Sprintf("%+v", gr))
		}
		return nil
	}))
	got = got[:0]
	must(t, s.RunListDigests(ctx, runID, ask, func(id string, digest []byte, posts []string) error {
		got = append(got, fmt.Sprintf("%s: %x %q", id, digest, posts))
		return nil
	}))
	if !slices.Equal(got, digests) || len(got) != len(wantSome) {
		t.Fatalf("RunListDigests of run %s: %q, want %q", runID, got, digests)
	}
	got = got[:0]
	must(t, s.RunListsOf(ctx, runID, ask, func(gr matcher.GraduateRecommendations) error {
		got = append(got, fmt.Sprintf("%+v", gr))
		return nil
	}))
	if !slices.Equal(got, lists) || len(got) != len(wantSome) {
		t.Fatalf("RunListsOf of run %s: %d lists, want %d", runID, len(got), len(lists))
	}
	if err := s.RunListsOf(ctx, runID, ask, func(matcher.GraduateRecommendations) error { return stop }); err != stop {
		t.Fatalf("RunListsOf after an error: %v", err)
	}
	code(t, s.RunListDigests(ctx, "none", ask, func(string, []byte, []string) error { return nil }), matcher.ENOTFOUND)
	code(t, s.RunListsOf(ctx, "none", ask, func(matcher.GraduateRecommendations) error { return nil }), matcher.ENOTFOUND)
}
