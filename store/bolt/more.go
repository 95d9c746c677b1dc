package bolt

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store"
)

// ---- imports ----

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
			out, err = upsertGraduates(tx, c.Graduates, now)
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

// ---- keys ----

// CreateKey stores a new API key.
func (s *Store) CreateKey(ctx context.Context, k *matcher.APIKey) error {
	if err := store.PrepareKey(k, s.now()); err != nil {
		return err
	}
	return s.update(ctx, func(tx *bbolt.Tx) error {
		kb, hb := tx.Bucket(bKeys), tx.Bucket(bKeyHash)
		if kb.Get([]byte(k.ID)) != nil || hb.Get(k.Hash) != nil {
			return matcher.Errorf(matcher.ECONFLICT, "密钥已存在：%s", "key already exists: %s", k.ID)
		}
		if err := hb.Put(k.Hash, []byte(k.ID)); err != nil {
			return err
		}
		return putJSON(kb, []byte(k.ID), k)
	})
}

// KeyByHash returns the key with that hash, revoked or expired keys included.
func (s *Store) KeyByHash(ctx context.Context, hash []byte) (*matcher.APIKey, error) {
	var k matcher.APIKey
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		if len(hash) == 0 {
			return matcher.ErrNotFound("密钥", "")
		}
		id := tx.Bucket(bKeyHash).Get(hash)
		if id == nil {
			return matcher.ErrNotFound("密钥", "")
		}
		_, err := getJSON(tx.Bucket(bKeys), id, &k)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &k, nil
}

// RevokeKey revokes a key (keeping the first revocation time).
func (s *Store) RevokeKey(ctx context.Context, id string) error {
	return s.update(ctx, func(tx *bbolt.Tx) error {
		var k matcher.APIKey
		ok, err := getJSON(tx.Bucket(bKeys), []byte(id), &k)
		if err != nil {
			return err
		} else if !ok {
			return matcher.ErrNotFound("密钥", id)
		}
		if !k.RevokedAt.IsZero() {
			return nil
		}
		k.RevokedAt = s.now()
		return putJSON(tx.Bucket(bKeys), []byte(id), &k)
	})
}

// ListKeys returns every key, oldest first.
func (s *Store) ListKeys(ctx context.Context) ([]matcher.APIKey, error) {
	var keys []matcher.APIKey
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		return tx.Bucket(bKeys).ForEach(func(_, v []byte) error {
			var k matcher.APIKey
			if err := json.Unmarshal(v, &k); err != nil {
				return err
			}
			keys = append(keys, k)
			return nil
		})
	})
	sort.SliceStable(keys, func(i, j int) bool {
		if !keys[i].CreatedAt.Equal(keys[j].CreatedAt) {
			return keys[i].CreatedAt.Before(keys[j].CreatedAt)
		}
		return keys[i].ID < keys[j].ID
	})
	return keys, err
}

// ---- audit ----

// Audit appends an entry to the audit log.
func (s *Store) Audit(ctx context.Context, e matcher.AuditEntry) error {
	store.PrepareAudit(&e, s.now())
	if err := ctx.Err(); err != nil {
		return err
	}
	// Batch, not Update: every API read of a graduate writes an entry, and
	// bbolt's Batch commits concurrent entries in one transaction (one
	// fsync) instead of one each — about 7× the throughput under load
	// (api's load test). A failed batch re-runs each entry on its own.
	return s.db.Batch(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bAudit)
		n, err := b.NextSequence()
		if err != nil {
			return err
		}
		return putJSON(b, u64(n), &e)
	})
}

// AuditBatch appends entries to the audit log in one transaction: one
// commit (and fsync) for all of them, without Batch's wait for company.
// It returns after the commit, so the entries are durable when it returns
// nil. The API's group commit (api/audit.go) calls it with the entries of
// every request that arrived while the previous commit was on disk.
func (s *Store) AuditBatch(ctx context.Context, entries []matcher.AuditEntry) error {
	return s.update(ctx, func(tx *bbolt.Tx) error {
		b := tx.Bucket(bAudit)
		now := s.now()
		for _, e := range entries {
			store.PrepareAudit(&e, now)
			n, err := b.NextSequence()
			if err != nil {
				return err
			}
			if err := putJSON(b, u64(n), &e); err != nil {
				return err
			}
		}
		return nil
	})
}

// AuditLog returns up to limit entries about graduateID ("" for all), newest
// first (in the order they were written).
func (s *Store) AuditLog(ctx context.Context, graduateID string, limit int) ([]matcher.AuditEntry, error) {
	if limit <= 0 {
		limit = 100
	}
	var out []matcher.AuditEntry
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		c := tx.Bucket(bAudit).Cursor()
		for k, v := c.Last(); k != nil && len(out) < limit; k, v = c.Prev() {
			var e matcher.AuditEntry
			if err := json.Unmarshal(v, &e); err != nil {
				return err
			}
			if graduateID == "" || e.GraduateID == graduateID {
				out = append(out, e)
			}
		}
		return nil
	})
	return out, err
}

