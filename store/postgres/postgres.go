package postgres

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store"
)

// pageSize is how many rows Each* reads per query. Callbacks run between
// queries, holding no connection, so they may use the store themselves and
// a long walk survives a server restart (each page is retried on its own).
const pageSize = 1000

// Store is the PostgreSQL store.
type Store struct {
	pool     *pgxpool.Pool
	seal     *sealer
	retryFor time.Duration
	retries  atomic.Int64
}

var _ matcher.FullStore = (*Store)(nil)

// Open connects to the database at url (postgres://… or key=value), checks
// that its schema is exactly the version this binary expects, and checks
// that key is the data key the database was written with. key is the
// 32-byte data key (see KeyFromEnv).
func Open(ctx context.Context, url string, key []byte) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	return OpenConfig(ctx, cfg, key)
}

// OpenConfig is Open with a parsed pool configuration (tests set the
// search_path through it).
func OpenConfig(ctx context.Context, cfg *pgxpool.Config, key []byte) (*Store, error) {
	s, err := connect(ctx, cfg, key)
	if err != nil {
		return nil, err
	}
	if err := s.ready(ctx); err != nil {
		s.pool.Close()
		return nil, err
	}
	return s, nil
}

// OpenAndMigrate connects, migrates the schema to this binary's version and
// opens the store: for tests, `jobmatch migrate` and the demo.
func OpenAndMigrate(ctx context.Context, cfg *pgxpool.Config, key []byte) (*Store, error) {
	s, err := connect(ctx, cfg, key)
	if err != nil {
		return nil, err
	}
	// Migrations are idempotent (each is one transaction, recorded with
	// its version), so a migration cut off by a restart is retried.
	if err := s.retry(ctx, "migrate", func(ctx context.Context, _ int) error { return Migrate(ctx, s.pool) }); err != nil {
		s.pool.Close()
		return nil, err
	}
	if err := s.ready(ctx); err != nil {
		s.pool.Close()
		return nil, err
	}
	return s, nil
}

func connect(ctx context.Context, cfg *pgxpool.Config, key []byte) (*Store, error) {
	seal, err := newSealer(key)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w (set %s)", err, DataKeyEnv)
	}
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = 5 * time.Second
	}
	// A dead connection is noticed when a query fails on it; pinging idle
	// ones first makes that rarer after a server restart.
	cfg.HealthCheckPeriod = 5 * time.Second
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	return &Store{pool: pool, seal: seal, retryFor: 30 * time.Second}, nil
}

