package batch

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"sync"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/casework"
	"github.com/urumqi-hrss/jobmatch/matcher/engine"
	"github.com/urumqi-hrss/jobmatch/matcher/itemjson"
)

// list is one graduate's computed list before it is saved.
type list struct {
	choice
	ranked  *engine.Ranked    // the engine's candidates, in its order, explained on demand
	plan    *matcher.Proposal // 一人一策 graduates' proposal (its posts filled in by finish)
	before  []int             // indexes into cands: the list by relevance alone
	after   []int             // the published list
	courses int
	recs    matcher.GraduateRecommendations
}

// compute runs the engine for every graduate in gs on the workers and
// returns their candidate lists, in the order of gs; full(g) says whether
// g's list is kept whole for saving (see one). A list already ranked in
// full for the prices (r.ranked) is taken as it is. then, when set, runs
// on the same worker right after a list is computed (the chunks' finish:
// explaining and encoding a list is a third of a run's CPU and, left to
// one goroutine, kept the other core idle).
func (r *runner) compute(ctx context.Context, gs []*matcher.Graduate, full func(*matcher.Graduate) bool, then func(*list, *matcher.Graduate) error, progress func(int)) ([]list, error) {
	out := make([]list, len(gs))
	next := make(chan int)
	errc := make(chan error, r.opt.Workers)
	var mu sync.Mutex
	n := 0
	var wg sync.WaitGroup
	for w := 0; w < r.opt.Workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if l, ok := r.ranked[gs[i]]; ok {
					// Ranked in full for the prices, taken once. The
					// sample's copy is emptied: the map would keep its
					// 4,000 rankings (each graduate's compiled context)
					// alive to the end of the run, live heap every
					// collection marks and that raised the heap's peak.
					out[i], *l = *l, list{}
				} else if err := r.one(gs[i], &out[i], full(gs[i])); err != nil {
					errc <- err
					return
				}
				if then != nil {
					if err := then(&out[i], gs[i]); err != nil {
						errc <- err
						return
					}
				}
				if progress != nil {
					mu.Lock()
					n++
					progress(n)
					mu.Unlock()
				}
			}
		}()
	}
	var err error
feed:
	for i := range gs {
		select {
		case next <- i:
		case err = <-errc:
			break feed
		case <-ctx.Done():
			err = ctx.Err()
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err == nil {
		select {
		case err = <-errc:
		default:
		}
	}
	return out, err
}

// perEmployer is the per-employer cap of the published lists, the
// engine's default; the re-ranking applies it again with the channel mix.
const perEmployer = 2

// one computes a graduate's candidates; full keeps the items and, for a
// 一人一策 graduate (matcher.PlanGraduate), proposes internships and
// courses with casework.Propose, the function an online plan uses (the
// pricing sample needs neither). A panic in the engine becomes an
// error naming the graduate, so one bad record cannot take the process down.
func (r *runner) one(g *matcher.Graduate, l *list, full bool) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("batch: graduate %s: matcher panic: %v", g.ID, p)
		}
	}()
	n := r.opt.Limit
	if g.IsHardship() {
		n = min(max(n, r.pol.postsMin), r.pol.postsMax)
	}
	depth := n
	if r.cfg.Capacity.K > 0 {
		depth = n * r.cfg.Capacity.Depth
	}
	rk, err := r.ranker.Rank(g, matcher.Query{Limit: depth, PerEmployer: perEmployer})
	if err != nil {
		return fmt.Errorf("batch: graduate %s: %w", g.ID, err)
	}
	if full {
		l.ranked = rk
	}
	l.n = n
	l.prefs = g.PreferredChannels
	facts := matcher.NewGraduateFacts(g, &r.policy, r.in.Now)
	l.militaryFirst = matcher.MilitaryFirst(&facts)
	l.perEmployer = perEmployer
	l.cands = make([]candidate, len(rk.Posts))
	// The candidates numbered as the engine's greedy reads them, the
	// employers by the Ranker's numbering: numbering them per graduate
	// through a map of the names was a tenth of the picks' cost.
	items := rk.MixItems()
	for i, it := range rk.Posts {
		c := candidate{post: -1, score: it.Score, channel: it.Channel, employer: items[i].Employer, unfit: items[i].Unfit}
		if x, ok := r.posts[it.PostID]; ok {
			c.post = x
		}
		l.cands[i] = c
	}
	l.prepareWith(items, rk.MixRule()) // NewMixRule(l.prefs), derived when the graduate was compiled
	if full && matcher.PlanGraduate(g, &r.policy) {
		// The posts come from the capacity-adjusted list (finish). The
		// proposal is the online function's, through the list: its course
		// ranking reads the skill gaps from the ranking's scan instead of
		// scanning again (engine.RankedRecommender: Recommend's answers).
		if l.plan, err = casework.Propose(rk.Recommender(g), g, &r.policy, casework.ProposeOptions{Posts: []matcher.Item{}}); err != nil {
			return fmt.Errorf("batch: graduate %s: %w", g.ID, err)
		}
	}
	return nil
}

