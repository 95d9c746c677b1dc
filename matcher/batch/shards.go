package batch

import (
	"context"
	"fmt"
	"hash/fnv"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// A run can be computed in shards by many processes (`jobmatch batch
// --shards N` and `jobmatch worker`, wired in cmd over River queues in
// store/postgres/batchqueue): Prepare opens the run and sets its prices
// once; RunShard computes and saves the lists of the graduates of one
// shard, with those prices, on any machine, and counts their coverage and
// diff (ListCounts); Finish checks the run is whole, sums the shards'
// exposure and counts, saves the report and publishes. The
// prices are fixed before any shard starts and a graduate's list depends
// only on the inputs and the prices, so N shards publish the same lists as
// one process (TestShardsEqualOneProcess), and a shard run again after a
// crash skips the graduates already saved, as a resumed run does.

// ShardOf is the shard (0..n-1) a graduate's list is computed in: a hash
// of the ID, so shards are about equal and do not depend on the ledger's
// order.
func ShardOf(graduateID string, n int) int {
	if n <= 1 {
		return 0
	}
	h := fnv.New64a()
	h.Write([]byte(graduateID))
	return int(h.Sum64() % uint64(n))
}

// Prices are a run's capacity discounts by post ID; a post at full price
// (discount 1) is left out.
type Prices map[string]float64

// Plan is a sharded run as Prepare opened it.
type Plan struct {
	RunID     string `json:"run_id"`
	Resumed   bool   `json:"resumed"`
	Graduates int    `json:"graduates"`
	Posts     int    `json:"posts"`
	Prices    Prices `json:"-"`
	// Summary holds the pricing figures (sample, rounds, elapsed).
	Summary *Summary `json:"summary"`
}

// Prepare opens a run (or resumes the day's unfinished run with the same
// inputs, as Run does) and sets its capacity prices from the sample,
// without computing any list: the shards do that.
func Prepare(ctx context.Context, st Store, in *Inputs, opt Options) (*Plan, error) {
	r, err := priced(ctx, st, in, opt)
	if err != nil {
		return nil, err
	}
	p := &Plan{RunID: r.run.ID, Resumed: r.sum.Resumed, Graduates: len(r.grads), Posts: len(r.table), Prices: Prices{}, Summary: r.sum}
	for i, d := range r.price.discount {
		if d != 1 {
			p.Prices[r.table[i].ID] = d
		}
	}
	return p, nil
}

// Shard names one shard of a prepared run.
type Shard struct {
	RunID  string
	Index  int // 0..Count-1
	Count  int
	Prices Prices
}

// ShardResult is what one shard computed: its counts, and the exposure
// of its lists per post ID before and after the capacity pass, which
// Finish sums over the shards.
type ShardResult struct {
	Index       int            `json:"index"`
	Graduates   int            `json:"graduates"` // the shard's active graduates
	Computed    int            `json:"computed"`  // lists this attempt computed (the rest were saved before)
	Hardship    int            `json:"hardship"`
	Courses     int            `json:"courses"`
	Moved       int            `json:"moved"`
	Before      map[string]int `json:"before"`
	After       map[string]int `json:"after"`
	ScoreBefore float64        `json:"score_before"`
	ScoreAfter  float64        `json:"score_after"`
	Seconds     float64        `json:"seconds"`
	// Counts are the coverage and diff of all the shard's lists (those an
	// earlier attempt saved included), which Finish adds up instead of
	// reading every list of the run.
	Counts *ListCounts `json:"counts,omitempty"`
}

// shardRunner opens a prepared run for a shard or for Finish: the same
// post table and graduates, the run found and checked against the inputs'
// fingerprint, so a worker whose data differs from the coordinator's
// cannot add lists to the run.
func shardRunner(ctx context.Context, st Store, in *Inputs, opt Options, runID string) (*runner, error) {
	r, err := newRunner(st, in, opt)
	if err != nil {
		return nil, err
	}
	r.postTable()
	if err := r.activeGraduates(ctx); err != nil {
		return nil, err
	}
	run, err := st.Run(ctx, runID)
	if err != nil {
		return nil, fmt.Errorf("batch: run %s: %w", runID, err)
	}
	if run.Status == matcher.RunFailed {
		return nil, matcher.Errorf(matcher.ECONFLICT, "推荐批次 %s 已失败", "run %s has failed", runID)
	}
	if run.Status == matcher.RunRunning && run.Note != r.note(r.table, r.grads) {
		return nil, matcher.Errorf(matcher.ECONFLICT, "推荐批次 %s 的输入已变化（岗位、毕业生或配置与开始时不同），该分片不能计算",
			"run %s: the inputs differ from those it was opened with (posts, graduates or configuration changed); the shard cannot be computed", runID)
	}
	r.run = run
	r.sum = &Summary{RunID: run.ID, Graduates: len(r.grads), Posts: len(r.table)}
	return r, nil
}

// RunShard computes and saves the lists of one shard's graduates, skipping
// those already saved (a shard run again after a crash resumes). A shard
// of a run already published has nothing to do.
func RunShard(ctx context.Context, st Store, in *Inputs, opt Options, sh Shard) (*ShardResult, error) {
	start := time.Now()
	if sh.Count < 1 || sh.Index < 0 || sh.Index >= sh.Count {
		return nil, fmt.Errorf("batch: shard %d of %d", sh.Index, sh.Count)
	}
	r, err := shardRunner(ctx, st, in, opt, sh.RunID)
	if err != nil {
		return nil, err
	}
	res := &ShardResult{Index: sh.Index, Before: map[string]int{}, After: map[string]int{}}
	for i := range r.grads {
		if ShardOf(r.grads[i].ID, sh.Count) == sh.Index {
			res.Graduates++
		}
	}
	if r.run.Status == matcher.RunPublished {
		return res, nil
	}
	for id, d := range sh.Prices {
		if x, ok := r.posts[id]; ok {
			r.price.discount[x] = d
		}
	}
	ids, err := st.RunGraduateIDs(ctx, sh.RunID)
	if err != nil {
		return nil, fmt.Errorf("batch: run %s: saved graduates: %w", sh.RunID, err)
	}
	saved := make(map[string]bool, len(ids))
	for _, id := range ids {
		saved[id] = true
	}
	var mine []string // the shard's graduates
	for i := range r.grads {
		if g := &r.grads[i]; ShardOf(g.ID, sh.Count) == sh.Index {
			mine = append(mine, g.ID)
			if saved[g.ID] {
				r.saved = append(r.saved, g.ID)
			} else {
				r.todo = append(r.todo, g)
			}
		}
	}
	r.sum.Skipped = res.Graduates - len(r.todo)
	r.log.Info("batch shard", "run", sh.RunID, "shard", sh.Index, "of", sh.Count, "graduates", res.Graduates, "to_compute", len(r.todo))
	t, err := r.computeAndSave(ctx)
	if err != nil {
		return nil, err
	}
	prev, err := r.previousLists(ctx, mine, false)
	if err != nil {
		return nil, err
	}
	if res.Counts, err = r.countLists(ctx, t.lists, r.saved, prev); err != nil {
		return nil, err
	}
	res.Computed, res.Hardship, res.Courses, res.Moved = t.computed, r.sum.Hardship, r.sum.Courses, t.moved
	res.ScoreBefore, res.ScoreAfter = t.scoreBefore, t.scoreAfter
	for i, p := range r.table {
		if n := t.before[i]; n > 0 {
			res.Before[p.ID] = n
		}
		if n := t.after[i]; n > 0 {
			res.After[p.ID] = n
		}
	}
	res.Seconds = time.Since(start).Seconds()
	r.log.Info("batch shard saved", "run", sh.RunID, "shard", sh.Index, "of", sh.Count, "computed", res.Computed, "elapsed", time.Since(start).Round(time.Millisecond))
	return res, nil
}

// Finish publishes a sharded run once every shard has saved its lists: it
// sums the shards' results into the run's exposure and the counts of its
// lists (addCounts: no list is read unless a shard's counts are missing),
// saves the report (the same as a one-process run's) and publishes. A run already published is
// left as it is (its summary says so: Computed 0).
func Finish(ctx context.Context, st Store, in *Inputs, opt Options, runID string, parts []ShardResult) (*Summary, error) {
	r, err := shardRunner(ctx, st, in, opt, runID)
	if err != nil {
		return nil, err
	}
	if r.run.Status == matcher.RunPublished {
		return r.sum, nil
	}
	r.shards = len(parts)
	t := &tally{before: make([]int, len(r.table)), after: make([]int, len(r.table))}
	for _, p := range parts {
		t.computed += p.Computed
		t.moved += p.Moved
		t.scoreBefore += p.ScoreBefore
		t.scoreAfter += p.ScoreAfter
		r.sum.Hardship += p.Hardship
		r.sum.Courses += p.Courses
		for id, n := range p.Before {
			if x, ok := r.posts[id]; ok {
				t.before[x] += n
			}
		}
		for id, n := range p.After {
			if x, ok := r.posts[id]; ok {
				t.after[x] += n
			}
		}
	}
	r.sum.Computed, r.sum.Skipped = t.computed, len(r.grads)-t.computed
	r.sum.Resumed = r.sum.Skipped > 0
	return r.finishRun(ctx, t, r.run.StartedAt, func() (*ListCounts, int, error) { return r.addCounts(ctx, parts) })
}

// addCounts adds up the shards' counts of their lists. A shard's counts
// are taken as they are when they cover all its graduates and were made
// against the previous run this one is published after; otherwise (a
// result of a version without counts, or another run published while the
// shards ran) the shard's lists are counted here, as the shard would have.
// It returns the sum and how many lists the previous run has.
func (r *runner) addCounts(ctx context.Context, parts []ShardResult) (*ListCounts, int, error) {
	prevID, prevLists := "", 0
	switch latest, err := r.st.LatestRun(ctx); {
	case matcher.ErrorCode(err) == matcher.ENOTFOUND:
	case err != nil:
		return nil, 0, fmt.Errorf("batch: previous run: %w", err)
	default:
		prevID, prevLists = latest.ID, latest.Graduates
	}
	mine := make([][]string, len(parts))
	for i := range r.grads {
		id := r.grads[i].ID
		if x := ShardOf(id, len(parts)); x < len(mine) {
			mine[x] = append(mine[x], id)
		}
	}
	sum := newListCounts(prevID)
	for _, p := range parts {
		if p.Index < 0 || p.Index >= len(parts) {
			return nil, 0, fmt.Errorf("batch: run %s: shard %d of %d", r.run.ID, p.Index, len(parts))
		}
		c, ids := p.Counts, mine[p.Index]
		if c == nil || c.Diff.Previous != prevID || c.Lists != len(ids) {
			r.log.Info("counting a shard's lists at publish", "run", r.run.ID, "shard", p.Index, "lists", len(ids))
			prev, err := r.previousLists(ctx, ids, false)
			if err != nil {
				return nil, 0, err
			}
			if c, err = r.countLists(ctx, nil, ids, prev); err != nil {
				return nil, 0, err
			}
		}
		sum.add(c)
	}
	return sum, prevLists, nil
}
