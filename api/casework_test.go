package api

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/casework"
	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

// setGraduates stores changed fixture graduates and keeps f.grads current.
func (f *fixture) setGraduates(change func(g *matcher.Graduate) bool) {
	f.t.Helper()
	var gs []matcher.Graduate
	for _, id := range slices.Sorted(maps.Keys(f.grads)) {
		g := f.grads[id]
		if change(&g) {
			gs = append(gs, g)
		}
	}
	if _, err := f.st.UpsertGraduates(context.Background(), gs); err != nil {
		f.t.Fatal(err)
	}
	for _, g := range gs {
		stored, err := f.st.Graduate(context.Background(), g.ID)
		if err != nil {
			f.t.Fatal(err)
		}
		f.grads[g.ID] = *stored
	}
}

// varyCaseload gives the fixture's ledger the shape of a real caseload:
// some graduates unregistered, some placed, some contacted, registration
// dates spread over the fortnight before testNow.
func varyCaseload(f *fixture) {
	f.setGraduates(func(g *matcher.Graduate) bool {
		var n int
		fmt.Sscanf(g.ID, "G%d", &n)
		g.RegisteredAt = testNow.AddDate(0, 0, -(n % 14)).Truncate(24 * time.Hour)
		switch n % 6 {
		case 0:
			g.Status, g.RegisteredAt = matcher.StatusUnregistered, time.Time{}
		case 1:
			g.Status, g.PlacedAt = matcher.StatusPlaced, testNow.AddDate(0, 0, -1)
		case 2:
			g.Status = matcher.StatusStudying
		}
		if n%4 == 0 && !g.RegisteredAt.IsZero() {
			g.ContactedAt = g.RegisteredAt.Add(24 * time.Hour)
		}
		return true
	})
}

func caseload(t *testing.T, r resp) (total int, items []CaseSummary) {
	t.Helper()
	var body struct {
		Total int           `json:"total"`
		Items []CaseSummary `json:"items"`
	}
	if err := json.Unmarshal(r.body, &body); err != nil {
		t.Fatalf("caseload body: %v: %s", err, r.body)
	}
	return body.Total, body.Items
}

