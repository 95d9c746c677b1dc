package postgres

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store"
)

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

// ---- imports ----

const jobColumns = `id, entity, files, fingerprint, last_row, accepted, updated, unchanged, duplicate, rejected, started_at, finished_at, elapsed_ns`

func scanJob(row pgx.Row) (*matcher.ImportJob, *time.Duration, error) {
	var j matcher.ImportJob
	var files []byte
	var finished *time.Time
	var elapsed *int64
	if err := row.Scan(&j.ID, &j.Entity, &files, &j.Fingerprint, &j.LastRow, &j.Accepted, &j.Updated, &j.Unchanged,
		&j.Duplicate, &j.Rejected, &j.StartedAt, &finished, &elapsed); err != nil {
		return nil, nil, err
	}
	if err := json.Unmarshal(files, &j.Files); err != nil {
		return nil, nil, err
	}
	j.FinishedAt = timeOf(finished)
	if elapsed != nil {
		d := time.Duration(*elapsed)
		return &j, &d, nil
	}
	return &j, nil, nil
}

func insertRowErrors(ctx context.Context, tx pgx.Tx, jobID string, errs []matcher.RowError) error {
	if len(errs) == 0 {
		return nil
	}
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"import_errors"}, []string{"job_id", "err"},
		pgx.CopyFromSlice(len(errs), func(i int) ([]any, error) {
			b, err := json.Marshal(errs[i])
			return []any{jobID, b}, err
		}))
	return err
}

// SaveImport stores an import report (ID filled in when empty), as a
// finished import job with its row errors.
func (s *Store) SaveImport(ctx context.Context, r *matcher.ImportReport) error {
	if r.ID == "" {
		r.ID = store.NewID()
	}
	files, err := json.Marshal(r.Files)
	if err != nil {
		return err
	}
	finished := r.FinishedAt
	if finished.IsZero() {
		finished = time.Now()
	}
	return s.tx(ctx, "save import", func(ctx context.Context, tx pgx.Tx, _ int) error {
		// Saving the same report again replaces it (and keeps retries harmless).
		if _, err := tx.Exec(ctx, `DELETE FROM import_jobs WHERE id = $1`, r.ID); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO import_jobs (`+jobColumns+`)
			VALUES ($1, $2, $3, '', 0, $4, $5, $6, $7, $8, $9, $10, $11)`,
			r.ID, r.Entity, files, r.Accepted, r.Updated, r.Unchanged, r.Duplicate, r.Rejected, r.StartedAt, finished, int64(r.Elapsed))
		if err != nil {
			return err
		}
		return insertRowErrors(ctx, tx, r.ID, r.Errors)
	})
}

// Import returns a saved or finished import's report.
func (s *Store) Import(ctx context.Context, id string) (*matcher.ImportReport, error) {
	var r *matcher.ImportReport
	err := s.retry(ctx, "import", func(ctx context.Context, _ int) error {
		j, elapsed, err := scanJob(s.pool.QueryRow(ctx, `SELECT `+jobColumns+` FROM import_jobs WHERE id = $1 AND finished_at IS NOT NULL`, id))
		if errors.Is(err, pgx.ErrNoRows) {
			return matcher.ErrNotFound("导入记录", id)
		} else if err != nil {
			return err
		}
		errs, err := s.rowErrors(ctx, id)
		if err != nil {
			return err
		}
		r = store.JobReport(j, errs)
		if elapsed != nil {
			r.Elapsed = *elapsed
		}
		return nil
	})
	return r, err
}

func (s *Store) rowErrors(ctx context.Context, jobID string) ([]matcher.RowError, error) {
	rows, err := s.pool.Query(ctx, `SELECT err FROM import_errors WHERE job_id = $1 ORDER BY n`, jobID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []matcher.RowError
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&b); err != nil {
			return nil, err
		}
		var re matcher.RowError
		if err := json.Unmarshal(b, &re); err != nil {
			return nil, err
		}
		out = append(out, re)
	}
	return out, rows.Err()
}

// BeginImport resumes the newest unfinished job with the same entity and
// fingerprint, or starts a new one.
func (s *Store) BeginImport(ctx context.Context, entity string, files []string, fingerprint string) (*matcher.ImportJob, error) {
	if err := store.CheckEntity(entity); err != nil {
		return nil, err
	}
	filesJSON, err := json.Marshal(files)
	if err != nil {
		return nil, err
	}
	id := store.NewID() // made once, so a retry after a lost reply finds the same job
	var job *matcher.ImportJob
	err = s.tx(ctx, "begin import", func(ctx context.Context, tx pgx.Tx, _ int) error {
		// Serialize beginners of the same input, so two never start twins.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('jobmatch-import:' || $1 || ':' || $2))`, entity, fingerprint); err != nil {
			return err
		}
		j, _, err := scanJob(tx.QueryRow(ctx, `SELECT `+jobColumns+` FROM import_jobs
			WHERE entity = $1 AND fingerprint = $2 AND finished_at IS NULL ORDER BY id DESC LIMIT 1`, entity, fingerprint))
		if err == nil {
			job = j
			return nil
		} else if !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		job, _, err = scanJob(tx.QueryRow(ctx, `INSERT INTO import_jobs (id, entity, files, fingerprint, started_at)
			VALUES ($1, $2, $3, $4, now()) RETURNING `+jobColumns, id, entity, filesJSON, fingerprint))
		return err
	})
	return job, err
}

