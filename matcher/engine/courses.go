package engine

import (
	"fmt"
	"math/bits"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

// Course features, in the order of the course weight vector.
const (
	CGap      = iota // share of the graduate's best-fitting posts whose missing requirements the course teaches
	CText            // profile text vs course text
	CDistrict        // course district vs the graduate's districts
	CChannel         // entrepreneurship training for graduates who lean to self-employment
	CPlaces          // places on the course (log scale)
	NumCourseFeatures
)

// CourseFeatureNames name the course features in weights.json ("course_weights").
var CourseFeatureNames = [NumCourseFeatures]string{"gap", "text", "district", "channel", "places"}

// gapPosts is how many of the graduate's best-fitting posts the course
// ranking reads for missing skills and certificates.
const gapPosts = 30

// scoreCourse keeps the posts a course helps as a bitset of 64: this
// fails to compile if gapPosts outgrows it.
const _ = uint(64 - gapPosts)

type courseRec struct {
	c        *matcher.Course
	teaches  []uint32 // ids of every skill/certificate it teaches and what they satisfy (terms.go)
	district int8
	terms    []uint32
	tw       []float32
	// What the course is for: the terms it teaches and the terms its
	// title names (初级会计职称考前培训 is for 初级会计职称), the majors
	// it is for, its identity (title and provider: sessions are dates of
	// it) and its subject (what it teaches, whoever provides it).
	own, titleTerms []string
	// subjects are the broad terms the course is about (办公软件 for a
	// course teaching Word, Excel and PPT): see courseSubjects.
	subjects []string
	// the same three as course term ids (Engine.courseTermIDs)
	titleIDs, ownIDs, subjectIDs []int32
	majors                       []matcher.MajorRef
	key, subject                 string
	// idx is the record's place in Engine.courses (the levels memo's index);
	// specialised: some course of its subject names the majors it is for
	// (RecommendCourses: such a subject is a field's, never general
	// training), kept by addCourse instead of found per ranking (a map of
	// every course's subject built per call was a tenth of a course
	// ranking's CPU).
	idx         int
	specialised bool
}

// courseLevels memoises, for one graduate major (majorKey), MatchMajors of
// that major and each course's majors: graduates share a few hundred
// majors, and MatchMajors per course and graduate was a third of a course
// ranking's CPU. A changed or added course starts the memos afresh
// (addCourse). One ranking looks its major's memo up once; the memo is a
// slot per course (courseRec.idx), read and written atomically by the
// workers that share it: a map under a mutex was 1.5% of a nightly batch,
// and a sync.Map keyed by the major's name per course 2% before it.
type courseLevels struct {
	lv []atomic.Int32 // by courseRec.idx: 0 not yet known, else the level + 1
}

// courseLevelsFor returns the memo of a major (key: majorKey(major)). The
// caller holds e.mu, so the courses do not change while it uses it.
func (e *Engine) courseLevelsFor(key string) *courseLevels {
	if cl, ok := e.courseLevels.Load(key); ok {
		return cl
	}
	// Profiles from portals may name any major: the memos are bounded
	// like the engine's major verdicts (cappedMemo) and start afresh when
	// full.
	return e.courseLevels.LoadOrStore(key, &courseLevels{lv: make([]atomic.Int32, len(e.courses))})
}

// level is MatchMajors(major, cr's majors), memoised.
func (cl *courseLevels) level(cr *courseRec, major matcher.MajorRef) matcher.MajorLevel {
	if cr.idx >= len(cl.lv) {
		return matcher.MatchMajors(major, cr.majors)
	}
	if v := cl.lv[cr.idx].Load(); v != 0 {
		return matcher.MajorLevel(v - 1)
	}
	level := matcher.MatchMajors(major, cr.majors)
	cl.lv[cr.idx].Store(int32(level) + 1)
	return level
}

func (e *Engine) addCourse(c matcher.Course) error {
	if strings.TrimSpace(c.ID) == "" {
		return &matcher.Error{Code: matcher.EINVALID, Field: "id", Message: "课程缺少ID", MessageEN: "course without an id"}
	}
	cr := &courseRec{c: &c, district: districtIndex(c.District)}
	cr.teaches = e.impliedIDs(true, c.Skills, c.Certificates)
	tf := termCounts(e.an, []string{c.Title, c.Description, strings.Join(c.Skills, " "), strings.Join(c.Certificates, " ")}, []int{2, 1, 1, 1})
	cr.terms, cr.tw = e.vectorize(tf, false)
	cr.own = slices.Concat(c.Skills, c.Certificates)
	ts, tc := catalog.FindSkills(c.Title)
	cr.titleTerms = slices.Concat(ts, tc)
	cr.subjects = courseSubjects(cr.own, cr.titleTerms)
	cr.titleIDs, cr.ownIDs, cr.subjectIDs = e.courseTermIDs(cr.titleTerms), e.courseTermIDs(cr.own), e.courseTermIDs(cr.subjects)
	cr.majors = matcher.CompileMajors(c.Majors)
	cr.key, cr.subject = matcher.CourseKey(&c), matcher.CourseSubject(&c)
	// The memos are by place in e.courses and hold the replaced record's
	// levels: start them afresh. Rankings hold e.mu's read lock, so none
	// sees a memo of the old length (level checks the slot all the same).
	e.courseLevels.Clear()
	for i, x := range e.courses {
		if x.c.ID == c.ID {
			cr.idx = i
			e.indexCourseText(x, cr)
			e.courses[i] = cr
			e.markSpecialised()
			return nil
		}
	}
	cr.idx = len(e.courses)
	e.indexCourseText(nil, cr)
	e.courses = append(e.courses, cr)
	e.markSpecialised()
	return nil
}

// markSpecialised sets every course's specialised mark afresh.
func (e *Engine) markSpecialised() {
	subjects := map[string]bool{}
	for _, cr := range e.courses {
		if len(cr.c.Majors) > 0 {
			subjects[cr.subject] = true
		}
	}
	for _, cr := range e.courses {
		cr.specialised = subjects[cr.subject]
	}
}

// UpsertCourse adds or replaces a training course.
func (e *Engine) UpsertCourse(c matcher.Course) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.gen++ // may intern new skills
	return e.addCourse(c)
}

