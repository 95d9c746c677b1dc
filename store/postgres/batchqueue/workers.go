package batchqueue

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
)

// shardWorker works shard jobs.
type shardWorker struct {
	river.WorkerDefaults[ShardArgs]
	pool   *pgxpool.Pool
	runner Runner
	log    *slog.Logger
}

func (w *shardWorker) Work(ctx context.Context, job *river.Job[ShardArgs]) error {
	a := job.Args
	var raw, slice []byte
	err := w.pool.QueryRow(ctx, `SELECT p.prices, s.slice FROM run_prices p LEFT JOIN run_shards s ON s.run_id = p.run_id AND s.shard = $2
		WHERE p.run_id = $1`, a.RunID, a.Shard).Scan(&raw, &slice)
	if errors.Is(err, pgx.ErrNoRows) {
		return river.JobCancel(fmt.Errorf("run %s has no prices: not enqueued by jobmatch batch --shards", a.RunID))
	} else if err != nil {
		return err
	}
	var prices map[string]float64
	if err := json.Unmarshal(raw, &prices); err != nil {
		return river.JobCancel(fmt.Errorf("run %s: prices: %w", a.RunID, err))
	}
	w.log.Info("shard taken", "run", a.RunID, "shard", a.Shard, "of", a.Shards, "attempt", job.Attempt)
	result, err := w.runner.RunShard(ctx, a, prices, slice)
	if err != nil {
		return permanent(err)
	}
	return w.land(ctx, a, result)
}

// land marks the shard done with its result and, when it was the last,
// queues the publish job — in one transaction that holds the run's row,
// so of two shards landing at once exactly one sees none left. A result
// already stored (the shard ran again after its worker died past this
// point) is kept.
func (w *shardWorker) land(ctx context.Context, a ShardArgs, result json.RawMessage) error {
	client, err := river.ClientFromContextSafely[pgx.Tx](ctx)
	if err != nil {
		return err
	}
	return pgx.BeginFunc(ctx, w.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT 1 FROM runs WHERE id = $1 FOR UPDATE`, a.RunID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE run_shards SET done_at = now(), result = $3 WHERE run_id = $1 AND shard = $2 AND done_at IS NULL`,
			a.RunID, a.Shard, []byte(result)); err != nil {
			return err
		}
		var left int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM run_shards WHERE run_id = $1 AND done_at IS NULL`, a.RunID).Scan(&left); err != nil {
			return err
		}
		w.log.Info("shard landed", "run", a.RunID, "shard", a.Shard, "of", a.Shards, "shards_left", left)
		if left > 0 {
			return nil
		}
		_, err := client.InsertTx(ctx, tx, PublishArgs{RunID: a.RunID, Now: a.Now}, nil)
		return err
	})
}

// publishWorker works the publish job of a run whose shards all landed.
type publishWorker struct {
	river.WorkerDefaults[PublishArgs]
	pool   *pgxpool.Pool
	runner Runner
	log    *slog.Logger
}

func (w *publishWorker) Work(ctx context.Context, job *river.Job[PublishArgs]) error {
	rows, err := w.pool.Query(ctx, `SELECT result FROM run_shards WHERE run_id = $1 AND done_at IS NOT NULL ORDER BY shard`, job.Args.RunID)
	if err != nil {
		return err
	}
	results, err := pgx.CollectRows(rows, pgx.RowTo[json.RawMessage])
	if err != nil {
		return err
	}
	w.log.Info("publishing sharded run", "run", job.Args.RunID, "shards", len(results))
	return permanent(w.runner.Publish(ctx, job.Args, results))
}
