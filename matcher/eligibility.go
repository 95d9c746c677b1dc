package matcher

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

// Rule names, in the order they are checked. An excluded post is counted
// under the first rule it fails.
const (
	RuleClosed           = "closed"
	RuleDeadline         = "deadline"
	RulePlaces           = "places"
	RulePublicWelfare    = "public_welfare"
	RuleHukou            = "hukou"
	RuleDegreeMin        = "degree_min"
	RuleMajors           = "majors"
	RuleInternshipWindow = "internship_window"
	RuleMilitaryAge      = "military_age"
	RuleAgeMax           = "age_max"
	RuleAgeMin           = "age_min"
)

// Course exclusion rules. A course is proposed only when a graduate can
// still join it (not started, places left), it is not for what they hold
// already, and it fits: it is for their major, fills a gap in what the
// posts that fit them ask for, or (entrepreneurship training) they want to
// start a business (the plan's items 11 and 15).
const (
	RuleCourseStarted    = "course_started"
	RuleCoursePlaces     = "course_places"
	RuleCourseSkillsHeld = "course_skills_held"
	RuleCourseUnrelated  = "course_unrelated"
)

// Course fit rules for general training: what puts a course for no
// particular field on a plan whose field and posts give fewer than the
// plan's courses_min, in this order — a skills course teaching what a plan
// post asks (measure 23's 针对性技能培训), 就业引导性培训 (measure 14: every
// graduate is to take it), and entrepreneurship training for a graduate
// with 创业意向 (measure 23) — each citing its sentence (policy rules).
const (
	RuleCourseGeneralSkills    = "course_general_skills"
	RuleCourseGuidance         = "course_guidance"
	RuleCourseEntrepreneurship = "course_entrepreneurship"
)

// CourseFitRuleNames lists the general training rules, in their order.
func CourseFitRuleNames() []string {
	return []string{RuleCourseGeneralSkills, RuleCourseGuidance, RuleCourseEntrepreneurship}
}

// CourseRuleNames lists the course exclusion rules.
func CourseRuleNames() []string {
	return []string{RuleCourseStarted, RuleCoursePlaces, RuleCourseSkillsHeld, RuleCourseUnrelated}
}

// RuleBasis returns what the rule named rests on in pol: the plan's
// measure and sentence (and a national rule's name where the plan leaves
// the figures to it). CheckPolicy has made sure every rule has one.
func RuleBasis(name string, pol *catalog.Policy) (catalog.RuleBasis, bool) {
	b, ok := pol.Rules[name]
	return b, ok
}

// NumRules is the number of eligibility rules; FirstFailing returns an
// index below it.
const NumRules = 11

// Rule is one named eligibility rule. Rules are absolute: a post that fails
// any of them is never recommended, whatever its score.
type Rule struct {
	Name    string
	Message string // what the rule demands, in Chinese
	// Check reports whether the graduate passes the rule for the post.
	Check func(g *GraduateFacts, p *PostFacts, r *PostRestrictions) bool
	// Explain says, in Chinese, why a post that fails the rule excludes
	// this graduate.
	Explain func(g *GraduateFacts, p *PostFacts, r *PostRestrictions) string
}

// rules is the eligibility table: names, what each demands, its check and
// its message, in the order they are checked. Each check is a named
// function that FirstFailing calls directly too, so every rule is written
// once; the array's length makes NumRules a compile-time truth.
var rules = [NumRules]Rule{
	{RuleClosed, "岗位须在招（未关闭、未招满、非重复发布）", postOpen, explainClosed},
	{RuleDeadline, "报名截止日期未过", beforeDeadline,
		func(g *GraduateFacts, p *PostFacts, r *PostRestrictions) string {
			return "报名已截止：截止日期" + r.Post.Deadline.Format("2006-01-02")
		}},
	{RulePlaces, "尚有招聘名额", placesLeft,
		func(*GraduateFacts, *PostFacts, *PostRestrictions) string { return "招聘名额已满" }},
	{RulePublicWelfare, "公益性岗位仅面向就业困难毕业生", welfareAllowed,
		func(*GraduateFacts, *PostFacts, *PostRestrictions) string {
			return "公益性岗位仅面向就业困难毕业生"
		}},
	{RuleHukou, "符合岗位的户籍要求", hukouAllowed,
		func(g *GraduateFacts, p *PostFacts, r *PostRestrictions) string {
			return "户籍不符：要求" + r.Hukou + "户籍"
		}},
	{RuleDegreeMin, "学历达到岗位最低要求", degreeEnough,
		func(g *GraduateFacts, p *PostFacts, r *PostRestrictions) string {
			return "学历不符：要求" + p.DegreeMin.Chinese() + "及以上"
		}},
	{RuleMajors, "专业符合岗位要求（同专业、同专业类，或岗位注明相关专业时同门类或名称相近）", majorAccepted, explainMajors},
	{RuleInternshipWindow, "见习岗位面向应届毕业生、离校未就业毕业生和失业青年", internshipAllowed,
		func(g *GraduateFacts, p *PostFacts, r *PostRestrictions) string {
			in := g.Policy.Internship
			return fmt.Sprintf("不在见习范围：见习面向应届毕业生、离校%d年内未就业毕业生和%d-%d岁失业青年",
				in.YearsAfterLeaving, in.YouthAgeMin, in.YouthAgeMax)
		}},
	{RuleMilitaryAge, "征兵年龄符合全国征兵规定（按学历、性别）", militaryAgeOK, explainMilitaryAge},
	{RuleAgeMax, "年龄不超过岗位上限", underAgeMax,
		func(g *GraduateFacts, p *PostFacts, r *PostRestrictions) string {
			return fmt.Sprintf("年龄不符：要求%d岁及以下", p.AgeMax)
		}},
	{RuleAgeMin, "年龄不低于岗位下限", overAgeMin,
		func(g *GraduateFacts, p *PostFacts, r *PostRestrictions) string {
			return fmt.Sprintf("年龄不符：要求%d岁及以上", p.AgeMin)
		}},
}

