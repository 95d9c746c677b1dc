package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
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
	conn, err := s.lockRunShared(ctx, "lock", runID)
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
	return s.heldReadable(ctx, runID, release)
}

// HoldRun takes the shared lock on a run's lists as their readers do
// (readRun), until release (matcher.RunInspector), on a connection taken
// out of the pool: a hold lasts as long as a batch run computes, and the
// pool's few connections are the run's to read and write with (the diff's
// RunListPosts takes two while the hold is kept). Closing the connection
// gives the lock back.
func (s *Store) HoldRun(ctx context.Context, runID string) (release func(), err error) {
	c, err := s.lockRunShared(ctx, "hold", runID)
	if err != nil {
		return nil, err
	}
	conn := c.Hijack()
	release = sync.OnceFunc(func() {
		uctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		conn.Close(uctx) // the session ends, and its lock with it
	})
	return s.heldReadable(ctx, runID, release)
}

// lockRunShared takes the shared lock on a run's lists on a connection of
// the pool, which it returns holding the lock (verb says what for, in a
// retry's message).
func (s *Store) lockRunShared(ctx context.Context, verb, runID string) (*pgxpool.Conn, error) {
	var conn *pgxpool.Conn
	err := s.retry(ctx, verb+" the lists of run "+runID, func(ctx context.Context, _ int) error {
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
	return conn, err
}

// heldReadable returns release once the run, its lock held, is known to be
// there and not pruned (EGONE naming it when it is); else it releases
// the lock and returns the error.
func (s *Store) heldReadable(ctx context.Context, runID string, release func()) (func(), error) {
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
// partitions (dropPruned), with those an earlier prune left behind.
func (s *Store) PruneRuns(ctx context.Context, keep int, dryRun bool) (*matcher.PruneResult, error) {
	if err := matcher.CheckKeepRuns(keep); err != nil {
		return nil, err
	}
	res := &matcher.PruneResult{Keep: keep, DryRun: dryRun}
	err := s.tx(ctx, "prune runs", func(ctx context.Context, tx pgx.Tx, _ int) error {
		res.Pruned, res.Kept = nil, nil
		return s.markPruned(ctx, tx, res)
	})
	switch {
	case errors.Is(err, errDryRun):
		return res, nil
	case err != nil:
		// Rolled back: no run was marked, so none may be reported (and
		// audited) as pruned.
		res.Pruned = nil
		return res, err
	case dryRun:
		return res, nil
	}
	if err := s.dropPruned(ctx); err != nil {
		return res, fmt.Errorf("prune runs: %w", err)
	}
	return res, nil
}

// markPruned applies the policy inside tx (rolled back when dry).
func (s *Store) markPruned(ctx context.Context, tx pgx.Tx, res *matcher.PruneResult) error {
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
		case ok && why == matcher.KeepPruned: // dropped already, or left to dropPruned
		case ok:
			res.Kept = append(res.Kept, matcher.KeptRun{ID: r.ID, Reason: why})
		default:
			p := matcher.PrunedRun{ID: r.ID, Status: r.Status, StartedAt: r.StartedAt}
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM recommendations WHERE run_id = $1`, r.ID).Scan(&p.Lists); err != nil {
				return err
			}
			// The size is the catalog's (no list is read): cheap enough
			// to take here, before another prune can drop the partitions.
			if err := runListsBytes(ctx, tx, &p); err != nil {
				return err
			}
			res.Pruned = append(res.Pruned, p)
			if res.DryRun {
				continue
			}
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

// runListsBytes sets p.Bytes to the size on disk of run p.ID's partitions
// (lists and plan items, their TOAST and indexes: what dropping them gives
// back), from the catalog rather than by reading every list.
func runListsBytes(ctx context.Context, q interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}, p *matcher.PrunedRun) error {
	return q.QueryRow(ctx, `SELECT coalesce(sum(pg_total_relation_size(to_regclass(quote_ident(t || '_r' || rp.no)))), 0)::bigint
		FROM run_partitions rp, unnest($2::text[]) t WHERE rp.run_id = $1`, p.ID, listTables).Scan(&p.Bytes)
}

// listTables are the tables partitioned by run (schema version 8).
var listTables = []string{"recommendations", "recommendation_plans"}

// runPartition names a run's partition of table by the run's number in
// run_partitions, as jm_run_partitions does (schema version 9): plain
// ASCII whatever the run's ID holds, so it can go into DDL, which takes
// no parameters.
func runPartition(table string, no int64) string {
	return table + "_r" + strconv.FormatInt(no, 10)
}

// pruneLockKey is the advisory lock that serializes the prunes' drops in
// the connection's schema: a parent table can have one DETACH …
// CONCURRENTLY pending at a time, so two prunes detaching at once would
// fail.
const pruneLockKey = `hashtextextended('jobmatch prune ' || current_schema(), 0)`

// dropPruned drops the partitions of every pruned run that still has any
// (this prune's, and those of a prune that was interrupted), under
// pruneLockKey, on one session: the lock is the session's, and DETACH …
// CONCURRENTLY cannot run inside a transaction.
func (s *Store) dropPruned(ctx context.Context) error {
	return s.retry(ctx, "drop the lists of pruned runs", func(ctx context.Context, _ int) error {
		conn, err := s.pool.Acquire(ctx)
		if err != nil {
			return err
		}
		defer conn.Release()
		if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock(`+pruneLockKey+`)`); err != nil {
			return err
		}
		defer func() {
			// A context of its own: the lock must go when ctx was cancelled.
			uctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if _, err := conn.Exec(uctx, `SELECT pg_advisory_unlock(`+pruneLockKey+`)`); err != nil {
				conn.Conn().Close(uctx) // the session ends, and its locks with it
			}
		}()
		return dropPrunedLocked(ctx, conn.Conn())
	})
}

