package batch

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"log/slog"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/engine"
)

// Source is what a run reads its inputs from.
type Source interface {
	EachPost(ctx context.Context, f matcher.PostFilter, fn func(*matcher.Post) error) error
	EachCourse(ctx context.Context, fn func(*matcher.Course) error) error
}

// Store is what a run reads graduates from and writes its lists to: both
// store backends (matcher.FullStore) satisfy it.
type Store interface {
	EachGraduate(ctx context.Context, f matcher.GraduateFilter, fn func(*matcher.Graduate) error) error
	matcher.RunWriter
}

// Inputs are the matching engine of a run and the open posts and courses it
// was built over (the posts give the places the capacity pass spreads
// exposure over; all three give the run's fingerprint).
type Inputs struct {
	Engine  *engine.Engine
	Posts   []matcher.Post
	Courses []matcher.Course
	// Now is the decision time the engine was built with (engine.Options.Now).
	Now time.Time
	// Weights names the scoring weights (their version), for the fingerprint.
	Weights string
}

// Load reads the posts open at o.Now and every course from src and builds
// the engine over them, as `jobmatch recommend` does. o.Now must be set: a
// run is a snapshot at one decision time.
func Load(ctx context.Context, src Source, o engine.Options) (*Inputs, error) {
	if o.Now.IsZero() {
		return nil, errors.New("batch: load: engine.Options.Now must be set")
	}
	in := &Inputs{Now: o.Now}
	if err := src.EachPost(ctx, matcher.PostFilter{OpenAt: o.Now}, func(p *matcher.Post) error {
		in.Posts = append(in.Posts, *p)
		return nil
	}); err != nil {
		return nil, fmt.Errorf("batch: load posts: %w", err)
	}
	if err := src.EachCourse(ctx, func(c *matcher.Course) error {
		in.Courses = append(in.Courses, *c)
		return nil
	}); err != nil {
		return nil, fmt.Errorf("batch: load courses: %w", err)
	}
	e, err := engine.New(in.Posts, in.Courses, o)
	if err != nil {
		return nil, fmt.Errorf("batch: build engine: %w", err)
	}
	in.Engine = e
	in.Weights = o.Weights.Version
	return in, nil
}

// Resume says what a run does with an unfinished run of the same day.
type Resume int

const (
	// ResumeAuto resumes an unfinished run of the same day when its inputs
	// are unchanged, and starts a new run otherwise (the default: a nightly
	// job restarted after a crash picks up where it stopped).
	ResumeAuto Resume = iota
	// ResumeRequired fails unless there is an unfinished run of the same
	// day with unchanged inputs to resume (`jobmatch batch --resume`).
	ResumeRequired
	// ResumeNever marks an unfinished run of the same day failed and starts
	// a new one (`jobmatch batch --fresh`).
	ResumeNever
)

// Options shape a run.
type Options struct {
	// Limit is the number of posts in each graduate's list (default 8).
	// Hardship graduates' 一人一策 lists are clamped to the policy's
	// shortlist range (posts_min..posts_max) and carry courses_min courses.
	Limit int
	// Chunk is how many graduates' lists are saved per transaction (default 500).
	Chunk int
	// Workers compute lists in parallel (default GOMAXPROCS).
	Workers int
	Resume  Resume
	// Config is the batch policy; the zero value uses DefaultConfig.
	Config Config
	Log    *slog.Logger
	// Progress, when set, hears the number of graduates done so far (those
	// saved by an earlier attempt of a resumed run included) and the total.
	// It is called from one goroutine at a time.
	Progress func(done, total int)
	// AfterChunk, when set, is called after each chunk is committed, with
	// the number of graduates saved so far. An error stops the run there,
	// unpublished, as a crash would: tests interrupt runs with it.
	AfterChunk func(saved int) error
}

