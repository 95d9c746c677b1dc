package casework

import (
	"context"
	"slices"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// planBatch is how many graduates' plans eachKeptPlan builds from one
// batched read: their edits and every item their proposals may take (15
// to 30 IDs a graduate) in one query per kind on PostgreSQL, with the
// IDs of a batch bounded.
const planBatch = 500

// eachKeptPlan calls fn with the index and the kept plan (keptPlan) of
// each of gs, in order. It reads the graduates' shortlist edits and the
// posts and courses their plans may hold a batch of graduates at a time
// (Batches) instead of item by item: what keptPlan builds, without its
// hundreds of single look-ups.
func (s *Service) eachKeptPlan(ctx context.Context, gs []matcher.Graduate, fn func(i int, p *matcher.Plan) error) error {
	for lo := 0; lo < len(gs); lo += planBatch {
		hi := min(lo+planBatch, len(gs))
		plans, err := s.keptPlans(ctx, gs[lo:hi])
		if err != nil {
			return err
		}
		for i, p := range plans {
			if err := fn(lo+i, p); err != nil {
				return err
			}
		}
	}
	return nil
}

// keptPlans builds the kept plans of gs from one batched read.
func (s *Service) keptPlans(ctx context.Context, gs []matcher.Graduate) ([]*matcher.Plan, error) {
	ids := make([]string, len(gs))
	for i := range gs {
		ids[i] = gs[i].ID
	}
	edits, err := s.st.ShortlistEditsOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	type kept struct {
		p  *matcher.Proposal
		by string
	}
	props := make(map[string]kept, len(gs))
	var items []string
	for i := range gs {
		g := &gs[i]
		f := fold(edits[g.ID])
		for _, e := range f.entries {
			items = append(items, e.ID)
		}
		if !matcher.PlanGraduate(g, s.policy()) || f.confirmed {
			continue // build proposes nothing for them
		}
		p, by, err := s.keptProposalFor(ctx, g)
		if err != nil {
			return nil, err
		}
		props[g.ID] = kept{p, by}
		for _, list := range [][]matcher.Item{p.Posts, p.Internships, p.Courses, p.Alternates} {
			for _, it := range list {
				items = append(items, it.PostID)
			}
		}
	}
	slices.Sort(items)
	items = slices.Compact(items)
	posts, courses, err := s.st.PostsAndCourses(ctx, items)
	if err != nil {
		return nil, err
	}
	src := &readItems{Items: s.st, read: items, posts: posts, courses: courses}
	propose := func(ctx context.Context, g *matcher.Graduate) (*matcher.Proposal, string, error) {
		if k, ok := props[g.ID]; ok {
			return k.p, k.by, nil
		}
		return s.keptProposalFor(ctx, g)
	}
	plans := make([]*matcher.Plan, len(gs))
	now := s.now()
	for i := range gs {
		if plans[i], _, err = s.build(ctx, src, &gs[i], fold(edits[gs[i].ID]), now, propose); err != nil {
			return nil, err
		}
	}
	return plans, nil
}

// readItems answers a plan's look-ups from posts and courses read in one
// batch: an ID in read (sorted) that is in neither map is missing; any
// other ID is read from the store.
type readItems struct {
	Items
	read    []string
	posts   map[string]*matcher.Post
	courses map[string]*matcher.Course
}

func (r *readItems) asked(id string) bool {
	_, ok := slices.BinarySearch(r.read, id)
	return ok
}

// Post returns a copy of the post read (one read serves many plans, and a
// plan must not see another's changes).
func (r *readItems) Post(ctx context.Context, id string) (*matcher.Post, error) {
	if p := r.posts[id]; p != nil {
		c := *p
		return &c, nil
	}
	if r.asked(id) {
		return nil, matcher.ErrNotFound("岗位", id)
	}
	return r.Items.Post(ctx, id)
}

// Course returns a copy of the course read.
func (r *readItems) Course(ctx context.Context, id string) (*matcher.Course, error) {
	if c := r.courses[id]; c != nil {
		cp := *c
		return &cp, nil
	}
	if r.asked(id) {
		return nil, matcher.ErrNotFound("课程", id)
	}
	return r.Items.Course(ctx, id)
}
