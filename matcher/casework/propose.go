package casework

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
	"github.com/urumqi-hrss/jobmatch/matcher/itemjson"
)

// ProposeOptions shape a proposal.
type ProposeOptions struct {
	// Posts, when not nil, are the ranked posts to propose (the nightly
	// batch passes its capacity-adjusted list and reserves); nil asks the
	// recommender for jobs.
	Posts []matcher.Item
}

// Proposal sizes: ranked candidates beyond what the plan holds, so that
// a counselor's removals (and posts filled since the run) are made up
// from the next ones.
func reserve(n int) int { return 2 * n }

// Propose computes a 一人一策 proposal for g: ranked jobs, the internships
// the rules let g take, and distinct fitting courses (the engine's course
// ranking: entrepreneurship training for those who want to start a
// business). The nightly batch and an online request call it alike.
func Propose(rec Recommender, g *matcher.Graduate, pol *catalog.Policy, o ProposeOptions) (*matcher.Proposal, error) {
	p := &matcher.Proposal{Posts: o.Posts}
	if p.Posts == nil {
		res, err := rec.Recommend(g, matcher.Query{Kind: matcher.KindJob, Limit: reserve(pol.Shortlist.PostsMax)})
		if err != nil {
			return nil, fmt.Errorf("propose posts: %w", err)
		}
		p.Posts = res.Items
		if p.Alternates, err = Alternates(rec, g, p.Posts); err != nil {
			return nil, err
		}
	}
	res, err := rec.Recommend(g, matcher.Query{Kind: matcher.KindInternship, Limit: reserve(planInternships)})
	if err != nil {
		return nil, fmt.Errorf("propose internships: %w", err)
	}
	p.Internships = res.Items
	if len(p.Internships) == 0 {
		if n := res.Excluded[matcher.RuleInternshipWindow]; n > 0 {
			in := pol.Internship
			p.Notes = append(p.Notes, fmt.Sprintf("不在就业见习范围（见习面向应届毕业生、离校%d年内未就业毕业生和%d–%d岁失业青年），未推荐见习岗位",
				in.YearsAfterLeaving, in.YouthAgeMin, in.YouthAgeMax))
		} else {
			p.Notes = append(p.Notes, "暂无可参加的就业见习岗位")
		}
	}
	res, err = rec.Recommend(g, matcher.Query{Kind: matcher.KindCourse, Limit: reserve(pol.Shortlist.CoursesMin)})
	if err != nil {
		return nil, fmt.Errorf("propose courses: %w", err)
	}
	p.Courses = res.Items
	if len(p.Courses) < pol.Shortlist.CoursesMin {
		p.Notes = append(p.Notes, fmt.Sprintf("适合的培训课程只有 %d 门（未开班、有名额、对口所学专业或岗位要求、不重复已掌握的技能）", len(p.Courses)))
	}
	if o.Posts == nil {
		NotePosts(p, pol)
	}
	return p, nil
}

// NotePosts says in the proposal's notes that fewer posts fit than the
// plan asks, once its posts are final: Propose calls it when it chose the
// posts; the nightly batch, which passes none and fills them from its own
// capacity-adjusted list, calls it after (before, every stored proposal
// said "符合条件的岗位只有 0 个" beside its posts).
func NotePosts(p *matcher.Proposal, pol *catalog.Policy) {
	if len(p.Posts) < pol.Shortlist.PostsMin {
		p.Notes = append(p.Notes, fmt.Sprintf("符合条件的岗位只有 %d 个", len(p.Posts)))
	}
}

// StoreProposal encodes the parts of a proposal that are not in the
// graduate's default list (listed: the post IDs already stored in it) as
// plan items of the run (matcher.StoredRecommendation.Plan), ranked within
// their part.
//
// The items are written by matcher/itemjson (encoding/json's bytes without
// reflection: json.Marshal of them was 2% of a batch run), all into one
// buffer, each item capped at its end so nothing appends over the next.
func StoreProposal(p *matcher.Proposal, listed map[string]bool) ([]matcher.StoredRecommendation, error) {
	var out []matcher.StoredRecommendation
	buf := make([]byte, 0, proposalItemBytes*(len(p.Posts)+len(p.Internships)+len(p.Courses)+len(p.Alternates)))
	add := func(items []matcher.Item, skipListed bool) error {
		rank := 0
		for _, it := range items {
			if skipListed && listed[it.PostID] {
				continue
			}
			rank++
			it.Rank = rank
			at := len(buf)
			var err error
			if buf, err = appendItem(buf, &it); err != nil {
				return fmt.Errorf("encode proposal item %s: %w", it.PostID, err)
			}
			out = append(out, matcher.StoredRecommendation{PostID: it.PostID, Kind: it.Kind, Rank: rank, Score: it.Score, Item: buf[at:len(buf):len(buf)], Plan: true})
		}
		return nil
	}
	for _, part := range []struct {
		items      []matcher.Item
		skipListed bool
	}{{p.Posts, true}, {p.Internships, false}, {p.Courses, false}} {
		if err := add(part.items, part.skipListed); err != nil {
			return nil, err
		}
	}
	if len(p.Notes) > 0 {
		b, err := json.Marshal(p.Notes)
		if err != nil {
			return nil, err
		}
		out = append(out, matcher.StoredRecommendation{PostID: notesID, Kind: notesKind, Item: b, Plan: true})
	}
	// The alternates are stored even when there are none: a run that
	// stored them is read as it is, one from before they were stored is
	// given them at the read.
	at := len(buf)
	buf = append(buf, '[')
	for i := range p.Alternates {
		if i > 0 {
			buf = append(buf, ',')
		}
		var err error
		if buf, err = appendItem(buf, &p.Alternates[i]); err != nil {
			return nil, fmt.Errorf("encode proposal alternates: %w", err)
		}
	}
	buf = append(buf, ']')
	out = append(out, matcher.StoredRecommendation{PostID: alternatesID, Kind: alternatesKind, Item: buf[at:len(buf):len(buf)], Plan: true})
	return out, nil
}