// CommitChunk writes a chunk's records, its rejected rows and the job's
// progress in one transaction. The job row is locked first, so a chunk
// retried after an ambiguous failure sees whether it already committed.
func (s *Store) CommitChunk(ctx context.Context, jobID string, c matcher.ImportChunk) ([]matcher.UpsertOutcome, error) {
	var posts []postRow
	var courses []courseRow
	var grads []gradRow
	var err error
	switch {
	case len(c.Posts) > 0:
		posts, err = preparePosts(c.Posts)
	case len(c.Courses) > 0:
		courses, err = prepareCourses(c.Courses)
	case len(c.Graduates) > 0:
		grads, err = s.prepareGraduates(c.Graduates)
	}
	if err != nil {
		return nil, err
	}
	var out []matcher.UpsertOutcome
	err = s.tx(ctx, "commit import chunk", func(ctx context.Context, tx pgx.Tx, _ int) error {
		out = nil
		j, _, err := scanJob(tx.QueryRow(ctx, `SELECT `+jobColumns+` FROM import_jobs WHERE id = $1 FOR UPDATE`, jobID))
		if errors.Is(err, pgx.ErrNoRows) {
			return matcher.ErrNotFound("导入任务", jobID)
		} else if err != nil {
			return err
		}
		if !j.FinishedAt.IsZero() {
			return matcher.Errorf(matcher.ECONFLICT, "导入任务 %s 已结束", "import job %s is finished", jobID)
		}
		if c.LastRow <= j.LastRow {
			return nil
		}
		switch j.Entity {
		case "posts":
			out, err = upsertPosts(ctx, tx, posts)
		case "courses":
			out, err = upsertCourses(ctx, tx, courses)
		case "graduates":
			out, err = upsertGraduates(ctx, tx, grads)
		}
		if err != nil {
			return err
		}
		if err := insertRowErrors(ctx, tx, jobID, c.Rejected); err != nil {
			return err
		}
		store.Tally(j, &c, out)
		_, err = tx.Exec(ctx, `UPDATE import_jobs SET last_row = $2, accepted = $3, updated = $4, unchanged = $5,
			duplicate = $6, rejected = $7 WHERE id = $1`,
			jobID, j.LastRow, j.Accepted, j.Updated, j.Unchanged, j.Duplicate, j.Rejected)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("import %s: rows to %d: %w", jobID, c.LastRow, err)
	}
	return out, nil
}

// FinishImport marks the job finished and returns its report.
func (s *Store) FinishImport(ctx context.Context, jobID string) (*matcher.ImportReport, error) {
	err := s.tx(ctx, "finish import", func(ctx context.Context, tx pgx.Tx, _ int) error {
		tag, err := tx.Exec(ctx, `UPDATE import_jobs SET finished_at = coalesce(finished_at, now()),
			elapsed_ns = coalesce(elapsed_ns, (extract(epoch FROM (coalesce(finished_at, now()) - started_at)) * 1e9)::bigint)
			WHERE id = $1`, jobID)
		if err == nil && tag.RowsAffected() == 0 {
			err = matcher.ErrNotFound("导入任务", jobID)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.Import(ctx, jobID)
}

// ---- keys ----

const keyColumns = `id, name, role, district, source, hash, created_at, expires_at, revoked_at`

func scanKey(row pgx.Row) (*matcher.APIKey, error) {
	var k matcher.APIKey
	var role string
	var expires, revoked *time.Time
	if err := row.Scan(&k.ID, &k.Name, &role, &k.District, &k.Source, &k.Hash, &k.CreatedAt, &expires, &revoked); err != nil {
		return nil, err
	}
	k.Role, k.ExpiresAt, k.RevokedAt = matcher.Role(role), timeOf(expires), timeOf(revoked)
	return &k, nil
}

// CreateKey stores a new API key (its hash only).
func (s *Store) CreateKey(ctx context.Context, k *matcher.APIKey) error {
	if err := store.PrepareKey(k, time.Now()); err != nil {
		return err
	}
	return s.retry(ctx, "create key", func(ctx context.Context, _ int) error {
		var id string
		var hash []byte
		err := s.pool.QueryRow(ctx, `INSERT INTO api_keys (`+keyColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
			ON CONFLICT DO NOTHING RETURNING id, hash`,
			k.ID, k.Name, string(k.Role), k.District, k.Source, k.Hash, k.CreatedAt, nullTime(k.ExpiresAt), nullTime(k.RevokedAt)).Scan(&id, &hash)
		if errors.Is(err, pgx.ErrNoRows) {
			// Either a real conflict, or this is a retry of an insert that
			// committed: the row is then exactly ours.
			other, err := scanKey(s.pool.QueryRow(ctx, `SELECT `+keyColumns+` FROM api_keys WHERE id = $1`, k.ID))
			if err == nil && bytes.Equal(other.Hash, k.Hash) && other.CreatedAt.Equal(k.CreatedAt) {
				return nil
			}
			return matcher.Errorf(matcher.ECONFLICT, "密钥已存在：%s", "key already exists: %s", k.ID)
		}
		return err
	})
}

// KeyByHash returns the key with that hash, revoked or expired keys included.
func (s *Store) KeyByHash(ctx context.Context, hash []byte) (*matcher.APIKey, error) {
	var k *matcher.APIKey
	err := s.retry(ctx, "key by hash", func(ctx context.Context, _ int) error {
		var err error
		k, err = scanKey(s.pool.QueryRow(ctx, `SELECT `+keyColumns+` FROM api_keys WHERE hash = $1`, hash))
		if errors.Is(err, pgx.ErrNoRows) {
			return matcher.ErrNotFound("密钥", "")
		}
		return err
	})
	return k, err
}

// RevokeKey revokes a key, keeping the first revocation time.
func (s *Store) RevokeKey(ctx context.Context, id string) error {
	return s.retry(ctx, "revoke key", func(ctx context.Context, _ int) error {
		tag, err := s.pool.Exec(ctx, `UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1`, id)
		if err == nil && tag.RowsAffected() == 0 {
			return matcher.ErrNotFound("密钥", id)
		}
		return err
	})
}

// ListKeys returns every key, oldest first.
func (s *Store) ListKeys(ctx context.Context) ([]matcher.APIKey, error) {
	return queryAll(ctx, s, "list keys", func(rows pgx.Rows) (matcher.APIKey, error) {
		k, err := scanKey(rows)
		if err != nil {
			return matcher.APIKey{}, err
		}
		return *k, nil
	}, `SELECT `+keyColumns+` FROM api_keys ORDER BY created_at, id`)
}

// ---- audit ----

// Audit appends an entry to the audit log (once, even when retried).
func (s *Store) Audit(ctx context.Context, e matcher.AuditEntry) error {
	store.PrepareAudit(&e, time.Now())
	return s.retry(ctx, "audit", func(ctx context.Context, _ int) error {
		_, err := s.pool.Exec(ctx, `INSERT INTO audit_log (id, at, key_id, role, action, graduate_id, detail)
			VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING`,
			e.ID, e.At, e.KeyID, string(e.Role), e.Action, e.GraduateID, e.Detail)
		return err
	})
}

// AuditBatch appends entries to the audit log in one statement (so one
// transaction and one WAL flush), in order: the API's group commit hands
// it a caseload page's reads at once. IDs are filled in before the first
// attempt and ON CONFLICT skips an ID already written, so a retry after a
// commit whose acknowledgement was lost writes each entry once.
func (s *Store) AuditBatch(ctx context.Context, entries []matcher.AuditEntry) error {
	if len(entries) == 0 {
		return nil
	}
	n := len(entries)
	ids, keyIDs, roles := make([]string, n), make([]string, n), make([]string, n)
	actions, graduateIDs, details := make([]string, n), make([]string, n), make([]string, n)
	ats := make([]time.Time, n)
	now := time.Now()
	for i, e := range entries {
		store.PrepareAudit(&e, now)
		ids[i], ats[i], keyIDs[i], roles[i] = e.ID, e.At, e.KeyID, string(e.Role)
		actions[i], graduateIDs[i], details[i] = e.Action, e.GraduateID, e.Detail
	}
	return s.retry(ctx, "audit batch", func(ctx context.Context, _ int) error {
		// ORDER BY ordinality: n (bigserial) follows the order of entries,
		// which AuditLog's "last written first" relies on.
		_, err := s.pool.Exec(ctx, `INSERT INTO audit_log (id, at, key_id, role, action, graduate_id, detail)
			SELECT id, at, key_id, role, action, graduate_id, detail
			FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
				WITH ORDINALITY AS e(id, at, key_id, role, action, graduate_id, detail, ord)
			ORDER BY ord
			ON CONFLICT (id) DO NOTHING`,
			ids, ats, keyIDs, roles, actions, graduateIDs, details)
		return err
	})
}

// AuditLog returns up to limit entries about graduateID ("" for all),
// newest (last written) first.
func (s *Store) AuditLog(ctx context.Context, graduateID string, limit int) ([]matcher.AuditEntry, error) {
	if limit <= 0 || limit > 10000 {
		limit = 100
	}
	return queryAll(ctx, s, "audit log", func(rows pgx.Rows) (matcher.AuditEntry, error) {
		var e matcher.AuditEntry
		var role string
		err := rows.Scan(&e.ID, &e.At, &e.KeyID, &role, &e.Action, &e.GraduateID, &e.Detail)
		e.Role = matcher.Role(role)
		return e, err
	}, `SELECT id, at, key_id, role, action, graduate_id, detail FROM audit_log
		WHERE ($1 = '' OR graduate_id = $1) ORDER BY n DESC LIMIT $2`, graduateID, limit)
}

// ---- feedback ----

// RecordFeedback stores a feedback event; the same ID twice is kept once.
func (s *Store) RecordFeedback(ctx context.Context, e matcher.FeedbackEvent) error {
	if err := store.PrepareFeedback(&e, time.Now()); err != nil {
		return err
	}
	return s.retry(ctx, "record feedback", func(ctx context.Context, _ int) error {
		_, err := s.pool.Exec(ctx, `INSERT INTO feedback (id, graduate_id, post_id, type, at, source)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING`,
			e.ID, e.GraduateID, e.PostID, string(e.Type), e.At, e.Source)
		return err
	})
}

// EachFeedback walks every event at or after since, oldest first.
func (s *Store) EachFeedback(ctx context.Context, since time.Time, fn func(matcher.FeedbackEvent) error) error {
	afterAt, afterID := since, ""
	first := true
	for {
		page, err := queryAll(ctx, s, "each feedback", func(rows pgx.Rows) (matcher.FeedbackEvent, error) {
			var e matcher.FeedbackEvent
			var typ string
			err := rows.Scan(&e.ID, &e.GraduateID, &e.PostID, &typ, &e.At, &e.Source)
			e.Type = matcher.FeedbackType(typ)
			return e, err
		}, `SELECT id, graduate_id, post_id, type, at, source FROM feedback
			WHERE ($1 AND at >= $2) OR (NOT $1 AND (at, id) > ($2, $3))
			ORDER BY at, id LIMIT $4`, first, afterAt, afterID, pageSize)
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
		afterAt, afterID, first = last.At, last.ID, false
	}
}

// ---- runs ----

const runColumns = `r.id, r.started_at, r.finished_at, r.status, r.note,
	(SELECT count(*) FROM recommendations x WHERE x.run_id = r.id)`

func scanRun(row pgx.Row) (*matcher.Run, error) {
	var r matcher.Run
	var finished *time.Time
	var status string
	if err := row.Scan(&r.ID, &r.StartedAt, &finished, &status, &r.Note, &r.Graduates); err != nil {
		return nil, err
	}
	r.FinishedAt, r.Status = timeOf(finished), matcher.RunStatus(status)
	return &r, nil
}

// CreateRun stores a new running run.
func (s *Store) CreateRun(ctx context.Context, r *matcher.Run) error {
	store.PrepareRun(r, time.Now())
	return s.retry(ctx, "create run", func(ctx context.Context, attempt int) error {
		tag, err := s.pool.Exec(ctx, `INSERT INTO runs (id, started_at, status, note) VALUES ($1, $2, $3, $4)
			ON CONFLICT (id) DO NOTHING`, r.ID, r.StartedAt, string(r.Status), r.Note)
		if err == nil && tag.RowsAffected() == 0 && attempt == 1 {
			return matcher.Errorf(matcher.ECONFLICT, "推荐批次已存在：%s", "run already exists: %s", r.ID)
		}
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

// SaveRecommendations stores several graduates' lists in one transaction
// (COPY, then upsert on (run, graduate)).
func (s *Store) SaveRecommendations(ctx context.Context, runID string, recs []matcher.GraduateRecommendations) error {
	type row struct {
		gid   string
		items []byte
	}
	rows := make([]row, 0, len(recs))
	seen := make(map[string]int, len(recs))
	for _, gr := range recs {
		if gr.GraduateID == "" {
			return matcher.Errorf(matcher.EINVALID, "推荐缺少毕业生编号", "recommendations without graduate_id")
		}
		items := gr.Items
		if items == nil {
			items = []matcher.StoredRecommendation{}
		}
		b, err := json.Marshal(items)
		if err != nil {
			return err
		}
		if i, ok := seen[gr.GraduateID]; ok {
			rows[i].items = b // the last list of a graduate wins
			continue
		}
		seen[gr.GraduateID] = len(rows)
		rows = append(rows, row{gr.GraduateID, b})
	}
	return s.tx(ctx, "save recommendations of run "+runID, func(ctx context.Context, tx pgx.Tx, _ int) error {
		status, err := lockRun(ctx, tx, runID, false)
		if err != nil {
			return err
		}
		if status != matcher.RunRunning {
			return matcher.Errorf(matcher.ECONFLICT, "推荐批次 %s 已%s", "run %s is %s", runID, status)
		}
		if len(rows) == 0 {
			return nil
		}
		if _, err := tx.Exec(ctx, `CREATE TEMP TABLE jm_tmp_recs (graduate_id text COLLATE "C", items jsonb) ON COMMIT DROP`); err != nil {
			return err
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"jm_tmp_recs"}, []string{"graduate_id", "items"},
			pgx.CopyFromSlice(len(rows), func(i int) ([]any, error) { return []any{rows[i].gid, rows[i].items}, nil })); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO recommendations (run_id, graduate_id, items)
			SELECT $1, graduate_id, items FROM jm_tmp_recs
			ON CONFLICT (run_id, graduate_id) DO UPDATE SET items = excluded.items`, runID)
		return err
	})
}

// RunGraduateIDs returns the graduates saved in a run, sorted.
func (s *Store) RunGraduateIDs(ctx context.Context, runID string) ([]string, error) {
	var ids []string
	err := s.retry(ctx, "run graduates", func(ctx context.Context, _ int) error {
		ids = nil
		var one int
		if err := s.pool.QueryRow(ctx, `SELECT 1 FROM runs WHERE id = $1`, runID).Scan(&one); errors.Is(err, pgx.ErrNoRows) {
			return matcher.ErrNotFound("推荐批次", runID)
		} else if err != nil {
			return err
		}
		rows, err := s.pool.Query(ctx, `SELECT graduate_id FROM recommendations WHERE run_id = $1 ORDER BY graduate_id`, runID)
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
// statement reads the pointer and the list, so one snapshot.
func (s *Store) RecommendationsFor(ctx context.Context, graduateID string) (string, []matcher.StoredRecommendation, error) {
	var runID string
	var items []matcher.StoredRecommendation
	err := s.retry(ctx, "recommendations", func(ctx context.Context, _ int) error {
		var raw []byte
		err := s.pool.QueryRow(ctx, `SELECT c.run_id, r.items FROM current_run c
			LEFT JOIN recommendations r ON r.run_id = c.run_id AND r.graduate_id = $1`, graduateID).Scan(&runID, &raw)
		if errors.Is(err, pgx.ErrNoRows) {
			return matcher.ErrNotFound("已发布的推荐批次", "")
		} else if err != nil {
			return err
		}
		items = nil
		if raw != nil {
			return json.Unmarshal(raw, &items)
		}
		return nil
	})
	if err != nil {
		return "", nil, err
	}
	sortByRank(items)
	return runID, items, nil
}

func sortByRank(items []matcher.StoredRecommendation) {
	for i := 1; i < len(items); i++ {
		for j := i; j > 0 && items[j].Rank < items[j-1].Rank; j-- {
			items[j], items[j-1] = items[j-1], items[j]
		}
	}
}

// ---- casework ----

// LogContact appends to a graduate's contact log.
func (s *Store) LogContact(ctx context.Context, e matcher.ContactEntry) error {
	if err := store.PrepareContact(&e, time.Now()); err != nil {
		return err
	}
	return s.appendCase(ctx, "log contact", "contact_log", e.ID, e.GraduateID, `INSERT INTO contact_log (id, graduate_id, at, key_id, method, outcome, note)
		SELECT $1, id, $3, $4, $5, $6, $7 FROM graduates WHERE id = $2
		ON CONFLICT (id) DO NOTHING`,
		e.ID, e.GraduateID, e.At, e.KeyID, e.Method, e.Outcome, e.Note)
}

// appendCase runs sql, an insert of one casework record (contact_log or
// shortlist_edits) that writes nothing when the graduate is unknown or the
// ID already written, and tells those two cases apart with existsOr.
func (s *Store) appendCase(ctx context.Context, what, table, id, graduateID, sql string, args ...any) error {
	return s.retry(ctx, what, func(ctx context.Context, _ int) error {
		tag, err := s.pool.Exec(ctx, sql, args...)
		if err == nil && tag.RowsAffected() == 0 {
			return s.existsOr(ctx, table, id, graduateID)
		}
		return err
	})
}

// existsOr tells a retried insert that already committed (nil) from one
// about an unknown graduate (ENOTFOUND).
func (s *Store) existsOr(ctx context.Context, table, id, graduateID string) error {
	q := `SELECT 1 FROM contact_log WHERE id = $1`
	if table == "shortlist_edits" {
		q = `SELECT 1 FROM shortlist_edits WHERE id = $1`
	}
	var one int
	err := s.pool.QueryRow(ctx, q, id).Scan(&one)
	if errors.Is(err, pgx.ErrNoRows) {
		return matcher.ErrNotFound("毕业生", graduateID)
	}
	return err
}

// Contacts returns a graduate's contact log, oldest first.
func (s *Store) Contacts(ctx context.Context, graduateID string) ([]matcher.ContactEntry, error) {
	return queryAll(ctx, s, "contacts", func(rows pgx.Rows) (matcher.ContactEntry, error) {
		var e matcher.ContactEntry
		err := rows.Scan(&e.ID, &e.GraduateID, &e.At, &e.KeyID, &e.Method, &e.Outcome, &e.Note)
		return e, err
	}, `SELECT id, graduate_id, at, key_id, method, outcome, note FROM contact_log
		WHERE graduate_id = $1 ORDER BY n`, graduateID)
}

// EditShortlist appends to a graduate's shortlist edits.
func (s *Store) EditShortlist(ctx context.Context, e matcher.ShortlistEdit) error {
	if err := store.PrepareShortlistEdit(&e, time.Now()); err != nil {
		return err
	}
	return s.appendCase(ctx, "edit shortlist", "shortlist_edits", e.ID, e.GraduateID, `INSERT INTO shortlist_edits (id, graduate_id, post_id, action, key_id, at, note)
		SELECT $1, id, $3, $4, $5, $6, $7 FROM graduates WHERE id = $2
		ON CONFLICT (id) DO NOTHING`,
		e.ID, e.GraduateID, e.PostID, e.Action, e.KeyID, e.At, e.Note)
}

// ShortlistEdits returns a graduate's shortlist edits, oldest first.
func (s *Store) ShortlistEdits(ctx context.Context, graduateID string) ([]matcher.ShortlistEdit, error) {
	return queryAll(ctx, s, "shortlist edits", func(rows pgx.Rows) (matcher.ShortlistEdit, error) {
		var e matcher.ShortlistEdit
		err := rows.Scan(&e.ID, &e.GraduateID, &e.PostID, &e.Action, &e.KeyID, &e.At, &e.Note)
		return e, err
	}, `SELECT id, graduate_id, post_id, action, key_id, at, note FROM shortlist_edits
		WHERE graduate_id = $1 ORDER BY n`, graduateID)
}
