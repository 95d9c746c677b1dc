package postgres

import (
	"context"
	"crypto/md5"
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
// meanwhile) and each pruned run's lock, then drops their lists'
// partitions.
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

// listTables are the tables partitioned by run (schema version 8).
var listTables = []string{"recommendations", "recommendation_plans"}

// runPartition names run runID's partition of table as jm_run_partitions
// does: from the MD5 of the ID, so the name is hex digits whatever the ID
// holds, and it can go into the DDL that takes no parameters.
func runPartition(table, runID string) string {
	return table + "_" + fmt.Sprintf("%x", md5.Sum([]byte(runID)))
}

// deleteRunLists drops a run's partitions, lists and plan items with them:
// no rows to delete one by one and no VACUUM after, and the space goes
// back to the disk at once. Each is detached CONCURRENTLY first, which
// locks the parent SHARE UPDATE EXCLUSIVE only (a plain DETACH or DROP
// would lock it ACCESS EXCLUSIVE and stop every reader of the current run
// while they wait); a detach that was interrupted half-way is finished
// (FINALIZE) by the next prune, which finds the run among the leftovers.
func (s *Store) deleteRunLists(ctx context.Context, runID string) error {
	for _, table := range listTables {
		part := runPartition(table, runID)
		err := s.retry(ctx, "drop the lists of run "+runID, func(ctx context.Context, _ int) error {
			var pending bool
			err := s.pool.QueryRow(ctx, `SELECT inhdetachpending FROM pg_inherits WHERE inhrelid = to_regclass($1)`, part).Scan(&pending)
			detach := ""
			switch {
			case errors.Is(err, pgx.ErrNoRows): // detached already, or never made
			case err != nil:
				return err
			case pending:
				detach = " FINALIZE"
			default:
				detach = " CONCURRENTLY"
			}
			name := pgx.Identifier{part}.Sanitize()
			if detach != "" {
				if _, err := s.pool.Exec(ctx, `ALTER TABLE `+pgx.Identifier{table}.Sanitize()+` DETACH PARTITION `+name+detach); err != nil {
					return err
				}
			}
			_, err = s.pool.Exec(ctx, `DROP TABLE IF EXISTS `+name)
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}
