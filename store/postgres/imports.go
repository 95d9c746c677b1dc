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
		finished = s.now()
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
			out, err = upsertPosts(ctx, tx, posts, s.stamp())
		case "courses":
			out, err = upsertCourses(ctx, tx, courses, s.stamp())
		case "graduates":
			out, err = upsertGraduates(ctx, tx, grads, s.stamp())
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
