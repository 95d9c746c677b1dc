package batch

import (
	"cmp"
	"fmt"
	"math"
	"math/rand"
	"slices"
	"testing"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/engine"
)

// refPick is pick as its doc states it, through the engine's exported
// MixChannelsByID: the candidates stably sorted by score × discount, the
// conscription posts first for a militaryFirst choice.
func refPick(c *choice, discount []float64) []int {
	adj := func(i int) float64 {
		x := c.cands[i]
		if discount != nil && x.post >= 0 {
			return x.score * discount[x.post]
		}
		return x.score
	}
	order := make([]int, len(c.cands))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(adj(b), adj(a)) })
	mc := make([]engine.MixCandidate, len(order))
	emp := make([]int32, len(order))
	for k, i := range order {
		mc[k] = engine.MixCandidate{Score: adj(i), Channel: c.cands[i].channel, Unfit: c.cands[i].unfit}
		emp[k] = c.cands[i].employer
	}
	var first []int
	if c.militaryFirst {
		for k, i := range order {
			if c.cands[i].channel == matcher.ChannelMilitary && len(first) < min(matcher.MilitaryFirstPosts, c.n) {
				first = append(first, k)
			}
		}
	}
	out := []int{}
	for _, k := range first {
		out = append(out, order[k])
	}
	for _, k := range engine.MixChannelsByID(mc, emp, c.prefs, c.n+len(first), c.perEmployer) {
		if len(out) == c.n {
			break
		}
		if !slices.Contains(first, k) {
			out = append(out, order[k])
		}
	}
	return out
}

// randomChoices are choices of the batch's shape (3 × a list of n
// candidates over posts), with few employers and every channel, some
// unfit, some tied, some militaryFirst; and discounts over those posts.
func randomChoices(rng *rand.Rand, count, posts int) ([]choice, []float64) {
	prefSets := [][]matcher.Channel{nil, {matcher.ChannelStateOwned}, {matcher.ChannelSME, matcher.ChannelPublicSector}}
	out := make([]choice, count)
	for g := range out {
		c := choice{n: 4 + rng.Intn(12), perEmployer: perEmployer, prefs: prefSets[g%len(prefSets)], militaryFirst: g%7 == 0}
		s := 12.0
		for range 3 * c.n {
			if rng.Intn(4) > 0 {
				s -= rng.Float64() * 0.3
			}
			c.cands = append(c.cands, candidate{
				post: int32(rng.Intn(posts+1) - 1), channel: matcher.Channels[rng.Intn(len(matcher.Channels))],
				employer: int32(rng.Intn(10) - 1), score: s, unfit: rng.Intn(8) == 0,
			})
		}
		out[g] = c
	}
	discount := make([]float64, posts)
	for i := range discount {
		discount[i] = 1
		if rng.Intn(3) == 0 {
			discount[i] = 0.2 + 0.8*rng.Float64()
		}
	}
	return out, discount
}

// TestPickMatchesReference: pick on one reused scratch (as the pricing's
// workers and finish run it) gives refPick's list, with and without
// discounts, the scratch never showing through a returned list.
func TestPickMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewSource(5))
	cs, discount := randomChoices(rng, 2000, 300)
	var s pickScratch
	var kept [][]int
	for i := range cs {
		c := &cs[i]
		for _, d := range [][]float64{nil, discount} {
			want := refPick(c, d)
			got := c.pick(d, &s)
			if !slices.Equal(got, want) {
				t.Fatalf("choice %d (discount %v): pick = %v, reference %v", i, d != nil, got, want)
			}
			kept = append(kept, got)
		}
	}
	k := 0
	for i := range cs {
		for _, d := range [][]float64{nil, discount} {
			if want := refPick(&cs[i], d); !slices.Equal(kept[k], want) {
				t.Fatalf("choice %d: a later pick changed an earlier list: %v, want %v", i, kept[k], want)
			}
			k++
		}
	}
}

// BenchmarkPick picks every list of a pricing round's sample: 4,000
// choices of the batch's shape, at the discounts, on one scratch:
//
//	go test ./matcher/batch -run '^$' -bench Pick
func BenchmarkPick(b *testing.B) {
	for _, disc := range []bool{false, true} {
		b.Run(fmt.Sprintf("discount=%v", disc), func(b *testing.B) {
			cs, discount := randomChoices(rand.New(rand.NewSource(5)), 4000, 3000)
			if !disc {
				discount = nil
			}
			var s pickScratch
			for b.Loop() {
				for i := range cs {
					cs[i].pick(discount, &s)
				}
			}
		})
	}
}

// TestSortKeys: sortKeys is a stable sort by product, descending, as
// cmp.Compare orders (NaN last), on both its paths (short and long lists).
func TestSortKeys(t *testing.T) {
	rng := rand.New(rand.NewSource(9))
	nan := math.NaN()
	for _, tc := range []struct {
		name string
		adj  []float64
	}{
		{"empty", nil},
		{"one", []float64{1}},
		{"sorted", []float64{3, 2, 1}},
		{"reversed", []float64{1, 2, 3}},
		{"ties keep places", []float64{2, 1, 2, 1, 2}},
		{"NaN last", []float64{1, nan, 3, nan, 2}},
		{"infinities", []float64{math.Inf(-1), 0, math.Inf(1), -0.0}},
		{"random 60", randomAdj(rng, 60)},
		{"random 600 (long path)", randomAdj(rng, 600)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			keys := make([]pickKey, len(tc.adj))
			for i, a := range tc.adj {
				keys[i] = pickKey{adj: a, i: int32(i)}
			}
			want := slices.Clone(keys)
			slices.SortStableFunc(want, func(a, b pickKey) int { return cmp.Compare(b.adj, a.adj) })
			sortKeys(keys)
			for k := range keys {
				if keys[k].i != want[k].i {
					t.Fatalf("sorted %v, want %v", keys, want)
				}
			}
		})
	}
}

// randomAdj are n products, nearly descending with ties, as the engine's
// order discounted.
func randomAdj(rng *rand.Rand, n int) []float64 {
	out := make([]float64, n)
	s := 10.0
	for i := range out {
		s -= float64(rng.Intn(3)) * 0.1
		out[i] = s
		if rng.Intn(4) == 0 {
			out[i] *= 0.2 + 0.8*rng.Float64()
		}
	}
	return out
}