// RecommendCourses ranks the training courses that fit a graduate (the
// plan's items 11, 14 and 15: at least 3 courses for a graduate in
// hardship, entrepreneurship training for those who want to start a
// business). A course is left out when it has started or is full, when it
// is for what the graduate holds already, or when it does not fit: it must
// be for the graduate's major (the same 专业), teach an occupational
// skill or certificate that the graduate's best-fitting eligible posts ask
// for and the graduate lacks (a generic one such as 沟通能力 does not
// count), or be entrepreneurship training for a graduate who wants to start
// a business. A course is its title and provider: one session of it is
// listed (the best, else the earliest), and one course of each subject
// (matcher.CourseSubject; entrepreneurship training is one subject): for a
// graduate with 创业意向 it comes first. Each item says which gap it fills.
func (e *Engine) RecommendCourses(g *matcher.Graduate, q matcher.Query) (*matcher.Result, error) {
	if g == nil {
		return nil, &matcher.Error{Code: matcher.EINVALID, Field: "graduate", Message: "缺少毕业生信息", MessageEN: "no graduate"}
	}
	q.Kind = ""
	if err := q.Normalize(); err != nil {
		return nil, err
	}
	now := e.now()
	r := e.onlineRanker(now) // before the read lock: it may take it
	e.mu.RLock()
	defer e.mu.RUnlock()
	gc := e.compileGraduate(g, now, false)
	return e.recommendCourses(g, q, gc, now, e.skillGaps(gc, r)), nil
}