// ready checks the schema version and the data key.
func (s *Store) ready(ctx context.Context) error {
	err := s.retry(ctx, "open", func(ctx context.Context, _ int) error {
		if err := checkVersion(ctx, s.pool); err != nil {
			return err
		}
		check := s.seal.mac("key-check", nil)
		var stored []byte
		err := s.pool.QueryRow(ctx, `INSERT INTO settings (key, value) VALUES ('data_key_check', $1)
			ON CONFLICT (key) DO UPDATE SET key = settings.key RETURNING value`, check).Scan(&stored)
		if err != nil {
			return err
		}
		if !bytes.Equal(stored, check) {
			return fmt.Errorf("%s is not the data key this database was written with: personal data would not decrypt", DataKeyEnv)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	return nil
}

// Close closes the pool.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// Pool exposes the pool, for `jobmatch migrate` and for health checks.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Ping checks that the database answers (for /readyz).
func (s *Store) Ping(ctx context.Context) error { return s.pool.Ping(ctx) }

// SetRetryFor changes how long operations retry across connection failures
// (30 s by default).
func (s *Store) SetRetryFor(d time.Duration) { s.retryFor = d }

// tx runs fn in a transaction, retried as a whole on connection errors.
func (s *Store) tx(ctx context.Context, what string, fn func(ctx context.Context, tx pgx.Tx, attempt int) error) error {
	err := s.retry(ctx, what, func(ctx context.Context, attempt int) error {
		return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error { return fn(ctx, tx, attempt) })
	})
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// rounds splits n records by key so that no round holds a key twice
// (INSERT … ON CONFLICT cannot touch a row twice in one statement): the
// k-th occurrence of a key goes to round k, which keeps the outcome of each
// record what it would be if they were written one by one.
func rounds(n int, key func(i int) string) [][]int {
	seen := make(map[string]int, n)
	var out [][]int
	for i := 0; i < n; i++ {
		k := seen[key(i)]
		seen[key(i)] = k + 1
		if k == len(out) {
			out = append(out, nil)
		}
		out[k] = append(out[k], i)
	}
	return out
}

// applyReturned turns the rows an upsert returned (id, inserted) into
// outcomes: a row not returned was unchanged.
func applyReturned(rows pgx.Rows, idx []int, ids []string, out []matcher.UpsertOutcome) error {
	pos := make(map[string]int, len(idx))
	for _, i := range idx {
		pos[ids[i]] = i
		out[i] = matcher.Unchanged
	}
	for rows.Next() {
		var id string
		var inserted bool
		if err := rows.Scan(&id, &inserted); err != nil {
			return err
		}
		if inserted {
			out[pos[id]] = matcher.Inserted
		} else {
			out[pos[id]] = matcher.Updated
		}
	}
	return rows.Err()
}

// ---- posts ----

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
		doc, err := json.Marshal(&p)
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

func upsertPosts(ctx context.Context, tx pgx.Tx, rows []postRow) ([]matcher.UpsertOutcome, error) {
	out := make([]matcher.UpsertOutcome, len(rows))
	if len(rows) == 0 {
		return out, nil
	}
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.id
	}
	// Lock the change counter first: post-writing transactions serialize
	// here, so sequence numbers commit in order.
	var base int64
	if err := tx.QueryRow(ctx, `SELECT seq FROM post_seq WHERE id = 1 FOR UPDATE`).Scan(&base); err != nil {
		return nil, err
	}
	if _, err := tx.Exec(ctx, `CREATE TEMP TABLE jm_tmp_posts (
		ord int, id text COLLATE "C", source text COLLATE "C", external_id text COLLATE "C",
		kind text, channel text, district text COLLATE "C", status text, doc jsonb) ON COMMIT DROP`); err != nil {
		return nil, err
	}
	var changed []string
	for _, idx := range rounds(len(rows), func(i int) string { return ids[i] }) {
		if _, err := tx.Exec(ctx, `TRUNCATE jm_tmp_posts`); err != nil {
			return nil, err
		}
		_, err := tx.CopyFrom(ctx, pgx.Identifier{"jm_tmp_posts"},
			[]string{"ord", "id", "source", "external_id", "kind", "channel", "district", "status", "doc"},
			pgx.CopyFromSlice(len(idx), func(j int) ([]any, error) {
				r := rows[idx[j]]
				return []any{int32(j), r.id, r.source, r.externalID, r.kind, r.channel, r.district, r.status, r.doc}, nil
			}))
		if err != nil {
			return nil, err
		}
		res, err := tx.Query(ctx, `INSERT INTO posts AS p (id, source, external_id, kind, channel, district, status, doc, seq, updated_at)
			SELECT id, source, external_id, kind, channel, district, status, doc, $1::bigint + ord + 1, now()
			FROM jm_tmp_posts ORDER BY ord
			ON CONFLICT (source, external_id) DO UPDATE SET
				kind = excluded.kind, channel = excluded.channel, district = excluded.district,
				status = excluded.status, doc = excluded.doc, seq = excluded.seq, updated_at = excluded.updated_at
			WHERE p.doc IS DISTINCT FROM excluded.doc
			RETURNING p.id, (p.xmax = 0)`, base)
		if err != nil {
			return nil, err
		}
		if err := applyReturned(res, idx, ids, out); err != nil {
			return nil, err
		}
		for _, i := range idx {
			if out[i] != matcher.Unchanged {
				changed = append(changed, ids[i])
			}
		}
		base += int64(len(idx))
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
	if err := json.Unmarshal(doc, &p); err != nil {
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

// ---- courses ----

type courseRow struct {
	id, source, externalID string
	doc                    []byte
}

func prepareCourses(courses []matcher.Course) ([]courseRow, error) {
	rows := make([]courseRow, len(courses))
	for i := range courses {
		c := courses[i]
		if err := store.PrepareCourse(&c); err != nil {
			return nil, err
		}
		c.UpdatedAt = time.Time{}
		doc, err := json.Marshal(&c)
		if err != nil {
			return nil, fmt.Errorf("course %s: %w", c.ID, err)
		}
		rows[i] = courseRow{c.ID, c.Source, c.ExternalID, doc}
	}
	return rows, nil
}

// UpsertCourses writes courses in one transaction (COPY, then upsert).
func (s *Store) UpsertCourses(ctx context.Context, courses []matcher.Course) ([]matcher.UpsertOutcome, error) {
	rows, err := prepareCourses(courses)
	if err != nil {
		return nil, err
	}
	return writeTx(ctx, s, "upsert courses", rows, upsertCourses)
}

func upsertCourses(ctx context.Context, tx pgx.Tx, rows []courseRow) ([]matcher.UpsertOutcome, error) {
	out := make([]matcher.UpsertOutcome, len(rows))
	if len(rows) == 0 {
		return out, nil
	}
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.id
	}
	if _, err := tx.Exec(ctx, `CREATE TEMP TABLE jm_tmp_courses (
		id text COLLATE "C", source text COLLATE "C", external_id text COLLATE "C", doc jsonb) ON COMMIT DROP`); err != nil {
		return nil, err
	}
	for _, idx := range rounds(len(rows), func(i int) string { return ids[i] }) {
		if _, err := tx.Exec(ctx, `TRUNCATE jm_tmp_courses`); err != nil {
			return nil, err
		}
		_, err := tx.CopyFrom(ctx, pgx.Identifier{"jm_tmp_courses"}, []string{"id", "source", "external_id", "doc"},
			pgx.CopyFromSlice(len(idx), func(j int) ([]any, error) {
				r := rows[idx[j]]
				return []any{r.id, r.source, r.externalID, r.doc}, nil
			}))
		if err != nil {
			return nil, err
		}
		res, err := tx.Query(ctx, `INSERT INTO courses AS c (id, source, external_id, doc, updated_at)
			SELECT id, source, external_id, doc, now() FROM jm_tmp_courses
			ON CONFLICT (source, external_id) DO UPDATE SET doc = excluded.doc, updated_at = excluded.updated_at
			WHERE c.doc IS DISTINCT FROM excluded.doc
			RETURNING c.id, (c.xmax = 0)`)
		if err != nil {
			return nil, err
		}
		if err := applyReturned(res, idx, ids, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func scanCourse(doc []byte, updated time.Time) (*matcher.Course, error) {
	var c matcher.Course
	if err := json.Unmarshal(doc, &c); err != nil {
		return nil, err
	}
	c.UpdatedAt = updated
	return &c, nil
}

// Course returns one course; ENOTFOUND when missing.
func (s *Store) Course(ctx context.Context, id string) (*matcher.Course, error) {
	return getDoc(ctx, s, "课程", "course", `SELECT doc, updated_at FROM courses WHERE id = $1`, id,
		func(c *matcher.Course, t time.Time) { c.UpdatedAt = t })
}

// EachCourse walks every course in ID order.
func (s *Store) EachCourse(ctx context.Context, fn func(*matcher.Course) error) error {
	return eachPage(ctx, s, "each course", docRow(scanCourse), func(c *matcher.Course) string { return c.ID },
		func(*matcher.Course) bool { return true }, fn,
		`SELECT doc, updated_at FROM courses WHERE id > $1 ORDER BY id LIMIT $2`,
		func(after string) []any { return []any{after, pageSize} })
}
