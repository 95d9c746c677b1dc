package casework

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store/storetest"
)

// TestSetPolicy: issue 9's item 8 while the service runs — next year's
// plan swapped in (SetPolicy, what `serve` does on SIGHUP or POST
// /v1/policy/reload) is what the next plan and the next dashboard apply:
// the kept figures and proposals made under the old one are not reused.
// A policy matcher.CheckPolicy refuses changes nothing.
func TestSetPolicy(t *testing.T) {
	ctx := context.Background()
	stack := NewTestStack(t, 30)
	st, eng, pol, now := stack.Store, stack.Engine, stack.Policy, stack.Now
	svc, err := New(Config{Store: st, Recommender: eng, Policy: pol, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	g := storetest.Graduate(10) // a hardship graduate still looking
	if !matcher.PlanGraduate(&g, &pol) {
		t.Fatal("storetest.Graduate(10) is no 一人一策 graduate")
	}
	before, err := svc.Dashboard(ctx, CaseFilter{})
	if err != nil {
		t.Fatal(err)
	}
	p, err := svc.Plan(ctx, &g)
	if err != nil {
		t.Fatal(err)
	}
	if before.PlanYear != pol.Year || p.Check.PostsMax != pol.Shortlist.PostsMax || before.PlanGraduates == 0 {
		t.Fatalf("before: plan year %d, posts max %d, %d plan graduates", before.PlanYear, p.Check.PostsMax, before.PlanGraduates)
	}

	bad := pol
	bad.HardshipCategories = []string{"单亲家庭"}
	if err := svc.SetPolicy(bad); err == nil {
		t.Error("SetPolicy took a policy CheckPolicy refuses")
	}
	if got := svc.Policy(); !slices.Equal(got.HardshipCategories, pol.HardshipCategories) {
		t.Errorf("a refused policy changed the service's: %v", got.HardshipCategories)
	}

	next := pol
	next.Year = pol.Year + 1
	next.Shortlist.PostsMax = 6
	if err := svc.SetPolicy(next); err != nil {
		t.Fatal(err)
	}
	eng.SetPolicy(next)
	after, err := svc.Dashboard(ctx, CaseFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if after.PlanYear != next.Year || !strings.HasPrefix(after.Registration.Population, strconv.Itoa(next.Year)+"届") {
		t.Errorf("dashboard after the swap: plan year %d, registration of %q; want %d", after.PlanYear, after.Registration.Population, next.Year)
	}
	q, err := svc.Plan(ctx, &g)
	if err != nil {
		t.Fatal(err)
	}
	if q.Check.PostsMax != 6 || len(q.Posts) > 6 {
		t.Errorf("plan after the swap: posts max %d, %d posts; want at most 6", q.Check.PostsMax, len(q.Posts))
	}
	if eng.Policy().Year != next.Year {
		t.Errorf("engine policy year %d after SetPolicy", eng.Policy().Year)
	}

	// A policy without g's hardship categories: g has no plan, and the
	// kept figures count fewer 一人一策 graduates at once.
	fewer := next
	fewer.HardshipCategories = slices.DeleteFunc(slices.Clone(pol.HardshipCategories), func(c string) bool {
		one := pol
		one.HardshipCategories = []string{c}
		return matcher.PlanGraduate(&g, &one)
	})
	if err := svc.SetPolicy(fewer); err != nil {
		t.Fatal(err)
	}
	last, err := svc.Dashboard(ctx, CaseFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if last.PlanGraduates >= after.PlanGraduates {
		t.Errorf("plan graduates %d -> %d: a policy naming fewer hardship categories plans for fewer", after.PlanGraduates, last.PlanGraduates)
	}
}
