package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store"
)

// runColumns: a pruned run's graduates were counted when its lists went.
const runColumns = `r.id, r.started_at, r.finished_at, r.status, r.note,
	CASE WHEN r.pruned_at IS NULL THEN (SELECT count(*) FROM recommendations x WHERE x.run_id = r.id) ELSE r.pruned_graduates END,
	r.pruned_at`

func scanRun(row pgx.Row) (*matcher.Run, error) {
	var r matcher.Run
	var finished, pruned *time.Time
	var status string
	if err := row.Scan(&r.ID, &r.StartedAt, &finished, &status, &r.Note, &r.Graduates, &pruned); err != nil {
		return nil, err
	}
	r.FinishedAt, r.Status, r.PrunedAt = timeOf(finished), matcher.RunStatus(status), timeOf(pruned)
	return &r, nil
}

// CreateRun stores a new running run, with the partitions its lists go
// to (schema version 8), in one transaction.
func (s *Store) CreateRun(ctx context.Context, r *matcher.Run) error {
	store.PrepareRun(r, s.now())
	return s.tx(ctx, "create run", func(ctx context.Context, tx pgx.Tx, attempt int) error {
		tag, err := tx.Exec(ctx, `INSERT INTO runs (id, started_at, status, note) VALUES ($1, $2, $3, $4)
			ON CONFLICT (id) DO NOTHING`, r.ID, r.StartedAt, string(r.Status), r.Note)
		if err == nil && tag.RowsAffected() == 0 && attempt == 1 {
			return matcher.Errorf(matcher.ECONFLICT, "推荐批次已存在：%s", "run already exists: %s", r.ID)
		}
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `SELECT jm_run_partitions($1)`, r.ID)
		return err
	})
}

// lockRun reads a run inside tx, locking it: FOR SHARE lets several workers
// save chunks of one run at once while PublishRun (FOR UPDATE) waits for
// them.
func lockRun(ctx context.Context, tx pgx.Tx, id string, exclusive bool) (matcher.RunStatus, error) {
	q := `SELECT status FROM runs WHERE id = $1 FOR SHARE`
	if exclusive {
		q = `SELECT status FROM runs WHERE id = $1 FOR UPDATE`
	}
	var status string
	err := tx.QueryRow(ctx, q, id).Scan(&status)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", matcher.ErrNotFound("推荐批次", id)
	}
	return matcher.RunStatus(status), err
}

// RunGraduateIDs returns the graduates saved in a run, sorted.
func (s *Store) RunGraduateIDs(ctx context.Context, runID string) ([]string, error) {
	return s.RunGraduateIDsIn(ctx, runID, "", "")
}

// RunGraduateIDsIn returns the graduates saved in a run with IDs in
// [from, to) (to "" unbounded), sorted: a range of the run's primary key.
func (s *Store) RunGraduateIDsIn(ctx context.Context, runID, from, to string) ([]string, error) {
	var ids []string
	err := s.retry(ctx, "run graduates", func(ctx context.Context, _ int) error {
		ids = nil
		var one int
		if err := s.pool.QueryRow(ctx, `SELECT 1 FROM runs WHERE id = $1`, runID).Scan(&one); errors.Is(err, pgx.ErrNoRows) {
			return matcher.ErrNotFound("推荐批次", runID)
		} else if err != nil {
			return err
		}
		// The upper bound is in the query only when there is one, so that
		// it bounds the index scan.
		q, args := `SELECT graduate_id FROM recommendations WHERE run_id = $1 AND graduate_id >= $2 ORDER BY graduate_id`, []any{runID, from}
		if to != "" {
			q, args = `SELECT graduate_id FROM recommendations WHERE run_id = $1 AND graduate_id >= $2 AND graduate_id < $3 ORDER BY graduate_id`, append(args, to)
		}
		rows, err := s.pool.Query(ctx, q, args...)
		if err != nil {
			return err
		}
		ids, err = pgx.CollectRows(rows, pgx.RowTo[string])
		return err
	})
	return ids, err
}

// PublishRun marks the run published and points current_run at it, in one
// transaction: readers see the old run or the new one, never a mix.
func (s *Store) PublishRun(ctx context.Context, runID string) error {
	return s.tx(ctx, "publish run "+runID, func(ctx context.Context, tx pgx.Tx, _ int) error {
		status, err := lockRun(ctx, tx, runID, true)
		if err != nil {
			return err
		}
		if status == matcher.RunFailed {
			return matcher.Errorf(matcher.ECONFLICT, "推荐批次 %s 已失败，不能发布", "run %s failed and cannot be published", runID)
		}
		if err := notPruned(ctx, tx, runID); err != nil { // serving it again would serve no lists
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE runs SET status = 'published', finished_at = coalesce(finished_at, now()) WHERE id = $1`, runID); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO current_run (id, run_id) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET run_id = excluded.run_id`, runID)
		return err
	})
}

