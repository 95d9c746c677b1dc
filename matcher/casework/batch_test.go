package casework_test

import (
	"context"
	"encoding/json"
	"sync/atomic"
	"testing"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/casework"
	"github.com/urumqi-hrss/jobmatch/store/bolt"
)

// lookupCountingStore is the bolt store, counting the one-at-a-time
// look-ups a plan makes (on PostgreSQL, a query each).
type lookupCountingStore struct {
	*bolt.Store
	single atomic.Int64
}

func (s *lookupCountingStore) Post(ctx context.Context, id string) (*matcher.Post, error) {
	s.single.Add(1)
	return s.Store.Post(ctx, id)
}

func (s *lookupCountingStore) Course(ctx context.Context, id string) (*matcher.Course, error) {
	s.single.Add(1)
	return s.Store.Course(ctx, id)
}

func (s *lookupCountingStore) ShortlistEdits(ctx context.Context, id string) ([]matcher.ShortlistEdit, error) {
	s.single.Add(1)
	return s.Store.ShortlistEdits(ctx, id)
}

// TestHandoutsBatchTheirReads: a district's handouts are the handouts of
// each graduate one by one (edits, a deleted item and a removed one
// included), and they read their items and edits in batches, not one
// look-up at a time.
func TestHandoutsBatchTheirReads(t *testing.T) {
	ctx := context.Background()
	stack := casework.NewTestStack(t, 60)
	st := &lookupCountingStore{Store: stack.Store}
	svc, err := casework.New(casework.Config{Store: st, Recommender: stack.Engine, Policy: stack.Policy, Now: func() time.Time { return stack.Now }})
	if err != nil {
		t.Fatal(err)
	}
	var gs []matcher.Graduate
	if err := st.EachGraduate(ctx, matcher.GraduateFilter{}, func(g *matcher.Graduate) error {
		if matcher.PlanGraduate(g, new(svc.Policy())) {
			gs = append(gs, *g)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(gs) < 3 {
		t.Fatalf("%d 一人一策 graduates, want at least 3", len(gs))
	}
	c := casework.Counselor{Name: "李老师"}
	first, err := svc.Handout(ctx, &gs[0], c)
	if err != nil || len(first.Posts) < 2 {
		t.Fatalf("first handout: %v, %d posts", err, len(first.Posts))
	}
	for _, e := range []matcher.ShortlistEdit{
		{GraduateID: gs[0].ID, PostID: first.Posts[1].ID, Action: matcher.EditRemove, KeyID: "k"},
		{GraduateID: gs[0].ID, PostID: "portal-a:gone", Action: matcher.EditAdd, KeyID: "k"},
		{GraduateID: gs[1].ID, PostID: stack.Posts[7].ID, Action: matcher.EditPin, KeyID: "k", Note: "已联系"},
	} {
		if err := st.EditShortlist(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	want := make([]*casework.Handout, len(gs))
	for i := range gs {
		if want[i], err = svc.Handout(ctx, &gs[i], c); err != nil {
			t.Fatal(err)
		}
	}
	before := st.single.Load()
	got, err := svc.Handouts(ctx, gs, c)
	if err != nil {
		t.Fatal(err)
	}
	if n := st.single.Load() - before; n != 0 {
		t.Errorf("%d handouts made %d single look-ups, want none", len(gs), n)
	}
	gj, _ := json.Marshal(got)
	wj, _ := json.Marshal(want)
	if string(gj) != string(wj) {
		t.Errorf("batched handouts differ from one-by-one:\n%s\nwant\n%s", gj, wj)
	}
}
