package engine

import (
	"fmt"
	"math/rand"
	"slices"
	"testing"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// naiveMix is a direct reading of mixGreedy's rule over every candidate
// (no per-channel lists, no cursors): the reference Mixer.Mix is held to.
func naiveMix(items []MixItem, prefs []matcher.Channel, limit, perEmployer int) []int {
	mix := NewMixRule(prefs).mix
	taken := make([]bool, len(items))
	perEmp := map[int32]int{}
	var perCh [numChannels + 1]int
	open := func(i int) bool {
		e := items[i].Employer
		return !taken[i] && (perEmployer <= 0 || e == noEmployer || perEmp[e] < perEmployer)
	}
	// best is the first open candidate ok accepts (items are best first).
	best := func(ok func(i int) bool) int {
		for i := range items {
			if open(i) && ok(i) {
				return i
			}
		}
		return -1
	}
	var out []int
	for pos := 1; len(out) < limit; pos++ {
		b := best(func(int) bool { return true })
		if b < 0 {
			break
		}
		if mix.active {
			thr := fitThreshold(items[b].Score)
			// A channel offers its best open candidate only: an unfit one
			// holds the channel's turn back (the greedy reads heads).
			head := func(i int) bool {
				return best(func(j int) bool { return items[j].Channel == items[i].Channel }) == i
			}
			fits := func(i int) bool { return items[i].Score >= thr && !items[i].Unfit && head(i) }
			capN := dominanceCap(pos)
			if f := best(func(i int) bool {
				ch := int(items[i].Channel)
				return fits(i) && mix.belowFloor(ch, perCh[ch], pos)
			}); f >= 0 {
				b = f
			} else if ch := int(items[b].Channel); ch > 0 && perCh[ch] >= capN {
				if c := best(func(i int) bool {
					ch := int(items[i].Channel)
					return fits(i) && (ch == 0 || perCh[ch] < capN)
				}); c >= 0 {
					b = c
				}
			}
		}
		taken[b] = true
		if perEmployer > 0 && items[b].Employer != noEmployer {
			perEmp[items[b].Employer]++
		}
		perCh[items[b].Channel]++
		out = append(out, b)
	}
	return out
}

// randomMix is a list of n candidates, best first, with few employers and
// channels so that both caps and the mix bite, some unfit, some tied.
func randomMix(rng *rand.Rand, n int) []MixItem {
	items := make([]MixItem, n)
	s := 10.0
	for i := range items {
		if rng.Intn(5) > 0 {
			s -= rng.Float64() * 0.4
		}
		items[i] = MixItem{Score: s, Employer: int32(rng.Intn(8)) - 1, Channel: uint8(rng.Intn(numChannels + 1)), Unfit: rng.Intn(6) == 0}
	}
	return items
}

// TestMixerMatchesNaiveRule: one Mixer, reused across lists of every
// length, preference set and cap (as the batch's workers reuse theirs),
// gives the naive rule's list each time, and MixChannels (a fresh Mixer)
// the same.
func TestMixerMatchesNaiveRule(t *testing.T) {
	rng := rand.New(rand.NewSource(11))
	prefSets := [][]matcher.Channel{nil, {matcher.ChannelStateOwned}, {matcher.ChannelSME, matcher.ChannelPublicSector}, matcher.Channels, {"nonsense", matcher.ChannelSME, matcher.ChannelSME}}
	var m Mixer
	mixed := 0
	for trial := range 3000 {
		items := randomMix(rng, rng.Intn(70))
		prefs := prefSets[trial%len(prefSets)]
		limit, pe := rng.Intn(30), rng.Intn(4)
		rule := NewMixRule(prefs)
		want := naiveMix(items, prefs, limit, pe)
		got := m.Mix(items, &rule, limit, pe)
		if !slices.Equal(got, want) {
			t.Fatalf("trial %d (prefs %v, limit %d, cap %d): Mix = %v, naive %v", trial, prefs, limit, pe, got, want)
		}
		cands := make([]MixCandidate, len(items))
		emp := make([]int32, len(items))
		for i, it := range items {
			cands[i] = MixCandidate{Score: it.Score, Unfit: it.Unfit}
			if it.Channel > 0 {
				cands[i].Channel = matcher.Channels[it.Channel-1]
			}
			emp[i] = it.Employer
		}
		if byID := MixChannelsByID(cands, emp, prefs, limit, pe); !slices.Equal(byID, want) {
			t.Fatalf("trial %d: MixChannelsByID = %v, naive %v", trial, byID, want)
		}
		if !slices.IsSortedFunc(want, func(a, b int) int { return a - b }) {
			mixed++
		}
	}
	if mixed < 100 {
		t.Fatalf("only %d of 3000 lists left the score order: the trials do not exercise the mix", mixed)
	}
}

// TestRankedMixItems: a Ranked list's items number employers and channels
// as MixEmployerIDs and MixChannel do over the posts' names, and its rule
// is NewMixRule's of the graduate's preferences (invalid and repeated
// ones among them).
func TestRankedMixItems(t *testing.T) {
	e := newTestEngine(t, append(genPosts(12, 1500), dominantEmployerPosts()...), nil)
	r := e.NewRanker()
	active := 0
	for i, g := range genGraduates(13, 40) {
		switch i % 4 {
		case 1:
			g.PreferredChannels = append(slices.Clone(g.PreferredChannels), "nonsense", matcher.ChannelMilitary, matcher.ChannelMilitary)
		case 2:
			g.PreferredChannels = nil
		}
		rk, err := r.Rank(&g, matcher.Query{Limit: 24, PerEmployer: 2})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := rk.MixRule(), NewMixRule(g.PreferredChannels); got != want {
			t.Fatalf("graduate %s, preferences %q: rule %+v, NewMixRule %+v", g.ID, g.PreferredChannels, got, want)
		}
		if rk.MixRule().mix.active {
			active++
		}
		items := rk.MixItems()
		cands := make([]MixCandidate, len(rk.Posts))
		for i, p := range rk.Posts {
			cands[i] = MixCandidate{Employer: p.Employer}
		}
		ids := MixEmployerIDs(cands)
		for i, it := range items {
			p := rk.Posts[i]
			if it.Score != p.Score || it.Channel != MixChannel(p.Channel) || it.Unfit == e.Fits(p.Score) {
				t.Fatalf("graduate %s item %d: %+v for %+v", g.ID, i, it, p)
			}
			if (it.Employer < 0) != (ids[i] < 0) {
				t.Fatalf("graduate %s item %d: employer %d, MixEmployerIDs %d", g.ID, i, it.Employer, ids[i])
			}
			for j := range i {
				if (it.Employer == items[j].Employer && it.Employer >= 0) != (ids[i] == ids[j] && ids[i] >= 0) {
					t.Fatalf("graduate %s items %d, %d: employers %d, %d; MixEmployerIDs %d, %d", g.ID, j, i, items[j].Employer, it.Employer, ids[j], ids[i])
				}
			}
		}
	}
	if active < 10 {
		t.Fatalf("only %d of 40 graduates have an active channel rule", active)
	}
}

// BenchmarkMix re-ranks lists of the batch's size (3 × a list of 8: 24
// candidates, and 60 for a hardship list) on one reused Mixer, and through
// MixChannels, which numbers everything and allocates per call:
//
//	go test ./matcher/engine -run '^$' -bench Mix
func BenchmarkMix(b *testing.B) {
	for _, n := range []int{24, 60} {
		rng := rand.New(rand.NewSource(3))
		lists := make([][]MixItem, 256)
		for i := range lists {
			lists[i] = randomMix(rng, n)
		}
		prefs := []matcher.Channel{matcher.ChannelStateOwned, matcher.ChannelSME}
		rule := NewMixRule(prefs)
		b.Run(fmt.Sprintf("Mixer/%d", n), func(b *testing.B) {
			var m Mixer
			for i := 0; b.Loop(); i++ {
				m.Mix(lists[i%len(lists)], &rule, n/3, 2)
			}
		})
		b.Run(fmt.Sprintf("MixChannelsByID/%d", n), func(b *testing.B) {
			cands := make([][]MixCandidate, len(lists))
			emps := make([][]int32, len(lists))
			for i, l := range lists {
				for _, it := range l {
					c := MixCandidate{Score: it.Score, Unfit: it.Unfit}
					if it.Channel > 0 {
						c.Channel = matcher.Channels[it.Channel-1]
					}
					cands[i] = append(cands[i], c)
					emps[i] = append(emps[i], it.Employer)
				}
			}
			for i := 0; b.Loop(); i++ {
				MixChannelsByID(cands[i%len(lists)], emps[i%len(lists)], prefs, n/3, 2)
			}
		})
	}
}
