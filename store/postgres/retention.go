package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// Run retention on PostgreSQL (matcher.RunPruner). Any number of
// processes on any machines read runs' lists (`jobmatch runs export`, a
// batch's diff, a worker publishing), so a reader holds a shared advisory
// lock on the run's lists for as long as it reads them, on a session of
// its own (released when it is done, or when its process or connection
// dies), and a prune takes each run's lock exclusively with a try that
// does not wait: a run being read keeps its lists this time. The key is
// the run's ID in the connection's schema (tests run side by side in
// schemas of their own).

// runLockKey is the advisory lock key of run $1's lists.
const runLockKey = `hashtextextended('jobmatch run lists ' || current_schema() || ' ' || $1, 0)`

// pruneChunk is how many rows one statement of a prune deletes.
const pruneChunk = 10000

// readRun takes the shared lock on a run's lists and checks the run is
// there and not pruned (EGONE naming it when it is); release gives the
// lock back.
func (s *Store) readRun(ctx context.Context, runID string) (release func(), err error) {
	var conn *pgxpool.Conn
	err = s.retry(ctx, "lock the lists of run "+runID, func(ctx context.Context, _ int) error {
		c, err := s.pool.Acquire(ctx)
		if err != nil {
			return err
		}
		if _, err := c.Exec(ctx, `SELECT pg_advisory_lock_shared(`+runLockKey+`)`, runID); err != nil {
			c.Release()
			return err
		}
		conn = c
		return nil
	})
	if err != nil {
		return nil, err
	}
	release = func() {
		// A context of its own: the lock must go when ctx was cancelled.
		uctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if _, err := conn.Exec(uctx, `SELECT pg_advisory_unlock_shared(`+runLockKey+`)`, runID); err != nil {
			conn.Conn().Close(uctx) // the session ends, and its locks with it
		}
		conn.Release()
	}
	run, err := s.Run(ctx, runID)
	if err == nil && !run.PrunedAt.IsZero() {
		err = matcher.ErrRunPruned(runID, run.PrunedAt)
	}
	if err != nil {
		release()
		return nil, err
	}
	return release, nil
}

// notPruned refuses, inside tx, a run whose lists were pruned.
func notPruned(ctx context.Context, tx pgx.Tx, runID string) error {
	var pruned *time.Time
	if err := tx.QueryRow(ctx, `SELECT pruned_at FROM runs WHERE id = $1`, runID).Scan(&pruned); err != nil {
		return err
	}
	if pruned != nil {
		return matcher.ErrRunPruned(runID, *pruned)
	}
	return nil
}

// PruneRuns marks the runs the retention policy does not keep pruned, in
// one transaction that holds current_run (so no run is published
// meanwhile) and each pruned run's lock, then deletes their lists in
// chunks and VACUUMs the two tables so the next run reuses the space.
func (s *Store) PruneRuns(ctx context.Context, keep int, dryRun bool) (*matcher.PruneResult, error) {
	if err := matcher.CheckKeepRuns(keep); err != nil {
		return nil, err
	}
	res := &matcher.PruneResult{Keep: keep, DryRun: dryRun}
	var leftovers []string
	err := s.tx(ctx, "prune runs", func(ctx context.Context, tx pgx.Tx, _ int) error {
		res.Pruned, res.Kept, leftovers = nil, nil, nil
		return s.markPruned(ctx, tx, res, &leftovers)
	})
	if errors.Is(err, errDryRun) {
		return res, nil
	} else if err != nil || dryRun {
		return res, err
	}
	for i := range res.Pruned {
		if err := runListsBytes(ctx, s.pool, &res.Pruned[i]); err != nil {
			return res, fmt.Errorf("prune runs: run %s: %w", res.Pruned[i].ID, err)
		}
		leftovers = append(leftovers, res.Pruned[i].ID)
	}
	for _, id := range leftovers {
		if err := s.deleteRunLists(ctx, id); err != nil {
			return res, fmt.Errorf("prune runs: run %s: %w", id, err)
		}
	}
	if len(leftovers) > 0 {
		// Not in a transaction (VACUUM cannot be); autovacuum would get
		// there too, but maybe after the next run has grown the tables.
		if _, err := s.pool.Exec(ctx, `VACUUM (ANALYZE) recommendations, recommendation_plans`); err != nil {
			res.Note = "VACUUM: " + badText(err).Error()
		}
	}
	return res, nil
}

