package engine

import (
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

// mixSource is what the greedy reads of the candidates, best first: n of
// them, their score, channel (index into Channels + 1, 0 unknown) and
// employer (an ID equal for the same employer; noEmployer: an employer of
// its own); truncated[ch] says channel ch has more candidates, all ranking
// below its last one here (nil: none).
type mixSource struct {
	n         int
	score     func(i int) float64
	channel   func(i int) int
	employer  func(i int) int32
	truncated []bool
	// floor is the lowest score a floor or the dominance cap may place
	// (the scorer's fit threshold: a channel preference never places a
	// post that does not fit); -Inf for none. unfit (nil: none) marks
	// candidates the same rule holds back whatever their score.
	floor float64
	unfit func(i int) bool
}

// diversify picks up to q.Limit candidates from ranked (best first) by the
// greedy of mixGreedy, with the graduate's channel preferences unless the
// query fixed a channel.
//
// ranked holds, per channel, only the best candidates of that channel
// (truncated[c+1] says channel c had more). The walk knows the true best
// open candidate of every channel whose short list still holds one, or that
// was not truncated; when a channel whose unseen candidates could change
// the choice has run out of open ones in its short list, exact is false and
// the caller rescans with longer short lists. The result is therefore the
// greedy over all eligible posts, whatever the short lists' length.
//
// emp, when not nil, is each slot's employer ID (Ranker.emp); nil interns
// the candidates' employers here.
func diversify(e *Engine, gc *gradCtx, ranked []cand, truncated []bool, q *matcher.Query, emp []int32) (out []cand, exact bool) {
	var mix channelMix
	if ge := gc.eng; ge != nil && ge.hasChannelPrefs && q.Channel == "" {
		mix = newChannelMix(ge.channelRank)
	}
	employer := func(i int) int32 { return emp[ranked[i].slot] }
	if emp == nil {
		ids := employerIDs(len(ranked), func(i int) string { return employerKey(e.slots[ranked[i].slot].Post) })
		employer = func(i int) int32 { return ids[i] }
	}
	src := mixSource{
		n:         len(ranked),
		score:     func(i int) float64 { return ranked[i].score },
		channel:   func(i int) int { return int(e.slots[ranked[i].slot].chIdx) + 1 },
		employer:  employer,
		truncated: truncated,
		floor:     e.sc.thr,
	}
	picked, exact := mixGreedy(&src, &mix, q.Limit, q.PerEmployer)
	if !exact {
		return nil, false
	}
	for _, i := range picked {
		out = append(out, ranked[i])
	}
	return out, true
}

// mixGreedy fills a list of up to k items one position at a time. Position
// i takes, among the open candidates (not taken, employer under perEmployer
// items so far; perEmployer ≤ 0: no cap), with best the best open one and
// "fitting" meaning a score of at least fitThreshold(best):
//
//  1. the best fitting candidate of a preferred channel that is below its
//     floor ⌈i·share⌉ among the first i items, if any;
//  2. else best, unless its channel already holds dominanceCap(i) of the
//     first i items and some other channel (or a post of unknown channel)
//     has a fitting candidate: then the best such.
//
// Without an active mix it is best every time. Why greedy: position i
// depends only on positions 1..i−1 and the candidates, never on k, so a
// longer list begins with the shorter one (prefix-stable). Why the
// tolerance: a floor or the dominance cap may only place a post that fits
// nearly as well as the best, so a preferred channel without fitting posts
// forces no bad post in, and a channel holding all the fitting posts keeps
// them. It returns indexes in list order, and false when a truncated
// channel's unseen candidates could have changed a choice.
func mixGreedy(src *mixSource, mix *channelMix, k, perEmployer int) ([]int, bool) {
	g := newGreedy(src, perEmployer)
	var out []int
	for len(out) < k {
		b, ok := g.next(mix, len(out)+1)
		if !ok {
			return nil, false
		}
		if b < 0 {
			break
		}
		g.take(b)
		out = append(out, b)
	}
	return out, true
}

// greedy is mixGreedy's state: the candidates per channel, best first,
// what is taken, and the counts the caps read.
type greedy struct {
	src         *mixSource
	perEmployer int
	lists       [numChannels + 1][]int32 // candidate indexes, per channel, best first
	cur         [numChannels + 1]int     // per channel, where its best open candidate may be
	perCh       [numChannels + 1]int     // items taken per channel
	// perEmp counts the items taken per employer: a list holds a few
	// dozen at most, so a scan of a short slice beats a map.
	perEmp []empCount
	taken  []bool
}

type empCount struct {
	id int32
	n  int
}

// taken returns how many items of employer id are taken.
func (g *greedy) empTaken(id int32) int {
	for _, c := range g.perEmp {
		if c.id == id {
			return c.n
		}
	}
	return 0
}

func newGreedy(src *mixSource, perEmployer int) *greedy {
	g := &greedy{src: src, perEmployer: perEmployer, taken: make([]bool, src.n)}
	for i := range src.n {
		ch := src.channel(i)
		g.lists[ch] = append(g.lists[ch], int32(i))
	}
	return g
}

// next chooses position pos (1-based): the best open candidate, unless the
// channel mix sends the position to another channel; -1 when none is open,
// and false when a truncated channel's unseen candidates could change it.
func (g *greedy) next(mix *channelMix, pos int) (int, bool) {
	b, ok := g.choose(func(int) bool { return true }, math.Inf(-1))
	if !ok || b < 0 || !mix.active {
		return b, ok
	}
	thr := max(fitThreshold(g.src.score(b)), g.src.floor)
	f, ok := g.choose(func(ch int) bool { return mix.belowFloor(ch, g.perCh[ch], pos) }, thr)
	if !ok {
		return -1, false
	}
	if f >= 0 {
		return f, true
	}
	if ch := g.src.channel(b); ch > 0 && g.perCh[ch] >= dominanceCap(pos) {
		c, ok := g.choose(func(ch int) bool { return ch == 0 || g.perCh[ch] < dominanceCap(pos) }, thr)
		if !ok {
			return -1, false
		}
		if c >= 0 {
			return c, true
		}
	}
	return b, true
}

func (g *greedy) take(b int) {
	g.taken[b] = true
	if g.perEmployer > 0 {
		if emp := g.src.employer(b); emp != noEmployer {
			i := slices.IndexFunc(g.perEmp, func(c empCount) bool { return c.id == emp })
			if i < 0 {
				i = len(g.perEmp)
				g.perEmp = append(g.perEmp, empCount{id: emp})
			}
			g.perEmp[i].n++
		}
	}
	g.perCh[g.src.channel(b)]++
}

func (g *greedy) open(i int) bool {
	if g.taken[i] {
		return false
	}
	if g.perEmployer <= 0 {
		return true
	}
	emp := g.src.employer(i)
	return emp == noEmployer || g.empTaken(emp) < g.perEmployer
}

// head is channel ch's best open candidate (-1: its list has none left).
// Taking and the employer cap only ever close a candidate, so the cursor
// only moves forward.
func (g *greedy) head(ch int) int {
	l := g.lists[ch]
	for ; g.cur[ch] < len(l); g.cur[ch]++ {
		if i := int(l[g.cur[ch]]); g.open(i) {
			return i
		}
	}
	return -1
}

// choose returns the best open candidate of a channel allow accepts
// scoring at least thr (-1: none), and false when a truncated channel's
// unseen candidates could beat it.
func (g *greedy) choose(allow func(ch int) bool, thr float64) (int, bool) {
	best, unseen := -1, -1
	for ch := range g.lists {
		if !allow(ch) {
			continue
		}
		if h := g.head(ch); h >= 0 {
			if g.src.score(h) >= thr && (g.src.unfit == nil || thr == math.Inf(-1) || !g.src.unfit(h)) && (best < 0 || h < best) {
				best = h
			}
		} else if g.src.truncated != nil && g.src.truncated[ch] && len(g.lists[ch]) > 0 {
			// Its unseen candidates rank below its last kept one.
			last := int(g.lists[ch][len(g.lists[ch])-1])
			if g.src.score(last) >= thr && (unseen < 0 || last < unseen) {
				unseen = last
			}
		}
	}
	return best, unseen < 0 || (best >= 0 && best < unseen)
}

// MixCandidate is one candidate for MixChannels.
type MixCandidate struct {
	Score    float64
	Channel  matcher.Channel // "" or unknown: outside the channel rule
	Employer string          // "": an employer of its own
	// Unfit: the engine's score is below its fit threshold (Engine.Fits):
	// the channel mix never places it by a floor or the dominance cap.
	Unfit bool
}

// MixChannels applies the engine's ranking rule (employer cap and channel
// mix, see mixGreedy) to cands, which must be ordered best first (equal
// scores in the order the caller breaks ties). preferred is the graduate's
// ordered channel preferences (invalid and repeated entries are ignored;
// none: the employer cap alone); perEmployer ≤ 0 means no cap. It returns
// up to limit indexes into cands, in list order. The nightly batch re-ranks
// its candidates with it, so a re-ranked list obeys the same rule as a
// list the engine serves.
func MixChannels(cands []MixCandidate, preferred []matcher.Channel, limit, perEmployer int) []int {
	return MixChannelsByID(cands, MixEmployerIDs(cands), preferred, limit, perEmployer)
}

// MixEmployerIDs numbers the candidates' employers as MixChannels compares
// them (equal trimmed names get equal IDs; none named: an employer of its
// own, a negative ID).
func MixEmployerIDs(cands []MixCandidate) []int32 {
	return employerIDs(len(cands), func(i int) string { return strings.TrimSpace(cands[i].Employer) })
}

// MixChannelsByID is MixChannels with the candidates' employers already
// numbered (employers[i] is cands[i]'s, from MixEmployerIDs over the same
// candidates in any order; Employer is then not read): a caller that
// re-ranks one graduate's candidates many times numbers them once.
func MixChannelsByID(cands []MixCandidate, employers []int32, preferred []matcher.Channel, limit, perEmployer int) []int {
	var rank [numChannels]int
	n := 0
	for _, c := range preferred {
		if i := slices.Index(matcher.Channels, c); i >= 0 && rank[i] == 0 {
			n++
			rank[i] = n
		}
	}
	mix := newChannelMix(rank)
	emp := employers
	src := mixSource{
		n:        len(cands),
		score:    func(i int) float64 { return cands[i].Score },
		channel:  func(i int) int { return slices.Index(matcher.Channels, cands[i].Channel) + 1 },
		employer: func(i int) int32 { return emp[i] },
		floor:    math.Inf(-1),
		unfit:    func(i int) bool { return cands[i].Unfit },
	}
	out, _ := mixGreedy(&src, &mix, limit, perEmployer)
	return out
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
