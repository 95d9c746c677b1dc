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
// and ID: the unique index of schema 13), so a retry after a commit whose
// acknowledgement was lost writes each entry once.
func (s *Store) AuditBatch(ctx context.Context, entries []matcher.AuditEntry) error {
	_, err := s.auditBatch(ctx, entries, nil)
	return err
}

// auditCommits is how many audit group commits the API keeps in flight at
// once (AuditConcurrency). With one, a request whose entry joined the
// group formed during a commit waited for that commit to return and then
// for its own: at 1,000–1,500 req/s open loop on two busy cores, with the
// database beside the server, a commit took 80–113 ms (median; its
// statement ran 0.5 ms and its WAL flush 5 ms: the rest was the backend
// and the server's commit goroutine waiting for a core), and a request
// waited 43–61 ms (median) for the commit in flight before its own began;
// with two, 5–11 ms (benchmarks/RESULTS.md, session 30). A second commit
// on its own connection starts as soon as a group is demanded;
// PostgreSQL flushes WAL for concurrent commits together when they meet.
// The price is more, smaller groups: 0.17 transactions a request against
// 0.13–0.145, some 0.02 ms more of the database's CPU. Two, not more:
// each commit in flight holds one of the pool's connections.
const auditCommits = 2

// AuditConcurrency is how many AuditBatch calls to have in flight at once
// (api.AuditConcurrent): auditCommits, less one when the pool is that
// small, so that a graduate read always finds a connection.
func (s *Store) AuditConcurrency() int {
	return max(1, min(auditCommits, int(s.pool.Config().MaxConns)-1))
}

// AuditBatchCheck is AuditBatch that also returns the current version
// (GraduateVersion) of each graduate of check that exists, read by the
// same statement, so in the transaction that makes the entries durable:
// the API serves a graduate it holds in memory only when the version it
// holds is still the stored one when the read's entry is written, and
// pays no round trip of its own for asking.
func (s *Store) AuditBatchCheck(ctx context.Context, entries []matcher.AuditEntry, check []string) (map[string]int64, error) {
	return s.auditBatch(ctx, entries, check)
}

// auditInsert writes the entries of the arrays $1…$9. ORDER BY
// ordinality: n (bigserial) follows the order of entries, which
// AuditLog's "last written first" relies on.
const auditInsert = `INSERT INTO audit_log (id, at, key_id, role, action, graduate_id, detail, client, box)
	SELECT id, at, key_id, role, action, graduate_id, detail, client, box
	FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::bytea[])
		WITH ORDINALITY AS e(id, at, key_id, role, action, graduate_id, detail, client, box, ord)
	ORDER BY ord
	ON CONFLICT (graduate_id, id) DO NOTHING`

func (s *Store) auditBatch(ctx context.Context, entries []matcher.AuditEntry, check []string) (map[string]int64, error) {
	if len(entries) == 0 && len(check) == 0 {
		return nil, nil
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
	args := []any{ids, ats, keyIDs, roles, actions, graduateIDs, details, clients, boxes}
	if len(check) == 0 {
		return nil, s.retry(ctx, "audit batch", func(ctx context.Context, _ int) error {
			_, err := s.pool.Exec(ctx, auditInsert, args...)
			return err
		})
	}
	var versions map[string]int64
	err := s.retry(ctx, "audit batch", func(ctx context.Context, _ int) error {
		// The insert in WITH runs whether or not the SELECT reads it; both
		// see the snapshot the statement started with.
		rows, err := s.pool.Query(ctx, `WITH written AS (`+auditInsert+`)
			SELECT id, `+graduateVersion+` FROM graduates WHERE id = ANY($10)`, append(args, check)...)
		if err != nil {
			return err
		}
		versions = make(map[string]int64, len(check))
		var id string
		var v int64
		_, err = pgx.ForEachRow(rows, []any{&id, &v}, func() error {
			versions[id] = v
			return nil
		})
		return err
	})
	return versions, err
}

// AuditLog returns up to limit entries about graduateID ("" for all),
// newest (last written) first.
func (s *Store) AuditLog(ctx context.Context, graduateID string, limit int) ([]matcher.AuditEntry, error) {
	if limit <= 0 || limit > 10000 {
		limit = 100
	}
	// Two statements, not one with ($1 = '' OR graduate_id = $1): a plan
	// cached for that one statement serves both kinds of call, and a
	// generic plan could walk the whole log backwards by n for one
	// graduate's entries instead of taking them from the
	// (graduate_id, id) index.
	query, args := `SELECT id, at, key_id, role, action, graduate_id, detail, client, box FROM audit_log
		ORDER BY n DESC LIMIT $1`, []any{limit}
	if graduateID != "" {
		query, args = `SELECT id, at, key_id, role, action, graduate_id, detail, client, box FROM audit_log
		WHERE graduate_id = $1 ORDER BY n DESC LIMIT $2`, []any{graduateID, limit}
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
	}, query, args...)
}
