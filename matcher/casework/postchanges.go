package casework

import (
	"iter"
	"math"
	"slices"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// A post written since a proposal was kept changes it in two ways: a post
// filled, closed or deleted leaves a hole the read-time look-up fills
// from the kept list's tail, and a new post may rank above what was kept.
// PostsChanged drops the kept proposals either can change, so a post
// written on its own (not in an import) reaches handouts as soon as the
// engine holds it instead of within planFactsMaxAge. Only online proposals are dropped: one from the
// published run would be read again from the same run.

// postScorer scores one post for many graduates: engine.Engine's
// Candidates, the same rules and features as Recommend read the other way.
type postScorer interface {
	Candidates(postID string, graduates iter.Seq[*matcher.Graduate], limit int) ([]matcher.Candidate, error)
}

// scoredPosts is how many new or changed posts PostsChanged scores
// against the kept proposals' graduates (microseconds a graduate, a few
// milliseconds a post for a district's thousands). A larger change, an
// import, is not scored: dropping every proposal instead would have the
// figures' next pass propose for every 一人一策 graduate again (7 ms
// each) after every import, so its posts reach the kept proposals as
// they did before, within planFactsMaxAge.
const scoredPosts = 20

// PostsChanged drops the kept proposals that the posts written (as the
// engine now holds them) and the posts deleted can change: those listing
// a post now filled, closed, past its deadline or deleted, and (when at
// most scoredPosts are new or changed) those a new or changed open post
// would enter, its score for the graduate being above the kept list's
// lowest or the list short. The API calls it once the engine took the
// posts, whether written through this replica or read from the change
// feed.
func (s *Service) PostsChanged(posts []matcher.Post, deleted []string) {
	if s.cfg.FiguresMaxAge < 0 || len(posts)+len(deleted) == 0 {
		return
	}
	now := s.now()
	gone := map[string]bool{}
	for _, id := range deleted {
		gone[id] = true
	}
	var fresh []*matcher.Post
	for i := range posts {
		if posts[i].Searchable(now) {
			fresh = append(fresh, &posts[i])
		} else {
			gone[posts[i].ID] = true
		}
	}
	sc, scores := s.rec.(postScorer)
	scores = scores && len(fresh) > 0 && len(fresh) <= scoredPosts
	ps := &s.proposals
	ps.mu.Lock()
	kept := make(map[string]*keptProposal, len(ps.byID))
	for id, kp := range ps.byID {
		switch {
		case kp.by != "online":
		case kp.lists(gone):
			delete(ps.byID, id)
		case scores:
			kept[id] = kp
		}
	}
	ps.mu.Unlock()
	if len(kept) == 0 {
		return
	}
	drop := s.entering(sc, fresh, kept)
	ps.mu.Lock()
	for id, kp := range drop {
		if ps.byID[id] == kp { // not proposed again meanwhile
			delete(ps.byID, id)
		}
	}
	ps.mu.Unlock()
}

// entering returns those of kept that one of posts would enter, scoring
// each post for their graduates (the engine holds the posts).
func (s *Service) entering(sc postScorer, posts []*matcher.Post, kept map[string]*keptProposal) map[string]*keptProposal {
	gs := make([]*matcher.Graduate, 0, len(kept))
	for _, kp := range kept {
		gs = append(gs, &kp.g)
	}
	drop := map[string]*keptProposal{}
	for _, p := range posts {
		for chunk := range slices.Chunk(gs, matcher.MaxLimit) {
			cs, err := sc.Candidates(p.ID, slices.Values(chunk), len(chunk))
			if err != nil {
				// The engine refused the post (it holds only what it can
				// rank): it can enter no proposal.
				s.cfg.Log.Debug("kept proposals: post not scored", "post_id", p.ID, "code", matcher.ErrorCode(err))
				break
			}
			for _, c := range cs {
				if kp := kept[c.GraduateID]; kp != nil && kp.wouldTake(p, c.Score, s.policy().Shortlist.PostsMax) {
					drop[c.GraduateID] = kp
				}
			}
		}
	}
	return drop
}

// lists reports whether the kept proposal lists one of ids.
func (kp *keptProposal) lists(ids map[string]bool) bool {
	if len(ids) == 0 {
		return false
	}
	for _, l := range [][]proposedItem{kp.posts, kp.internships, kp.alternates} {
		for _, it := range l {
			if ids[it.id] {
				return true
			}
		}
	}
	return false
}

// wouldTake reports whether a proposal made now could list p, scored
// score for the graduate: an internship above the kept internships'
// lowest (or fewer kept than a plan takes); a job above the kept posts'
// lowest (or fewer than postsMax), or above its channel's alternate (or
// in a channel the proposal has neither posts nor an alternate of).
func (kp *keptProposal) wouldTake(p *matcher.Post, score float64, postsMax int) bool {
	if p.Kind == matcher.KindInternship {
		return len(kp.internships) < planInternships || score > lowest(kp.internships)
	}
	if len(kp.posts) < postsMax || score > lowest(kp.posts) {
		return true
	}
	sameChannel := func(it proposedItem) bool { return it.channel == p.Channel }
	if i := slices.IndexFunc(kp.alternates, sameChannel); i >= 0 {
		return score > kp.alternates[i].score
	}
	return !slices.ContainsFunc(kp.posts, sameChannel)
}

// lowest is the lowest score of items, +Inf for none.
func lowest(items []proposedItem) float64 {
	low := math.Inf(1)
	for _, it := range items {
		low = min(low, it.score)
	}
	return low
}
