package batch

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

func TestDefaultConfig(t *testing.T) {
	c := DefaultConfig()
	if c.Capacity.K <= 0 || c.Capacity.Depth < 2 || c.Capacity.Rounds == 0 {
		t.Fatalf("default capacity %+v: the pass must be on, with room to re-rank", c.Capacity)
	}
	for _, s := range []matcher.GraduateStatus{matcher.StatusPlaced, matcher.StatusEmployed, matcher.StatusStudying} {
		if c.active(s) {
			t.Errorf("status %q is active by default; graduates with a destination are left out", s)
		}
	}
	for _, s := range []matcher.GraduateStatus{matcher.StatusSeeking, matcher.StatusUnregistered, ""} {
		if !c.active(s) {
			t.Errorf("status %q is not active by default", s)
		}
	}
}

func TestParseConfigRejects(t *testing.T) {
	base := `{"active_statuses": ["seeking"], "capacity": {"k": 4, "floor": 0.2, "step": 0.5, "rounds": 10, "depth": 3, "sample": 100}}`
	if _, err := ParseConfig([]byte(base)); err != nil {
		t.Fatalf("valid policy rejected: %v", err)
	}
	for _, tc := range []struct{ name, doc, field string }{
		{"unknown field", `{"active_statuses": ["seeking"], "capacity": {"kk": 4}}`, "kk"},
		{"no statuses", `{"active_statuses": [], "capacity": {"k": 4, "floor": 0.2, "step": 0.5, "depth": 3}}`, "active_statuses"},
		{"unknown status", `{"active_statuses": ["retired"], "capacity": {"k": 4, "floor": 0.2, "step": 0.5, "depth": 3}}`, "retired"},
		{"negative k", strings.Replace(base, `"k": 4`, `"k": -1`, 1), "capacity.k"},
		{"zero floor", strings.Replace(base, `"floor": 0.2`, `"floor": 0`, 1), "capacity.floor"},
		{"floor above 1", strings.Replace(base, `"floor": 0.2`, `"floor": 1.5`, 1), "capacity.floor"},
		{"step 0", strings.Replace(base, `"step": 0.5`, `"step": 0`, 1), "capacity.step"},
		{"depth 0", strings.Replace(base, `"depth": 3`, `"depth": 0`, 1), "capacity.depth"},
		{"negative rounds", strings.Replace(base, `"rounds": 10`, `"rounds": -2`, 1), "capacity.rounds"},
		{"negative sample", strings.Replace(base, `"sample": 100`, `"sample": -1`, 1), "capacity.sample"},
		{"not JSON", `{"active_statuses": `, "batch config"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseConfig([]byte(tc.doc))
			if err == nil || !strings.Contains(err.Error(), tc.field) {
				t.Fatalf("error %v; want one naming %q", err, tc.field)
			}
		})
	}
}

func TestGini(t *testing.T) {
	for _, tc := range []struct {
		name string
		v    []int
		want float64
	}{
		{"empty", nil, 0},
		{"all zero", []int{0, 0, 0}, 0},
		{"equal", []int{5, 5, 5, 5}, 0},
		{"one holds all of four", []int{0, 0, 0, 8}, 0.75},
		{"two of four", []int{0, 0, 1, 1}, 0.5},
		{"1 2 3", []int{1, 2, 3}, 2.0 / 9},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := gini(tc.v); math.Abs(got-tc.want) > 1e-12 {
				t.Fatalf("gini(%v) = %v, want %v", tc.v, got, tc.want)
			}
		})
	}
}

func TestExposureOf(t *testing.T) {
	counts := make([]int, 60)
	for i := range counts {
		counts[i] = 1
	}
	counts[7] = 41 // 100 slots, 41 + 49 × 1 in the top 50
	places := make([]int, 60)
	for i := range places {
		places[i] = 1
	}
	places[7] = 10
	budget := make([]float64, 60)
	for i := range budget {
		budget[i] = 4 * float64(places[i])
	}
	x := exposureOf(counts, places, budget, 10, 250)
	if x.Slots != 100 || x.Max != 41 || x.PostsShown != 60 || x.OverCapacity != 1 || x.MaxPerPlace != 4.1 || x.MeanScore != 2.5 {
		t.Fatalf("exposure %+v", x)
	}
	if math.Abs(x.Top50Share-0.90) > 1e-12 {
		t.Fatalf("top-50 share %v, want 0.90", x.Top50Share)
	}
}

// TestPick covers the re-ranking: discounts reorder, ties keep the
// engine's order, and the engine's rule holds on the discounted scores
// (engine.MixChannels; its own test covers each branch): a fitting post of
// the preferred channel takes the second place, one too far below the best
// takes none.
func TestPick(t *testing.T) {
	sme, so := matcher.ChannelSME, matcher.ChannelStateOwned
	c := choice{n: 3, perEmployer: 2, cands: []candidate{
		{post: 0, channel: sme, score: 3, employer: -1}, // -1: no employer named
		{post: 1, channel: sme, score: 2.9, employer: -1},
		{post: 2, channel: so, score: 2.5, employer: -1},
		{post: 3, channel: sme, score: 2.0, employer: -1},
		{post: 4, channel: so, score: 1.0, employer: -1},
	}}
	for _, tc := range []struct {
		name     string
		discount []float64
		prefs    []matcher.Channel
		want     []int
	}{
		{"relevance only", nil, nil, []int{0, 1, 2}},
		{"no discount equals relevance", []float64{1, 1, 1, 1, 1}, nil, []int{0, 1, 2}},
		{"crowded post pushed down", []float64{0.5, 1, 1, 1, 1}, nil, []int{1, 2, 3}},
		{"ties keep engine order", []float64{1, 1, 0.8, 1, 1}, nil, []int{0, 1, 2}},
		// Position 1: state_owned's 2.2 is below 3 − 25%; position 2: it
		// is within 2.9 − 25% and state_owned is below its floor.
		{"preferred channel's floor", []float64{1, 1, 0.88, 1, 1}, []matcher.Channel{so}, []int{0, 2, 1}},
		{"floor forces no bad post", []float64{1, 1, 0.5, 1, 1}, []matcher.Channel{so}, []int{0, 1, 3}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := c
			c.prefs = tc.prefs
			if got := c.pick(tc.discount, nil); !slices.Equal(got, tc.want) {
				t.Fatalf("pick = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestPricerFit: two posts everyone prefers, one place each, and plenty of
// room elsewhere. The fitted discounts must bring the crowded posts within
// their budgets.
func TestPricerFit(t *testing.T) {
	const graduates = 200
	places := []int{1, 1, 50, 50, 50, 50}
	cfg := DefaultConfig().Capacity
	p := newPricer(cfg, places)
	var sample []choice
	for g := 0; g < graduates; g++ {
		c := choice{n: 2}
		for j := range places {
			// The two crowded posts score highest for everyone; the others
			// vary a little by graduate.
			s := 2.0 - 0.1*float64(j) + 0.01*float64((g*7+j)%5)
			c.cands = append(c.cands, candidate{post: int32(j), channel: matcher.ChannelSME, score: s, employer: -1})
		}
		sample = append(sample, c)
	}
	_, before, after := p.fit(sample, 1)
	if before != 2*(graduates-cfg.K) {
		t.Fatalf("overflow before %v; want %v", before, 2*(graduates-cfg.K))
	}
	if after >= before/4 {
		t.Fatalf("overflow %v → %v; want at least a fourfold cut", before, after)
	}
	if p.discount[0] >= 1 || p.discount[2] != 1 {
		t.Fatalf("discounts %v: want the crowded posts discounted and the roomy ones not", p.discount)
	}
}
