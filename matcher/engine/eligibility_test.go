package engine

import (
	"strings"
	"testing"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

// --- the property test: an independent implementation of the rules ------------

// independentEligible re-implements the rules from their specification,
// without calling any of the engine's rule code.
func independentEligible(g *matcher.Graduate, p *matcher.Post, pol catalog.Policy, now time.Time) (bool, string) {
	if (p.Status != "" && p.Status != matcher.PostOpen) || p.DuplicateOf != "" {
		return false, "closed"
	}
	if !p.Deadline.IsZero() {
		y, m, d := p.Deadline.Date()
		if time.Date(y, m, d, 23, 59, 59, 0, p.Deadline.Location()).Before(now) {
			return false, "deadline"
		}
	}
	if p.Headcount-p.Filled <= 0 {
		return false, "places"
	}
	if p.PublicWelfare && len(g.Hardship) == 0 {
		return false, "public_welfare"
	}
	districts := map[string]bool{"天山区": true, "沙依巴克区": true, "新市区": true, "水磨沟区": true, "头屯河区": true, "达坂城区": true, "米东区": true, "乌鲁木齐县": true}
	switch req := p.HukouRequired; req {
	case "", "不限":
	case "乌鲁木齐市", "乌鲁木齐":
		if !districts[g.HukouDistrict] && g.HukouDistrict != "乌鲁木齐市" && g.HukouDistrict != "乌鲁木齐" {
			return false, "hukou"
		}
	default:
		if g.HukouDistrict != req {
			return false, "hukou"
		}
	}
	if g.Degree < p.DegreeMin {
		return false, "degree_min"
	}
	age := -1
	if !g.BirthDate.IsZero() {
		age = now.Year() - g.BirthDate.Year()
		if now.YearDay() < g.BirthDate.YearDay() {
			age--
		}
	}
	if !independentMajorOK(g, p) {
		return false, "majors"
	}
	working := g.Status == matcher.StatusPlaced || g.Status == matcher.StatusEmployed
	if p.Kind == matcher.KindInternship {
		out := now.Year() - g.GraduationYear
		ok := !working && ((g.GraduationYear == now.Year()) ||
			(g.GraduationYear > 0 && out >= 1 && out <= pol.Internship.YearsAfterLeaving) ||
			(age >= pol.Internship.YouthAgeMin && age <= pol.Internship.YouthAgeMax))
		if !ok {
			return false, "internship_window"
		}
	}
	if p.Channel == matcher.ChannelMilitary {
		// Men by degree; women from this year's graduates (last year's
		// 本专科 in the first half of the year); an unrecorded gender must
		// pass both.
		m := pol.Military
		male := map[matcher.Degree]int{matcher.DegreeNone: m.AgeMaxSecondary, matcher.DegreeSecondary: m.AgeMaxSecondary,
			matcher.DegreeAssociate: m.AgeMaxAssociate, matcher.DegreeBachelor: m.AgeMaxGraduate,
			matcher.DegreeMaster: m.AgeMaxPostgrad, matcher.DegreeDoctor: m.AgeMaxPostgrad}[g.Degree]
		female := 0
		switch out := now.Year() - g.GraduationYear; {
		case g.GraduationYear == 0 || out < 0:
		case out == 0 && g.Degree >= matcher.DegreeMaster:
			female = m.Female.AgeMaxPostgrad
		case out == 0:
			female = m.Female.AgeMax
		case out == 1 && (g.Degree == matcher.DegreeAssociate || g.Degree == matcher.DegreeBachelor) && int(now.Month()) <= m.Female.PreviousYearUntilMonth:
			female = m.Female.PreviousYearAgeMax
		}
		hi := min(male, female)
		switch g.Gender {
		case "男":
			hi = male
		case "女":
			hi = female
		}
		if age < m.AgeMin || age > hi {
			return false, "military_age"
		}
	}
	if p.AgeMax > 0 && age >= 0 && age > p.AgeMax {
		return false, "age_max"
	}
	if p.AgeMin > 0 && age >= 0 && age < p.AgeMin {
		return false, "age_min"
	}
	return true, ""
}

// independentMajorOK: codes compare at 专业 / 专业类 (4 chars) / 门类 (2
// chars); a post naming 相关专业 also accepts the same 门类 and similar names.
func independentMajorOK(g *matcher.Graduate, p *matcher.Post) bool {
	type m struct{ code, name string }
	var ms []m
	related := strings.Contains(p.Description, "相关专业")
	for _, c := range p.MajorCodes {
		ms = append(ms, m{code: c})
	}
	for _, n := range p.Majors {
		if n == "不限" || n == "专业不限" || n == "不限专业" {
			return true
		}
		if strings.Contains(n, "相关") {
			related = true
		}
		if n == "相关专业" || n == "相关" {
			continue
		}
		for _, suf := range []string{"等相关专业", "及相关专业", "或相关专业", "相关专业", "等专业", "及相关", "等相关", "专业"} {
			if strings.HasSuffix(n, suf) && len(n) > len(suf) {
				n = strings.TrimSuffix(n, suf)
				break
			}
		}
		code := ""
		if cm, ok := catalog.MajorByName(n); ok {
			code = cm.Code
		}
		ms = append(ms, m{code: code, name: n})
	}
	if len(ms) == 0 {
		return true
	}
	gcode := g.MajorCode
	if gcode == "" {
		if cm, ok := catalog.MajorByName(g.Major); ok {
			gcode = cm.Code
		}
	}
	prefix := func(a, b string, n int) bool { return len(a) >= n && len(b) >= n && a[:n] == b[:n] }
	for _, x := range ms {
		if (gcode != "" && x.code == gcode) || (g.Major != "" && x.name == g.Major) {
			return true
		}
		if gcode != "" && x.code != "" && prefix(gcode, x.code, 4) {
			return true
		}
		if related && gcode != "" && x.code != "" && prefix(gcode, x.code, 2) {
			return true
		}
		if related && x.name != "" && g.Major != "" && (strings.Contains(x.name, g.Major) || strings.Contains(g.Major, x.name) || dice(x.name, g.Major) >= 0.5) {
			return true
		}
	}
	return false
}

func dice(a, b string) float64 {
	bg := func(s string) map[string]bool {
		r := []rune(s)
		out := map[string]bool{}
		for i := 0; i+1 < len(r); i++ {
			out[string(r[i:i+2])] = true
		}
		return out
	}
	x, y := bg(a), bg(b)
	if len(x)+len(y) == 0 {
		return 0
	}
	n := 0
	for k := range x {
		if y[k] {
			n++
		}
	}
	return 2 * float64(n) / float64(len(x)+len(y))
}

// Every returned post passes every rule as the independent implementation
// reads them, for random graduates and posts, and the engine's exclusion
// counts agree with the independent verdicts.
func TestPropertyNoIneligibleRecommendation(t *testing.T) {
	posts := genPosts(7, 3000)
	o := testOptions()
	e, err := New(posts, genCourses(7, 40), o)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]*matcher.Post{}
	for i := range posts {
		byID[posts[i].ID] = &posts[i]
	}
	grads := genGraduates(11, 300)
	returned := 0
	for gi := range grads {
		g := &grads[gi]
		for _, kind := range []matcher.Kind{"", matcher.KindInternship} {
			res, err := e.Recommend(g, matcher.Query{Limit: 20, Kind: kind})
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range res.Items {
				returned++
				if ok, rule := independentEligible(g, byID[it.PostID], o.Policy, testNow); !ok {
					t.Fatalf("graduate %s got post %s, which fails %s", g.ID, it.PostID, rule)
				}
			}
			if kind != "" {
				continue
			}
			// Counts per rule equal the independent verdicts over all posts.
			want := map[string]int{}
			for i := range posts {
				if posts[i].Kind == matcher.KindCourse {
					continue
				}
				if ok, rule := independentEligible(g, &posts[i], o.Policy, testNow); !ok {
					want[rule]++
				}
			}
			for r, n := range want {
				if res.Excluded[r] != n {
					t.Fatalf("graduate %s: excluded[%s] = %d, independent count %d", g.ID, r, res.Excluded[r], n)
				}
			}
		}
	}
	if returned < 1000 {
		t.Fatalf("only %d items returned: the property test is not exercising much", returned)
	}
}