func TestCaseloadList(t *testing.T) {
	f := newFixture(t)
	varyCaseload(f)
	pol, _ := catalog.LoadPolicy()
	sla := pol.ContactSLADays
	// The expected sets, computed from the fixture's ledger independently
	// of the handler.
	want := func(district string, keep func(g *matcher.Graduate) bool) []string {
		var ids []string
		for _, g := range f.grads {
			if district != "" && g.HukouDistrict != district && g.ResidenceDistrict != district {
				continue
			}
			if keep == nil || keep(&g) {
				ids = append(ids, g.ID)
			}
		}
		slices.Sort(ids)
		return ids
	}
	// Only graduates still looking are owed a first contact: the placed,
	// employed and studying ones are never overdue, whatever their dates.
	looking := func(g *matcher.Graduate) bool {
		return g.Status == "" || g.Status == matcher.StatusUnregistered || g.Status == matcher.StatusSeeking
	}
	overdue := func(g *matcher.Graduate) bool {
		return looking(g) && !g.RegisteredAt.IsZero() && g.ContactedAt.IsZero() && testNow.Sub(g.RegisteredAt) > time.Duration(sla)*24*time.Hour
	}
	// The fixture must hold graduates that would be overdue by their
	// dates alone but have a destination, or the rule is not exercised.
	settledButLate := 0
	for _, g := range f.grads {
		if !looking(&g) && !g.RegisteredAt.IsZero() && g.ContactedAt.IsZero() && testNow.Sub(g.RegisteredAt) > time.Duration(sla)*24*time.Hour {
			settledButLate++
		}
	}
	if settledButLate == 0 {
		t.Fatal("the fixture has no placed graduate registered long ago and never contacted")
	}
	tests := []struct {
		name, key, query string
		status           int
		want             []string
	}{
		{"counselor sees their district", "counselor", "", 200, want("天山区", nil)},
		{"counselor naming their own district", "counselor", "?district=天山区", 200, want("天山区", nil)},
		{"counselor of another district", "counselor2", "", 200, want("米东区", nil)},
		{"admin sees the city", "admin", "", 200, want("", nil)},
		{"admin filters a district", "admin", "?district=米东区", 200, want("米东区", nil)},
		{"status filter", "admin", "?status=placed", 200, want("", func(g *matcher.Graduate) bool { return g.Status == matcher.StatusPlaced })},
		{"status in Chinese", "admin", "?status=" + "未登记", 200, want("", func(g *matcher.Graduate) bool { return g.Status == matcher.StatusUnregistered })},
		{"still looking", "counselor", "?status=looking", 200, want("天山区", looking)},
		{"still looking in Chinese", "admin", "?status=未落实去向", 200, want("", looking)},
		{"with a destination", "admin", "?status=settled", 200, want("", func(g *matcher.Graduate) bool { return !looking(g) })},
		{"looking and overdue", "admin", "?status=looking&overdue=yes", 200, want("", overdue)},
		{"hardship yes", "counselor", "?hardship=yes", 200, want("天山区", func(g *matcher.Graduate) bool { return g.IsHardship() })},
		{"hardship no", "admin", "?hardship=no", 200, want("", func(g *matcher.Graduate) bool { return !g.IsHardship() })},
		{"overdue", "admin", "?overdue=yes", 200, want("", overdue)},
		{"not overdue", "counselor", "?overdue=no", 200, want("天山区", func(g *matcher.Graduate) bool { return !overdue(g) })},
		{"counselor asks for another district", "counselor", "?district=米东区", 403, nil},
		{"portal", "portalA", "", 403, nil},
		{"no key", "", "", 401, nil},
		{"bad hardship", "admin", "?hardship=maybe", 400, nil},
		{"bad overdue", "admin", "?overdue=2", 400, nil},
		{"bad status", "admin", "?status=retired", 400, nil},
		{"bad district", "admin", "?district=朝阳区", 400, nil},
		{"unknown parameter", "admin", "?name=测试1", 400, nil},
		{"limit 0", "admin", "?limit=0", 400, nil},
		{"negative offset", "admin", "?offset=-1", 400, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sep := "?"
			if strings.Contains(tc.query, "?") {
				sep = "&"
			}
			r := f.do("GET", "/v1/graduates"+tc.query+sep+"limit=100", tc.key, nil)
			if r.status != tc.status {
				t.Fatalf("status %d, want %d: %s", r.status, tc.status, r.body)
			}
			if tc.status != 200 {
				if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
					t.Errorf("error content type %q", ct)
				}
				return
			}
			total, items := caseload(t, r)
			var got []string
			for _, it := range items {
				got = append(got, it.ID)
			}
			slices.Sort(got)
			if total != len(tc.want) || !slices.Equal(got, tc.want) {
				t.Fatalf("total %d, ids %v; want %d %v", total, got, len(tc.want), tc.want)
			}
			if len(tc.want) == 0 {
				t.Fatal("the case selects nobody: it proves nothing")
			}
		})
	}

	t.Run("masking, flags and order", func(t *testing.T) {
		for _, role := range []string{"admin", "counselor"} {
			_, items := caseload(t, f.do("GET", "/v1/graduates?limit=100", role, nil))
			seenNotOverdue, seenSettled := false, false
			for _, it := range items {
				g := f.grads[it.ID]
				wantID, wantPhone := g.NationalID, g.Phone
				if role != "admin" {
					wantID, wantPhone = viewNationalID(g.NationalID), matcher.MaskPhone(g.Phone)
				}
				if it.NationalID != wantID || it.Phone != wantPhone {
					t.Errorf("%s sees %s as %q %q, want %q %q", role, it.ID, it.NationalID, it.Phone, wantID, wantPhone)
				}
				if it.ContactOverdue != overdue(&g) {
					t.Errorf("%s: overdue %v, want %v", it.ID, it.ContactOverdue, overdue(&g))
				}
				if g.IsHardship() && len(it.Hardship) == 0 {
					t.Errorf("%s: hardship hidden from %s", it.ID, role)
				}
				if it.Looking != looking(&g) {
					t.Errorf("%s (%s): looking %v", it.ID, g.Status, it.Looking)
				}
				// Overdue graduates first, then the others still looking,
				// then those with a destination.
				if !it.ContactOverdue {
					seenNotOverdue = true
				} else if seenNotOverdue {
					t.Errorf("overdue %s listed after a graduate who is not", it.ID)
				}
				if !looking(&g) {
					seenSettled = true
				} else if seenSettled {
					t.Errorf("%s (%s, still looking) listed after a graduate with a destination", it.ID, g.Status)
				}
			}
		}
	})

	t.Run("paging", func(t *testing.T) {
		total, all := caseload(t, f.do("GET", "/v1/graduates?limit=100", "admin", nil))
		var paged []CaseSummary
		for off := 0; off < total; off += 7 {
			_, page := caseload(t, f.do("GET", fmt.Sprintf("/v1/graduates?limit=7&offset=%d", off), "admin", nil))
			if len(page) > 7 {
				t.Fatalf("page of %d", len(page))
			}
			paged = append(paged, page...)
		}
		if len(paged) != len(all) {
			t.Fatalf("paged %d, whole %d", len(paged), len(all))
		}
		for i := range all {
			if paged[i].ID != all[i].ID {
				t.Fatalf("page order differs at %d: %s vs %s", i, paged[i].ID, all[i].ID)
			}
		}
		if _, past := caseload(t, f.do("GET", "/v1/graduates?offset=1000", "admin", nil)); len(past) != 0 {
			t.Errorf("offset past the end returned %d items", len(past))
		}
	})

	t.Run("audit", func(t *testing.T) {
		_, items := caseload(t, f.do("GET", "/v1/graduates?limit=3", "counselor", nil))
		if len(items) != 3 {
			t.Fatalf("%d items", len(items))
		}
		for _, it := range items {
			log, err := f.st.AuditLog(context.Background(), it.ID, 100)
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, e := range log {
				found = found || (e.Action == "graduate.list" && e.KeyID == f.keyID["counselor"])
			}
			if !found {
				t.Errorf("listing %s was not audited: %+v", it.ID, log)
			}
		}
	})
}

