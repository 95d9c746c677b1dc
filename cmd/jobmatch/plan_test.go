package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/casework"
	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

// TestPlansThroughNightlyRuns is issue 9's items 3 and "How good" through
// the commands a city runs: a generated ledger imported, `jobmatch batch`
// on one day, a counselor's pin and removal on a proposed plan, `jobmatch
// batch` again the next day. The pin and the removal survive the second
// run, and for every 一人一策 graduate of the ledger the plan is a
// complete proposal or says exactly what is missing, holds no item the
// rules exclude, and lists no subsidy without its rule and sentence.
func TestPlansThroughNightlyRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end batch")
	}
	ctx := context.Background()
	dir := t.TempDir()
	gen, data := filepath.Join(dir, "gen"), filepath.Join(dir, "data")
	if code, _, errs := run(t, "", "gen", "--out", gen, "--posts", "1200", "--graduates", "400", "--courses", "80", "--seed", "9"); code != 0 {
		t.Fatalf("gen: exit %d: %s", code, errs)
	}
	for _, entity := range []string{"courses", "posts", "graduates"} {
		if code, _, errs := run(t, "", "ingest", "--data", data, "--now=2023-06-15", "--quiet", entity, filepath.Join(gen, entity+".csv")); code != 0 {
			t.Fatalf("ingest %s: exit %d: %s", entity, code, errs)
		}
	}
	batch := func(day string) {
		t.Helper()
		if code, _, errs := run(t, "", "batch", "--data", data, "--now="+day, "--quiet"); code != 0 {
			t.Fatalf("batch %s: exit %d: %s", day, code, errs)
		}
	}
	// service opens the data directory as the commands do, at day.
	service := func(day string) (*Main, *casework.Service) {
		t.Helper()
		m := NewMain()
		m.DataDir, m.NowFlag = data, day
		m.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
		svc, err := m.casework(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return m, svc
	}
	batch("2023-06-15")

	// A counselor pins the second proposed post and removes the first.
	m, svc := service("2023-06-15")
	pol := svc.Policy()
	_, looking, err := svc.Caseload(ctx, casework.CaseFilter{Hardship: "yes", Group: casework.GroupLooking}, 0, 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	var g *matcher.Graduate
	var pinned, removed string
	for i := range looking {
		if !matcher.PlanGraduate(&looking[i], &pol) {
			continue
		}
		p, err := svc.Plan(ctx, &looking[i])
		if err != nil {
			t.Fatal(err)
		}
		if p.Status == matcher.PlanProposed && p.ProposedBy == "run:batch-20230615" && len(p.Posts) >= 2 {
			g, removed, pinned = &looking[i], p.Posts[0].ID, p.Posts[1].ID
			break
		}
	}
	if g == nil {
		t.Fatal("no 一人一策 graduate with a plan proposed by the run")
	}
	for _, req := range []casework.EditRequest{
		{Action: matcher.EditPin, PostID: pinned, Note: "本人有意向", Role: matcher.RoleCounselor, KeyID: "k1"},
		{Action: matcher.EditRemove, PostID: removed, Role: matcher.RoleCounselor, KeyID: "k1"},
	} {
		if _, err := svc.Edit(ctx, g, req); err != nil {
			t.Fatalf("%s %s: %v", req.Action, req.PostID, err)
		}
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}

	batch("2023-06-16")
	code, out, errs := run(t, "", "shortlist", "--data", data, "--now=2023-06-16", "--graduate", g.ID, "--format", "json")
	if code != 0 {
		t.Fatalf("shortlist: exit %d: %s", code, errs)
	}
	var p matcher.Plan
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatalf("shortlist json %q: %v", out, err)
	}
	if p.ProposedBy != "run:batch-20230616" {
		t.Errorf("after the second run the plan is proposed by %q, want run:batch-20230616", p.ProposedBy)
	}
	i := slices.IndexFunc(p.Posts, func(it matcher.PlanItem) bool { return it.ID == pinned })
	if i != 0 || !p.Posts[i].Pinned || p.Posts[i].Origin != matcher.OriginCounselor || p.Posts[i].Note != "本人有意向" {
		t.Errorf("the pinned post %s after the second run: index %d in %+v", pinned, i, p.Posts)
	}
	for _, it := range p.Items() {
		if it.ID == removed {
			t.Errorf("the removed post %s is proposed again after the second run", removed)
		}
	}

	// Next year's plan as a file (item 8): other amounts and another post
	// window; the same plan follows it with no rebuild.
	raw, err := os.ReadFile("../../matcher/catalog/policy.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	doc["shortlist"].(map[string]any)["posts_max"] = 6
	amounts := map[string]float64{}
	for _, sub := range doc["subsidies"].([]any) {
		sm := sub.(map[string]any)
		switch code := sm["code"].(string); code {
		case "job_search_startup", "startup_one_time", "startup_guarantee_loan":
			sm["amount"] = sm["amount"].(float64) + 37
			fallthrough
		default:
			amounts[code] = sm["amount"].(float64)
		}
	}
	next := filepath.Join(dir, "policy-next.json")
	if b, err := json.Marshal(doc); err != nil || os.WriteFile(next, b, 0o600) != nil {
		t.Fatalf("write %s: %v", next, err)
	}
	code, out, errs = run(t, "", "shortlist", "--data", data, "--now=2023-06-16", "--policy", next, "--graduate", g.ID, "--format", "json")
	if code != 0 {
		t.Fatalf("shortlist --policy: exit %d: %s", code, errs)
	}
	var pn matcher.Plan
	if err := json.Unmarshal([]byte(out), &pn); err != nil {
		t.Fatalf("shortlist --policy json: %v", err)
	}
	if pn.Check.PostsMax != 6 || pn.Check.Posts > 6 {
		t.Errorf("under a policy of at most 6 posts: %d posts, posts_max %d", pn.Check.Posts, pn.Check.PostsMax)
	}
	changed := 0
	for _, sub := range pn.Subsidies {
		if sub.Amount != amounts[sub.Code] || sub.Amount > 0 && !strings.HasPrefix(sub.AmountText, strconv.FormatFloat(sub.Amount, 'f', -1, 64)) {
			t.Errorf("subsidy %s under the next policy: %v (%s), want the file's %v", sub.Code, sub.Amount, sub.AmountText, amounts[sub.Code])
		}
		if int(sub.Amount)%100 == 37 {
			changed++
		}
	}
	if len(pn.Subsidies) == 0 || changed == 0 {
		t.Errorf("%s's plan under the next policy: %d subsidies, %d with the file's new amounts; want some", g.ID, len(pn.Subsidies), changed)
	}
	t.Logf("under the next policy: %d posts (at most 6), %d subsidies, %d of them with the file's new amounts", pn.Check.Posts, len(pn.Subsidies), changed)

	// Every 一人一策 graduate's plan after the second run.
	m, svc = service("2023-06-16")
	defer m.Close()
	now := m.Now()
	n, complete, spread := 0, 0, 0
	for i := range looking {
		g, err := m.store.Graduate(ctx, looking[i].ID)
		if err != nil {
			t.Fatal(err)
		}
		if !matcher.PlanGraduate(g, &pol) {
			continue
		}
		n++
		p, err := svc.Plan(ctx, g)
		if err != nil {
			t.Fatal(err)
		}
		checkPlan(t, m, g, p, now)
		checkChannels(t, g, p)
		if p.Check.Complete {
			complete++
		}
		if strings.HasPrefix(p.ProposedBy, "run:") && strings.HasPrefix(p.Check.ChannelNote, "跨渠道") {
			spread++
		}
	}
	if n == 0 {
		t.Fatal("no 一人一策 graduate in the generated ledger")
	}
	t.Logf("%d 一人一策 graduates: %d complete plans, %d saying what is missing; 0 ineligible items, every subsidy with its rule; %d plans proposed by the run spread across channels", n, complete, n-complete, spread)
}

// checkPlan holds one plan to issue 9's "How good": complete or exactly
// what is missing, no item the rules exclude, every subsidy with its rule.
func checkPlan(t *testing.T, m *Main, g *matcher.Graduate, p *matcher.Plan, now time.Time) {
	t.Helper()
	ctx := context.Background()
	pol, _ := m.Policy()
	c := p.Check
	switch {
	case c.Complete && (c.Posts < c.PostsMin || c.Posts > c.PostsMax || c.Courses < c.CoursesMin):
		t.Errorf("%s: complete with %d posts, %d courses (want %d–%d, ≥%d)", g.ID, c.Posts, c.Courses, c.PostsMin, c.PostsMax, c.CoursesMin)
	case !c.Complete && len(c.Missing) == 0:
		t.Errorf("%s: incomplete and nothing said missing: %+v", g.ID, c)
	case !c.Complete && c.MissingCourses > 0 && !slices.ContainsFunc(c.Missing, func(s string) bool { return strings.Contains(s, "培训课程") }):
		t.Errorf("%s: %d courses missing, not said: %q", g.ID, c.MissingCourses, c.Missing)
	case p.Status != matcher.PlanProposed && p.Status != matcher.PlanConfirmed:
		t.Errorf("%s: plan status %s, want proposed", g.ID, p.Status)
	}
	if c.Ineligible != 0 {
		t.Errorf("%s: %d ineligible items", g.ID, c.Ineligible)
	}
	keys := map[string]bool{}
	for _, it := range p.Items() {
		if it.Ineligible != "" {
			t.Errorf("%s: %s on the plan though the rules exclude it: %s", g.ID, it.ID, it.Ineligible)
		}
		if it.Kind == matcher.KindCourse {
			cr, err := m.store.Course(ctx, it.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !cr.Open(now) {
				t.Errorf("%s: course %s has started or is full", g.ID, it.ID)
			}
			if keys[matcher.CourseKey(cr)] {
				t.Errorf("%s: two sessions of course %s", g.ID, matcher.CourseKey(cr))
			}
			keys[matcher.CourseKey(cr)] = true
			continue
		}
		post, err := m.store.Post(ctx, it.ID)
		if err != nil {
			t.Fatal(err)
		}
		if ok, rule, why := matcher.Eligible(g, post, pol, now); !ok && it.Open {
			t.Errorf("%s: %s on the plan fails %s: %s", g.ID, it.ID, rule, why)
		}
	}
	for _, s := range p.Subsidies {
		if s.Status == matcher.SubsidyNotApplicable || s.Quote == "" || s.Item == "" || s.Why == "" && s.Status == matcher.SubsidyApplies {
			t.Errorf("%s: subsidy %s listed without its rule: %+v", g.ID, s.Code, s)
		}
		i := slices.IndexFunc(pol.Subsidies, func(x catalog.Subsidy) bool { return x.Code == s.Code })
		if i < 0 {
			t.Errorf("%s: subsidy %s is not the policy's", g.ID, s.Code)
		}
	}
}
