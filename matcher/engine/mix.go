package engine

import (
	"math"
	"slices"
	"strings"
	"sync"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// MixItem is one candidate for Mixer.Mix: MixCandidate with its channel
// and employer already numbered, so that the greedy reads 16 bytes a
// candidate and compares small integers.
type MixItem struct {
	Score float64
	// Employer is MixEmployerIDs's number (negative: an employer of its
	// own, never held back by the per-employer cap).
	Employer int32
	// Channel is MixChannel's number: 0 outside the channel rule.
	Channel uint8
	// Unfit: as MixCandidate.Unfit.
	Unfit bool
}

// MixChannel numbers a channel as the channel mix reads it: 1 + its index
// in matcher.Channels; 0 for "" or an unknown channel (outside the rule).
func MixChannel(c matcher.Channel) uint8 {
	return uint8(slices.Index(matcher.Channels, c) + 1)
}

// MixRule is the channel rule of a graduate's ordered channel preferences
// (invalid and repeated entries ignored; none: the employer cap alone),
// derived once for the many lists of one graduate a caller mixes.
type MixRule struct{ mix channelMix }

// NewMixRule derives the rule of preferred (a ranked list has its
// graduate's: Ranked.MixRule).
func NewMixRule(preferred []matcher.Channel) MixRule {
	var rank [numChannels]int
	n := 0
	for _, c := range preferred {
		if i := slices.Index(matcher.Channels, c); i >= 0 && rank[i] == 0 {
			n++
			rank[i] = n
		}
	}
	return MixRule{newChannelMix(rank)}
}

// Mixer is the working memory of the channel mix's greedy, kept by a
// caller that mixes many lists (one Mixer per goroutine): a fresh state
// per list was half of the greedy's cost on the nightly batch (its
// per-channel lists grown from nothing, every list).
type Mixer struct {
	g     greedy
	items []MixItem // diversify's candidates
	out   []int
}

// Mix is MixChannels over items (best first; see MixItem) under rule: up
// to limit indexes into items, in list order. The slice returned is the
// Mixer's, valid until its next call.
func (m *Mixer) Mix(items []MixItem, rule *MixRule, limit, perEmployer int) []int {
	src := mixSource{items: items, floor: math.Inf(-1), unfit: true}
	out, _ := m.run(&src, &rule.mix, limit, perEmployer)
	return out
}

// mixers hold the Mixers of the engine's own ranking (diversify), which
// runs on the callers' goroutines.
var mixers = sync.Pool{New: func() any { return new(Mixer) }}

// mixSource is what the greedy reads of the candidates, best first:
// their score, channel and employer (MixItem); truncated[ch] says channel
// ch has more candidates, all ranking below its last one here (nil: none).
type mixSource struct {
	items     []MixItem
	truncated []bool
	// floor is the lowest score a floor or the dominance cap may place
	// (the scorer's fit threshold: a channel preference never places a
	// post that does not fit); -Inf for none. unfit: the items' Unfit
	// holds a candidate back the same way whatever its score (false: no
	// candidate is held back so).
	floor float64
	unfit bool
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
	if ge := gc.eng; ge != nil && q.Channel == "" {
		mix = ge.mix // inactive when the graduate named no channel
	}
	var ids []int32
	if emp == nil {
		ids = employerIDs(len(ranked), func(i int) string { return employerKey(e.slots[ranked[i].slot].Post) })
	}
	m := mixers.Get().(*Mixer)
	defer mixers.Put(m)
	items := slices.Grow(m.items[:0], len(ranked))[:len(ranked)]
	for i, c := range ranked {
		// The channel from the contiguous hot records: the scan grouped
		// the short lists by it, and a post's full record is a pointer
		// away (a cache miss a candidate).
		it := MixItem{Score: c.score, Channel: uint8(e.hot[c.slot].chIdx + 1)}
		if ids != nil {
			it.Employer = ids[i]
		} else {
			it.Employer = emp[c.slot]
		}
		items[i] = it
	}
	m.items = items
	src := mixSource{items: items, truncated: truncated, floor: e.sc.thr}
	picked, exact := m.run(&src, &mix, q.Limit, q.PerEmployer)
	if !exact {
		return nil, false
	}
	for _, i := range picked {
		out = append(out, ranked[i])
	}
	return out, true
}

// run is mixGreedy on m's memory: the indexes it returns are m's.
//
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
func (m *Mixer) run(src *mixSource, mix *channelMix, k, perEmployer int) ([]int, bool) {
	g := &m.g
	g.reset(src, perEmployer)
	out := m.out[:0]
	defer func() { m.out = out[:0] }()
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
	all         int                      // where the best open candidate may be (best)
	// perEmp counts the items taken per employer: a list holds a few
	// dozen at most, so a scan of a short slice beats a map.
	perEmp []empCount
	taken  []bool
}

type empCount struct {
	id int32
	n  int
}

// empTaken returns how many items of employer id are taken.
func (g *greedy) empTaken(id int32) int {
	for _, c := range g.perEmp {
		if c.id == id {
			return c.n
		}
	}
	return 0
}

// reset readies g for src, keeping its memory.
func (g *greedy) reset(src *mixSource, perEmployer int) {
	g.src, g.perEmployer = src, perEmployer
	for ch := range g.lists {
		g.lists[ch] = g.lists[ch][:0]
	}
	g.cur, g.perCh = [numChannels + 1]int{}, [numChannels + 1]int{}
	g.all = 0
	g.perEmp = g.perEmp[:0]
	n := len(src.items)
	g.taken = slices.Grow(g.taken[:0], n)[:n]
	clear(g.taken)
	for i := range src.items {
		ch := g.channel(i)
		g.lists[ch] = append(g.lists[ch], int32(i))
	}
}

// channel is candidate i's channel number (MixItem.Channel; out of range:
// 0, outside the rule).
func (g *greedy) channel(i int) int {
	if ch := int(g.src.items[i].Channel); ch <= numChannels {
		return ch
	}
	return 0
}

// allChannels is the channel mask of every channel number.
const allChannels = 1<<(numChannels+1) - 1

// next chooses position pos (1-based): the best open candidate, unless the
// channel mix sends the position to another channel; -1 when none is open,
// and false when a truncated channel's unseen candidates could change it.
func (g *greedy) next(mix *channelMix, pos int) (int, bool) {
	b, ok := g.best()
	if !ok || b < 0 || !mix.active {
		return b, ok
	}
	thr := max(fitThreshold(g.src.items[b].Score), g.src.floor)
	var below uint8
	for ch := range g.lists {
		if mix.belowFloor(ch, g.perCh[ch], pos) {
			below |= 1 << ch
		}
	}
	f, ok := g.choose(below, thr)
	if !ok {
		return -1, false
	}
	if f >= 0 {
		return f, true
	}
	if capN := dominanceCap(pos); g.channel(b) > 0 && g.perCh[g.channel(b)] >= capN {
		under := uint8(1) // a post of unknown channel
		for ch := 1; ch < len(g.lists); ch++ {
			if g.perCh[ch] < capN {
				under |= 1 << ch
			}
		}
		c, ok := g.choose(under, thr)
		if !ok {
			return -1, false
		}
		if c >= 0 {
			return c, true
		}
	}
	return b, true
}

// best is the best open candidate: choose over every channel at no
// threshold. Without truncated channels it is the first open candidate,
// found by a cursor of its own (open candidates only ever close, so it
// only moves forward) instead of a look at each of the seven channels'
// heads: on the batch's re-ranking (no truncated channels) the first open
// candidate is most often the first one not taken.
func (g *greedy) best() (int, bool) {
	if g.src.truncated != nil {
		return g.choose(allChannels, math.Inf(-1))
	}
	for ; g.all < len(g.src.items); g.all++ {
		if g.open(g.all) {
			if g.src.items[g.all].Score >= math.Inf(-1) {
				return g.all, true
			}
			break // a NaN score: choose's reading of it
		}
	}
	if g.all == len(g.src.items) {
		return -1, true
	}
	return g.choose(allChannels, math.Inf(-1))
}

func (g *greedy) take(b int) {
	g.taken[b] = true
	if g.perEmployer > 0 {
		if emp := g.src.items[b].Employer; emp != noEmployer {
			i := slices.IndexFunc(g.perEmp, func(c empCount) bool { return c.id == emp })
			if i < 0 {
				i = len(g.perEmp)
				g.perEmp = append(g.perEmp, empCount{id: emp})
			}
			g.perEmp[i].n++
		}
	}
	g.perCh[g.channel(b)]++
}

func (g *greedy) open(i int) bool {
	if g.taken[i] {
		return false
	}
	if g.perEmployer <= 0 {
		return true
	}
	emp := g.src.items[i].Employer
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

// choose returns the best open candidate of a channel in the mask allow
// (bit ch: channel ch) scoring at least thr (-1: none), and false when a
// truncated channel's unseen candidates could beat it.
func (g *greedy) choose(allow uint8, thr float64) (int, bool) {
	best, unseen := -1, -1
	items := g.src.items
	held := g.src.unfit && thr != math.Inf(-1)
	for ch := range g.lists {
		if allow&(1<<ch) == 0 {
			continue
		}
		if h := g.head(ch); h >= 0 {
			if items[h].Score >= thr && (!held || !items[h].Unfit) && (best < 0 || h < best) {
				best = h
			}
		} else if g.src.truncated != nil && g.src.truncated[ch] && len(g.lists[ch]) > 0 {
			// Its unseen candidates rank below its last kept one.
			last := int(g.lists[ch][len(g.lists[ch])-1])
			if items[last].Score >= thr && (unseen < 0 || last < unseen) {
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
// its candidates with it (through Mixer.Mix, the same greedy), so a
// re-ranked list obeys the same rule as a list the engine serves.
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
// re-ranks one graduate's candidates many times numbers them once (and,
// with Mixer.Mix, its channels and preferences too).
func MixChannelsByID(cands []MixCandidate, employers []int32, preferred []matcher.Channel, limit, perEmployer int) []int {
	items := make([]MixItem, len(cands))
	for i, c := range cands {
		items[i] = MixItem{Score: c.Score, Employer: employers[i], Channel: MixChannel(c.Channel), Unfit: c.Unfit}
	}
	rule := NewMixRule(preferred)
	var m Mixer // its own: the slice it returns is no one else's
	return m.Mix(items, &rule, limit, perEmployer)
}

// MixItems is the list's posts as Mixer.Mix reads them, in the list's
// order: Score the post's (RankedPost.Score), Unfit below the engine's fit
// threshold (Engine.Fits of that score), the channel numbered
// (MixChannel) and the employer the Ranker's number of it, which equals
// another post's exactly when MixEmployerIDs's would (the trimmed names;
// none named: an employer of its own). The nightly batch re-ranks the list
// with them: numbering the employers per graduate, through a map of the
// names, was a tenth of its picks' cost.
//
// The channel is the number Rank took from the post's hot record
// (RankedPost.mixChannel), not its name looked up in matcher.Channels.
func (rk *Ranked) MixItems() []MixItem {
	out := make([]MixItem, len(rk.cands))
	for i, c := range rk.cands {
		p := &rk.Posts[i]
		out[i] = MixItem{Score: p.Score, Employer: rk.r.emp[c.slot], Channel: p.mixChannel, Unfit: !rk.r.e.sc.fits(p.Score)}
	}
	return out
}

// MixRule is the channel rule of the list's graduate: NewMixRule of their
// preferred channels, which the ranking derived already.
func (rk *Ranked) MixRule() MixRule {
	if ge := rk.gc.eng; ge != nil {
		return MixRule{ge.mix}
	}
	return MixRule{}
}