// recommendCourses is RecommendCourses for the graduate compiled as gc at
// now, whose skill gaps are gaps; the caller holds e.mu for reading.
func (e *Engine) recommendCourses(g *matcher.Graduate, q matcher.Query, gc *gradCtx, now time.Time, gaps *skillGaps) *matcher.Result {
	res := &matcher.Result{GraduateID: g.ID, Excluded: map[string]int{}, Items: []matcher.Item{}}
	cw := e.courseWeights()
	held := e.newHeldTerms(slices.Concat(g.Skills, g.Certificates))
	startup := g.StartupIntent()
	var all, general []scoredCourse
	levels := e.courseLevelsFor(majorKey(gc.Major))
	textp := e.courseTextScores(gc.eng)
	defer putCourseText(textp)
	for _, cr := range e.courses {
		if rule := courseExcluded(cr, now, &held); rule != "" {
			res.Excluded[rule]++
			continue
		}
		s := e.scoreCourse(gc.eng, levels, cr, gaps, &cw, startup, (*textp)[cr.idx])
		switch {
		case cr.c.Category == matcher.CourseGuidance && s.generalFit():
			s.general = true // training for every graduate, never a field's
			general = append(general, s)
		case s.fits():
			all = append(all, s)
		case !cr.specialised && s.generalFit():
			// A subject some course of which names the majors it is for is
			// a field's, even where one provider's listing names none.
			s.general = true
			general = append(general, s)
		default:
			res.Excluded[matcher.RuleCourseUnrelated]++
		}
	}
	sortCourses(all)
	all = distinctCourses(all, startup)
	majorCourses := 0
	for _, s := range all {
		if s.majorFit {
			majorCourses++
		}
	}
	// The general tier fills a list short of the plan's courses_min, after
	// every course that fits: a course for the field or for enough of the
	// posts is always the better one.
	if len(all) < e.pol.Shortlist.CoursesMin {
		sortGeneral(general)
		all = distinctCourses(append(all, distinctCourses(general, false)...), startup)
	} else {
		res.Excluded[matcher.RuleCourseUnrelated] += len(general)
	}
	for rank, s := range all[:min(len(all), q.Limit)] {
		it := e.courseItem(gc.eng, &s, gaps, &cw, rank+1, startup)
		if s.general {
			it.Reasons = append([]string{e.generalReason(&s, gc.eng, majorCourses)}, it.Reasons...)
		}
		res.Items = append(res.Items, it)
	}
	return res
}

// sortCourses ranks courses by score, then the earlier start, then ID.
func sortCourses(all []scoredCourse) {
	sort.Slice(all, func(i, j int) bool {
		a, b := all[i], all[j]
		switch {
		case a.score != b.score:
			return a.score > b.score
		case !a.cr.c.StartDate.Equal(b.cr.c.StartDate):
			return a.cr.c.StartDate.Before(b.cr.c.StartDate)
		}
		return a.cr.c.ID < b.cr.c.ID
	})
}

// sortGeneral ranks the general tier nearest first: skills courses by how
// many of the plan's posts they help (what the posts ask is nearer to the
// graduate than training any graduate may take), then 就业引导性培训, each
// by score. (Entrepreneurship training is never general: a graduate with
// 创业意向 has it among the courses that fit, and it is no course for one
// without.)
func sortGeneral(general []scoredCourse) {
	sortCourses(general)
	sort.SliceStable(general, func(i, j int) bool {
		a, b := general[i], general[j]
		ga, gb := a.cr.c.Category == matcher.CourseGuidance, b.cr.c.Category == matcher.CourseGuidance
		if ga != gb {
			return gb
		}
		return len(a.opens) > len(b.opens)
	})
}

// generalReason says, first among a general course's reasons, that it is
// general training and why it is offered: the field has no open course of
// its own (when none is listed), and what general training the plan names
// it is.
func (e *Engine) generalReason(s *scoredCourse, ge *gradEngine, majorCourses int) string {
	why := "面向各专业的通用培训"
	if majorCourses == 0 {
		field := "所学专业"
		if l := ge.major.Label(); l != "" {
			field += "（" + l + "）"
		}
		why = field + "暂无开班的对口课程，推荐面向各专业的通用培训"
	}
	if s.cr.c.Category == matcher.CourseGuidance {
		return why + "：" + matcher.CourseGuidance.Label() + "，认清就业形势、树立正确就业观" + e.cites(matcher.RuleCourseGuidance)
	}
	return why + "：职业技能培训，所教技能为推荐岗位所要求" + e.cites(matcher.RuleCourseGeneralSkills)
}

// cites is the plan's measure and sentence a course rule rests on, as a
// reason prints them: （计划措施14“…”）.
func (e *Engine) cites(rule string) string {
	b, ok := matcher.RuleBasis(rule, e.pol)
	if !ok {
		return ""
	}
	return "（计划措施" + b.Item + "“" + b.Quote + "”）"
}

