package batch

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"slices"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
	"github.com/urumqi-hrss/jobmatch/matcher/engine"
)

// runner is one attempt at a run.
type runner struct {
	st     Store
	in     *Inputs
	opt    Options
	cfg    Config
	log    *slog.Logger
	pol    shortlist
	policy catalog.Policy // the engine's: who gets a 一人一策 proposal
	posts  map[string]int32
	price  *pricer
	ranker *engine.Ranker // the engine's batch entry: every list is ranked through it

	table  []*matcher.Post    // open jobs and internships, in ID order
	places []int              // places left, by table index
	grads  []matcher.Graduate // active graduates, in ID order, personal data dropped
	// keys are every active graduate's fingerprint keys, in ID order: the
	// keys of grads, or (Prepare, pricedFromKeys) of a ledger of which
	// grads holds only the pricing sample.
	keys []matcher.GraduateKey
	// left counts the active graduates whose lists are not saved yet (of
	// keys, where todo holds those of grads).
	left int
	run  *matcher.Run        // the run being written
	todo []*matcher.Graduate // graduates whose lists this attempt computes
	// saved are the IDs of the graduates (of the run, or of the shard)
	// whose lists an earlier attempt saved: todo's complement.
	saved  []string
	sum    *Summary
	shards int // shards the run is computed in (0: one process)
	// sliced: Finish of a run whose shards each read a slice of the
	// ledger (Slice); grads is empty and sum.Graduates the slices' sum.
	sliced bool
	// ranked holds the pricing sample's lists, ranked in full, until
	// computeAndSave takes them.
	ranked map[*matcher.Graduate]*list
	// prev, when readPrevious started it, waits for the previous run's
	// lists read in the background (prevRead, prevErr).
	prev     func() (*prevLists, error)
	prevRead *prevLists
	prevErr  error
}

type shortlist struct{ postsMin, postsMax, coursesMin int }

