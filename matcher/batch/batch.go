package batch

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/engine"
)

// Source is what a run reads its posts and courses from.
type Source = engine.Source

// Store is what a run reads graduates from and writes its lists to: both
// store backends (matcher.FullStore) satisfy it.
type Store interface {
	EachGraduate(ctx context.Context, f matcher.GraduateFilter, fn func(*matcher.Graduate) error) error
	matcher.RunWriter
	LatestRun(ctx context.Context) (*matcher.Run, error)
	matcher.RunInspector
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

// Load builds a run's inputs with engine.Load (the one loader the service
// uses too), naming the weights' version for the run's fingerprint.
func Load(ctx context.Context, src Source, o engine.Options) (*Inputs, error) {
	snap, err := engine.Load(ctx, src, o)
	if err != nil {
		return nil, fmt.Errorf("batch: %w", err)
	}
	return &Inputs{Engine: snap.Engine, Posts: snap.Posts, Courses: snap.Courses, Now: snap.Now, Weights: o.Weights.Version}, nil
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
	// Graduates, when set, is the active graduates' read started ahead of
	// the run (ReadGraduates); nil: the run reads them itself.
	Graduates *Graduates
	// Keys, when set, is the ledger's read for Prepare started ahead
	// (ReadLedgerKeys); nil: Prepare reads it itself.
	Keys *LedgerKeys
}

// Run computes every active graduate's list over every open post in in,
// saves them chunk by chunk under one run, saves the run's report
// (matcher.RunReport: the summary in words, coverage, the spread of the
// lists, the diff against the previous run) and publishes the run when
// every list is saved. Readers see the previous run until then. A run stopped
// before it is published (killed, cancelled, a store error) is resumed by
// the next Run of the same day with the same inputs: graduates already
// saved are skipped and the result is the same as an uninterrupted run's.
//
// The phases, in order: the open posts (the table exposure is counted
// over), the active graduates, the run opened or resumed, the capacity
// prices, the lists computed and saved chunk by chunk, the complete run
// published and summarised.
func Run(ctx context.Context, st Store, in *Inputs, opt Options) (*Summary, error) {
	start := time.Now()
	r, err := priced(ctx, st, in, opt)
	if err != nil {
		return nil, err
	}
	// The previous run's lists (the report's diff) are read while the
	// lists compute: the run's cores were idle for the read at the end.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	r.readPrevious(ctx)
	t, err := r.computeAndSave(ctx)
	if err != nil {
		cancel()
		prev, _ := r.prevLists(ctx) // wait for the read so no goroutine outlives the run
		prev.done()
		return nil, err
	}
	// The run's lists counted as a shard counts its own: this attempt's
	// from memory, an earlier attempt's read back.
	return r.finishRun(ctx, t, start, func() (*ListCounts, int, error) {
		prev, err := r.prevLists(ctx)
		if err != nil {
			return nil, 0, err
		}
		c, err := r.countLists(ctx, t.lists, r.saved, prev)
		return c, prev.total, err
	})
}

// finishRun checks that every list is saved, summarises the run, saves its
// report and publishes it: the end of a run in one process and of a
// sharded run (Finish). count gives the counts of the run's lists
// (countLists, or the shards' added) and how many lists the previous run
// has.
func (r *runner) finishRun(ctx context.Context, t *tally, start time.Time, count func() (*ListCounts, int, error)) (*Summary, error) {
	// The completeness check reads the saved graduate IDs back while the
	// lists are counted; nothing is saved or published before both are
	// done.
	checked := make(chan error, 1)
	go func() { checked <- r.complete(ctx) }()
	r.summarize(t, time.Since(start))
	c, prevLists, err := count()
	if cerr := <-checked; cerr != nil {
		return nil, cerr
	}
	if err != nil {
		return nil, err
	}
	rep := r.report(t, c, prevLists)
	r.sum.Report = rep
	rep.Shards = max(r.shards, 1)
	rep.ElapsedSeconds = time.Since(start).Seconds()
	rep.PairsPerSecond = float64(r.sum.Computed) * float64(len(r.table)) / max(rep.ElapsedSeconds, 1e-9)
	if err := r.st.SaveRunReport(ctx, rep); err != nil {
		return nil, fmt.Errorf("batch: run %s: save report: %w", r.run.ID, err)
	}
	if err := r.st.PublishRun(ctx, r.run.ID); err != nil {
		return nil, fmt.Errorf("batch: run %s: publish: %w", r.run.ID, err)
	}
	r.sum.Elapsed = time.Since(start)
	r.log.Info("batch run published", "run", r.run.ID, "graduates", r.sum.Graduates, "computed", t.computed, "skipped", r.sum.Skipped,
		"shards", rep.Shards, "elapsed", r.sum.Elapsed.Round(time.Millisecond))
	return r.sum, nil
}

// priced runs the phases a one-process run and a sharded run share: the
// post table, the active graduates, the run opened or resumed, and its
// capacity prices set.
func priced(ctx context.Context, st Store, in *Inputs, opt Options) (*runner, error) {
	return pricedWith(ctx, st, in, opt, (*runner).activeGraduates)
}

// pricedWith is priced with the ledger's read given: the active graduates
// whole (activeGraduates), or a sharded run's keys (pricedFromKeys).
func pricedWith(ctx context.Context, st Store, in *Inputs, opt Options, readLedger func(*runner, context.Context) error) (*runner, error) {
	r, err := newRunner(st, in, opt)
	if err != nil {
		return nil, err
	}
	r.postTable()
	if err := readLedger(r, ctx); err != nil {
		return nil, err
	}
	if err := r.openOrResume(ctx); err != nil {
		return nil, err
	}
	if err := r.setPrices(ctx); err != nil {
		return nil, err
	}
	return r, nil
}