// distinctCourses keeps one course of each subject (the first, the list
// being ranked: sessions and other providers' courses of a subject teach
// the same thing, and entrepreneurship training is one subject); for a
// graduate with 创业意向 the entrepreneurship course goes first.
func distinctCourses(all []scoredCourse, startup bool) []scoredCourse {
	subjects := map[string]bool{}
	var out []scoredCourse
	for _, s := range all {
		subject := s.cr.subject
		if c := s.cr.c.Category; c == matcher.CourseEntrepreneurship || c == matcher.CourseGuidance {
			subject = string(c) // one course of each: another teaches the same
		}
		if !subjects[subject] {
			subjects[subject] = true
			out = append(out, s)
		}
	}
	if startup {
		if i := slices.IndexFunc(out, func(s scoredCourse) bool { return s.startup }); i > 0 {
			s := out[i]
			copy(out[1:i+1], out[:i])
			out[0] = s
		}
	}
	return out
}

// skillGaps is what the graduate's best-fitting eligible posts ask for
// and the graduate lacks: occupational skills and certificates only (a
// generic term — 沟通能力, 团队协作, 普通话 — that no occupation is known
// by is asked of everyone and makes no course fit).
type skillGaps struct {
	ranked    []cand           // the posts read, best first (at most gapPosts)
	postsOf   map[uint32][]int // a missing skill → the posts (indexes into ranked) that ask for it
	missingOf [][]uint32       // per post in ranked, the skills the graduate lacks
	ids       []uint32         // every missing skill, sorted
}

// skillGaps reads the best-fitting posts through r, the engine's Ranker
// (the rules as shared bitsets, the bound), when there is one for its
// current state, else by the scan: the same posts (TestRankEqualsRecommend).
// The caller holds e.mu for reading.
func (e *Engine) skillGaps(gc *gradCtx, r *Ranker) *skillGaps {
	accp := e.textScores(gc.eng)
	defer e.accPool.Put(accp)
	pq := matcher.Query{Limit: gapPosts, PerEmployer: gapPosts}
	var ranked []cand
	if r != nil && r.gen == e.gen {
		// A recycled scratch, the posts read copied out of it (gs keeps
		// them): a fresh scratch grown per call was 15% of what a nightly
		// batch allocated.
		sc := getScanScratch()
		sc.elig = r.eligible(gc, sc.elig)
		ranked, _ = r.scan(sc, gc, filterOf(&pq), sc.elig, *accp, gapPosts)
		ranked = slices.Clone(ranked)
		scanScratches.Put(sc)
	} else {
		ranked, _ = e.scan(gc, &pq, *accp, gapPosts, nil)
	}
	return e.skillGapsOf(gc, ranked)
}

// skillGapsOf is skillGaps of the graduate's best posts, ranked (best
// first; the first gapPosts are read).
func (e *Engine) skillGapsOf(gc *gradCtx, ranked []cand) *skillGaps {
	gs := &skillGaps{ranked: ranked[:min(len(ranked), gapPosts)], postsOf: map[uint32][]int{}}
	gs.missingOf = make([][]uint32, len(gs.ranked))
	occ := map[uint32]bool{}
	for i, c := range gs.ranked {
		for _, id := range e.slots[c.slot].needs {
			o, ok := occ[id]
			if !ok {
				o = occupationalTerm(e.skillName[id])
				occ[id] = o
			}
			if o && !gc.eng.has(id) {
				gs.missingOf[i] = append(gs.missingOf[i], id)
				gs.postsOf[id] = append(gs.postsOf[id], i)
			}
		}
	}
	for id := range gs.postsOf {
		gs.ids = append(gs.ids, id)
	}
	slices.Sort(gs.ids)
	return gs
}

// occupationalTerm reports whether the lexicon ties the term (or what it
// is a kind of) to an occupation.
func occupationalTerm(name string) bool {
	for range 4 {
		sk, ok := catalog.SkillByName(name)
		switch {
		case !ok:
			return false
		case len(sk.Occupations) > 0:
			return true
		case sk.Parent == "":
			return false
		}
		name = sk.Parent
	}
	return false
}

