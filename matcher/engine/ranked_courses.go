package engine

import (
	"github.com/urumqi-hrss/jobmatch/matcher"
)

// RankedRecommender answers Recommend for the graduate of a Ranked list as
// Engine.Recommend does, reusing what the list's ranking found: their
// course ranking (a 一人一策 proposal's, casework.Propose) reads the
// graduate's best posts for the skills they lack from the list's first
// scan instead of scanning again, and takes the graduate as the list
// compiled them. The answers are Recommend's
// (TestRankedRecommenderIsRecommend); another graduate, another query, or
// an engine changed since the list, is answered by Recommend itself.
type RankedRecommender struct {
	e  *Engine
	rk *Ranked // nil: every query is Recommend's
}

// Recommender returns a RankedRecommender for the list's graduate g (the
// graduate Rank was given).
func (rk *Ranked) Recommender(g *matcher.Graduate) *RankedRecommender {
	rr := &RankedRecommender{e: rk.r.e}
	if g != nil && rk.gc.Graduate == g && rk.gaps != nil {
		rr.rk = rk
	}
	return rr
}

// Recommend is Engine.Recommend.
func (rr *RankedRecommender) Recommend(g *matcher.Graduate, q matcher.Query) (*matcher.Result, error) {
	if rr.rk != nil && g == rr.rk.gc.Graduate && q.Kind == matcher.KindCourse {
		if res, ok, err := rr.courses(g, q); ok || err != nil {
			return res, err
		}
	}
	return rr.e.Recommend(g, q)
}

// courses is RecommendCourses from the list's compiled graduate and first
// scan; false when the engine changed since the list was ranked.
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
	return e.recommendCourses(g, q, rk.gc, now, e.skillGapsOf(rk.gc, rk.gaps)), true, nil
}