// Summary reports a finished run.
type Summary struct {
	RunID     string `json:"run_id"`
	Resumed   bool   `json:"resumed"`
	Graduates int    `json:"graduates"` // active graduates, all in the run
	Computed  int    `json:"computed"`  // lists computed by this attempt
	Skipped   int    `json:"skipped"`   // lists an earlier attempt had saved
	Hardship  int    `json:"hardship"`  // 一人一策 lists computed by this attempt
	Courses   int    `json:"courses"`   // course items in them
	Posts     int    `json:"posts"`     // open posts the engine held
	// Before is the exposure of the engine's lists by relevance alone,
	// After of the published lists; both over this attempt's lists.
	Before, After Exposure
	// RelevanceLoss is Before.MeanScore - After.MeanScore: what the
	// capacity pass costs in mean item score.
	RelevanceLoss float64 `json:"relevance_loss"`
	// Prices: sample size, adjustment rounds and estimated overflow.
	Sample          int           `json:"sample"`
	PriceRounds     int           `json:"price_rounds"`
	OverflowBefore  float64       `json:"overflow_before"`
	OverflowAfter   float64       `json:"overflow_after"`
	PricingElapsed  time.Duration `json:"pricing_elapsed"`
	Elapsed         time.Duration `json:"elapsed"`
	GraduatesPerSec float64       `json:"graduates_per_sec"` // computed lists per second of the whole attempt
}

// runner is one attempt at a run.
type runner struct {
	st    Store
	in    *Inputs
	opt   Options
	cfg   Config
	log   *slog.Logger
	pol   shortlist
	posts map[string]int32
	price *pricer
}

type shortlist struct{ postsMin, postsMax, coursesMin int }