func TestCaseloadSummary(t *testing.T) {
	f := newFixture(t)
	varyCaseload(f)
	// Earlier cohorts and graduates with hukou outside Urumqi are in the
	// ledger but outside the plan's populations: placement counts this
	// year's graduates, registration those of them with Urumqi hukou.
	f.setGraduates(func(g *matcher.Graduate) bool {
		var n int
		fmt.Sscanf(g.ID, "G%d", &n)
		switch n % 7 {
		case 3:
			g.GraduationYear = testNow.Year() - 2
		case 5:
			g.HukouDistrict = "喀什市"
		default:
			return false
		}
		return true
	})
	for _, tc := range []struct {
		key, district string
	}{{"counselor", "天山区"}, {"counselor2", "米东区"}, {"admin", ""}} {
		t.Run(tc.key, func(t *testing.T) {
			var total, regPop, registered, placePop, placed, overdue int
			for _, g := range f.grads {
				if tc.district != "" && g.HukouDistrict != tc.district && g.ResidenceDistrict != tc.district {
					continue
				}
				total++
				thisYear := g.GraduationYear == testNow.Year()
				urumqi := g.HukouDistrict != "喀什市"
				if thisYear && urumqi {
					regPop++
					if g.Status != matcher.StatusUnregistered {
						registered++
					}
				}
				if thisYear {
					placePop++
					if g.Status == matcher.StatusPlaced || g.Status == matcher.StatusStudying || g.Status == matcher.StatusEmployed {
						placed++
					}
				}
				stillLooking := g.Status == "" || g.Status == matcher.StatusUnregistered || g.Status == matcher.StatusSeeking
				if stillLooking && !g.RegisteredAt.IsZero() && g.ContactedAt.IsZero() && testNow.Sub(g.RegisteredAt) > 5*24*time.Hour {
					overdue++
				}
			}
			r := f.do("GET", "/v1/caseload/summary", tc.key, nil)
			if r.status != 200 {
				t.Fatalf("%d %s", r.status, r.body)
			}
			var s struct {
				Total, Registered, Placed int
				RegistrationRate          float64 `json:"registration_rate"`
				PlacementRate             float64 `json:"placement_rate"`
				ContactOverdue            int     `json:"contact_overdue"`
				Registration, Placement   casework.Rate
				Cohorts                   []casework.Cohort
				Milestones                []casework.MilestoneProgress
			}
			if err := json.Unmarshal(r.body, &s); err != nil {
				t.Fatal(err)
			}
			if s.Total != total || s.Registered != registered || s.Placed != placed || s.ContactOverdue != overdue {
				t.Fatalf("summary %+v, want total %d registered %d placed %d overdue %d", s, total, registered, placed, overdue)
			}
			if tc.key == "admin" && (overdue == 0 || placed == 0 || registered == regPop || placePop == total || regPop == placePop) {
				t.Fatal("the fixture does not exercise the counts")
			}
			if s.Registration.Denominator != regPop || s.Registration.Numerator != registered || s.Placement.Denominator != placePop || s.Placement.Numerator != placed {
				t.Errorf("populations: registration %+v (want %d/%d), placement %+v (want %d/%d)", s.Registration, registered, regPop, s.Placement, placed, placePop)
			}
			if want := float64(registered) / float64(regPop); s.RegistrationRate < want-0.0001 || s.RegistrationRate > want+0.0001 {
				t.Errorf("registration rate %v, want %v", s.RegistrationRate, want)
			}
			if len(s.Cohorts) != 2 || s.Cohorts[0].Year != testNow.Year() || s.Cohorts[0].Total+s.Cohorts[1].Total != total {
				t.Errorf("cohorts %+v", s.Cohorts)
			}
			if len(s.Milestones) != 3 {
				t.Fatalf("milestones %+v", s.Milestones)
			}
			// testNow is 1 July: July's milestone is next, none has passed.
			m := s.Milestones[0]
			if m.Date != "2026-07-31" || !m.Next || m.Passed || s.Milestones[1].Next {
				t.Errorf("milestones %+v", s.Milestones)
			}
			if m.RegisteredTarget == nil || *m.RegisteredTarget != 0.9 || m.PlacedTarget == nil || *m.PlacedTarget != 0.6 {
				t.Fatalf("July targets %+v", m)
			}
			wantGap := max(int(mathCeil(0.6*float64(placePop)))-placed, 0)
			if m.PlacedGap != wantGap || *m.PlacedMet != (wantGap == 0) {
				t.Errorf("placed gap %d met %v, want %d", m.PlacedGap, *m.PlacedMet, wantGap)
			}
			if s.Milestones[2].RegisteredTarget != nil {
				t.Errorf("September has no registration target: %+v", s.Milestones[2])
			}
		})
	}
	for _, tc := range []struct {
		key, query string
		status     int
	}{{"portalA", "", 403}, {"counselor", "?district=米东区", 403}, {"admin", "?district=x", 400}, {"admin", "?limit=3", 400}} {
		if r := f.do("GET", "/v1/caseload/summary"+tc.query, tc.key, nil); r.status != tc.status {
			t.Errorf("%s %s: %d, want %d", tc.key, tc.query, r.status, tc.status)
		}
	}
}

func mathCeil(x float64) float64 {
	n := float64(int(x))
	if n < x {
		n++
	}
	return n
}

