package casework

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
	"github.com/urumqi-hrss/jobmatch/matcher/engine"
	"github.com/urumqi-hrss/jobmatch/store/bolt"
	"github.com/urumqi-hrss/jobmatch/store/storetest"
)

// TestFiguresShareTheLedger: the dashboard's kept figures hold the
// caseload ledger's graduates, not copies of them, and a reload of the
// ledger keeps the graduates that did not change, so the figures never
// keep a second copy of the ledger alive; a graduate written since is
// read anew and counted anew.
func TestFiguresShareTheLedger(t *testing.T) {
	ctx := context.Background()
	stack := NewTestStack(t, 30)
	st, eng, pol, now := stack.Store, stack.Engine, stack.Policy, stack.Now
	svc, err := New(Config{Store: st, Recommender: eng, Policy: pol, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	wall := time.Now()
	svc.ledger.clock = func() time.Time { return wall }
	if err := svc.WarmFigures(ctx); err != nil {
		t.Fatal(err)
	}
	shared := func(what string) *ledgerRows {
		t.Helper()
		rows := svc.ledger.rows.Load()
		svc.figures.mu.RLock()
		defer svc.figures.mu.RUnlock()
		if len(svc.figures.facts) != len(rows.byID) {
			t.Fatalf("%s: %d facts, %d graduates in the ledger", what, len(svc.figures.facts), len(rows.byID))
		}
		for id, ft := range svc.figures.facts {
			if ft.g != rows.byID[id] {
				t.Errorf("%s: the figures hold a copy of %s, not the ledger's graduate", what, id)
			}
		}
		return rows
	}
	before := shared("built")

	// A graduate placed behind the service's back, then the ledger reloaded
	// (older than reloadEvery) and the figures rebuilt.
	placed := storetest.Graduate(10) // hardship: a 一人一策 graduate until placed
	placed.Status, placed.PlacedAt = matcher.StatusPlaced, now
	if _, err := st.UpsertGraduates(ctx, []matcher.Graduate{placed}); err != nil {
		t.Fatal(err)
	}
	wall = wall.Add(reloadEvery + time.Second)
	if err := svc.WarmFigures(ctx); err != nil {
		t.Fatal(err)
	}
	after := shared("after a reload")
	if after == before {
		t.Fatal("the ledger was not reloaded")
	}
	for id, g := range after.byID {
		if id == placed.ID {
			if g == before.byID[id] || g.Status != matcher.StatusPlaced {
				t.Errorf("%s was written, yet the reload kept the graduate read before", id)
			}
		} else if g != before.byID[id] {
			t.Errorf("%s did not change, yet the reload made a new copy", id)
		}
	}
	pp, err := svc.PlanProgress(ctx, CaseFilter{})
	if err != nil {
		t.Fatal(err)
	}
	d, err := svc.Dashboard(ctx, CaseFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if pp.Graduates != d.PlanGraduates || pp.Graduates != 3 {
		t.Errorf("after %s was placed: %d plans, %d 一人一策 graduates on the dashboard; want 3 (of 4 hardship graduates)", placed.ID, pp.Graduates, d.PlanGraduates)
	}
}

// TestStack is a bolt store holding storetest's posts and its first 40
// graduates, the real engine over those posts and the plan's policy, as
// of Now. It is exported so that the package's external tests (package
// casework_test) build on the same one.
type TestStack struct {
	Store  *bolt.Store
	Posts  []matcher.Post
	Engine *engine.Engine
	Policy catalog.Policy
	Now    time.Time
}

// NewTestStack is the stack with posts portal-a 1 … nPosts.
func NewTestStack(t *testing.T, nPosts int) TestStack {
	t.Helper()
	ctx := context.Background()
	now := time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)
	st, err := bolt.Open(filepath.Join(t.TempDir(), "jobmatch.db"), storetest.Keys())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	var posts []matcher.Post
	for n := 1; n <= nPosts; n++ {
		posts = append(posts, storetest.Post("portal-a", n))
	}
	var gs []matcher.Graduate
	for n := 1; n <= 40; n++ {
		gs = append(gs, storetest.Graduate(n))
	}
	if _, err := st.UpsertPosts(ctx, posts); err != nil {
		t.Fatal(err)
	}
	if _, err := st.UpsertGraduates(ctx, gs); err != nil {
		t.Fatal(err)
	}
	pol, err := catalog.LoadPolicy()
	if err != nil {
		t.Fatal(err)
	}
	eng, err := engine.New(posts, nil, engine.Options{Now: now, Policy: pol})
	if err != nil {
		t.Fatal(err)
	}
	return TestStack{Store: st, Posts: posts, Engine: eng, Policy: pol, Now: now}
}
