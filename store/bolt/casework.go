package bolt

import (
	"bytes"
	"context"
	"encoding/json"

	bbolt "go.etcd.io/bbolt"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store"
)

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
