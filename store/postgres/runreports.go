package postgres

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store"
)

// Runs returns up to limit runs, the most recently started first.
func (s *Store) Runs(ctx context.Context, limit int) ([]matcher.Run, error) {
	var runs []matcher.Run
	err := s.retry(ctx, "list runs", func(ctx context.Context, _ int) error {
		q := `SELECT ` + runColumns + ` FROM runs r ORDER BY r.started_at DESC, r.id DESC`
		args := []any{}
		if limit > 0 {
			q += ` LIMIT $1`
			args = append(args, limit)
		}
		rows, err := s.pool.Query(ctx, q, args...)
		if err != nil {
			return err
		}
		runs, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (matcher.Run, error) {
			r, err := scanRun(row)
			if err != nil {
				return matcher.Run{}, err
			}
			return *r, nil
		})
		return err
	})
	return runs, err
}

// EachRunList calls fn with every graduate's list in a run, in graduate ID
// order, reading a page of lists per query (runListPages: fn may use the
// store, on another of the pool's connections).
func (s *Store) EachRunList(ctx context.Context, runID string, fn func(matcher.GraduateRecommendations) error) error {
	release, err := s.readRun(ctx, runID) // a prune keeps the run meanwhile
	if err != nil {
		return err
	}
	defer release()
	return s.runListPages(ctx, runID, listPageSize, func(stored []listRow) error {
		var items [][]matcher.StoredRecommendation
		err := s.retry(ctx, "plan items of run "+runID, func(ctx context.Context, _ int) error {
			var err error
			items, err = s.openLists(ctx, s.pool, runID, stored)
			return err
		})
		if err != nil {
			return err
		}
		for i, r := range stored {
			if err := fn(matcher.GraduateRecommendations{GraduateID: r.graduate, Items: items[i]}); err != nil {
				return err
			}
		}
		return nil
	})
}

// runListPage reads the stored lists of a run's graduates after the
// graduate ID after, at most page of them, in graduate ID order (the
// boxes unopened).
func (s *Store) runListPage(ctx context.Context, runID, after string, page int) ([]listRow, error) {
	rows, err := s.pool.Query(ctx, `SELECT graduate_id, items, items_box FROM recommendations
		WHERE run_id = $1 AND graduate_id > $2 ORDER BY graduate_id LIMIT $3`, runID, after, page)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (listRow, error) {
		r := listRow{run: runID}
		err := row.Scan(&r.graduate, &r.items, &r.box)
		return r, err
	})
}

// SaveRunReport stores a run's report.
func (s *Store) SaveRunReport(ctx context.Context, rep *matcher.RunReport) error {
	body, err := json.Marshal(rep)
	if err != nil {
		return err
	}
	return s.retry(ctx, "save report of run "+rep.RunID, func(ctx context.Context, _ int) error {
		tag, err := s.pool.Exec(ctx, `UPDATE runs SET report = $2 WHERE id = $1`, rep.RunID, body)
		if err == nil && tag.RowsAffected() == 0 {
			return matcher.ErrNotFound("推荐批次", rep.RunID)
		}
		return err
	})
}

// RunReport returns a run's report.
func (s *Store) RunReport(ctx context.Context, runID string) (*matcher.RunReport, error) {
	var rep *matcher.RunReport
	err := s.retry(ctx, "report of run "+runID, func(ctx context.Context, _ int) error {
		var raw []byte
		err := s.pool.QueryRow(ctx, `SELECT report FROM runs WHERE id = $1`, runID).Scan(&raw)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			return matcher.ErrNotFound("推荐批次", runID)
		case err != nil:
			return err
		case raw == nil:
			return matcher.ErrNotFound("推荐批次报告", runID)
		}
		rep = new(matcher.RunReport)
		return json.Unmarshal(raw, rep)
	})
	return rep, err
}

// EachRunListPosts calls fn with the posts of every graduate's default
// list in a run (store.ListPosts: jobs and internships, in rank order, not
// the plan's items), in graduate ID order: EachRunList without reading the
// plans or decoding the items' explanations, for the nightly batch's diff.
func (s *Store) EachRunListPosts(ctx context.Context, runID string, fn func(graduateID string, posts []string) error) error {
	release, err := s.readRun(ctx, runID) // a prune keeps the run meanwhile
	if err != nil {
		return err
	}
	defer release()
	return s.runListPages(ctx, runID, listPageSize, func(stored []listRow) error {
		for _, r := range stored {
			box := r.box
			if box == nil {
				box = r.items
			}
			posts, err := store.ListPosts(s.keys, runID, r.graduate, box)
			if err != nil {
				return err
			}
			if err := fn(r.graduate, posts); err != nil {
				return err
			}
		}
		return nil
	})
}