// ---- feedback ----

func timeKey(t time.Time, id string) []byte {
	return append(u64(uint64(t.UnixNano())), append([]byte{0}, id...)...)
}

// RecordFeedback stores a feedback event; the same ID twice is kept once.
func (s *Store) RecordFeedback(ctx context.Context, e matcher.FeedbackEvent) error {
	if err := store.PrepareFeedback(&e, s.now()); err != nil {
		return err
	}
	return s.update(ctx, func(tx *bbolt.Tx) error {
		ib := tx.Bucket(bFeedbackID)
		if ib.Get([]byte(e.ID)) != nil {
			return nil
		}
		k := timeKey(e.At, e.ID)
		if err := ib.Put([]byte(e.ID), k); err != nil {
			return err
		}
		return putJSON(tx.Bucket(bFeedback), k, &e)
	})
}

// EachFeedback calls fn for every event at or after since, oldest first.
func (s *Store) EachFeedback(ctx context.Context, since time.Time, fn func(matcher.FeedbackEvent) error) error {
	start := []byte(nil)
	if !since.IsZero() && since.UnixNano() > 0 {
		start = u64(uint64(since.UnixNano()))
	}
	var after []byte
	for {
		var page []matcher.FeedbackEvent
		var lastKey []byte
		err := s.view(ctx, func(tx *bbolt.Tx) error {
			c := tx.Bucket(bFeedback).Cursor()
			var k, v []byte
			if after == nil {
				k, v = c.Seek(start)
			} else if k, v = c.Seek(after); bytes.Equal(k, after) {
				k, v = c.Next()
			}
			for ; k != nil && len(page) < pageSize; k, v = c.Next() {
				var e matcher.FeedbackEvent
				if err := json.Unmarshal(v, &e); err != nil {
					return err
				}
				page = append(page, e)
				lastKey = slices.Clone(k)
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, e := range page {
			if err := fn(e); err != nil {
				return err
			}
		}
		if len(page) < pageSize {
			return nil
		}
		after = lastKey
	}
}

// ---- runs ----

func getRun(tx *bbolt.Tx, id string) (*matcher.Run, error) {
	var r matcher.Run
	ok, err := getJSON(tx.Bucket(bRuns), []byte(id), &r)
	if err != nil {
		return nil, err
	} else if !ok {
		return nil, matcher.ErrNotFound("推荐批次", id)
	}
	return &r, nil
}

// CreateRun stores a new running run.
func (s *Store) CreateRun(ctx context.Context, r *matcher.Run) error {
	store.PrepareRun(r, s.now())
	return s.update(ctx, func(tx *bbolt.Tx) error {
		if tx.Bucket(bRuns).Get([]byte(r.ID)) != nil {
			return matcher.Errorf(matcher.ECONFLICT, "推荐批次已存在：%s", "run already exists: %s", r.ID)
		}
		return putJSON(tx.Bucket(bRuns), []byte(r.ID), r)
	})
}

// SaveRecommendations stores several graduates' lists in one transaction.
func (s *Store) SaveRecommendations(ctx context.Context, runID string, recs []matcher.GraduateRecommendations) error {
	err := s.update(ctx, func(tx *bbolt.Tx) error {
		r, err := getRun(tx, runID)
		if err != nil {
			return err
		}
		if r.Status != matcher.RunRunning {
			return matcher.Errorf(matcher.ECONFLICT, "推荐批次 %s 已%s", "run %s is %s", runID, r.Status)
		}
		b := tx.Bucket(bRecs)
		for _, gr := range recs {
			if gr.GraduateID == "" {
				return matcher.Errorf(matcher.EINVALID, "推荐缺少毕业生编号", "recommendations without graduate_id")
			}
			k := join(runID, []byte(gr.GraduateID))
			if b.Get(k) == nil {
				r.Graduates++
			}
			items := gr.Items
			if items == nil {
				items = []matcher.StoredRecommendation{}
			}
			if err := putJSON(b, k, items); err != nil {
				return err
			}
		}
		return putJSON(tx.Bucket(bRuns), []byte(runID), r)
	})
	if err != nil {
		return fmt.Errorf("save recommendations of run %s: %w", runID, err)
	}
	return nil
}

// RunGraduateIDs returns the graduates saved in a run, sorted.
func (s *Store) RunGraduateIDs(ctx context.Context, runID string) ([]string, error) {
	var ids []string
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		if _, err := getRun(tx, runID); err != nil {
			return err
		}
		prefix := join(runID, nil)
		c := tx.Bucket(bRecs).Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			ids = append(ids, string(k[len(prefix):]))
		}
		return nil
	})
	return ids, err
}