// Run computes every active graduate's list over every open post in in,
// saves them chunk by chunk under one run and publishes the run when every
// list is saved. Readers see the previous run until then. A run stopped
// before it is published (killed, cancelled, a store error) is resumed by
// the next Run of the same day with the same inputs: graduates already
// saved are skipped and the result is the same as an uninterrupted run's.
func Run(ctx context.Context, st Store, in *Inputs, opt Options) (*Summary, error) {
	start := time.Now()
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
	pol := in.Engine.Policy().Shortlist
	r.pol = shortlist{max(pol.PostsMin, 1), max(pol.PostsMax, pol.PostsMin, 1), max(pol.CoursesMin, 0)}

	// The post table: open jobs and internships, in ID order.
	posts := make([]*matcher.Post, 0, len(in.Posts))
	for i := range in.Posts {
		if p := &in.Posts[i]; p.Kind != matcher.KindCourse && p.Searchable(in.Now) {
			posts = append(posts, p)
		}
	}
	slices.SortFunc(posts, func(a, b *matcher.Post) int { return cmp.Compare(a.ID, b.ID) })
	posts = slices.CompactFunc(posts, func(a, b *matcher.Post) bool { return a.ID == b.ID })
	r.posts = make(map[string]int32, len(posts))
	places := make([]int, len(posts))
	for i, p := range posts {
		r.posts[p.ID] = int32(i)
		places[i] = p.PlacesLeft()
	}
	r.price = newPricer(r.cfg.Capacity, places)

	// The graduates: every active one, personal data other than the
	// hardship flag (which the rules and the shortlist need) dropped.
	var grads []matcher.Graduate
	if err := st.EachGraduate(ctx, matcher.GraduateFilter{}, func(g *matcher.Graduate) error {
		if r.cfg.active(g.Status) {
			c := *g
			c.Name, c.NationalID, c.Phone = "", "", ""
			grads = append(grads, c)
		}
		return nil
	}); err != nil {
		return nil, fmt.Errorf("batch: read graduates: %w", err)
	}
	slices.SortFunc(grads, func(a, b matcher.Graduate) int { return cmp.Compare(a.ID, b.ID) })

	note := r.note(posts, grads)
	run, resumed, err := r.openRun(ctx, note)
	if err != nil {
		return nil, err
	}
	sum := &Summary{RunID: run.ID, Resumed: resumed, Graduates: len(grads), Posts: len(posts)}
	done := map[string]bool{}
	if resumed {
		ids, err := st.RunGraduateIDs(ctx, run.ID)
		if err != nil {
			return nil, fmt.Errorf("batch: run %s: saved graduates: %w", run.ID, err)
		}
		for _, id := range ids {
			done[id] = true
		}
	}
	var todo []*matcher.Graduate
	for i := range grads {
		if !done[grads[i].ID] {
			todo = append(todo, &grads[i])
		}
	}
	sum.Skipped = len(grads) - len(todo)
	r.log.Info("batch run", "run", run.ID, "resumed", resumed, "graduates", len(grads), "to_compute", len(todo),
		"open_posts", len(posts), "courses", len(in.Courses), "limit", r.opt.Limit, "chunk", r.opt.Chunk, "workers", r.opt.Workers)

	// Prices come from a fixed sample of all active graduates, saved or
	// not, so a resumed run discounts exactly as the interrupted one did.
	if len(todo) > 0 && r.cfg.Capacity.K > 0 {
		t0 := time.Now()
		sample := sampleOf(grads, r.cfg.Capacity.Sample)
		choices, err := r.compute(ctx, sample, false, nil)
		if err != nil {
			return nil, err
		}
		cs := make([]choice, len(choices))
		for i := range choices {
			cs[i] = choices[i].choice
		}
		sum.Sample = len(sample)
		sum.PriceRounds, sum.OverflowBefore, sum.OverflowAfter = r.price.fit(cs, float64(len(grads))/float64(max(len(sample), 1)))
		sum.PricingElapsed = time.Since(t0)
		discounted := 0
		for _, d := range r.price.discount {
			if d < 1 {
				discounted++
			}
		}
		r.log.Info("capacity prices", "min_discount", slices.Min(r.price.discount), "sample", len(sample), "rounds", sum.PriceRounds, "discounted_posts", discounted,
			"est_overflow_before", int(sum.OverflowBefore), "est_overflow_after", int(sum.OverflowAfter), "elapsed", sum.PricingElapsed.Round(time.Millisecond))
	}

	// Chunks: compute in parallel, save while the next chunk computes.
	before := make([]int, len(posts))
	after := make([]int, len(posts))
	var scoreBefore, scoreAfter float64
	progress := func(n int) {
		if opt.Progress != nil {
			opt.Progress(sum.Skipped+n, len(grads))
		}
	}
	progress(0)
	saved := sum.Skipped
	var saving chan error
	wait := func() error {
		if saving == nil {
			return nil
		}
		err := <-saving
		saving = nil
		return err
	}
	var computed int
	for lo := 0; lo < len(todo); lo += r.opt.Chunk {
		chunk := todo[lo:min(lo+r.opt.Chunk, len(todo))]
		lists, err := r.compute(ctx, chunk, true, func(n int) { progress(computed + n) })
		if err != nil {
			wait()
			return nil, err
		}
		computed += len(chunk)
		recs := make([]matcher.GraduateRecommendations, len(lists))
		for i := range lists {
			l := &lists[i]
			if l.recs, err = r.finish(l, chunk[i]); err != nil {
				wait()
				return nil, err
			}
			recs[i] = l.recs
			for _, j := range l.before {
				if x := l.cands[j]; x.post >= 0 {
					before[x.post]++
				}
				scoreBefore += l.cands[j].score
			}
			for _, j := range l.after {
				if x := l.cands[j]; x.post >= 0 {
					after[x.post]++
				}
				scoreAfter += l.cands[j].score
			}
			if chunk[i].IsHardship() {
				sum.Hardship++
				sum.Courses += l.courses
			}
		}
		if err := wait(); err != nil {
			return nil, err
		}
		saving = make(chan error, 1)
		go func(recs []matcher.GraduateRecommendations) {
			if err := st.SaveRecommendations(ctx, run.ID, recs); err != nil {
				saving <- fmt.Errorf("batch: run %s: save chunk: %w", run.ID, err)
				return
			}
			saved += len(recs)
			r.log.Debug("chunk saved", "run", run.ID, "saved", saved, "of", len(grads))
			if opt.AfterChunk != nil {
				if err := opt.AfterChunk(saved); err != nil {
					saving <- err
					return
				}
			}
			saving <- nil
		}(recs)
	}
	if err := wait(); err != nil {
		r.log.Warn("batch run stopped unpublished; run the batch again to resume it", "run", run.ID, "saved", saved, "of", len(grads), "error", err)
		return nil, err
	}
	sum.Computed = computed

	// Publish only a complete run: every active graduate's list is saved.
	ids, err := st.RunGraduateIDs(ctx, run.ID)
	if err != nil {
		return nil, fmt.Errorf("batch: run %s: check: %w", run.ID, err)
	}
	have := make(map[string]bool, len(ids))
	for _, id := range ids {
		have[id] = true
	}
	missing := 0
	for i := range grads {
		if !have[grads[i].ID] {
			missing++
		}
	}
	if missing > 0 {
		return nil, fmt.Errorf("batch: run %s: %d of %d graduates have no saved list; not published", run.ID, missing, len(grads))
	}
	if err := st.PublishRun(ctx, run.ID); err != nil {
		return nil, fmt.Errorf("batch: run %s: publish: %w", run.ID, err)
	}
	sum.Before = exposureOf(before, places, r.price.budget, computed, scoreBefore)
	sum.After = exposureOf(after, places, r.price.budget, computed, scoreAfter)
	sum.Before.Top, sum.After.Top = topShown(before, posts), topShown(after, posts)
	sum.RelevanceLoss = sum.Before.MeanScore - sum.After.MeanScore
	sum.Elapsed = time.Since(start)
	if s := sum.Elapsed.Seconds(); s > 0 {
		sum.GraduatesPerSec = float64(computed) / s
	}
	r.log.Info("batch run published", "run", run.ID, "graduates", len(grads), "computed", computed, "skipped", sum.Skipped,
		"max_exposure_before", sum.Before.Max, "max_exposure_after", sum.After.Max,
		"gini_before", round3(sum.Before.Gini), "gini_after", round3(sum.After.Gini),
		"relevance_loss", round3(sum.RelevanceLoss), "elapsed", sum.Elapsed.Round(time.Millisecond))
	return sum, nil
}

