package engine

import (
	"slices"
	"strings"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// sortedTermCounts is sortedCounts(termCounts(an, texts, reps)) without the
// map: the useful terms of every text are listed with their text's weight,
// sorted, and equal terms summed. A post's hundred-odd terms went one by
// one into a map that grew several times, then out of it into the slice
// sortedCounts sorts anyway: that was most of counting a post's terms
// (postTermCounts, run for every post after `ingest posts` and by a build
// without a term cache). The sums are of small integers, exact in any
// order, so the counts are termCounts's to the bit.
func sortedTermCounts(an matcher.Analyzer, texts []string, reps []int) []termCount {
	tc := []termCount{} // never nil, as sortedCounts's
	for i, t := range texts {
		if t == "" {
			continue
		}
		terms := an.Terms(t)
		tc = slices.Grow(tc, len(terms))
		for _, term := range terms {
			if term, ok := usefulTerm(term); ok {
				tc = append(tc, termCount{term, float64(reps[i])})
			}
		}
	}
	slices.SortFunc(tc, func(a, b termCount) int { return strings.Compare(a.term, b.term) })
	out := tc[:0]
	for _, x := range tc {
		if k := len(out) - 1; k >= 0 && out[k].term == x.term {
			out[k].n += x.n
			continue
		}
		out = append(out, x)
	}
	return slices.Clip(out)
}
