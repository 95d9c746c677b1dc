package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store"
)

// LogContact appends to a graduate's contact log.
func (s *Store) LogContact(ctx context.Context, e matcher.ContactEntry) error {
	if err := store.PrepareContact(&e, s.now()); err != nil {
		return err
	}
	box, err := s.sealNote("contact_log", e.ID, e.Note)
	if err != nil {
		return err
	}
	return s.appendCase(ctx, "log contact", "contact_log", e.ID, e.GraduateID, `INSERT INTO contact_log (id, graduate_id, at, key_id, method, outcome, note, note_box)
		SELECT $1, id, $3, $4, $5, $6, '', $7 FROM graduates WHERE id = $2
		ON CONFLICT (id) DO NOTHING`,
		e.ID, e.GraduateID, e.At, e.KeyID, e.Method, e.Outcome, box)
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
		var box []byte
		if err := rows.Scan(&e.ID, &e.GraduateID, &e.At, &e.KeyID, &e.Method, &e.Outcome, &e.Note, &box); err != nil {
			return e, err
		}
		var err error
		e.Note, err = s.openNote("contact_log", e.ID, e.Note, box)
		return e, err
	}, `SELECT id, graduate_id, at, key_id, method, outcome, note, note_box FROM contact_log
		WHERE graduate_id = $1 ORDER BY n`, graduateID)
}

// EditShortlist appends to a graduate's shortlist edits.
func (s *Store) EditShortlist(ctx context.Context, e matcher.ShortlistEdit) error {
	if err := store.PrepareShortlistEdit(&e, s.now()); err != nil {
		return err
	}
	box, err := s.sealNote("shortlist_edits", e.ID, e.Note)
	if err != nil {
		return err
	}
	post, err := s.sealNote(shortlistPost, e.ID, e.PostID)
	if err != nil {
		return err
	}
	return s.appendCase(ctx, "edit shortlist", "shortlist_edits", e.ID, e.GraduateID, `INSERT INTO shortlist_edits (id, graduate_id, post_id, action, key_id, at, note, note_box, post_box)
		SELECT $1, id, '', $3, $4, $5, '', $6, $7 FROM graduates WHERE id = $2
		ON CONFLICT (id) DO NOTHING`,
		e.ID, e.GraduateID, e.Action, e.KeyID, e.At, box, post)
}

// ShortlistEdits returns a graduate's shortlist edits, oldest first.
func (s *Store) ShortlistEdits(ctx context.Context, graduateID string) ([]matcher.ShortlistEdit, error) {
	return queryAll(ctx, s, "shortlist edits", func(rows pgx.Rows) (matcher.ShortlistEdit, error) {
		return s.scanEdit(rows)
	}, `SELECT id, graduate_id, post_id, action, key_id, at, note, note_box, post_box FROM shortlist_edits
		WHERE graduate_id = $1 ORDER BY n`, graduateID)
}

// sealNote seals a casework note, bound to its table and record ID; an
// empty note is NULL.
func (s *Store) sealNote(table, id, note string) ([]byte, error) {
	if note == "" {
		return nil, nil
	}
	return s.keys.Seal([]byte(note), noteAAD(table, id)), nil
}

// openNote returns a note: the sealed one, or (a row written before notes
// were sealed, not yet moved by a data-key pass) the plain one.
func (s *Store) openNote(table, id, plain string, box []byte) (string, error) {
	if box == nil {
		return plain, nil
	}
	b, err := s.keys.Open(box, noteAAD(table, id))
	if err != nil {
		return "", fmt.Errorf("%s %s: note: %w", table, id, err)
	}
	return string(b), nil
}

// shortlistPost labels the sealed post of a shortlist edit: which post a
// counselor put on a graduate's plan says what the list would (a
// 公益性岗位 is for hardship graduates only), so it is sealed like the
// note. Rows written before schema version 5 keep it in post_id until a
// data-key pass.
const shortlistPost = "shortlist_edits.post"

// scanEdit reads a shortlist edit (id, graduate_id, post_id, action,
// key_id, at, note, note_box, post_box), opening its note and its post.
func (s *Store) scanEdit(row pgx.Row) (matcher.ShortlistEdit, error) {
	var e matcher.ShortlistEdit
	var box, post []byte
	if err := row.Scan(&e.ID, &e.GraduateID, &e.PostID, &e.Action, &e.KeyID, &e.At, &e.Note, &box, &post); err != nil {
		return e, err
	}
	var err error
	if e.Note, err = s.openNote("shortlist_edits", e.ID, e.Note, box); err != nil {
		return e, err
	}
	e.PostID, err = s.openNote(shortlistPost, e.ID, e.PostID, post)
	return e, err
}

func noteAAD(table, id string) []byte { return []byte(table + "\x00" + id) }

// UpdateShortlist runs decide on a graduate's edits and appends what it
// returns in one transaction. The graduate's row is locked FOR UPDATE
// first, so a concurrent update of the same graduate's plan waits for
// this one to commit and then reads its edits: a limit decide checks
// cannot be passed by two updates at once. (Under READ COMMITTED each
// statement sees what committed before it began, and the edits are read
// after the lock is granted.)
func (s *Store) UpdateShortlist(ctx context.Context, graduateID string, decide func([]matcher.ShortlistEdit) ([]matcher.ShortlistEdit, error)) error {
	return s.tx(ctx, "update shortlist", func(ctx context.Context, tx pgx.Tx, _ int) error {
		var one int
		err := tx.QueryRow(ctx, `SELECT 1 FROM graduates WHERE id = $1 FOR UPDATE`, graduateID).Scan(&one)
		if errors.Is(err, pgx.ErrNoRows) {
			return matcher.ErrNotFound("毕业生", graduateID)
		} else if err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT id, graduate_id, post_id, action, key_id, at, note, note_box, post_box FROM shortlist_edits
			WHERE graduate_id = $1 ORDER BY n`, graduateID)
		if err != nil {
			return err
		}
		cur, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (matcher.ShortlistEdit, error) { return s.scanEdit(row) })
		if err != nil {
			return err
		}
		add, err := decide(cur)
		if err != nil {
			return err
		}
		for i := range add {
			e := add[i]
			e.GraduateID = graduateID
			if err := store.PrepareShortlistEdit(&e, s.now()); err != nil {
				return err
			}
			box, err := s.sealNote("shortlist_edits", e.ID, e.Note)
			if err != nil {
				return err
			}
			post, err := s.sealNote(shortlistPost, e.ID, e.PostID)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO shortlist_edits (id, graduate_id, post_id, action, key_id, at, note, note_box, post_box)
				VALUES ($1, $2, '', $3, $4, $5, '', $6, $7) ON CONFLICT (id) DO NOTHING`,
				e.ID, e.GraduateID, e.Action, e.KeyID, e.At, box, post); err != nil {
				return err
			}
		}
		return nil
	})
}
