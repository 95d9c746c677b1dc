package engine

import (
	"math"
	"math/bits"
)

// bound fills sc.bounds with the eligible posts f wants and their bounds,
// and counts them by short list.
func (r *Ranker) bound(sc *scanScratch, gc *gradCtx, f postFilter, elig []uint64, acc []float32) (count [numChannels + 1]int) {
	sc.bounds = sc.bounds[:0]
	lo, hi := math.Inf(1), math.Inf(-1)
	wanted := r.wantedSet(f) // the query's channel and kind, as a bitset
	adj := r.adjust(gc)
	ge := gc.eng
	if ge == nil || ge.single {
		for w, word := range elig {
			word &= wanted[w]
			for word != 0 {
				slot := w<<6 | bits.TrailingZeros64(word)
				word &= word - 1
				b := &r.bounds[slot]
				ub := r.upper(gc, adj, b, acc[slot])
				lo, hi = min(lo, ub), max(hi, ub)
				sc.bounds = append(sc.bounds, boundedPost{ub: ub, slot: int32(slot), heap: b.heap})
				count[b.heap]++
			}
		}
		sc.lo, sc.hi = lo, hi
		return count
	}
	// upper, inlined with what is the graduate's hoisted out of the loop:
	// the bound is ~18% of a batch run's CPU (it visits every eligible
	// post, ~6,000 a graduate, where the scan scores ~900), and the call,
	// the occupation feature's checks and the pointer chases were a third
	// of it. It must compute upper's value, operation for operation
	// (TestBoundInlineIsUpper).
	occAff, subj := ge.occAff, ge.subjects
	wText, wOcc, thr := r.wText, r.wOcc, r.e.sc.thr
	bounds := sc.bounds
	for w, word := range elig {
		word &= wanted[w]
		for word != 0 {
			slot := w<<6 | bits.TrailingZeros64(word)
			word &= word - 1
			b := &r.bounds[slot]
			occ := 0.0
			if b.occ >= 0 && (b.subjects == 0 || b.subjects&subj != 0) {
				occ = float64(occAff[b.occ])
			}
			fit := b.fit + wText*clamp01(float64(acc[slot])) + wOcc*occ
			if b.deg >= 0 {
				fit -= adj.deg[b.deg]
			}
			ub := fit
			if fit >= thr-boundSlack*(1+math.Abs(fit)) {
				ub = fit + b.pref - adj.district[b.district+2] - adj.channel[b.heap]
			}
			lo, hi = min(lo, ub), max(hi, ub)
			bounds = append(bounds, boundedPost{ub: ub, slot: int32(slot), heap: b.heap})
			count[b.heap]++
		}
	}
	sc.bounds = bounds
	sc.lo, sc.hi = lo, hi
	return count
}
