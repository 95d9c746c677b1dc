package engine

import (
	"reflect"
	"slices"
	"testing"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// TestOnlineRankerIsRecommend: Recommend through the online Ranker returns
// what its scan returns — items, reasons, scores and the counts of
// excluded posts by rule — for every graduate and query, and it did go
// through the Ranker (the engine's clock is fixed).
func TestOnlineRankerIsRecommend(t *testing.T) {
	posts := genPosts(1, 3000)
	opts := testOptions()
	ranked, err := New(posts, nil, opts)
	if err != nil {
		t.Fatal(err)
	}
	scanned, err := New(posts, nil, opts)
	if err != nil {
		t.Fatal(err)
	}
	scanned.scanOnly = true
	queries := []matcher.Query{{Limit: 8}, {Limit: 24, PerEmployer: 2}, {Limit: 8, Kind: matcher.KindInternship},
		{Limit: 5, Channel: matcher.ChannelSME}, {Limit: 12, Kind: matcher.KindJob, PerEmployer: 1}}
	gs := rankGraduates()
	items, excluded := 0, 0
	for i := range gs {
		for _, q := range queries {
			got, err := ranked.Recommend(&gs[i], q)
			if err != nil {
				t.Fatal(err)
			}
			want, err := scanned.Recommend(&gs[i], q)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%s %+v: through the Ranker\n%+v\nscanned\n%+v", gs[i].ID, q, got, want)
			}
			items += len(got.Items)
			for _, n := range got.Excluded {
				excluded += n
			}
		}
	}
	if ranked.online.r == nil || scanned.online.r != nil {
		t.Fatalf("the ranked engine made no Ranker, or the scanning one did")
	}
	if items < len(gs)*len(queries)*3 || excluded == 0 {
		t.Fatalf("%d items, %d exclusions: the comparison would show nothing", items, excluded)
	}
	t.Logf("%d lists, %d items, %d exclusions equal", len(gs)*len(queries), items, excluded)
}

// TestOnlineRankerFollowsChanges: after an Upsert or a Remove the next
// Recommend answers from the engine's new state (a new Ranker), not the
// old one.
func TestOnlineRankerFollowsChanges(t *testing.T) {
	posts := genPosts(2, 1500)
	e, err := New(posts, nil, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	g := &rankGraduates()[0]
	before, err := e.Recommend(g, matcher.Query{Limit: 8})
	if err != nil || len(before.Items) == 0 {
		t.Fatalf("no list: %v", err)
	}
	first := e.online.r
	top := before.Items[0].PostID
	e.Remove(top)
	after, err := e.Recommend(g, matcher.Query{Limit: 8})
	if err != nil {
		t.Fatal(err)
	}
	if e.online.r == first {
		t.Fatalf("the Ranker was not replaced after Remove")
	}
	for _, it := range after.Items {
		if it.PostID == top {
			t.Fatalf("removed post %s still recommended", top)
		}
	}
}

// TestMajorCachesFollowChanges: the caches shared by graduates of a major
// (the majors rule's verdicts, the occupation affinities) and the online
// Ranker are not read past a change of the posts: an engine that answered
// before posts were added answers afterwards exactly as one that went
// through the same changes without answering anything first.
func TestMajorCachesFollowChanges(t *testing.T) {
	posts := genPosts(3, 2400)
	warm, err := New(posts[:1200], nil, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	cold, err := New(posts[:1200], nil, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	gs := rankGraduates()[:120]
	for i := range gs {
		if _, err := warm.Recommend(&gs[i], matcher.Query{Limit: 8}); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range posts[1200:] {
		if err := warm.Upsert(p); err != nil {
			t.Fatal(err)
		}
		if err := cold.Upsert(p); err != nil {
			t.Fatal(err)
		}
	}
	changed := 0
	for i := range gs {
		got, err := warm.Recommend(&gs[i], matcher.Query{Limit: 8})
		if err != nil {
			t.Fatal(err)
		}
		want, err := cold.Recommend(&gs[i], matcher.Query{Limit: 8})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: the warmed engine answers\n%+v\nthe cold one\n%+v", gs[i].ID, got, want)
		}
		for _, it := range got.Items {
			if slices.ContainsFunc(posts[1200:], func(p matcher.Post) bool { return p.ID == it.PostID }) {
				changed++
				break
			}
		}
	}
	if changed == 0 {
		t.Fatalf("no list holds an added post: the test shows nothing")
	}
}
