package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store"
)

type postRow struct {
	id, source, externalID, kind, channel, district, status string
	doc                                                     []byte
}

func preparePosts(posts []matcher.Post) ([]postRow, error) {
	rows := make([]postRow, len(posts))
	for i := range posts {
		p := posts[i]
		if err := store.PreparePost(&p); err != nil {
			return nil, err
		}
		p.UpdatedAt = time.Time{}
		doc, err := store.MarshalPost(&p)
		if err != nil {
			return nil, fmt.Errorf("post %s: %w", p.ID, err)
		}
		rows[i] = postRow{p.ID, p.Source, p.ExternalID, string(p.Kind), string(p.Channel), p.District, string(p.Status), doc}
	}
	return rows, nil
}

// UpsertPosts writes posts in one transaction: COPY into a temporary table,
// then INSERT … ON CONFLICT (source, external_id) DO UPDATE only where the
// record differs. Changed posts take change-feed sequence numbers.
func (s *Store) UpsertPosts(ctx context.Context, posts []matcher.Post) ([]matcher.UpsertOutcome, error) {
	rows, err := preparePosts(posts)
	if err != nil {
		return nil, err
	}
	return writeTx(ctx, s, "upsert posts", rows, upsertPosts)
}

func upsertPosts(ctx context.Context, tx pgx.Tx, rows []postRow, at *time.Time) ([]matcher.UpsertOutcome, error) {
	if len(rows) == 0 {
		return []matcher.UpsertOutcome{}, nil
	}
	// Lock the change counter first: post-writing transactions serialize
	// here, so sequence numbers commit in order.
	var base int64
	if err := tx.QueryRow(ctx, `SELECT seq FROM post_seq WHERE id = 1 FOR UPDATE`).Scan(&base); err != nil {
		return nil, err
	}
	u := copyUpsert[postRow]{
		temp: "jm_tmp_posts",
		columns: `ord int, id text COLLATE "C", source text COLLATE "C", external_id text COLLATE "C",
			kind text, channel text, district text COLLATE "C", status text, doc jsonb`,
		names: []string{"ord", "id", "source", "external_id", "kind", "channel", "district", "status", "doc"},
		values: func(ord int, r *postRow) []any {
			return []any{int32(ord), r.id, r.source, r.externalID, r.kind, r.channel, r.district, r.status, r.doc}
		},
		id: func(r *postRow) string { return r.id },
		// Each round's rows take the sequence numbers after base, in order.
		insert: `INSERT INTO posts AS p (id, source, external_id, kind, channel, district, status, doc, seq, updated_at)
			SELECT id, source, external_id, kind, channel, district, status, doc, $2::bigint + ord + 1, coalesce($1::timestamptz, now())
			FROM jm_tmp_posts ORDER BY ord
			ON CONFLICT (source, external_id) DO UPDATE SET
				kind = excluded.kind, channel = excluded.channel, district = excluded.district,
				status = excluded.status, doc = excluded.doc, seq = excluded.seq, updated_at = excluded.updated_at
			WHERE p.doc IS DISTINCT FROM excluded.doc
			RETURNING p.id, (p.xmax = 0)`,
		args: func(n int) []any {
			a := []any{base}
			base += int64(n)
			return a
		},
	}
	out, err := u.run(ctx, tx, rows, at)
	if err != nil {
		return nil, err
	}
	var changed []string
	for i, o := range out {
		if o != matcher.Unchanged {
			changed = append(changed, rows[i].id)
		}
	}
	if len(changed) > 0 {
		if _, err := tx.Exec(ctx, `UPDATE post_seq SET seq = $1 WHERE id = 1`, base); err != nil {
			return nil, err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM post_tombstones WHERE id = ANY($1)`, changed); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func scanPost(doc []byte, updated time.Time) (*matcher.Post, error) {
	var p matcher.Post
	if err := store.UnmarshalPost(doc, &p); err != nil {
		return nil, err
	}
	p.UpdatedAt = updated
	return &p, nil
}

// Post returns one post; ENOTFOUND when missing.
func (s *Store) Post(ctx context.Context, id string) (*matcher.Post, error) {
	return getDoc(ctx, s, "岗位", "post", `SELECT doc, updated_at FROM posts WHERE id = $1`, id,
		func(p *matcher.Post, t time.Time) { p.UpdatedAt = t })
}

// getDoc reads the JSON document of one record by ID, with query one of the
// constant statements above ("SELECT doc, updated_at FROM <table> WHERE id
// = $1"): what names the record in errors, op in retries' logs.
func getDoc[T any](ctx context.Context, s *Store, what, op, query, id string, stamp func(*T, time.Time)) (*T, error) {
	if !store.ValidID(id) {
		return nil, matcher.ErrNotFound(what, id)
	}
	var out *T
	err := s.retry(ctx, op, func(ctx context.Context, _ int) error {
		var doc []byte
		var updated time.Time
		err := s.pool.QueryRow(ctx, query, id).Scan(&doc, &updated)
		if errors.Is(err, pgx.ErrNoRows) {
			return matcher.ErrNotFound(what, id)
		} else if err != nil {
			return err
		}
		var v T
		if err := json.Unmarshal(doc, &v); err != nil {
			return err
		}
		stamp(&v, updated)
		out = &v
		return nil
	})
	return out, err
}

// EachPost walks the posts the filter selects in ID order, a page per query.
// Source, channel, kind, district, status and IDs narrow the query; OpenAt
// is applied by store.MatchPost, the same code as the embedded store.
func (s *Store) EachPost(ctx context.Context, f matcher.PostFilter, fn func(*matcher.Post) error) error {
	var ids []string
	if len(f.IDs) > 0 {
		ids = f.IDs
	}
	return eachPage(ctx, s, "each post", docRow(scanPost), func(p *matcher.Post) string { return p.ID },
		func(p *matcher.Post) bool { return store.MatchPost(&f, p) }, fn,
		`SELECT doc, updated_at FROM posts
			WHERE id > $1
			  AND ($2 = '' OR source = $2) AND ($3 = '' OR channel = $3) AND ($4 = '' OR kind = $4)
			  AND ($5 = '' OR district = $5) AND ($6 = '' OR status = $6)
			  AND ($7::text[] IS NULL OR id = ANY($7))
			ORDER BY id LIMIT $8`,
		func(after string) []any {
			return []any{after, f.Source, string(f.Channel), string(f.Kind), f.District, string(f.Status), ids, pageSize}
		})
}

// DeletePost removes a post and records a tombstone in the change feed.
func (s *Store) DeletePost(ctx context.Context, id string) error {
	if !store.ValidID(id) {
		return matcher.ErrNotFound("岗位", id)
	}
	return s.tx(ctx, "delete post", func(ctx context.Context, tx pgx.Tx, attempt int) error {
		var seq int64
		if err := tx.QueryRow(ctx, `UPDATE post_seq SET seq = seq + 1 WHERE id = 1 RETURNING seq`).Scan(&seq); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `DELETE FROM posts WHERE id = $1`, id)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			if attempt > 1 {
				return nil // an earlier attempt deleted it and lost the reply
			}
			return matcher.ErrNotFound("岗位", id)
		}
		_, err = tx.Exec(ctx, `INSERT INTO post_tombstones (id, seq) VALUES ($1, $2)
			ON CONFLICT (id) DO UPDATE SET seq = excluded.seq`, id, seq)
		return err
	})
}

// PostSeq returns the latest change sequence.
func (s *Store) PostSeq(ctx context.Context) (int64, error) {
	var n int64
	err := s.retry(ctx, "post seq", func(ctx context.Context, _ int) error {
		return s.pool.QueryRow(ctx, `SELECT seq FROM post_seq WHERE id = 1`).Scan(&n)
	})
	return n, err
}

// PostChanges returns the changes after afterSeq in sequence order: one
// statement, so one snapshot.
func (s *Store) PostChanges(ctx context.Context, afterSeq int64, limit int) ([]matcher.Post, []string, int64, error) {
	if limit <= 0 || limit > 10000 {
		limit = 1000
	}
	var posts []matcher.Post
	var deleted []string
	last := afterSeq
	err := s.retry(ctx, "post changes", func(ctx context.Context, _ int) error {
		posts, deleted, last = nil, nil, afterSeq
		rows, err := s.pool.Query(ctx, `SELECT seq, id, doc, updated_at FROM (
				SELECT seq, id, doc, updated_at FROM posts WHERE seq > $1
				UNION ALL
				SELECT seq, id, NULL, NULL FROM post_tombstones WHERE seq > $1
			) c ORDER BY seq LIMIT $2`, afterSeq, limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var seq int64
			var id string
			var doc []byte
			var updated *time.Time
			if err := rows.Scan(&seq, &id, &doc, &updated); err != nil {
				return err
			}
			if doc == nil {
				deleted = append(deleted, id)
			} else {
				p, err := scanPost(doc, *updated)
				if err != nil {
					return err
				}
				posts = append(posts, *p)
			}
			last = seq
		}
		return rows.Err()
	})
	if err != nil {
		return nil, nil, afterSeq, fmt.Errorf("post changes: %w", err)
	}
	return posts, deleted, last, nil
}