// PublishRun marks the run published and makes it current, in one
// transaction.
func (s *Store) PublishRun(ctx context.Context, runID string) error {
	return s.update(ctx, func(tx *bbolt.Tx) error {
		r, err := getRun(tx, runID)
		if err != nil {
			return err
		}
		if r.Status == matcher.RunFailed {
			return matcher.Errorf(matcher.ECONFLICT, "推荐批次 %s 已失败，不能发布", "run %s failed and cannot be published", runID)
		}
		if r.Status != matcher.RunPublished {
			r.Status, r.FinishedAt = matcher.RunPublished, s.now()
			if err := putJSON(tx.Bucket(bRuns), []byte(runID), r); err != nil {
				return err
			}
		}
		return tx.Bucket(bMeta).Put(keyCurrentRun, []byte(runID))
	})
}

// FailRun marks a running run failed.
func (s *Store) FailRun(ctx context.Context, runID, note string) error {
	return s.update(ctx, func(tx *bbolt.Tx) error {
		r, err := getRun(tx, runID)
		if err != nil {
			return err
		}
		if r.Status != matcher.RunRunning {
			return matcher.Errorf(matcher.ECONFLICT, "推荐批次 %s 已%s", "run %s is %s", runID, r.Status)
		}
		r.Status, r.FinishedAt, r.Note = matcher.RunFailed, s.now(), note
		return putJSON(tx.Bucket(bRuns), []byte(runID), r)
	})
}

// Run returns a run by ID.
func (s *Store) Run(ctx context.Context, id string) (*matcher.Run, error) {
	var r *matcher.Run
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		var err error
		r, err = getRun(tx, id)
		return err
	})
	return r, err
}

// LatestRun returns the current (published) run.
func (s *Store) LatestRun(ctx context.Context) (*matcher.Run, error) {
	var r *matcher.Run
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		id := tx.Bucket(bMeta).Get(keyCurrentRun)
		if id == nil {
			return matcher.ErrNotFound("已发布的推荐批次", "")
		}
		var err error
		r, err = getRun(tx, string(id))
		return err
	})
	return r, err
}

// RecommendationsFor returns the graduate's list in the current run.
func (s *Store) RecommendationsFor(ctx context.Context, graduateID string) (string, []matcher.StoredRecommendation, error) {
	var runID string
	var items []matcher.StoredRecommendation
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		id := tx.Bucket(bMeta).Get(keyCurrentRun)
		if id == nil {
			return matcher.ErrNotFound("已发布的推荐批次", "")
		}
		runID = string(id)
		_, err := getJSON(tx.Bucket(bRecs), join(runID, []byte(graduateID)), &items)
		return err
	})
	if err != nil {
		return "", nil, err
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].Rank < items[j].Rank })
	return runID, items, nil
}

// ---- casework ----

func appendCase(tx *bbolt.Tx, bucket []byte, graduateID string, v any) error {
	b := tx.Bucket(bucket)
	n, err := b.NextSequence()
	if err != nil {
		return err
	}
	return putJSON(b, join(graduateID, u64(n)), v)
}

func listCase[T any](s *Store, ctx context.Context, bucket []byte, graduateID string) ([]T, error) {
	var out []T
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		prefix := join(graduateID, nil)
		c := tx.Bucket(bucket).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			if len(k) != len(prefix)+8 {
				continue // another graduate whose ID extends this one
			}
			var e T
			if err := json.Unmarshal(v, &e); err != nil {
				return err
			}
			out = append(out, e)
		}
		return nil
	})
	return out, err
}

// logCase appends v to graduateID's casework in bucket, refusing an
// unknown graduate (ENOTFOUND).
func (s *Store) logCase(ctx context.Context, bucket []byte, graduateID string, v any) error {
	return s.update(ctx, func(tx *bbolt.Tx) error {
		if _, err := getGraduate(tx, graduateID); err != nil {
			return err
		}
		return appendCase(tx, bucket, graduateID, v)
	})
}

// LogContact appends to a graduate's contact log.
func (s *Store) LogContact(ctx context.Context, e matcher.ContactEntry) error {
	if err := store.PrepareContact(&e, s.now()); err != nil {
		return err
	}
	return s.logCase(ctx, bContacts, e.GraduateID, &e)
}

// Contacts returns a graduate's contact log, oldest first.
func (s *Store) Contacts(ctx context.Context, graduateID string) ([]matcher.ContactEntry, error) {
	return listCase[matcher.ContactEntry](s, ctx, bContacts, graduateID)
}

// EditShortlist appends to a graduate's shortlist edits.
func (s *Store) EditShortlist(ctx context.Context, e matcher.ShortlistEdit) error {
	if err := store.PrepareShortlistEdit(&e, s.now()); err != nil {
		return err
	}
	return s.logCase(ctx, bShortlist, e.GraduateID, &e)
}

// ShortlistEdits returns a graduate's shortlist edits, oldest first.
func (s *Store) ShortlistEdits(ctx context.Context, graduateID string) ([]matcher.ShortlistEdit, error) {
	return listCase[matcher.ShortlistEdit](s, ctx, bShortlist, graduateID)
}
