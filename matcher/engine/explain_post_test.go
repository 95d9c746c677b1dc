package engine

import (
	"cmp"
	"slices"
	"testing"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// TestReasonsWrittenStrongestFirst holds explainItem's reasons — writers
// asked strongest first until maxReasons have said something — equal to
// every writer's reason sorted by contribution and cut to maxReasons, the
// way the list was made before, for the items of 300 generated graduates'
// lists; and the post-only reasons (postNotes, kept on the post) equal to
// the ones built afresh.
func TestReasonsWrittenStrongestFirst(t *testing.T) {
	e, _ := engine5k(t)
	grads := genGraduates(5, 300)
	items, cut := 0, 0
	for gi := range grads {
		g := &grads[gi]
		if gi%3 == 0 {
			g.ExpectedSalary = float64(2000 + 1500*(gi%5)) // below, at and above the posts' pay
		}
		res, err := e.Recommend(g, matcher.Query{Limit: 12})
		if err != nil {
			t.Fatal(err)
		}
		e.mu.RLock()
		gc := e.compileGraduate(g, e.now(), false)
		for _, it := range res.Items {
			pr := e.slots[slices.IndexFunc(e.slots, func(p *postRec) bool { return p != nil && p.Post.ID == it.PostID })]
			ex := &explanation{e: e, gc: gc, ge: gc.eng, pr: pr}
			ex.splitNeeds()
			featureVector(gc, pr, float64(textScore(gc.eng, pr)), ex.x[:])
			var contrib [NumFeatures]float64
			e.sc.contributions(contrib[:], ex.x[:])
			type written struct {
				f int
				c float64
				s string
			}
			var all []written
			for f, write := range reasonWriters {
				if write == nil || (contrib[f] <= 0 && f != FSkills && f != FCertificates) {
					continue
				}
				if s := write(ex); s != "" {
					all = append(all, written{f, contrib[f], s})
				}
			}
			slices.SortStableFunc(all, func(a, b written) int { return cmp.Compare(b.c, a.c) })
			if len(all) > maxReasons {
				cut++
			}
			all = all[:min(len(all), maxReasons)]
			if len(it.Reasons) < len(all) {
				t.Fatalf("%s: reasons %q, want %d first", it.PostID, it.Reasons, len(all))
			}
			for k, w := range all {
				if it.Reasons[k] != w.s {
					t.Errorf("%s: reason %d %q, want %q (all %q)", it.PostID, k, it.Reasons[k], w.s, it.Reasons)
				}
			}
			if cap(it.Reasons) != len(it.Reasons) || cap(it.Contributions) != len(it.Contributions) {
				t.Errorf("%s: an item's reasons or contributions reach into the next item's", it.PostID)
			}
			items++
		}
		e.mu.RUnlock()
	}
	if items < 1000 || cut == 0 {
		t.Fatalf("%d items, %d with more reasons than shown: the test checks too little", items, cut)
	}
}

// TestItemArenaAppendsApart: appending to one item's reasons (the batch
// adds its capacity note) leaves the next item's as they were.
func TestItemArenaAppendsApart(t *testing.T) {
	a := newItemArena(2)
	first := append(a.startReasons(), "a", "b")
	first = a.endReasons(first)
	second := a.endReasons(append(a.startReasons(), "c"))
	_ = append(first, "note")
	if !slices.Equal(second, []string{"c"}) {
		t.Errorf("second item's reasons %q after an append to the first's", second)
	}
	c1, c2 := a.contributions(), a.contributions()
	c1 = append(c1, matcher.Contribution{Feature: "x"})
	if len(c2) != NumFeatures || c2[0].Feature != "" || len(c1) != NumFeatures+1 {
		t.Errorf("contributions share their items' room: %v", c2[:1])
	}
	// Past the room it was made for, an arena still hands out whole parts.
	for range 3 {
		if r := a.endReasons(append(a.startReasons(), "x")); len(r) != 1 || cap(r) != 1 {
			t.Fatalf("reasons %q cap %d", r, cap(r))
		}
		if c := a.contributions(); len(c) != NumFeatures {
			t.Fatalf("%d contributions", len(c))
		}
	}
}

// TestPostNotesAsBuilt: the reasons kept on a post are those salaryText,
// the experience and the places say, and a graduate's expectation picks
// the variant.
func TestPostNotesAsBuilt(t *testing.T) {
	p := basePost()
	p.Salary = matcher.Salary{Min: 4000, Max: 6000, Period: matcher.PerMonth}
	p.Experience = "应届生"
	p.Headcount = 12
	pr := compilePost(&p)
	pr.Post = &p
	g := baseGraduate()
	gc := &gradCtx{GraduateFacts: matcher.GraduateFacts{Graduate: &g}}
	ex := &explanation{gc: gc, pr: pr}
	for _, c := range []struct {
		exp  float64
		want string
	}{{0, "薪资：4000-6000元/月"}, {5000, "薪资：4000-6000元/月，符合期望"}, {7000, "薪资：4000-6000元/月，低于期望7000元"}} {
		g.ExpectedSalary = c.exp
		if got := salaryReason(ex); got != c.want {
			t.Errorf("expecting %v: %q, want %q", c.exp, got, c.want)
		}
	}
	if got := experienceOpenReason(ex); got != "经验：应届生" {
		t.Errorf("experience %q", got)
	}
	if got := placesReason(ex); got != "招聘人数：12人" {
		t.Errorf("places %q", got)
	}
	if pr.notes.Load() == nil {
		t.Error("the notes were not kept")
	}
	for need := matcher.DegreeNone; need <= matcher.DegreeDoctor+1; need++ {
		for have := matcher.DegreeNone; have <= matcher.DegreeDoctor+1; have++ {
			pr.DegreeMin, gc.Degree = need, have
			if got, want := degreeReason(ex), degreeNote(need, have); got != want {
				t.Errorf("degree %v/%v: %q, want %q", need, have, got, want)
			}
		}
	}
}
