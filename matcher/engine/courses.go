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
	teaches  []uint32 // skill/certificate ids
	norm     string   // normalised title+description, to match skills it does not list
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
	cr.teaches, _ = e.needIDs(c.Skills, c.Certificates)
	cr.norm = normSkill(c.Title + " " + c.Description)
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
	ge := gc.eng
	res := &matcher.Result{GraduateID: g.ID, Excluded: map[string]int{}, Items: []matcher.Item{}}

	// The graduate's best-fitting eligible posts and what each one lacks.
	accp := e.textScores(ge)
	defer e.accPool.Put(accp)
	pq := matcher.Query{Limit: gapPosts, PerEmployer: gapPosts}
	ranked, _ := e.scan(gc, &pq, *accp, gapPosts, nil)
	if len(ranked) > gapPosts {
		ranked = ranked[:gapPosts]
	}
	type gap struct {
		posts []int // indexes into ranked
	}
	gaps := map[uint32]*gap{}
	missingOf := make([][]uint32, len(ranked))
	for i, c := range ranked {
		pr := e.slots[c.slot]
		for _, id := range pr.needs {
			if !ge.has(id) {
				missingOf[i] = append(missingOf[i], id)
				if gaps[id] == nil {
					gaps[id] = &gap{}
				}
				gaps[id].posts = append(gaps[id].posts, i)
			}
		}
	}
	gapIDs := make([]uint32, 0, len(gaps))
	for id := range gaps {
		gapIDs = append(gapIDs, id)
	}
	slices.Sort(gapIDs)

	cw := e.courseWeights()
	type scored struct {
		cr     *courseRec
		x      [NumCourseFeatures]float64
		score  float64
		covers []uint32
		opens  []int
	}
	var all []scored
	selfEmp := ge.hasChannelPrefs && ge.channelRank[slices.Index(matcher.Channels, matcher.ChannelSelfEmployed)] > 0
	for _, cr := range e.courses {
		if cr.end < gc.Now {
			res.Excluded[matcher.RuleCourseFinished]++
			continue
		}
		if cr.c.Places <= 0 {
			res.Excluded[matcher.RuleCoursePlaces]++
			continue
		}
		s := scored{cr: cr}
		for _, id := range gapIDs {
			if _, ok := slices.BinarySearch(cr.teaches, id); ok || strings.Contains(cr.norm, normSkill(e.skillName[id])) {
				s.covers = append(s.covers, id)
			}
		}
		helped := map[int]bool{}
		for _, id := range s.covers {
			for _, pi := range gaps[id].posts {
				helped[pi] = true
			}
		}
		for pi := range helped {
			s.opens = append(s.opens, pi)
		}
		full := func(pi int) bool {
			for _, id := range missingOf[pi] {
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
		if len(ranked) > 0 {
			s.x[CGap] = float64(len(helped)) / float64(len(ranked))
		}
		s.x[CText] = clamp01(float64(sparseDot(ge.qIDs, ge.qW, cr.terms, cr.tw)))
		s.x[CDistrict] = ge.districtFit[cr.district+2]
		if cr.c.Category == matcher.CourseEntrepreneurship {
			if selfEmp {
				s.x[CChannel] = 1
			}
		} else {
			s.x[CChannel] = 0.5
		}
		s.x[CPlaces] = clamp01(float64(cr.c.Places) / 50)
		for i := range s.x {
			s.score += cw[i] * s.x[i]
		}
		all = append(all, s)
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].score != all[j].score {
			return all[i].score > all[j].score
		}
		return all[i].cr.c.ID < all[j].cr.c.ID
	})
	if len(all) > q.Limit {
		all = all[:q.Limit]
	}
	for rank, s := range all {
		c := s.cr.c
		it := matcher.Item{PostID: c.ID, Rank: rank + 1, Score: round4(s.score), Kind: matcher.KindCourse, Title: c.Title,
			Employer: c.Provider, District: c.District, Contributions: map[string]float64{}}
		for i, v := range s.x {
			it.Contributions[CourseFeatureNames[i]] = round4(cw[i] * v)
		}
		// Reasons: what it makes up for, most wanted first.
		cov := slices.Clone(s.covers)
		sort.SliceStable(cov, func(a, b int) bool { return len(gaps[cov[a]].posts) > len(gaps[cov[b]].posts) })
		for i, id := range cov {
			if i == 3 {
				break
			}
			it.Reasons = append(it.Reasons, fmt.Sprintf("可补齐：%s（%d个推荐岗位要求）", e.skillName[id], len(gaps[id].posts)))
		}
		for i, pi := range s.opens {
			if i == 8 {
				break
			}
			it.Opens = append(it.Opens, e.slots[ranked[pi].slot].Post.ID)
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
		res.Items = append(res.Items, it)
	}
	return res, nil
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
