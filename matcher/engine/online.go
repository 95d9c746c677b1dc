package engine

import (
	"math/bits"
	"sync"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// The online path through a Ranker. A served engine decides as of a fixed
// time (Options.Now: `jobmatch serve` passes its --now or the day it
// started), so the nightly batch's Ranker — the rules as bitsets shared by
// every graduate with the same fact, and a bound that skips the posts that
// cannot enter a short list — is valid for every request until the posts
// change. Recommend asks one, made on the first request after a change,
// for the lists it can answer exactly: the same posts, scores and reasons
// (TestRankEqualsRecommend), and the same counts of excluded posts by rule
// (excludedByRule; TestOnlineRankerIsRecommend). Per request it saves the
// rules on every post and the features of most: on the generated set this
// roughly halved the server's CPU per request (benchmarks/RESULTS.md,
// "Served load").

// onlineRankers holds the Ranker of the engine's current state.
type onlineRankers struct {
	mu sync.Mutex
	r  *Ranker
}

// maxOnlineClasses bounds the rule classes (bitsets of 1 bit a post) an
// online Ranker keeps: portals' profiles may bring any hukou or major, and
// a Ranker past it is replaced by a fresh one.
const maxOnlineClasses = 4096

// onlineRanker returns the Ranker for the engine's state as of now, or nil
// when the engine follows the wall clock (a Ranker decides as of the
// instant it was made) or was told not to (scanOnly, for tests).
func (e *Engine) onlineRanker(now time.Time) *Ranker {
	if e.fixNow.IsZero() || !now.Equal(e.fixNow) || e.scanOnly {
		return nil
	}
	e.mu.RLock()
	gen := e.gen
	e.mu.RUnlock()
	e.online.mu.Lock()
	defer e.online.mu.Unlock()
	if r := e.online.r; r != nil && r.gen == gen && r.now.Equal(now) && r.classes() <= maxOnlineClasses {
		return r
	}
	e.online.r = e.NewRanker()
	return e.online.r
}

// wantedSet is the bitset of the posts f wants, computed once per filter
// (a query's channel and kind: a handful).
func (r *Ranker) wantedSet(f postFilter) []uint64 {
	r.mu.Lock()
	w, ok := r.wanted[f]
	r.mu.Unlock()
	if ok {
		return w
	}
	e := r.e
	w = make([]uint64, (len(e.hot)+63)/64)
	for slot := range e.hot {
		if f.wants(&e.hot[slot]) {
			w[slot>>6] |= 1 << (slot & 63)
		}
	}
	r.mu.Lock()
	if r.wanted == nil {
		r.wanted = map[postFilter][]uint64{}
	}
	r.wanted[f] = w
	r.mu.Unlock()
	return w
}

// classes is how many rule classes r has computed.
func (r *Ranker) classes() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.masks)
}

// recommendRanked is Recommend's result through r, or false when r went
// stale meanwhile (the caller then takes the scanning path).
func (e *Engine) recommendRanked(r *Ranker, g *matcher.Graduate, q matcher.Query) (*matcher.Result, bool, error) {
	rk, err := r.Rank(g, q)
	if err != nil {
		if r.stale() {
			return nil, false, nil
		}
		return nil, true, err
	}
	res := &matcher.Result{GraduateID: g.ID}
	var ok bool
	if res.Items, ok = rk.items(); !ok {
		return nil, false, nil
	}
	if res.Excluded, ok = r.excludedByRule(rk.gc, filterOf(&q)); !ok {
		return nil, false, nil
	}
	return res, true, nil
}

func (r *Ranker) stale() bool {
	r.e.mu.RLock()
	defer r.e.mu.RUnlock()
	return r.e.gen != r.gen
}

// passBufs recycles excludedByRule's bitsets (a bit a post: 3 KB on the
// generated set, a request).
var passBufs = sync.Pool{New: func() any { return new([]uint64) }}

// excludedByRule counts, among the posts f wants, those each rule excluded
// first (in matcher.FirstFailing's order), from the rule classes' bitsets:
// the counts Recommend's scan makes post by post.
func (r *Ranker) excludedByRule(gc *gradCtx, f postFilter) (map[string]int, bool) {
	e := r.e
	e.mu.RLock()
	defer e.mu.RUnlock()
	if e.gen != r.gen {
		return nil, false
	}
	want := r.wantedSet(f)
	pp := passBufs.Get().(*[]uint64)
	defer passBufs.Put(pp)
	pass := append((*pp)[:0], want...)
	*pp = pass
	out := map[string]int{}
	for i := range r.rules {
		m := r.mask(i, gc)
		n := 0
		for w := range pass {
			n += bits.OnesCount64(pass[w] &^ m[w])
			pass[w] &= m[w]
		}
		if n > 0 {
			out[matcher.RuleName(i)] = n
		}
	}
	return out, true
}
