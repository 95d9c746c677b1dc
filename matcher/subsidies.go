package matcher

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

// The plan's subsidies as rules. Each subsidy in the policy carries its
// conditions as data (catalog.Subsidy: Who, Activity, Verify) and the plan's
// sentence it rests on; EvaluateSubsidies reads them for one graduate and
// one plan and says, for each, whether it applies, applies once something
// is checked ("可申请，需核实：…"), or does not apply, and why, in Chinese.
// Nothing is ever granted on a condition the data cannot decide.

// SubsidyStatus is a subsidy's verdict for one graduate's plan.
type SubsidyStatus string

const (
	// SubsidyApplies: every condition is met by the data.
	SubsidyApplies SubsidyStatus = "applies"
	// SubsidyToVerify: the conditions the data decides are met; what it
	// cannot decide (a certificate held, a business licence for 6 months,
	// a missing birth date) must be checked before it is paid.
	SubsidyToVerify SubsidyStatus = "to_verify"
	// SubsidyNotApplicable: a condition is not met.
	SubsidyNotApplicable SubsidyStatus = "not_applicable"
)

// PlanActivities are what a graduate is doing or will do under a plan:
// what the subsidies' Activity conditions read.
type PlanActivities struct {
	// Internship: an open internship the graduate may take is on the plan.
	Internship bool
	// SkillsTraining, EntrepreneurshipTraining: a course of that kind is
	// on the plan.
	SkillsTraining, EntrepreneurshipTraining bool
	// SelfEmployment: 创业意向 — the graduate's preferred channels include
	// self-employment, or a self-employment post is on the plan.
	SelfEmployment bool
}

// StartupIntent reports 创业意向: the graduate names self-employment
// (自主创业、灵活就业) among their preferred channels.
func (g *Graduate) StartupIntent() bool {
	return slices.Contains(g.PreferredChannels, ChannelSelfEmployed)
}

// Subsidy is a subsidy's verdict for one graduate and plan: what a plan
// prints (amount, payee, where to apply, why) and the plan's sentence.
type Subsidy struct {
	Code       string        `json:"code"`
	Name       string        `json:"name"`
	Status     SubsidyStatus `json:"status"`
	Amount     float64       `json:"amount"`
	Unit       string        `json:"unit"`
	AmountText string        `json:"amount_text"` // 1700元/月，最长12个月; 按规定 …
	Payee      string        `json:"payee"`       // graduate or employer
	For        string        `json:"for"`         // who it is for, in the plan's words
	Conditions string        `json:"conditions,omitempty"`
	// Why says which conditions hold (applies, to_verify) or which does
	// not (not_applicable), in Chinese.
	Why string `json:"why"`
	// Verify lists what must be checked before it is paid (to_verify).
	Verify []string `json:"verify,omitempty"`
	// Text is the line a counselor reads: "符合：…", "可申请，需核实：…"
	// or "不适用：…".
	Text  string `json:"text"`
	Apply string `json:"apply,omitempty"` // where (and when) to apply
	Item  string `json:"item"`            // the plan's measure (措施12 …)
	Quote string `json:"quote"`           // the plan's sentence, verbatim
}

// activityNames say what each activity demands, in Chinese.
var activityNames = map[string]string{
	catalog.ActivityInternship:               "参加就业见习（计划中有可参加的见习岗位）",
	catalog.ActivitySelfEmployment:           "有创业意向（首选自主创业、灵活就业，或计划中有自主创业岗位）",
	catalog.ActivitySkillsTraining:           "参加职业技能培训（计划中有技能培训课程）",
	catalog.ActivityEntrepreneurshipTraining: "参加创业培训（计划中有创业培训课程）",
}

// has reports whether the plan's activities include a.
func (a PlanActivities) has(act string) bool {
	switch act {
	case catalog.ActivityInternship:
		return a.Internship
	case catalog.ActivitySelfEmployment:
		return a.SelfEmployment
	case catalog.ActivitySkillsTraining:
		return a.SkillsTraining
	case catalog.ActivityEntrepreneurshipTraining:
		return a.EntrepreneurshipTraining
	}
	return false
}

// EvaluateSubsidies judges every subsidy of pol for g at now, given what
// the plan has g doing. It returns one verdict per subsidy, in the
// policy's order.
func EvaluateSubsidies(g *Graduate, pol *catalog.Policy, now time.Time, act PlanActivities) []Subsidy {
	out := make([]Subsidy, 0, len(pol.Subsidies))
	for i := range pol.Subsidies {
		out = append(out, EvaluateSubsidy(g, &pol.Subsidies[i], pol, now, act))
	}
	return out
}