// proposalItemBytes is about an encoded item's size, the buffer
// StoreProposal starts in.
const proposalItemBytes = 1024

// appendItem appends json.Marshal(*it) to b, or returns encoding/json's
// error (a NaN or an infinity).
func appendItem(b []byte, it *matcher.Item) ([]byte, error) {
	b, ok := itemjson.AppendItem(b, it)
	if ok {
		return b, nil
	}
	if _, err := json.Marshal(it); err != nil {
		return b, err
	}
	return b, errors.New("a value itemjson cannot write")
}

// The proposal's notes, and its alternates (the posts of other channels
// it is spread with), are stored as plan items of their own.
const (
	notesID        = "plan:notes"
	notesKind      = matcher.Kind("notes")
	alternatesID   = "plan:alternates"
	alternatesKind = matcher.Kind("alternates")
)

// ProposalFromRun reads a proposal back from a graduate's stored list: the
// default list's jobs then the reserve jobs, the plan's internships, its
// courses and its alternates (Alternates stays nil for a run from before
// they were stored). ok is false when the list holds no proposal (the
// graduate was not a plan graduate when the run was made).
func ProposalFromRun(stored []matcher.StoredRecommendation) (*matcher.Proposal, bool, error) {
	p := &matcher.Proposal{}
	var listed, reserve []matcher.StoredRecommendation
	found := false
	for _, sr := range stored {
		switch {
		case sr.Plan && sr.Kind == notesKind:
			found = true
			if err := json.Unmarshal(sr.Item, &p.Notes); err != nil {
				return nil, false, fmt.Errorf("proposal notes: %w", err)
			}
		case sr.Plan && sr.Kind == alternatesKind:
			found = true
			p.Alternates = []matcher.Item{}
			if err := json.Unmarshal(sr.Item, &p.Alternates); err != nil {
				return nil, false, fmt.Errorf("proposal alternates: %w", err)
			}
		case sr.Plan && sr.Kind == matcher.KindJob:
			found = true
			reserve = append(reserve, sr)
		case sr.Plan:
			found = true
			it, err := decodeItem(sr)
			if err != nil {
				return nil, false, err
			}
			if sr.Kind == matcher.KindInternship {
				p.Internships = append(p.Internships, it)
			} else {
				p.Courses = append(p.Courses, it)
			}
		case sr.Kind == matcher.KindJob:
			listed = append(listed, sr)
		}
	}
	byRank := func(a, b matcher.StoredRecommendation) int { return cmp.Compare(a.Rank, b.Rank) }
	slices.SortStableFunc(listed, byRank)
	slices.SortStableFunc(reserve, byRank)
	for _, sr := range slices.Concat(listed, reserve) {
		it, err := decodeItem(sr)
		if err != nil {
			return nil, false, err
		}
		p.Posts = append(p.Posts, it)
	}
	byItemRank := func(a, b matcher.Item) int { return cmp.Compare(a.Rank, b.Rank) }
	slices.SortStableFunc(p.Internships, byItemRank)
	slices.SortStableFunc(p.Courses, byItemRank)
	return p, found, nil
}

func decodeItem(sr matcher.StoredRecommendation) (matcher.Item, error) {
	var it matcher.Item
	if err := json.Unmarshal(sr.Item, &it); err != nil {
		return it, fmt.Errorf("stored item %s: %w", sr.PostID, err)
	}
	return it, nil
}

// proposal returns the published run's proposal for g when the run is
// recent, covers g and g has not changed since it began; otherwise it
// proposes online with the same function the batch uses.
func (s *Service) proposal(ctx context.Context, g *matcher.Graduate) (*matcher.Proposal, string, error) {
	if s.cfg.MaxRunAge >= 0 {
		if run := s.publishedRun(ctx); run != nil && time.Since(run.StartedAt) <= s.cfg.MaxRunAge && !g.UpdatedAt.After(run.StartedAt) {
			runID, stored, err := s.st.RecommendationsFor(ctx, g.ID)
			if err == nil && runID == run.ID {
				p, ok, err := ProposalFromRun(stored)
				if err != nil {
					return nil, "", err
				}
				if ok {
					// The run stored the alternates it found (Alternates,
					// as online); a run from before it stored them is given
					// them here.
					if p.Alternates == nil {
						if p.Alternates, err = Alternates(s.rec, g, p.Posts); err != nil {
							return nil, "", err
						}
					}
					return p, "run:" + runID, nil
				}
			}
		}
	}
	p, err := Propose(s.rec, g, s.policy(), ProposeOptions{})
	if err != nil {
		return nil, "", err
	}
	return p, "online", nil
}