// topShown lists the five most shown posts.
func topShown(counts []int, posts []*matcher.Post) []Shown {
	idx := make([]int, len(counts))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(counts[b], counts[a]) })
	var out []Shown
	for _, i := range idx[:min(5, len(idx))] {
		out = append(out, Shown{PostID: posts[i].ID, Places: posts[i].PlacesLeft(), Lists: counts[i]})
	}
	return out
}

func round3(x float64) float64 { return float64(int64(x*1000+0.5)) / 1000 }

// list is one graduate's computed list before it is saved.
type list struct {
	choice
	items   []matcher.Item // the engine's candidates, in its order
	course  []matcher.Item // hardship graduates' courses
	before  []int          // indexes into cands: the list by relevance alone
	after   []int          // the published list
	courses int
	recs    matcher.GraduateRecommendations
}

// compute runs the engine for every graduate in gs on the workers and
// returns their candidate lists (with the capacity choice made when the
// prices are set), in the order of gs.
func (r *runner) compute(ctx context.Context, gs []*matcher.Graduate, full bool, progress func(int)) ([]list, error) {
	out := make([]list, len(gs))
	next := make(chan int)
	errc := make(chan error, r.opt.Workers)
	var mu sync.Mutex
	n := 0
	var wg sync.WaitGroup
	for w := 0; w < r.opt.Workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if err := r.one(gs[i], &out[i], full); err != nil {
					errc <- err
					return
				}
				if progress != nil {
					mu.Lock()
					n++
					progress(n)
					mu.Unlock()
				}
			}
		}()
	}
	var err error
feed:
	for i := range gs {
		select {
		case next <- i:
		case err = <-errc:
			break feed
		case <-ctx.Done():
			err = ctx.Err()
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err == nil {
		select {
		case err = <-errc:
		default:
		}
	}
	return out, err
}

// perEmployer is the per-employer cap of the published lists, the
// engine's default; the re-ranking applies it again with the channel mix.
const perEmployer = 2

// one computes a graduate's candidates; full keeps the items and adds a
// hardship graduate's courses (the pricing sample needs neither). A panic in the engine becomes an
// error naming the graduate, so one bad record cannot take the process down.
func (r *runner) one(g *matcher.Graduate, l *list, full bool) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("batch: graduate %s: matcher panic: %v", g.ID, p)
		}
	}()
	n := r.opt.Limit
	if g.IsHardship() {
		n = min(max(n, r.pol.postsMin), r.pol.postsMax)
	}
	depth := n
	if r.cfg.Capacity.K > 0 {
		depth = n * r.cfg.Capacity.Depth
	}
	res, err := r.in.Engine.Recommend(g, matcher.Query{Limit: depth, PerEmployer: perEmployer})
	if err != nil {
		return fmt.Errorf("batch: graduate %s: %w", g.ID, err)
	}
	if full {
		l.items = res.Items
	}
	l.n = n
	l.prefs = g.PreferredChannels
	l.perEmployer = perEmployer
	l.cands = make([]candidate, len(res.Items))
	for i, it := range res.Items {
		c := candidate{post: -1, score: it.Score, channel: it.Channel, employer: it.Employer}
		if x, ok := r.posts[it.PostID]; ok {
			c.post = x
		}
		l.cands[i] = c
	}
	if full && g.IsHardship() && r.pol.coursesMin > 0 {
		cres, err := r.in.Engine.Recommend(g, matcher.Query{Kind: matcher.KindCourse, Limit: r.pol.coursesMin})
		if err != nil {
			return fmt.Errorf("batch: graduate %s: courses: %w", g.ID, err)
		}
		l.course = cres.Items
	}
	return nil
}

