package matcher

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

func basePost() Post {
	return Post{ID: "p:1", Kind: KindJob, Channel: ChannelSME, Title: "会计", Employer: "甲公司", District: "天山区",
		Headcount: 3, Status: PostOpen, PostedAt: testNow.AddDate(0, 0, -3)}
}

func baseGraduate() Graduate {
	return Graduate{ID: "g1", Major: "会计学", MajorCode: "120203K", Degree: DegreeBachelor, GraduationYear: 2023,
		HukouDistrict: "天山区", ResidenceDistrict: "新市区", BirthDate: time.Date(2001, 3, 1, 0, 0, 0, 0, time.UTC), Status: StatusSeeking}
}

func TestEligibleRules(t *testing.T) {
	pol, err := catalog.LoadPolicy()
	if err != nil {
		t.Fatal(err)
	}
	born := func(y int) time.Time { return time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC) }
	cases := []struct {
		name    string
		post    func(*Post)
		grad    func(*Graduate)
		rule    string // "" = eligible
		message string // substring of the message
	}{
		{"open post passes", nil, nil, "", ""},
		{"filled status", func(p *Post) { p.Status = PostFilled }, nil, RuleClosed, "已关闭"},
		{"duplicate", func(p *Post) { p.DuplicateOf = "q:9" }, nil, RuleClosed, "重复"},
		{"deadline today still open", func(p *Post) { p.Deadline = testNow }, nil, "", ""},
		{"deadline yesterday", func(p *Post) { p.Deadline = testNow.AddDate(0, 0, -1) }, nil, RuleDeadline, "已截止"},
		{"no places", func(p *Post) { p.Filled = 3 }, nil, RulePlaces, "名额"},
		{"zero headcount", func(p *Post) { p.Headcount = 0 }, nil, RulePlaces, ""},
		{"welfare, no hardship", func(p *Post) { p.PublicWelfare = true }, nil, RulePublicWelfare, "就业困难"},
		{"welfare, hardship", func(p *Post) { p.PublicWelfare = true }, func(g *Graduate) { g.Hardship = []Hardship{HardshipLowIncome} }, "", ""},
		{"hukou district match", func(p *Post) { p.HukouRequired = "天山区" }, nil, "", ""},
		{"hukou district mismatch", func(p *Post) { p.HukouRequired = "米东区" }, nil, RuleHukou, "米东区"},
		{"hukou city, urumqi district", func(p *Post) { p.HukouRequired = "乌鲁木齐市" }, nil, "", ""},
		{"hukou city, county counts", func(p *Post) { p.HukouRequired = "乌鲁木齐市" }, func(g *Graduate) { g.HukouDistrict = "乌鲁木齐县" }, "", ""},
		{"hukou city, outsider", func(p *Post) { p.HukouRequired = "乌鲁木齐市" }, func(g *Graduate) { g.HukouDistrict = "喀什市" }, RuleHukou, "乌鲁木齐市"},
		{"degree met", func(p *Post) { p.DegreeMin = DegreeBachelor }, nil, "", ""},
		{"degree above", func(p *Post) { p.DegreeMin = DegreeAssociate }, nil, "", ""},
		{"degree below", func(p *Post) { p.DegreeMin = DegreeMaster }, nil, RuleDegreeMin, "学历不符：要求硕士及以上"},
		{"degree 不限 accepts 中专", nil, func(g *Graduate) { g.Degree = DegreeSecondary }, "", ""},
		{"major exact code", func(p *Post) { p.MajorCodes = []string{"120203K"} }, nil, "", ""},
		{"major exact name", func(p *Post) { p.Majors = []string{"会计学"} }, func(g *Graduate) { g.MajorCode = "" }, "", ""},
		{"major same class", func(p *Post) { p.Majors = []string{"财务管理"}; p.MajorCodes = []string{"120204"} }, nil, "", ""},
		{"major same category only", func(p *Post) { p.MajorCodes = []string{"120401"} }, nil, RuleMajors, "专业不符"},
		{"major same category, related", func(p *Post) { p.MajorCodes = []string{"120401"}; p.Majors = []string{"相关专业"} }, nil, "", ""},
		{"major related in description", func(p *Post) {
			p.MajorCodes = []string{"120401"}
			p.Description = "公共事业管理等相关专业优先"
		}, nil, "", ""},
		{"major other category, related", func(p *Post) {
			p.MajorCodes = []string{"080901"}
			p.Majors = []string{"计算机科学与技术及相关专业"}
		}, nil, RuleMajors, "计算机科学与技术"},
		{"major similar name, related", func(p *Post) { p.Majors = []string{"会计及相关专业"} }, func(g *Graduate) { g.MajorCode = "530302"; g.Major = "大数据与会计" }, "", ""},
		{"major similar name, not related", func(p *Post) { p.Majors = []string{"会计"} }, func(g *Graduate) { g.MajorCode = "530302"; g.Major = "大数据与会计" }, RuleMajors, ""},
		{"major 不限", func(p *Post) { p.Majors = []string{"不限"} }, func(g *Graduate) { g.Major, g.MajorCode = "法学", "030101K" }, "", ""},
		{"major unknown graduate", func(p *Post) { p.MajorCodes = []string{"120203K"} }, func(g *Graduate) { g.Major, g.MajorCode = "", "" }, RuleMajors, ""},
		{"internship 应届", func(p *Post) { p.Kind = KindInternship }, nil, "", ""},
		{"internship 应届 but placed", func(p *Post) { p.Kind = KindInternship }, func(g *Graduate) { g.Status = StatusPlaced; g.BirthDate = born(1995) }, RuleInternshipWindow, "见习"},
		{"internship 2 years out, seeking", func(p *Post) { p.Kind = KindInternship }, func(g *Graduate) { g.GraduationYear = 2021; g.BirthDate = born(1995) }, "", ""},
		{"internship 3 years out", func(p *Post) { p.Kind = KindInternship }, func(g *Graduate) { g.GraduationYear = 2020; g.BirthDate = born(1995) }, RuleInternshipWindow, "离校2年内"},
		{"internship 1 year out, employed", func(p *Post) { p.Kind = KindInternship }, func(g *Graduate) { g.GraduationYear = 2022; g.Status = StatusEmployed; g.BirthDate = born(1995) }, RuleInternshipWindow, ""},
		{"internship youth 24 unemployed", func(p *Post) { p.Kind = KindInternship }, func(g *Graduate) { g.GraduationYear = 2018; g.BirthDate = born(1999) }, "", ""},
		{"internship youth 25", func(p *Post) { p.Kind = KindInternship }, func(g *Graduate) { g.GraduationYear = 2018; g.BirthDate = born(1997) }, RuleInternshipWindow, ""},
		{"internship future graduate, age unknown", func(p *Post) { p.Kind = KindInternship }, func(g *Graduate) { g.GraduationYear = 2024; g.BirthDate = time.Time{} }, RuleInternshipWindow, ""},
		{"job ignores internship window", nil, func(g *Graduate) { g.GraduationYear = 2010 }, "", ""},
		{"military bachelor 22", func(p *Post) { p.Channel = ChannelMilitary }, nil, "", ""},
		{"military bachelor 25", func(p *Post) { p.Channel = ChannelMilitary }, func(g *Graduate) { g.BirthDate = born(1998) }, RuleMilitaryAge, "本科学历要求18-24岁"},
		{"military master 26", func(p *Post) { p.Channel = ChannelMilitary }, func(g *Graduate) { g.Degree = DegreeMaster; g.BirthDate = born(1997) }, "", ""},
		{"military secondary 23", func(p *Post) { p.Channel = ChannelMilitary }, func(g *Graduate) { g.Degree = DegreeSecondary; g.BirthDate = born(2000) }, RuleMilitaryAge, ""},
		{"military 17", func(p *Post) { p.Channel = ChannelMilitary }, func(g *Graduate) { g.BirthDate = born(2006) }, RuleMilitaryAge, ""},
		{"military age unknown", func(p *Post) { p.Channel = ChannelMilitary }, func(g *Graduate) { g.BirthDate = time.Time{} }, RuleMilitaryAge, "出生日期"},
		{"age max ok", func(p *Post) { p.AgeMax = 30 }, nil, "", ""},
		{"age max exceeded", func(p *Post) { p.AgeMax = 21 }, nil, RuleAgeMax, "21岁及以下"},
		{"age max, age unknown", func(p *Post) { p.AgeMax = 21 }, func(g *Graduate) { g.BirthDate = time.Time{} }, "", ""},
		{"age min not reached", func(p *Post) { p.AgeMin = 25 }, nil, RuleAgeMin, "25岁及以上"},
		{"first failing rule wins", func(p *Post) { p.Status = PostClosed; p.DegreeMin = DegreeDoctor }, nil, RuleClosed, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, g := basePost(), baseGraduate()
			if c.post != nil {
				c.post(&p)
			}
			if c.grad != nil {
				c.grad(&g)
			}
			ok, rule, msg := Eligible(&g, &p, pol, testNow)
			if ok != (c.rule == "") || rule != c.rule {
				t.Fatalf("Eligible = %v %q %q, want rule %q", ok, rule, msg, c.rule)
			}
			if c.message != "" && !strings.Contains(msg, c.message) {
				t.Errorf("message %q does not contain %q", msg, c.message)
			}
			if c.rule != "" && msg == "" {
				t.Error("excluded without a message")
			}
			// The named rules agree with Eligible.
			failed := ""
			for _, r := range Rules() {
				if !r.Check(&g, &p, &RuleContext{Policy: pol, Now: testNow}) {
					failed = r.Name
					break
				}
			}
			if failed != c.rule {
				t.Errorf("Rules(): first failing %q, want %q", failed, c.rule)
			}
		})
	}
}