// markPruned applies the policy inside tx (rolled back when dry).
func (s *Store) markPruned(ctx context.Context, tx pgx.Tx, res *matcher.PruneResult, leftovers *[]string) error {
	var current string
	err := tx.QueryRow(ctx, `SELECT run_id FROM current_run WHERE id = 1 FOR UPDATE`).Scan(&current)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return err
	}
	rows, err := tx.Query(ctx, `SELECT `+runColumns+` FROM runs r ORDER BY r.started_at DESC, r.id DESC`)
	if err != nil {
		return err
	}
	runs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (matcher.Run, error) {
		r, err := scanRun(row)
		if err != nil {
			return matcher.Run{}, err
		}
		return *r, nil
	})
	if err != nil {
		return err
	}
	var lockErr error
	reading := func(id string) bool {
		var got bool
		if err := tx.QueryRow(ctx, `SELECT pg_try_advisory_xact_lock(`+runLockKey+`)`, id).Scan(&got); err != nil && lockErr == nil {
			lockErr = err
		}
		return !got
	}
	kept := matcher.RetainedRuns(runs, current, res.Keep, reading)
	if lockErr != nil {
		return lockErr
	}
	for _, r := range runs {
		switch why, ok := kept[r.ID]; {
		case ok && why == matcher.KeepPruned:
			*leftovers = append(*leftovers, r.ID)
		case ok:
			res.Kept = append(res.Kept, matcher.KeptRun{ID: r.ID, Reason: why})
		default:
			p := matcher.PrunedRun{ID: r.ID, Status: r.Status, StartedAt: r.StartedAt}
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM recommendations WHERE run_id = $1`, r.ID).Scan(&p.Lists); err != nil {
				return err
			}
			if res.DryRun {
				if err := runListsBytes(ctx, tx, &p); err != nil {
					return err
				}
				res.Pruned = append(res.Pruned, p)
				continue
			}
			// A real prune sums the sizes after this transaction
			// (PruneRuns): reading every list's size here would hold
			// current_run, and with it any publish, for as long.
			res.Pruned = append(res.Pruned, p)
			if _, err := tx.Exec(ctx, `UPDATE runs SET pruned_at = $2, pruned_graduates = $3 WHERE id = $1`, r.ID, s.now(), p.Lists); err != nil {
				return err
			}
		}
	}
	if res.DryRun {
		return errDryRun // rolls the transaction (and its locks) back
	}
	return nil
}

var errDryRun = errors.New("dry run")

// runListsBytes sets p.Bytes to the size of run p.ID's lists and plan
// items (what a prune gives back).
func runListsBytes(ctx context.Context, q interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}, p *matcher.PrunedRun) error {
	return q.QueryRow(ctx, `SELECT
		(SELECT coalesce(sum(octet_length(graduate_id) + coalesce(octet_length(items_box), octet_length(items::text), 0)), 0) FROM recommendations WHERE run_id = $1)
		+ (SELECT coalesce(sum(octet_length(tag) + octet_length(box)), 0) FROM recommendation_plans WHERE run_id = $1)`, p.ID).Scan(&p.Bytes)
}

// deleteRunLists deletes a run's lists and plan items, pruneChunk rows a
// statement, each retried on its own.
func (s *Store) deleteRunLists(ctx context.Context, runID string) error {
	for _, q := range []string{
		`DELETE FROM recommendations WHERE run_id = $1 AND graduate_id IN
			(SELECT graduate_id FROM recommendations WHERE run_id = $1 LIMIT $2)`,
		`DELETE FROM recommendation_plans WHERE run_id = $1 AND tag IN
			(SELECT tag FROM recommendation_plans WHERE run_id = $1 LIMIT $2)`,
	} {
		for {
			var n int64
			err := s.retry(ctx, "delete the lists of run "+runID, func(ctx context.Context, _ int) error {
				tag, err := s.pool.Exec(ctx, q, runID, pruneChunk)
				n = tag.RowsAffected()
				return err
			})
			if err != nil {
				return err
			}
			if n < pruneChunk {
				break
			}
		}
	}
	return nil
}