// The scan's call of the rules (matcher.FirstFailing on the hot array's
// facts, with the request's memo of majors) agrees with the rule table run
// on the compiled record.
func TestFirstFailingMatchesTable(t *testing.T) {
	e, posts := engine5k(t)
	table := matcher.Rules()
	byTable := func(gc *gradCtx, pr *postRec) int {
		for i, r := range table {
			if !r.Check(&gc.GraduateFacts, &pr.PostFacts, &pr.PostRestrictions) {
				return i
			}
		}
		return -1
	}
	seen := map[int]int{}
	for _, g := range genGraduates(31, 200) {
		gc := e.compileGraduate(&g, testNow, false)
		for i := range posts {
			slot := e.byID[posts[i].ID]
			pr := e.slots[slot]
			a := matcher.FirstFailing(&gc.GraduateFacts, &e.hot[slot].PostFacts, &pr.PostRestrictions)
			if b := byTable(gc, pr); a != b {
				t.Fatalf("graduate %s post %s: FirstFailing %d, rule table %d", g.ID, pr.Post.ID, a, b)
			}
			seen[a]++
		}
	}
	// Every rule (and eligibility) occurs in the sample.
	for i := -1; i < matcher.NumRules; i++ {
		if seen[i] == 0 {
			t.Errorf("rule %d never decided a pair in the sample", i)
		}
	}
}
