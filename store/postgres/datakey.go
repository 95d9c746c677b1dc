package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store"
)

// Settings rows of the data key: the check value of the key the data is
// under, and while a rotation runs, the check value of the key it moves to.
const (
	settingKeyCheck  = "data_key_check"
	settingRotatesTo = "data_key_rotating_to"
)

// checkDataKey refuses a store opened without the key its data is under. A
// fresh database takes the current key. A database whose key is one of the
// ring's previous keys opens too (a rotation is due or under way: reads
// open both keys' boxes, writes use the current one); one that is moving
// to a key this process does not hold does not, since the rows already
// moved would not decrypt.
func (s *Store) checkDataKey(ctx context.Context) error {
	var stored []byte
	err := s.pool.QueryRow(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2)
		ON CONFLICT (key) DO UPDATE SET key = settings.key RETURNING value`, settingKeyCheck, s.keys.Check()).Scan(&stored)
	if err != nil {
		return err
	}
	if !s.keys.Knows(stored) {
		return errors.New("the data key is not the one this database was written with: personal data would not decrypt")
	}
	var target []byte
	err = s.pool.QueryRow(ctx, `SELECT value FROM settings WHERE key = $1`, settingRotatesTo).Scan(&target)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	} else if err != nil {
		return err
	}
	if !s.keys.Knows(target) {
		return fmt.Errorf("a data key rotation to another key is under way: open with the new key as the data key and this one as the old key")
	}
	return nil
}

var _ matcher.DataKeyRotator = (*Store)(nil)

// rotateBatch is how many records one transaction of a rotation re-seals.
const rotateBatch = 500

// RotateDataKey re-seals graduates' personal data, casework notes, the
// batch's lists, staff names, feedback events' posts and audit entries'
// details that are not under the current key (a previous key's, version 1
// boxes, notes written in the clear before schema version 2, lists before
// version 5, posts and details before version 6), a batch of rows per
// transaction, then records the current key as the database's. While it
// runs, the settings row data_key_rotating_to makes processes that hold
// only the old key refuse to open (they could not read the moved rows).
// Rows changed by others meanwhile are sealed by them under the current
// key already: each UPDATE re-checks the box it read.
func (s *Store) RotateDataKey(ctx context.Context, progress func(int)) (int, error) {
	check := s.keys.Check()
	err := s.retry(ctx, "rotate data key", func(ctx context.Context, _ int) error {
		_, err := s.pool.Exec(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, settingRotatesTo, check)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("rotate data key: %w", err)
	}
	done := 0
	report := func(n int) {
		done += n
		if progress != nil {
			progress(done)
		}
	}
	if err := s.resealGraduates(ctx, report); err != nil {
		return done, err
	}
	for _, table := range []string{"contact_log", "shortlist_edits", shortlistPost} {
		if err := s.resealNotes(ctx, table, report); err != nil {
			return done, err
		}
	}
	if err := s.resealLists(ctx, report); err != nil {
		return done, err
	}
	if err := s.resealUsers(ctx, report); err != nil {
		return done, err
	}
	if err := s.resealFeedback(ctx, report); err != nil {
		return done, err
	}
	if err := s.resealAudit(ctx, report); err != nil {
		return done, err
	}
	err = s.tx(ctx, "finish data key rotation", func(ctx context.Context, tx pgx.Tx, _ int) error {
		if _, err := tx.Exec(ctx, `UPDATE settings SET value = $2 WHERE key = $1`, settingKeyCheck, check); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `DELETE FROM settings WHERE key = $1`, settingRotatesTo)
		return err
	})
	return done, err
}

// resealPages re-seals the rows sel selects, a page per transaction: sel
// takes the cursor ($1, the last row of the previous page), the current
// key's box prefix ($2) and the page size ($3) and locks what it selects;
// scan reads a row, reseal writes it back under the current key, cursor
// is the row's place for the next page.
func resealPages[R any](ctx context.Context, s *Store, what, sel string, after any, scan func(pgx.CollectableRow) (R, error),
	cursor func(R) any, reseal func(context.Context, pgx.Tx, R) error, report func(int)) error {
	for {
		var page []R
		err := s.tx(ctx, "re-seal "+what, func(ctx context.Context, tx pgx.Tx, _ int) error {
			rows, err := tx.Query(ctx, sel, after, s.keys.Prefix(), rotateBatch)
			if err != nil {
				return err
			}
			page, err = pgx.CollectRows(rows, scan)
			if err != nil {
				return err
			}
			for _, r := range page {
				if err := reseal(ctx, tx, r); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		if len(page) == 0 {
			return nil
		}
		report(len(page))
		after = cursor(page[len(page)-1])
	}
}

type sealedRow struct {
	n        int64
	id       string
	doc, box []byte // graduates: the document and the personal data
	note     string // casework: a note written in the clear
}

// resealGraduates moves graduates' sealed personal data to the current
// key, in ID order.
func (s *Store) resealGraduates(ctx context.Context, report func(int)) error {
	return resealPages(ctx, s, "graduates", `SELECT id, doc, pii FROM graduates
		WHERE id > $1 AND substring(pii FROM 1 FOR 5) <> $2 ORDER BY id LIMIT $3 FOR UPDATE`, "",
		func(rows pgx.CollectableRow) (sealedRow, error) {
			var r sealedRow
			err := rows.Scan(&r.id, &r.doc, &r.box)
			return r, err
		},
		func(r sealedRow) any { return r.id },
		func(ctx context.Context, tx pgx.Tx, r sealedRow) error {
			g, err := store.OpenGraduate(s.keys, r.id, r.doc, r.box)
			if err != nil {
				return err
			}
			sg, err := store.SealGraduate(s.keys, *g)
			if err != nil {
				return err
			}
			_, err = tx.Exec(ctx, `UPDATE graduates SET doc = $2, pii = $3, pii_mac = $4, nid_hash = $5 WHERE id = $1`,
				r.id, sg.Doc, sg.Box, sg.MAC, sg.NID)
			return err
		}, report)
}

// resealNotes seals the notes of table (contact_log or shortlist_edits),
// or with shortlistPost the posts of shortlist_edits, that are in the
// clear or under another key.
func (s *Store) resealNotes(ctx context.Context, table string, report func(int)) error {
	sel := `SELECT n, id, note, note_box FROM contact_log
		WHERE n > $1 AND (note <> '' OR substring(note_box FROM 1 FOR 5) <> $2) ORDER BY n LIMIT $3 FOR UPDATE`
	upd := `UPDATE contact_log SET note = '', note_box = $2 WHERE n = $1`
	switch table {
	case "shortlist_edits":
		sel = strings.Replace(sel, "contact_log", "shortlist_edits", 1)
		upd = strings.Replace(upd, "contact_log", "shortlist_edits", 1)
	case shortlistPost: // the edits' posts, sealed like their notes
		sel = `SELECT n, id, post_id, post_box FROM shortlist_edits
		WHERE n > $1 AND (post_id <> '' OR substring(post_box FROM 1 FOR 5) <> $2) ORDER BY n LIMIT $3 FOR UPDATE`
		upd = `UPDATE shortlist_edits SET post_id = '', post_box = $2 WHERE n = $1`
	}
	return resealPages(ctx, s, table, sel, int64(0),
		func(rows pgx.CollectableRow) (sealedRow, error) {
			var r sealedRow
			err := rows.Scan(&r.n, &r.id, &r.note, &r.box)
			return r, err
		},
		func(r sealedRow) any { return r.n },
		func(ctx context.Context, tx pgx.Tx, r sealedRow) error {
			note, err := s.openNote(table, r.id, r.note, r.box)
			if err != nil {
				return err
			}
			box, _ := s.sealNote(table, r.id, note)
			_, err = tx.Exec(ctx, upd, r.n, box)
			return err
		}, report)
}

// resealUsers seals staff accounts' full names and phones written in the
// clear (before they were sealed) or under another key. Accounts are few
// (the bureau's staff): one transaction.
func (s *Store) resealUsers(ctx context.Context, report func(int)) error {
	n := 0
	err := s.tx(ctx, "re-seal users", func(ctx context.Context, tx pgx.Tx, _ int) error {
		n = 0
		rows, err := tx.Query(ctx, `SELECT id, doc FROM users ORDER BY id FOR UPDATE`)
		if err != nil {
			return err
		}
		type row struct {
			id  string
			doc []byte
		}
		all, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (row, error) {
			var x row
			err := r.Scan(&x.id, &x.doc)
			return x, err
		})
		if err != nil {
			return err
		}
		for _, r := range all {
			if need, err := store.UserNeedsSealing(s.keys, r.doc); err != nil || !need {
				if err != nil {
					return fmt.Errorf("user %s: %w", r.id, err)
				}
				continue
			}
			u, err := store.OpenUser(s.keys, r.doc)
			if err != nil {
				return err
			}
			doc, err := store.UserDoc(s.keys, u, nil)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE users SET doc = $2 WHERE id = $1`, r.id, doc); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err == nil && n > 0 {
		report(n)
	}
	return err
}