// PlanSubsidies is EvaluateSubsidies without the subsidies that do not
// apply: what a plan lists.
func PlanSubsidies(g *Graduate, pol *catalog.Policy, now time.Time, act PlanActivities) []Subsidy {
	out := []Subsidy{}
	for _, s := range EvaluateSubsidies(g, pol, now, act) {
		if s.Status != SubsidyNotApplicable {
			out = append(out, s)
		}
	}
	return out
}

// EvaluateSubsidy judges one subsidy.
func EvaluateSubsidy(g *Graduate, sub *catalog.Subsidy, pol *catalog.Policy, now time.Time, act PlanActivities) Subsidy {
	v := Subsidy{
		Code: sub.Code, Name: sub.Name, Amount: sub.Amount, Unit: sub.Unit, AmountText: SubsidyAmountText(sub),
		Payee: sub.Payee, For: sub.For, Conditions: sub.Conditions, Apply: sub.Apply, Item: sub.Item, Quote: sub.Quote,
	}
	no := func(why string) Subsidy {
		v.Status, v.Why, v.Text = SubsidyNotApplicable, why, "不适用："+why
		return v
	}
	if sub.Payee == catalog.PayeeIncubator {
		return no("发放给孵化基地，不因个人帮扶计划发放")
	}
	var holds []string
	if sub.Activity != "" {
		if !act.has(sub.Activity) {
			return no("须" + activityNames[sub.Activity])
		}
		holds = append(holds, activityNames[sub.Activity])
	}
	who := evaluateWho(g, sub.Who, now)
	if who.status == SubsidyNotApplicable {
		return no(who.why)
	}
	if who.why != "" {
		holds = append([]string{who.why}, holds...)
	}
	v.Why = strings.Join(holds, "；")
	v.Verify = append(who.verify, sub.Verify...)
	if len(v.Verify) > 0 {
		v.Status = SubsidyToVerify
		v.Text = "可申请，需核实：" + strings.Join(v.Verify, "；")
		return v
	}
	v.Status = SubsidyApplies
	v.Text = "符合：" + v.Why
	return v
}

type whoVerdict struct {
	status SubsidyStatus
	why    string
	verify []string
}

// evaluateWho judges a subsidy's alternatives: the best one wins (applies
// over to_verify over not_applicable). No alternatives: any graduate.
func evaluateWho(g *Graduate, alts []catalog.Who, now time.Time) whoVerdict {
	if len(alts) == 0 {
		return whoVerdict{status: SubsidyApplies, why: "高校毕业生"}
	}
	best := whoVerdict{status: SubsidyNotApplicable}
	var fails []string
	for i := range alts {
		w := evaluateAlternative(g, &alts[i], now)
		switch {
		case w.status == SubsidyApplies:
			return w
		case w.status == SubsidyToVerify && best.status != SubsidyToVerify:
			best = w
		case w.status == SubsidyNotApplicable:
			fails = append(fails, w.why)
		}
	}
	if best.status == SubsidyNotApplicable {
		best.why = "不符合条件：" + strings.Join(dedupe(fails), "；或")
	}
	return best
}

// evaluateAlternative checks one alternative: every condition it sets
// must hold; a condition the data cannot decide (no graduation year, no
// birth date) makes it to_verify, never applies.
func evaluateAlternative(g *Graduate, w *catalog.Who, now time.Time) whoVerdict {
	v := whoVerdict{status: SubsidyApplies}
	var holds, fails []string
	if len(w.YearsOut) == 2 {
		lo, hi := w.YearsOut[0], w.YearsOut[1]
		want := yearsOutText(now.Year(), lo, hi)
		switch out, ok := g.YearsOut(now.Year()); {
		case !ok:
			v.verify = append(v.verify, "毕业年份（须为"+want+"）")
		case out < lo || out > hi:
			fails = append(fails, fmt.Sprintf("须为%s（%d届）", want, g.GraduationYear))
		default:
			holds = append(holds, fmt.Sprintf("%s（%d届）", want, g.GraduationYear))
		}
	}
	if len(w.Age) == 2 {
		switch age := g.AgeAt(now); {
		case age < 0:
			v.verify = append(v.verify, fmt.Sprintf("年龄（须%d至%d岁）", w.Age[0], w.Age[1]))
		case age < w.Age[0] || age > w.Age[1]:
			fails = append(fails, fmt.Sprintf("须%d至%d岁（现%d岁）", w.Age[0], w.Age[1], age))
		default:
			holds = append(holds, fmt.Sprintf("%d至%d岁（现%d岁）", w.Age[0], w.Age[1], age))
		}
	}
	if w.Unemployed {
		if g.Looking() {
			holds = append(holds, "未就业")
		} else {
			fails = append(fails, "须未就业（已落实去向）")
		}
	}
	if len(w.Hardship) > 0 {
		var in []string
		for _, code := range w.Hardship {
			if h := Hardship(code); slices.Contains(g.Hardship, h) {
				in = append(in, h.Chinese())
			}
		}
		if len(in) == 0 {
			var names []string
			for _, code := range w.Hardship {
				names = append(names, Hardship(code).Chinese())
			}
			fails = append(fails, "须为"+strings.Join(names, "、")+"毕业生")
		} else {
			holds = append(holds, strings.Join(in, "、"))
		}
	}
	switch {
	case len(fails) > 0:
		return whoVerdict{status: SubsidyNotApplicable, why: strings.Join(fails, "，")}
	case w.Verify != "":
		v.verify = append(v.verify, w.Verify)
	}
	if len(v.verify) > 0 {
		v.status = SubsidyToVerify
	}
	v.why = strings.Join(holds, "、")
	return v
}