// decodeShortlist decodes a plan response.
func decodeShortlist(t *testing.T, r resp) matcher.Plan {
	t.Helper()
	var sl matcher.Plan
	if err := json.Unmarshal(r.body, &sl); err != nil {
		t.Fatalf("shortlist: %v: %s", err, r.body)
	}
	return sl
}

// TestShortlistSettled: a graduate with a destination is not nagged for
// posts or courses — the check says so and asks for nothing, and nothing
// is proposed — while one still looking is held to the policy.
func TestShortlistSettled(t *testing.T) {
	f := newFixture(t)
	g, _ := f.graduateIn("天山区")
	if !g.IsHardship() {
		t.Fatal("the fixture's 天山区 graduate should be a hardship case")
	}
	path := "/v1/graduates/" + g.ID + "/shortlist"
	for _, tc := range []struct {
		status  matcher.GraduateStatus
		settled bool
		word    string
	}{
		{matcher.StatusSeeking, false, "还需添加 3 门培训课程"},
		{matcher.StatusUnregistered, false, "还需添加 3 门培训课程"},
		{matcher.StatusPlaced, true, "已落实去向（已落实）"},
		{matcher.StatusEmployed, true, "已落实去向（已就业）"},
		{matcher.StatusStudying, true, "已落实去向（升学）"},
	} {
		t.Run(string(tc.status), func(t *testing.T) {
			f.setGraduates(func(x *matcher.Graduate) bool {
				if x.ID != g.ID {
					return false
				}
				x.Status = tc.status
				return true
			})
			sl := decodeShortlist(t, f.do("GET", path, "counselor", nil))
			c := sl.Check
			if c.Settled != tc.settled || !strings.Contains(c.Message, tc.word) {
				t.Fatalf("check %+v, want settled %v and %q", c, tc.settled, tc.word)
			}
			if tc.settled && (!c.Complete || c.MissingPosts != 0 || c.MissingCourses != 0 || strings.Contains(c.Message, "还需") || sl.Status != matcher.PlanDraft || len(sl.Posts) != 0) {
				t.Errorf("a graduate with a destination is asked for more, or proposed to: %+v %s %d posts", c, sl.Status, len(sl.Posts))
			}
			// Still looking: the proposal fills the posts; the fixture's
			// engine holds no course, so courses are missing, and the plan
			// says why.
			if !tc.settled && (c.Complete || c.MissingPosts != 0 || c.MissingCourses != 3 || sl.Status != matcher.PlanProposed ||
				!slices.ContainsFunc(c.Missing, func(m string) bool { return strings.Contains(m, "适合的培训课程只有 0 门") })) {
				t.Errorf("a graduate still looking is not held to the policy: %s %+v", sl.Status, c)
			}
		})
	}
}