// FailRun marks a running run failed.
func (s *Store) FailRun(ctx context.Context, runID, note string) error {
	return s.tx(ctx, "fail run "+runID, func(ctx context.Context, tx pgx.Tx, attempt int) error {
		status, err := lockRun(ctx, tx, runID, true)
		if err != nil {
			return err
		}
		if status == matcher.RunFailed && attempt > 1 {
			return nil
		}
		if status != matcher.RunRunning {
			return matcher.Errorf(matcher.ECONFLICT, "推荐批次 %s 已%s", "run %s is %s", runID, status)
		}
		_, err = tx.Exec(ctx, `UPDATE runs SET status = 'failed', finished_at = now(), note = $2 WHERE id = $1`, runID, note)
		return err
	})
}

// Run returns a run by ID.
func (s *Store) Run(ctx context.Context, id string) (*matcher.Run, error) {
	var r *matcher.Run
	err := s.retry(ctx, "run", func(ctx context.Context, _ int) error {
		var err error
		r, err = scanRun(s.pool.QueryRow(ctx, `SELECT `+runColumns+` FROM runs r WHERE r.id = $1`, id))
		if errors.Is(err, pgx.ErrNoRows) {
			return matcher.ErrNotFound("推荐批次", id)
		}
		return err
	})
	return r, err
}

// LatestRun returns the current (published) run.
func (s *Store) LatestRun(ctx context.Context) (*matcher.Run, error) {
	var r *matcher.Run
	err := s.retry(ctx, "latest run", func(ctx context.Context, _ int) error {
		var err error
		r, err = scanRun(s.pool.QueryRow(ctx, `SELECT `+runColumns+` FROM current_run c JOIN runs r ON r.id = c.run_id`))
		if errors.Is(err, pgx.ErrNoRows) {
			return matcher.ErrNotFound("已发布的推荐批次", "")
		}
		return err
	})
	return r, err
}

// RecommendationsFor returns the graduate's list in the current run: one
// statement reads the pointer and the list, so one snapshot (the plan
// items, read after when the list has any, belong to that run, which is
// published and so no longer written).
func (s *Store) RecommendationsFor(ctx context.Context, graduateID string) (string, []matcher.StoredRecommendation, error) {
	return s.currentList(ctx, graduateID, true)
}

// DefaultListFor is RecommendationsFor without the plan items: one
// statement, no second query for the plan's box.
func (s *Store) DefaultListFor(ctx context.Context, graduateID string) (string, []matcher.StoredRecommendation, error) {
	return s.currentList(ctx, graduateID, false)
}

func (s *Store) currentList(ctx context.Context, graduateID string, withPlan bool) (string, []matcher.StoredRecommendation, error) {
	var runID string
	var items []matcher.StoredRecommendation
	err := s.retry(ctx, "recommendations", func(ctx context.Context, _ int) error {
		var raw, box []byte
		var found bool
		err := s.pool.QueryRow(ctx, `SELECT c.run_id, r.items, r.items_box, r.graduate_id IS NOT NULL FROM current_run c
			LEFT JOIN recommendations r ON r.run_id = c.run_id AND r.graduate_id = $1`, graduateID).Scan(&runID, &raw, &box, &found)
		if errors.Is(err, pgx.ErrNoRows) {
			return matcher.ErrNotFound("已发布的推荐批次", "")
		} else if err != nil {
			return err
		}
		items = nil
		if !found {
			return nil
		}
		row := listRow{run: runID, graduate: graduateID, items: raw, box: box}
		if !withPlan {
			items, err = s.openDefaultList(runID, row)
			return err
		}
		lists, err := s.openLists(ctx, s.pool, runID, []listRow{row})
		if err != nil {
			return err
		}
		items = lists[0]
		return nil
	})
	if err != nil {
		return "", nil, err
	}
	return runID, items, nil
}

func sortByRank(items []matcher.StoredRecommendation) {
	for i := 1; i < len(items); i++ {
		for j := i; j > 0 && items[j].Rank < items[j-1].Rank; j-- {
			items[j], items[j-1] = items[j-1], items[j]
		}
	}
}