// yearsOutText names a window of graduation years as the plan does.
func yearsOutText(year, lo, hi int) string {
	switch {
	case lo == 0 && hi == 0:
		return fmt.Sprintf("%d届（毕业年度）", year)
	case lo == 0:
		return fmt.Sprintf("毕业年度或离校%d年内", hi)
	}
	return fmt.Sprintf("离校%d至%d年", lo, hi)
}

func dedupe(ss []string) []string {
	var out []string
	for _, s := range ss {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// SubsidyAmountText is how plans show a subsidy's amount: the figure and
// unit, or the rule when the plan sets no figure (an Amount of 0 there is
// not "nothing").
func SubsidyAmountText(s *catalog.Subsidy) string {
	switch {
	case s.Amount > 0:
		t := trimFloat(s.Amount) + s.Unit
		if s.MaxMonths > 0 {
			t += fmt.Sprintf("，最长%d个月", s.MaxMonths)
		}
		if s.MaxArea > 0 {
			t += fmt.Sprintf("，最多%s平方米", trimFloat(s.MaxArea))
		}
		return t
	case s.Basis != "":
		return s.Basis
	}
	return "按规定"
}

func trimFloat(f float64) string {
	if f == math.Trunc(f) {
		return fmt.Sprintf("%.0f", f)
	}
	return fmt.Sprintf("%g", f)
}

// CheckPolicy checks what only the domain knows of a policy: every
// hardship category the plan names is one the ledger reads, every
// hardship a subsidy names is a category code, and every channel of the
// channel plan is a channel. catalog.ParsePolicy checks the rest.
func CheckPolicy(pol *catalog.Policy) error {
	for i, w := range pol.HardshipCategories {
		if _, ok := HardshipByWord(w); !ok {
			return fmt.Errorf("policy: hardship_categories[%d]: %q is not a hardship category the ledger knows", i, w)
		}
	}
	for ch := range pol.ChannelPlan {
		if !Channel(ch).Valid() {
			return fmt.Errorf("policy: channel_plan.%s: not a channel (%s)", ch, channelCodes())
		}
	}
	if err := checkRuleBases(pol); err != nil {
		return err
	}
	for i, s := range pol.Subsidies {
		for j, w := range s.Who {
			for k, h := range w.Hardship {
				if !Hardship(h).Valid() {
					return fmt.Errorf("policy: subsidies[%d] (%s).who[%d].hardship[%d]: %q is not a category code (poverty_family, low_income, zero_employment, disability, long_unemployed)", i, s.Code, j, k, h)
				}
			}
		}
	}
	return nil
}

// checkRuleBases: every eligibility and course rule cites the plan
// (policy rules.NAME), and the file names no rule the domain lacks.
func checkRuleBases(pol *catalog.Policy) error {
	names := slices.Concat(RuleNames(), CourseRuleNames(), CourseFitRuleNames())
	for _, n := range names {
		if _, ok := pol.Rules[n]; !ok {
			return fmt.Errorf("policy: rules.%s: missing: every rule cites the plan's sentence it rests on", n)
		}
	}
	for n := range pol.Rules {
		if !slices.Contains(names, n) {
			return fmt.Errorf("policy: rules.%s: not a rule (%s)", n, strings.Join(names, ", "))
		}
	}
	return nil
}

func channelCodes() string {
	var cs []string
	for _, c := range Channels {
		cs = append(cs, string(c))
	}
	return strings.Join(cs, ", ")
}
