package bolt

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"

	bbolt "go.etcd.io/bbolt"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store"
)

// Casework entries hold free-text notes, personal data as much as the
// graduate's record: each entry is sealed whole (store/seal), bound to its
// bucket and key. An entry written before the store sealed them is plain
// JSON; a data-key pass seals it.

func caseAAD(bucket, key []byte) []byte { return append(append(slices.Clone(bucket), 0), key...) }

// openCase returns an entry's JSON.
func (s *Store) openCase(bucket, k, v []byte) ([]byte, error) {
	if len(v) > 0 && v[0] == '{' {
		return v, nil // written in the clear, before entries were sealed
	}
	return s.keys.Open(v, caseAAD(bucket, k))
}

func (s *Store) appendCase(tx *bbolt.Tx, bucket []byte, graduateID string, v any) error {
	plain, err := json.Marshal(v)
	if err != nil {
		return err
	}
	b := tx.Bucket(bucket)
	n, err := b.NextSequence()
	if err != nil {
		return err
	}
	k := join(graduateID, u64(n))
	return b.Put(k, s.keys.Seal(plain, caseAAD(bucket, k)))
}

func listCase[T any](s *Store, ctx context.Context, bucket []byte, graduateID string) ([]T, error) {
	if s.keys == nil {
		return nil, store.ErrNoDataKey
	}
	var out []T
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		var err error
		out, err = readCase[T](s, tx, bucket, graduateID)
		return err
	})
	return out, err
}

// readCase reads and opens graduateID's casework entries in bucket, oldest
// first.
func readCase[T any](s *Store, tx *bbolt.Tx, bucket []byte, graduateID string) ([]T, error) {
	var out []T
	prefix := join(graduateID, nil)
	c := tx.Bucket(bucket).Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		if len(k) != len(prefix)+8 {
			continue // another graduate whose ID extends this one
		}
		plain, err := s.openCase(bucket, k, v)
		if err != nil {
			return nil, fmt.Errorf("%s %q: %w", bucket, k, err)
		}
		var e T
		if err := json.Unmarshal(plain, &e); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// logCase appends v to graduateID's casework in bucket, refusing an
// unknown graduate (ENOTFOUND).
func (s *Store) logCase(ctx context.Context, bucket []byte, graduateID string, v any) error {
	if s.keys == nil {
		return store.ErrNoDataKey
	}
	return s.update(ctx, func(tx *bbolt.Tx) error {
		if tx.Bucket(bGraduates).Get([]byte(graduateID)) == nil {
			return matcher.ErrNotFound("毕业生", graduateID)
		}
		return s.appendCase(tx, bucket, graduateID, v)
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

// UpdateShortlist runs decide on a graduate's edits and appends what it
// returns in one bbolt write transaction: bbolt runs one writer at a
// time, so no other update interleaves between the read and the append.
func (s *Store) UpdateShortlist(ctx context.Context, graduateID string, decide func([]matcher.ShortlistEdit) ([]matcher.ShortlistEdit, error)) error {
	if s.keys == nil {
		return store.ErrNoDataKey
	}
	return s.update(ctx, func(tx *bbolt.Tx) error {
		if tx.Bucket(bGraduates).Get([]byte(graduateID)) == nil {
			return matcher.ErrNotFound("毕业生", graduateID)
		}
		cur, err := readCase[matcher.ShortlistEdit](s, tx, bShortlist, graduateID)
		if err != nil {
			return err
		}
		add, err := decide(cur)
		if err != nil {
			return err
		}
		for i := range add {
			e := &add[i]
			e.GraduateID = graduateID
			if err := store.PrepareShortlistEdit(e, s.now()); err != nil {
				return err
			}
			if err := s.appendCase(tx, bShortlist, graduateID, e); err != nil {
				return err
			}
		}
		return nil
	})
}
