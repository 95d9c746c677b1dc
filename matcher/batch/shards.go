package batch

import (
	"cmp"
	"context"
	"fmt"
	"hash/fnv"
	"slices"
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
//
// Each shard reads only its own slice of the ledger (Slice, cut by the
// coordinator from the ID-ordered active graduates' keys it read to open
// the run — keys.go — Plan.Slices) and checks it against that slice's fingerprint; the
// publish reads no graduate. A shard queued without a slice (by a version
// before the slices) finds its graduates by ShardOf among every active
// graduate and checks them all against the run's fingerprint, as before.

// ShardOf is the shard (0..n-1) a graduate's list is computed in when the
// shard has no slice (queued before schema 12): a hash of the ID, so
// shards are about equal and do not depend on the ledger's order.
func ShardOf(graduateID string, n int) int {
	if n <= 1 {
		return 0
	}
	h := fnv.New64a()
	h.Write([]byte(graduateID))
	return int(h.Sum64() % uint64(n))
}

// Slice is the part of the ledger one shard of a run reads: the active
// graduates with IDs in [From, To) in byte order (To "" unbounded), as
// the coordinator read them when it opened the run — Graduates of them,
// whose fingerprint with the run's other inputs is Note (sliceNote) — and Inputs, the
// fingerprint of the posts, courses and configuration with no graduate
// (what the publish checks). The slices of a run tile the whole ID space,
// so a graduate who joins the ledger after the run opened falls in exactly
// one of them.
type Slice struct {
	From      string `json:"from"`
	To        string `json:"to"`
	Graduates int    `json:"graduates"`
	Note      string `json:"note"`
	Inputs    string `json:"inputs"`
}

// slices cuts the active graduates (in ID order) into n slices of equal
// size, each starting at its first graduate's ID; nil for an empty ledger
// (its shards read the whole, empty, ledger).
func (r *runner) slices(n int) []Slice {
	if len(r.keys) == 0 || n < 1 {
		return nil
	}
	inputs := r.note(r.table, nil)
	out := make([]Slice, n)
	for i := range out {
		lo, hi := i*len(r.keys)/n, (i+1)*len(r.keys)/n
		s := &out[i]
		if i > 0 {
			s.From = r.keys[lo].ID
		}
		if i < n-1 {
			s.To = r.keys[hi].ID
		}
		s.Graduates, s.Note, s.Inputs = hi-lo, sliceNote(inputs, r.keys[lo:hi]), inputs
	}
	return out
}

// tiled checks that parts, in shard order, hold slices that tile the ID
// space, every one made against the same inputs.
func tiled(parts []ShardResult) error {
	for i, p := range parts {
		s := p.Slice
		switch {
		case p.Index != i:
			return fmt.Errorf("shard %d in place %d", p.Index, i)
		case i == 0 && s.From != "", i == len(parts)-1 && s.To != "":
			return fmt.Errorf("shard %d: slice [%q, %q) leaves out the ends of the ID space", i, s.From, s.To)
		case i > 0 && parts[i-1].Slice.To != s.From:
			return fmt.Errorf("shard %d: slice starts at %q; the previous ends at %q", i, s.From, parts[i-1].Slice.To)
		case s.Inputs != parts[0].Slice.Inputs:
			return fmt.Errorf("shard %d: slice made against other inputs", i)
		}
	}
	return nil
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
	r       *runner
}

// Slices cuts the run's active graduates into n slices for its n shards,
// to be stored with them (Shard.Slice); nil when the ledger is empty.
func (p *Plan) Slices(n int) []Slice { return p.r.slices(n) }

// Prepare opens a run (or resumes the day's unfinished run with the same
// inputs, as Run does) and sets its capacity prices from the sample,
// without computing any list: the shards do that.
func Prepare(ctx context.Context, st Store, in *Inputs, opt Options) (*Plan, error) {
	var r *runner
	var err error
	if kr, ok := st.(matcher.GraduateKeyReader); ok && opt.Graduates == nil {
		r, err = pricedFromKeys(ctx, st, kr, in, opt)
	} else {
		r, err = priced(ctx, st, in, opt)
	}
	if err != nil {
		return nil, err
	}
	p := &Plan{RunID: r.run.ID, Resumed: r.sum.Resumed, Graduates: len(r.keys), Posts: len(r.table), Prices: Prices{}, Summary: r.sum, r: r}
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
	// Slice is the shard's slice of the ledger (Plan.Slices); nil for a
	// shard queued without one, which finds its graduates by ShardOf.
	Slice *Slice
}

// ShardResult is what one shard computed: its counts, and the exposure
// of its lists per post ID before and after the capacity pass, which
// Finish sums over the shards.
type ShardResult struct {
	Index     int `json:"index"`
	Graduates int `json:"graduates"` // the shard's active graduates
	Computed  int `json:"computed"`  // lists this attempt computed (the rest were saved before)
	Hardship  int `json:"hardship"`
	Courses   int `json:"courses"`
	Moved     int `json:"moved"`
	// BeforeIx and AfterIx are the exposure by the post's index in the
	// run's table, as gap pairs (compact.go); Before and After by post ID
	// are what a version before them wrote.
	BeforeIx    []int          `json:"before_ix,omitempty"`
	AfterIx     []int          `json:"after_ix,omitempty"`
	Before      map[string]int `json:"before,omitempty"`
	After       map[string]int `json:"after,omitempty"`
	ScoreBefore float64        `json:"score_before"`
	ScoreAfter  float64        `json:"score_after"`
	Seconds     float64        `json:"seconds"`
	// Counts are the coverage and diff of all the shard's lists (those an
	// earlier attempt saved included), which Finish adds up instead of
	// reading every list of the run.
	Counts *ListCounts `json:"counts,omitempty"`
	// Slice is the slice the shard read (nil: it found its graduates by
	// ShardOf), which Finish checks the shards tile.
	Slice *Slice `json:"slice,omitempty"`
}

// shardRunner opens a prepared run for a shard or for Finish: the same
// post table and graduates, the run found and checked against the inputs'
// fingerprint, so a worker whose data differs from the coordinator's
// cannot add lists to the run.
//
// With a slice (sl not nil) it reads only the slice's active graduates,
// through the ID index, and checks them against the slice's fingerprint:
// a graduate of the slice who left the ledger or changed, or one who
// joined it with an ID in the slice, since the run opened, makes the
// shard refused, as any such change anywhere in the ledger did before the
// slices. With all (Finish of a sliced run) it reads no graduate and
// checks the posts, courses and configuration only.
func shardRunner(ctx context.Context, st Store, in *Inputs, opt Options, runID string, sl *Slice, all bool) (*runner, error) {
	r, err := newRunner(st, in, opt)
	if err != nil {
		return nil, err
	}
	r.postTable()
	var want func(run *matcher.Run) (got, want string)
	switch {
	case all:
		want = func(*matcher.Run) (string, string) { return r.note(r.table, nil), sl.Inputs }
	case sl != nil:
		if r.grads, err = readActive(ctx, st, r.cfg, matcher.GraduateFilter{IDFrom: sl.From, IDTo: sl.To}); err != nil {
			return nil, err
		}
		want = func(*matcher.Run) (string, string) { return sliceNote(r.note(r.table, nil), keysOf(r.grads)), sl.Note }
	default:
		if err := r.activeGraduates(ctx); err != nil {
			return nil, err
		}
		want = func(run *matcher.Run) (string, string) { return r.note(r.table, keysOf(r.grads)), run.Note }
	}
	run, err := st.Run(ctx, runID)
	if err != nil {
		return nil, fmt.Errorf("batch: run %s: %w", runID, err)
	}
	if run.Status == matcher.RunFailed {
		return nil, matcher.Errorf(matcher.ECONFLICT, "推荐批次 %s 已失败", "run %s has failed", runID)
	}
	if got, want := want(run); run.Status == matcher.RunRunning && got != want {
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
	r, err := shardRunner(ctx, st, in, opt, sh.RunID, sh.Slice, false)
	if err != nil {
		return nil, err
	}
	res := &ShardResult{Index: sh.Index, Slice: sh.Slice}
	// mine: a graduate of r.grads is the shard's (all of a slice's are).
	mine := func(id string) bool { return sh.Slice != nil || ShardOf(id, sh.Count) == sh.Index }
	for i := range r.grads {
		if mine(r.grads[i].ID) {
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
	var ids []string
	if sh.Slice != nil {
		ids, err = st.RunGraduateIDsIn(ctx, sh.RunID, sh.Slice.From, sh.Slice.To)
	} else {
		ids, err = st.RunGraduateIDs(ctx, sh.RunID)
	}
	if err != nil {
		return nil, fmt.Errorf("batch: run %s: saved graduates: %w", sh.RunID, err)
	}
	saved := make(map[string]bool, len(ids))
	for _, id := range ids {
		saved[id] = true
	}
	var own []string // the shard's graduates
	for i := range r.grads {
		if g := &r.grads[i]; mine(g.ID) {
			own = append(own, g.ID)
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
	prev, err := r.previousLists(ctx, own, false)
	if err != nil {
		return nil, err
	}
	if res.Counts, err = r.countLists(ctx, t.lists, r.saved, prev); err != nil {
		return nil, err
	}
	res.Computed, res.Hardship, res.Courses, res.Moved = t.computed, r.sum.Hardship, r.sum.Courses, t.moved
	res.ScoreBefore, res.ScoreAfter = t.scoreBefore, t.scoreAfter
	res.BeforeIx, res.AfterIx = gapPairs(t.before), gapPairs(t.after)
	r.compactCounts(res.Counts)
	res.Seconds = time.Since(start).Seconds()
	r.log.Info("batch shard saved", "run", sh.RunID, "shard", sh.Index, "of", sh.Count, "computed", res.Computed, "elapsed", time.Since(start).Round(time.Millisecond))
	return res, nil
}

// Finish publishes a sharded run once every shard has saved its lists: it
// sums the shards' results into the run's exposure and the counts of its
// lists (addCounts: no list is read unless a shard's counts are missing),
// saves the report (the same as a one-process run's) and publishes. A run already published is
// left as it is (its summary says so: Computed 0).
//
// When every shard read a slice of the ledger, Finish reads no graduate:
// it checks that the slices tile the ID space and were made against the
// posts, courses and configuration it sees, and that the run holds as many
// lists as the slices held graduates (each shard saved all of its slice's
// before it landed). A graduate who changed after their shard landed is
// in the next run, as one who changes after a one-process run read the
// ledger is.
func Finish(ctx context.Context, st Store, in *Inputs, opt Options, runID string, parts []ShardResult) (*Summary, error) {
	sliced := len(parts) > 0
	for _, p := range parts {
		sliced = sliced && p.Slice != nil
	}
	var sl *Slice
	if sliced {
		parts = slices.Clone(parts)
		slices.SortFunc(parts, func(a, b ShardResult) int { return cmp.Compare(a.Index, b.Index) })
		if err := tiled(parts); err != nil {
			return nil, fmt.Errorf("batch: run %s: %w", runID, err)
		}
		sl = parts[0].Slice
	}
	r, err := shardRunner(ctx, st, in, opt, runID, sl, sliced)
	if err != nil {
		return nil, err
	}
	if r.run.Status == matcher.RunPublished {
		return r.sum, nil
	}
	if r.sliced = sliced; sliced {
		r.sum.Graduates = 0
		for _, p := range parts {
			r.sum.Graduates += p.Slice.Graduates
		}
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
		if err := cmp.Or(addGapPairs(t.before, p.BeforeIx), addGapPairs(t.after, p.AfterIx)); err != nil {
			return nil, fmt.Errorf("batch: run %s: shard %d: exposure: %w", runID, p.Index, err)
		}
	}
	r.sum.Computed, r.sum.Skipped = t.computed, r.sum.Graduates-t.computed
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
		c, ids, want := p.Counts, mine[p.Index], len(mine[p.Index])
		if r.sliced {
			want = p.Slice.Graduates
		}
		if c == nil || c.Diff.Previous != prevID || c.Lists != want {
			if r.sliced {
				// The slice's graduates (their districts) and lists, read
				// for this shard only.
				var err error
				if ids, err = r.readSlice(ctx, p.Slice); err != nil {
					return nil, 0, err
				}
			}
			r.log.Info("counting a shard's lists at publish", "run", r.run.ID, "shard", p.Index, "lists", len(ids))
			prev, err := r.previousLists(ctx, ids, false)
			if err != nil {
				return nil, 0, err
			}
			if c, err = r.countLists(ctx, nil, ids, prev); err != nil {
				return nil, 0, err
			}
		}
		if err := r.expandCounts(c); err != nil {
			return nil, 0, fmt.Errorf("batch: run %s: shard %d: %w", r.run.ID, p.Index, err)
		}
		sum.add(c)
	}
	return sum, prevLists, nil
}

// readSlice reads a slice's active graduates as they are now into r.grads
// (where the counts find their districts) and returns the IDs of those of
// the slice with a list in the run: the lists a shard's missing counts
// are made of.
func (r *runner) readSlice(ctx context.Context, sl *Slice) ([]string, error) {
	var err error
	if r.grads, err = readActive(ctx, r.st, r.cfg, matcher.GraduateFilter{IDFrom: sl.From, IDTo: sl.To}); err != nil {
		return nil, err
	}
	ids, err := r.st.RunGraduateIDsIn(ctx, r.run.ID, sl.From, sl.To)
	if err != nil {
		return nil, fmt.Errorf("batch: run %s: saved graduates: %w", r.run.ID, err)
	}
	return ids, nil
}