func TestRulesAreNamedAndOrdered(t *testing.T) {
	names := RuleNames()
	want := []string{RuleClosed, RuleDeadline, RulePlaces, RulePublicWelfare, RuleHukou, RuleDegreeMin, RuleMajors, RuleInternshipWindow, RuleMilitaryAge, RuleAgeMax, RuleAgeMin}
	if !slices.Equal(names, want) {
		t.Fatalf("RuleNames = %v", names)
	}
	for _, r := range Rules() {
		if r.Message == "" || r.Check == nil {
			t.Errorf("rule %s has no message or check", r.Name)
		}
	}
}

// Policy numbers come from the policy, not constants: a policy with other
// windows moves the rules.
func TestRulesReadPolicy(t *testing.T) {
	pol, _ := catalog.LoadPolicy()
	pol.Internship.YearsAfterLeaving = 3
	pol.Military.AgeMaxGraduate = 26
	p, g := basePost(), baseGraduate()
	p.Kind = KindInternship
	g.GraduationYear, g.BirthDate = 2020, time.Date(1997, 1, 1, 0, 0, 0, 0, time.UTC)
	if ok, rule, _ := Eligible(&g, &p, pol, testNow); !ok {
		t.Errorf("3 years out with a 3-year window excluded by %s", rule)
	}
	p = basePost()
	p.Channel = ChannelMilitary
	if ok, rule, _ := Eligible(&g, &p, pol, testNow); !ok {
		t.Errorf("26-year-old bachelor with age_max_graduate 26 excluded by %s", rule)
	}
}

