package engine

import (
	"slices"
	"sort"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// Recommend returns the graduate's best-fitting eligible posts (or courses,
// with Kind course), ranked, diversified and explained.
func (e *Engine) Recommend(g *matcher.Graduate, q matcher.Query) (*matcher.Result, error) {
	return e.recommend(g, q, false)
}

// RecommendExhaustive is the exact baseline scorer: it scores every post by
// a per-post sparse merge (no inverted index) and sorts the full candidate
// list. It returns the same result as Recommend and exists to measure and
// check the fast path.
func (e *Engine) RecommendExhaustive(g *matcher.Graduate, q matcher.Query) (*matcher.Result, error) {
	return e.recommend(g, q, true)
}

// recommend is a request's path through the engine, top to bottom: the
// graduate's profile compiled (graduate.go), every wanted post through the
// rules, the features and the score (scan, below: matcher.FirstFailing,
// features.go, scoring.go), the list picked (rank.go), the picked items
// explained (explain.go).
func (e *Engine) recommend(g *matcher.Graduate, q matcher.Query, exhaustive bool) (*matcher.Result, error) {
	if g == nil {
		return nil, &matcher.Error{Code: matcher.EINVALID, Field: "graduate", Message: "缺少毕业生信息", MessageEN: "no graduate"}
	}
	if err := q.Normalize(); err != nil {
		return nil, err
	}
	if q.Kind == matcher.KindCourse {
		return e.RecommendCourses(g, q)
	}
	now := e.now()
	if !exhaustive && !q.ExplainExclusions {
		if r := e.onlineRanker(now); r != nil {
			if res, ok, err := e.recommendRanked(r, g, q); ok {
				return res, err
			}
		}
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	gc := e.compileGraduate(g, now, false)
	ex := &exclusions{keep: q.ExplainExclusions}
	var picked []cand
	if mil := militaryFirst(gc, &q); mil != nil {
		picked = e.rankMilitaryFirst(gc, &q, mil, exhaustive, ex)
	} else {
		picked = e.rankPosts(gc, &q, exhaustive, ex)
	}
	res := &matcher.Result{GraduateID: g.ID, Excluded: ex.byRule(), Items: make([]matcher.Item, len(picked))}
	a := newItemArena(len(picked))
	for i, c := range picked {
		res.Items[i] = e.explainItemIn(a, gc, e.slots[c.slot], float64(c.text), i+1)
	}
	res.Exclusions = ex.explain(e, gc)
	return res, nil
}

// rankPosts scans the wanted posts (rules, features, score) into
// per-channel short lists and picks the list from them (diversify). When
// the channel mix reached past the end of a short list, it scans again with
// longer ones, so the list is the one over all eligible posts.
func (e *Engine) rankPosts(gc *gradCtx, q *matcher.Query, exhaustive bool, ex *exclusions) []cand {
	var acc []float32
	if !exhaustive {
		accp := e.textScores(gc.eng)
		defer e.accPool.Put(accp)
		acc = *accp
	}
	onExcluded := ex.add
	for m := max(4*q.Limit, q.Limit+32); ; m *= 8 {
		var ranked []cand
		var truncated []bool
		if exhaustive {
			ranked, truncated = e.scanAll(gc, q, m, onExcluded)
		} else {
			ranked, truncated = e.scan(gc, q, acc, m, onExcluded)
		}
		onExcluded = nil // count exclusions once
		if picked, exact := diversify(e, gc, ranked, truncated, q, nil); exact {
			return picked
		}
	}
}

// militaryFirst returns the query for the conscription posts that head a
// graduate's list (matcher.MilitaryFirst), or nil when none do: they come
// first whatever their score (a conscription post says little about a
// major); the rules still apply (military_age, a post's own age limits).
func militaryFirst(gc *gradCtx, q *matcher.Query) *matcher.Query {
	if !matcher.MilitaryFirst(&gc.GraduateFacts) || q.Channel != "" || q.Kind == matcher.KindInternship {
		return nil
	}
	mq := *q
	mq.Channel, mq.Limit, mq.PerEmployer = matcher.ChannelMilitary, min(matcher.MilitaryFirstPosts, q.Limit), 0
	return &mq
}

// rankMilitaryFirst is the list with the conscription posts of mq first
// and then the usual list, longer by their number, without them (so the
// list stays prefix-stable). The nightly batch builds its lists the same
// way (matcher/batch, choice.pick).
func (e *Engine) rankMilitaryFirst(gc *gradCtx, q, mq *matcher.Query, exhaustive bool, ex *exclusions) []cand {
	first := e.rankPosts(gc, mq, exhaustive, &exclusions{})
	rq := *q
	rq.Limit = q.Limit + len(first)
	out := slices.Clone(first)
	for _, c := range e.rankPosts(gc, &rq, exhaustive, ex) {
		if len(out) == q.Limit {
			break
		}
		if !slices.ContainsFunc(first, func(f cand) bool { return f.slot == c.slot }) {
			out = append(out, c)
		}
	}
	return out
}

// exclusions counts the posts each rule excluded and, when the query asks
// for it, remembers which.
type exclusions struct {
	counts [matcher.NumRules]int
	keep   bool
	posts  []int // slot, rule, slot, rule …
}

func (x *exclusions) add(pr *postRec, rule int) {
	x.counts[rule]++
	if x.keep {
		x.posts = append(x.posts, int(pr.slot), rule)
	}
}

func (x *exclusions) byRule() map[string]int {
	out := map[string]int{}
	for i, n := range x.counts {
		if n > 0 {
			out[matcher.RuleName(i)] = n
		}
	}
	return out
}

// explain says which rule excluded which post and why, by post ID.
func (x *exclusions) explain(e *Engine, gc *gradCtx) []matcher.Exclusion {
	var out []matcher.Exclusion
	for i := 0; i < len(x.posts); i += 2 {
		pr, r := e.slots[x.posts[i]], x.posts[i+1]
		out = append(out, matcher.Exclusion{PostID: pr.Post.ID, Rule: matcher.RuleName(r),
			Message: matcher.Explain(r, &gc.GraduateFacts, &pr.PostFacts, &pr.PostRestrictions)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].PostID < out[j].PostID })
	return out
}

// postFilter is a Query's kind and channel as the scan compares them.
type postFilter struct {
	ch     int8 // channel index; -1 any
	kind   int8 // 0 any, 1 jobs only, 2 internships only
	closed bool // an unknown channel: nothing matches
}

func filterOf(q *matcher.Query) postFilter {
	f := postFilter{ch: -1}
	if q.Channel != "" {
		f.ch = int8(slices.Index(matcher.Channels, q.Channel))
		f.closed = f.ch < 0
	}
	switch q.Kind {
	case matcher.KindJob:
		f.kind = 1
	case matcher.KindInternship:
		f.kind = 2
	}
	return f
}

func wants(q *matcher.Query, pr *postRec) bool { return filterOf(q).wants(&pr.postHot) }

func (f postFilter) wants(h *postHot) bool {
	return h.live && !f.closed && (f.ch < 0 || h.chIdx == f.ch) && (f.kind == 0 || (f.kind == 2) == h.Internship)
}

// scan runs the rules and scores every wanted slot, keeping the best m of
// each channel in a heap; it returns them merged, best first, and which
// channels had more than m eligible posts. onExcluded (may be nil) hears
// about every excluded post.
func (e *Engine) scan(gc *gradCtx, q *matcher.Query, acc []float32, m int, onExcluded func(*postRec, int)) ([]cand, []bool) {
	var heaps [numChannels + 1]candHeap
	truncated := make([]bool, len(heaps))
	for i := range heaps {
		heaps[i] = candHeap{e: e}
	}
	var x [NumFeatures]float64
	f := filterOf(q)
	for slot := range e.hot {
		h := &e.hot[slot]
		if !f.wants(h) {
			continue
		}
		pr := e.slots[slot]
		restr := e.restr[slot]
		if r := matcher.FirstFailing(&gc.GraduateFacts, &h.PostFacts, restr); r >= 0 {
			if onExcluded != nil {
				onExcluded(pr, r)
			}
			continue
		}
		var t float32
		if acc != nil {
			t = acc[slot]
		} else {
			t = textScore(gc.eng, pr)
		}
		featureVectorHot(gc, h, restr, pr, float64(t), x[:])
		hp := &heaps[h.chIdx+1]
		if len(hp.c) == m {
			truncated[h.chIdx+1] = true
		}
		hp.offer(cand{score: e.sc.score(x[:]), slot: int32(slot), text: t}, m)
	}
	var all []cand
	for i := range heaps {
		all = append(all, heaps[i].c...)
	}
	h := candHeap{e: e, c: all}
	return h.sorted(), truncated
}

// scanAll is the exhaustive baseline of scan: every eligible post scored
// by a per-post merge, the whole list sorted, then cut to the same
// per-channel short lists.
func (e *Engine) scanAll(gc *gradCtx, q *matcher.Query, m int, onExcluded func(*postRec, int)) ([]cand, []bool) {
	var all []cand
	var x [NumFeatures]float64
	for slot, pr := range e.slots {
		if pr == nil || !wants(q, pr) {
			continue
		}
		if r := matcher.FirstFailing(&gc.GraduateFacts, &pr.PostFacts, &pr.PostRestrictions); r >= 0 {
			if onExcluded != nil {
				onExcluded(pr, r)
			}
			continue
		}
		t := textScore(gc.eng, pr)
		featureVector(gc, pr, float64(t), x[:])
		all = append(all, cand{score: e.sc.score(x[:]), slot: int32(slot), text: t})
	}
	h := candHeap{e: e, c: all}
	all = h.sorted()
	var n [numChannels + 1]int
	truncated := make([]bool, numChannels+1)
	out := all[:0]
	for _, c := range all {
		ch := e.slots[c.slot].chIdx + 1
		if n[ch] == m {
			truncated[ch] = true
			continue
		}
		n[ch]++
		out = append(out, c)
	}
	return out, truncated
}
