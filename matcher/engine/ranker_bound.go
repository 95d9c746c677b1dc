package engine

import (
	"math"
	"math/bits"
)

// boundBuckets is how finely the bound pass orders the eligible posts of a
// short list: by bucket of bound, the scan scoring a list's posts bucket by
// bucket from the highest (posts within a bucket in no particular order).
const boundBuckets = 128

// boundedPost is an eligible post with its bound, chained to the next post
// of its short list's bucket (-1: none).
type boundedPost struct {
	ub   float64
	slot int32
	next int32
}

// bucketRange sets the bound buckets' scale: the bounds any graduate can
// reach lie in [lo, top] (a bound outside, which rounding alone could make,
// goes to the first or last bucket), cut into boundBuckets equal buckets.
// The range is the Ranker's, not each graduate's, so that the bound pass
// files each post in its bucket as it bounds it, in one pass: the scan then
// reads a list's best buckets and stops (scanList), never visiting the
// ~4,500 of ~4,850 eligible posts a graduate of the generated set it does
// not score, where a per-graduate range cost a pass to find it, a counting
// sort over all of them and a skip test each.
func (r *Ranker) bucketRange() {
	lo, hi := math.Inf(1), math.Inf(-1)
	for slot, b := range r.bounds {
		if r.e.hot[slot].live {
			lo, hi = min(lo, b.fit), max(hi, b.fit+max(r.pref[slot], 0))
		}
	}
	// adjust's tables take at most the degree's weight off a fit, the text
	// and the occupation features add at most their weights (both ≤ 1).
	lo -= r.e.sc.w[FDegree]
	hi += r.wText + r.wOcc
	r.bucketTop, r.bucketScale = hi, 0
	if hi > lo && !math.IsInf(hi-lo, 0) {
		r.bucketScale = boundBuckets / (hi - lo)
	}
}

// bucket is the bucket of a bound: 0 the highest. NaN (which no bound is:
// its terms are finite) and rounding stay in range.
func (r *Ranker) bucket(ub float64) int {
	return min(max(int((r.bucketTop-ub)*r.bucketScale), 0), boundBuckets-1)
}

// bucketEdge is above every bound in bucket k ≥ 1 or a later one: the top
// of bucket k − 1, a whole bucket of margin for the rounding of bucket.
// +Inf when the range is degenerate (every post in bucket 0).
func (r *Ranker) bucketEdge(k int) float64 {
	if r.bucketScale == 0 {
		return math.Inf(1)
	}
	return r.bucketTop - float64(k-1)/r.bucketScale
}

// bound fills sc.bounds with the eligible posts f wants and their bounds,
// chains each into its short list's bucket (sc.head), and counts them by
// short list.
func (r *Ranker) bound(sc *scanScratch, gc *gradCtx, f postFilter, elig []uint64, acc []float32) (count [numChannels + 1]int) {
	sc.bounds = sc.bounds[:0]
	for i := range sc.head {
		sc.head[i] = -1
	}
	wanted := r.wantedSet(f) // the query's channel and kind, as a bitset
	adj := r.adjust(gc)
	ge := gc.eng
	if ge == nil || ge.single {
		for w, word := range elig {
			word &= wanted[w]
			for word != 0 {
				slot := w<<6 | bits.TrailingZeros64(word)
				word &= word - 1
				ub := r.upper(gc, adj, slot, acc[slot])
				k := int(r.bounds[slot].heap)*boundBuckets + r.bucket(ub)
				sc.bounds = append(sc.bounds, boundedPost{ub: ub, slot: int32(slot), next: sc.head[k]})
				sc.head[k] = int32(len(sc.bounds) - 1)
				count[r.bounds[slot].heap]++
			}
		}
		return count
	}
	// upper, inlined with what is the graduate's hoisted out of the loop:
	// the bound is ~18% of a batch run's CPU (it visits every eligible
	// post, ~6,000 a graduate, where the scan scores ~900), and the call,
	// the occupation feature's checks and the pointer chases were a third
	// of it. It must compute upper's value, operation for operation
	// (TestBoundInlineIsUpper).
	occAff, subj := ge.occAff, ge.subjects
	wText, wOcc, cut := r.wText, r.wOcc, r.cut
	rb, pref, subjects := r.bounds, r.pref, r.subjects
	top, scale := r.bucketTop, r.bucketScale
	bounds, head := sc.bounds, &sc.head
	for w, word := range elig {
		word &= wanted[w]
		for word != 0 {
			slot := w<<6 | bits.TrailingZeros64(word)
			word &= word - 1
			b := &rb[slot]
			occ := 0.0
			if b.occ >= 0 && (!b.hasSubj || subjects[slot]&subj != 0) {
				occ = float64(occAff[b.occ])
			}
			fit := b.fit + wText*clamp01(float64(acc[slot])) + wOcc*occ
			fit -= adj.deg[b.deg]
			ub := fit
			if fit >= cut {
				ub = fit + pref[slot] - adj.district[b.district+2] - adj.channel[b.heap]
			}
			k := int(b.heap)*boundBuckets + min(max(int((top-ub)*scale), 0), boundBuckets-1) // r.bucket
			bounds = append(bounds, boundedPost{ub: ub, slot: int32(slot), next: head[k]})
			head[k] = int32(len(bounds) - 1)
			count[b.heap]++
		}
	}
	sc.bounds = bounds
	return count
}
