package matcher

import (
	"math"
	"strings"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

// The eligibility rules (eligibility.go) read graduates and posts compiled
// into facts: plain integers, booleans and short strings, computed once per
// graduate and decision time and once per post, so that checking a rule is
// a comparison. The matching engine (matcher/engine) embeds these very
// structs in its compiled records and calls the rules on them; Eligible
// builds them on the spot.

// GraduateFacts is a graduate compiled for one decision time: what the
// rules (and the engine's features) read of them.
type GraduateFacts struct {
	Graduate *Graduate
	Policy   *catalog.Policy
	Now      int64 // the decision time, UnixNano
	NowTime  time.Time
	// PlanYear is the year 应届 refers to: the decision time's year. Using
	// the decision time rather than Policy.Year keeps the rules meaningful
	// when last year's policy file is still loaded in January.
	PlanYear int

	Age          int // -1 when the birth date is unknown
	Degree       Degree
	Hardship     bool
	Hukou        string
	HukouUrumqi  bool
	Fresh        bool        // 应届: graduates in the plan year
	Working      bool        // placed or employed
	InternshipOK bool        // inside the 就业见习 window
	Military     MilitaryAge // the 征兵 age rule for the degree and gender
	Priority     bool        // 乌鲁木齐户籍应届毕业生入伍优先
	Major        MajorRef

	majors majorMemo
}

// majorMemo remembers MajorLevel's verdicts for one graduate. A ledger
// holds a few hundred distinct majors and posts a few hundred distinct
// lists of them, while similarNames is not cheap.
type majorMemo struct {
	lists []int8 // by PostFacts.MajorSet; -1 not computed; nil: no memo
	refs  []int8 // by PostRestrictions.MajorIDs; -1 not computed
	// one, when set, is the level for the only post the facts are read
	// against (reverse matching memoises it by major across graduates).
	one    MajorLevel
	hasOne bool
	shared bool // lists is a complete table shared between requests (UseMajorVerdicts)
}

// NewGraduateFacts compiles g for a decision at now under pol.
func NewGraduateFacts(g *Graduate, pol *catalog.Policy, now time.Time) GraduateFacts {
	f := GraduateFacts{Graduate: g, Policy: pol, Now: now.UnixNano(), NowTime: now, PlanYear: now.Year()}
	f.Age = g.AgeAt(now)
	f.Degree = g.Degree
	f.Hardship = g.IsHardship()
	f.Hukou = strings.TrimSpace(g.HukouDistrict)
	f.HukouUrumqi = catalog.IsUrumqiDistrict(f.Hukou) || isUrumqiCity(f.Hukou)
	f.Working = g.Status == StatusPlaced || g.Status == StatusEmployed
	f.Fresh = g.GraduationYear != 0 && g.GraduationYear == f.PlanYear

	in := pol.Internship
	yearsOut := f.PlanYear - g.GraduationYear
	within := g.GraduationYear != 0 && yearsOut >= 1 && yearsOut <= in.YearsAfterLeaving
	youth := f.Age >= 0 && f.Age >= in.YouthAgeMin && f.Age <= in.YouthAgeMax
	f.InternshipOK = !f.Working && (f.Fresh || within || youth)

	mil := pol.Military
	f.Military = MilitaryAgeOf(g, pol, f.Age, f.PlanYear, int(now.Month()))
	f.Priority = f.Fresh && hukouOK(f.Hukou, mil.PriorityHukou) && mil.PriorityHukou != ""

	f.Major = resolveGraduateMajor(g.MajorCode, g.Major)
	return f
}

// MemoizeMajors makes MajorLevel remember its verdict per interned list of
// majors (PostFacts.MajorSet) and per interned major
// (PostRestrictions.MajorIDs), for a request that reads many posts; lists
// and majors are how many ids the interner has handed out.
func (f *GraduateFacts) MemoizeMajors(lists, majors int) {
	f.majors.lists = make([]int8, lists)
	for i := range f.majors.lists {
		f.majors.lists[i] = -1
	}
	f.majors.refs = make([]int8, majors)
	for i := range f.majors.refs {
		f.majors.refs[i] = -1
	}
}

// MajorVerdicts is MajorLevel of a graduate with major over every interned
// list of majors (lists[i] holds the restrictions of a post whose MajorSet
// is i; majors is how many single majors are interned): a table an engine
// computes once per distinct graduate major and shares, read-only, between
// the requests of graduates with that major (UseMajorVerdicts). A request
// that memoised its own verdicts paid for them again on every call, and
// the majors rule was then the largest single cost of a recommendation.
func MajorVerdicts(major MajorRef, lists []*PostRestrictions, majors int) []int8 {
	f := GraduateFacts{Major: major}
	f.MemoizeMajors(len(lists), majors)
	for i, r := range lists {
		f.MajorLevel(&PostFacts{HasMajors: true, MajorSet: int32(i)}, r)
	}
	return f.majors.lists
}

// UseMajorVerdicts makes MajorLevel read a complete table of MajorVerdicts
// for the graduate's major. The table is shared: MajorLevel never writes
// it.
func (f *GraduateFacts) UseMajorVerdicts(lists []int8) {
	f.majors.lists, f.majors.refs, f.majors.shared = lists, nil, true
}

// SetMajorLevel fixes MajorLevel's answer: for reverse matching, which
// reads one post against many graduates and memoises the level by major.
func (f *GraduateFacts) SetMajorLevel(l MajorLevel) { f.majors.one, f.majors.hasOne = l, true }

// MajorLevel is MatchMajors of the graduate's major and the post's list,
// memoised when MemoizeMajors was called and the post's list is interned.
// It touches r only on a memo miss.
func (f *GraduateFacts) MajorLevel(p *PostFacts, r *PostRestrictions) MajorLevel {
	m := &f.majors
	if m.hasOne {
		return m.one
	}
	if m.lists == nil || p.MajorSet < 0 || int(p.MajorSet) >= len(m.lists) {
		return MatchMajors(f.Major, r.Majors)
	}
	if v := m.lists[p.MajorSet]; v >= 0 {
		return MajorLevel(v)
	}
	if m.shared {
		return MatchMajors(f.Major, r.Majors)
	}
	// A new list: the best level over its majors, each also memoised
	// (lists are combinations of a few hundred distinct majors).
	l := MajorNone
	for i, id := range r.MajorIDs {
		v := m.refs[id]
		if v < 0 {
			v = int8(MatchMajors(f.Major, r.Majors[i:i+1]))
			m.refs[id] = v
		}
		l = max(l, MajorLevel(v))
	}
	m.lists[p.MajorSet] = int8(l)
	return l
}

// PostFacts is what the rules read of every post, as small values: the
// engine keeps it in the contiguous array its scan streams through. What
// only some posts have (a hukou or majors restriction) is in
// PostRestrictions, read only when HasHukou or HasMajors says so.
type PostFacts struct {
	Deadline  int64 // UnixNano of the end of the deadline day; MaxInt64 when none
	DegreeMin Degree
	Places    int32 // places left
	// MajorSet is the interned id of the post's list of majors (see
	// GraduateFacts.MemoizeMajors); -1 when not interned.
	MajorSet   int32
	AgeMin     int16
	AgeMax     int16
	Closed     bool // not open, or a duplicate of another portal's post
	Welfare    bool // 公益性岗位
	HasHukou   bool
	HasMajors  bool
	Related    bool // the majors are "及相关专业"
	Internship bool
	Military   bool
}

// PostRestrictions is the post itself (for the rules' messages) and the
// hukou and majors it restricts applicants to.
type PostRestrictions struct {
	Post   *Post
	Hukou  string     // a district, 乌鲁木齐市, or "" for none
	Majors []MajorRef // none when the post accepts every major
	// MajorIDs are the interned ids of Majors, parallel to it, when an
	// interner set them (with PostFacts.MajorSet).
	MajorIDs []int32
}

// NewPostFacts compiles p for the rules. MajorSet is -1 and MajorIDs nil:
// an engine that interns lists of majors sets them.
func NewPostFacts(p *Post) (PostFacts, PostRestrictions) {
	r := PostRestrictions{Post: p, Hukou: strings.TrimSpace(p.HukouRequired)}
	f := PostFacts{MajorSet: -1}
	f.Closed = (p.Status != PostOpen && p.Status != "") || p.DuplicateOf != ""
	f.Deadline = deadlineNanos(p.Deadline)
	f.Places = int32(min(p.PlacesLeft(), math.MaxInt32))
	f.Welfare = p.PublicWelfare
	f.DegreeMin = p.DegreeMin
	f.AgeMin, f.AgeMax = clamp16(p.AgeMin), clamp16(p.AgeMax)
	f.Internship = p.Kind == KindInternship
	f.Military = p.Channel == ChannelMilitary
	f.HasHukou = r.Hukou != ""
	r.Majors, f.Related = compilePostMajors(p)
	f.HasMajors = len(r.Majors) > 0
	return f, r
}

func clamp16(v int) int16 { return int16(max(math.MinInt16, min(v, math.MaxInt16))) }

// deadlineNanos is the last instant a post accepts applications, as
// UnixNano; posts without a deadline never close by date.
func deadlineNanos(d time.Time) int64 {
	if d.IsZero() {
		return math.MaxInt64
	}
	return EndOfDay(d).UnixNano()
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