// dropPrunedLocked is dropPruned holding the lock. A detach left pending
// by an interrupted prune is finished (FINALIZE) first, whichever run it
// belongs to, since it would refuse any other detach on its parent.
func dropPrunedLocked(ctx context.Context, conn *pgx.Conn) error {
	rows, err := conn.Query(ctx, `SELECT p.relname::text, c.relname::text FROM pg_inherits i
		JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
		WHERE i.inhdetachpending AND i.inhparent IN (to_regclass('recommendations'), to_regclass('recommendation_plans'))`)
	if err != nil {
		return err
	}
	pending, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (pc [2]string, err error) {
		err = row.Scan(&pc[0], &pc[1])
		return pc, err
	})
	if err != nil {
		return err
	}
	for _, pc := range pending {
		if _, err := conn.Exec(ctx, `ALTER TABLE `+pgx.Identifier{pc[0]}.Sanitize()+` DETACH PARTITION `+pgx.Identifier{pc[1]}.Sanitize()+` FINALIZE`); err != nil {
			return fmt.Errorf("finish detaching %s: %w", pc[1], err)
		}
	}
	rows, err = conn.Query(ctx, `SELECT rp.run_id, rp.no FROM run_partitions rp JOIN runs r ON r.id = rp.run_id
		WHERE r.pruned_at IS NOT NULL ORDER BY rp.no`)
	if err != nil {
		return err
	}
	type numbered struct {
		run string
		no  int64
	}
	runs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (r numbered, err error) {
		err = row.Scan(&r.run, &r.no)
		return r, err
	})
	if err != nil {
		return err
	}
	for _, r := range runs {
		if err := deleteRunLists(ctx, conn, r.run, r.no); err != nil {
			return fmt.Errorf("run %s: %w", r.run, err)
		}
	}
	return nil
}

// deleteRunLists drops a run's partitions, lists and plan items with them:
// no rows to delete one by one and no VACUUM after, and the space goes
// back to the disk at once; then the run's number. Each is detached
// CONCURRENTLY first, which locks the parent SHARE UPDATE EXCLUSIVE only
// (a plain DETACH or DROP would lock it ACCESS EXCLUSIVE and stop every
// reader of the current run while they wait).
func deleteRunLists(ctx context.Context, conn *pgx.Conn, runID string, no int64) error {
	for _, table := range listTables {
		part := runPartition(table, no)
		var attached bool
		if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_inherits WHERE inhrelid = to_regclass($1))`, part).Scan(&attached); err != nil {
			return err
		}
		name := pgx.Identifier{part}.Sanitize()
		if attached {
			if _, err := conn.Exec(ctx, `ALTER TABLE `+pgx.Identifier{table}.Sanitize()+` DETACH PARTITION `+name+` CONCURRENTLY`); err != nil {
				return fmt.Errorf("detach %s: %w", part, err)
			}
		}
		if _, err := conn.Exec(ctx, `DROP TABLE IF EXISTS `+name); err != nil {
			return fmt.Errorf("drop %s: %w", part, err)
		}
	}
	_, err := conn.Exec(ctx, `DELETE FROM run_partitions WHERE run_id = $1`, runID)
	return err
}