// The checks, one per rule. They read r only for posts whose facts say
// they restrict hukou or majors, so a scan over many posts stays in the
// compact PostFacts.

func postOpen(g *GraduateFacts, p *PostFacts, r *PostRestrictions) bool { return !p.Closed }

func beforeDeadline(g *GraduateFacts, p *PostFacts, r *PostRestrictions) bool {
	return p.Deadline >= g.Now
}

func placesLeft(g *GraduateFacts, p *PostFacts, r *PostRestrictions) bool { return p.Places > 0 }

func welfareAllowed(g *GraduateFacts, p *PostFacts, r *PostRestrictions) bool {
	return !p.Welfare || g.Hardship
}

func hukouAllowed(g *GraduateFacts, p *PostFacts, r *PostRestrictions) bool {
	return !p.HasHukou || hukouOK(g.Hukou, r.Hukou)
}

func degreeEnough(g *GraduateFacts, p *PostFacts, r *PostRestrictions) bool {
	return g.Degree >= p.DegreeMin
}

// majorAccepted: same 专业 or 专业类 passes; same 门类 or a similar name
// passes only when the post says 相关专业.
func majorAccepted(g *GraduateFacts, p *PostFacts, r *PostRestrictions) bool {
	if !p.HasMajors {
		return true
	}
	l := g.MajorLevel(p, r)
	return l >= MajorClass || (p.Related && l >= MajorSimilar)
}

func internshipAllowed(g *GraduateFacts, p *PostFacts, r *PostRestrictions) bool {
	return !p.Internship || g.InternshipOK
}

func militaryAgeOK(g *GraduateFacts, p *PostFacts, r *PostRestrictions) bool {
	return !p.Military || g.Military.OK
}

func underAgeMax(g *GraduateFacts, p *PostFacts, r *PostRestrictions) bool {
	return p.AgeMax <= 0 || g.Age < 0 || g.Age <= int(p.AgeMax)
}

func overAgeMin(g *GraduateFacts, p *PostFacts, r *PostRestrictions) bool {
	return p.AgeMin <= 0 || g.Age < 0 || g.Age >= int(p.AgeMin)
}

func explainClosed(g *GraduateFacts, p *PostFacts, r *PostRestrictions) string {
	if r.Post.DuplicateOf != "" {
		return "重复发布的岗位：与" + r.Post.DuplicateOf + "相同"
	}
	return "岗位已关闭或已招满"
}

func explainMajors(g *GraduateFacts, p *PostFacts, r *PostRestrictions) string {
	names := make([]string, 0, len(r.Majors))
	for _, m := range r.Majors {
		if l := m.Label(); !slices.Contains(names, l) {
			names = append(names, l) // a code and its class's name read alike
		}
	}
	s := "专业不符：要求" + strings.Join(names, "、")
	if p.Related {
		s += "（及相关专业）"
	}
	return s
}

func explainMilitaryAge(g *GraduateFacts, p *PostFacts, r *PostRestrictions) string {
	return g.Military.Why
}

// FirstFailing returns the index (into Rules) of the first rule the
// graduate fails for the post, or -1 when none fails. It calls the table's
// checks directly, in the table's order, so the engine's scan over every
// post pays no indirect call (the compiler inlines the small ones);
// TestFirstFailingMatchesTable holds it equal to the table.
func FirstFailing(g *GraduateFacts, p *PostFacts, r *PostRestrictions) int {
	switch {
	case !postOpen(g, p, r):
		return 0
	case !beforeDeadline(g, p, r):
		return 1
	case !placesLeft(g, p, r):
		return 2
	case !welfareAllowed(g, p, r):
		return 3
	case !hukouAllowed(g, p, r):
		return 4
	case !degreeEnough(g, p, r):
		return 5
	case p.HasMajors && !majorAccepted(g, p, r): // the guard saves a call per post
		return 6
	case !internshipAllowed(g, p, r):
		return 7
	case !militaryAgeOK(g, p, r):
		return 8
	case !underAgeMax(g, p, r):
		return 9
	case !overAgeMin(g, p, r):
		return 10
	}
	return -1
}

// RuleName returns the name of rule i (an index FirstFailing returned).
func RuleName(i int) string { return rules[i].Name }

// Explain says in Chinese why rule i excludes the post for the graduate.
func Explain(i int, g *GraduateFacts, p *PostFacts, r *PostRestrictions) string {
	return rules[i].Explain(g, p, r)
}

// RuleNames lists the eligibility rules in the order they are checked.
func RuleNames() []string {
	out := make([]string, len(rules))
	for i, r := range rules {
		out[i] = r.Name
	}
	return out
}

// Rules returns the eligibility rules in the order they are checked.
func Rules() []Rule { return slices.Clone(rules[:]) }

// Eligible runs every eligibility rule and returns the first one the
// graduate fails, with its Chinese message; ok is true when none fails.
func Eligible(g *Graduate, p *Post, pol catalog.Policy, now time.Time) (ok bool, rule string, message string) {
	gf := NewGraduateFacts(g, &pol, now)
	pf, pr := NewPostFacts(p)
	if i := FirstFailing(&gf, &pf, &pr); i >= 0 {
		return false, rules[i].Name, rules[i].Explain(&gf, &pf, &pr)
	}
	return true, "", ""
}
