package engine

import (
	"fmt"
	"math"
	"math/bits"
	"reflect"
	"testing"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// rankGraduates are the generator's graduates plus some who name the
// military first (乌鲁木齐户籍应届: the conscription posts head their list)
// and some with three channel preferences.
func rankGraduates() []matcher.Graduate {
	gs := genGraduates(23, 300)
	for i := range 40 {
		g := gs[i]
		g.ID = fmt.Sprintf("gmil%02d", i)
		g.PreferredChannels = []matcher.Channel{matcher.ChannelMilitary, matcher.ChannelSME}
		g.GraduationYear, g.HukouDistrict = testNow.Year(), "天山区"
		g.BirthDate = time.Date(2001, 3, 1, 0, 0, 0, 0, time.UTC)
		gs = append(gs, g)
	}
	for i := range 20 {
		g := gs[40+i]
		g.ID = fmt.Sprintf("g3p%02d", i)
		g.PreferredChannels = []matcher.Channel{matcher.Channels[i%6], matcher.Channels[(i+2)%6], matcher.Channels[(i+4)%6]}
		gs = append(gs, g)
	}
	return gs
}

// TestRankEqualsRecommend: the batch's entry gives, for every graduate and
// query, the list the online path gives — the same items, reasons and
// scores once explained.
//
// A Ranker with one candidate of headroom (SetHeadroom(1): short lists so
// short that many lists need a second scan) ranks the same lists: the
// headroom changes the cost, never the list.
func TestRankEqualsRecommend(t *testing.T) {
	e, _ := engine5k(t)
	rk := e.NewRanker()
	tight := e.NewRanker()
	tight.SetHeadroom(1)
	queries := []matcher.Query{{Limit: 8}, {Limit: 24, PerEmployer: 2}, {Limit: 8, Kind: matcher.KindInternship},
		{Limit: 5, Channel: matcher.ChannelSME}, {Limit: 12, Kind: matcher.KindJob, PerEmployer: 1}}
	gs := rankGraduates()
	compared, items, military := 0, 0, 0
	for i := range gs {
		g := &gs[i]
		for _, q := range queries {
			want, err := e.Recommend(g, q)
			if err != nil {
				t.Fatal(err)
			}
			got, err := rk.Rank(g, q)
			if err != nil {
				t.Fatal(err)
			}
			short, err := tight.Rank(g, q)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(short.Posts, got.Posts) {
				t.Fatalf("%s %+v: with one candidate of headroom:\n%+v\n%+v", g.ID, q, short.Posts, got.Posts)
			}
			if len(got.Posts) != len(want.Items) {
				t.Fatalf("%s %+v: Rank gives %d posts, Recommend %d", g.ID, q, len(got.Posts), len(want.Items))
			}
			for j, w := range want.Items {
				p := got.Posts[j]
				if p.PostID != w.PostID || p.Score != w.Score || p.Channel != w.Channel || p.Kind != w.Kind || p.Employer != w.Employer {
					t.Fatalf("%s %+v: position %d: Rank %+v, Recommend %s %v", g.ID, q, j+1, p, w.PostID, w.Score)
				}
				it, err := got.Item(j, j+1)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(it, w) {
					t.Fatalf("%s %+v: position %d explained differently:\n%+v\n%+v", g.ID, q, j+1, it, w)
				}
				items++
				if j == 0 && w.Channel == matcher.ChannelMilitary && q.Channel == "" {
					military++
				}
			}
			compared++
		}
	}
	t.Logf("%d lists, %d items equal; %d lists headed by a conscription post", compared, items, military)
	if items < compared*3 || military == 0 {
		t.Fatalf("too few items (%d over %d lists) or no military-first list (%d): the test would not show a difference", items, compared, military)
	}
}

// TestRuleClassesAreTheRules: the bitset each rule class shares is, for
// every graduate of the class and every post, the rule's own verdict, and
// the AND of them is eligibility as the online scan decides it
// (matcher.FirstFailing).
func TestRuleClassesAreTheRules(t *testing.T) {
	e, _ := engine5k(t)
	rk := e.NewRanker()
	rules := matcher.Rules()
	gs := rankGraduates()
	eligible, excluded := 0, 0
	for i := range gs {
		gc := e.compileGraduate(&gs[i], rk.now, false)
		elig := rk.eligible(gc, nil)
		for r := range rules {
			m := rk.mask(r, gc)
			for slot := range e.hot {
				h := &e.hot[slot]
				if !h.live {
					continue
				}
				want := rules[r].Check(&gc.GraduateFacts, &h.PostFacts, e.restr[slot])
				if got := m[slot>>6]&(1<<(slot&63)) != 0; got != want {
					t.Fatalf("%s, rule %s, post %s: class bitset %v, rule %v", gs[i].ID, rules[r].Name, e.slots[slot].Post.ID, got, want)
				}
			}
		}
		for slot := range e.hot {
			h := &e.hot[slot]
			if !h.live {
				continue
			}
			want := matcher.FirstFailing(&gc.GraduateFacts, &h.PostFacts, e.restr[slot]) < 0
			if got := elig[slot>>6]&(1<<(slot&63)) != 0; got != want {
				t.Fatalf("%s, post %s: eligible bitset %v, FirstFailing says %v", gs[i].ID, e.slots[slot].Post.ID, got, want)
			}
			if want {
				eligible++
			} else {
				excluded++
			}
		}
	}
	t.Logf("%d graduates, %d rule classes; %d eligible and %d excluded pairs agree", len(gs), len(rk.masks), eligible, excluded)
	if eligible == 0 || excluded == 0 || len(rk.masks) >= len(gs)*len(rules) {
		t.Fatalf("eligible %d, excluded %d, classes %d: the data does not exercise the classes", eligible, excluded, len(rk.masks))
	}
}

// TestRankBoundIsABound: the bound the scan skips posts by is never below
// the score, for every graduate and eligible post.
func TestRankBoundIsABound(t *testing.T) {
	e, _ := engine5k(t)
	rk := e.NewRanker()
	gs := rankGraduates()[:120]
	var x [NumFeatures]float64
	tight := 0
	for i := range gs {
		gc := e.compileGraduate(&gs[i], rk.now, false)
		accp := e.textScores(gc.eng)
		acc := *accp
		adj := rk.adjust(gc)
		for slot := range e.hot {
			h := &e.hot[slot]
			if !h.live || matcher.FirstFailing(&gc.GraduateFacts, &h.PostFacts, e.restr[slot]) >= 0 {
				continue
			}
			featureVectorHot(gc, h, e.restr[slot], e.slots[slot], float64(acc[slot]), x[:])
			score := e.sc.score(x[:])
			ub := rk.upper(gc, adj, slot, acc[slot])
			if ub < score-1e-12 {
				t.Fatalf("%s, post %s: bound %v below score %v", gs[i].ID, e.slots[slot].Post.ID, ub, score)
			}
			if ub-score < 1 {
				tight++
			}
		}
		e.accPool.Put(accp)
	}
	if tight == 0 {
		t.Fatal("no bound within 1 of its score: the bound prunes nothing")
	}
}

// TestRankerStale: a ranker made before the engine changed refuses to rank.
func TestRankerStale(t *testing.T) {
	posts := genPosts(3, 50)
	e := newTestEngine(t, posts, nil)
	rk := e.NewRanker()
	g := baseGraduate()
	if _, err := rk.Rank(&g, matcher.Query{}); err != nil {
		t.Fatal(err)
	}
	e.Remove(posts[0].ID)
	if _, err := rk.Rank(&g, matcher.Query{}); err == nil {
		t.Fatal("a stale ranker ranked")
	}
}

// TestBoundInlineIsUpper: bound's loop, which inlines upper, computes
// upper's value for every post it bounds, bounds exactly the eligible
// posts, and files each in its short list's bucket once.
func TestBoundInlineIsUpper(t *testing.T) {
	e, _ := engine5k(t)
	rk := e.NewRanker()
	gs := rankGraduates()[:120]
	sc := getScanScratch()
	checked := 0
	for i := range gs {
		gc := e.compileGraduate(&gs[i], rk.now, false)
		accp := e.textScores(gc.eng)
		acc := *accp
		sc.elig = rk.eligible(gc, sc.elig)
		count := rk.bound(sc, gc, postFilter{ch: -1}, sc.elig, acc)
		adj := rk.adjust(gc)
		n := 0
		for w := range sc.elig {
			n += bits.OnesCount64(sc.elig[w] & rk.wantedSet(postFilter{ch: -1})[w])
		}
		total := 0
		for _, c := range count {
			total += c
		}
		if len(sc.bounds) != n || total != n {
			t.Fatalf("%s: %d bounds, counted %d, of %d eligible posts", gs[i].ID, len(sc.bounds), total, n)
		}
		for _, bp := range sc.bounds {
			want := rk.upper(gc, adj, int(bp.slot), acc[bp.slot])
			if math.Float64bits(bp.ub) != math.Float64bits(want) {
				t.Fatalf("%s, slot %d: bound %v, upper %v", gs[i].ID, bp.slot, bp.ub, want)
			}
			checked++
		}
		// Every bounded post is chained once, in its short list's bucket.
		seen := make([]bool, len(sc.bounds))
		for k, j := range sc.head {
			for ; j >= 0; j = sc.bounds[j].next {
				bp := sc.bounds[j]
				list, bucket := k/boundBuckets, k%boundBuckets
				if seen[j] || list != int(rk.bounds[bp.slot].heap) || bucket != rk.bucket(bp.ub) {
					t.Fatalf("%s, slot %d: chained in list %d bucket %d (seen before: %v), belongs in list %d bucket %d",
						gs[i].ID, bp.slot, list, bucket, seen[j], rk.bounds[bp.slot].heap, rk.bucket(bp.ub))
				}
				seen[j] = true
			}
		}
		for j, ok := range seen {
			if !ok {
				t.Fatalf("%s, slot %d: bounded but in no bucket", gs[i].ID, sc.bounds[j].slot)
			}
		}
		e.accPool.Put(accp)
	}
	if checked == 0 {
		t.Fatal("no post bounded: the test checks nothing")
	}
}
