package engine

import (
	"fmt"
	"math"
	"math/rand"
	"reflect"
	"slices"
	"testing"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// A longer list always begins with the shorter one: the nightly batch
// stores 8 items and serves shorter requests from them, and a portal that
// asks for more must not reorder what it showed.
func TestRecommendPrefixStable(t *testing.T) {
	e5k, _ := engine5k(t)
	engines := []struct {
		name string
		e    *Engine
	}{{"5k", e5k}, {"dominant employer", newTestEngine(t, dominantEmployerPosts(), nil)}}
	r := rand.New(rand.NewSource(77))
	grads := genGraduates(31, 40)
	// Add graduates with three preferences, the case with the most turns.
	for i := range 10 {
		g := grads[i]
		g.ID = fmt.Sprintf("g3p%02d", i)
		g.PreferredChannels = nil
		for _, j := range r.Perm(len(matcher.Channels))[:3] {
			g.PreferredChannels = append(g.PreferredChannels, matcher.Channels[j])
		}
		grads = append(grads, g)
	}
	dom := baseGraduate()
	dom.PreferredChannels = []matcher.Channel{matcher.ChannelSME, matcher.ChannelStateOwned}
	grads = append(grads, dom)
	checked := 0
	for _, eng := range engines {
		for _, g := range grads {
			for _, base := range []matcher.Query{{}, {PerEmployer: 1}, {PerEmployer: 3}, {Kind: matcher.KindInternship}, {Kind: matcher.KindJob}} {
				k := 1 + r.Intn(10)
				more := []int{1, 1 + r.Intn(8), 10 + r.Intn(60)}
				q := base
				q.Limit = k
				short, err := eng.e.Recommend(&g, q)
				if err != nil {
					t.Fatal(err)
				}
				for _, m := range more {
					q.Limit = k + m
					long, err := eng.e.Recommend(&g, q)
					if err != nil {
						t.Fatal(err)
					}
					if len(short.Items) != min(k, len(long.Items)) {
						t.Fatalf("%s %s %+v: %d items at limit %d, %d at limit %d", eng.name, g.ID, base, len(short.Items), k, len(long.Items), k+m)
					}
					if !reflect.DeepEqual(short.Items, long.Items[:len(short.Items)]) {
						t.Fatalf("%s %s %+v: limit %d gives %v, limit %d begins %v", eng.name, g.ID, base, k, ids(short), k+m, ids(long)[:len(short.Items)])
					}
					if !reflect.DeepEqual(short.Excluded, long.Excluded) {
						t.Errorf("%s %s: exclusions depend on the limit", eng.name, g.ID)
					}
					checked++
				}
			}
		}
	}
	t.Logf("%d (short, long) pairs compared", checked)
}

// dominantEmployerPosts: one employer's 150 near-identical posts outscore
// everything in sme, so sme's short list (max(4K, K+32) per channel) holds
// only posts the per-employer cap closes and the ranking must look deeper.
func dominantEmployerPosts() []matcher.Post {
	var posts []matcher.Post
	for i := range 150 {
		p := basePost()
		p.ID = fmt.Sprintf("big:%03d", i)
		p.Employer = "大公司"
		p.Occupation = "2-06-03-00"
		p.MajorCodes = []string{"120203K"}
		p.Headcount = 30
		posts = append(posts, p)
	}
	for i := range 60 {
		p := basePost()
		p.ID = fmt.Sprintf("small:%03d", i)
		p.Employer = fmt.Sprintf("小公司%d", i)
		p.Headcount = 1 + i%5
		if i%3 == 0 {
			p.Channel = matcher.ChannelStateOwned
		}
		if i%7 == 0 {
			p.Kind = matcher.KindInternship
		}
		posts = append(posts, p)
	}
	return posts
}

// The fast path's diversification equals a naive reading of the rule over
// the full eligible list (every post scored, no short lists): position i
// takes, among the remaining posts whose employer is under the cap, the best
// fitting post (score ≥ best − 0.25·|best| and ≥ the fit threshold) of a preferred channel below its
// floor ⌈i·share⌉; else the best, unless its channel already holds ⌈0.6·i⌉
// of the first i and another channel has a fitting post.
func TestDiversifyMatchesNaiveGreedy(t *testing.T) {
	engines := []*Engine{newTestEngine(t, genPosts(12, 1500), nil), newTestEngine(t, dominantEmployerPosts(), nil)}
	grads := genGraduates(13, 60)
	dom := baseGraduate()
	dom.PreferredChannels = []matcher.Channel{matcher.ChannelStateOwned, matcher.ChannelSME}
	grads = append(grads, dom)
	mixed := 0
	for _, e := range engines {
		for _, g := range grads {
			for _, q := range []matcher.Query{{Limit: 8}, {Limit: 20, PerEmployer: 1}, {Limit: 5, PerEmployer: 3}} {
				got, err := e.Recommend(&g, q)
				if err != nil {
					t.Fatal(err)
				}
				want := naiveMilitaryFirst(e, &g, q)
				var gotIDs []string
				for _, it := range got.Items {
					gotIDs = append(gotIDs, it.PostID)
				}
				if !slices.Equal(gotIDs, want) {
					t.Fatalf("graduate %s %+v:\n got %v\nwant %v", g.ID, q, gotIDs, want)
				}
				for i := 1; i < len(got.Items); i++ {
					if got.Items[i].Score > got.Items[i-1].Score {
						mixed++ // a channel's turn placed a lower score first
						break
					}
				}
			}
		}
	}
	if mixed == 0 {
		t.Error("no list was reordered by channel shares: the test does not exercise them")
	}
}

// naiveDiversified applies the diversification rule by its definition,
// with floating-point shares, one full pass over the list per test.
// naiveMilitaryFirst is naiveDiversified with the plan's military priority
// (matcher.MilitaryFirst): the best conscription posts first, then the
// naive list, longer by their number, without them.
func naiveMilitaryFirst(e *Engine, g *matcher.Graduate, q matcher.Query) []string {
	q.Normalize()
	facts := matcher.NewGraduateFacts(g, e.pol, e.now())
	if !matcher.MilitaryFirst(&facts) || q.Channel != "" {
		return naiveDiversified(e, g, q)
	}
	mq := q
	mq.Channel, mq.PerEmployer = matcher.ChannelMilitary, 0
	gc := e.compileGraduate(g, e.now(), false)
	all, _ := e.scanAll(gc, &mq, len(e.slots)+1, nil)
	var out []string
	for _, c := range all[:min(len(all), matcher.MilitaryFirstPosts, q.Limit)] {
		out = append(out, e.slots[c.slot].Post.ID)
	}
	first := slices.Clone(out)
	rq := q
	rq.Limit += len(first)
	for _, id := range naiveDiversified(e, g, rq) {
		if len(out) < q.Limit && !slices.Contains(first, id) {
			out = append(out, id)
		}
	}
	return out
}

func naiveDiversified(e *Engine, g *matcher.Graduate, q matcher.Query) []string {
	q.Normalize()
	gc := e.compileGraduate(g, e.now(), false)
	all, _ := e.scanAll(gc, &q, len(e.slots)+1, nil)
	var prefs []matcher.Channel
	for _, c := range g.PreferredChannels {
		if c.Valid() && !slices.Contains(prefs, c) {
			prefs = append(prefs, c)
		}
	}
	n := len(prefs)
	floor := map[matcher.Channel]float64{} // a half of the list, split by rank
	for r, c := range prefs {
		floor[c] = 0.5 * float64(n-r) / float64(n*(n+1)/2)
	}
	mixed := n > 0 && q.Channel == ""
	ceil := func(x float64) int { return int(math.Ceil(x - 1e-9)) }
	taken := make([]bool, len(all))
	perEmp := map[string]int{}
	perCh := map[matcher.Channel]int{}
	var out []string
	for pos := 1; len(out) < q.Limit; pos++ {
		open := func(i int) bool {
			return !taken[i] && perEmp[employerKey(e.slots[all[i].slot].Post)] < q.PerEmployer
		}
		// first returns the first open post (the list is best first) that
		// ok accepts, -1 for none.
		first := func(ok func(c cand, ch matcher.Channel) bool) int {
			for i, c := range all {
				if open(i) && ok(c, e.slots[c.slot].Post.Channel) {
					return i
				}
			}
			return -1
		}
		best := first(func(cand, matcher.Channel) bool { return true })
		if best < 0 {
			break
		}
		pickAt := best
		if mixed {
			bs := all[best].score
			// and never a post below the scorer's fit threshold
			fits := func(c cand) bool { return c.score >= bs-0.25*math.Abs(bs) && c.score >= e.sc.thr }
			domCap := ceil(0.6 * float64(pos))
			if f := first(func(c cand, ch matcher.Channel) bool {
				return fits(c) && floor[ch] > 0 && perCh[ch] < ceil(float64(pos)*floor[ch])
			}); f >= 0 {
				pickAt = f
			} else if ch := e.slots[all[best].slot].Post.Channel; ch.Valid() && perCh[ch] >= domCap {
				if d := first(func(c cand, ch matcher.Channel) bool {
					return fits(c) && (!ch.Valid() || perCh[ch] < domCap)
				}); d >= 0 {
					pickAt = d
				}
			}
		}
		p := e.slots[all[pickAt].slot].Post
		taken[pickAt] = true
		perEmp[employerKey(p)]++
		perCh[p.Channel]++
		out = append(out, p.ID)
	}
	return out
}

// The dominant-employer case, with the shares, through both scorers.
func TestFastEqualsExhaustiveDeepChannel(t *testing.T) {
	e := newTestEngine(t, dominantEmployerPosts(), nil)
	g := baseGraduate()
	for _, prefs := range [][]matcher.Channel{nil, {matcher.ChannelSME}, {matcher.ChannelSME, matcher.ChannelStateOwned}, {matcher.ChannelStateOwned, matcher.ChannelSME, matcher.ChannelGrassroots}} {
		g.PreferredChannels = prefs
		for _, q := range []matcher.Query{{Limit: 4}, {Limit: 8, PerEmployer: 1}, {Limit: 40}} {
			fast, err := e.Recommend(&g, q)
			if err != nil {
				t.Fatal(err)
			}
			slow, err := e.RecommendExhaustive(&g, q)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(fast, slow) {
				t.Fatalf("prefs %v %+v:\nfast %v\nslow %v", prefs, q, ids(fast), ids(slow))
			}
			big := 0
			for _, it := range fast.Items {
				if it.Employer == "大公司" {
					big++
				}
			}
			want := q.PerEmployer
			if want == 0 {
				want = 2
			}
			if big != want {
				t.Errorf("prefs %v %+v: %d items from 大公司", prefs, q, big)
			}
		}
	}
}

// TestMixChannels covers each branch of the rule on hand-made candidates
// (best first): a floor placing a fitting post of a preferred channel, a
// floor that forces nothing in when the channel has no fitting post, the
// dominance cap giving way to a fitting post of another channel, and
// holding back for none, the employer cap, and no mix without preferences.
func TestMixChannels(t *testing.T) {
	const sme, so, ps = matcher.ChannelSME, matcher.ChannelStateOwned, matcher.ChannelPublicSector
	c := func(score float64, ch matcher.Channel, emp string) MixCandidate {
		return MixCandidate{Score: score, Channel: ch, Employer: emp}
	}
	for _, tc := range []struct {
		name      string
		cands     []MixCandidate
		prefs     []matcher.Channel
		limit, pe int
		want      []int
	}{
		{"no preferences: by score", []MixCandidate{c(5, sme, ""), c(4.9, sme, ""), c(4.8, so, "")}, nil, 3, 2, []int{0, 1, 2}},
		// state_owned (first preference) is below its floor ⌈1·½⌉ at
		// position 1 and its 4.5 fits (≥ 5 − 1.25).
		{"floor places a fitting post first", []MixCandidate{c(5, sme, ""), c(4.9, sme, ""), c(4.5, so, "")}, []matcher.Channel{so}, 3, 2, []int{2, 0, 1}},
		// public_sector's best (3.0) is below 5 − 1.25: no floor applies.
		{"floor forces no bad post", []MixCandidate{c(5, sme, ""), c(4.9, sme, ""), c(4.8, sme, ""), c(3.0, ps, "")}, []matcher.Channel{ps}, 3, 0, []int{0, 1, 2}},
		// No preferred channel has a post; at position 3 sme holds
		// ⌈3·3/5⌉ = 2, so the fitting state_owned post takes it.
		{"dominance cap yields to a fitting post", []MixCandidate{c(5, sme, ""), c(4.9, sme, ""), c(4.8, sme, ""), c(4.4, so, "")}, []matcher.Channel{ps}, 4, 0, []int{0, 1, 3, 2}},
		{"dominance cap holds for no fitting post", []MixCandidate{c(5, sme, ""), c(4.9, sme, ""), c(4.8, sme, ""), c(2, so, "")}, []matcher.Channel{ps}, 4, 0, []int{0, 1, 2, 3}},
		{"employer cap", []MixCandidate{c(5, sme, "甲"), c(4.9, sme, "甲"), c(4.8, sme, "甲"), c(1, sme, "乙")}, nil, 3, 2, []int{0, 1, 3}},
		{"unknown channel outside the rule", []MixCandidate{c(5, sme, ""), c(4.9, sme, ""), c(4.8, sme, ""), c(4.7, "", "")}, []matcher.Channel{so}, 4, 0, []int{0, 1, 3, 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := MixChannels(tc.cands, tc.prefs, tc.limit, tc.pe)
			if !slices.Equal(got, tc.want) {
				t.Fatalf("MixChannels = %v, want %v", got, tc.want)
			}
			// Prefix-stable: every shorter list is a prefix.
			for k := range tc.limit {
				if short := MixChannels(tc.cands, tc.prefs, k, tc.pe); !slices.Equal(short, got[:min(k, len(got))]) {
					t.Fatalf("limit %d gives %v, not a prefix of %v", k, short, got)
				}
			}
		})
	}
}

// A heap with the Ranker's ID ranks sorts as one comparing the posts' IDs
// (below both ways), ties of score included.
func TestSortedByIDRankIsByID(t *testing.T) {
	e := newTestEngine(t, genPosts(5, 400), nil)
	rank := idRanks(e)
	rng := rand.New(rand.NewSource(56))
	ties := 0
	for trial := range 200 {
		var cs []cand
		for range 1 + rng.Intn(60) {
			slot := int32(rng.Intn(len(e.slots)))
			if e.slots[slot] == nil || slices.ContainsFunc(cs, func(c cand) bool { return c.slot == slot }) {
				continue
			}
			cs = append(cs, cand{score: float64(rng.Intn(4)), slot: slot})
		}
		byID := candHeap{e: e, c: slices.Clone(cs)}
		byRank := candHeap{e: e, c: slices.Clone(cs), idRank: rank}
		want, got := byID.sorted(), byRank.sorted()
		if !slices.Equal(got, want) {
			t.Fatalf("trial %d: %v, want %v", trial, got, want)
		}
		for i := 1; i < len(got); i++ {
			if got[i].score == got[i-1].score {
				ties++
			}
		}
	}
	if ties < 100 {
		t.Fatalf("only %d ties: the trials do not exercise the tie break", ties)
	}
}
