package engine

import (
	"cmp"
	"math"
	"slices"
	"strings"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// cand is a scored eligible post.
type cand struct {
	score float64
	slot  int32
	text  float32
}

// candHeap keeps the best m candidates: a min-heap whose root is the worst
// kept candidate, so a scan over n posts costs O(n log m), not a full sort.
// Equal scores are broken by post ID (smaller ID ranks higher), which makes
// the order total and the output reproducible.
type candHeap struct {
	e *Engine
	c []cand
	// idRank, when set, is each slot's post ID's place in ID order (a
	// Ranker's, Ranker.idRank): ties compare two integers of one small
	// array instead of two strings three pointers away, which under a
	// served load was a tenth of the CPU.
	idRank []int32
}

// below reports whether a ranks below b.
func (h *candHeap) below(a, b cand) bool {
	if a.score != b.score {
		return a.score < b.score
	}
	if h.idRank != nil {
		return h.idRank[a.slot] > h.idRank[b.slot]
	}
	return h.e.slots[a.slot].Post.ID > h.e.slots[b.slot].Post.ID
}

func (h *candHeap) offer(c cand, m int) {
	if len(h.c) < m {
		h.c = append(h.c, c)
		h.up(len(h.c) - 1)
		return
	}
	if m == 0 || !h.below(h.c[0], c) {
		return
	}
	h.c[0] = c
	h.down(0)
}

func (h *candHeap) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !h.below(h.c[i], h.c[p]) {
			return
		}
		h.c[i], h.c[p] = h.c[p], h.c[i]
		i = p
	}
}

func (h *candHeap) down(i int) {
	n := len(h.c)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		s := l
		if r := l + 1; r < n && h.below(h.c[r], h.c[l]) {
			s = r
		}
		if !h.below(h.c[s], h.c[i]) {
			return
		}
		h.c[i], h.c[s] = h.c[s], h.c[i]
		i = s
	}
}

// sorted empties the heap into a slice, best first: below's order, one
// comparison of the scores and one of the ID ranks a pair (asking below
// both ways was two of each, a fifth of a batch list's merge of its short
// lists).
func (h *candHeap) sorted() []cand {
	out := h.c
	if rank := h.idRank; rank != nil {
		slices.SortFunc(out, func(a, b cand) int {
			switch {
			case a.score > b.score:
				return -1
			case a.score < b.score:
				return 1
			}
			return cmp.Compare(rank[a.slot], rank[b.slot])
		})
	} else {
		slices.SortFunc(out, func(a, b cand) int {
			switch {
			case h.below(b, a):
				return -1
			case h.below(a, b):
				return 1
			}
			return 0
		})
	}
	h.c = nil
	return out
}

// The channel mix's parameters (see diversify and doc.go).
const (
	// mixPreferredShare is the part of a list the preferred channels
	// together are owed (when they have fitting posts), split by rank.
	mixPreferredShare = 0.5
	// mixDominanceNum/Den: no channel holds more than ⌈i·3/5⌉ of the first
	// i items while another channel has a fitting post.
	mixDominanceNum, mixDominanceDen = 3, 5
	// mixTolerance: a post "fits" position i when its score is at least
	// best − mixTolerance·|best|, best being the best open post's score.
	mixTolerance = 0.25
)

// channelMix is the channel rule for one request: floorW[ch]/floorDen is
// the floor share of channel ch (index into Channels + 1; 0 for a channel
// the graduate did not name). active is false when the graduate named no
// channel or the query fixed one: then only the employer cap applies.
type channelMix struct {
	active   bool
	floorW   [numChannels + 1]int
	floorDen int
}

// newChannelMix derives the rule from 1-based preference ranks (0: not
// named): with n preferences, the one ranked r has the floor share
// ½·(n−r+1)/(1+…+n).
func newChannelMix(rank [numChannels]int) channelMix {
	var m channelMix
	n := 0
	for _, r := range rank {
		n = max(n, r)
	}
	if n == 0 {
		return m
	}
	m.active = true
	m.floorDen = 2 * n * (n + 1) / 2 // 1/mixPreferredShare · (1+…+n)
	for i, r := range rank {
		if r > 0 {
			m.floorW[i+1] = n - r + 1
		}
	}
	return m
}

// belowFloor reports whether channel ch has fewer than its floor,
// ⌈pos·share⌉, among the first pos items.
func (m *channelMix) belowFloor(ch, have, pos int) bool {
	w := m.floorW[ch]
	return w > 0 && have < (pos*w+m.floorDen-1)/m.floorDen
}

// dominanceCap is the most items one channel may hold among the first pos
// while another has a fitting post: ⌈pos·3/5⌉ (no limit below 3 items).
func dominanceCap(pos int) int {
	return (pos*mixDominanceNum + mixDominanceDen - 1) / mixDominanceDen
}

// fitThreshold is the lowest score that still fits a position whose best
// open post scores best.
func fitThreshold(best float64) float64 {
	return best - mixTolerance*math.Abs(best)
}

// noEmployer is the employer ID of a candidate whose employer is its own
// (none named): the per-employer cap never holds it back.
const noEmployer = -1

// employerIDs numbers n employer keys (key(i)) so that equal keys get
// equal IDs: the greedy then compares integers. "" and employerKey's keys
// of posts naming no employer (NUL and the post's ID, one of its own) get
// noEmployer.
func employerIDs(n int, key func(i int) string) []int32 {
	out := make([]int32, n)
	seen := make(map[string]int32, n)
	for i := range out {
		k := key(i)
		if k == "" || k[0] == 0 {
			out[i] = noEmployer
			continue
		}
		id, ok := seen[k]
		if !ok {
			id = int32(len(seen))
			seen[k] = id
		}
		out[i] = id
	}
	return out
}

func employerKey(p *matcher.Post) string {
	if k := strings.TrimSpace(p.Employer); k != "" {
		return k
	}
	return "\x00" + p.ID // no employer named: do not lump such posts together
}

// numChannels is len(Channels), as a constant for array sizes.
const numChannels = 6
