package engine

import (
	"math"
	"slices"
	"sync"
)

// scan is the online scan over the set bits of elig: per channel the best
// m posts, merged best first, and which channels had more. It bounds every
// eligible post the query wants first (upper, from the packed slotBound)
// and then scores each channel's posts best bound first, by buckets of
// bound: the short list fills with the best posts first, so its worst kept
// score rises fastest, and a post whose bound is below the list's worst
// kept score, once the list is full, is not scored — it could not enter;
// once a whole bucket is below it, neither is any later one (scanList). On
// the generated set this scores ~320 of ~4,850 eligible posts a graduate.
// The order of scoring does not change the lists: a short list keeps the
// best m by score and post-ID rank.
func (r *Ranker) scan(sc *scanScratch, gc *gradCtx, f postFilter, elig []uint64, acc []float32, m int) ([]cand, []bool) {
	count := r.bound(sc, gc, f, elig, acc)
	return r.scanBounded(sc, gc, &count, acc, m)
}

// scanBounded is scan once bound has filled sc (count is what it
// returned): a list scanned again with longer short lists reads the same
// bounds.
func (r *Ranker) scanBounded(sc *scanScratch, gc *gradCtx, count *[numChannels + 1]int, acc []float32, m int) ([]cand, []bool) {
	e := r.e
	// The short lists share one array, each its part sized to what it can
	// hold (its posts, at most m), so a scan allocates nothing once sc has
	// grown: a served request allocated ~3 KB here, in a dozen appends.
	total := 0
	for _, n := range count {
		total += min(n, m)
	}
	sc.cands = slices.Grow(sc.cands[:0], total)[:total]
	var heaps [numChannels + 1]candHeap
	truncated := sc.truncated[:]
	for i, off := 0, 0; i < len(heaps); i++ {
		n := min(count[i], m)
		heaps[i] = candHeap{e: e, idRank: r.idRank, c: sc.cands[off : off : off+n]}
		off += n
		truncated[i] = count[i] > m
		if count[i] > 0 {
			r.scanList(sc, gc, &heaps[i], sc.head[i*boundBuckets:(i+1)*boundBuckets], acc, m)
		}
	}
	// Each list moves down to the end of the one before (never past its
	// own start, so the copies do not clobber what they read).
	all := sc.cands[:0]
	for i := range heaps {
		all = append(all, heaps[i].c...)
	}
	h := candHeap{e: e, c: all, idRank: r.idRank}
	return h.sorted(), truncated
}

// scanList fills one short list from its bound buckets (head: each
// bucket's first post in sc.bounds), highest first. Within a bucket a post
// whose bound is below the full list's worst kept score is skipped; before
// a bucket, when bucketEdge — above every bound of that bucket and the
// later ones — is below it, the rest are: the skip test of each would
// hold.
//
// The posts to score are taken a few at a time and their records touched
// together (prefetch) before the first is scored: each is a cache miss in
// three arrays (postHot, the restrictions and the record pointers, spread
// over 25,000 slots), and touched one by one by featureVectorHot the
// misses came one after another — the first line of featureVectorHot was
// a third of its time in the batch's profile. Touched together they
// overlap. A post taken is tested again before it is scored: the list may
// have risen since.
func (r *Ranker) scanList(sc *scanScratch, gc *gradCtx, hp *candHeap, head []int32, acc []float32, m int) {
	e := r.e
	var x [NumFeatures]float64
	var take [scanAhead]int32
	for k, i := range head {
		if k > 0 && len(hp.c) == m {
			if edge := r.bucketEdge(k); edge < hp.c[0].score-boundSlack*(1+math.Abs(edge)) {
				return
			}
		}
		for i >= 0 {
			n := 0
			for ; i >= 0 && n < len(take); i = sc.bounds[i].next {
				if len(hp.c) == m && sc.bounds[i].ub < hp.c[0].score-boundSlack*(1+math.Abs(sc.bounds[i].ub)) {
					continue
				}
				take[n] = i
				n++
			}
			sc.touched = r.prefetch(sc, take[:n])
			for _, j := range take[:n] {
				bc := &sc.bounds[j]
				if len(hp.c) == m && bc.ub < hp.c[0].score-boundSlack*(1+math.Abs(bc.ub)) {
					continue
				}
				slot, t := int(bc.slot), acc[bc.slot]
				featureVectorHot(gc, &e.hot[slot], e.restr[slot], e.slots[slot], float64(t), x[:])
				hp.offer(cand{score: e.sc.score(x[:]), slot: bc.slot, text: t}, m)
			}
		}
	}
}

// scanAhead is how many posts scanList takes and touches at a time.
const scanAhead = 8

// prefetch reads a word of each cache line featureVectorHot will read
// first for the posts of take, so that their misses overlap; what it
// returns means nothing (it is kept so that the reads are not dropped).
func (r *Ranker) prefetch(sc *scanScratch, take []int32) int {
	e, n := r.e, 0
	for _, j := range take {
		slot := sc.bounds[j].slot
		h := &e.hot[slot]
		n += int(h.DegreeMin) + int(h.expMin) + int(h.subjects)
		if e.restr[slot] != nil && e.slots[slot] != nil {
			n++
		}
	}
	return n
}

// scanScratch is a ranking's working memory, recycled between requests:
// what scan returns lives in it until its next scan.
type scanScratch struct {
	elig   []uint64 // the graduate's eligible posts
	bounds []boundedPost
	// head is, per short list and bucket of bound, the index in bounds
	// of its first post (-1: none), the rest chained by boundedPost.next.
	head      [(numChannels + 1) * boundBuckets]int32
	cands     []cand
	truncated [numChannels + 1]bool
	touched   int // prefetch's result, kept
}

var scanScratches sync.Pool

func getScanScratch() *scanScratch {
	if sc, ok := scanScratches.Get().(*scanScratch); ok {
		return sc
	}
	return &scanScratch{}
}