// finish chooses the published list (and the relevance-only one it is
// measured against) and encodes it as the API reads it: each stored item
// is the engine's matcher.Item JSON with its rank in the published list.
func (r *runner) finish(l *list, g *matcher.Graduate) (matcher.GraduateRecommendations, error) {
	l.before = slices.Clone(l.pick(nil, nil))
	if r.cfg.Capacity.K > 0 {
		l.after = l.pick(r.price.discount, nil)
	} else {
		l.after = l.before
	}
	gr := matcher.GraduateRecommendations{GraduateID: g.ID, Items: make([]matcher.StoredRecommendation, 0, len(l.after)+len(l.course))}
	add := func(it matcher.Item, rank int) error {
		it.Rank = rank
		b, err := json.Marshal(it)
		if err != nil {
			return fmt.Errorf("batch: graduate %s: encode item %s: %w", g.ID, it.PostID, err)
		}
		gr.Items = append(gr.Items, matcher.StoredRecommendation{PostID: it.PostID, Kind: it.Kind, Rank: rank, Score: it.Score, Item: b})
		return nil
	}
	for k, j := range l.after {
		if err := add(l.items[j], k+1); err != nil {
			return gr, err
		}
	}
	// Courses are ranked among courses (the API serves them with
	// kind=course), so their ranks start at 1 again.
	for k, it := range l.course {
		if err := add(it, k+1); err != nil {
			return gr, err
		}
	}
	l.courses = len(l.course)
	l.items, l.course = nil, nil // the JSON is all that is kept
	return gr, nil
}

// sampleOf returns up to n graduates chosen by a hash of their IDs: a fixed
// subset, independent of ID order and of which graduates a resumed run has
// already saved. n = 0 or n ≥ len(gs) takes everyone.
func sampleOf(gs []matcher.Graduate, n int) []*matcher.Graduate {
	type h struct {
		key uint64
		g   *matcher.Graduate
	}
	hs := make([]h, len(gs))
	for i := range gs {
		f := fnv.New64a()
		f.Write([]byte(gs[i].ID))
		hs[i] = h{f.Sum64(), &gs[i]}
	}
	slices.SortFunc(hs, func(a, b h) int {
		if c := cmp.Compare(a.key, b.key); c != 0 {
			return c
		}
		return cmp.Compare(a.g.ID, b.g.ID)
	})
	if n <= 0 || n > len(hs) {
		n = len(hs)
	}
	out := make([]*matcher.Graduate, n)
	for i := range out {
		out[i] = hs[i].g
	}
	return out
}

// note describes the run's inputs: the day, the list shape, the policy and
// a fingerprint of every post, course and active graduate (IDs, versions,
// places). A resumed run must match it, or its saved lists would mix two
// different inputs. It holds no personal data.
func (r *runner) note(posts []*matcher.Post, grads []matcher.Graduate) string {
	h := sha256.New()
	var buf [8]byte
	num := func(x int64) {
		binary.LittleEndian.PutUint64(buf[:], uint64(x))
		h.Write(buf[:])
	}
	str := func(s string) { num(int64(len(s))); io.WriteString(h, s) }
	cfg, _ := json.Marshal(r.cfg)
	h.Write(cfg)
	str(r.in.Weights)
	num(r.in.Now.UnixNano())
	num(int64(r.opt.Limit))
	for _, p := range posts {
		str(p.ID)
		num(p.UpdatedAt.UnixNano())
		num(int64(p.PlacesLeft()))
	}
	num(-1)
	for i := range r.in.Courses {
		c := &r.in.Courses[i]
		str(c.ID)
		num(c.UpdatedAt.UnixNano())
		num(int64(c.Places))
	}
	num(-1)
	for i := range grads {
		str(grads[i].ID)
		num(grads[i].UpdatedAt.UnixNano())
		str(string(grads[i].Status))
	}
	return fmt.Sprintf("jobmatch batch; as of %s; limit %d; policy %s; inputs %s",
		r.in.Now.UTC().Format(time.RFC3339), r.opt.Limit, r.cfg.Version, hex.EncodeToString(h.Sum(nil))[:24])
}

