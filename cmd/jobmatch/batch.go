package main

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"time"

	"github.com/urumqi-hrss/jobmatch/index"
	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/batch"
	"github.com/urumqi-hrss/jobmatch/matcher/engine"
	"github.com/urumqi-hrss/jobmatch/store/postgres"
	"github.com/urumqi-hrss/jobmatch/store/postgres/batchqueue"
)

// cmdBatch runs the nightly batch: every active graduate's list over every
// open post, saved chunk by chunk and published as one run (matcher/batch).
func (m *Main) cmdBatch(ctx context.Context, args []string) error {
	fs := m.flags("batch")
	var o batch.Options
	fs.IntVar(&o.Limit, "limit", 8, "posts per graduate (hardship graduates' 一人一策 lists: the policy's 5–8 posts plus ≥3 courses)")
	fs.IntVar(&o.Chunk, "chunk", 500, "graduates' lists saved per transaction (a killed run resumes after its last saved chunk)")
	fs.IntVar(&o.Workers, "workers", runtime.GOMAXPROCS(0), "graduates computed in parallel")
	resume := fs.Bool("resume", false, "only resume the day's unfinished run, failing when there is none (without it an unfinished run of the day with the same inputs is resumed anyway)")
	fresh := fs.Bool("fresh", false, "abandon the day's unfinished run and start a new one")
	configFile := fs.String("config", "", "batch configuration file: active statuses and capacity spreading (default: the embedded matcher/batch/config.json)")
	asJSON := fs.Bool("json", false, "print the summary as JSON")
	quiet := fs.Bool("quiet", false, "no progress bar (there is none anyway when standard error is not a terminal)")
	shards := fs.Int("shards", 0, "PostgreSQL: open the run, set its prices and queue it in this many shards for `jobmatch worker` processes (0: compute it here)")
	wait := fs.Bool("wait", false, "with --shards: wait until the workers have published the run, then print its summary")
	keep := keepRunsFlag(fs) // with --shards the worker that publishes prunes, with its own --keep-runs
	if err := m.parseNoArgs(fs, args, "batch"); err != nil {
		return err
	}
	if err := checkKeepRuns("batch", *keep, true); err != nil {
		return err
	}
	switch {
	case o.Limit < 1 || o.Limit > 100:
		return &usageError{fmt.Sprintf("batch --limit %d: want 1..100", o.Limit)}
	case o.Chunk < 1:
		return &usageError{fmt.Sprintf("batch --chunk %d: want at least 1", o.Chunk)}
	case o.Workers < 1:
		return &usageError{fmt.Sprintf("batch --workers %d: want at least 1", o.Workers)}
	case *resume && *fresh:
		return &usageError{"batch: --resume and --fresh exclude each other"}
	case *shards < 0 || *shards > 10000:
		return &usageError{fmt.Sprintf("batch --shards %d: want 0..10000", *shards)}
	case *shards > 0 && m.DBURL == "":
		return &usageError{"batch --shards: PostgreSQL only: give --db URL or set DATABASE_URL (workers take the shards from its queue)"}
	case *wait && *shards == 0:
		return &usageError{"batch --wait: only with --shards"}
	}
	switch {
	case *resume:
		o.Resume = batch.ResumeRequired
	case *fresh:
		o.Resume = batch.ResumeNever
	}
	if err := loadBatchConfig(*configFile, &o); err != nil {
		return err
	}
	st, err := m.openStore(ctx)
	if err != nil {
		return err
	}
	waitReads := readAheadLedger(ctx, st, &o, *shards)
	in, saveTerms, err := m.loadBatchInputs(ctx, st, !*quiet)
	if err != nil {
		waitReads()
		return err
	}
	// After the run: the counts and the shown words its explanations cut
	// (nothing is written when the file had them all).
	defer saveTerms()
	o.Log = m.Log
	if *shards > 0 {
		return m.queueBatch(ctx, st, in, o, *shards, *wait, *asJSON)
	}
	var bar *progressBar
	if !*quiet {
		bar = m.newProgress("batch", "graduates")
		o.Progress, o.Log = bar.report(), bar.logger(m.Log)
	}
	sum, err := batch.Run(ctx, st, in, o)
	bar.finish()
	if err != nil {
		return err
	}
	m.pruneAfterPublish(ctx, st, *keep, "jobmatch batch")
	if *asJSON {
		return writeJSON(m.Stdout, sum)
	}
	fmt.Fprintln(m.Stdout, sum)
	return nil
}