// resealFeedback seals feedback events' posts written in the clear
// (before schema version 6) or under another key, in (source, id) order.
func (s *Store) resealFeedback(ctx context.Context, report func(int)) error {
	type row struct {
		source, id, post string
		box              []byte
	}
	return resealPages(ctx, s, "feedback", `SELECT source, id, post_id, post_box FROM feedback
		WHERE (source, id) > (($1::text[])[1], ($1::text[])[2]) AND (post_id <> '' OR substring(post_box FROM 1 FOR 5) <> $2)
		ORDER BY source, id LIMIT $3 FOR UPDATE`, []string{"", ""},
		func(rows pgx.CollectableRow) (row, error) {
			var r row
			err := rows.Scan(&r.source, &r.id, &r.post, &r.box)
			return r, err
		},
		func(r row) any { return []string{r.source, r.id} },
		func(ctx context.Context, tx pgx.Tx, r row) error {
			e := matcher.FeedbackEvent{Source: r.source, ID: r.id, PostID: r.post}
			if err := s.openFeedbackPost(&e, r.box); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `UPDATE feedback SET post_id = '', post_box = $3 WHERE source = $1 AND id = $2`,
				r.source, r.id, s.keys.Seal([]byte(e.PostID), store.FeedbackPostAAD(r.source, r.id)))
			return err
		}, report)
}

// resealAudit seals the action and detail of audit entries naming a
// graduate that were written in the clear (before schema version 6) or
// are under another key, in the order they were written.
func (s *Store) resealAudit(ctx context.Context, report func(int)) error {
	type row struct {
		n   int64
		e   matcher.AuditEntry
		box []byte
	}
	return resealPages(ctx, s, "audit log", `SELECT n, id, graduate_id, action, detail, box FROM audit_log
		WHERE n > $1 AND ((graduate_id <> '' AND box IS NULL) OR substring(box FROM 1 FOR 5) <> $2)
		ORDER BY n LIMIT $3 FOR UPDATE`, int64(0),
		func(rows pgx.CollectableRow) (row, error) {
			var r row
			err := rows.Scan(&r.n, &r.e.ID, &r.e.GraduateID, &r.e.Action, &r.e.Detail, &r.box)
			return r, err
		},
		func(r row) any { return r.n },
		func(ctx context.Context, tx pgx.Tx, r row) error {
			if err := store.OpenAudit(s.keys, &r.e, r.box); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `UPDATE audit_log SET action = '', detail = '', box = $2 WHERE n = $1`, r.n, store.SealAudit(s.keys, r.e))
			return err
		}, report)
}
