package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store"
)

// RecordFeedback stores a feedback event; the same ID twice from the same
// source is kept once.
func (s *Store) RecordFeedback(ctx context.Context, e matcher.FeedbackEvent) error {
	if err := store.PrepareFeedback(&e, s.now()); err != nil {
		return err
	}
	return s.retry(ctx, "record feedback", func(ctx context.Context, _ int) error {
		_, err := s.pool.Exec(ctx, `INSERT INTO feedback (id, graduate_id, post_id, type, at, source)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (source, id) DO NOTHING`,
			e.ID, e.GraduateID, e.PostID, string(e.Type), e.At, e.Source)
		return err
	})
}

// EachFeedback walks every event at or after since, oldest first.
func (s *Store) EachFeedback(ctx context.Context, since time.Time, fn func(matcher.FeedbackEvent) error) error {
	afterAt, afterSrc, afterID := since, "", ""
	first := true
	for {
		page, err := queryAll(ctx, s, "each feedback", func(rows pgx.Rows) (matcher.FeedbackEvent, error) {
			var e matcher.FeedbackEvent
			var typ string
			err := rows.Scan(&e.ID, &e.GraduateID, &e.PostID, &typ, &e.At, &e.Source)
			e.Type = matcher.FeedbackType(typ)
			return e, err
		}, `SELECT id, graduate_id, post_id, type, at, source FROM feedback
			WHERE ($1 AND at >= $2) OR (NOT $1 AND (at, source, id) > ($2, $3, $4))
			ORDER BY at, source, id LIMIT $5`, first, afterAt, afterSrc, afterID, pageSize)
		if err != nil {
			return fmt.Errorf("each feedback: %w", err)
		}
		for _, e := range page {
			if err := fn(e); err != nil {
				return err
			}
		}
		if len(page) < pageSize {
			return nil
		}
		last := page[len(page)-1]
		afterAt, afterSrc, afterID, first = last.At, last.Source, last.ID, false
	}
}
