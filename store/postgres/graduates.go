package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store"
)

type gradRow struct {
	store.SealedGraduate
	hukou, residence, status string
}

func (s *Store) prepareGraduates(gs []matcher.Graduate) ([]gradRow, error) {
	rows := make([]gradRow, len(gs))
	for i := range gs {
		g := gs[i]
		if err := store.PrepareGraduate(&g); err != nil {
			return nil, err
		}
		sg, err := store.SealGraduate(s.keys, g)
		if err != nil {
			return nil, err
		}
		rows[i] = gradRow{sg, g.HukouDistrict, g.ResidenceDistrict, string(g.Status)}
	}
	return rows, nil
}

// UpsertGraduates writes graduates in one transaction (COPY, then upsert on
// id). Personal data is encrypted before it leaves the process; a change in
// it alone is detected through its keyed hash.
func (s *Store) UpsertGraduates(ctx context.Context, gs []matcher.Graduate) ([]matcher.UpsertOutcome, error) {
	rows, err := s.prepareGraduates(gs)
	if err != nil {
		return nil, err
	}
	return writeTx(ctx, s, "upsert graduates", rows, upsertGraduates)
}

var graduateUpsert = copyUpsert[gradRow]{
	temp: "jm_tmp_graduates",
	columns: `id text COLLATE "C", hukou_district text COLLATE "C", residence_district text COLLATE "C", status text,
		doc jsonb, pii bytea, pii_mac bytea, nid_hash bytea`,
	names: []string{"id", "hukou_district", "residence_district", "status", "doc", "pii", "pii_mac", "nid_hash"},
	values: func(_ int, r *gradRow) []any {
		return []any{r.ID, r.hukou, r.residence, r.status, r.Doc, r.Box, r.MAC, r.NID}
	},
	id: func(r *gradRow) string { return r.ID },
	insert: `INSERT INTO graduates AS g
			(id, hukou_district, residence_district, status, doc, pii, pii_mac, nid_hash, updated_at)
		SELECT id, hukou_district, residence_district, status, doc, pii, pii_mac, nid_hash, coalesce($1::timestamptz, now()) FROM jm_tmp_graduates
		ON CONFLICT (id) DO UPDATE SET
			hukou_district = excluded.hukou_district, residence_district = excluded.residence_district,
			status = excluded.status, doc = excluded.doc, pii = excluded.pii, pii_mac = excluded.pii_mac,
			nid_hash = excluded.nid_hash, updated_at = excluded.updated_at
		WHERE g.doc IS DISTINCT FROM excluded.doc OR g.pii_mac IS DISTINCT FROM excluded.pii_mac
		RETURNING g.id, (g.xmax = 0)`,
}

func upsertGraduates(ctx context.Context, tx pgx.Tx, rows []gradRow, at *time.Time) ([]matcher.UpsertOutcome, error) {
	return graduateUpsert.run(ctx, tx, rows, at)
}

const gradColumns = `id, doc, pii, updated_at`

// scanGraduate reads a row of gradColumns, and the columns after them
// into more.
func (s *Store) scanGraduate(row pgx.Row, more ...any) (*matcher.Graduate, error) {
	var id string
	var doc, box []byte
	var updated time.Time
	if err := row.Scan(append([]any{&id, &doc, &box, &updated}, more...)...); err != nil {
		return nil, err
	}
	g, err := store.OpenGraduate(s.keys, id, doc, box)
	if err != nil {
		return nil, err
	}
	g.UpdatedAt = updated
	return g, nil
}

// Graduate returns one graduate with personal data decrypted; ENOTFOUND
// when missing.
func (s *Store) Graduate(ctx context.Context, id string) (*matcher.Graduate, error) {
	if !store.ValidID(id) {
		return nil, matcher.ErrNotFound("毕业生", id)
	}
	var g *matcher.Graduate
	err := s.retry(ctx, "graduate", func(ctx context.Context, _ int) error {
		var err error
		g, err = s.scanGraduate(s.pool.QueryRow(ctx, `SELECT `+gradColumns+` FROM graduates WHERE id = $1`, id))
		if errors.Is(err, pgx.ErrNoRows) {
			return matcher.ErrNotFound("毕业生", id)
		}
		return err
	})
	return g, err
}

// graduateVersion is a graduates row's version: the transaction that
// wrote it (xmin), which every write of the row changes (an UPDATE writes
// a new row version, whatever it changes), as a number.
const graduateVersion = `xmin::text::bigint`

// GraduateVersion is Graduate with the version of the row it was read
// from: AuditBatchCheck says whether it is still the stored one.
func (s *Store) GraduateVersion(ctx context.Context, id string) (*matcher.Graduate, int64, error) {
	if !store.ValidID(id) {
		return nil, 0, matcher.ErrNotFound("毕业生", id)
	}
	var g *matcher.Graduate
	var version int64
	err := s.retry(ctx, "graduate", func(ctx context.Context, _ int) error {
		var err error
		g, err = s.scanGraduate(s.pool.QueryRow(ctx, `SELECT `+gradColumns+`, `+graduateVersion+` FROM graduates WHERE id = $1`, id), &version)
		if errors.Is(err, pgx.ErrNoRows) {
			return matcher.ErrNotFound("毕业生", id)
		}
		return err
	})
	return g, version, err
}

