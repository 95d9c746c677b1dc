package engine

import (
	"github.com/urumqi-hrss/jobmatch/matcher"
)

// RankedRecommender answers Recommend for the graduate of a Ranked list as
// Engine.Recommend does, reusing what the list's ranking found: it takes
// the graduate as the list compiled them, and their course ranking (a
// 一人一策 proposal's, casework.Propose) reads the graduate's best posts
// for the skills they lack from the list's first scan instead of scanning
// again. A proposal's other queries — its internships, and the best post
// of each channel it is spread to (casework.Alternates) — are ranked by
// the list's Ranker from that compiled graduate: compiling the graduate
// again for each of them was 4–6% of a nightly batch's CPU. The answers
// are Recommend's (TestRankedRecommenderIsRecommend); another graduate, a
// query explaining its exclusions, or an engine changed since the list
// (or now at another instant), is answered by Recommend itself.
type RankedRecommender struct {
	e  *Engine
	rk *Ranked // nil: every query is Recommend's
}

// Recommender returns a RankedRecommender for the list's graduate g (the
// graduate Rank was given).
func (rk *Ranked) Recommender(g *matcher.Graduate) *RankedRecommender {
	rr := &RankedRecommender{e: rk.r.e}
	if g != nil && rk.gc.Graduate == g {
		rr.rk = rk
	}
	return rr
}

// Recommend is Engine.Recommend.
func (rr *RankedRecommender) Recommend(g *matcher.Graduate, q matcher.Query) (*matcher.Result, error) {
	if rr.rk != nil && g == rr.rk.gc.Graduate && !q.ExplainExclusions {
		var res *matcher.Result
		var ok bool
		var err error
		if q.Kind == matcher.KindCourse {
			res, ok, err = rr.courses(g, q)
		} else {
			res, ok, err = rr.posts(g, q)
		}
		if ok || err != nil {
			return res, err
		}
	}
	return rr.e.Recommend(g, q)
}

// courses is RecommendCourses from the list's compiled graduate and, when
// it kept them, its first scan's best posts; false when the engine
// changed since the list was ranked.
func (rr *RankedRecommender) courses(g *matcher.Graduate, q matcher.Query) (*matcher.Result, bool, error) {
	q.Kind = ""
	if err := q.Normalize(); err != nil {
		return nil, false, err
	}
	e, rk := rr.e, rr.rk
	now := e.now()
	e.mu.RLock()
	defer e.mu.RUnlock()
	if e.gen != rk.r.gen || !now.Equal(rk.r.now) {
		return nil, false, nil
	}
	var gaps *skillGaps
	if rk.gaps != nil {
		gaps = e.skillGapsOf(rk.gc, rk.gaps)
	} else {
		gaps = e.skillGaps(rk.gc, rk.r) // a military-first list keeps no scan of every post
	}
	return e.recommendCourses(g, q, rk.gc, now, gaps), true, nil
}

// posts is Recommend's jobs or internships (recommendRanked) ranked by the
// list's Ranker from the list's compiled graduate; false when the engine
// changed since the list was ranked.
func (rr *RankedRecommender) posts(g *matcher.Graduate, q matcher.Query) (*matcher.Result, bool, error) {
	if err := q.Normalize(); err != nil {
		return nil, false, err
	}
	e, rk := rr.e, rr.rk
	r := rk.r
	now := e.now()
	res, ok := func() (*matcher.Result, bool) {
		e.mu.RLock()
		defer e.mu.RUnlock()
		if e.gen != r.gen || !now.Equal(r.now) {
			return nil, false
		}
		list := r.rankCompiled(g, rk.gc, q)
		res := &matcher.Result{GraduateID: g.ID, Items: make([]matcher.Item, len(list.cands))}
		a := newItemArena(len(list.cands))
		for i, c := range list.cands {
			res.Items[i] = e.explainItemIn(a, rk.gc, e.slots[c.slot], float64(c.text), i+1)
		}
		return res, true
	}()
	if !ok {
		return nil, false, nil
	}
	if res.Excluded, ok = r.excludedByRule(rk.gc, filterOf(&q)); !ok {
		return nil, false, nil
	}
	return res, true, nil
}
