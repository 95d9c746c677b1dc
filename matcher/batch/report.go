package batch

import (
	"context"
	"fmt"
	"slices"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// capacityReason flags a published item the capacity pass put in the list
// instead of a more relevant post already in many lists.
const capacityReason = "分散推荐：排在它前面的岗位已推荐给较多毕业生，此岗位名额更宽裕"

// report builds the run's report from the counts of its lists (c: every
// list of the run, those an earlier attempt or another shard saved
// included), the number of lists the previous run has (prevLists) and
// this attempt's exposure tally, to be saved with the run before it is
// published.
func (r *runner) report(t *tally, c *ListCounts, prevLists int) *matcher.RunReport {
	sum := r.sum
	rep := &matcher.RunReport{RunID: r.run.ID, Graduates: r.sum.Graduates, Limit: r.opt.Limit, Posts: len(r.table),
		Before: sum.Before, After: sum.After, MeanScoreLoss: sum.RelevanceLoss, Moved: t.moved}
	r.fill(rep, c, prevLists)
	rep.Summary, rep.SummaryEN = words(rep, sum, r.cfg.Capacity.K)
	return rep
}

// prevLists are each graduate's list in the previous published run: the
// digest of its posts (matcher.RunInspector.EachRunListDigest) or, for a
// list stored without one under the current key, its posts.
type prevLists struct {
	id      string
	digests map[string][]byte
	lists   map[string][]string
	total   int // the lists read
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
		r.prevRead, r.prevErr = r.previousLists(ctx, nil, true)
	}()
}

// prevLists is the previous run's lists: those readPrevious read (a run
// in one process).
func (r *runner) prevLists(ctx context.Context) (*prevLists, error) {
	if r.prev == nil {
		return r.previousLists(ctx, nil, true)
	}
	return r.prev()
}

// previousLists reads the previous published run's lists of the graduates
// ids, or with all every list it has, digests where it has them.
func (r *runner) previousLists(ctx context.Context, ids []string, all bool) (*prevLists, error) {
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
	each := func(id string, digest []byte, posts []string) error {
		p.total++
		if digest != nil {
			p.digests[id] = digest
		} else {
			p.lists[id] = posts
		}
		return nil
	}
	if all {
		err = r.st.EachRunListDigest(ctx, run.ID, each)
	} else {
		err = r.st.RunListDigests(ctx, run.ID, ids, each)
	}
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
