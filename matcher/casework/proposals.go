package casework

import (
	"context"
	"encoding/json"
	"hash/maphash"
	"sync"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// The proposals the documents and the dashboard's figures reuse (issue 12:
// a district's handouts under 300 ms with 50,000 graduates). Proposing a
// plan online is three to nine rankings of every open post and course for
// the graduate: about 7 ms of CPU, nine tenths of a handout's cost, and a
// district document asks for hundreds of them. A proposal changes with the
// graduate, the published run, the business day and the posts the engine
// holds. The service keeps, for every graduate it proposed for, the
// little of the proposal a plan is built from — each item's ID, score and
// channel, and the notes — and proposes again when the graduate (hashed),
// the run or the day changed, or after planFactsMaxAge: a post new since
// reaches a kept proposal within that time, as it reaches the figures'
// plan checks (snapshot.go), whose passes keep these proposals filled.
//
// Only the documents and the figures read them, and the plan is still
// built from them at each read: every item is looked up again, so a post
// filled, closed or past its deadline since is left off and the next one
// proposed taken. The items carry no reasons or contributions: the
// graduate's page (Service.Plan) proposes afresh and shows both; the
// handout prints neither.

// proposedItem is what a plan is built from of a proposal's item.
type proposedItem struct {
	id      string
	score   float64
	channel matcher.Channel
}

// keptProposal is one graduate's kept proposal.
type keptProposal struct {
	// g is the graduate proposed for (a shallow copy), for PostsChanged
	// to score new posts for.
	g     matcher.Graduate
	epoch planEpoch
	sum   uint64    // the graduate proposed for (graduateSum)
	at    time.Time // wall clock when proposed
	by    string    // "online" or "run:ID"
	notes []string

	posts, internships, courses, alternates []proposedItem
}

// proposals are the kept proposals by graduate ID.
type proposals struct {
	mu   sync.Mutex
	seed maphash.Seed
	byID map[string]*keptProposal
}

func keepItems(items []matcher.Item) []proposedItem {
	if len(items) == 0 {
		return nil
	}
	out := make([]proposedItem, len(items))
	for i, it := range items {
		out[i] = proposedItem{id: it.PostID, score: it.Score, channel: it.Channel}
	}
	return out
}

func (kp *keptProposal) items(ps []proposedItem) []matcher.Item {
	out := make([]matcher.Item, len(ps))
	for i, p := range ps {
		out[i] = matcher.Item{PostID: p.id, Rank: i + 1, Score: p.score, Channel: p.channel}
	}
	return out
}

// proposal is the kept proposal as the plan builder takes it.
func (kp *keptProposal) proposal() *matcher.Proposal {
	return &matcher.Proposal{Posts: kp.items(kp.posts), Internships: kp.items(kp.internships),
		Courses: kp.items(kp.courses), Alternates: kp.items(kp.alternates), Notes: kp.notes}
}

// graduateSum hashes everything of g a proposal may read (all of it but
// the store's write time, so a graduate read again hashes the same).
func (s *Service) graduateSum(g *matcher.Graduate) (uint64, error) {
	c := *g
	c.UpdatedAt = time.Time{}
	b, err := json.Marshal(&c)
	if err != nil {
		return 0, err
	}
	return maphash.Bytes(s.proposals.seed, b), nil
}

// keptProposalFor returns g's proposal: the kept one when g, the run and
// the day are the same as when it was made, else a fresh one, then kept.
func (s *Service) keptProposalFor(ctx context.Context, g *matcher.Graduate) (*matcher.Proposal, string, error) {
	if s.cfg.FiguresMaxAge < 0 {
		return s.proposal(ctx, g) // nothing kept (Config.FiguresMaxAge)
	}
	epoch := s.planEpoch(ctx)
	sum, err := s.graduateSum(g)
	if err != nil {
		return nil, "", err
	}
	ps := &s.proposals
	ps.mu.Lock()
	kp := ps.byID[g.ID]
	ps.mu.Unlock()
	if kp != nil && kp.epoch == epoch && kp.sum == sum && time.Since(kp.at) < planFactsMaxAge {
		return kp.proposal(), kp.by, nil
	}
	p, by, err := s.proposal(ctx, g)
	if err != nil {
		return nil, "", err
	}
	kp = &keptProposal{g: *g, epoch: epoch, sum: sum, at: time.Now(), by: by, posts: keepItems(p.Posts), internships: keepItems(p.Internships),
		courses: keepItems(p.Courses), alternates: keepItems(p.Alternates), notes: p.Notes}
	ps.mu.Lock()
	ps.byID[g.ID] = kp
	ps.mu.Unlock()
	return p, by, nil
}

// dropProposals forgets the kept proposals that can serve no more
// (another epoch than e, too old) and those of the graduates keep says no
// to; the figures' pass calls it.
func (s *Service) dropProposals(e planEpoch, keep func(id string) bool) {
	ps := &s.proposals
	ps.mu.Lock()
	defer ps.mu.Unlock()
	for id, kp := range ps.byID {
		if kp.epoch != e || time.Since(kp.at) >= planFactsMaxAge || !keep(id) {
			delete(ps.byID, id)
		}
	}
}

// keptPlan returns g's 一人一策 plan as of now built from its kept
// proposal (see above): what a handout and the figures read. Its proposed
// items carry no reasons.
func (s *Service) keptPlan(ctx context.Context, g *matcher.Graduate) (*matcher.Plan, error) {
	edits, err := s.st.ShortlistEdits(ctx, g.ID)
	if err != nil {
		return nil, err
	}
	p, _, err := s.build(ctx, s.st, g, fold(edits), s.now(), s.keptProposalFor)
	return p, err
}
