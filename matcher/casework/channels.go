package casework

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// The plan asks for targeted posts across the city's channels (促就业六个
// 一批; 一人一策: 5—8个针对性岗位). A proposal whose posts are of one
// channel takes the best eligible post of another channel when it fits
// nearly as well: its score within alternateFloor of the proposal's best
// (the tolerance the engine's channel mix counts as fitting; a far worse
// post is no targeted post). A 公益性岗位 is never taken for the spread:
// the plan keeps it for those who cannot find work on the market (兜底).
const alternateFloor = 0.25

// alternateChannels are the channels a plan may be spread to for g:
// conscription and self-employment only when g names them (they are
// choices a graduate makes, not posts to be placed before them).
func alternateChannels(g *matcher.Graduate) []matcher.Channel {
	var out []matcher.Channel
	for _, ch := range matcher.Channels {
		if (ch == matcher.ChannelMilitary || ch == matcher.ChannelSelfEmployed) && !slices.Contains(g.PreferredChannels, ch) {
			continue
		}
		out = append(out, ch)
	}
	return out
}

// Alternates asks the recommender for the best eligible post of each
// channel the posts do not span, when they span one; best first: the
// candidates a proposal is spread with (matcher.Proposal.Alternates). An
// online proposal (Propose) and the nightly batch (once its capacity pass
// has chosen the posts) both call it, and the run stores what it found,
// so a plan proposed by the run spreads by the same rule, on the same
// candidates, as one proposed online.
func Alternates(rec Recommender, g *matcher.Graduate, posts []matcher.Item) ([]matcher.Item, error) {
	present := map[matcher.Channel]bool{}
	for _, it := range posts {
		present[it.Channel] = true
	}
	if len(present) != 1 {
		return nil, nil
	}
	var out []matcher.Item
	for _, ch := range alternateChannels(g) {
		if present[ch] {
			continue
		}
		res, err := rec.Recommend(g, matcher.Query{Kind: matcher.KindJob, Channel: ch, Limit: 1})
		if err != nil {
			return nil, fmt.Errorf("propose a %s post: %w", ch, err)
		}
		out = append(out, res.Items...)
	}
	slices.SortStableFunc(out, func(a, b matcher.Item) int { return cmp.Compare(b.Score, a.Score) })
	return out, nil
}

// spread makes a proposed plan whose jobs are all of one channel span
// two: the best post of another channel that fits nearly as well (from
// the proposal's reserve, then its alternates) takes the place of the
// last proposed job, or is added when the plan has room. It returns the
// plan's channel note.
func (s *Service) spread(ctx context.Context, items Items, g *matcher.Graduate, st *planState, prop *matcher.Proposal, f folded, now time.Time) (string, error) {
	channels := map[matcher.Channel]bool{}
	last, posts := -1, 0
	for i, r := range st.items {
		if r.counts() && r.post != nil && r.item.Kind == matcher.KindJob {
			channels[r.item.Channel] = true
			posts++
			if r.item.Origin == matcher.OriginProposed {
				last = i
			}
		}
	}
	if len(channels) != 1 || last < 0 {
		return "", nil
	}
	only := st.items[last].item.Channel
	best := math.Inf(-1)
	for _, it := range prop.Posts {
		best = max(best, it.Score)
	}
	floor := best - alternateFloor*math.Abs(best)
	allowed := alternateChannels(g)
	for _, it := range slices.Concat(prop.Posts, prop.Alternates) {
		if it.Channel == only || !slices.Contains(allowed, it.Channel) || it.Score < floor || f.removed[it.PostID] ||
			slices.ContainsFunc(st.items, func(r *resolved) bool { return r.item.ID == it.PostID }) {
			continue
		}
		r, err := s.resolve(ctx, items, g, it.PostID, now)
		if err != nil {
			return "", err
		}
		if !r.counts() || r.post == nil || r.item.Kind != matcher.KindJob || r.post.PublicWelfare {
			continue
		}
		if posts >= s.policy().Shortlist.PostsMax {
			id := st.items[last].item.ID
			st.items = slices.Delete(st.items, last, last+1)
			st.proposed = slices.DeleteFunc(st.proposed, func(p string) bool { return p == id })
		}
		note := fmt.Sprintf("跨渠道：岗位多来自%s，加入%s匹配度最高的岗位", only.Chinese(), it.Channel.Chinese())
		r.item.Origin, r.item.Reasons = matcher.OriginProposed, append(slices.Clone(it.Reasons), note)
		st.items = append(st.items, r)
		st.proposed = append(st.proposed, it.PostID)
		return note, nil
	}
	return fmt.Sprintf("岗位均来自%s：其他渠道暂无符合条件、匹配相近的岗位", only.Chinese()), nil
}