// --- the property test: an independent implementation of the rules ------------

// independentEligible re-implements the rules from their specification,
// without calling any of the engine's rule code.
func independentEligible(g *Graduate, p *Post, pol catalog.Policy, now time.Time) (bool, string) {
	if (p.Status != "" && p.Status != PostOpen) || p.DuplicateOf != "" {
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
	working := g.Status == StatusPlaced || g.Status == StatusEmployed
	if p.Kind == KindInternship {
		out := now.Year() - g.GraduationYear
		ok := !working && ((g.GraduationYear == now.Year()) ||
			(g.GraduationYear > 0 && out >= 1 && out <= pol.Internship.YearsAfterLeaving) ||
			(age >= pol.Internship.YouthAgeMin && age <= pol.Internship.YouthAgeMax))
		if !ok {
			return false, "internship_window"
		}
	}
	if p.Channel == ChannelMilitary {
		hi := pol.Military.AgeMaxSecondary
		if g.Degree == DegreeAssociate || g.Degree == DegreeBachelor {
			hi = pol.Military.AgeMaxGraduate
		} else if g.Degree >= DegreeMaster {
			hi = pol.Military.AgeMaxPostgrad
		}
		if age < pol.Military.AgeMin || age > hi {
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
func independentMajorOK(g *Graduate, p *Post) bool {
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
	e, err := NewEngine(posts, genCourses(7, 40), o)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]*Post{}
	for i := range posts {
		byID[posts[i].ID] = &posts[i]
	}
	grads := genGraduates(11, 300)
	returned := 0
	for gi := range grads {
		g := &grads[gi]
		for _, kind := range []Kind{"", KindInternship} {
			res, err := e.Recommend(g, Query{Limit: 20, Kind: kind})
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
				if posts[i].Kind == KindCourse {
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

// The written-out rules the scan uses agree with the rule table.
func TestFirstFailingMatchesTable(t *testing.T) {
	e, posts := engine5k(t)
	seen := map[int]int{}
	for _, g := range genGraduates(31, 200) {
		gc := compileGraduate(&g, &e.pol, testNow, e)
		for i := range posts {
			pr := e.slots[e.byID[posts[i].ID]]
			a, b := firstFailing(gc, pr), firstFailingByTable(gc, pr)
			if a != b {
				t.Fatalf("graduate %s post %s: firstFailing %d, rule table %d", g.ID, pr.p.ID, a, b)
			}
			seen[a]++
		}
	}
	// Every rule (and eligibility) occurs in the sample.
	for i := -1; i < len(ruleDefs); i++ {
		if seen[i] == 0 {
			t.Errorf("rule %d never decided a pair in the sample", i)
		}
	}
}
