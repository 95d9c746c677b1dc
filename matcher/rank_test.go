package matcher

import (
	"fmt"
	"math"
	"math/rand"
	"reflect"
	"slices"
	"testing"
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
		for _, j := range r.Perm(len(Channels))[:3] {
			g.PreferredChannels = append(g.PreferredChannels, Channels[j])
		}
		grads = append(grads, g)
	}
	dom := baseGraduate()
	dom.PreferredChannels = []Channel{ChannelSME, ChannelStateOwned}
	grads = append(grads, dom)
	checked := 0
	for _, eng := range engines {
		for _, g := range grads {
			for _, base := range []Query{{}, {PerEmployer: 1}, {PerEmployer: 3}, {Kind: KindInternship}, {Kind: KindJob}} {
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
func dominantEmployerPosts() []Post {
	var posts []Post
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
			p.Channel = ChannelStateOwned
		}
		if i%7 == 0 {
			p.Kind = KindInternship
		}
		posts = append(posts, p)
	}
	return posts
}

// The fast path's diversification equals a naive reading of the rule over
// the full eligible list (every post scored, no short lists): position i
// takes the best remaining post whose employer is under the cap and whose
// channel stays within ⌈i·share⌉, else the best under the employer cap.
func TestDiversifyMatchesNaiveGreedy(t *testing.T) {
	engines := []*Engine{newTestEngine(t, genPosts(12, 1500), nil), newTestEngine(t, dominantEmployerPosts(), nil)}
	grads := genGraduates(13, 60)
	dom := baseGraduate()
	dom.PreferredChannels = []Channel{ChannelStateOwned, ChannelSME}
	grads = append(grads, dom)
	mixed := 0
	for _, e := range engines {
		for _, g := range grads {
			for _, q := range []Query{{Limit: 8}, {Limit: 20, PerEmployer: 1}, {Limit: 5, PerEmployer: 3}} {
				got, err := e.Recommend(&g, q)
				if err != nil {
					t.Fatal(err)
				}
				want := naiveDiversified(e, &g, q)
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

// naiveDiversified applies the diversification rule by its definition.
func naiveDiversified(e *Engine, g *Graduate, q Query) []string {
	q.normalise()
	gc := compileGraduate(g, &e.pol, e.now(), e)
	all, _ := e.scanAll(gc, &q, len(e.slots)+1, nil)
	share := map[Channel]float64{}
	var prefs []Channel
	for _, c := range g.PreferredChannels {
		if c.Valid() && !slices.Contains(prefs, c) {
			prefs = append(prefs, c)
		}
	}
	n := len(prefs)
	for _, c := range Channels {
		share[c] = 0.25
	}
	for r, c := range prefs {
		share[c] = float64(n-r) / float64(n*(n+1)/2)
	}
	capped := n > 0 && q.Channel == ""
	taken := make([]bool, len(all))
	perEmp := map[string]int{}
	perCh := map[Channel]int{}
	var out []string
	for pos := 1; len(out) < q.Limit; pos++ {
		pickAt := -1
		for _, useShares := range []bool{true, false} {
			if !useShares && !capped {
				break
			}
			for i, c := range all {
				p := e.slots[c.slot].p
				if taken[i] || perEmp[employerKey(p)] >= q.PerEmployer {
					continue
				}
				if useShares && capped && p.Channel.Valid() && float64(perCh[p.Channel]+1) > math.Ceil(float64(pos)*share[p.Channel]-1e-9) {
					continue
				}
				pickAt = i
				break
			}
			if pickAt >= 0 {
				break
			}
		}
		if pickAt < 0 {
			break
		}
		p := e.slots[all[pickAt].slot].p
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
	for _, prefs := range [][]Channel{nil, {ChannelSME}, {ChannelSME, ChannelStateOwned}, {ChannelStateOwned, ChannelSME, ChannelGrassroots}} {
		g.PreferredChannels = prefs
		for _, q := range []Query{{Limit: 4}, {Limit: 8, PerEmployer: 1}, {Limit: 40}} {
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
