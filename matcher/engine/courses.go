package engine

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/urumqi-hrss/jobmatch/matcher"
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

type courseRec struct {
	c        *matcher.Course
	teaches  []uint32 // ids of every skill/certificate it teaches and what they satisfy (terms.go)
	district int8
	end      int64 // UnixNano of the last day; MaxInt64 when unknown
	terms    []uint32
	tw       []float32
}

func (e *Engine) addCourse(c matcher.Course) error {
	if strings.TrimSpace(c.ID) == "" {
		return &matcher.Error{Code: matcher.EINVALID, Field: "id", Message: "课程缺少ID", MessageEN: "course without an id"}
	}
	cr := &courseRec{c: &c, district: districtIndex(c.District), end: math.MaxInt64}
	cr.teaches = e.impliedIDs(true, c.Skills, c.Certificates)
	if !c.StartDate.IsZero() {
		cr.end = matcher.EndOfDay(c.StartDate.AddDate(0, 0, max(c.DurationDays-1, 0))).UnixNano()
	}
	tf := termCounts(e.an, []string{c.Title, c.Description, strings.Join(c.Skills, " "), strings.Join(c.Certificates, " ")}, []int{2, 1, 1, 1})
	cr.terms, cr.tw = e.vectorize(tf, false)
	for i, x := range e.courses {
		if x.c.ID == c.ID {
			e.courses[i] = cr
			return nil
		}
	}
	e.courses = append(e.courses, cr)
	return nil
}

// UpsertCourse adds or replaces a training course.
func (e *Engine) UpsertCourse(c matcher.Course) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.gen++ // may intern new skills
	return e.addCourse(c)
}

// RecommendCourses ranks training courses for a graduate by what they would
// open: the skills and certificates that the graduate's best-fitting
// eligible posts ask for and the graduate lacks (the "缺少" reasons). Each
// item names the posts it would open, those whose missing requirements it
// covers entirely first.
func (e *Engine) RecommendCourses(g *matcher.Graduate, q matcher.Query) (*matcher.Result, error) {
	if g == nil {
		return nil, &matcher.Error{Code: matcher.EINVALID, Field: "graduate", Message: "缺少毕业生信息", MessageEN: "no graduate"}
	}
	q.Kind = ""
	if err := q.Normalize(); err != nil {
		return nil, err
	}
	now := e.now()
	e.mu.RLock()
	defer e.mu.RUnlock()
	gc := e.compileGraduate(g, now, false)
	res := &matcher.Result{GraduateID: g.ID, Excluded: map[string]int{}, Items: []matcher.Item{}}
	gaps := e.skillGaps(gc)
	cw := e.courseWeights()
	var all []scoredCourse
	for _, cr := range e.courses {
		switch {
		case cr.end < gc.Now:
			res.Excluded[matcher.RuleCourseFinished]++
		case cr.c.Places <= 0:
			res.Excluded[matcher.RuleCoursePlaces]++
		default:
			all = append(all, e.scoreCourse(gc.eng, cr, gaps, &cw))
		}
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].score != all[j].score {
			return all[i].score > all[j].score
		}
		return all[i].cr.c.ID < all[j].cr.c.ID
	})
	for rank, s := range all[:min(len(all), q.Limit)] {
		res.Items = append(res.Items, e.courseItem(gc.eng, &s, gaps, &cw, rank+1))
	}
	return res, nil
}

// skillGaps is what the graduate's best-fitting eligible posts ask for
// and the graduate lacks.
type skillGaps struct {
	ranked    []cand           // the posts read, best first (at most gapPosts)
	postsOf   map[uint32][]int // a missing skill → the posts (indexes into ranked) that ask for it
	missingOf [][]uint32       // per post in ranked, the skills the graduate lacks
	ids       []uint32         // every missing skill, sorted
}

func (e *Engine) skillGaps(gc *gradCtx) *skillGaps {
	accp := e.textScores(gc.eng)
	defer e.accPool.Put(accp)
	pq := matcher.Query{Limit: gapPosts, PerEmployer: gapPosts}
	ranked, _ := e.scan(gc, &pq, *accp, gapPosts, nil)
	gs := &skillGaps{ranked: ranked[:min(len(ranked), gapPosts)], postsOf: map[uint32][]int{}}
	gs.missingOf = make([][]uint32, len(gs.ranked))
	for i, c := range gs.ranked {
		for _, id := range e.slots[c.slot].needs {
			if !gc.eng.has(id) {
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

// scoredCourse is an open course with its features and score, the missing
// skills it covers and the posts it would open (indexes into the gaps'
// ranked posts, those it opens entirely first).
type scoredCourse struct {
	cr     *courseRec
	x      [NumCourseFeatures]float64
	score  float64
	covers []uint32
	opens  []int
}

func (e *Engine) scoreCourse(ge *gradEngine, cr *courseRec, gaps *skillGaps, cw *[NumCourseFeatures]float64) scoredCourse {
	s := scoredCourse{cr: cr}
	for _, id := range gaps.ids {
		if _, ok := slices.BinarySearch(cr.teaches, id); ok {
			s.covers = append(s.covers, id)
		}
	}
	helped := map[int]bool{}
	for _, id := range s.covers {
		for _, pi := range gaps.postsOf[id] {
			helped[pi] = true
		}
	}
	for pi := range helped {
		s.opens = append(s.opens, pi)
	}
	full := func(pi int) bool {
		for _, id := range gaps.missingOf[pi] {
			if !slices.Contains(s.covers, id) {
				return false
			}
		}
		return true
	}
	sort.Slice(s.opens, func(a, b int) bool {
		fa, fb := full(s.opens[a]), full(s.opens[b])
		if fa != fb {
			return fa
		}
		return s.opens[a] < s.opens[b]
	})
	if len(gaps.ranked) > 0 {
		s.x[CGap] = float64(len(helped)) / float64(len(gaps.ranked))
	}
	s.x[CText] = clamp01(float64(sparseDot(ge.qIDs, ge.qW, cr.terms, cr.tw)))
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
func (e *Engine) courseItem(ge *gradEngine, s *scoredCourse, gaps *skillGaps, cw *[NumCourseFeatures]float64, rank int) matcher.Item {
	c := s.cr.c
	it := matcher.Item{PostID: c.ID, Rank: rank, Score: round4(s.score), Kind: matcher.KindCourse, Title: c.Title,
		Employer: c.Provider, District: c.District, Contributions: map[string]float64{}}
	for i, v := range s.x {
		it.Contributions[CourseFeatureNames[i]] = round4(cw[i] * v)
	}
	cov := slices.Clone(s.covers)
	sort.SliceStable(cov, func(a, b int) bool { return len(gaps.postsOf[cov[a]]) > len(gaps.postsOf[cov[b]]) })
	for _, id := range cov[:min(len(cov), 3)] {
		it.Reasons = append(it.Reasons, fmt.Sprintf("可补齐：%s（%d个推荐岗位要求）", e.skillName[id], len(gaps.postsOf[id])))
	}
	for _, pi := range s.opens[:min(len(s.opens), 8)] {
		it.Opens = append(it.Opens, e.slots[gaps.ranked[pi].slot].Post.ID)
	}
	if c.Category == matcher.CourseEntrepreneurship {
		it.Reasons = append(it.Reasons, "创业培训：适合有创业意向的毕业生")
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
