package matcher

import (
	"slices"
	"strings"
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
}

// below reports whether a ranks below b.
func (h *candHeap) below(a, b cand) bool {
	if a.score != b.score {
		return a.score < b.score
	}
	return h.e.slots[a.slot].p.ID > h.e.slots[b.slot].p.ID
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

// sorted empties the heap into a slice, best first.
func (h *candHeap) sorted() []cand {
	out := h.c
	slices.SortFunc(out, func(a, b cand) int {
		switch {
		case h.below(b, a):
			return -1
		case h.below(a, b):
			return 1
		}
		return 0
	})
	h.c = nil
	return out
}

// diversify picks up to q.Limit candidates from ranked (best first) by a
// greedy walk that fills the list one position at a time: position i gets
// the best remaining candidate whose employer has fewer than q.PerEmployer
// items so far and whose channel, counted with it, stays within its running
// share of the first i items; when no candidate fits the shares, the best
// remaining one under the employer cap alone. Shares apply when the
// graduate named preferred channels and the query did not fix one: with n
// preferences, the one ranked r gets (n−r+1)/(1+…+n) of the list, channels
// the graduate did not name at most a quarter each, every share rounded up
// (⌈i·share⌉ after i items).
//
// Why greedy with running shares: the choice of position i depends only on
// positions 1..i−1 and the candidates, never on the limit, so a longer list
// always begins with the shorter one (prefix-stable). The nightly batch
// keeps 8 items and serves shorter requests from them, and a portal that
// asks for more must not reorder what it already showed. The price is that
// a list mixed by channel is not always in descending score order: a
// channel's turn can place a post above a better-scoring one from a channel
// that had already had its share.
//
// ranked holds, per channel, only the best candidates of that channel
// (truncated[c+1] says channel c had more). The walk knows the true best
// open candidate of every channel whose short list still holds one, or that
// was not truncated; when a channel whose unseen candidates could win the
// position has run out of open ones in its short list, exact is false and
// the caller rescans with longer short lists. The result is therefore the
// greedy over all eligible posts, whatever the short lists' length.
func diversify(e *Engine, gc *gradCtx, ranked []cand, truncated []bool, q *Query) (out []cand, exact bool) {
	k := q.Limit
	// weight[ch]/sum is channel ch's share; weight −1: no share (uncapped).
	var weight [numChannels + 1]int
	for i := range weight {
		weight[i] = -1
	}
	sum := 0
	if ge := gc.eng; ge != nil && ge.hasChannelPrefs && q.Channel == "" {
		n := 0
		for _, r := range ge.channelRank {
			n = max(n, r)
		}
		sum = n * (n + 1) / 2
		for i, r := range ge.channelRank {
			if r > 0 {
				weight[i+1] = n - r + 1
			} else {
				weight[i+1] = 0 // not named: a quarter, below
			}
		}
	}
	// within reports whether one more item of channel ch keeps the first
	// pos items within ch's running share.
	var perCh [numChannels + 1]int
	within := func(ch, pos int) bool {
		switch w := weight[ch]; {
		case w < 0:
			return true
		case w == 0:
			return perCh[ch] < (pos+3)/4 // ⌈pos/4⌉
		default:
			return perCh[ch] < (pos*w+sum-1)/sum // ⌈pos·w/sum⌉
		}
	}
	anyChannel := func(int, int) bool { return true }

	var lists [numChannels + 1][]int32 // indexes into ranked, per channel, best first
	for i, c := range ranked {
		ch := int(e.slots[c.slot].chIdx) + 1
		lists[ch] = append(lists[ch], int32(i))
	}
	var cur [numChannels + 1]int
	perEmp := map[string]int{}
	taken := make([]bool, len(ranked))
	// head is channel ch's best candidate that is still open (not taken,
	// employer under the cap), as an index into ranked; -1 when its short
	// list has none left. Both conditions only ever close a candidate, so
	// the cursor only moves forward.
	head := func(ch int) int {
		l := lists[ch]
		for ; cur[ch] < len(l); cur[ch]++ {
			i := l[cur[ch]]
			if !taken[i] && perEmp[employerKey(e.slots[ranked[i].slot].p)] < q.PerEmployer {
				return int(i)
			}
		}
		return -1
	}
	// choose returns the best open candidate whose channel allow accepts
	// (-1: none), and false when an unseen candidate could beat it.
	choose := func(pos int, allow func(ch, pos int) bool) (int, bool) {
		best, unseen := -1, -1
		for ch := range lists {
			if !allow(ch, pos) {
				continue
			}
			if h := head(ch); h >= 0 {
				if best < 0 || h < best {
					best = h
				}
			} else if truncated[ch] && len(lists[ch]) > 0 {
				// Its unseen candidates rank below its last kept one.
				if last := int(lists[ch][len(lists[ch])-1]); unseen < 0 || last < unseen {
					unseen = last
				}
			}
		}
		return best, unseen < 0 || (best >= 0 && best < unseen)
	}
	for len(out) < k {
		pos := len(out) + 1
		i, ok := choose(pos, within)
		if ok && i < 0 && sum > 0 {
			i, ok = choose(pos, anyChannel)
		}
		if !ok {
			return nil, false
		}
		if i < 0 {
			break
		}
		c := ranked[i]
		taken[i] = true
		perEmp[employerKey(e.slots[c.slot].p)]++
		perCh[int(e.slots[c.slot].chIdx)+1]++
		out = append(out, c)
	}
	return out, true
}

func employerKey(p *Post) string {
	if k := strings.TrimSpace(p.Employer); k != "" {
		return k
	}
	return "\x00" + p.ID // no employer named: do not lump such posts together
}

// numChannels is len(Channels), as a constant for array sizes.
const numChannels = 6
