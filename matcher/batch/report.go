package batch

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// capacityReason flags a published item the capacity pass put in the list
// instead of a more relevant post already in many lists.
const capacityReason = "分散推荐：排在它前面的岗位已推荐给较多毕业生，此岗位名额更宽裕"

// report builds the run's report from its saved lists (every list of the
// run, those an earlier attempt saved included: read back from the store
// unless this attempt computed them all), the previous published
// run's lists and this attempt's exposure tally, and saves it with the run
// before the run is published.
func (r *runner) report(ctx context.Context, t *tally) (*matcher.RunReport, error) {
	sum := r.sum
	rep := &matcher.RunReport{RunID: r.run.ID, Graduates: len(r.grads), Limit: r.opt.Limit, Posts: len(r.table),
		Before: sum.Before, After: sum.After, MeanScoreLoss: sum.RelevanceLoss, Moved: t.moved}
	prev, err := r.prevLists(ctx)
	if err != nil {
		return nil, err
	}
	defer prev.done()
	cov := newCoverage(r)
	each := func(fn func(matcher.GraduateRecommendations) error) error { return r.st.EachRunList(ctx, r.run.ID, fn) }
	if len(t.lists) == len(r.grads) {
		// This attempt computed every list (nothing resumed, one
		// process): they are the run's, as saved, without decoding them.
		each = func(fn func(matcher.GraduateRecommendations) error) error {
			for _, gr := range t.lists {
				if err := fn(gr); err != nil {
					return err
				}
			}
			return nil
		}
	}
	changed := map[string][]string{} // graduate → this run's posts, whose previous list's digest differs
	err = each(func(gr matcher.GraduateRecommendations) error {
		posts := cov.add(gr)
		if d, ok := prev.digests[gr.GraduateID]; ok {
			delete(prev.digests, gr.GraduateID)
			if bytes.Equal(d, r.st.ListDigest(gr.GraduateID, posts)) {
				rep.Diff.Compared++
				rep.Diff.Unchanged++
			} else {
				changed[gr.GraduateID] = posts
			}
		} else if p, ok := prev.lists[gr.GraduateID]; ok {
			compare(&rep.Diff, p, posts)
			delete(prev.lists, gr.GraduateID)
		} else if prev.id != "" {
			rep.Diff.Joined++
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("batch: run %s: read lists for the report: %w", r.run.ID, err)
	}
	if err := r.compareChanged(ctx, prev.id, changed, &rep.Diff); err != nil {
		return nil, err
	}
	rep.Diff.Previous, rep.Diff.Left = prev.id, len(prev.digests)+len(prev.lists)
	cov.fill(rep)
	rep.Summary, rep.SummaryEN = words(rep, sum, r.cfg.Capacity.K)
	return rep, nil
}

// prevLists are each graduate's list in the previous published run: the
// digest of its posts (matcher.RunInspector.EachRunListDigest) or, for a
// list stored without one under the current key, its posts.
type prevLists struct {
	id      string
	digests map[string][]byte
	lists   map[string][]string
	// release lets a prune have the previous run's lists again
	// (matcher.RunInspector.HoldRun): they are held from the digests'
	// read until compareChanged has read the lists that changed.
	release func()
}

// done gives up the hold on the previous run's lists, if any.
func (p *prevLists) done() {
	if p != nil && p.release != nil {
		p.release()
	}
}

// compareChanged compares the lists whose digest differs from the previous
// run's with the previous lists, read now (few: most lists do not change
// from one night to the next). They are read when the report is made,
// after the run computed, while the digests were read as it started: a
// previous list erased in between (its graduate's data erased on request)
// counts as a graduate who joined, as it would had the erasure come before
// the run started — there is nothing left to compare with. A prune cannot
// take them meanwhile: previousLists holds the run.
func (r *runner) compareChanged(ctx context.Context, prevID string, changed map[string][]string, d *matcher.RunDiff) error {
	if len(changed) == 0 {
		return nil
	}
	ids := make([]string, 0, len(changed))
	for id := range changed {
		ids = append(ids, id)
	}
	err := r.st.RunListPosts(ctx, prevID, ids, func(id string, before []string) error {
		if now, ok := changed[id]; ok {
			compare(d, before, now)
			delete(changed, id)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("batch: previous run %s: lists that changed: %w", prevID, err)
	}
	d.Joined += len(changed)
	return nil
}

// readPrevious starts reading the previous published run's list digests
// (and the lists stored without a current one) in the background;
// prevLists waits for them. The run being written is not
// published until after the report, so the latest published run is the
// same whenever it is read.
func (r *runner) readPrevious(ctx context.Context) {
	done := make(chan struct{})
	r.prev = func() (*prevLists, error) {
		<-done
		return r.prevRead, r.prevErr
	}
	go func() {
		defer close(done)
		r.prevRead, r.prevErr = r.previousLists(ctx)
	}()
}

// prevLists is the previous run's lists: those readPrevious read, or read
// now when it was not started (a sharded run's Finish).
func (r *runner) prevLists(ctx context.Context) (*prevLists, error) {
	if r.prev == nil {
		return r.previousLists(ctx)
	}
	return r.prev()
}

func (r *runner) previousLists(ctx context.Context) (*prevLists, error) {
	p := &prevLists{digests: map[string][]byte{}, lists: map[string][]string{}}
	run, err := r.st.LatestRun(ctx)
	switch {
	case matcher.ErrorCode(err) == matcher.ENOTFOUND:
		return p, nil
	case err != nil:
		return nil, fmt.Errorf("batch: previous run: %w", err)
	case run.ID == r.run.ID:
		return p, nil // a re-published run has no previous run to compare with
	}
	p.id = run.ID
	// Held before its digests are read, until the report has read the
	// lists that changed: between the two reads another process's prune
	// (`jobmatch runs prune`, a worker's, the API's) could otherwise
	// delete them, once two newer runs are published, and fail the report.
	if p.release, err = r.st.HoldRun(ctx, run.ID); err != nil {
		return nil, fmt.Errorf("batch: previous run %s: %w", run.ID, err)
	}
	err = r.st.EachRunListDigest(ctx, run.ID, func(id string, digest []byte, posts []string) error {
		if digest != nil {
			p.digests[id] = digest
		} else {
			p.lists[id] = posts
		}
		return nil
	})
	if err != nil {
		p.done()
		return nil, fmt.Errorf("batch: previous run %s: %w", run.ID, err)
	}
	return p, nil
}

// compare counts a graduate's list against the previous run's.
func compare(d *matcher.RunDiff, before, now []string) {
	d.Compared++
	if slices.Equal(before, now) {
		d.Unchanged++
		return
	}
	added := 0
	for _, id := range now {
		if !slices.Contains(before, id) {
			added++
		}
	}
	if added == 0 && len(before) == len(now) {
		d.Reordered++
		return
	}
	if added > 0 {
		d.NewPosts++
		d.NewItems += added
	}
}

// coverage counts the run's lists by the posts' channel and by the
// graduates' hukou district.
type coverage struct {
	r          *runner
	district   map[string]string // graduate ID → hukou district
	channels   map[matcher.Channel]*matcher.RunCoverage
	districts  map[string]*matcher.RunCoverage
	chanPosts  map[matcher.Channel]map[string]bool
	distPosts  map[string]map[string]bool
	withPosts  int
	shortLists int
	hardship   int
}

func newCoverage(r *runner) *coverage {
	c := &coverage{r: r, district: make(map[string]string, len(r.grads)), channels: map[matcher.Channel]*matcher.RunCoverage{},
		districts: map[string]*matcher.RunCoverage{}, chanPosts: map[matcher.Channel]map[string]bool{}, distPosts: map[string]map[string]bool{}}
	for i := range r.grads {
		d := r.grads[i].HukouDistrict
		if d == "" {
			d = "未登记"
		}
		c.district[r.grads[i].ID] = d
	}
	return c
}

// add counts one list and returns its posts.
func (c *coverage) add(gr matcher.GraduateRecommendations) []string {
	posts := matcher.DefaultPosts(gr.Items)
	dk := c.district[gr.GraduateID]
	if dk == "" {
		dk = "未登记"
	}
	d := c.districts[dk]
	if d == nil {
		d = &matcher.RunCoverage{Key: dk, Name: dk}
		c.districts[dk], c.distPosts[dk] = d, map[string]bool{}
	}
	d.Graduates++
	d.Slots += len(posts)
	if len(posts) > 0 {
		d.WithPosts++
		c.withPosts++
	}
	if len(posts) < c.r.opt.Limit {
		c.shortLists++
	}
	if slices.ContainsFunc(gr.Items, func(it matcher.StoredRecommendation) bool { return it.Plan }) {
		c.hardship++
	}
	seen := map[matcher.Channel]bool{}
	for _, id := range posts {
		c.distPosts[dk][id] = true
		ch := matcher.Channel("")
		if x, ok := c.r.posts[id]; ok {
			ch = c.r.table[x].Channel
		}
		cc := c.channels[ch]
		if cc == nil {
			name := ch.Chinese()
			if name == "" {
				name = "未注明渠道"
			}
			cc = &matcher.RunCoverage{Key: string(ch), Name: name}
			c.channels[ch], c.chanPosts[ch] = cc, map[string]bool{}
		}
		cc.Slots++
		c.chanPosts[ch][id] = true
		if !seen[ch] {
			seen[ch] = true
			cc.Graduates++
			cc.WithPosts++
		}
	}
	return posts
}

// fill puts the counts into the report, channels by slots, districts by name.
func (c *coverage) fill(rep *matcher.RunReport) {
	rep.WithPosts, rep.ShortList, rep.Hardship = c.withPosts, c.shortLists, c.hardship
	for ch, cc := range c.channels {
		cc.PostsShown = len(c.chanPosts[ch])
		rep.Channels = append(rep.Channels, *cc)
	}
	slices.SortFunc(rep.Channels, func(a, b matcher.RunCoverage) int {
		return cmp.Or(cmp.Compare(b.Slots, a.Slots), cmp.Compare(a.Key, b.Key))
	})
	for k, d := range c.districts {
		d.PostsShown = len(c.distPosts[k])
		rep.Districts = append(rep.Districts, *d)
	}
	slices.SortFunc(rep.Districts, func(a, b matcher.RunCoverage) int { return cmp.Compare(a.Key, b.Key) })
}
