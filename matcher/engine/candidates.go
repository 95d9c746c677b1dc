package engine

import (
	"iter"
	"slices"
	"sort"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// Graduates adapts a slice to the iterator Candidates reads.
func Graduates(gs []matcher.Graduate) iter.Seq[*matcher.Graduate] {
	return func(yield func(*matcher.Graduate) bool) {
		for i := range gs {
			if !yield(&gs[i]) {
				return
			}
		}
	}
}

// Candidates returns the best-fitting eligible graduates for a post: the
// same rules and features as Recommend, read the other way. Graduates may
// come from a store iterator, so the ledger need not fit in memory.
//
// Every call reads the whole ledger (50,000 graduates), so the per-graduate
// work is kept small: the rules run first on the cheap part of the
// compiled graduate; the major level is memoised per distinct major; the
// profile's segmentation, vector and skill ids come from the engine's
// profile cache (see profileCache). BenchmarkMatchCandidates in
// benchmarks/ measures it.
func (e *Engine) Candidates(postID string, graduates iter.Seq[*matcher.Graduate], limit int) ([]matcher.Candidate, error) {
	if limit < 0 {
		return nil, &matcher.Error{Code: matcher.EINVALID, Field: "limit", Message: "limit 不能为负数", MessageEN: "limit must not be negative"}
	}
	if limit == 0 {
		limit = 20
	}
	limit = min(limit, matcher.MaxLimit)
	now := e.now()
	e.mu.RLock()
	defer e.mu.RUnlock()
	slot, ok := e.byID[postID]
	if !ok {
		return nil, matcher.ErrNotFound("岗位", postID)
	}
	pr := e.slots[slot]
	type gcand struct {
		score float64
		g     matcher.Graduate // a copy: iterators may reuse what they yield
		text  float32
	}
	var best []gcand
	worse := func(a, b gcand) bool { // a ranks below b
		return a.score < b.score || (a.score == b.score && a.g.ID > b.g.ID)
	}
	var x [NumFeatures]float64
	majorLevels := map[matcher.MajorRef]matcher.MajorLevel{}
	for g := range graduates {
		if g == nil {
			continue
		}
		// The rules need no engine data: check them before the costlier
		// part (skills, profile vector, affinities) is compiled.
		gc := &gradCtx{GraduateFacts: matcher.NewGraduateFacts(g, e.pol, now)}
		if pr.HasMajors {
			l, ok := majorLevels[gc.Major]
			if !ok {
				l = matcher.MatchMajors(gc.Major, pr.Majors)
				majorLevels[gc.Major] = l
			}
			gc.SetMajorLevel(l)
		}
		if matcher.FirstFailing(&gc.GraduateFacts, &pr.PostFacts, &pr.PostRestrictions) >= 0 {
			continue
		}
		gc.eng = e.compileGraduateExtras(gc, true)
		t := textScore(gc.eng, pr)
		featureVector(gc, pr, float64(t), x[:])
		c := gcand{score: e.sc.score(x[:]), g: *g, text: t}
		// Keep the best limit in a small sorted slice: limit is small and
		// compiling each graduate costs far more than the insertion.
		if len(best) == limit && !worse(best[len(best)-1], c) {
			continue
		}
		i := sort.Search(len(best), func(i int) bool { return worse(best[i], c) })
		best = slices.Insert(best, i, c)
		if len(best) > limit {
			best = best[:limit]
		}
	}
	out := make([]matcher.Candidate, len(best))
	for i, c := range best {
		gc := e.compileGraduate(&c.g, now, false)
		it := e.explainItem(gc, pr, float64(c.text), i+1)
		out[i] = matcher.Candidate{GraduateID: c.g.ID, Rank: i + 1, Score: it.Score, Reasons: it.Reasons, Contributions: it.Contributions, Missing: it.Missing}
	}
	return out, nil
}
