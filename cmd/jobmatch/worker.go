package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"sync"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher/batch"
	"github.com/urumqi-hrss/jobmatch/store/postgres"
	"github.com/urumqi-hrss/jobmatch/store/postgres/batchqueue"
)

// cmdWorker works the shards of sharded batch runs (`jobmatch batch
// --shards N`) from the River queue in PostgreSQL until it is stopped. Any
// number of workers on any number of machines share a run; the worker
// that lands the last shard queues the publishing, which one of them does.
func (m *Main) cmdWorker(ctx context.Context, args []string) error {
	fs := m.flags("worker")
	var o batch.Options
	fs.IntVar(&o.Chunk, "chunk", 500, "graduates' lists saved per transaction (a shard run again resumes after its last saved chunk)")
	fs.IntVar(&o.Workers, "workers", runtime.GOMAXPROCS(0), "graduates computed in parallel within a shard")
	concurrency := fs.Int("concurrency", 1, "shards this process works at once")
	rescue := fs.Duration("rescue-after", 30*time.Minute, "a shard running this long is taken for dead (its worker killed) and run again by another worker, resuming after its saved chunks; each attempt gets three quarters of it")
	configFile := fs.String("config", "", "batch configuration file, the same as the coordinator's (default: the embedded matcher/batch/config.json); a different one is refused by the run's fingerprint")
	keep := keepRunsFlag(fs)
	if err := m.parseNoArgs(fs, args, "worker"); err != nil {
		return err
	}
	if err := checkKeepRuns("worker", *keep, true); err != nil {
		return err
	}
	switch {
	case m.DBURL == "":
		return &usageError{"worker: PostgreSQL only: give --db URL or set DATABASE_URL (the shards are queued there)"}
	case o.Chunk < 1 || o.Workers < 1 || *concurrency < 1:
		return &usageError{"worker: --chunk, --workers and --concurrency want at least 1"}
	}
	if err := loadBatchConfig(*configFile, &o); err != nil {
		return err
	}
	// The worker builds the engine for each run and computes shards like
	// the batch: the same heap advice, once, before anything grows into
	// it (a build at the next run reuses the advised range).
	hugeHeap(m.Log, batchHugeHeap)
	st, err := m.openStore(ctx)
	if err != nil {
		return err
	}
	pg := st.(*postgres.Store)
	host, _ := os.Hostname()
	id := fmt.Sprintf("jobmatch-worker-%s-%d", host, os.Getpid())
	o.Log = m.Log
	w := &shardRunner{m: m, st: pg, opt: o, log: m.Log, inputs: map[string]*batch.Inputs{}, keep: *keep}
	q, err := batchqueue.Open(ctx, pg.Pool(), batchqueue.Options{Runner: w, Concurrency: *concurrency, RescueAfter: *rescue, ID: id, Log: m.Log})
	if err != nil {
		return err
	}
	m.Log.Info("batch worker started", "id", id, "concurrency", *concurrency, "rescue_after", *rescue)
	return q.Work(ctx)
}

// shardRunner is the worker's batchqueue.Runner: matcher/batch over an
// engine built for the run's decision time from the store as it is, kept
// for the run's next shard (a new run loads afresh: its posts may differ).
type shardRunner struct {
	m      *Main
	st     *postgres.Store
	opt    batch.Options
	log    *slog.Logger
	mu     sync.Mutex
	inputs map[string]*batch.Inputs // by run ID
	keep   int                      // --keep-runs: the retention applied after publishing
}

func (w *shardRunner) load(ctx context.Context, runID string, now time.Time) (*batch.Inputs, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if in, ok := w.inputs[runID]; ok {
		return in, nil
	}
	eo, err := w.m.engineOptions()
	if err != nil {
		return nil, err
	}
	eo.Now = now
	t0 := time.Now()
	in, err := batch.Load(ctx, w.st, eo)
	if err != nil {
		return nil, err
	}
	w.log.Info("matching engine ready", "posts", len(in.Posts), "as_of", now.Format(time.DateOnly), "elapsed", time.Since(t0).Round(time.Millisecond))
	clear(w.inputs) // one run at a time: runs are nightly
	w.inputs[runID] = in
	return in, nil
}

func (w *shardRunner) RunShard(ctx context.Context, a batchqueue.ShardArgs, prices map[string]float64, slice json.RawMessage) (json.RawMessage, error) {
	sh := batch.Shard{RunID: a.RunID, Index: a.Shard, Count: a.Shards, Prices: prices}
	if slice != nil {
		sh.Slice = new(batch.Slice)
		if err := json.Unmarshal(slice, sh.Slice); err != nil {
			return nil, fmt.Errorf("run %s: shard %d: slice: %w", a.RunID, a.Shard, err)
		}
	}
	in, err := w.load(ctx, a.RunID, a.Now)
	if err != nil {
		return nil, err
	}
	res, err := batch.RunShard(ctx, w.st, in, w.opt, sh)
	if err != nil {
		return nil, err
	}
	return json.Marshal(res)
}

func (w *shardRunner) Publish(ctx context.Context, a batchqueue.PublishArgs, results []json.RawMessage) error {
	in, err := w.load(ctx, a.RunID, a.Now)
	if err != nil {
		return err
	}
	parts := make([]batch.ShardResult, len(results))
	for i, raw := range results {
		if err := json.Unmarshal(raw, &parts[i]); err != nil {
			return fmt.Errorf("run %s: shard result: %w", a.RunID, err)
		}
	}
	sum, err := batch.Finish(ctx, w.st, in, w.opt, a.RunID, parts)
	if err != nil {
		return err
	}
	w.log.Info("sharded run published", "run", a.RunID, "shards", len(parts), "graduates", sum.Graduates)
	w.m.pruneAfterPublish(ctx, w.st, w.keep, "jobmatch worker")
	return nil
}
