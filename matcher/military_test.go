package matcher

import (
	"strings"
	"testing"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

// TestMilitaryAgeRules: the conscription rule per degree and gender, each
// case citing the rule it checks. The plan (item 5) sets no ages; they
// follow the national notice that policy.json's military.age_source names.
func TestMilitaryAgeRules(t *testing.T) {
	pol, err := catalog.LoadPolicy()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(pol.Military.AgeSource, "2023年征兵公告") {
		t.Fatalf("military.age_source does not name its source: %q", pol.Military.AgeSource)
	}
	june := time.Date(2023, 6, 15, 12, 0, 0, 0, time.UTC)
	oct := time.Date(2023, 10, 15, 12, 0, 0, 0, time.UTC)
	born := func(y, m int) time.Time { return time.Date(y, time.Month(m), 1, 0, 0, 0, 0, time.UTC) }
	cases := []struct {
		rule   string // the sentence of the rule the case checks
		gender string
		degree Degree
		grad   int
		birth  time.Time
		at     time.Time
		ok     bool
		why    string
	}{
		{"男青年高中（含中专、职高、技校）毕业及以上文化程度年满18至22周岁", "男", DegreeSecondary, 2023, born(2001, 1), june, true, ""},
		{"男青年高中（含中专、职高、技校）毕业及以上文化程度年满18至22周岁", "男", DegreeSecondary, 2021, born(2000, 1), june, false, "18至22周岁"},
		{"普通高等学校本专科毕业生年满18至24周岁（专科）", "男", DegreeAssociate, 2021, born(1999, 1), june, true, ""},
		{"普通高等学校本专科毕业生年满18至24周岁（专科）", "男", DegreeAssociate, 2020, born(1998, 1), june, false, "高职（专科）毕业生18至24周岁"},
		{"普通高等学校本专科毕业生年满18至24周岁（本科）", "男", DegreeBachelor, 2022, born(1999, 1), june, true, ""},
		{"普通高等学校本专科毕业生年满18至24周岁（本科）", "男", DegreeBachelor, 2022, born(1998, 1), june, false, "本科毕业生18至24周岁"},
		{"研究生毕业生及在校生放宽至26周岁", "男", DegreeMaster, 2023, born(1997, 1), june, true, ""},
		{"研究生毕业生及在校生放宽至26周岁", "男", DegreeDoctor, 2023, born(1996, 1), june, false, "研究生毕业生18至26周岁"},
		{"年满18周岁（下限）", "男", DegreeSecondary, 2023, born(2006, 1), june, false, "17岁"},
		{"女青年为普通高等学校全日制应届毕业生，年满18至22周岁", "女", DegreeBachelor, 2023, born(2001, 1), june, true, ""},
		{"女青年为普通高等学校全日制应届毕业生，年满18至22周岁", "女", DegreeBachelor, 2023, born(2000, 1), june, false, "女兵：应届毕业生18至22周岁"},
		{"女青年全日制研究生放宽至26周岁", "女", DegreeMaster, 2023, born(1997, 1), june, true, ""},
		{"2022年本专科应届毕业生可报名参加2023年上半年女兵征集，年龄放宽至23周岁", "女", DegreeAssociate, 2022, born(2000, 1), june, true, ""},
		{"2022年本专科应届毕业生可报名参加2023年上半年女兵征集（下半年不可）", "女", DegreeAssociate, 2022, born(2000, 1), oct, false, "女兵征集对象为应届毕业生"},
		{"女兵征集对象为应届毕业生（往届不征集）", "女", DegreeBachelor, 2021, born(2000, 1), june, false, "女兵征集对象为应届毕业生"},
		{"性别未登记：按男女规定中较严者（本科往届男可、女不可）", "", DegreeBachelor, 2021, born(2000, 1), june, false, "性别未登记"},
		{"性别未登记：按男女规定中较严者（应届22岁男女皆可）", "", DegreeBachelor, 2023, born(2001, 1), june, true, ""},
		{"缺少出生日期无法核实", "男", DegreeBachelor, 2023, time.Time{}, june, false, "出生日期"},
	}
	for _, c := range cases {
		g := Graduate{Gender: c.gender, Degree: c.degree, GraduationYear: c.grad, BirthDate: c.birth}
		v := MilitaryAgeOf(&g, &pol, g.AgeAt(c.at), c.at.Year(), int(c.at.Month()))
		if v.OK != c.ok || (c.why != "" && !strings.Contains(v.Why, c.why)) {
			t.Errorf("%s: %s %s %d届 born %s: %+v, want ok=%v why ~ %q", c.rule, c.gender, c.degree.Chinese(), c.grad, c.birth.Format("2006-01"), v, c.ok, c.why)
		}
	}
}

// A post's own stricter limit wins: the 22-year-old bachelor the national
// rule admits is excluded by a post that asks for 20 or younger, by the
// age_max rule.
func TestMilitaryPostLimitWins(t *testing.T) {
	pol, _ := catalog.LoadPolicy()
	p, g := basePost(), baseGraduate()
	p.Channel, p.AgeMax = ChannelMilitary, 20
	if ok, rule, msg := Eligible(&g, &p, pol, testNow); ok || rule != RuleAgeMax || !strings.Contains(msg, "20岁及以下") {
		t.Errorf("Eligible = %v %s %q, want age_max", ok, rule, msg)
	}
	// An associate-degree limit of an older year's notice (23) is honoured
	// when a policy file sets it.
	pol.Military.AgeMaxAssociate = 23
	g.Degree, g.BirthDate, g.GraduationYear = DegreeAssociate, time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC), 2021
	p.AgeMax = 0
	if ok, rule, _ := Eligible(&g, &p, pol, testNow); ok || rule != RuleMilitaryAge {
		t.Errorf("24-year-old 大专 graduate under age_max_associate 23: ok=%v rule=%s, want military_age", ok, rule)
	}
}
