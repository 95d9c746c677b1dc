package matcher

import (
	"math"
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

// diversify picks up to q.Limit candidates from ranked (best first): at
// most q.PerEmployer per employer, and — when the graduate named preferred
// channels and the query did not fix one — channels mixed in proportion to
// the preferences (the first preference gets the largest share, channels
// the graduate did not name at most a quarter of the list each). When the
// channel shares leave places empty, a second pass fills them with the best
// remaining posts under the employer cap alone. The picks keep their ranked
// order.
//
// ranked holds, per channel, only the best candidates of that channel
// (the top max(4·Limit, Limit+32) of each; truncated[c+1] says channel c had
// more). That per-channel short list is the diversification's definition
// of "the candidates", which keeps the cost of a request independent of
// how many posts an employer published; exact is false only when the caps
// leave the list short while some channel had more, and the caller then
// rescans with longer short lists.
func diversify(e *Engine, gc *gradCtx, ranked []cand, truncated []bool, q *Query) (out []cand, exact bool) {
	k := q.Limit
	var caps [numChannels + 1]int
	for i := range caps {
		caps[i] = math.MaxInt
	}
	useCaps := false
	if ge := gc.eng; ge != nil && ge.hasChannelPrefs && q.Channel == "" {
		useCaps = true
		n := 0
		for _, r := range ge.channelRank {
			n = max(n, r)
		}
		sum := n * (n + 1) / 2
		for i, r := range ge.channelRank {
			if r > 0 {
				caps[i+1] = int(math.Ceil(float64(k) * float64(n-r+1) / float64(sum)))
			} else {
				caps[i+1] = int(math.Ceil(float64(k) / 4))
			}
		}
	}
	perEmp := map[string]int{}
	var perCh [numChannels + 1]int
	taken := make([]bool, len(ranked))
	picked := 0
	pass := func(channelCaps bool) {
		for i, c := range ranked {
			if picked == k {
				return
			}
			pr := e.slots[c.slot]
			ch := int(pr.chIdx) + 1
			if !taken[i] {
				emp := employerKey(pr.p)
				if perEmp[emp] < q.PerEmployer && (!channelCaps || perCh[ch] < caps[ch]) {
					taken[i] = true
					perEmp[emp]++
					perCh[ch]++
					picked++
				}
			}
		}
	}
	pass(useCaps)
	if useCaps && picked < k {
		pass(false)
	}
	exact = picked == k || !slices.Contains(truncated, true)
	out = make([]cand, 0, picked)
	for i, c := range ranked {
		if taken[i] {
			out = append(out, c)
		}
	}
	return out, exact
}

func employerKey(p *Post) string {
	if k := strings.TrimSpace(p.Employer); k != "" {
		return k
	}
	return "\x00" + p.ID // no employer named: do not lump such posts together
}

// numChannels is len(Channels), as a constant for array sizes.
const numChannels = 6
