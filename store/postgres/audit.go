package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store"
)

// Audit appends an entry to the audit log (once, even when retried). The
// action and detail of an entry naming a graduate are sealed
// (store.SealAudit).
func (s *Store) Audit(ctx context.Context, e matcher.AuditEntry) error {
	return s.AuditBatch(ctx, []matcher.AuditEntry{e})
}

// AuditBatch appends entries to the audit log in one statement (so one
// transaction and one WAL flush), in order: the API's group commit hands
// it a caseload page's reads at once. IDs are filled in before the first
// attempt and ON CONFLICT skips an entry already written (its graduate
// and ID: the unique index of schema 12), so a retry after a commit whose
// acknowledgement was lost writes each entry once.
func (s *Store) AuditBatch(ctx context.Context, entries []matcher.AuditEntry) error {
	if len(entries) == 0 {
		return nil
	}
	n := len(entries)
	ids, keyIDs, roles := make([]string, n), make([]string, n), make([]string, n)
	actions, graduateIDs, details, clients := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	ats, boxes := make([]time.Time, n), make([][]byte, n)
	now := s.now()
	for i, e := range entries {
		store.PrepareAudit(&e, now)
		ids[i], ats[i], keyIDs[i], roles[i] = e.ID, e.At, e.KeyID, string(e.Role)
		actions[i], graduateIDs[i], details[i], clients[i] = e.Action, e.GraduateID, e.Detail, e.Client
		if boxes[i] = store.SealAudit(s.keys, e); boxes[i] != nil {
			actions[i], details[i] = "", ""
		}
	}
	return s.retry(ctx, "audit batch", func(ctx context.Context, _ int) error {
		// ORDER BY ordinality: n (bigserial) follows the order of entries,
		// which AuditLog's "last written first" relies on.
		_, err := s.pool.Exec(ctx, `INSERT INTO audit_log (id, at, key_id, role, action, graduate_id, detail, client, box)
			SELECT id, at, key_id, role, action, graduate_id, detail, client, box
			FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::bytea[])
				WITH ORDINALITY AS e(id, at, key_id, role, action, graduate_id, detail, client, box, ord)
			ORDER BY ord
			ON CONFLICT (graduate_id, id) DO NOTHING`,
			ids, ats, keyIDs, roles, actions, graduateIDs, details, clients, boxes)
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
		var box []byte
		if err := rows.Scan(&e.ID, &e.At, &e.KeyID, &role, &e.Action, &e.GraduateID, &e.Detail, &e.Client, &box); err != nil {
			return e, err
		}
		e.Role = matcher.Role(role)
		return e, store.OpenAudit(s.keys, &e, box)
	}, `SELECT id, at, key_id, role, action, graduate_id, detail, client, box FROM audit_log
		WHERE ($1 = '' OR graduate_id = $1) ORDER BY n DESC LIMIT $2`, graduateID, limit)
}