// openRun finds the day's unfinished run to resume or creates a new run.
// Run IDs are batch-YYYYMMDD, then batch-YYYYMMDD-2, -3 … for further runs
// of the same decision day.
func (r *runner) openRun(ctx context.Context, note string) (*matcher.Run, bool, error) {
	base := "batch-" + r.in.Now.UTC().Format("20060102")
	var free string
	for n := 1; free == "" && n <= 10000; n++ {
		id := base
		if n > 1 {
			id = fmt.Sprintf("%s-%d", base, n)
		}
		run, err := r.st.Run(ctx, id)
		if matcher.ErrorCode(err) == matcher.ENOTFOUND {
			free = id
			break
		} else if err != nil {
			return nil, false, fmt.Errorf("batch: look up run %s: %w", id, err)
		}
		if run.Status != matcher.RunRunning {
			continue
		}
		switch {
		case r.opt.Resume != ResumeNever && run.Note == note:
			r.log.Info("resuming unfinished run", "run", id, "saved", run.Graduates)
			return run, true, nil
		case r.opt.Resume == ResumeRequired:
			return nil, false, matcher.Errorf(matcher.ECONFLICT, "未完成批次 %s 的输入已变化，不能续跑（不带 --resume 运行将重新开始）",
				"unfinished run %s has other inputs and cannot be resumed (run without --resume to start afresh)", id)
		case r.opt.Resume == ResumeNever:
			r.log.Info("abandoning unfinished run (--fresh)", "run", id)
			if err := r.st.FailRun(ctx, id, "abandoned: a fresh run was asked for"); err != nil {
				return nil, false, fmt.Errorf("batch: abandon run %s: %w", id, err)
			}
		default:
			// Its inputs changed (posts, graduates, policy): its lists
			// cannot be completed consistently, so it gives way.
			r.log.Info("unfinished run has other inputs; starting a new run", "run", id)
			if err := r.st.FailRun(ctx, id, "superseded: inputs changed before it finished"); err != nil {
				return nil, false, fmt.Errorf("batch: supersede run %s: %w", id, err)
			}
		}
	}
	if free == "" {
		return nil, false, fmt.Errorf("batch: no free run id for %s", base)
	}
	if r.opt.Resume == ResumeRequired {
		return nil, false, matcher.Errorf(matcher.ENOTFOUND, "没有可续跑的未完成批次（%s）", "no unfinished run of %s with the same inputs to resume", base)
	}
	run := &matcher.Run{ID: free, Note: note}
	if err := r.st.CreateRun(ctx, run); err != nil {
		return nil, false, fmt.Errorf("batch: create run %s: %w", free, err)
	}
	return run, false, nil
}

// String renders a summary as one line (no personal data).
func (s *Summary) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "run %s published: %d graduates (%d computed, %d resumed from an earlier attempt, %d 一人一策 with %d courses) over %d open posts in %s (%.1f graduates/s)",
		s.RunID, s.Graduates, s.Computed, s.Skipped, s.Hardship, s.Courses, s.Posts, s.Elapsed.Round(time.Millisecond), s.GraduatesPerSec)
	if s.Computed > 0 {
		fmt.Fprintf(&b, "; exposure before→after capacity pass: max %d→%d per post, top-50 share %.1f%%→%.1f%%, Gini %.3f→%.3f, over capacity %d→%d posts (overflow %.0f→%.0f lists); mean score %.4f→%.4f (loss %.4f, %.2f%%)",
			s.Before.Max, s.After.Max, 100*s.Before.Top50Share, 100*s.After.Top50Share, s.Before.Gini, s.After.Gini,
			s.Before.OverCapacity, s.After.OverCapacity, s.Before.Overflow, s.After.Overflow, s.Before.MeanScore, s.After.MeanScore, s.RelevanceLoss, 100*s.RelevanceLoss/max(s.Before.MeanScore, 1e-12))
	}
	return b.String()
}
