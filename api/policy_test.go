package api

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

// TestPolicyReload: issue 9's item 8 on a running server — POST
// /v1/policy/reload (admins only, audited) reads the policy again and the
// next dashboard and plans follow it without a restart; a policy that
// does not load or validate is refused with its reason and the one in
// force stays.
func TestPolicyReload(t *testing.T) {
	var source func() (catalog.Policy, error)
	f := newFixture(t, func(c *Config) {
		c.ReloadPolicy = func() (catalog.Policy, error) { return source() }
	})
	pol := f.srv.casework.Policy() // the fixture's: its year is its clock's
	next := pol
	next.Year = pol.Year + 1
	next.Shortlist.PostsMax = 6
	cohort := strconv.Itoa(next.Year) + "届"
	summary := func() map[string]any {
		t.Helper()
		r := f.do("GET", "/v1/caseload/summary", "admin", nil)
		if r.status != http.StatusOK {
			t.Fatalf("summary: %d %s", r.status, r.body)
		}
		return r.json(t)
	}
	if y := summary()["plan_year"]; y != float64(pol.Year) {
		t.Fatalf("plan year %v before the reload", y)
	}

	source = func() (catalog.Policy, error) { return next, nil }
	if r := f.do("POST", "/v1/policy/reload", "counselor", nil); r.status != http.StatusForbidden {
		t.Errorf("a counselor reloaded the policy: %d", r.status)
	}
	r := f.do("POST", "/v1/policy/reload", "admin", nil)
	if r.status != http.StatusOK || r.json(t)["year"] != float64(next.Year) {
		t.Fatalf("reload: %d %s", r.status, r.body)
	}
	s := summary()
	if s["plan_year"] != float64(next.Year) || !strings.HasPrefix(s["registration"].(map[string]any)["population"].(string), cohort) {
		t.Errorf("after the reload: plan year %v, registration %v", s["plan_year"], s["registration"])
	}
	var hard matcher.Graduate
	for _, g := range f.grads {
		if matcher.PlanGraduate(&g, &next) {
			hard = g
			break
		}
	}
	if hard.ID == "" {
		t.Fatal("no 一人一策 graduate in the fixture")
	}
	plan := decodeShortlist(t, f.do("GET", "/v1/graduates/"+hard.ID+"/shortlist", "admin", nil))
	if plan.Check.PostsMax != 6 {
		t.Errorf("the plan's posts max %d after the reload, want 6", plan.Check.PostsMax)
	}
	log, err := f.st.AuditLog(context.Background(), "", 50)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(log, func(e matcher.AuditEntry) bool {
		return e.Action == "policy.reload" && e.KeyID == f.keyID["admin"] && strings.HasPrefix(e.Detail, strconv.Itoa(next.Year)+" ")
	}) {
		t.Error("the reload was not audited")
	}

	// A file that does not load, then one that does not validate.
	source = func() (catalog.Policy, error) {
		return catalog.Policy{}, errors.New("policy.json: unexpected end of JSON input")
	}
	if r := f.do("POST", "/v1/policy/reload", "admin", nil); r.status != http.StatusBadRequest || !strings.Contains(string(r.body), "unexpected end") {
		t.Errorf("a policy that does not load: %d %s", r.status, r.body)
	}
	bad := next
	bad.Year = next.Year + 1
	bad.HardshipCategories = []string{"单亲家庭"}
	source = func() (catalog.Policy, error) { return bad, nil }
	if r := f.do("POST", "/v1/policy/reload", "admin", nil); r.status != http.StatusBadRequest || !strings.Contains(string(r.body), "hardship_categories") {
		t.Errorf("a policy CheckPolicy refuses: %d %s", r.status, r.body)
	}
	if y := summary()["plan_year"]; y != float64(next.Year) {
		t.Errorf("plan year %v after two refused reloads, want %d still", y, next.Year)
	}
}
