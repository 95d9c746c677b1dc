package matcher

import (
	"fmt"

	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

// The conscription rules. The city's plan (item 5) sets no ages: it gives
// Urumqi-hukou 应届 graduates priority (Policy.Military.Quote) and leaves
// the ages to the year's national conscription notice, which
// Policy.Military.AgeSource names: for men by education (高中 22, 高职/专科,
// 本科, 研究生 26), for women from this year's graduates only (22, 研究生
// 26; last year's 本专科 graduates up to 23 in the first half of the year).
// A post's own stated limits (age_min, age_max) are separate rules that
// apply as well, so a stricter limit of the post wins.

// MilitaryAge is the conscription verdict for one graduate at one time.
type MilitaryAge struct {
	OK  bool
	Max int // the oldest age the rule admits; 0 when none applies
	// Why says, in Chinese, which rule set Max, or why none admits them.
	Why string
}

// MilitaryAgeOf judges g at the decision year and month under pol. A
// gender that is not recorded gets the stricter of the two rules (the
// rules are absolute: a post is never shown that the graduate may not
// take).
func MilitaryAgeOf(g *Graduate, pol *catalog.Policy, age, year, month int) MilitaryAge {
	mil := &pol.Military
	male, maleWhy := maleMilitaryMax(g.Degree, mil)
	female, femaleWhy := femaleMilitaryMax(g, mil, year, month)
	var v MilitaryAge
	switch g.Gender {
	case "男":
		v.Max, v.Why = male, maleWhy
	case "女":
		v.Max, v.Why = female, femaleWhy
	default:
		v.Max, v.Why = min(male, female), "性别未登记，按男女规定中较严者："+femaleWhy
		if male < female {
			v.Why = "性别未登记，按男女规定中较严者：" + maleWhy
		}
	}
	switch {
	case age < 0:
		v.Why = "无法核实征兵年龄：缺少出生日期"
	case v.Max == 0:
	case age < mil.AgeMin || age > v.Max:
		v.Why = fmt.Sprintf("年龄不符征兵条件（%d岁）：%s", age, v.Why)
	default:
		v.OK = true
	}
	return v
}

func maleMilitaryMax(d Degree, mil *catalog.Military) (int, string) {
	switch {
	case d >= DegreeMaster:
		return mil.AgeMaxPostgrad, fmt.Sprintf("研究生毕业生%d至%d周岁", mil.AgeMin, mil.AgeMaxPostgrad)
	case d == DegreeBachelor:
		return mil.AgeMaxGraduate, fmt.Sprintf("本科毕业生%d至%d周岁", mil.AgeMin, mil.AgeMaxGraduate)
	case d == DegreeAssociate:
		return mil.AgeMaxAssociate, fmt.Sprintf("高职（专科）毕业生%d至%d周岁", mil.AgeMin, mil.AgeMaxAssociate)
	}
	return mil.AgeMaxSecondary, fmt.Sprintf("高中（含中专、职高、技校）文化程度%d至%d周岁", mil.AgeMin, mil.AgeMaxSecondary)
}

func femaleMilitaryMax(g *Graduate, mil *catalog.Military, year, month int) (int, string) {
	f := &mil.Female
	out, ok := g.YearsOut(year)
	switch {
	case !ok:
		return 0, "女兵征集对象为应届毕业生，缺少毕业年份无法核实"
	case out == 0 && g.Degree >= DegreeMaster:
		return f.AgeMaxPostgrad, fmt.Sprintf("女兵：全日制研究生应届毕业生%d至%d周岁", mil.AgeMin, f.AgeMaxPostgrad)
	case out == 0:
		return f.AgeMax, fmt.Sprintf("女兵：应届毕业生%d至%d周岁", mil.AgeMin, f.AgeMax)
	case out == 1 && (g.Degree == DegreeAssociate || g.Degree == DegreeBachelor) && month <= f.PreviousYearUntilMonth:
		return f.PreviousYearAgeMax, fmt.Sprintf("女兵：上年本专科毕业生可报名上半年征集，%d至%d周岁", mil.AgeMin, f.PreviousYearAgeMax)
	}
	return 0, "女兵征集对象为应届毕业生（上年本专科毕业生仅限上半年）"
}

// MilitaryFirst reports whether conscription posts head g's list: g has
// the plan's priority (its item 5: 乌鲁木齐户籍应届高校毕业生经体格检查、政治
// 考核合格可优先参军入伍; GraduateFacts.Priority) and names the military as
// their first channel. The engine and the nightly batch both put the
// conscription posts g may take first (up to MilitaryFirstPosts).
func MilitaryFirst(f *GraduateFacts) bool {
	pc := f.Graduate.PreferredChannels
	return f.Priority && len(pc) > 0 && pc[0] == ChannelMilitary
}

// MilitaryFirstPosts is how many conscription posts head such a list.
const MilitaryFirstPosts = 3
