package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// queryAll runs a read-only query (retried as a whole, so a retry never
// returns a half-read result twice) and scans every row. It returns nil,
// not an empty slice, when no row matches, as the hand-written loops it
// replaced did.
func queryAll[T any](ctx context.Context, s *Store, what string, scan func(pgx.Rows) (T, error), sql string, args ...any) ([]T, error) {
	var out []T
	err := s.retry(ctx, what, func(ctx context.Context, _ int) error {
		out = nil
		rows, err := s.pool.Query(ctx, sql, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			v, err := scan(rows)
			if err != nil {
				return err
			}
			out = append(out, v)
		}
		return rows.Err()
	})
	return out, err
}

// eachPage walks a table in ID order, a page of pageSize rows per query:
// sql must select rows with id > $1 ORDER BY id LIMIT pageSize, and args
// gives its parameters for the page after the given ID. fn sees the rows
// keep selects; it runs between queries, never while one is open, so it
// may itself use the store.
func eachPage[T any](ctx context.Context, s *Store, what string, scan func(pgx.Rows) (T, error), id func(T) string,
	keep func(T) bool, fn func(T) error, sql string, args func(after string) []any) error {
	after := ""
	for {
		page, err := queryAll(ctx, s, what, scan, sql, args(after)...)
		if err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		for _, v := range page {
			if keep(v) {
				if err := fn(v); err != nil {
					return err
				}
			}
		}
		if len(page) < pageSize {
			return nil
		}
		after = id(page[len(page)-1])
	}
}

// docRow scans a (doc, updated_at) row with decode.
func docRow[T any](decode func(doc []byte, updated time.Time) (T, error)) func(pgx.Rows) (T, error) {
	return func(rows pgx.Rows) (T, error) {
		var doc []byte
		var updated time.Time
		if err := rows.Scan(&doc, &updated); err != nil {
			var zero T
			return zero, err
		}
		return decode(doc, updated)
	}
}

// writeTx writes prepared rows with write in one transaction, retried as a
// whole (UpsertPosts, UpsertCourses, UpsertGraduates).
func writeTx[R any](ctx context.Context, s *Store, what string, rows []R,
	write func(context.Context, pgx.Tx, []R, *time.Time) ([]matcher.UpsertOutcome, error)) ([]matcher.UpsertOutcome, error) {
	var out []matcher.UpsertOutcome
	err := s.tx(ctx, what, func(ctx context.Context, tx pgx.Tx, _ int) error {
		var err error
		out, err = write(ctx, tx, rows, s.stamp())
		return err
	})
	return out, err
}

// nullTime maps the zero time to NULL.
func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func timeOf(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}
