package casework_test

import (
	"context"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/casework"
	"github.com/urumqi-hrss/jobmatch/matcher/engine"
	"github.com/urumqi-hrss/jobmatch/store/bolt"
)

// countingRecommender is the real engine, counting how often it ranks.
type countingRecommender struct {
	eng   *engine.Engine
	calls atomic.Int64
}

func (c *countingRecommender) Recommend(g *matcher.Graduate, q matcher.Query) (*matcher.Result, error) {
	c.calls.Add(1)
	return c.eng.Recommend(g, q)
}

// proposalService is a service over a bolt store with storetest's posts
// and graduates and the real engine over those posts.
func proposalService(t *testing.T) (*casework.Service, *bolt.Store, *countingRecommender, []matcher.Post) {
	t.Helper()
	stack := casework.NewTestStack(t, 60)
	st, posts, eng, pol, now := stack.Store, stack.Posts, stack.Engine, stack.Policy, stack.Now
	rec := &countingRecommender{eng: eng}
	svc, err := casework.New(casework.Config{Store: st, Recommender: rec, Policy: pol, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	return svc, st, rec, posts
}

func itemIDs(items []matcher.PlanItem) []string {
	var ids []string
	for _, it := range items {
		if it.Open && it.Ineligible == "" {
			ids = append(ids, it.ID)
		}
	}
	return ids
}

// TestHandoutsReuseProposals: a second handout of a graduate ranks
// nothing again and lists what the graduate's page (proposed afresh)
// lists; a post closed since is left off and the next proposed one taken,
// still without ranking again; a change to the graduate proposes afresh.
func TestHandoutsReuseProposals(t *testing.T) {
	ctx := context.Background()
	svc, st, rec, posts := proposalService(t)
	g, err := st.Graduate(ctx, "G0000010") // storetest: every tenth is a hardship case
	if err != nil {
		t.Fatal(err)
	}
	if !matcher.PlanGraduate(g, new(svc.Policy())) {
		t.Fatal("G0000010 should be a 一人一策 graduate")
	}
	c := casework.Counselor{Name: "李老师"}
	h1, err := svc.Handout(ctx, g, c)
	if err != nil {
		t.Fatal(err)
	}
	first := rec.calls.Load()
	if first == 0 || len(h1.Posts) == 0 {
		t.Fatalf("the first handout ranked %d times and lists %d posts", first, len(h1.Posts))
	}
	h2, err := svc.Handout(ctx, g, c)
	if err != nil {
		t.Fatal(err)
	}
	if n := rec.calls.Load() - first; n != 0 {
		t.Errorf("the second handout ranked %d times, want 0", n)
	}
	if !slices.Equal(itemIDs(h1.Posts), itemIDs(h2.Posts)) || !slices.Equal(itemIDs(h1.Courses), itemIDs(h2.Courses)) {
		t.Errorf("the second handout lists other items: %v then %v", itemIDs(h1.Posts), itemIDs(h2.Posts))
	}
	fresh, err := svc.Plan(ctx, g)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(itemIDs(fresh.Posts), itemIDs(h2.Posts)) || !slices.Equal(itemIDs(fresh.Internships), itemIDs(h2.Internships)) {
		t.Errorf("handout %v, the graduate's page %v", itemIDs(h2.Posts), itemIDs(fresh.Posts))
	}
	for _, it := range h2.Posts {
		if len(it.Reasons) != 0 || it.Note != "" {
			t.Errorf("handout item %s carries reasons or a note: %v %q", it.ID, it.Reasons, it.Note)
		}
	}

	// A post on the handout filled elsewhere (another replica's write: the
	// engine here still holds it).
	closed := h2.Posts[0].ID
	i := slices.IndexFunc(posts, func(p matcher.Post) bool { return p.ID == closed })
	p := posts[i]
	p.Status = matcher.PostFilled
	if _, err := st.UpsertPosts(ctx, []matcher.Post{p}); err != nil {
		t.Fatal(err)
	}
	before := rec.calls.Load()
	h3, err := svc.Handout(ctx, g, c)
	if err != nil {
		t.Fatal(err)
	}
	if n := rec.calls.Load() - before; n != 0 {
		t.Errorf("a handout after a post closed ranked %d times, want 0", n)
	}
	if slices.Contains(itemIDs(h3.Posts), closed) {
		t.Errorf("the handout still lists %s, filled", closed)
	}
	if fresh, err = svc.Plan(ctx, g); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(itemIDs(fresh.Posts), itemIDs(h3.Posts)) {
		t.Errorf("after the post closed: handout %v, the graduate's page %v", itemIDs(h3.Posts), itemIDs(fresh.Posts))
	}

	// The graduate changed: proposed afresh.
	g.PreferredDistricts = []string{"米东区"}
	before = rec.calls.Load()
	if _, err := svc.Handout(ctx, g, c); err != nil {
		t.Fatal(err)
	}
	if rec.calls.Load() == before {
		t.Error("a changed graduate's handout reused the proposal made before the change")
	}
}
