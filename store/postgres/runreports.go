package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"slices"

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
	return s.runListPages(ctx, listPage, runID, listPageSize, func(stored []listRow) error {
		return s.eachOpened(ctx, runID, stored, fn)
	})
}

// eachOpened opens stored lists of a run with their plan items and calls
// fn with each.
func (s *Store) eachOpened(ctx context.Context, runID string, stored []listRow, fn func(matcher.GraduateRecommendations) error) error {
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
}

// listPage reads the stored lists of a run's graduates after the graduate
// ID $2, at most $3 of them, in graduate ID order (the boxes unopened).
const listPage = `SELECT graduate_id, items, items_box, NULL::bytea FROM recommendations
	WHERE run_id = $1 AND graduate_id > $2 ORDER BY graduate_id LIMIT $3`

// digestPage is listPage for the nightly diff: each list's digest, and its
// box only when the digest is absent or under another key ($4, the current
// key's prefix). A digest is a few bytes in the row; the box, out of line
// in TOAST, is not read for a list that has one.
const digestPage = `SELECT graduate_id,
	CASE WHEN substring(posts_digest FROM 1 FOR 5) = $4 THEN NULL ELSE items END,
	CASE WHEN substring(posts_digest FROM 1 FOR 5) = $4 THEN NULL ELSE items_box END,
	posts_digest
	FROM recommendations WHERE run_id = $1 AND graduate_id > $2 ORDER BY graduate_id LIMIT $3`

// runListPage reads a page of a run's lists with query (listPage or
// digestPage).
func (s *Store) runListPage(ctx context.Context, query, runID, after string, page int) ([]listRow, error) {
	args := []any{runID, after, page}
	if query == digestPage {
		args = append(args, s.keys.Prefix())
	}
	rows, err := s.pool.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (listRow, error) {
		r := listRow{run: runID}
		err := row.Scan(&r.graduate, &r.items, &r.box, &r.digest)
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

// EachRunListDigest calls fn with every graduate's list in a run, in
// graduate ID order: the list's digest when it is under the current key,
// its posts (the box read and opened) otherwise.
func (s *Store) EachRunListDigest(ctx context.Context, runID string, fn func(graduateID string, digest []byte, posts []string) error) error {
	if s.keys == nil {
		return store.ErrNoDataKey
	}
	return s.eachListDigest(ctx, digestPage, runID, fn)
}

// ListDigest is store.ListDigest under the store's key.
func (s *Store) ListDigest(graduateID string, posts []string) []byte {
	return store.ListDigest(s.keys, graduateID, posts)
}

func (s *Store) eachListDigest(ctx context.Context, query, runID string, fn func(graduateID string, digest []byte, posts []string) error) error {
	release, err := s.readRun(ctx, runID) // a prune keeps the run meanwhile
	if err != nil {
		return err
	}
	defer release()
	return s.runListPages(ctx, query, runID, listPageSize, func(stored []listRow) error {
		return s.digestsOf(stored, fn)
	})
}

// digestsOf calls fn with each stored list's digest when it is under the
// current key, its posts (the box opened) otherwise.
func (s *Store) digestsOf(stored []listRow, fn func(graduateID string, digest []byte, posts []string) error) error {
	for _, r := range stored {
		if store.ListDigestCurrent(s.keys, r.digest) {
			if err := fn(r.graduate, r.digest, nil); err != nil {
				return err
			}
			continue
		}
		posts, err := r.posts(s)
		if err != nil {
			return err
		}
		if err := fn(r.graduate, nil, posts); err != nil {
			return err
		}
	}
	return nil
}

// posts opens a stored list's default box for its posts (store.ListPosts).
func (r *listRow) posts(s *Store) ([]string, error) {
	box := r.box
	if box == nil {
		box = r.items
	}
	return store.ListPosts(s.keys, r.run, r.graduate, box)
}

// RunListPosts calls fn with the posts of the default lists of the given
// graduates in a run that have one, in graduate ID order, reading
// listPageSize of them per query.
func (s *Store) RunListPosts(ctx context.Context, runID string, graduateIDs []string, fn func(graduateID string, posts []string) error) error {
	return s.listsByID(ctx, idListPage, runID, graduateIDs, func(page []listRow) error {
		for _, r := range page {
			posts, err := r.posts(s)
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

// RunListDigests is EachRunListDigest for the given graduates only: a
// shard of a sharded run compares its own graduates' lists with the
// previous run's without reading the others' digests.
func (s *Store) RunListDigests(ctx context.Context, runID string, graduateIDs []string, fn func(graduateID string, digest []byte, posts []string) error) error {
	if s.keys == nil {
		return store.ErrNoDataKey
	}
	return s.listsByID(ctx, idDigestPage, runID, graduateIDs, func(page []listRow) error {
		return s.digestsOf(page, fn)
	})
}

// RunListsOf is EachRunList for the given graduates only (a shard
// resumed after a crash counts the lists its earlier attempt saved).
func (s *Store) RunListsOf(ctx context.Context, runID string, graduateIDs []string, fn func(matcher.GraduateRecommendations) error) error {
	return s.listsByID(ctx, idListPage, runID, graduateIDs, func(page []listRow) error {
		return s.eachOpened(ctx, runID, page, fn)
	})
}

// idListPage and idDigestPage are listPage and digestPage for the
// graduates in $2 instead of a page after a graduate ID.
const (
	idListPage = `SELECT graduate_id, items, items_box, NULL::bytea FROM recommendations
	WHERE run_id = $1 AND graduate_id = ANY($2) ORDER BY graduate_id`
	idDigestPage = `SELECT graduate_id,
	CASE WHEN substring(posts_digest FROM 1 FOR 5) = $3 THEN NULL ELSE items END,
	CASE WHEN substring(posts_digest FROM 1 FOR 5) = $3 THEN NULL ELSE items_box END,
	posts_digest
	FROM recommendations WHERE run_id = $1 AND graduate_id = ANY($2) ORDER BY graduate_id`
)

// listsByID calls fn with the stored lists of the given graduates in a
// run (those that have one) as query reads them (idListPage,
// idDigestPage), listPageSize graduates per query, in graduate ID order,
// holding the run against a prune meanwhile.
func (s *Store) listsByID(ctx context.Context, query, runID string, graduateIDs []string, fn func([]listRow) error) error {
	release, err := s.readRun(ctx, runID)
	if err != nil {
		return err
	}
	defer release()
	ids := slices.Clone(graduateIDs)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	for len(ids) > 0 {
		n := min(len(ids), listPageSize)
		args := []any{runID, ids[:n]}
		if query == idDigestPage {
			args = append(args, s.keys.Prefix())
		}
		var page []listRow
		err := s.retry(ctx, "lists of run "+runID, func(ctx context.Context, _ int) error {
			rows, err := s.pool.Query(ctx, query, args...)
			if err != nil {
				return err
			}
			page, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (listRow, error) {
				r := listRow{run: runID}
				err := row.Scan(&r.graduate, &r.items, &r.box, &r.digest)
				return r, err
			})
			return err
		})
		if err != nil {
			return err
		}
		if err := fn(page); err != nil {
			return err
		}
		ids = ids[n:]
	}
	return nil
}