// TestShortlist: a hardship graduate's plan as a counselor works it: the
// proposal, removals and pins, eligibility on adds (and an admin's
// override), courses, confirming, the post limit, validation, scope and
// audit.
func TestShortlist(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	courses := []matcher.Course{
		{Source: "hrss", ExternalID: "C1", Title: "电子商务师培训", Provider: "乌鲁木齐职业技能培训中心", Category: matcher.CourseSkills, District: "天山区", Places: 40},
		{Source: "hrss", ExternalID: "C2", Title: "会计实务培训（第1期）", Provider: "乌鲁木齐职业技能培训中心", Category: matcher.CourseSkills, District: "天山区", Places: 40},
		{Source: "hrss", ExternalID: "C2b", Title: "会计实务培训（第2期）", Provider: "乌鲁木齐职业技能培训中心", Category: matcher.CourseSkills, District: "天山区", Places: 40},
		{Source: "hrss", ExternalID: "C3", Title: "SYB创业培训", Provider: "天山区创业指导中心", Category: matcher.CourseEntrepreneurship, District: "天山区", Places: 30},
		{Source: "hrss", ExternalID: "C4", Title: "已开班的课", Provider: "天山区创业指导中心", Category: matcher.CourseSkills, District: "天山区", Places: 30, StartDate: testNow.AddDate(0, 0, -3)},
	}
	if _, err := f.st.UpsertCourses(ctx, courses); err != nil {
		t.Fatal(err)
	}
	// A post that closed: it cannot be added.
	closed := f.posts[0]
	closed.Status = matcher.PostFilled
	if _, err := f.st.UpsertPosts(ctx, []matcher.Post{closed}); err != nil {
		t.Fatal(err)
	}
	g, other := f.graduateIn("天山区")
	if !g.IsHardship() {
		t.Fatal("the fixture's 天山区 graduate should be a hardship case")
	}
	path := "/v1/graduates/" + g.ID + "/shortlist"
	pol := f.srv.casework.Policy()
	var military string
	for _, p := range f.posts[1:] {
		if p.Channel == matcher.ChannelMilitary && p.Kind == matcher.KindJob && military == "" {
			military = p.ID
		}
	}
	post := func(id string) matcher.Post {
		i := slices.IndexFunc(f.posts, func(p matcher.Post) bool { return p.ID == id })
		return f.posts[i]
	}

	// The proposal: posts_max posts, every one open and admitted by the
	// rules; courses are missing (the engine holds none) and the check
	// says so.
	sl := decodeShortlist(t, f.do("GET", path, "counselor", nil))
	if sl.Status != matcher.PlanProposed || sl.ProposedBy != "online" || len(sl.Posts) != pol.Shortlist.PostsMax || sl.Check.Posts != pol.Shortlist.PostsMax {
		t.Fatalf("proposal: %s by %q, %d posts, check %+v", sl.Status, sl.ProposedBy, len(sl.Posts), sl.Check)
	}
	for _, it := range slices.Concat(sl.Posts, sl.Internships) {
		p := post(it.ID)
		if ok, rule, _ := matcher.Eligible(&g, &p, pol, testNow); !ok || it.Origin != matcher.OriginProposed || !it.Open {
			t.Errorf("proposed %s: eligible %v (%s), origin %s, open %v", it.ID, ok, rule, it.Origin, it.Open)
		}
		if it.Employer == "" || it.Address == "" || it.Deadline == nil || it.HowToApply == "" || len(it.Requirements) == 0 {
			t.Errorf("proposed %s lacks what a printed plan shows: %+v", it.ID, it)
		}
	}
	if sl.Check.MissingCourses != 3 || sl.Check.Complete {
		t.Fatalf("no course in the engine: %+v", sl.Check)
	}
	codes := func(sl matcher.Plan) []string {
		var c []string
		for _, s := range sl.Subsidies {
			c = append(c, s.Code)
		}
		return c
	}
	if c := codes(sl); !slices.Contains(c, "job_search_startup") {
		t.Fatalf("a hardship graduate of this year: subsidies %v", c)
	}

	edit := func(key string, body map[string]any, want int) matcher.Plan {
		t.Helper()
		r := f.do("POST", path, key, body)
		if r.status != want {
			t.Fatalf("%v: %d %s, want %d", body, r.status, r.body, want)
		}
		if want != 200 {
			return matcher.Plan{}
		}
		return decodeShortlist(t, r)
	}
	// A removal keeps the post off the plan and the next proposal fills
	// the gap; a pin makes a proposed post the counselor's.
	removed, pinned := sl.Posts[0].ID, sl.Posts[1].ID
	sl = edit("counselor", map[string]any{"action": "remove", "post_id": removed, "note": "已投递过"}, 200)
	if slices.ContainsFunc(sl.Posts, func(it matcher.PlanItem) bool { return it.ID == removed }) || len(sl.Posts) != pol.Shortlist.PostsMax {
		t.Fatalf("after removing a proposed post: %d posts, removed one still there?", len(sl.Posts))
	}
	sl = edit("counselor", map[string]any{"action": "pin", "post_id": pinned, "note": "专业对口"}, 200)
	if sl.Posts[0].ID != pinned || !sl.Posts[0].Pinned || sl.Posts[0].Origin != matcher.OriginCounselor || sl.Posts[0].Note != "专业对口" {
		t.Fatalf("pinned post: %+v", sl.Posts[0])
	}

	// Eligibility on adds: the fixture's graduate is a woman of 23, so
	// the rules exclude conscription posts (女兵 18–22); the refusal says
	// why, and only an admin with a note may override.
	if military == "" {
		t.Fatal("the fixture has no conscription post")
	}
	r := f.do("POST", path, "counselor", map[string]any{"action": "add", "post_id": military})
	if r.status != 409 || !strings.Contains(r.json(t)["detail"].(string), "女兵") {
		t.Fatalf("ineligible add: %d %s", r.status, r.body)
	}
	edit("counselor", map[string]any{"action": "add", "post_id": military, "override": true, "note": "本人坚持报名"}, 403)
	edit("admin", map[string]any{"action": "add", "post_id": military, "override": true}, 400)
	sl = edit("admin", map[string]any{"action": "add", "post_id": military, "override": true, "note": "本人坚持报名，征兵办同意初检"}, 200)
	i := slices.IndexFunc(sl.Posts, func(it matcher.PlanItem) bool { return it.ID == military })
	if i < 0 || sl.Posts[i].Override == "" || sl.Posts[i].Ineligible == "" || sl.Check.Ineligible != 1 {
		t.Fatalf("overridden add: %+v, check %+v", sl.Posts, sl.Check)
	}
	edit("admin", map[string]any{"action": "add", "post_id": sl.Posts[2].ID, "override": true, "note": "x"}, 400) // the rules admit it

	// Courses: distinct courses, not started.
	sl = edit("counselor", map[string]any{"action": "add", "post_id": "hrss:C2"}, 200)
	edit("counselor", map[string]any{"action": "add", "post_id": "hrss:C2b"}, 409) // another session of C2
	edit("counselor", map[string]any{"action": "add", "post_id": "hrss:C4"}, 400)  // started
	sl = edit("counselor", map[string]any{"action": "add", "post_id": "hrss:C1"}, 200)
	if sl.Check.Courses != 2 || sl.Check.Complete || sl.Check.MissingCourses != 1 {
		t.Fatalf("two courses: %+v", sl.Check)
	}
	sl = edit("counselor", map[string]any{"action": "add", "post_id": "hrss:C3"}, 200)
	if !sl.Check.Complete || !strings.HasPrefix(sl.Check.Message, "一人一策已达标") {
		t.Fatalf("complete plan: %+v", sl.Check)
	}
	if c := codes(sl); !slices.Contains(c, "skills_training") || !slices.Contains(c, "entrepreneurship_training") {
		t.Errorf("courses bring training subsidies: %v", c)
	}
	for _, s := range sl.Subsidies {
		if s.Status == matcher.SubsidyNotApplicable || s.Quote == "" || s.Text == "" {
			t.Errorf("subsidy on the plan: %+v", s)
		}
	}

	// Confirming makes every proposed item the counselor's, in one go.
	sl = edit("counselor", map[string]any{"action": "confirm"}, 200)
	if sl.Status != matcher.PlanConfirmed {
		t.Fatalf("confirmed: %s", sl.Status)
	}
	for _, it := range sl.Items() {
		if it.Origin != matcher.OriginCounselor {
			t.Errorf("after confirm %s is %s", it.ID, it.Origin)
		}
	}
	edit("counselor", map[string]any{"action": "confirm"}, 409)
	var spare string
	for _, p := range f.posts[1:] {
		if p.Kind == matcher.KindJob && !slices.ContainsFunc(sl.Items(), func(it matcher.PlanItem) bool { return it.ID == p.ID }) {
			if ok, _, _ := matcher.Eligible(&g, &p, pol, testNow); ok && p.ID != removed {
				spare = p.ID
				break
			}
		}
	}

	// Validation and conflicts.
	tests := []struct {
		name   string
		key    string
		path   string
		body   any
		status int
		field  string
	}{
		{"ninth post", "counselor", path, map[string]any{"action": "add", "post_id": spare}, 409, ""},
		{"add twice", "counselor", path, map[string]any{"action": "add", "post_id": pinned}, 409, ""},
		{"remove absent", "counselor", path, map[string]any{"action": "remove", "post_id": removed}, 409, ""},
		{"pin twice", "counselor", path, map[string]any{"action": "pin", "post_id": pinned}, 409, ""},
		{"remove the pinned post", "counselor", path, map[string]any{"action": "remove", "post_id": pinned}, 200, ""},
		{"closed post", "counselor", path, map[string]any{"action": "add", "post_id": closed.ID}, 400, "post_id"},
		{"unknown post", "counselor", path, map[string]any{"action": "add", "post_id": "portal-a:NOPE"}, 404, ""},
		{"bad id", "counselor", path, map[string]any{"action": "add", "post_id": "no-colon"}, 400, "post_id"},
		{"missing id", "counselor", path, map[string]any{"action": "add"}, 400, "post_id"},
		{"confirm with an id", "counselor", path, map[string]any{"action": "confirm", "post_id": spare}, 400, "post_id"},
		{"bad action", "counselor", path, map[string]any{"action": "delete", "post_id": spare}, 400, "action"},
		{"unknown field", "counselor", path, map[string]any{"action": "add", "post_id": spare, "rank": 1}, 400, "rank"},
		{"wrong type", "counselor", path, `{"action":"add","post_id":12}`, 400, "post_id"},
		{"long note", "counselor", path, map[string]any{"action": "remove", "post_id": spare, "note": strings.Repeat("很", 201)}, 400, "note"},
		{"other district's graduate", "counselor", "/v1/graduates/" + other.ID + "/shortlist", map[string]any{"action": "add", "post_id": spare}, 404, ""},
		{"counselor2 on 天山区's graduate", "counselor2", path, map[string]any{"action": "remove", "post_id": spare}, 404, ""},
		{"portal", "portalA", path, map[string]any{"action": "add", "post_id": spare}, 403, ""},
		{"unknown graduate", "admin", "/v1/graduates/G9999999/shortlist", map[string]any{"action": "add", "post_id": spare}, 404, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := f.do("POST", tc.path, tc.key, tc.body)
			if r.status != tc.status {
				t.Fatalf("status %d, want %d: %s", r.status, tc.status, r.body)
			}
			if tc.field != "" {
				if got := r.json(t)["field"]; got != tc.field {
					t.Errorf("field %v, want %s", got, tc.field)
				}
			}
		})
	}
	for _, key := range []string{"counselor2", "portalA"} {
		if r := f.do("GET", path, key, nil); r.status == 200 {
			t.Errorf("%s read another district's shortlist", key)
		}
	}
	// With the pinned post removed there is room for one more.
	sl = edit("counselor", map[string]any{"action": "add", "post_id": spare}, 200)

	// Nothing the refused edits asked for was stored; the admin sees the
	// same plan.
	again := decodeShortlist(t, f.do("GET", path, "admin", nil))
	edits, err := f.st.ShortlistEdits(ctx, g.ID)
	if err != nil {
		t.Fatal(err)
	}
	if again.Edits != sl.Edits || len(edits) != sl.Edits || edits[0].KeyID != f.keyID["counselor"] {
		t.Fatalf("after refused edits: %d edits (want %d), stored %d", again.Edits, sl.Edits, len(edits))
	}

	// Audited: reads, edits and the override, by the key that made them.
	log, err := f.st.AuditLog(ctx, g.ID, 1000)
	if err != nil {
		t.Fatal(err)
	}
	actions := map[string]int{}
	for _, e := range log {
		actions[e.Action]++
	}
	if actions["shortlist.read"] < 2 || actions["shortlist.override"] < 2 || actions["shortlist.edit"] < 10 {
		t.Errorf("audit actions %v", actions)
	}

	// A graduate who is not a hardship case gets no proposal and needs no
	// courses.
	var plain matcher.Graduate
	for _, x := range f.grads {
		if !x.IsHardship() && (x.HukouDistrict == "天山区" || x.ResidenceDistrict == "天山区") {
			plain = x
			break
		}
	}
	ppath := "/v1/graduates/" + plain.ID + "/shortlist"
	ps := decodeShortlist(t, f.do("GET", ppath, "counselor", nil))
	if ps.Status != matcher.PlanDraft || len(ps.Posts) != 0 || ps.Check.CoursesMin != 0 {
		t.Fatalf("non-hardship graduate: %s %d posts %+v", ps.Status, len(ps.Posts), ps.Check)
	}
	n := 0
	for _, p := range f.posts[1:] {
		if ok, _, _ := matcher.Eligible(&plain, &p, pol, testNow); ok && p.Kind == matcher.KindJob && n < 5 {
			if r := f.do("POST", ppath, "counselor", map[string]any{"action": "add", "post_id": p.ID}); r.status != 200 {
				t.Fatal(r.status, string(r.body))
			}
			n++
		}
	}
	ps = decodeShortlist(t, f.do("GET", ppath, "counselor", nil))
	if !ps.Check.Complete || ps.Check.CoursesMin != 0 || slices.Contains(codes(ps), "job_search_startup") {
		t.Errorf("non-hardship graduate: %+v %v", ps.Check, codes(ps))
	}
	if rc := f.do("POST", ppath, "counselor", map[string]any{"action": "confirm"}); rc.status != 409 {
		t.Errorf("confirming a plan that is not a 一人一策: %d", rc.status)
	}
}

