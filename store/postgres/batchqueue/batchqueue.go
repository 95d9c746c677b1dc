package batchqueue

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// queueName is the River queue the batch's jobs go to.
const queueName = "jobmatch_batch"

// ShardArgs is one shard job: the run, which shard of how many, and the
// decision time the run's engine is built for.
type ShardArgs struct {
	RunID  string    `json:"run_id" river:"unique"`
	Shard  int       `json:"shard" river:"unique"`
	Shards int       `json:"shards"`
	Now    time.Time `json:"now"`
}

// Kind names the job kind in River's tables.
func (ShardArgs) Kind() string { return "jobmatch_batch_shard" }

// InsertOpts: the batch queue, unique by run and shard, retried (a killed
// worker's job comes back as a retry).
func (ShardArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: queueName, MaxAttempts: 10, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// PublishArgs is the job that publishes a run once its last shard landed.
type PublishArgs struct {
	RunID string    `json:"run_id" river:"unique"`
	Now   time.Time `json:"now"`
}

// Kind names the job kind in River's tables.
func (PublishArgs) Kind() string { return "jobmatch_batch_publish" }

// InsertOpts: the batch queue, once per run.
func (PublishArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: queueName, MaxAttempts: 10, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// Runner computes what the jobs ask for; cmd wires it to matcher/batch
// with an engine built for the job's decision time. Results are JSON
// (matcher/batch.ShardResult) that the queue keeps for Publish; a shard's
// slice is the JSON the coordinator stored with it (matcher/batch.Slice),
// nil for a shard queued without one (before schema version 12).
type Runner interface {
	RunShard(ctx context.Context, args ShardArgs, prices map[string]float64, slice json.RawMessage) (json.RawMessage, error)
	Publish(ctx context.Context, args PublishArgs, results []json.RawMessage) error
}

// Options shape a worker.
type Options struct {
	// Runner does the work; nil makes a queue that only enqueues.
	Runner Runner
	// Concurrency is how many shard jobs this process works at once
	// (default 1: a shard already uses every core).
	Concurrency int
	// RescueAfter is how long a job may stay running before River takes
	// it for dead and runs it again elsewhere (default 30 minutes). A
	// shard is given three quarters of it per attempt; one that needs more
	// is resumed by its next attempt.
	RescueAfter time.Duration
	// ID names this worker in River's tables (default: River's).
	ID  string
	Log *slog.Logger
}

// Queue is a River client on the store's pool.
type Queue struct {
	pool   *pgxpool.Pool
	client *river.Client[pgx.Tx]
	log    *slog.Logger
}

// Migrate brings River's own tables up to date in the pool's schema.
func Migrate(ctx context.Context, pool *pgxpool.Pool, log *slog.Logger) error {
	m, err := rivermigrate.New(riverpgxv5.New(pool), &rivermigrate.Config{Logger: log})
	if err != nil {
		return fmt.Errorf("batchqueue: migrator: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("batchqueue: migrate River's tables: %w", err)
	}
	return nil
}

// Open migrates River's tables and returns a queue on pool: one that can
// enqueue, and with opt.Runner set one that works jobs after Work starts.
func Open(ctx context.Context, pool *pgxpool.Pool, opt Options) (*Queue, error) {
	log := opt.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if err := Migrate(ctx, pool, log); err != nil {
		return nil, err
	}
	cfg := &river.Config{Logger: log, ID: opt.ID}
	if opt.Runner != nil {
		workers := river.NewWorkers()
		river.AddWorker(workers, &shardWorker{pool: pool, runner: opt.Runner, log: log})
		river.AddWorker(workers, &publishWorker{pool: pool, runner: opt.Runner, log: log})
		cfg.Workers = workers
		cfg.Queues = map[string]river.QueueConfig{queueName: {MaxWorkers: max(opt.Concurrency, 1)}}
		cfg.RescueStuckJobsAfter = opt.RescueAfter
		if cfg.RescueStuckJobsAfter <= 0 {
			cfg.RescueStuckJobsAfter = 30 * time.Minute
		}
		// River rescues only jobs past their timeout: a shard still running
		// at three quarters of RescueAfter is stopped and retried, and its
		// retry resumes after the chunks already saved, so a long shard
		// goes on in steps rather than being lost.
		cfg.JobTimeout = cfg.RescueStuckJobsAfter * 3 / 4
		cfg.FetchPollInterval = 500 * time.Millisecond
	}
	client, err := river.NewClient(riverpgxv5.New(pool), cfg)
	if err != nil {
		return nil, fmt.Errorf("batchqueue: River client: %w", err)
	}
	return &Queue{pool: pool, client: client, log: log}, nil
}

// Enqueue puts a prepared run's shards on the queue: its prices, a row a
// shard with its slice of the ledger (slices: one per shard, or nil for
// none) and one job a shard, in one transaction. Enqueuing a run again (a
// coordinator restarted) adds nothing: a resumed run's shards keep the
// slices they were queued with.
func (q *Queue) Enqueue(ctx context.Context, runID string, shards int, now time.Time, prices map[string]float64, slices []json.RawMessage) error {
	if shards < 1 {
		return fmt.Errorf("batchqueue: run %s: %d shards", runID, shards)
	}
	if slices != nil && len(slices) != shards {
		return fmt.Errorf("batchqueue: run %s: %d slices for %d shards", runID, len(slices), shards)
	}
	body, err := json.Marshal(prices)
	if err != nil {
		return err
	}
	err = pgx.BeginFunc(ctx, q.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO run_prices (run_id, prices) VALUES ($1, $2) ON CONFLICT (run_id) DO NOTHING`, runID, body); err != nil {
			return err
		}
		params := make([]river.InsertManyParams, shards)
		for i := range shards {
			var slice []byte
			if slices != nil {
				slice = slices[i]
			}
			if _, err := tx.Exec(ctx, `INSERT INTO run_shards (run_id, shard, shards, slice) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
				runID, i, shards, slice); err != nil {
				return err
			}
			params[i] = river.InsertManyParams{Args: ShardArgs{RunID: runID, Shard: i, Shards: shards, Now: now}}
		}
		_, err := q.client.InsertManyTx(ctx, tx, params)
		return err
	})
	if err != nil {
		return fmt.Errorf("batchqueue: enqueue run %s: %w", runID, err)
	}
	q.log.Info("batch shards queued", "run", runID, "shards", shards, "discounted_posts", len(prices))
	return nil
}

// Work works jobs until ctx ends, then stops, letting running jobs finish
// (a shard interrupted by a hard stop is resumed by its retry).
func (q *Queue) Work(ctx context.Context) error {
	if err := q.client.Start(ctx); err != nil {
		return fmt.Errorf("batchqueue: start: %w", err)
	}
	<-ctx.Done()
	stop, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := q.client.Stop(stop); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("batchqueue: stop: %w", err)
	}
	return nil
}

// ShardsLeft returns how many of a run's shards have not landed, and how
// many it has (0, 0 for a run not enqueued).
func (q *Queue) ShardsLeft(ctx context.Context, runID string) (left, total int, err error) {
	err = q.pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE done_at IS NULL), count(*) FROM run_shards WHERE run_id = $1`, runID).Scan(&left, &total)
	return left, total, err
}

// permanent turns an error that retrying cannot cure into River's cancel.
func permanent(err error) error {
	if matcher.ErrorCode(err) == matcher.ECONFLICT {
		return river.JobCancel(err)
	}
	return err
}