// GraduateByNationalID finds a graduate through the keyed hash of the
// national ID (the lowest ID when the ledger holds it twice), under every
// key of the ring: during a rotation a row may still hold the old key's.
func (s *Store) GraduateByNationalID(ctx context.Context, nid string) (*matcher.Graduate, error) {
	var g *matcher.Graduate
	err := s.retry(ctx, "graduate by national id", func(ctx context.Context, _ int) error {
		var err error
		g, err = s.scanGraduate(s.pool.QueryRow(ctx, `SELECT `+gradColumns+` FROM graduates WHERE nid_hash = ANY($1) ORDER BY id LIMIT 1`,
			s.keys.MACs("nid", []byte(nid))))
		if errors.Is(err, pgx.ErrNoRows) {
			return matcher.ErrNotFound("毕业生", matcher.MaskNationalID(nid))
		}
		return err
	})
	return g, err
}

// EachGraduate walks the graduates the filter selects in ID order, a page
// per query; a District filter uses the hukou and residence indexes.
func (s *Store) EachGraduate(ctx context.Context, f matcher.GraduateFilter, fn func(*matcher.Graduate) error) error {
	var ids []string
	if len(f.IDs) > 0 {
		ids = f.IDs
	}
	var since *time.Time
	if !f.UpdatedSince.IsZero() {
		since = &f.UpdatedSince
	}
	// An ID range's upper bound is in the query only when there is one, so
	// that it bounds the index scan rather than filtering every row after
	// it (a parameter that may be '' does not).
	upper := ""
	if f.IDTo != "" {
		upper = "AND id < $8"
	}
	return eachPage(ctx, s, "each graduate", func(rows pgx.Rows) (*matcher.Graduate, error) { return s.scanGraduate(rows) },
		func(g *matcher.Graduate) string { return g.ID },
		func(g *matcher.Graduate) bool { return store.MatchGraduate(&f, g) }, fn,
		`SELECT `+gradColumns+` FROM graduates
			WHERE id > $1
			  AND ($2 = '' OR hukou_district = $2 OR residence_district = $2)
			  AND ($3 = '' OR status = $3)
			  AND ($4::text[] IS NULL OR id = ANY($4))
			  AND ($6::timestamptz IS NULL OR updated_at >= $6)
			  AND id >= $7 `+upper+`
			ORDER BY id LIMIT $5`,
		func(after string) []any {
			args := []any{after, f.District, string(f.Status), ids, pageSize, since, f.IDFrom}
			if upper != "" {
				args = append(args, f.IDTo)
			}
			return args
		})
}

// EachGraduateKey walks the graduates' IDs, statuses and write times in ID
// order, a page per query, reading the row's own columns only: the sealed
// personal data and the document are not fetched or decoded (a TOASTed
// doc is not even read), which is what makes the sharded run's coordinator
// cheap (matcher/batch.Prepare). The status column is written with the
// document's status by every upsert.
func (s *Store) EachGraduateKey(ctx context.Context, statuses []matcher.GraduateStatus, fn func(matcher.GraduateKey) error) error {
	var sts []string
	if statuses != nil {
		sts = make([]string, len(statuses))
		for i, st := range statuses {
			sts[i] = string(st)
		}
	}
	return eachPage(ctx, s, "each graduate key", func(rows pgx.Rows) (matcher.GraduateKey, error) {
		var k matcher.GraduateKey
		err := rows.Scan(&k.ID, &k.Status, &k.UpdatedAt)
		return k, err
	},
		func(k matcher.GraduateKey) string { return k.ID },
		func(matcher.GraduateKey) bool { return true }, fn,
		`SELECT id, status, updated_at FROM graduates
			WHERE id > $1 AND ($2::text[] IS NULL OR status = ANY($2))
			ORDER BY id LIMIT $3`,
		func(after string) []any { return []any{after, sts, keyPageSize} })
}

// keyPageSize is EachGraduateKey's page: its rows are a few dozen bytes,
// so pages many times EachGraduate's cost fewer round trips for the same
// memory.
const keyPageSize = 20 * pageSize

// GraduateStamp counts the graduates and finds the latest write, in one
// query that opens no personal data.
func (s *Store) GraduateStamp(ctx context.Context) (matcher.LedgerStamp, error) {
	var st matcher.LedgerStamp
	err := s.retry(ctx, "graduate stamp", func(ctx context.Context, _ int) error {
		var latest *time.Time
		if err := s.pool.QueryRow(ctx, `SELECT count(*), max(updated_at) FROM graduates`).Scan(&st.Count, &latest); err != nil {
			return err
		}
		if latest != nil {
			st.Latest = *latest
		}
		return nil
	})
	return st, err
}

// DeleteGraduate removes a graduate and everything derived from them, in one
// transaction: every run's recommendations with their plan items (so the
// current run and any export made later), feedback, contact log and shortlist edits. Audit
// entries, which hold only the ID, remain.
func (s *Store) DeleteGraduate(ctx context.Context, id string) error {
	if !store.ValidID(id) {
		return matcher.ErrNotFound("毕业生", id)
	}
	return s.tx(ctx, "delete graduate", func(ctx context.Context, tx pgx.Tx, attempt int) error {
		tag, err := tx.Exec(ctx, `DELETE FROM graduates WHERE id = $1`, id)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 && attempt == 1 {
			return matcher.ErrNotFound("毕业生", id)
		}
		if err := deleteLists(ctx, tx, s, id); err != nil {
			return err
		}
		for _, q := range []string{
			// Only the ledger's events (matcher.IsLedgerSource): a portal's
			// graduate_id is its own and may equal a ledger ID by chance.
			`DELETE FROM feedback WHERE graduate_id = $1 AND source LIKE 'key:%'`,
			`DELETE FROM contact_log WHERE graduate_id = $1`,
			`DELETE FROM shortlist_edits WHERE graduate_id = $1`,
		} {
			if _, err := tx.Exec(ctx, q, id); err != nil {
				return err
			}
		}
		return nil
	})
}
