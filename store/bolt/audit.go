package bolt

import (
	"context"
	"encoding/json"

	bbolt "go.etcd.io/bbolt"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store"
)

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