// finish chooses the published list (and the relevance-only one it is
// measured against) and encodes it as the API reads it: each stored item
// is the engine's matcher.Item JSON with its rank in the published list.
func (r *runner) finish(l *list, g *matcher.Graduate) (matcher.GraduateRecommendations, error) {
	s := pickScratches.Get().(*pickScratch)
	l.before = l.pick(nil, s)
	if r.cfg.Capacity.K > 0 {
		l.after = l.pick(r.price.discount, s)
	} else {
		l.after = l.before
	}
	pickScratches.Put(s)
	// Encoded: every item below is itemjson's (or, for a plan's notes,
	// encoding/json's) bytes, which the store seals without checking.
	gr := matcher.GraduateRecommendations{GraduateID: g.ID, Items: make([]matcher.StoredRecommendation, 0, len(l.after)), Encoded: true}
	// Each candidate is explained once: a 一人一策 plan lists the
	// published posts again. A few items: a slice, not a map.
	type explained struct {
		j  int
		it matcher.Item
	}
	items := make([]explained, 0, len(l.after))
	item := func(j, rank int) (matcher.Item, error) {
		for _, x := range items {
			if x.j == j {
				x.it.Rank = rank
				return x.it, nil
			}
		}
		it, err := l.ranked.Item(j, rank)
		if err != nil {
			return it, fmt.Errorf("batch: graduate %s: %w", g.ID, err)
		}
		items = append(items, explained{j, it})
		return it, nil
	}
	buf := make([]byte, 0, listJSONBytes*len(l.after))
	for k, j := range l.after {
		it, err := item(j, k+1)
		if err != nil {
			return gr, err
		}
		if !slices.Contains(l.before, j) {
			// The capacity pass put it here in place of a more relevant,
			// crowded post: the list says so.
			it.Reasons = append(slices.Clip(it.Reasons), capacityReason)
		}
		// itemjson writes encoding/json's bytes without reflection (the
		// maps of contributions sorted through reflect were 3% of a run),
		// every item of the list into one buffer: each item's own, grown
		// from nothing, was 7% of what a run allocated. An item is its part
		// of the buffer, capped so that nothing appends over the next.
		at := len(buf)
		var ok bool
		buf, ok = itemjson.AppendItem(buf, &it)
		b := buf[at:len(buf):len(buf)]
		if !ok {
			// NaN or an infinity: encoding/json's error names it.
			_, err := json.Marshal(it)
			if err == nil {
				err = errors.New("a value itemjson cannot write")
			}
			return gr, fmt.Errorf("batch: graduate %s: encode item %s: %w", g.ID, it.PostID, err)
		}
		gr.Items = append(gr.Items, matcher.StoredRecommendation{PostID: it.PostID, Kind: it.Kind, Rank: it.Rank, Score: it.Score, Item: b})
	}
	if l.plan != nil {
		listed := make(map[string]bool, len(gr.Items))
		for _, it := range gr.Items {
			listed[it.PostID] = true
		}
		extra, err := r.finishPlan(l, g, listed, item)
		if err != nil {
			return gr, err
		}
		gr.Items = append(gr.Items, extra...)
	}
	l.ranked, l.plan = nil, nil // the JSON is all that is kept
	return gr, nil
}

