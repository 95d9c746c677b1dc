package matcher

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

var testNow = time.Date(2023, 7, 15, 10, 0, 0, 0, time.UTC)

func basePost() Post {
	return Post{ID: "p:1", Kind: KindJob, Channel: ChannelSME, Title: "会计", Employer: "甲公司", District: "天山区",
		Headcount: 3, Status: PostOpen, PostedAt: testNow.AddDate(0, 0, -3)}
}

func baseGraduate() Graduate {
	return Graduate{ID: "g1", Major: "会计学", MajorCode: "120203K", Degree: DegreeBachelor, GraduationYear: 2023, Gender: "男",
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
		{"military bachelor 25", func(p *Post) { p.Channel = ChannelMilitary }, func(g *Graduate) { g.BirthDate = born(1998) }, RuleMilitaryAge, "本科毕业生18至24周岁"},
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
			gf := NewGraduateFacts(&g, &pol, testNow)
			pf, pr := NewPostFacts(&p)
			for _, r := range Rules() {
				if !r.Check(&gf, &pf, &pr) {
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
		if r.Message == "" || r.Check == nil || r.Explain == nil {
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

// FirstFailing calls the table's checks in the table's order: over random
// graduates and posts, compiled into facts, the two agree, and every rule
// decides some pair. (matcher/engine holds its compiled records to the
// same, over the engine's memoised majors.)
func TestFirstFailingMatchesTable(t *testing.T) {
	pol, err := catalog.LoadPolicy()
	if err != nil {
		t.Fatal(err)
	}
	rnd := rand.New(rand.NewPCG(13, 17))
	pick := func(xs ...string) string { return xs[rnd.IntN(len(xs))] }
	table := Rules()
	seen := map[int]int{}
	for range 20000 {
		p, g := basePost(), baseGraduate()
		p.Status = PostStatus(pick("open", "open", "open", "", "filled"))
		p.DuplicateOf = pick("", "", "", "", "", "", "", "", "", "q:1")
		p.Deadline = testNow.AddDate(0, 0, rnd.IntN(10)-2)
		p.Filled = rnd.IntN(4)
		p.PublicWelfare = rnd.IntN(6) == 0
		p.HukouRequired = pick("", "", "", "天山区", "乌鲁木齐市", "米东区")
		p.DegreeMin = Degree(rnd.IntN(5))
		p.Majors = []string{pick("", "会计学", "财务管理", "计算机类", "计算机相关专业", "会计及相关专业", "不限", "法学")}
		p.MajorCodes = []string{pick("", "", "120203K", "120401", "080901")}
		p.Kind = Kind(pick("job", "job", "internship"))
		p.Channel = Channel(pick("sme", "sme", "military", "public_sector"))
		p.AgeMax, p.AgeMin = rnd.IntN(40), rnd.IntN(30)
		g.Degree = Degree(rnd.IntN(6))
		g.GraduationYear = 2018 + rnd.IntN(7)
		g.BirthDate = time.Date(1993+rnd.IntN(14), 3, 1, 0, 0, 0, 0, time.UTC)
		g.HukouDistrict = pick("天山区", "米东区", "喀什市", "")
		g.Major, g.MajorCode = pick("会计学", "大数据与会计", "法学", ""), pick("", "120203K", "530302", "030101K")
		g.Status = GraduateStatus(pick("seeking", "seeking", "placed"))
		if rnd.IntN(5) == 0 {
			g.Hardship = []Hardship{HardshipLowIncome}
		}
		gf := NewGraduateFacts(&g, &pol, testNow)
		pf, pr := NewPostFacts(&p)
		want := -1
		for i, r := range table {
			if !r.Check(&gf, &pf, &pr) {
				want = i
				break
			}
		}
		if got := FirstFailing(&gf, &pf, &pr); got != want {
			t.Fatalf("FirstFailing %d, table %d, for %+v and %+v", got, want, p, g)
		}
		seen[want]++
	}
	for i := -1; i < NumRules; i++ {
		if seen[i] == 0 {
			t.Errorf("rule %d never decided a pair", i)
		}
	}
}
