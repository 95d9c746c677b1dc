package batch

import (
	"fmt"
	"slices"
)

// A shard's result is JSON stored with the shard (run_shards.result) and
// decoded by the publish. Naming every post by its ID, it was 650 KB for a
// shard of 3,700 graduates on the generated set: 400 KB of it the
// districts' sets of posts shown, 250 KB the exposure by post. A shard and
// the publish hold the same table of open posts — the run's fingerprint,
// which both check, fixes it: every post's ID, version and places — so a
// result names a post by its index in that table (r.table, in ID order)
// instead, and ascending indexes as the gap from the one before. A result
// of a version before this (IDs: Before, After, districtCount.Posts) is
// read as it was written.

// gapPairs lists the posts of counts (by table index) with a count above
// zero as pairs: the index's gap from the previous pair's (the first: from
// 0) and the count.
func gapPairs(counts []int) []int {
	var out []int
	prev := 0
	for i, n := range counts {
		if n > 0 {
			out = append(out, i-prev, n)
			prev = i
		}
	}
	return out
}

// addGapPairs adds gapPairs' pairs to counts.
func addGapPairs(counts, pairs []int) error {
	if len(pairs)%2 != 0 {
		return fmt.Errorf("%d numbers: want pairs", len(pairs))
	}
	x := 0
	for k := 0; k < len(pairs); k += 2 {
		if x += pairs[k]; x < 0 || x >= len(counts) || (k > 0 && pairs[k] <= 0) {
			return fmt.Errorf("post index %d of %d posts", x, len(counts))
		}
		counts[x] += pairs[k+1]
	}
	return nil
}

// compactCounts moves each district's posts shown from IDs to ascending
// table indexes as gaps (PostIx); a post not in the table (none is: lists
// hold open jobs and internships) keeps its ID.
func (r *runner) compactCounts(c *ListCounts) {
	for _, d := range c.Districts {
		ix := make([]int, 0, len(d.Posts))
		for id := range d.Posts {
			if x, ok := r.posts[id]; ok {
				ix = append(ix, int(x))
				delete(d.Posts, id)
			}
		}
		slices.Sort(ix)
		for i := len(ix) - 1; i > 0; i-- {
			ix[i] -= ix[i-1]
		}
		d.PostIx = ix
		if len(d.Posts) == 0 {
			d.Posts = nil
		}
	}
}

// expandCounts puts each district's PostIx back into its set of post IDs.
func (r *runner) expandCounts(c *ListCounts) error {
	for k, d := range c.Districts {
		if d.Posts == nil {
			d.Posts = postSet{}
		}
		x := 0
		for i, gap := range d.PostIx {
			if x += gap; x < 0 || x >= len(r.table) || (i > 0 && gap <= 0) {
				return fmt.Errorf("district %s: post index %d of %d posts", k, x, len(r.table))
			}
			d.Posts[r.table[x].ID] = struct{}{}
		}
		d.PostIx = nil
	}
	return nil
}
