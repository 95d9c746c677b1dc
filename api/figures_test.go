package api

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/casework"
)

// allFigures is everything the dashboard and its charts count, for one
// scope.
type allFigures struct {
	Dashboard *casework.Dashboard
	Contacts  *casework.ContactsDue
	Districts []casework.DistrictRates
	Plans     *casework.PlanProgress
}

func figuresOf(t *testing.T, cw *casework.Service, district string) allFigures {
	t.Helper()
	ctx := context.Background()
	f := casework.CaseFilter{District: district}
	var a allFigures
	var err error
	if a.Dashboard, err = cw.Dashboard(ctx, f); err != nil {
		t.Fatal(err)
	}
	if a.Contacts, err = cw.ContactsDue(ctx, f, contactDays); err != nil {
		t.Fatal(err)
	}
	if a.Districts, err = cw.DistrictComparison(ctx, f); err != nil {
		t.Fatal(err)
	}
	if a.Plans, err = cw.PlanProgress(ctx, f); err != nil {
		t.Fatal(err)
	}
	return a
}

// storeReader is a casework service over the fixture's store that keeps
// no figures: every count reads the ledger.
func storeReader(t *testing.T, f *fixture, maxAge time.Duration) *casework.Service {
	t.Helper()
	cfg := f.srv.cfg
	cw, err := casework.New(casework.Config{Store: cfg.Stores.Casework, Recommender: cfg.Engine, Policy: cfg.Policy, Now: cfg.Now, FiguresMaxAge: maxAge})
	if err != nil {
		t.Fatal(err)
	}
	return cw
}

// sameFigures fails unless the server's kept figures are what a pass over
// the store gives, for the city and for 天山区.
func sameFigures(t *testing.T, f *fixture, fresh *casework.Service, after string) {
	t.Helper()
	for _, d := range []string{"", "天山区"} {
		got, want := figuresOf(t, f.srv.casework, d), figuresOf(t, fresh, d)
		if !reflect.DeepEqual(got, want) {
			g, _ := json.Marshal(got)
			w, _ := json.Marshal(want)
			t.Fatalf("after %s, district %q: kept figures\n%s\nwant (from the store)\n%s", after, d, g, w)
		}
	}
}

// TestKeptFiguresFollowWrites: the dashboard's kept figures (casework's
// snapshot) equal a fresh pass over the store after every kind of write
// the API makes — a graduate edited, placed, deleted, a contact logged, a
// plan edited — and a write behind the server's back is taken in by the
// background refresh once the copy is older than FiguresMaxAge.
func TestKeptFiguresFollowWrites(t *testing.T) {
	f := newFixture(t)
	varyCaseload(f)
	fresh := storeReader(t, f, -1)
	sameFigures(t, f, fresh, "the first read")
	before := figuresOf(t, f.srv.casework, "")

	g, _ := f.graduateIn("天山区")
	if !g.IsHardship() || !g.Looking() {
		t.Fatalf("fixture graduate %s should be a hardship case still looking", g.ID)
	}
	if r := f.do("POST", "/v1/graduates/"+g.ID+"/contacts", "counselor", map[string]any{"method": "phone", "outcome": "reached"}); r.status != 201 {
		t.Fatalf("contact: %d %s", r.status, r.body)
	}
	sameFigures(t, f, fresh, "a contact")
	var plan matcher.Plan
	if err := json.Unmarshal(f.do("GET", "/v1/graduates/"+g.ID+"/shortlist", "counselor", nil).body, &plan); err != nil {
		t.Fatal(err)
	}
	if len(plan.Posts) > 0 {
		if r := f.do("POST", "/v1/graduates/"+g.ID+"/shortlist", "counselor", map[string]any{"action": "remove", "post_id": plan.Posts[0].ID}); r.status != 200 {
			t.Fatalf("remove: %d %s", r.status, r.body)
		}
		sameFigures(t, f, fresh, "a plan edit")
	}
	var got matcher.Graduate
	json.Unmarshal(f.do("GET", "/v1/graduates/"+g.ID, "admin", nil).body, &got)
	got.Status, got.UpdatedAt = matcher.StatusPlaced, time.Time{}
	if r := f.do("PUT", "/v1/graduates/"+g.ID, "admin", got); r.status != 200 {
		t.Fatalf("PUT placed: %d %s", r.status, r.body)
	}
	sameFigures(t, f, fresh, "a placement")
	if r := f.do("DELETE", "/v1/graduates/"+g.ID, "admin", nil); r.status != 204 {
		t.Fatalf("DELETE: %d %s", r.status, r.body)
	}
	sameFigures(t, f, fresh, "a deletion")
	after := figuresOf(t, f.srv.casework, "")
	if after.Dashboard.Total != before.Dashboard.Total-1 || after.Dashboard.Contacted == before.Dashboard.Contacted && after.Dashboard.Total == before.Dashboard.Total {
		t.Errorf("the writes changed nothing: total %d → %d", before.Dashboard.Total, after.Dashboard.Total)
	}

	// Behind the server's back: a copy that may grow 1 ns old is rebuilt
	// in the background, started by the read that notices it is stale;
	// reads after that rebuild get the store's figures.
	kept := storeReader(t, f, time.Nanosecond)
	// Every read of a copy 1 ns old starts a rebuild; the last must end
	// before the store closes.
	t.Cleanup(kept.WaitFigures)
	old := figuresOf(t, kept, "")
	f.setGraduates(func(g *matcher.Graduate) bool {
		if g.Looking() && g.GraduationYear == old.Dashboard.PlanYear {
			g.Status = matcher.StatusEmployed
			return true
		}
		return false
	})
	want := figuresOf(t, fresh, "")
	if reflect.DeepEqual(want.Dashboard, old.Dashboard) {
		t.Fatal("the store write changed no figure")
	}
	// The read that notices the copy is stale starts the rebuild (and
	// answers from the copy it has); once that rebuild has ended, the next
	// read answers from the store's figures.
	figuresOf(t, kept, "")
	kept.WaitFigures()
	if got := figuresOf(t, kept, ""); !reflect.DeepEqual(got, want) {
		t.Fatalf("kept figures never took in the store's change:\n%+v\nwant %+v", got.Dashboard, want.Dashboard)
	}
}