func TestContacts(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	g, other := f.graduateIn("天山区")
	path := "/v1/graduates/" + g.ID + "/contacts"
	type contacts struct {
		Items          []matcher.ContactEntry `json:"items"`
		ContactedAt    *time.Time             `json:"contacted_at"`
		ContactOverdue bool                   `json:"contact_overdue"`
	}
	decode := func(r resp) contacts {
		t.Helper()
		var c contacts
		if err := json.Unmarshal(r.body, &c); err != nil {
			t.Fatalf("%v: %s", err, r.body)
		}
		return c
	}
	c := decode(f.do("GET", path, "counselor", nil))
	if len(c.Items) != 0 || c.ContactedAt != nil || !c.ContactOverdue {
		t.Fatalf("fresh contact log %+v (registered 2026-06-20, now 07-01: overdue)", c)
	}
	// An attempt that does not reach the graduate is logged but does not
	// stop the clock.
	note := "电话无人接听，预约明天再打"
	r := f.do("POST", path, "counselor", map[string]any{"method": "phone", "outcome": "no_answer", "note": note})
	if r.status != 201 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if c = decode(r); len(c.Items) != 1 || c.ContactedAt != nil || !c.ContactOverdue || c.Items[0].Note != note {
		t.Fatalf("after a missed call: %+v", c)
	}
	first := testNow.Add(-2 * time.Hour)
	r = f.do("POST", path, "counselor", map[string]any{"method": "wechat", "outcome": "reached", "at": first})
	if r.status != 201 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if c = decode(r); c.ContactedAt == nil || !c.ContactedAt.Equal(first) || c.ContactOverdue {
		t.Fatalf("after reaching them: %+v", c)
	}
	if r := f.do("POST", path, "counselor", map[string]any{"method": "visit", "outcome": "reached"}); r.status != 201 {
		t.Fatal(r.status)
	}
	stored, err := f.st.Graduate(ctx, g.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !stored.ContactedAt.Equal(first) {
		t.Errorf("contacted_at %v, want the first contact %v", stored.ContactedAt, first)
	}
	if stored.NationalID != g.NationalID || stored.Phone != g.Phone || !slices.Equal(stored.Hardship, g.Hardship) {
		t.Error("setting contacted_at changed personal data")
	}
	c = decode(f.do("GET", path, "admin", nil))
	if len(c.Items) != 3 || c.Items[0].Method != "phone" || c.Items[2].Method != "visit" || c.Items[1].KeyID != f.keyID["counselor"] {
		t.Fatalf("log %+v", c.Items)
	}
	// The caseload no longer flags them.
	_, items := caseload(t, f.do("GET", "/v1/graduates?limit=100", "counselor", nil))
	for _, it := range items {
		if it.ID == g.ID && (it.ContactOverdue || it.ContactedAt == nil) {
			t.Errorf("caseload still flags %s: %+v", g.ID, it)
		}
	}

	tests := []struct {
		name, key, path string
		body            any
		status          int
		field           string
	}{
		{"no method", "counselor", path, map[string]any{"outcome": "reached"}, 400, "method"},
		{"unknown method", "counselor", path, map[string]any{"method": "pigeon", "outcome": "reached"}, 400, "method"},
		{"no outcome", "counselor", path, map[string]any{"method": "phone"}, 400, "outcome"},
		{"unknown outcome", "counselor", path, map[string]any{"method": "phone", "outcome": "great"}, 400, "outcome"},
		{"future", "counselor", path, map[string]any{"method": "phone", "outcome": "reached", "at": testNow.Add(24 * time.Hour)}, 400, "at"},
		{"before registration", "counselor", path, map[string]any{"method": "phone", "outcome": "reached", "at": g.RegisteredAt.AddDate(0, -1, 0)}, 400, "at"},
		{"long note", "counselor", path, map[string]any{"method": "phone", "outcome": "reached", "note": strings.Repeat("长", 1001)}, 400, "note"},
		{"control characters", "counselor", path, map[string]any{"method": "phone", "outcome": "reached", "note": "a\x00b"}, 400, "note"},
		{"unknown field", "counselor", path, map[string]any{"method": "phone", "outcome": "reached", "phone": "13800138000"}, 400, "phone"},
		{"duplicate key", "counselor", path, `{"method":"phone","method":"sms","outcome":"reached"}`, 400, "method"},
		{"not JSON", "counselor", path, "method=phone", 400, ""},
		{"other district", "counselor", "/v1/graduates/" + other.ID + "/contacts", map[string]any{"method": "phone", "outcome": "reached"}, 404, ""},
		{"counselor2", "counselor2", path, map[string]any{"method": "phone", "outcome": "reached"}, 404, ""},
		{"portal", "portalB", path, map[string]any{"method": "phone", "outcome": "reached"}, 403, ""},
		{"no key", "", path, map[string]any{"method": "phone", "outcome": "reached"}, 401, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := f.do("POST", tc.path, tc.key, tc.body)
			if r.status != tc.status {
				t.Fatalf("status %d, want %d: %s", r.status, tc.status, r.body)
			}
			if tc.field != "" {
				if got := r.json(t)["field"]; got != tc.field {
					t.Errorf("field %v, want %s", got, tc.field)
				}
			}
		})
	}
	if r := f.do("GET", "/v1/graduates/"+other.ID+"/contacts", "counselor", nil); r.status != 404 {
		t.Errorf("another district's contact log: %d", r.status)
	}
	if c := decode(f.do("GET", path, "admin", nil)); len(c.Items) != 3 {
		t.Errorf("refused contacts were stored: %d entries", len(c.Items))
	}
	otherStored, _ := f.st.Graduate(ctx, other.ID)
	if !otherStored.ContactedAt.IsZero() {
		t.Error("a refused contact set another district's graduate's contacted_at")
	}

	log, err := f.st.AuditLog(ctx, g.ID, 100)
	if err != nil {
		t.Fatal(err)
	}
	actions := map[string]int{}
	for _, e := range log {
		actions[e.Action]++
		if strings.Contains(e.Detail, note) {
			t.Error("the audit log holds a contact note")
		}
	}
	if actions["contacts.write"] != 3 || actions["contacts.read"] < 3 {
		t.Errorf("audit actions %v", actions)
	}
	// Notes and personal data stay out of the server log.
	logs := f.logs.String()
	for _, secret := range []string{note, g.Name, g.NationalID, g.Phone} {
		if strings.Contains(logs, secret) {
			t.Errorf("server log holds %q", secret)
		}
	}
}

