package batch

import (
	"cmp"
	"math"
	"slices"
	"sync"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/engine"
)

// candidate is one of the engine's diversified candidates for a graduate,
// as the re-ranking needs it.
type candidate struct {
	post     int32           // index into the run's post table; -1 for a post the table lacks
	channel  matcher.Channel // the post's channel
	employer int32           // the post's employer's number (engine.Ranked.MixItems or MixEmployerIDs: equal for equal employers; negative: none named)
	score    float64         // the engine's relevance score
	unfit    bool            // below the engine's fit threshold (engine.Engine.Fits)
}

// choice is what one graduate's list is chosen from: the candidates in the
// engine's order, the list length, the graduate's preferred channels and
// the engine's per-employer cap.
type choice struct {
	cands       []candidate
	n           int
	prefs       []matcher.Channel
	perEmployer int
	// militaryFirst: the graduate's conscription posts head the list
	// (matcher.MilitaryFirst), as in the engine's.
	militaryFirst bool
	// What every pick reads the same (prepare): cands as the engine's
	// greedy reads them, and prefs's rule.
	prepared bool
	items    []engine.MixItem
	rule     engine.MixRule
}

// pick chooses up to c.n candidates by the engine's ranking rule
// (engine.MixChannels: the per-employer cap and the channel mix of the
// graduate's preferences) applied to score × discount (discount nil: all
// 1), the candidates ordered by that product, ties in the engine's order.
// It returns indexes into c.cands, in list order (never s's memory). s,
// when not nil, is scratch space reused across calls: the pricing picks
// every sampled list once a round.
//
// Running the engine's own rule, rather than a copy of it, is what makes
// the relevance-only choice the engine's own list (a test checks every
// graduate's) and keeps a re-ranked list within the same channel and
// employer rule as a list the engine serves.
func (c *choice) pick(discount []float64, s *pickScratch) []int {
	if s == nil {
		s = &pickScratch{}
	}
	c.prepare()
	keys := s.keys[:0]
	for i, x := range c.cands {
		adj := x.score
		if discount != nil && x.post >= 0 {
			adj = x.score * discount[x.post]
		}
		keys = append(keys, pickKey{adj: adj, i: int32(i)})
	}
	sortKeys(keys)
	items := s.items[:0]
	for _, k := range keys {
		it := c.items[k.i]
		it.Score = k.adj
		items = append(items, it)
	}
	s.keys, s.items = keys, items
	if !c.militaryFirst {
		picked := s.mixer.Mix(items, &c.rule, c.n, c.perEmployer)
		out := make([]int, len(picked))
		for k, j := range picked {
			out[k] = int(keys[j].i)
		}
		return out
	}
	// The conscription posts first (the best, up to MilitaryFirstPosts),
	// then the usual list, longer by their number, without them: the
	// engine's rule (engine.rankMilitaryFirst).
	var first []int
	for j, it := range items {
		if it.Channel == militaryChannel && len(first) < min(matcher.MilitaryFirstPosts, c.n) {
			first = append(first, j)
		}
	}
	out := make([]int, 0, c.n)
	for _, j := range first {
		out = append(out, int(keys[j].i))
	}
	for _, j := range s.mixer.Mix(items, &c.rule, c.n+len(first), c.perEmployer) {
		if len(out) == c.n {
			break
		}
		if !slices.Contains(first, j) {
			out = append(out, int(keys[j].i))
		}
	}
	return out
}

// militaryChannel is matcher.ChannelMilitary's engine.MixChannel number.
var militaryChannel = engine.MixChannel(matcher.ChannelMilitary)

// prepare numbers, once per choice, what every pick of it reads the same:
// each candidate's channel, employer and fit (engine.MixItem; finding the
// channel's number at every read of it was a fifth of a pick) and the
// graduate's channel rule.
func (c *choice) prepare() {
	if c.prepared {
		return
	}
	items := make([]engine.MixItem, len(c.cands))
	for i, x := range c.cands {
		items[i] = engine.MixItem{Employer: x.employer, Channel: engine.MixChannel(x.channel), Unfit: x.unfit}
	}
	c.prepareWith(items, engine.NewMixRule(c.prefs))
}