// newRunner fills in the defaults of opt and the policy's shortlist shape.
func newRunner(st Store, in *Inputs, opt Options) (*runner, error) {
	if in == nil || in.Engine == nil {
		return nil, errors.New("batch: no engine")
	}
	r := &runner{st: st, in: in, opt: opt, cfg: opt.Config, log: opt.Log}
	if r.log == nil {
		r.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if len(r.cfg.ActiveStatuses) == 0 {
		r.cfg = DefaultConfig()
	} else if err := r.cfg.Validate(); err != nil {
		return nil, err
	}
	if r.opt.Limit <= 0 {
		r.opt.Limit = 8
	}
	if r.opt.Chunk <= 0 {
		r.opt.Chunk = 500
	}
	if r.opt.Workers <= 0 {
		r.opt.Workers = runtime.GOMAXPROCS(0)
	}
	r.policy = in.Engine.Policy()
	r.ranker = in.Engine.NewRanker()
	// Short lists of 8 beyond the 24 candidates a graduate's list is
	// chosen from: a third fewer posts scored than the online default,
	// the same lists (engine.Ranker.SetHeadroom).
	r.ranker.SetHeadroom(8)
	pol := r.policy.Shortlist
	r.pol = shortlist{max(pol.PostsMin, 1), max(pol.PostsMax, pol.PostsMin, 1), max(pol.CoursesMin, 0)}
	return r, nil
}

// postTable lists the open jobs and internships in ID order, the posts
// whose exposure the capacity pass spreads by their places.
func (r *runner) postTable() {
	in := r.in
	posts := make([]*matcher.Post, 0, len(in.Posts))
	for i := range in.Posts {
		if p := &in.Posts[i]; p.Kind != matcher.KindCourse && p.Searchable(in.Now) {
			posts = append(posts, p)
		}
	}
	slices.SortFunc(posts, func(a, b *matcher.Post) int { return cmp.Compare(a.ID, b.ID) })
	r.table = slices.CompactFunc(posts, func(a, b *matcher.Post) bool { return a.ID == b.ID })
	r.posts = make(map[string]int32, len(r.table))
	r.places = make([]int, len(r.table))
	for i, p := range r.table {
		r.posts[p.ID] = int32(i)
		r.places[i] = p.PlacesLeft()
	}
	r.price = newPricer(r.cfg.Capacity, r.places)
	r.price.workers = r.opt.Workers
}

// activeGraduates takes the active graduates from opt.Graduates when that
// read was started with the run's statuses (ReadGraduates), and reads them
// now otherwise.
func (r *runner) activeGraduates(ctx context.Context) error {
	var err error
	if g := r.opt.Graduates; g != nil && slices.Equal(g.statuses, r.cfg.ActiveStatuses) {
		<-g.done
		r.grads, err = g.grads, g.err
	} else {
		r.grads, err = readActive(ctx, r.st, r.cfg, matcher.GraduateFilter{})
	}
	r.keys = keysOf(r.grads)
	return err
}

// readActive reads the active graduates f selects (the zero filter: every
// one) in ID order, personal data other than the hardship flag (which the
// rules and the shortlist need) dropped.
func readActive(ctx context.Context, st Store, cfg Config, f matcher.GraduateFilter) ([]matcher.Graduate, error) {
	var grads []matcher.Graduate
	if err := st.EachGraduate(ctx, f, func(g *matcher.Graduate) error {
		if cfg.active(g.Status) {
			c := *g
			c.Name, c.NationalID, c.Phone = "", "", ""
			grads = append(grads, c)
		}
		return nil
	}); err != nil {
		return nil, fmt.Errorf("batch: read graduates: %w", err)
	}
	slices.SortFunc(grads, func(a, b matcher.Graduate) int { return cmp.Compare(a.ID, b.ID) })
	return grads, nil
}

// Graduates is a read of the active graduates started ahead of a run
// (ReadGraduates) so that it overlaps the engine's build; Options.Graduates
// hands it to the run.
type Graduates struct {
	statuses []matcher.GraduateStatus
	done     chan struct{}
	grads    []matcher.Graduate
	err      error
}

// ReadGraduates starts reading cfg's active graduates (the zero Config:
// DefaultConfig's) from st in the background. A run whose configuration
// names other statuses ignores the read and reads its own.
func ReadGraduates(ctx context.Context, st Store, cfg Config) *Graduates {
	if len(cfg.ActiveStatuses) == 0 {
		cfg = DefaultConfig()
	}
	g := &Graduates{statuses: slices.Clone(cfg.ActiveStatuses), done: make(chan struct{})}
	go func() {
		defer close(g.done)
		g.grads, g.err = readActive(ctx, st, cfg, matcher.GraduateFilter{})
	}()
	return g
}

// Wait waits for the read to end (a caller that gives up on the run).
func (g *Graduates) Wait() {
	if g != nil {
		<-g.done
	}
}

// openOrResume opens the run (see openRun) and, for a resumed run, leaves
// out the graduates an earlier attempt saved.
func (r *runner) openOrResume(ctx context.Context) error {
	run, resumed, err := r.openRun(ctx, r.note(r.table, r.keys))
	if err != nil {
		return err
	}
	r.run = run
	r.sum = &Summary{RunID: run.ID, Resumed: resumed, Graduates: len(r.keys), Posts: len(r.table)}
	done := map[string]bool{}
	if resumed {
		ids, err := r.st.RunGraduateIDs(ctx, run.ID)
		if err != nil {
			return fmt.Errorf("batch: run %s: saved graduates: %w", run.ID, err)
		}
		for _, id := range ids {
			done[id] = true
		}
	}
	for i := range r.grads {
		if !done[r.grads[i].ID] {
			r.todo = append(r.todo, &r.grads[i])
		} else {
			r.saved = append(r.saved, r.grads[i].ID)
		}
	}
	r.left = len(r.keys)
	for i := range r.keys {
		if done[r.keys[i].ID] {
			r.left--
		}
	}
	r.sum.Skipped = len(r.keys) - r.left
	r.log.Info("batch run", "run", run.ID, "resumed", resumed, "graduates", len(r.keys), "to_compute", r.left,
		"open_posts", len(r.table), "courses", len(r.in.Courses), "limit", r.opt.Limit, "chunk", r.opt.Chunk, "workers", r.opt.Workers)
	return nil
}

// setPrices fits the capacity discounts on a fixed sample of all active
// graduates, saved or not, so a resumed run discounts exactly as the
// interrupted one did.
func (r *runner) setPrices(ctx context.Context) error {
	if r.left == 0 || r.cfg.Capacity.K <= 0 {
		return nil
	}
	t0 := time.Now()
	sample := sampleOf(r.grads, r.cfg.Capacity.Sample)
	// The sampled graduates still to compute are ranked in full once, and
	// their lists kept for computeAndSave: a list does not depend on the
	// prices until it is picked (finish), so ranking them twice is waste.
	todo := make(map[*matcher.Graduate]bool, len(r.todo))
	for _, g := range r.todo {
		todo[g] = true
	}
	choices, err := r.compute(ctx, sample, func(g *matcher.Graduate) bool { return todo[g] }, nil, nil)
	if err != nil {
		return err
	}
	r.ranked = make(map[*matcher.Graduate]*list, len(sample))
	for i, g := range sample {
		if todo[g] {
			r.ranked[g] = &choices[i]
		}
	}
	cs := make([]choice, len(choices))
	for i := range choices {
		cs[i] = choices[i].choice
	}
	sum := r.sum
	sum.Sample = len(sample)
	sum.PriceRounds, sum.OverflowBefore, sum.OverflowAfter = r.price.fit(cs, float64(len(r.keys))/float64(max(len(sample), 1)))
	sum.PricingElapsed = time.Since(t0)
	discounted := 0
	for _, d := range r.price.discount {
		if d < 1 {
			discounted++
		}
	}
	r.log.Info("capacity prices", "min_discount", slices.Min(r.price.discount), "sample", len(sample), "rounds", sum.PriceRounds, "discounted_posts", discounted,
		"est_overflow_before", int(sum.OverflowBefore), "est_overflow_after", int(sum.OverflowAfter), "elapsed", sum.PricingElapsed.Round(time.Millisecond))
	return nil
}

// tally is the exposure of the lists this attempt computed: per post of
// the table, by relevance alone (before) and as published (after).
type tally struct {
	before, after           []int
	scoreBefore, scoreAfter float64
	computed                int
	moved                   int // published items the relevance-only list lacks
	// lists are this attempt's lists, their items without the JSON: when
	// they are the whole run the report reads them instead of reading
	// every list back from the store (report).
	lists []matcher.GraduateRecommendations
}

// keep remembers a saved list for the report.
func (t *tally) keep(gr matcher.GraduateRecommendations) {
	items := make([]matcher.StoredRecommendation, len(gr.Items))
	for i, it := range gr.Items {
		it.Item = nil
		items[i] = it
	}
	t.lists = append(t.lists, matcher.GraduateRecommendations{GraduateID: gr.GraduateID, Items: items})
}

func (t *tally) add(l *list) {
	for _, j := range l.before {
		if x := l.cands[j]; x.post >= 0 {
			t.before[x.post]++
		}
		t.scoreBefore += l.cands[j].score
	}
	for _, j := range l.after {
		if x := l.cands[j]; x.post >= 0 {
			t.after[x.post]++
		}
		t.scoreAfter += l.cands[j].score
		if !slices.Contains(l.before, j) {
			t.moved++
		}
	}
}

// computeAndSave computes the lists chunk by chunk on the workers and
// saves each chunk while the next one computes.
func (r *runner) computeAndSave(ctx context.Context) (*tally, error) {
	t := &tally{before: make([]int, len(r.table)), after: make([]int, len(r.table))}
	progress := func(n int) {
		if r.opt.Progress != nil {
			r.opt.Progress(r.sum.Skipped+n, r.sum.Graduates)
		}
	}
	progress(0)
	sv := &saver{r: r, saved: r.sum.Skipped}
	for lo := 0; lo < len(r.todo); lo += r.opt.Chunk {
		chunk := r.todo[lo:min(lo+r.opt.Chunk, len(r.todo))]
		done := t.computed
		finish := func(l *list, g *matcher.Graduate) (err error) {
			l.recs, err = r.finish(l, g)
			return err
		}
		lists, err := r.compute(ctx, chunk, func(*matcher.Graduate) bool { return true }, finish, func(n int) { progress(done + n) })
		if err != nil {
			sv.wait()
			return nil, err
		}
		t.computed += len(chunk)
		recs := make([]matcher.GraduateRecommendations, len(lists))
		for i := range lists {
			l := &lists[i]
			recs[i] = l.recs
			t.keep(l.recs)
			t.add(l)
			if matcher.PlanGraduate(chunk[i], &r.policy) {
				r.sum.Hardship++
				r.sum.Courses += l.courses
			}
		}
		if err := sv.wait(); err != nil {
			return nil, err
		}
		sv.save(ctx, recs)
	}
	if err := sv.wait(); err != nil {
		r.log.Warn("batch run stopped unpublished; run the batch again to resume it", "run", r.run.ID, "saved", sv.saved, "of", r.sum.Graduates, "error", err)
		return nil, err
	}
	r.sum.Computed = t.computed
	return t, nil
}

// saver saves one chunk in the background while the next one computes.
type saver struct {
	r       *runner
	saved   int
	pending chan error
}

// wait waits for the chunk being saved, if any, and returns its error.
func (s *saver) wait() error {
	if s.pending == nil {
		return nil
	}
	err := <-s.pending
	s.pending = nil
	return err
}

func (s *saver) save(ctx context.Context, recs []matcher.GraduateRecommendations) {
	s.pending = make(chan error, 1)
	go func(r *runner, done chan<- error) {
		if err := r.st.SaveRecommendations(ctx, r.run.ID, recs); err != nil {
			done <- fmt.Errorf("batch: run %s: save chunk: %w", r.run.ID, err)
			return
		}
		s.saved += len(recs)
		r.log.Debug("chunk saved", "run", r.run.ID, "saved", s.saved, "of", r.sum.Graduates)
		if r.opt.AfterChunk != nil {
			if err := r.opt.AfterChunk(s.saved); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}(s.r, s.pending)
}

// complete checks that the run is complete, every active graduate's list
// saved: only then is it reported on and published. A run computed in
// slices (Finish) holds no graduates here: each shard saved every list of
// its slice before it landed, so the run's lists are counted instead.
func (r *runner) complete(ctx context.Context) error {
	if r.sliced {
		run, err := r.st.Run(ctx, r.run.ID)
		if err != nil {
			return fmt.Errorf("batch: run %s: check: %w", r.run.ID, err)
		}
		if run.Graduates != r.sum.Graduates {
			return fmt.Errorf("batch: run %s: %d lists saved for %d graduates; not published", r.run.ID, run.Graduates, r.sum.Graduates)
		}
		return nil
	}
	ids, err := r.st.RunGraduateIDs(ctx, r.run.ID)
	if err != nil {
		return fmt.Errorf("batch: run %s: check: %w", r.run.ID, err)
	}
	have := make(map[string]bool, len(ids))
	for _, id := range ids {
		have[id] = true
	}
	missing := 0
	for i := range r.grads {
		if !have[r.grads[i].ID] {
			missing++
		}
	}
	if missing > 0 {
		return fmt.Errorf("batch: run %s: %d of %d graduates have no saved list; not published", r.run.ID, missing, len(r.grads))
	}
	return nil
}

// summarize fills in the exposure before and after the capacity pass and
// logs the published run.
func (r *runner) summarize(t *tally, elapsed time.Duration) {
	sum := r.sum
	sum.Before = exposureOf(t.before, r.places, r.price.budget, t.computed, t.scoreBefore)
	sum.After = exposureOf(t.after, r.places, r.price.budget, t.computed, t.scoreAfter)
	sum.Before.Top, sum.After.Top = topShown(t.before, r.table), topShown(t.after, r.table)
	sum.RelevanceLoss = sum.Before.MeanScore - sum.After.MeanScore
	sum.Elapsed = elapsed
	if s := sum.Elapsed.Seconds(); s > 0 {
		sum.GraduatesPerSec = float64(t.computed) / s
	}
	r.log.Info("batch run complete", "run", r.run.ID, "graduates", sum.Graduates, "computed", t.computed, "skipped", sum.Skipped,
		"max_exposure_before", sum.Before.Max, "max_exposure_after", sum.After.Max,
		"gini_before", round3(sum.Before.Gini), "gini_after", round3(sum.After.Gini),
		"relevance_loss", round3(sum.RelevanceLoss), "elapsed", sum.Elapsed.Round(time.Millisecond))
}