// gapPostsMin is how many of the graduate's best-fitting posts (of
// gapPosts) a course must help — teach a missing requirement of — to fit
// on gaps alone (and one of them among the first planPosts): one or two posts are as often an outlier of the list
// (an IT post among a law graduate's) as a need of the field.
const gapPostsMin = 3

// planPosts is how many of the best-fitting posts a plan holds (the
// policy's 5–8): a course that fits on gaps must help one of them, so it
// serves the plan's posts, not only the wider list.
const planPosts = 8

// scoredCourse is an open course with its features and score, the missing
// skills it covers and the posts it would open (indexes into the gaps'
// ranked posts, those it opens entirely first).
type scoredCourse struct {
	cr     *courseRec
	x      [NumCourseFeatures]float64
	score  float64
	covers []uint32
	opens  []int
	// majorFit: the course is for the graduate's major (the same 专业:
	// a 专业类 such as 工商管理类 spans 会计学, 市场营销 and 人力资源管理,
	// too wide for a course to fit on it); startup: entrepreneurship
	// training for a graduate with 创业意向 (not IYB, which is for those
	// who run a business already).
	majorFit, startup bool
	// otherField: the course names the majors it is for and none is of
	// the graduate's 门类 or 专业类 (a 哲学 course for a 新闻学 graduate):
	// it is another field's course, and what it teaches besides that field
	// (写作, CAD) is no ground to offer it.
	otherField bool
	// general: offered on generalFit, after the courses that fit.
	general bool
}

// fits reports whether the course fits the graduate: for their major,
// for a business they want to start, or filling what enough of their
// best-fitting posts ask for.
func (s *scoredCourse) fits() bool {
	return s.majorFit || s.startup || (!s.otherField && len(s.opens) >= gapPostsMin && slices.Min(s.opens) < planPosts)
}

// generalFit reports whether a course that does not fit is general
// training the plan names, offered after the courses that fit when they
// are fewer than the plan's courses_min (a field with no course of its
// own still gets the plan's three): a course for no particular major (of
// a subject no course names majors for: one for another field is never
// offered on this ground) that is a skills course teaching what one of
// the plan's posts asks for and the graduate lacks (measure 23's
// 针对性技能培训), or 就业引导性培训 (measure 14 encourages every graduate
// to take it). Entrepreneurship training is not general: it fits a
// graduate with 创业意向 (measure 23) and is offered to no one else.
func (s *scoredCourse) generalFit() bool {
	c := s.cr.c
	switch {
	case len(c.Majors) > 0, c.Category == matcher.CourseEntrepreneurship:
		return false
	case c.Category == matcher.CourseGuidance:
		return true
	}
	return len(s.opens) > 0 && slices.Min(s.opens) < planPosts
}

// levels is the memo of ge.major's levels (courseLevelsFor), looked up once
// per ranking; text is sparseDot of the profile and course vectors
// (courseTextScores).
func (e *Engine) scoreCourse(ge *gradEngine, levels *courseLevels, cr *courseRec, gaps *skillGaps, cw *[NumCourseFeatures]float64, startup bool, text float64) scoredCourse {
	s := scoredCourse{cr: cr}
	s.startup = startup && cr.c.Category == matcher.CourseEntrepreneurship && !cr.c.ForRunningBusiness()
	for _, id := range gaps.ids {
		if _, ok := slices.BinarySearch(cr.teaches, id); ok {
			s.covers = append(s.covers, id)
		}
	}
	// The posts it helps, as a bitset over gaps.ranked (at most gapPosts,
	// fewer than 64): a map per course was a tenth of a course ranking's
	// allocations. opens lists them by index, those it opens entirely first.
	var helped uint64
	for _, id := range s.covers {
		for _, pi := range gaps.postsOf[id] {
			helped |= 1 << pi
		}
	}
	if helped != 0 {
		full := func(pi int) bool {
			for _, id := range gaps.missingOf[pi] {
				if !slices.Contains(s.covers, id) {
					return false
				}
			}
			return true
		}
		s.opens = make([]int, 0, bits.OnesCount64(helped))
		for _, first := range [2]bool{true, false} {
			for w := helped; w != 0; w &= w - 1 {
				if pi := bits.TrailingZeros64(w); full(pi) == first {
					s.opens = append(s.opens, pi)
				}
			}
		}
	}
	if len(cr.majors) > 0 {
		level := levels.level(cr, ge.major)
		s.majorFit = level == matcher.MajorExact
		s.otherField = ge.major.Code != "" && level < matcher.MajorCategory
	}
	if len(gaps.ranked) > 0 {
		s.x[CGap] = float64(bits.OnesCount64(helped)) / float64(len(gaps.ranked))
	}
	s.x[CText] = clamp01(text)
	s.x[CDistrict] = ge.districtFit[cr.district+2]
	s.x[CChannel] = 0.5
	if cr.c.Category == matcher.CourseEntrepreneurship {
		s.x[CChannel] = 0
		if ge.hasChannelPrefs && ge.channelRank[slices.Index(matcher.Channels, matcher.ChannelSelfEmployed)] > 0 {
			s.x[CChannel] = 1
		}
	}
	s.x[CPlaces] = clamp01(float64(cr.c.Places) / 50)
	for i := range s.x {
		s.score += cw[i] * s.x[i]
	}
	return s
}