// pickScratches are finish's picks' working memory (finish runs on the
// compute workers).
var pickScratches = sync.Pool{New: func() any { return new(pickScratch) }}

// listJSONBytes is about an encoded item's size on the generated set (its
// reasons and contributions), the buffer finish starts a list's items in.
const listJSONBytes = 1024

// finishPlan completes a 一人一策 graduate's proposal and encodes it: its
// posts are the published list's jobs, then the other jobs of the
// candidates, in the engine's order, as reserves for the counselor's
// removals; its alternates are casework.Alternates on those posts (the
// rule an online proposal spreads across channels with), asked of the
// list's RankedRecommender (Recommend's answers, from the graduate as the
// list compiled them).
func (r *runner) finishPlan(l *list, g *matcher.Graduate, listed map[string]bool, item func(j, rank int) (matcher.Item, error)) ([]matcher.StoredRecommendation, error) {
	for _, j := range l.after {
		if l.ranked.Posts[j].Kind == matcher.KindJob {
			it, err := item(j, j+1)
			if err != nil {
				return nil, err
			}
			l.plan.Posts = append(l.plan.Posts, it)
		}
	}
	for j, p := range l.ranked.Posts {
		if len(l.plan.Posts) >= 2*r.pol.postsMax {
			break
		}
		if p.Kind == matcher.KindJob && !listed[p.PostID] {
			it, err := item(j, j+1)
			if err != nil {
				return nil, err
			}
			l.plan.Posts = append(l.plan.Posts, it)
		}
	}
	casework.NotePosts(l.plan, &r.policy)
	alts, err := casework.Alternates(l.ranked.Recommender(g), g, l.plan.Posts)
	if err != nil {
		return nil, fmt.Errorf("batch: graduate %s: %w", g.ID, err)
	}
	l.plan.Alternates = alts
	extra, err := casework.StoreProposal(l.plan, listed)
	if err != nil {
		return nil, fmt.Errorf("batch: graduate %s: %w", g.ID, err)
	}
	l.courses = len(l.plan.Courses)
	return extra, nil
}

// sampleOf returns up to n graduates chosen by a hash of their IDs: a fixed
// subset, independent of ID order and of which graduates a resumed run has
// already saved. n = 0 or n ≥ len(gs) takes everyone.
func sampleOf(gs []matcher.Graduate, n int) []*matcher.Graduate {
	order := sampleOrder(len(gs), func(i int) string { return gs[i].ID }, n)
	out := make([]*matcher.Graduate, len(order))
	for i, x := range order {
		out[i] = &gs[x]
	}
	return out
}

// sampleOrder is sampleOf over count IDs (id(i)): the indexes of the
// sample, in the order sampleOf gives them (by the IDs' FNV-1a hash, then
// ID). The coordinator of a sharded run picks its sample from the ledger's
// keys with it (pricedFromKeys), the same graduates a run reading every
// document picks, so the prices are the same.
func sampleOrder(count int, id func(int) string, n int) []int {
	type h struct {
		key uint64
		i   int
	}
	hs := make([]h, count)
	f := fnv.New64a()
	for i := range hs {
		f.Reset()
		f.Write([]byte(id(i)))
		hs[i] = h{f.Sum64(), i}
	}
	slices.SortFunc(hs, func(a, b h) int {
		if c := cmp.Compare(a.key, b.key); c != 0 {
			return c
		}
		return cmp.Compare(id(a.i), id(b.i))
	})
	if n <= 0 || n > len(hs) {
		n = len(hs)
	}
	out := make([]int, n)
	for i := range out {
		out[i] = hs[i].i
	}
	return out
}