// prepareWith is prepare with the candidates' MixItems and the channel
// rule given, numbered and derived as prepare does (the engine's
// engine.Ranked.MixItems, from which the batch takes the candidates'
// employers, and engine.Ranked.MixRule, derived when the graduate was
// compiled).
func (c *choice) prepareWith(items []engine.MixItem, rule engine.MixRule) {
	c.items = items
	c.rule = rule
	c.prepared = true
}

// pickScratch is pick's working memory, kept by a caller that picks many
// lists (one per goroutine).
type pickScratch struct {
	keys  []pickKey
	items []engine.MixItem
	mixer engine.Mixer
}

// sortKeys sorts keys by product, descending (cmp.Compare's order), ties
// in the engine's order (by i): a stable sort of the engine's places. The
// candidates come in the engine's order, nearly by score, and a list's
// dozens of them moved by a discount or two: an insertion sort cut a
// third of BenchmarkPick off slices.SortFunc's comparisons through a
// closure (which took about as long as the greedy it sorts for).
func sortKeys(keys []pickKey) {
	if len(keys) > 256 {
		slices.SortFunc(keys, func(a, b pickKey) int {
			if c := cmp.Compare(b.adj, a.adj); c != 0 {
				return c
			}
			return cmp.Compare(a.i, b.i)
		})
		return
	}
	for i := 1; i < len(keys); i++ {
		k := keys[i]
		j := i
		for ; j > 0 && cmp.Less(keys[j-1].adj, k.adj); j-- {
			keys[j] = keys[j-1]
		}
		keys[j] = k
	}
}

// pickKey is a candidate's discounted score and its place in the engine's
// order.
type pickKey struct {
	adj float64
	i   int32
}

// pricer holds each post's places, its exposure budget (k × places) and the
// discount the re-ranking applies.
type pricer struct {
	workers  int // goroutines a round's picks are split over (≤ 1: one)
	cfg      Capacity
	budget   []float64 // k × places left
	discount []float64
}

func newPricer(cfg Capacity, places []int) *pricer {
	p := &pricer{cfg: cfg, budget: make([]float64, len(places)), discount: make([]float64, len(places))}
	for i, n := range places {
		p.budget[i] = cfg.K * float64(max(n, 1))
		p.discount[i] = 1
	}
	return p
}

// exposure counts, per post, the sample's picks at the current
// discounts, the sample split over p.workers goroutines (the picks are
// independent; a round of 4,000 picks was a single-threaded phase). A
// graduate's pick depends only on the discounts of their candidates, and
// most posts keep theirs from one round to the next (under budget at 1,
// or held at the floor): memo's pick of a graduate none of whose
// candidates' discounts changed is counted again instead of picked again,
// the same posts by construction.
func (p *pricer) exposure(sample []choice, memo *pickMemo) []int32 {
	memo.update(p.discount, len(sample))
	parts := min(max(p.workers, 1), max(len(sample), 1))
	counts := make([][]int32, parts)
	var wg sync.WaitGroup
	for w := range parts {
		lo, hi := w*len(sample)/parts, (w+1)*len(sample)/parts
		counts[w] = make([]int32, len(p.budget))
		wg.Add(1)
		go func(lo, hi int, count []int32) {
			defer wg.Done()
			var scratch pickScratch
			for i := lo; i < hi; i++ {
				c := &sample[i]
				if !memo.fresh(i, c) {
					memo.posts[i] = memo.posts[i][:0]
					for _, j := range c.pick(p.discount, &scratch) {
						if x := c.cands[j].post; x >= 0 {
							memo.posts[i] = append(memo.posts[i], x)
						}
					}
					memo.done[i] = true
				}
				for _, x := range memo.posts[i] {
					count[x]++
				}
			}
		}(lo, hi, counts[w])
	}
	wg.Wait()
	for _, c := range counts[1:] {
		for x, n := range c {
			counts[0][x] += n
		}
	}
	return counts[0]
}

// pickMemo holds each sampled graduate's last pick (the posts it counted)
// and the discounts it was made at.
type pickMemo struct {
	posts   [][]int32
	done    []bool
	last    []float64 // the discounts of the last round; nil before the first
	changed []bool    // per post: its discount differs from last
}

