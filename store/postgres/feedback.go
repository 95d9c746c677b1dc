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
// source is kept once. The post is sealed (store.FeedbackPostAAD): beside
// the graduate's ID it can say the graduate is in hardship.
func (s *Store) RecordFeedback(ctx context.Context, e matcher.FeedbackEvent) error {
	if err := store.PrepareFeedback(&e, s.now()); err != nil {
		return err
	}
	return s.retry(ctx, "record feedback", func(ctx context.Context, _ int) error {
		_, err := s.pool.Exec(ctx, `INSERT INTO feedback (id, graduate_id, post_id, type, at, source, post_box)
			VALUES ($1, $2, '', $3, $4, $5, $6) ON CONFLICT (source, id) DO NOTHING`,
			e.ID, e.GraduateID, string(e.Type), e.At, e.Source, s.keys.Seal([]byte(e.PostID), store.FeedbackPostAAD(e.Source, e.ID)))
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
			var box []byte
			if err := rows.Scan(&e.ID, &e.GraduateID, &e.PostID, &typ, &e.At, &e.Source, &box); err != nil {
				return e, err
			}
			e.Type = matcher.FeedbackType(typ)
			return e, s.openFeedbackPost(&e, box)
		}, `SELECT id, graduate_id, post_id, type, at, source, post_box FROM feedback
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

// openFeedbackPost fills in e.PostID from its box (nil: an event written
// before posts were sealed, its post still in post_id).
func (s *Store) openFeedbackPost(e *matcher.FeedbackEvent, box []byte) error {
	if box == nil {
		return nil
	}
	post, err := s.keys.Open(box, store.FeedbackPostAAD(e.Source, e.ID))
	if err != nil {
		return fmt.Errorf("feedback %s %s: post: %w", e.Source, e.ID, err)
	}
	e.PostID = string(post)
	return nil
}
