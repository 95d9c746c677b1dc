package casework_test

import (
	"context"
	"iter"
	"slices"
	"testing"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/casework"
)

// Candidates lets PostsChanged score new posts with the real engine.
func (c *countingRecommender) Candidates(postID string, gs iter.Seq[*matcher.Graduate], limit int) ([]matcher.Candidate, error) {
	return c.eng.Candidates(postID, gs, limit)
}

// TestPostChangesReachKeptProposals: a new post that ranks above a kept
// proposal's posts reaches the next handout at once (proposed again), a
// new post the graduate may not take keeps the proposal (nothing ranked
// again), and a listed post filled drops it.
func TestPostChangesReachKeptProposals(t *testing.T) {
	ctx := context.Background()
	svc, st, rec, posts := proposalService(t)
	g, err := st.Graduate(ctx, "G0000010")
	if err != nil {
		t.Fatal(err)
	}
	c := casework.Counselor{Name: "李老师"}
	h, err := svc.Handout(ctx, g, c)
	if err != nil || len(h.Posts) < 2 {
		t.Fatalf("handout: %v, %d posts", err, len(h.Posts))
	}
	write := func(p matcher.Post) {
		t.Helper()
		p.ID = matcher.PostID(p.Source, p.ExternalID)
		if _, err := st.UpsertPosts(ctx, []matcher.Post{p}); err != nil {
			t.Fatal(err)
		}
		if p.Status == matcher.PostOpen {
			if err := rec.eng.Upsert(p); err != nil {
				t.Fatal(err)
			}
		} else {
			rec.eng.Remove(p.ID)
		}
		svc.PostsChanged([]matcher.Post{p}, nil)
	}
	handout := func() (*casework.Handout, int64) {
		t.Helper()
		before := rec.calls.Load()
		h, err := svc.Handout(ctx, g, c)
		if err != nil {
			t.Fatal(err)
		}
		return h, rec.calls.Load() - before
	}
	best := posts[slices.IndexFunc(posts, func(p matcher.Post) bool { return p.ID == h.Posts[0].ID })]

	// A post the graduate may not take (a master's degree asked of a
	// bachelor): the kept proposal stays.
	out := best
	out.ExternalID, out.DegreeMin = "new-master", matcher.DegreeMaster
	write(out)
	if _, ranked := handout(); ranked != 0 {
		t.Errorf("a post the graduate may not take: the handout ranked %d times, want 0", ranked)
	}

	// A post as good as the best listed: in the next handout.
	twin := best
	twin.ExternalID = "new-twin"
	write(twin)
	h2, ranked := handout()
	if ranked == 0 || !slices.Contains(itemIDs(h2.Posts), matcher.PostID(twin.Source, twin.ExternalID)) {
		t.Errorf("a new post as good as the best: ranked %d times, handout lists %v", ranked, itemIDs(h2.Posts))
	}
	if _, ranked := handout(); ranked != 0 {
		t.Errorf("the handout after that ranked %d times, want 0 (kept again)", ranked)
	}

	// A listed post filled: proposed again.
	filled := posts[slices.IndexFunc(posts, func(p matcher.Post) bool { return p.ID == h2.Posts[1].ID })]
	filled.Status = matcher.PostFilled
	write(filled)
	h3, ranked := handout()
	if ranked == 0 || slices.Contains(itemIDs(h3.Posts), filled.ID) {
		t.Errorf("a listed post filled: ranked %d times, handout lists %v", ranked, itemIDs(h3.Posts))
	}
}
