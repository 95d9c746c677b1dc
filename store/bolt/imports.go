package bolt

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	bbolt "go.etcd.io/bbolt"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store"
)

// SaveImport stores an import report (ID filled in when empty).
func (s *Store) SaveImport(ctx context.Context, r *matcher.ImportReport) error {
	if r.ID == "" {
		r.ID = store.NewID()
	}
	return s.update(ctx, func(tx *bbolt.Tx) error {
		return putJSON(tx.Bucket(bImports), []byte(r.ID), r)
	})
}

// Import returns a saved import report.
func (s *Store) Import(ctx context.Context, id string) (*matcher.ImportReport, error) {
	var r matcher.ImportReport
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		ok, err := getJSON(tx.Bucket(bImports), []byte(id), &r)
		if err == nil && !ok {
			err = matcher.ErrNotFound("导入记录", id)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// BeginImport resumes the unfinished job with the same entity and
// fingerprint, or starts a new one.
func (s *Store) BeginImport(ctx context.Context, entity string, files []string, fingerprint string) (*matcher.ImportJob, error) {
	if err := store.CheckEntity(entity); err != nil {
		return nil, err
	}
	var job *matcher.ImportJob
	err := s.update(ctx, func(tx *bbolt.Tx) error {
		b := tx.Bucket(bJobs)
		err := b.ForEach(func(k, v []byte) error {
			var j matcher.ImportJob
			if err := json.Unmarshal(v, &j); err != nil {
				return err
			}
			if j.FinishedAt.IsZero() && j.Entity == entity && j.Fingerprint == fingerprint {
				job = &j // IDs sort by time: the newest unfinished job wins
			}
			return nil
		})
		if err != nil || job != nil {
			return err
		}
		job = &matcher.ImportJob{ID: store.NewID(), Entity: entity, Files: files, Fingerprint: fingerprint, StartedAt: s.now()}
		return putJSON(b, []byte(job.ID), job)
	})
	if err != nil {
		return nil, fmt.Errorf("begin import: %w", err)
	}
	return job, nil
}

func getJob(tx *bbolt.Tx, id string) (*matcher.ImportJob, error) {
	var j matcher.ImportJob
	ok, err := getJSON(tx.Bucket(bJobs), []byte(id), &j)
	if err != nil {
		return nil, err
	} else if !ok {
		return nil, matcher.ErrNotFound("导入任务", id)
	}
	return &j, nil
}

// CommitChunk writes a chunk's records, its rejected rows and the job's
// progress in one transaction.
func (s *Store) CommitChunk(ctx context.Context, jobID string, c matcher.ImportChunk) ([]matcher.UpsertOutcome, error) {
	var out []matcher.UpsertOutcome
	err := s.update(ctx, func(tx *bbolt.Tx) error {
		j, err := getJob(tx, jobID)
		if err != nil {
			return err
		}
		if !j.FinishedAt.IsZero() {
			return matcher.Errorf(matcher.ECONFLICT, "导入任务 %s 已结束", "import job %s is finished", jobID)
		}
		if c.LastRow <= j.LastRow {
			return nil // already committed
		}
		now := s.now()
		switch j.Entity {
		case "posts":
			out, err = upsertPosts(tx, c.Posts, now)
		case "courses":
			out, err = upsertCourses(tx, c.Courses, now)
		case "graduates":
			out, err = s.upsertGraduates(tx, c.Graduates, now)
		}
		if err != nil {
			return err
		}
		eb := tx.Bucket(bJobErrors)
		for _, re := range c.Rejected {
			n, err := eb.NextSequence()
			if err != nil {
				return err
			}
			if err := putJSON(eb, join(jobID, u64(n)), re); err != nil {
				return err
			}
		}
		store.Tally(j, &c, out)
		return putJSON(tx.Bucket(bJobs), []byte(jobID), j)
	})
	if err != nil {
		return nil, fmt.Errorf("import %s: commit rows to %d: %w", jobID, c.LastRow, err)
	}
	return out, nil
}

// FinishImport marks the job finished and saves and returns its report.
func (s *Store) FinishImport(ctx context.Context, jobID string) (*matcher.ImportReport, error) {
	var r *matcher.ImportReport
	err := s.update(ctx, func(tx *bbolt.Tx) error {
		j, err := getJob(tx, jobID)
		if err != nil {
			return err
		}
		if j.FinishedAt.IsZero() {
			j.FinishedAt = s.now()
			if err := putJSON(tx.Bucket(bJobs), []byte(jobID), j); err != nil {
				return err
			}
		}
		var errs []matcher.RowError
		prefix := join(jobID, nil)
		c := tx.Bucket(bJobErrors).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			var re matcher.RowError
			if err := json.Unmarshal(v, &re); err != nil {
				return err
			}
			errs = append(errs, re)
		}
		r = store.JobReport(j, errs)
		return putJSON(tx.Bucket(bImports), []byte(r.ID), r)
	})
	if err != nil {
		return nil, fmt.Errorf("finish import %s: %w", jobID, err)
	}
	return r, nil
}