// courseItem is a scored course as a result item: what it makes up for
// (most wanted first), the posts it opens, and its practical details.
func (e *Engine) courseItem(ge *gradEngine, s *scoredCourse, gaps *skillGaps, cw *[NumCourseFeatures]float64, rank int, startup bool) matcher.Item {
	c := s.cr.c
	it := matcher.Item{PostID: c.ID, Rank: rank, Score: round4(s.score), Kind: matcher.KindCourse, Title: c.Title,
		Employer: c.Provider, District: c.District, Contributions: make(matcher.Contributions, NumCourseFeatures)}
	for k, i := range courseFeatureOrder {
		it.Contributions[k] = matcher.Contribution{Feature: CourseFeatureNames[i], Value: round4(cw[i] * s.x[i])}
	}
	cov := slices.Clone(s.covers)
	sort.SliceStable(cov, func(a, b int) bool { return len(gaps.postsOf[cov[a]]) > len(gaps.postsOf[cov[b]]) })
	for _, id := range cov[:min(len(cov), 3)] {
		it.Reasons = append(it.Reasons, fmt.Sprintf("可补齐：%s（%d个推荐岗位要求）", e.skillName[id], len(gaps.postsOf[id])))
	}
	for _, pi := range s.opens[:min(len(s.opens), 8)] {
		it.Opens = append(it.Opens, e.slots[gaps.ranked[pi].slot].Post.ID)
	}
	if s.majorFit {
		it.Reasons = append(it.Reasons, fmt.Sprintf("对口所学专业：课程面向%s（您的专业：%s）", strings.Join(c.Majors, "、"), ge.major.Label()))
	}
	if s.startup {
		it.Reasons = append(it.Reasons, "有创业意向：创业培训"+e.cites(matcher.RuleCourseEntrepreneurship)+"，按规定享受创业培训补贴")
	}
	if why := ge.districtWhy[s.cr.district+2]; c.District != "" && why != "" && s.x[CDistrict] >= 0.5 {
		it.Reasons = append(it.Reasons, fmt.Sprintf("地点：%s（%s）", c.District, why))
	}
	if !c.StartDate.IsZero() {
		it.Reasons = append(it.Reasons, fmt.Sprintf("开课：%s，共%d天，名额%d人", c.StartDate.Format("2006-01-02"), c.DurationDays, c.Places))
	}
	if it.Reasons == nil {
		it.Reasons = []string{}
	}
	return it
}

// courseWeights returns the course weight vector (weights.json
// "course_weights"; defaults when absent).
func (e *Engine) courseWeights() [NumCourseFeatures]float64 {
	w := [NumCourseFeatures]float64{2.0, 0.5, 0.3, 0.3, 0.1}
	if len(e.wts.CourseWeights) > 0 {
		w = [NumCourseFeatures]float64{}
		for k, v := range e.wts.CourseWeights {
			if i := slices.Index(CourseFeatureNames[:], k); i >= 0 {
				w[i] = v
			}
		}
	}
	return w
}
