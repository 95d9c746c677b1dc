package matcher

import (
	"fmt"
	"math"
	"strings"
	"sync"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

// Rule is one named eligibility rule. Rules are absolute: a post that fails
// any of them is never recommended, whatever its score.
type Rule struct {
	Name    string
	Message string // what the rule demands, in Chinese
	// Check reports whether the graduate passes the rule for the post.
	Check func(g *Graduate, p *Post, ctx *RuleContext) bool
}

// RuleContext carries what the rules need beyond the graduate and the post:
// the policy numbers and the time of the decision.
type RuleContext struct {
	Policy catalog.Policy
	Now    time.Time
}

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

// ruleDef is a rule in its compiled form: the engine runs check on
// precompiled graduates and posts (integer and short-string comparisons),
// and Eligible and Rule.Check run the very same function on freshly
// compiled ones, so there is one implementation of each rule.
type ruleDef struct {
	name, title string
	check       func(gc *gradCtx, pr *postRec) bool
	message     func(gc *gradCtx, pr *postRec) string
}

var ruleDefs = []ruleDef{
	{RuleClosed, "岗位须在招（未关闭、未招满、非重复发布）",
		func(gc *gradCtx, pr *postRec) bool { return !pr.closed },
		func(gc *gradCtx, pr *postRec) string {
			if pr.p.DuplicateOf != "" {
				return "重复发布的岗位：与" + pr.p.DuplicateOf + "相同"
			}
			return "岗位已关闭或已招满"
		}},
	{RuleDeadline, "报名截止日期未过",
		func(gc *gradCtx, pr *postRec) bool { return pr.deadline >= gc.now },
		func(gc *gradCtx, pr *postRec) string {
			return "报名已截止：截止日期" + pr.p.Deadline.Format("2006-01-02")
		}},
	{RulePlaces, "尚有招聘名额",
		func(gc *gradCtx, pr *postRec) bool { return pr.places > 0 },
		func(gc *gradCtx, pr *postRec) string { return "招聘名额已满" }},
	{RulePublicWelfare, "公益性岗位仅面向就业困难毕业生",
		func(gc *gradCtx, pr *postRec) bool { return !pr.welfare || gc.hardship },
		func(gc *gradCtx, pr *postRec) string { return "公益性岗位仅面向就业困难毕业生" }},
	{RuleHukou, "符合岗位的户籍要求",
		func(gc *gradCtx, pr *postRec) bool { return hukouOK(gc.hukou, pr.hukouReq) },
		func(gc *gradCtx, pr *postRec) string { return "户籍不符：要求" + pr.hukouReq + "户籍" }},
	{RuleDegreeMin, "学历达到岗位最低要求",
		func(gc *gradCtx, pr *postRec) bool { return gc.degree >= pr.degreeMin },
		func(gc *gradCtx, pr *postRec) string {
			return "学历不符：要求" + pr.degreeMin.Chinese() + "及以上"
		}},
	{RuleMajors, "专业符合岗位要求（同专业、同专业类，或岗位注明相关专业时同门类或名称相近）",
		func(gc *gradCtx, pr *postRec) bool { return majorsOK(gc, pr) },
		func(gc *gradCtx, pr *postRec) string {
			names := make([]string, 0, len(pr.majors))
			for _, m := range pr.majors {
				names = append(names, m.label())
			}
			s := "专业不符：要求" + strings.Join(names, "、")
			if pr.majorsRelated {
				s += "（及相关专业）"
			}
			return s
		}},
	{RuleInternshipWindow, "见习岗位面向应届毕业生、离校未就业毕业生和失业青年",
		func(gc *gradCtx, pr *postRec) bool { return pr.kind != KindInternship || gc.internshipOK },
		func(gc *gradCtx, pr *postRec) string {
			in := gc.pol.Internship
			return fmt.Sprintf("不在见习范围：见习面向应届毕业生、离校%d年内未就业毕业生和%d-%d岁失业青年",
				in.YearsAfterLeaving, in.YouthAgeMin, in.YouthAgeMax)
		}},
	{RuleMilitaryAge, "征兵年龄符合政策（按学历）",
		func(gc *gradCtx, pr *postRec) bool { return pr.channel != ChannelMilitary || gc.militaryOK },
		func(gc *gradCtx, pr *postRec) string {
			if gc.age < 0 {
				return "无法核实征兵年龄：缺少出生日期"
			}
			return fmt.Sprintf("年龄不符征兵条件：%s学历要求%d-%d岁", gc.degree.Chinese(), gc.pol.Military.AgeMin, gc.militaryAgeMax)
		}},
	{RuleAgeMax, "年龄不超过岗位上限",
		func(gc *gradCtx, pr *postRec) bool { return pr.ageMax <= 0 || gc.age < 0 || gc.age <= int(pr.ageMax) },
		func(gc *gradCtx, pr *postRec) string {
			return fmt.Sprintf("年龄不符：要求%d岁及以下", pr.ageMax)
		}},
	{RuleAgeMin, "年龄不低于岗位下限",
		func(gc *gradCtx, pr *postRec) bool { return pr.ageMin <= 0 || gc.age < 0 || gc.age >= int(pr.ageMin) },
		func(gc *gradCtx, pr *postRec) string {
			return fmt.Sprintf("年龄不符：要求%d岁及以上", pr.ageMin)
		}},
}

// RuleNames lists the eligibility rules in the order they are checked.
func RuleNames() []string {
	out := make([]string, len(ruleDefs))
	for i, r := range ruleDefs {
		out[i] = r.name
	}
	return out
}

// Rules returns the named eligibility rules as self-contained checks.
func Rules() []Rule {
	out := make([]Rule, len(ruleDefs))
	for i := range ruleDefs {
		d := ruleDefs[i]
		out[i] = Rule{Name: d.name, Message: d.title, Check: func(g *Graduate, p *Post, ctx *RuleContext) bool {
			gc := compileGraduate(g, &ctx.Policy, ctx.Now, nil)
			pr := compilePost(p, nil)
			return d.check(gc, pr)
		}}
	}
	return out
}

// Rules returns the engine's eligibility rules (the same for every engine).
func (e *Engine) Rules() []Rule { return Rules() }

// Eligible runs every eligibility rule and returns the first one the
// graduate fails, with its Chinese message; ok is true when none fails.
func Eligible(g *Graduate, p *Post, pol catalog.Policy, now time.Time) (ok bool, rule string, message string) {
	gc := compileGraduate(g, &pol, now, nil)
	pr := compilePost(p, nil)
	if i := firstFailing(gc, pr); i >= 0 {
		return false, ruleDefs[i].name, ruleDefs[i].message(gc, pr)
	}
	return true, "", ""
}

// firstFailing returns the index in ruleDefs of the first rule that fails,
// or -1. It is the rule table written out as plain comparisons, so the scan
// over all posts pays no indirect calls; the table stays the definition
// (names, messages, order), and TestFirstFailingMatchesTable holds the two
// together.
func firstFailing(gc *gradCtx, pr *postRec) int { return firstFailingHot(gc, &pr.postHot, pr) }

// firstFailingHot reads h, and pr only for posts with a hukou restriction
// or a list of majors.
func firstFailingHot(gc *gradCtx, h *postHot, pr *postRec) int {
	switch {
	case h.closed:
		return 0
	case h.deadline < gc.now:
		return 1
	case h.places <= 0:
		return 2
	case h.welfare && !gc.hardship:
		return 3
	case h.hasHukou && !hukouOK(gc.hukou, pr.hukouReq):
		return 4
	case gc.degree < h.degreeMin:
		return 5
	case h.hasMajors && !majorsOKHot(gc, h, pr):
		return 6
	case h.intern && !gc.internshipOK:
		return 7
	case h.military && !gc.militaryOK:
		return 8
	case h.ageMax > 0 && gc.age >= 0 && gc.age > int(h.ageMax):
		return 9
	case h.ageMin > 0 && gc.age >= 0 && gc.age < int(h.ageMin):
		return 10
	}
	return -1
}

// firstFailingByTable is firstFailing read from the table.
func firstFailingByTable(gc *gradCtx, pr *postRec) int {
	for i := range ruleDefs {
		if !ruleDefs[i].check(gc, pr) {
			return i
		}
	}
	return -1
}

// gradCtx is a graduate compiled for one decision time: everything the rules
// and features need, computed once per request.
type gradCtx struct {
	g        *Graduate
	pol      *catalog.Policy
	now      int64 // UnixNano
	nowTime  time.Time
	planYear int

	age            int // -1 when unknown
	degree         Degree
	hardship       bool
	hukou          string
	hukouUrumqi    bool
	fresh          bool // 应届: graduates in the plan year
	working        bool // placed or employed
	internshipOK   bool
	militaryOK     bool
	militaryAgeMax int
	priority       bool // 乌鲁木齐户籍应届毕业生入伍优先

	major majorRef
	// oneMajorLevel, when set, is the major level for the only post this
	// graduate is compiled for (Candidates memoises it by major: a ledger
	// holds a few hundred distinct majors, and similarNames is not cheap).
	oneMajorLevel    majorLevel
	hasOneMajorLevel bool
	// Engine-specific data (skills ids, text vector, occupation affinity)
	// is attached by the engine; see engine.go.
	eng *gradEngine
}

// majorRef is a major resolved against the catalogue as far as it goes.
type majorRef struct {
	code, class, cat string // 专业代码, 专业类 (4 chars), 门类 (2 chars); "" when unknown
	name             string
	alias            string // the name as the post wrote it, when the catalogue knows it by another
	className        string
	classOnly        bool // the post named a whole 专业类 ("计算机类")
}

func (m majorRef) label() string {
	switch {
	case m.name != "":
		return m.name
	case m.className != "":
		return m.className
	default:
		return m.code
	}
}

func (m majorRef) empty() bool { return m.code == "" && m.class == "" && m.name == "" }

// The planning year: the policy is one year's plan, and 应届 means
// "graduating in the year of the decision". Using the decision time rather
// than policy.Year keeps the rule meaningful when last year's policy file is
// still loaded in January.
func planYear(now time.Time) int { return now.Year() }

func compileGraduate(g *Graduate, pol *catalog.Policy, now time.Time, eng *Engine) *gradCtx {
	return compileGraduateFor(g, pol, now, eng, false)
}

// compileGraduateFor with single set compiles the graduate for one post
// only (reverse matching over many graduates): no per-request tables.
func compileGraduateFor(g *Graduate, pol *catalog.Policy, now time.Time, eng *Engine, single bool) *gradCtx {
	catIndex()
	gc := &gradCtx{g: g, pol: pol, now: now.UnixNano(), nowTime: now, planYear: planYear(now)}
	gc.age = g.AgeAt(now)
	gc.degree = g.Degree
	gc.hardship = g.IsHardship()
	gc.hukou = strings.TrimSpace(g.HukouDistrict)
	gc.hukouUrumqi = catalog.IsUrumqiDistrict(gc.hukou) || isUrumqiCity(gc.hukou)
	gc.working = g.Status == StatusPlaced || g.Status == StatusEmployed
	gc.fresh = g.GraduationYear != 0 && g.GraduationYear == gc.planYear

	in := pol.Internship
	yearsOut := gc.planYear - g.GraduationYear
	within := g.GraduationYear != 0 && yearsOut >= 1 && yearsOut <= in.YearsAfterLeaving
	youth := gc.age >= 0 && gc.age >= in.YouthAgeMin && gc.age <= in.YouthAgeMax
	gc.internshipOK = !gc.working && (gc.fresh || within || youth)

	mil := pol.Military
	switch {
	case g.Degree >= DegreeMaster:
		gc.militaryAgeMax = mil.AgeMaxPostgrad
	case g.Degree >= DegreeAssociate:
		gc.militaryAgeMax = mil.AgeMaxGraduate
	default:
		gc.militaryAgeMax = mil.AgeMaxSecondary
	}
	gc.militaryOK = gc.age >= 0 && gc.age >= mil.AgeMin && gc.age <= gc.militaryAgeMax
	gc.priority = gc.fresh && hukouOK(gc.hukou, mil.PriorityHukou) && mil.PriorityHukou != ""

	gc.major = resolveGraduateMajor(g.MajorCode, g.Major)
	if eng != nil {
		gc.eng = eng.compileGraduateExtras(gc, single)
	}
	return gc
}

func isUrumqiCity(s string) bool { return s == "乌鲁木齐市" || s == "乌鲁木齐" }

// hukouOK: a post's hukou restriction names one district (the graduate's
// hukou must be that district) or the whole city (any of the 8 divisions).
func hukouOK(hukou, req string) bool {
	req = strings.TrimSpace(req)
	if req == "" || req == "不限" {
		return true
	}
	if isUrumqiCity(req) {
		return catalog.IsUrumqiDistrict(hukou) || isUrumqiCity(hukou)
	}
	return hukou == req
}

// postMajorLevel is how closely a graduate's major meets a post's list.
type majorLevel int

const (
	majorNone     majorLevel = iota
	majorSimilar             // names alike (only counts when the post said 相关专业)
	majorCategory            // same 门类 (only counts when the post said 相关专业)
	majorClass               // same 专业类
	majorExact               // same 专业
)

// majorMatch returns the best level at which the graduate's major meets
// any of the post's majors.
func majorMatch(gm majorRef, pms []majorRef) majorLevel {
	best := majorNone
	for _, pm := range pms {
		l := majorNone
		switch {
		case gm.code != "" && pm.code != "" && gm.code == pm.code,
			gm.name != "" && pm.name != "" && gm.name == pm.name:
			l = majorExact
		case gm.class != "" && pm.class != "" && gm.class == pm.class:
			l = majorClass
		case gm.cat != "" && pm.cat != "" && gm.cat == pm.cat:
			l = majorCategory
		case similarNames(gm.name, pm.name), similarNames(gm.name, pm.alias):
			l = majorSimilar
		}
		if l > best {
			best = l
		}
	}
	return best
}

func majorsOK(gc *gradCtx, pr *postRec) bool { return majorsOKHot(gc, &pr.postHot, pr) }

func majorsOKHot(gc *gradCtx, h *postHot, pr *postRec) bool {
	if !h.hasMajors {
		return true
	}
	l := gc.majorLevelHot(h, pr)
	return l >= majorClass || (h.related && l >= majorSimilar)
}

// majorLevel is majorMatch for a post, memoised per request by the post's
// interned list of majors (posts share a few hundred distinct lists).
func (gc *gradCtx) majorLevel(pr *postRec) majorLevel { return gc.majorLevelHot(&pr.postHot, pr) }

// majorLevelHot reads the memo through h and touches pr only on a miss.
func (gc *gradCtx) majorLevelHot(h *postHot, pr *postRec) majorLevel {
	if gc.hasOneMajorLevel {
		return gc.oneMajorLevel
	}
	if gc.eng == nil || h.majorSet < 0 || gc.eng.single {
		return majorMatch(gc.major, pr.majors)
	}
	m := gc.eng.majorMemo
	if v := m[h.majorSet]; v >= 0 {
		return majorLevel(v)
	}
	// A new list: the best level over its majors, each also memoised
	// (lists are combinations of a few hundred distinct majors).
	l := majorNone
	rm := gc.eng.refMemo
	for i, id := range pr.majorRefs {
		v := rm[id]
		if v < 0 {
			v = int8(majorMatch(gc.major, pr.majors[i:i+1]))
			rm[id] = v
		}
		l = max(l, majorLevel(v))
	}
	m[h.majorSet] = int8(l)
	return l
}

// similarNames: one name contains the other ("会计" in "会计学") or their
// character bigrams overlap by Dice ≥ 0.5 ("财务会计" ~ "会计学" is not,
// "软件工程" ~ "软件技术" is).
func similarNames(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	if strings.Contains(a, b) || strings.Contains(b, a) {
		return true
	}
	ba, bb := runeBigrams(a), runeBigrams(b)
	if len(ba) == 0 || len(bb) == 0 {
		return false
	}
	common := 0
	for _, x := range ba {
		for _, y := range bb {
			if x == y {
				common++
				break
			}
		}
	}
	return float64(2*common)/float64(len(ba)+len(bb)) >= 0.5
}

func runeBigrams(s string) []string {
	r := []rune(s)
	var out []string
	for i := 0; i+1 < len(r); i++ {
		out = append(out, string(r[i:i+2]))
	}
	return out
}

// Catalogue indexes the matcher needs beyond catalog's own API.
var (
	catIndexOnce sync.Once
	majorByCode  map[string]catalog.Major
	classByName  map[string]string // 专业类 name ("计算机类") → code
	className    map[string]string // code → name
)

func catIndex() {
	catIndexOnce.Do(func() {
		majorByCode = map[string]catalog.Major{}
		classByName = map[string]string{}
		className = map[string]string{}
		for _, m := range catalog.Majors() {
			majorByCode[m.Code] = m
			if m.ClassName != "" {
				classByName[m.ClassName] = m.ClassCode
				className[m.ClassCode] = m.ClassName
			}
		}
	})
}

func refFromCode(code string) majorRef {
	catIndex()
	code = strings.TrimSpace(code)
	r := majorRef{code: code}
	if m, ok := majorByCode[code]; ok {
		r.name, r.class, r.cat, r.className = m.Name, m.ClassCode, m.CategoryCode, m.ClassName
		return r
	}
	if len(code) >= 4 {
		r.class = code[:4]
	}
	if len(code) >= 2 {
		r.cat = code[:2]
	}
	return r
}

func resolveGraduateMajor(code, name string) majorRef {
	name = strings.TrimSpace(name)
	if code != "" {
		r := refFromCode(code)
		if name != "" {
			r.name = name
		}
		return r
	}
	if m, ok := catalog.MajorByName(name); ok {
		r := refFromCode(m.Code)
		r.name = name
		return r
	}
	return majorRef{name: name}
}

// relatedMarkers turn a post's major list into "these or related majors".
var relatedSuffixes = []string{"等相关专业", "及相关专业", "或相关专业", "相关专业", "等专业", "及相关", "等相关", "专业"}

// compilePostMajors resolves a post's majors (names and codes) and says
// whether it accepts related majors. It returns no majors at all when the
// post accepts any (专业不限).
func compilePostMajors(p *Post) (ms []majorRef, related bool) {
	catIndex()
	seen := map[string]bool{}
	add := func(r majorRef) {
		k := r.code + "|" + r.class + "|" + r.name
		if !r.empty() && !seen[k] {
			seen[k] = true
			ms = append(ms, r)
		}
	}
	for _, c := range p.MajorCodes {
		if c = strings.TrimSpace(c); c != "" {
			add(refFromCode(c))
		}
	}
	for _, n := range p.Majors {
		n = strings.TrimSpace(n)
		if n == "" {
			continue
		}
		if n == "不限" || n == "专业不限" || n == "不限专业" {
			return nil, false
		}
		if strings.Contains(n, "相关") {
			related = true
		}
		base := n
		for _, s := range relatedSuffixes {
			if strings.HasSuffix(base, s) && len(base) > len(s) {
				base = strings.TrimSuffix(base, s)
				break
			}
		}
		if base == "相关" || base == "" {
			continue // a bare "相关专业": related to the majors named elsewhere
		}
		if code, ok := classByName[base]; ok {
			add(majorRef{class: code, cat: code[:min(2, len(code))], className: base, classOnly: true})
			continue
		}
		if code, ok := classByName[base+"类"]; ok && related {
			// "计算机相关专业": the 专业类 计算机类 and what is related to it
			add(majorRef{class: code, cat: code[:min(2, len(code))], className: base + "类", classOnly: true})
			continue
		}
		if m, ok := catalog.MajorByName(base); ok {
			if !seen[m.Code+"|"+m.ClassCode+"|"+m.Name] && !hasCode(ms, m.Code) {
				r := refFromCode(m.Code)
				if base != r.name {
					r.alias = base
				}
				add(r)
			}
			continue
		}
		if !hasName(ms, base) {
			add(majorRef{name: base})
		}
	}
	if strings.Contains(p.Description, "相关专业") {
		related = true
	}
	return ms, related
}

func hasCode(ms []majorRef, code string) bool {
	for _, m := range ms {
		if m.code == code {
			return true
		}
	}
	return false
}

func hasName(ms []majorRef, name string) bool {
	for _, m := range ms {
		if m.name == name {
			return true
		}
	}
	return false
}

// deadlineNanos is the last instant a post accepts applications, as
// UnixNano; posts without a deadline never close by date.
func deadlineNanos(d time.Time) int64 {
	if d.IsZero() {
		return math.MaxInt64
	}
	return EndOfDay(d).UnixNano()
}