func TestWhoami(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct {
		key, role, district string
		status              int
	}{{"counselor", "counselor", "天山区", 200}, {"admin", "admin", "", 200}, {"portalA", "", "", 403}, {"revoked", "", "", 401}} {
		r := f.do("GET", "/v1/me", tc.key, nil)
		if r.status != tc.status {
			t.Errorf("%s: %d, want %d", tc.key, r.status, tc.status)
			continue
		}
		if tc.status == 200 {
			m := r.json(t)
			if m["role"] != tc.role || m["district"] != tc.district || m["key_id"] != f.keyID[tc.key] {
				t.Errorf("%s: %v", tc.key, m)
			}
			if strings.Contains(string(r.body), f.keys[tc.key]) {
				t.Error("the secret came back")
			}
		}
	}
}

func TestWorkspaceServed(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		method, path string
		status       int
		ctype        string
	}{
		{"GET", "/workspace/", 200, "text/html"},
		{"GET", "/workspace/app.js", 200, "text/javascript"},
		{"GET", "/workspace/app.css", 200, "text/css"},
		{"HEAD", "/workspace/index.html", 200, "text/html"},
		{"GET", "/workspace", 301, ""},
		{"GET", "/workspace/nope.js", 404, ""},
		{"GET", "/workspace/../v1/me", 404, ""},
		{"GET", "/workspace/static/app.js", 404, ""},
		{"POST", "/workspace/", 405, ""},
	}
	client := *f.ts.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	for _, tc := range tests {
		req, _ := http.NewRequest(tc.method, f.ts.URL+tc.path, nil)
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != tc.status {
			t.Errorf("%s %s: %d, want %d", tc.method, tc.path, res.StatusCode, tc.status)
			continue
		}
		if tc.ctype != "" && !strings.HasPrefix(res.Header.Get("Content-Type"), tc.ctype) {
			t.Errorf("%s: content type %q", tc.path, res.Header.Get("Content-Type"))
		}
		if tc.status == 200 && !strings.Contains(res.Header.Get("Content-Security-Policy"), "script-src 'self'") {
			t.Errorf("%s: CSP %q", tc.path, res.Header.Get("Content-Security-Policy"))
		}
	}
	// Counted in the metrics like any route.
	if m := f.do("GET", "/metrics", "admin", nil); !strings.Contains(string(m.body), `route="/workspace/"`) {
		t.Error("workspace requests are not in the metrics")
	}
}
