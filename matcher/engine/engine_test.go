package engine

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"gonum.org/v1/gonum/mat"
)

func newTestEngine(t testing.TB, posts []matcher.Post, courses []matcher.Course) *Engine {
	t.Helper()
	e, err := New(posts, courses, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	return e
}

var (
	sharedOnce   sync.Once
	sharedEngine *Engine
	sharedPosts  []matcher.Post
)

// engine5k is a 5,000-post engine shared by read-only tests.
func engine5k(t testing.TB) (*Engine, []matcher.Post) {
	sharedOnce.Do(func() {
		sharedPosts = genPosts(1, 5000)
		var err error
		sharedEngine, err = New(sharedPosts, genCourses(1, 60), testOptions())
		if err != nil {
			panic(err)
		}
	})
	return sharedEngine, sharedPosts
}

func TestFeaturesInUnitInterval(t *testing.T) {
	e, _ := engine5k(t)
	grads := genGraduates(3, 50)
	var x [NumFeatures]float64
	seen := [NumFeatures]map[float64]bool{}
	for i := range seen {
		seen[i] = map[float64]bool{}
	}
	for gi := range grads {
		gc := e.compileGraduate(&grads[gi], testNow, false)
		for _, pr := range e.slots {
			featureVector(gc, pr, float64(textScore(gc.eng, pr)), x[:])
			for f, v := range x {
				if v < 0 || v > 1 || math.IsNaN(v) {
					t.Fatalf("feature %s = %v for (%s, %s)", FeatureNames[f], v, grads[gi].ID, pr.Post.ID)
				}
				seen[f][math.Round(v*100)] = true
			}
		}
	}
	// Every feature actually varies on this data (none is constant), but
	// experience and entry: the generated posts ask for no experience and
	// have no senior titles (TestEntryFeatures covers them).
	for f := range seen {
		if len(seen[f]) < 2 && f != FExperience && f != FEntry {
			t.Errorf("feature %s never varies", FeatureNames[f])
		}
	}
}

func TestFeatureValues(t *testing.T) {
	p, g := basePost(), baseGraduate()
	p.Occupation = "2-06-03-00"
	p.MajorCodes = []string{"120203K"}
	p.Skills = []string{"Excel", "财务分析"}
	p.Certificates = []string{"初级会计职称"}
	p.Salary = matcher.Salary{Min: 4000, Max: 6000, Period: matcher.PerMonth}
	g.Skills = []string{"ｅｘｃｅｌ", "财务分析"} // full-width and case fold
	g.ExpectedSalary = 5000
	g.PreferredChannels = []matcher.Channel{matcher.ChannelStateOwned, matcher.ChannelSME}
	e := newTestEngine(t, []matcher.Post{p}, nil)
	gc := e.compileGraduate(&g, testNow, false)
	var x [NumFeatures]float64
	featureVector(gc, e.slots[0], float64(textScore(gc.eng, e.slots[0])), x[:])
	want := map[int]float64{FMajor: 1, FOccupation: 1, FSkills: 1, FCertificates: 0, FDegree: 0.6, FExperience: 1, FEntry: 1, FDistrict: 0.9, FSalary: 1, FChannel: 0.8, FPriority: 0}
	for f, v := range want {
		if math.Abs(x[f]-v) > 1e-9 {
			t.Errorf("%s = %v, want %v", FeatureNames[f], x[f], v)
		}
	}
	if x[FText] <= 0 {
		t.Errorf("text relevance %v, want > 0 (会计 in title and major)", x[FText])
	}

	// Salary below expectation scores lower; negotiable is neutral.
	for _, c := range []struct {
		s    matcher.Salary
		want float64
	}{
		{matcher.Salary{Min: 3000, Max: 4000, Period: matcher.PerMonth}, 0.6},
		{matcher.Salary{Min: 1000, Max: 2000, Period: matcher.PerMonth}, 0},
		{matcher.Salary{Raw: "面议", Negotiable: true}, 0.5},
		{matcher.Salary{Min: 250, Max: 250, Period: matcher.PerDay}, 1},
	} {
		p2 := p
		p2.Salary = c.s
		pr := compilePost(&p2)
		featureVector(gc, pr, 0, x[:])
		if math.Abs(x[FSalary]-c.want) > 1e-9 {
			t.Errorf("salary %+v: %v, want %v", c.s, x[FSalary], c.want)
		}
	}
	// Districts: residence > hukou/preferred > neighbour > across the city > elsewhere.
	fit := func(d string) float64 {
		p2 := p
		p2.District = d
		featureVector(gc, compilePost(&p2), 0, x[:])
		return x[FDistrict]
	}
	order := []string{"新市区", "天山区", "水磨沟区", "达坂城区", "昌吉市"}
	// 新市区 residence 1, 天山区 hukou 0.9, 水磨沟区 adjacent 0.6, 达坂城区 adjacent to 天山 0.6 too
	if !(fit(order[0]) > fit(order[1]) && fit(order[1]) > fit(order[2]) && fit("头屯河区") >= fit("乌鲁木齐县") && fit("米东区") > fit("昌吉市")) {
		t.Errorf("district fits out of order: %v %v %v %v", fit(order[0]), fit(order[1]), fit(order[2]), fit(order[4]))
	}
	// Military priority: 应届, Urumqi hukou.
	p3 := p
	p3.Channel = matcher.ChannelMilitary
	featureVector(gc, compilePost(&p3), 0, x[:])
	if x[FPriority] != 1 {
		t.Errorf("priority = %v for an Urumqi-hukou 应届 graduate", x[FPriority])
	}
	g2 := g
	g2.HukouDistrict = "喀什市"
	featureVector(e.compileGraduate(&g2, testNow, false), compilePost(&p3), 0, x[:])
	if x[FPriority] != 0 {
		t.Errorf("priority = %v for a non-Urumqi hukou", x[FPriority])
	}
}

// The occupation feature learns from posts: when posts in an occupation
// ask for a major, graduates of that major score higher there even if the
// catalogue does not link them.
func TestOccupationAffinityLearned(t *testing.T) {
	var posts []matcher.Post
	for i := range 6 {
		p := basePost()
		p.ID = fmt.Sprintf("p:%d", i)
		p.Occupation = "4-01-02-01"
		p.MajorCodes = []string{"030101K"} // 法学
		posts = append(posts, p)
	}
	other := basePost()
	other.ID, other.Occupation = "p:x", "4-02-01-01"
	posts = append(posts, other)
	e := newTestEngine(t, posts, nil)
	g := baseGraduate()
	g.Major, g.MajorCode = "法学", "030101K"
	gc := e.compileGraduate(&g, testNow, false)
	a := gc.eng.occAffinity(e.occIDs["4-01-02-01"])
	b := gc.eng.occAffinity(e.occIDs["4-02-01-01"])
	if !(a > 0.7 && b == 0) {
		t.Fatalf("learned affinity %v (asked-for occupation) vs %v (other)", a, b)
	}
	if gc.eng.occSrc[e.occIDs["4-01-02-01"]] != 2 {
		t.Error("affinity not attributed to the posts")
	}
}

func TestDeterministic(t *testing.T) {
	posts := genPosts(5, 2000)
	a := newTestEngine(t, posts, genCourses(5, 20))
	b := newTestEngine(t, posts, genCourses(5, 20))
	for _, g := range genGraduates(9, 40) {
		for _, q := range []matcher.Query{{}, {Kind: matcher.KindInternship}, {Kind: matcher.KindCourse}, {Limit: 30, ExplainExclusions: true}} {
			r1, err1 := a.Recommend(&g, q)
			r2, err2 := b.Recommend(&g, q)
			r3, _ := a.Recommend(&g, q)
			if err1 != nil || err2 != nil {
				t.Fatal(err1, err2)
			}
			j1, _ := json.Marshal(r1)
			j2, _ := json.Marshal(r2)
			j3, _ := json.Marshal(r3)
			if string(j1) != string(j2) || string(j1) != string(j3) {
				t.Fatalf("graduate %s query %+v: results differ between runs", g.ID, q)
			}
		}
	}
}

// The fast path (inverted index, per-channel heaps) returns exactly what
// the exhaustive scorer (per-post merge, full sort) returns.
func TestFastEqualsExhaustive(t *testing.T) {
	e, _ := engine5k(t)
	for _, g := range genGraduates(21, 40) {
		for _, q := range []matcher.Query{{}, {Limit: 3, PerEmployer: 1}, {Kind: matcher.KindInternship}, {Channel: matcher.ChannelSME, Limit: 20}, {Limit: 50}} {
			fast, err := e.Recommend(&g, q)
			if err != nil {
				t.Fatal(err)
			}
			slow, err := e.RecommendExhaustive(&g, q)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(fast, slow) {
				t.Fatalf("graduate %s query %+v:\nfast %v\nslow %v", g.ID, q, ids(fast), ids(slow))
			}
		}
	}
}

func ids(r *matcher.Result) []string {
	var out []string
	for _, it := range r.Items {
		out = append(out, fmt.Sprintf("%s(%.4f)", it.PostID, it.Score))
	}
	return out
}

// Ties are broken by post ID: identical posts come out in ID order.
func TestTieBreakByID(t *testing.T) {
	var posts []matcher.Post
	for _, id := range []string{"p:5", "p:3", "p:9", "p:1", "p:7"} {
		p := basePost()
		p.ID, p.Employer = id, "单位"+id
		posts = append(posts, p)
	}
	e := newTestEngine(t, posts, nil)
	g := baseGraduate()
	res, err := e.Recommend(&g, matcher.Query{Limit: 5})
	if err != nil {
		t.Fatal(err)
	}
	got := []string{}
	for _, it := range res.Items {
		got = append(got, it.PostID)
	}
	if want := []string{"p:1", "p:3", "p:5", "p:7", "p:9"}; !slices.Equal(got, want) {
		t.Fatalf("order %v, want %v", got, want)
	}
}

func TestDiversification(t *testing.T) {
	// Ten near-identical posts from one employer, ten from others.
	var posts []matcher.Post
	for i := range 20 {
		p := basePost()
		p.ID = fmt.Sprintf("p:%02d", i)
		p.Occupation = "2-06-03-00"
		p.MajorCodes = []string{"120203K"}
		if i < 10 {
			p.Employer = "大公司"
			p.Headcount = 20 // scores higher
		} else {
			p.Employer = fmt.Sprintf("小公司%d", i)
		}
		if i%4 == 0 {
			p.Channel = matcher.ChannelStateOwned
		}
		posts = append(posts, p)
	}
	e := newTestEngine(t, posts, nil)
	g := baseGraduate()
	for _, c := range []struct {
		per  int
		want int
	}{{1, 1}, {2, 2}, {3, 3}} {
		res, err := e.Recommend(&g, matcher.Query{Limit: 8, PerEmployer: c.per})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, it := range res.Items {
			if it.Employer == "大公司" {
				n++
			}
		}
		if n != c.want || len(res.Items) != 8 {
			t.Errorf("PerEmployer %d: %d items from 大公司 of %d, want %d of 8", c.per, n, len(res.Items), c.want)
		}
		for i := 1; i < len(res.Items); i++ {
			if res.Items[i].Score > res.Items[i-1].Score {
				t.Errorf("items out of score order at %d", i)
			}
		}
	}
	// Channel mix: a graduate who prefers sme then state_owned gets both,
	// even though sme alone could fill the list: sme is held to the
	// dominance cap ⌈6·3/5⌉ = 4 because state_owned has fitting posts.
	g.PreferredChannels = []matcher.Channel{matcher.ChannelSME, matcher.ChannelStateOwned}
	res, _ := e.Recommend(&g, matcher.Query{Limit: 6, PerEmployer: 10})
	count := map[matcher.Channel]int{}
	for _, it := range res.Items {
		count[it.Channel]++
	}
	if count[matcher.ChannelSME] != 4 || count[matcher.ChannelStateOwned] != 2 {
		t.Errorf("channel mix %v, want sme 4 (⌈6·3/5⌉), state_owned 2", count)
	}
}

func TestExplanations(t *testing.T) {
	p := basePost()
	p.Title, p.Occupation = "会计", "2-06-03-00"
	p.MajorCodes = []string{"120203K"}
	p.DegreeMin = matcher.DegreeBachelor
	p.Skills = []string{"Excel", "财务分析"}
	p.Certificates = []string{"初级会计职称"}
	p.Salary = matcher.Salary{Min: 4000, Max: 6000, Period: matcher.PerMonth}
	mil := basePost()
	mil.ID, mil.Channel, mil.Title, mil.Employer = "p:mil", matcher.ChannelMilitary, "义务兵", "征兵办"
	e := newTestEngine(t, []matcher.Post{p, mil}, nil)
	g := baseGraduate()
	g.Skills = []string{"Excel", "财务分析"}
	g.ExpectedSalary = 4500
	res, err := e.Recommend(&g, matcher.Query{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Items) != 2 {
		t.Fatalf("%d items", len(res.Items))
	}
	byID := map[string]matcher.Item{}
	for _, it := range res.Items {
		byID[it.PostID] = it
	}
	occ := occName("2-06-03-00")
	if occ == "" {
		t.Fatal("catalogue lacks 2-06-03-01")
	}
	want := []string{"专业对口：会计学 → " + occ, "学历符合：本科", "地点：天山区（户籍所在区）", "技能匹配：Excel、财务分析", "缺少：初级会计职称", "薪资：4000-6000元/月，符合期望"}
	it := byID["p:1"]
	for _, w := range want {
		if !slices.Contains(it.Reasons, w) {
			t.Errorf("reasons %q lack %q", it.Reasons, w)
		}
	}
	if !slices.Equal(it.Missing, []string{"初级会计职称"}) {
		t.Errorf("missing %v", it.Missing)
	}
	if !slices.Contains(byID["p:mil"].Reasons, "优先：乌鲁木齐户籍应届毕业生入伍优先") {
		t.Errorf("military reasons %q lack the priority", byID["p:mil"].Reasons)
	}
	// Contributions add up to the score.
	for _, it := range res.Items {
		sum := 0.0
		for _, c := range it.Contributions {
			sum += c.Value
		}
		if math.Abs(sum-it.Score) > 1e-3 || len(it.Contributions) != NumFeatures {
			t.Errorf("%s: contributions sum %v, score %v", it.PostID, sum, it.Score)
		}
	}
}

func TestExplainExclusions(t *testing.T) {
	a, b, c := basePost(), basePost(), basePost()
	b.ID, b.DegreeMin = "p:2", matcher.DegreeDoctor
	c.ID, c.Deadline = "p:3", testNow.AddDate(0, 0, -2)
	e := newTestEngine(t, []matcher.Post{a, b, c}, nil)
	g := baseGraduate()
	res, err := e.Recommend(&g, matcher.Query{ExplainExclusions: true})
	if err != nil {
		t.Fatal(err)
	}
	want := []matcher.Exclusion{{PostID: "p:2", Rule: matcher.RuleDegreeMin, Message: "学历不符：要求博士及以上"}, {PostID: "p:3", Rule: matcher.RuleDeadline, Message: "报名已截止：截止日期2023-07-13"}}
	if !reflect.DeepEqual(res.Exclusions, want) {
		t.Errorf("exclusions %+v", res.Exclusions)
	}
	if !reflect.DeepEqual(res.Excluded, map[string]int{matcher.RuleDegreeMin: 1, matcher.RuleDeadline: 1}) {
		t.Errorf("excluded %v", res.Excluded)
	}
	res, _ = e.Recommend(&g, matcher.Query{})
	if res.Exclusions != nil {
		t.Error("exclusions listed without ExplainExclusions")
	}
}

func TestJSONShape(t *testing.T) {
	e, _ := engine5k(t)
	g := genGraduates(2, 1)[0]
	res, err := e.Recommend(&g, matcher.Query{})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(res)
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"graduate_id", "items", "excluded"} {
		if _, ok := doc[k]; !ok {
			t.Errorf("no %q in %s", k, b)
		}
	}
	items := doc["items"].([]any)
	if len(items) != 8 {
		t.Fatalf("%d items", len(items))
	}
	for _, raw := range items {
		it := raw.(map[string]any)
		for _, k := range []string{"post_id", "rank", "score", "kind", "channel", "title", "employer", "district", "reasons", "contributions"} {
			if _, ok := it[k]; !ok {
				t.Errorf("item lacks %q", k)
			}
		}
		contrib := it["contributions"].(map[string]any)
		for _, f := range FeatureNames {
			if _, ok := contrib[f].(float64); !ok {
				t.Errorf("contributions lack %s", f)
			}
		}
		if _, ok := it["reasons"].([]any); !ok {
			t.Error("reasons is not an array")
		}
	}
	if _, ok := doc["excluded"].(map[string]any); !ok {
		t.Error("excluded is not an object")
	}
}

// TestCoursesOpenPosts: a course is ranked by the posts it opens and says
// which gap it fills; one that fills a gap of a single post does not fit
// on gaps, and is listed after, as general training, only because the
// list is short of the plan's three (courses_min); one that fills none is
// left out, and so are started and full courses (issue 9, item 4).
func TestCoursesOpenPosts(t *testing.T) {
	var posts []matcher.Post
	for i := range 5 {
		p := basePost()
		p.ID, p.Employer = fmt.Sprintf("p:%d", i), fmt.Sprintf("单位%d", i)
		p.Occupation = "2-06-03-00"
		p.Certificates = []string{"初级会计职称"}
		if i == 4 {
			p.Certificates = append(p.Certificates, "CAD")
		}
		posts = append(posts, p)
	}
	courses := []matcher.Course{
		{ID: "c:acc", Title: "初级会计职称考前培训", Provider: "甲学校", Category: matcher.CourseSkills, Places: 30, StartDate: testNow.AddDate(0, 0, 10), DurationDays: 20, Certificates: []string{"初级会计职称"}},
		// The converter reads a course's terms from its text on word
		// boundaries (ingest/convert); the engine matches terms, not text.
		{ID: "c:cad", Title: "CAD制图培训", Provider: "乙学校", Category: matcher.CourseSkills, Places: 30, StartDate: testNow.AddDate(0, 0, 10), DurationDays: 20, Skills: []string{"CAD"}},
		{ID: "c:cook", Title: "中式烹调培训", Provider: "丙学校", Category: matcher.CourseSkills, Places: 30, StartDate: testNow.AddDate(0, 0, 10), DurationDays: 20},
		{ID: "c:done", Title: "初级会计职称旧班", Provider: "丁学校", Category: matcher.CourseSkills, Places: 30, StartDate: testNow.AddDate(0, 0, -60), DurationDays: 20, Certificates: []string{"初级会计职称"}},
		{ID: "c:running", Title: "初级会计职称在读班", Provider: "己学校", Category: matcher.CourseSkills, Places: 30, StartDate: testNow.AddDate(0, 0, -2), DurationDays: 20, Certificates: []string{"初级会计职称"}},
		{ID: "c:full", Title: "初级会计职称满员班", Provider: "戊学校", Category: matcher.CourseSkills, Places: 0, Certificates: []string{"初级会计职称"}},
	}
	e := newTestEngine(t, posts, courses)
	g := baseGraduate()
	res, err := e.Recommend(&g, matcher.Query{Kind: matcher.KindCourse, Limit: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Items) != 2 || res.Items[0].PostID != "c:acc" || res.Items[1].PostID != "c:cad" {
		t.Fatalf("course ranking %v: want c:acc, then c:cad as general training", ids(res))
	}
	if r := res.Items[1].Reasons; len(r) == 0 || !strings.Contains(r[0], "通用培训") || !slices.Contains(r, "可补齐：CAD（1个推荐岗位要求）") {
		t.Errorf("c:cad reasons %q: want it said first that it is general training, and the gap it fills", r)
	}
	if r := res.Items[0].Reasons; slices.ContainsFunc(r, func(s string) bool { return strings.Contains(s, "通用培训") }) {
		t.Errorf("c:acc reasons %q: a course that fits is not general training", r)
	}
	acc := res.Items[0]
	if acc.Kind != matcher.KindCourse || len(acc.Opens) != 5 || acc.Opens[0] != "p:0" || acc.Opens[4] != "p:4" {
		t.Errorf("c:acc opens %v (fully opened posts first)", acc.Opens)
	}
	if !slices.Contains(acc.Reasons, "可补齐：初级会计职称（5个推荐岗位要求）") {
		t.Errorf("reasons %q", acc.Reasons)
	}
	// c:done and c:running have started (a course that has begun cannot be
	// joined); c:cook fills no gap.
	want := map[string]int{matcher.RuleCourseStarted: 2, matcher.RuleCoursePlaces: 1, matcher.RuleCourseUnrelated: 1}
	if !maps.Equal(res.Excluded, want) {
		t.Errorf("excluded %v, want %v", res.Excluded, want)
	}
}

// TestCourseRules: issue 9's item 4 — a course is its title and provider
// (one session listed), one course per subject, none for what the
// graduate holds, one for their major fits without a gap, generic gaps
// (沟通能力) make nothing fit, and a graduate with 创业意向 gets
// entrepreneurship training first (not IYB, which is for running
// businesses); the reasons name the gap each course fills.
func TestCourseRules(t *testing.T) {
	var posts []matcher.Post
	for i := range 6 {
		p := basePost()
		p.ID, p.Employer = fmt.Sprintf("p:%d", i), fmt.Sprintf("单位%d", i)
		p.Occupation = "2-06-03-00"
		p.Skills = []string{"沟通能力", "用友"}
		posts = append(posts, p)
	}
	at := func(days int) time.Time { return testNow.AddDate(0, 0, days) }
	courses := []matcher.Course{
		{ID: "c:u8-1", Title: "用友财务软件实操培训班（第1期）", Provider: "甲学校", Places: 30, StartDate: at(20), DurationDays: 10, Skills: []string{"用友"}},
		{ID: "c:u8-2", Title: "用友财务软件实操培训班（第2期）", Provider: "甲学校", Places: 30, StartDate: at(5), DurationDays: 10, Skills: []string{"用友"}},
		{ID: "c:u8-other", Title: "高校毕业生用友财务软件实操专项培训班", Provider: "乙学校", Places: 30, StartDate: at(6), DurationDays: 10, Skills: []string{"用友"}},
		{ID: "c:talk", Title: "职场沟通培训班", Provider: "丙学校", Places: 30, StartDate: at(5), DurationDays: 10, Skills: []string{"沟通能力"}},
		{ID: "c:excel", Title: "Excel高级应用培训班", Provider: "丁学校", Places: 30, StartDate: at(5), DurationDays: 10, Skills: []string{"Excel"}},
		{ID: "c:tax", Title: "纳税申报实务培训班", Provider: "戊学校", Places: 30, StartDate: at(5), DurationDays: 10, Skills: []string{"纳税申报"}, Majors: []string{"会计学"}},
		{ID: "c:iyb", Title: "IYB改善你的企业培训班", Provider: "己中心", Category: matcher.CourseEntrepreneurship, Places: 30, StartDate: at(5), DurationDays: 5},
		{ID: "c:syb", Title: "SYB创业培训班", Provider: "庚中心", Category: matcher.CourseEntrepreneurship, Places: 30, StartDate: at(5), DurationDays: 10},
		{ID: "c:guide", Title: "高校毕业生就业引导性培训", Provider: "辛大学就业指导中心", Category: matcher.CourseGuidance, Places: 100, StartDate: at(5), DurationDays: 2},
	}
	e := newTestEngine(t, posts, courses)
	g := baseGraduate()
	g.Skills = []string{"Excel"}
	res, err := e.Recommend(&g, matcher.Query{Kind: matcher.KindCourse, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	itemIDs := func(r *matcher.Result) []string {
		var out []string
		for _, it := range r.Items {
			out = append(out, it.PostID)
		}
		return out
	}
	got := itemIDs(res)
	if len(got) != 3 || !slices.Contains(got[:2], "c:tax") || !slices.Contains(got[:2], "c:u8-2") && !slices.Contains(got[:2], "c:u8-1") && !slices.Contains(got[:2], "c:u8-other") {
		t.Fatalf("courses %v: want one 用友 course and c:tax (for 会计学), then 就业引导性培训 as general training (two courses fit, the plan asks three); not c:talk (沟通能力 is generic), c:excel (held), IYB, SYB (no 创业意向)", got)
	}
	if last := res.Items[2]; last.PostID != "c:guide" || len(last.Reasons) == 0 || !strings.Contains(last.Reasons[0], "通用培训：就业引导性培训") || !strings.Contains(last.Reasons[0], "计划措施14“鼓励高校毕业生在校参加就业引导性培训") {
		t.Errorf("third course %s reasons %q: want c:guide said to be general training, with the plan's sentence", last.PostID, last.Reasons)
	}
	if res.Excluded[matcher.RuleCourseSkillsHeld] != 1 || res.Excluded[matcher.RuleCourseUnrelated] != 3 {
		t.Errorf("excluded %v: want c:excel held; c:talk, c:iyb, c:syb unrelated", res.Excluded)
	}
	for _, it := range res.Items {
		switch {
		case strings.HasPrefix(it.PostID, "c:u8") && !slices.Contains(it.Reasons, "可补齐：用友（6个推荐岗位要求）"):
			t.Errorf("%s reasons %q: want the gap it fills", it.PostID, it.Reasons)
		case it.PostID == "c:tax" && !slices.ContainsFunc(it.Reasons, func(r string) bool { return strings.HasPrefix(r, "对口所学专业：课程面向会计学") }):
			t.Errorf("c:tax reasons %q: want the major it is for", it.Reasons)
		}
	}
	g.PreferredChannels = []matcher.Channel{matcher.ChannelSelfEmployed}
	res, err = e.Recommend(&g, matcher.Query{Kind: matcher.KindCourse, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if got := itemIDs(res); len(got) != 3 || got[0] != "c:syb" || slices.Contains(got, "c:iyb") || slices.Contains(got, "c:guide") {
		t.Errorf("with 创业意向: courses %v, want c:syb first (it fits: three courses), no IYB, no general training", got)
	}
	if r := res.Items[0].Reasons; !slices.ContainsFunc(r, func(s string) bool {
		return strings.Contains(s, "计划措施23“对有创业意向的,提供创业培训")
	}) {
		t.Errorf("c:syb reasons %q: want the plan's sentence for 创业意向", r)
	}
}

func TestInternshipsRankedWithWindow(t *testing.T) {
	e, posts := engine5k(t)
	g := baseGraduate()
	g.GraduationYear = 2018 // outside every window once older than 24
	g.BirthDate = time.Date(1995, 1, 1, 0, 0, 0, 0, time.UTC)
	res, err := e.Recommend(&g, matcher.Query{Kind: matcher.KindInternship})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for i := range posts {
		if posts[i].Kind == matcher.KindInternship {
			n++
		}
	}
	if len(res.Items) != 0 || res.Excluded[matcher.RuleInternshipWindow] == 0 {
		t.Errorf("graduate outside the window got %d internships; excluded %v", len(res.Items), res.Excluded)
	}
	g.GraduationYear = 2023
	res, _ = e.Recommend(&g, matcher.Query{Kind: matcher.KindInternship})
	if len(res.Items) == 0 {
		t.Fatal("应届 graduate got no internships")
	}
	for _, it := range res.Items {
		if it.Kind != matcher.KindInternship {
			t.Errorf("kind %s in an internship query", it.Kind)
		}
	}
}

func TestCandidates(t *testing.T) {
	e, posts := engine5k(t)
	var target *matcher.Post
	for i := range posts {
		if len(posts[i].MajorCodes) > 0 && posts[i].Kind == matcher.KindJob && posts[i].DegreeMin >= matcher.DegreeBachelor && posts[i].Searchable(testNow) {
			target = &posts[i]
			break
		}
	}
	grads := genGraduates(4, 2000)
	cands, err := e.Candidates(target.ID, Graduates(grads), 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(cands) != 10 {
		t.Fatalf("%d candidates", len(cands))
	}
	byID := map[string]*matcher.Graduate{}
	for i := range grads {
		byID[grads[i].ID] = &grads[i]
	}
	for i, c := range cands {
		if ok, rule := independentEligible(byID[c.GraduateID], target, *e.pol, testNow); !ok {
			t.Errorf("candidate %s fails %s", c.GraduateID, rule)
		}
		if i > 0 && c.Score > cands[i-1].Score {
			t.Error("candidates out of order")
		}
		if c.Rank != i+1 || len(c.Reasons) == 0 {
			t.Errorf("candidate %d: rank %d reasons %v", i, c.Rank, c.Reasons)
		}
	}
	// The best candidate scores the post as Recommend would.
	res, _ := e.RecommendExhaustive(byID[cands[0].GraduateID], matcher.Query{Limit: 1000, PerEmployer: 1000})
	for _, it := range res.Items {
		if it.PostID == target.ID && it.Score != cands[0].Score {
			t.Errorf("score %v in Recommend, %v in Candidates", it.Score, cands[0].Score)
		}
	}
	if _, err := e.Candidates("nope", Graduates(grads), 5); matcher.ErrorCode(err) != matcher.ENOTFOUND {
		t.Errorf("unknown post: %v", err)
	}
}

func TestUpsertRemove(t *testing.T) {
	posts := genPosts(8, 300)
	e := newTestEngine(t, posts, nil)
	g := baseGraduate()
	p := basePost()
	p.ID, p.Title, p.Occupation = "new:1", "注册会计师助理", "2-06-03-00"
	p.MajorCodes = []string{"120203K"}
	p.Skills = []string{"Excel"}
	p.DegreeMin = matcher.DegreeBachelor
	p.Description = "会计学专业，熟练使用Excel"
	g.Skills = []string{"Excel"}
	if err := e.Upsert(p); err != nil {
		t.Fatal(err)
	}
	res, _ := e.Recommend(&g, matcher.Query{Limit: 5})
	if !slices.ContainsFunc(res.Items, func(it matcher.Item) bool { return it.PostID == "new:1" }) {
		t.Fatalf("upserted post not in the top 5: %v", ids(res))
	}
	p.DegreeMin = matcher.DegreeDoctor
	if err := e.Upsert(p); err != nil {
		t.Fatal(err)
	}
	res, _ = e.Recommend(&g, matcher.Query{Limit: 1000, PerEmployer: 1000})
	for _, it := range res.Items {
		if it.PostID == "new:1" {
			t.Fatal("updated post (now doctor only) still recommended")
		}
	}
	if e.Len() != 301 {
		t.Errorf("Len %d after an insert and an update", e.Len())
	}
	e.Remove("new:1")
	e.Remove("never-there")
	if _, ok := e.Post("new:1"); ok || e.Len() != 300 {
		t.Error("removed post still there")
	}
	if err := e.Upsert(matcher.Post{}); matcher.ErrorCode(err) != matcher.EINVALID {
		t.Errorf("post without id: %v", err)
	}
	// Many updates trigger compaction; results equal a fresh engine's.
	for i := range 2000 {
		q := posts[i%len(posts)]
		q.Headcount += 1
		posts[i%len(posts)] = q
		if err := e.Upsert(q); err != nil {
			t.Fatal(err)
		}
	}
	e.Compact()
	fresh := newTestEngine(t, posts, nil)
	for _, g := range genGraduates(6, 20) {
		a, _ := e.Recommend(&g, matcher.Query{})
		b, _ := fresh.Recommend(&g, matcher.Query{})
		if !reflect.DeepEqual(ids(a), ids(b)) {
			t.Fatalf("after compaction %v, fresh %v", ids(a), ids(b))
		}
	}
}

// Reads run concurrently with writes (run with -race).
func TestConcurrentReadsAndWrites(t *testing.T) {
	posts := genPosts(12, 1000)
	e := newTestEngine(t, posts, genCourses(2, 10))
	grads := genGraduates(13, 50)
	var wg sync.WaitGroup
	for w := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 60 {
				g := &grads[(i+w)%len(grads)]
				kind := []matcher.Kind{"", matcher.KindCourse, matcher.KindInternship}[i%3]
				if _, err := e.Recommend(g, matcher.Query{Kind: kind}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := range 300 {
			p := posts[i]
			p.Title += "（更新）"
			if err := e.Upsert(p); err != nil {
				t.Error(err)
			}
			if i%10 == 0 {
				e.Remove(posts[i+1].ID)
			}
		}
	}()
	wg.Wait()
}

func TestQueryValidation(t *testing.T) {
	e, _ := engine5k(t)
	g := baseGraduate()
	for _, q := range []matcher.Query{{Limit: -1}, {Kind: "teacher"}, {Channel: "x"}, {PerEmployer: -3}} {
		if _, err := e.Recommend(&g, q); matcher.ErrorCode(err) != matcher.EINVALID {
			t.Errorf("query %+v: %v", q, err)
		}
	}
	if _, err := e.Recommend(nil, matcher.Query{}); matcher.ErrorCode(err) != matcher.EINVALID {
		t.Errorf("nil graduate: %v", err)
	}
	res, err := e.Recommend(&g, matcher.Query{Limit: 5000})
	if err != nil || len(res.Items) > matcher.MaxLimit {
		t.Errorf("huge limit: %v, %d items", err, len(res.Items))
	}
	// An empty profile still gets a list, with no panic.
	res, err = e.Recommend(&matcher.Graduate{ID: "empty"}, matcher.Query{})
	if err != nil || len(res.Items) == 0 {
		t.Errorf("empty profile: %v, %d items", err, len(res.Items))
	}
}

func TestWeights(t *testing.T) {
	w := DefaultWeights()
	if w.Doc == "" || len(w.Weights) != NumFeatures {
		t.Fatalf("default weights: %+v", w)
	}
	for _, c := range []struct {
		doc  string
		want string // error field, "" ok
	}{
		{`{"weights": {"text": 1}}`, ""},
		{`{"weights": {"txet": 1}}`, "weights.txet"},
		{`{"weights": {"text": -1}}`, "weights.text"},
		{`{"weights": {"text": 1}, "course_weights": {"gapp": 1}}`, "course_weights.gapp"},
		{`{"weights": {}}`, ""},
		{`{"wieghts": {"text": 1}}`, "-"},
		{`not json`, "-"},
	} {
		_, err := ParseWeights([]byte(c.doc))
		switch {
		case c.want == "" && c.doc == `{"weights": {}}`:
			if err == nil {
				t.Errorf("%s: accepted", c.doc)
			}
		case c.want == "":
			if err != nil {
				t.Errorf("%s: %v", c.doc, err)
			}
		case c.want == "-":
			if err == nil {
				t.Errorf("%s: accepted", c.doc)
			}
		default:
			var me *matcher.Error
			if !asError(err, &me) || me.Field != c.want {
				t.Errorf("%s: %v, want field %s", c.doc, err, c.want)
			}
		}
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "w.json")
	os.WriteFile(path, []byte(`{"doc":"only text","weights":{"text":2}}`), 0o644)
	lw, err := LoadWeights(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := LoadWeights(filepath.Join(dir, "missing.json")); err == nil || !strings.Contains(err.Error(), "missing.json") {
		t.Errorf("missing file: %v", err)
	}
	// Text-only weights: the score is exactly 2·text.
	o := testOptions()
	o.Weights = lw
	e, err := New(genPosts(3, 300), nil, o)
	if err != nil {
		t.Fatal(err)
	}
	g := baseGraduate()
	res, _ := e.Recommend(&g, matcher.Query{})
	for _, it := range res.Items {
		if math.Abs(it.Score-it.Contributions.Get("text")) > 1e-9 {
			t.Errorf("score %v with only text weighted, text contribution %v", it.Score, it.Contributions.Get("text"))
		}
	}
	// ScoreMatrix agrees with the per-item score.
	X := mat.NewDense(2, NumFeatures, nil)
	for j := range NumFeatures {
		X.Set(0, j, 1)
	}
	X.Set(1, FText, 0.5)
	s := lw.ScoreMatrix(X)
	if s.AtVec(0) != 2 || s.AtVec(1) != 1 {
		t.Errorf("ScoreMatrix %v", mat.Formatted(s))
	}
}

func asError(err error, target **matcher.Error) bool {
	e, ok := err.(*matcher.Error)
	if ok {
		*target = e
	}
	return ok
}

func TestBigramAnalyzer(t *testing.T) {
	got := BigramAnalyzer{}.Terms("会计学 Excel２０２３，财务")
	want := []string{"会计", "计学", "excel2023", "财务"}
	if !slices.Equal(got, want) {
		t.Errorf("Terms = %q, want %q", got, want)
	}
}

// Posts asking for more skills than postHot holds inline read the rest
// from the cold record.
func TestManyNeeds(t *testing.T) {
	p := basePost()
	// Names the lexicon does not know (a1 … would be driving licences).
	p.Skills = []string{"技能甲", "技能乙", "技能丙", "技能丁", "技能戊", "技能己", "技能庚", "技能辛"}
	e := newTestEngine(t, []matcher.Post{p}, nil)
	g := baseGraduate()
	g.Skills = []string{"技能乙", "技能丁", "技能庚", "技能辛"}
	gc := e.compileGraduate(&g, testNow, false)
	var x [NumFeatures]float64
	featureVectorHot(gc, &e.hot[0], e.restr[0], e.slots[0], 0, x[:])
	if x[FSkills] != 0.5 {
		t.Fatalf("skills %v, want 0.5 (4 of 8)", x[FSkills])
	}
}

// TestMilitaryPriorityFirst: the plan's item 5 (乌鲁木齐户籍应届高校毕业生经
// 体格检查、政治考核合格可优先参军入伍): a graduate with the priority whose
// first choice is the military sees the conscription posts they may take
// first, though they score below the accounting posts; without the
// priority (hukou elsewhere, or last year's graduate) or with the military
// not first, the list is the usual one; a conscription post whose own age
// limit the graduate exceeds is never shown (the stricter limit wins).
func TestMilitaryPriorityFirst(t *testing.T) {
	var posts []matcher.Post
	for i := range 12 {
		p := basePost()
		p.ID, p.Employer, p.Occupation = fmt.Sprintf("p:acc%02d", i), fmt.Sprintf("会计单位%d", i), "2-06-03-00"
		p.MajorCodes, p.Skills = []string{"120203K"}, []string{"Excel"}
		posts = append(posts, p)
	}
	for i, d := range []string{"天山区", "新市区", "米东区"} {
		m := basePost()
		m.ID, m.Channel, m.Title, m.Employer, m.District = fmt.Sprintf("p:mil%d", i), matcher.ChannelMilitary, "义务兵", d+"人民武装部", d
		posts = append(posts, m)
	}
	strict := basePost()
	strict.ID, strict.Channel, strict.Title, strict.Employer, strict.AgeMax = "p:milstrict", matcher.ChannelMilitary, "直招士官", "征兵办", 20
	posts = append(posts, strict)
	e := newTestEngine(t, posts, nil)
	list := func(g matcher.Graduate) []string {
		res, err := e.Recommend(&g, matcher.Query{Limit: 8})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, it := range res.Items {
			out = append(out, it.PostID)
		}
		return out
	}
	isMil := func(id string) bool { return strings.HasPrefix(id, "p:mil") }
	g := baseGraduate() // 2023届, 天山区 hukou, born 2001: 22
	g.Gender, g.Skills = "男", []string{"Excel"}
	g.PreferredChannels = []matcher.Channel{matcher.ChannelMilitary, matcher.ChannelSME}
	got := list(g)
	if len(got) < 3 || !isMil(got[0]) || !isMil(got[1]) || !isMil(got[2]) || slices.Contains(got, "p:milstrict") {
		t.Errorf("priority graduate asking for the military first: %v; want the three conscription posts first, not p:milstrict (age ≤ 20)", got)
	}
	for name, h := range map[string]func(*matcher.Graduate){
		"hukou elsewhere": func(g *matcher.Graduate) { g.HukouDistrict = "喀什市" },
		"last year's":     func(g *matcher.Graduate) { g.GraduationYear = 2022 },
		"military second": func(g *matcher.Graduate) {
			g.PreferredChannels = []matcher.Channel{matcher.ChannelSME, matcher.ChannelMilitary}
		},
		"no military wish": func(g *matcher.Graduate) { g.PreferredChannels = nil },
	} {
		o := g
		h(&o)
		if got := list(o); len(got) > 0 && isMil(got[0]) {
			t.Errorf("%s: %v; want no conscription post forced first", name, got)
		}
	}
}

// TestAbstainedOccupationGetsNoCredit: a post the occupation classifier
// abstained on (Post.Occupation empty) gets no occupation credit and no
// occupation reason, where the same post with the graduate's occupation
// gets full credit.
func TestAbstainedOccupationGetsNoCredit(t *testing.T) {
	p, g := basePost(), baseGraduate()
	p.MajorCodes = []string{"120203K"}
	named, abstained := p, p
	named.Occupation = "2-06-03-00"
	abstained.ID, abstained.ExternalID, abstained.Occupation = abstained.ID+"-x", abstained.ExternalID+"-x", ""
	e := newTestEngine(t, []matcher.Post{named, abstained}, nil)
	gc := e.compileGraduate(&g, testNow, false)
	for i, want := range []float64{1, 0} {
		var x [NumFeatures]float64
		featureVector(gc, e.slots[i], float64(textScore(gc.eng, e.slots[i])), x[:])
		if x[FOccupation] != want {
			t.Errorf("post %d (occupation %q): occupation feature %v, want %v", i, e.slots[i].Post.Occupation, x[FOccupation], want)
		}
	}
}

// TestGeneralCourses: a field short of the plan's three courses
// (courses_min) gets general training after the courses that fit — a
// course for no major that teaches what one of the plan's posts asks
// (nearest first), then 就业引导性培训 (the plan's measure 14 encourages
// every graduate to take it; one session of it) — each saying first that
// it is general training and why; never a course of another field's
// subject, even in a listing that names no major; entrepreneurship
// training only for 创业意向; and none when three courses fit.
func TestGeneralCourses(t *testing.T) {
	var posts []matcher.Post
	for i := range 6 {
		p := basePost()
		p.ID, p.Employer = fmt.Sprintf("p:%d", i), fmt.Sprintf("单位%d", i)
		p.Occupation = "2-06-03-00"
		p.Skills = []string{"用友"}
		switch i {
		case 0:
			p.Skills = append(p.Skills, "办公软件")
		case 1:
			p.Skills = append(p.Skills, "翻译")
		}
		posts = append(posts, p)
	}
	at := func(days int) time.Time { return testNow.AddDate(0, 0, days) }
	courses := []matcher.Course{
		{ID: "c:u8", Title: "用友财务软件实操培训班", Provider: "甲学校", Places: 30, StartDate: at(5), DurationDays: 10, Skills: []string{"用友"}},
		{ID: "c:office", Title: "计算机办公应用培训班", Provider: "乙学校", Places: 30, StartDate: at(5), DurationDays: 10, Skills: []string{"办公软件", "Word"}},
		// 外语翻译 is a field's subject: one listing names the majors it is for.
		{ID: "c:trans", Title: "外语翻译培训班", Provider: "丙学校", Places: 30, StartDate: at(5), DurationDays: 10, Skills: []string{"翻译"}},
		{ID: "c:trans-en", Title: "外语翻译培训", Provider: "丁学校", Places: 30, StartDate: at(-30), DurationDays: 10, Skills: []string{"翻译"}, Majors: []string{"英语"}},
		{ID: "c:gyb", Title: "GYB创业意识培训班", Provider: "戊中心", Category: matcher.CourseEntrepreneurship, Places: 30, StartDate: at(5), DurationDays: 3},
		{ID: "c:guide1", Title: "高校毕业生就业引导性培训（第2期）", Provider: "庚大学就业指导中心", Category: matcher.CourseGuidance, Places: 100, StartDate: at(9), DurationDays: 2},
		{ID: "c:guide2", Title: "就业引导性培训（职业规划与求职能力）", Provider: "辛就业训练中心", Category: matcher.CourseGuidance, Places: 100, StartDate: at(4), DurationDays: 2},
	}
	e := newTestEngine(t, posts, courses)
	g := baseGraduate()
	res, err := e.Recommend(&g, matcher.Query{Kind: matcher.KindCourse, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, it := range res.Items {
		got = append(got, it.PostID)
	}
	if len(got) != 3 || !slices.Equal(got[:2], []string{"c:u8", "c:office"}) || !strings.HasPrefix(got[2], "c:guide") {
		t.Fatalf("courses %v: want c:u8 (fits), then general training: c:office (a plan post asks 办公软件), one 就业引导性培训; not c:trans (翻译 is another field's), not c:gyb (no 创业意向)", got)
	}
	for _, it := range res.Items[1:] {
		if len(it.Reasons) == 0 || !strings.Contains(it.Reasons[0], "面向各专业的通用培训") {
			t.Errorf("%s reasons %q: want it said first that it is general training", it.PostID, it.Reasons)
		}
	}
	if !strings.Contains(res.Items[2].Reasons[0], "计划措施14") || !strings.Contains(res.Items[1].Reasons[0], "计划措施23") {
		t.Errorf("general reasons %q, %q: want the plan's sentence each rests on", res.Items[1].Reasons, res.Items[2].Reasons)
	}
	// With 创业意向 the GYB fits and comes first; 就业引导性培训 still fills.
	gs := g
	gs.PreferredChannels = []matcher.Channel{matcher.ChannelSelfEmployed}
	if res, err := e.Recommend(&gs, matcher.Query{Kind: matcher.KindCourse, Limit: 10}); err != nil || len(res.Items) != 4 || res.Items[0].PostID != "c:gyb" {
		t.Errorf("with 创业意向: courses %v (%v), want c:gyb first, then c:u8, c:office and one 就业引导性培训", ids(res), err)
	}

	// Three courses of the field: no general training.
	for i, title := range []string{"纳税申报实务培训班", "成本核算培训班", "初级会计职称考前培训班"} {
		courses = append(courses, matcher.Course{ID: fmt.Sprintf("c:acc%d", i), Title: title, Provider: "己学校", Places: 30, StartDate: at(5), DurationDays: 10, Majors: []string{"会计学"}})
	}
	e = newTestEngine(t, posts, courses)
	res, err = e.Recommend(&g, matcher.Query{Kind: matcher.KindCourse, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range res.Items {
		if it.PostID == "c:office" || it.PostID == "c:gyb" || it.PostID == "c:trans" || strings.HasPrefix(it.PostID, "c:guide") {
			t.Errorf("courses %v: general training %s listed though four courses fit", ids(res), it.PostID)
		}
	}
}