// update marks the posts whose discount changed since the last round.
func (m *pickMemo) update(discount []float64, n int) {
	if m.posts == nil {
		m.posts, m.done = make([][]int32, n), make([]bool, n)
		m.changed = make([]bool, len(discount))
	}
	if m.last == nil {
		m.last = slices.Clone(discount)
		return
	}
	for x, d := range discount {
		m.changed[x] = d != m.last[x]
	}
	copy(m.last, discount)
}

// fresh reports whether graduate i's last pick stands: made, and none of
// their candidates' discounts changed since.
func (m *pickMemo) fresh(i int, c *choice) bool {
	if !m.done[i] {
		return false
	}
	for _, x := range c.cands {
		if x.post >= 0 && m.changed[x.post] {
			return false
		}
	}
	return true
}

// fit sets the discounts from a sample of choices whose exposure, times
// scale, estimates the whole run's. It returns the rounds run and the
// estimated overflow (exposures beyond budgets) before and after.
func (p *pricer) fit(sample []choice, scale float64) (rounds int, overflow0, overflow float64) {
	if p.cfg.K == 0 {
		return 0, 0, 0
	}
	exp := make([]float64, len(p.budget))
	var memo pickMemo
	measure := func() float64 {
		clear(exp)
		for x, n := range p.exposure(sample, &memo) {
			// A sum of n equal terms, added one by one as a single
			// goroutine did: the same float64 whatever the split.
			for range n {
				exp[x] += scale
			}
		}
		var over float64
		for i, e := range exp {
			over += max(0, e-p.budget[i])
		}
		return over
	}
	overflow0 = measure()
	best, bestD := overflow0, slices.Clone(p.discount)
	for rounds = 1; rounds <= p.cfg.Rounds && best > 0; rounds++ {
		// A step that shrinks with the rounds damps the oscillation of a
		// crowd moving between two posts.
		step := p.cfg.Step / math.Sqrt(float64(rounds))
		for i, e := range exp {
			b := p.budget[i]
			f := math.Pow(b/max(e, b/4), step)
			f = min(max(f, 0.5), 2)
			p.discount[i] = min(max(p.discount[i]*f, p.cfg.Floor), 1)
		}
		over := measure()
		if over < best {
			best = over
			copy(bestD, p.discount)
		}
	}
	copy(p.discount, bestD)
	return rounds - 1, overflow0, best
}

// Exposure describes how a run's list slots are spread over posts (the
// run report's type).
type Exposure = matcher.RunExposure

// Shown is one post's exposure.
type Shown = matcher.Shown

// exposureOf summarises per-post exposure counts.
func exposureOf(counts []int, places []int, budget []float64, lists int, scoreSum float64) Exposure {
	x := Exposure{Lists: lists, Posts: len(counts)}
	sorted := slices.Clone(counts)
	slices.Sort(sorted)
	for i, n := range counts {
		x.Slots += n
		if n > 0 {
			x.PostsShown++
		}
		if budget != nil && float64(n) > budget[i] {
			x.OverCapacity++
			x.Overflow += float64(n) - budget[i]
		}
		if places != nil {
			x.MaxPerPlace = max(x.MaxPerPlace, float64(n)/float64(max(places[i], 1)))
		}
	}
	if len(sorted) > 0 {
		x.Max = sorted[len(sorted)-1]
	}
	if x.Slots > 0 {
		top := 0
		for _, n := range sorted[max(0, len(sorted)-50):] {
			top += n
		}
		x.Top50Share = float64(top) / float64(x.Slots)
		x.MeanScore = scoreSum / float64(x.Slots)
	}
	x.Gini = gini(sorted)
	return x
}

// gini is the Gini coefficient of non-negative values sorted ascending:
// 0 when all are equal, approaching 1 when one value holds everything.
func gini(sorted []int) float64 {
	n := float64(len(sorted))
	var sum, weighted float64
	for i, v := range sorted {
		sum += float64(v)
		weighted += float64(i+1) * float64(v)
	}
	if sum == 0 {
		return 0
	}
	return 2*weighted/(n*sum) - (n+1)/n
}