// loadBatchInputs builds the run's engine over the open posts and courses,
// with the data directory's term cache (openTermCache), which also keeps
// the posts' shown words for the run's explanations (engine.ShownStore).
// The cache is saved by the returned func, after the run: saving it
// before, as the other commands do, was serial time between the build
// and the run, and the run adds the shown words.
//
// The build waits for three reads that need nothing of each other: the
// segmenter's dictionary, the term cache and the open posts. They run at
// once (as loadEngine's do), beside the graduates' read the caller
// started: one after the other they were about 0.8 s of the 1.1–1.6 s
// before the build could start, while a core waited.
func (m *Main) loadBatchInputs(ctx context.Context, st matcher.FullStore, progress bool) (*batch.Inputs, func(), error) {
	t0 := time.Now()
	defer loadingGC()()
	hugeHeap(m.Log, batchHugeHeap)
	go index.DefaultSegmenter() // engineOptions asks again and reports its error
	useVectors := m.openVectorCache()
	useTerms := m.openTermCache()
	src, err := readOpenPosts(ctx, st, m.Now())
	if err != nil {
		return nil, nil, err
	}
	eo, err := m.engineOptions()
	if err != nil {
		return nil, nil, err
	}
	eo.Now = src.at // one decision time for the posts read and the engine
	var bar *progressBar
	if progress {
		// Seconds before the run's own bar, more without the term cache.
		bar = m.newProgress("building the matching engine", "posts")
		eo.Progress = bar.report()
	}
	saveTerms := useTerms(&eo)
	if c, ok := eo.Terms.(engine.ShownStore); ok {
		eo.Shown = c
	}
	saveVectors := useVectors(&eo)
	in, err := batch.Load(ctx, src, eo)
	bar.finish()
	if err != nil {
		return nil, nil, err
	}
	saveVectors()
	m.Log.Info("matching engine ready", "posts", len(in.Posts), "courses", len(in.Courses), "as_of", eo.Now.Format(time.DateOnly), "elapsed", time.Since(t0).Round(time.Millisecond))
	return in, saveTerms, nil
}

// queueBatch opens a run, sets its prices and queues its shards for the
// workers; with wait it polls until they have published it and prints the
// run's summary from its report.
func (m *Main) queueBatch(ctx context.Context, st matcher.FullStore, in *batch.Inputs, o batch.Options, shards int, wait, asJSON bool) error {
	plan, err := batch.Prepare(ctx, st, in, o)
	if err != nil {
		return err
	}
	pg := st.(*postgres.Store)
	q, err := batchqueue.Open(ctx, pg.Pool(), batchqueue.Options{Log: m.Log})
	if err != nil {
		return err
	}
	// Each shard is stored with its slice of the ledger, so a worker reads
	// its own graduates and not the whole ledger (matcher/batch.Slice).
	var slices []json.RawMessage
	for _, s := range plan.Slices(shards) {
		b, err := json.Marshal(s)
		if err != nil {
			return err
		}
		slices = append(slices, b)
	}
	if err := q.Enqueue(ctx, plan.RunID, shards, in.Now, plan.Prices, slices); err != nil {
		return err
	}
	if !wait {
		if asJSON {
			return writeJSON(m.Stdout, plan)
		}
		fmt.Fprintf(m.Stdout, "run %s queued in %d shards (%d graduates over %d open posts); `jobmatch worker` processes compute it and publish it when the last shard lands\n",
			plan.RunID, shards, plan.Graduates, plan.Posts)
		return nil
	}
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	lastLeft := -1
	for {
		run, err := st.Run(ctx, plan.RunID)
		if err != nil {
			return err
		}
		switch run.Status {
		case matcher.RunFailed:
			return fmt.Errorf("batch: run %s failed: %s", run.ID, run.Note)
		case matcher.RunPublished:
			rep, err := st.RunReport(ctx, run.ID)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(m.Stdout, map[string]any{"run": run, "report": rep})
			}
			fmt.Fprintf(m.Stdout, "run %s published by the workers: %d graduates in %d shards, %.1f s from start\n", run.ID, rep.Graduates, rep.Shards, rep.ElapsedSeconds)
			for _, line := range rep.Summary {
				fmt.Fprintln(m.Stdout, line)
			}
			return nil
		}
		if left, total, err := q.ShardsLeft(ctx, plan.RunID); err == nil && left != lastLeft {
			m.Log.Info("waiting for the workers", "run", plan.RunID, "shards_left", left, "of", total)
			lastLeft = left
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
}

// loadBatchConfig reads --config into o (the coordinator's and the
// workers' alike); empty: the embedded matcher/batch/config.json.
func loadBatchConfig(path string, o *batch.Options) error {
	if path == "" {
		return nil
	}
	var err error
	o.Config, err = batch.LoadConfig(path)
	return err
}

// readAheadLedger starts reading what the run needs of the ledger while the
// engine builds, into o: a one-process run's active graduates; for a
// sharded run, whose workers read their own graduates, the coordinator's
// keys and pricing sample (batch.ReadLedgerKeys). It returns the wait for
// a caller that gives up on the run.
func readAheadLedger(ctx context.Context, st batch.Store, o *batch.Options, shards int) (wait func()) {
	if shards > 0 {
		o.Keys = batch.ReadLedgerKeys(ctx, st, o.Config)
		return o.Keys.Wait
	}
	o.Graduates = batch.ReadGraduates(ctx, st, o.Config)
	return o.Graduates.Wait
}
