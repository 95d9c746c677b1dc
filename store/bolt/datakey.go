package bolt

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store"
)

// The data key's entries in bMeta: the check value of the key the file's
// personal data is under, and during a rotation the key it moves to.
var (
	metaKeyCheck  = []byte("data_key_check")
	metaRotatesTo = []byte("data_key_rotating_to")
	// metaListsSealed and metaUsersSealed mark a file whose batch lists,
	// and staff accounts' names and phones, are all sealed: one written
	// before they were gets the mark from the pass Open runs.
	metaListsSealed = []byte("lists_sealed")
	metaUsersSealed = []byte("users_sealed")
	// metaEventsSealed marks a file whose feedback events, and audit
	// entries naming a graduate, are all sealed (store/events.go).
	metaEventsSealed = []byte("events_sealed")
)

var _ matcher.DataKeyRotator = (*Store)(nil)

// checkDataKey refuses keys the file's personal data is not under. A new
// file takes the current key; a file without a key check that already
// holds graduates or casework was written in the clear, and one without
// the lists mark that holds batch lists has lists in the clear: legacy
// reports either, so that Open seals them.
func (s *Store) checkDataKey() (legacy bool, err error) {
	err = s.db.Update(func(tx *bbolt.Tx) error {
		meta := tx.Bucket(bMeta)
		for _, m := range []struct{ mark, bucket []byte }{{metaListsSealed, bRecs}, {metaUsersSealed, bUsers},
			{metaEventsSealed, bFeedback}, {metaEventsSealed, bAudit}} {
			if meta.Get(m.mark) != nil {
				continue
			}
			if k, _ := tx.Bucket(m.bucket).Cursor().First(); k != nil {
				legacy = true
			}
		}
		for _, mark := range [][]byte{metaListsSealed, metaUsersSealed, metaEventsSealed} {
			if !legacy && meta.Get(mark) == nil {
				if err := meta.Put(mark, []byte{1}); err != nil {
					return err
				}
			}
		}
		stored := meta.Get(metaKeyCheck)
		if stored == nil {
			for _, b := range [][]byte{bGraduates, bContacts, bShortlist} {
				if k, _ := tx.Bucket(b).Cursor().First(); k != nil {
					legacy = true
				}
			}
			return meta.Put(metaKeyCheck, s.keys.Check())
		}
		if !s.keys.Knows(stored) {
			return errors.New("the data key is not the one this store's personal data was written with: it would not decrypt")
		}
		if target := meta.Get(metaRotatesTo); target != nil && !s.keys.Knows(target) {
			return errors.New("a data key rotation to another key is under way: open with the new key as the data key and this one as the old key")
		}
		return nil
	})
	return legacy, err
}

// rotateBatch is how many records one transaction of a rotation re-seals.
const rotateBatch = 500

// RotateDataKey re-seals every graduate's personal data, every casework
// entry, every batch list and every staff account's name and phone not
// under the current key (a previous key's,
// or written in the clear), rotateBatch records per transaction, records the current key as
// the file's, and compacts the file into a new one so that freed pages do
// not keep what the old key (or no key) protected.
func (s *Store) RotateDataKey(ctx context.Context, progress func(int)) (int, error) {
	if s.keys == nil {
		return 0, store.ErrNoDataKey
	}
	if err := s.update(ctx, func(tx *bbolt.Tx) error {
		return tx.Bucket(bMeta).Put(metaRotatesTo, s.keys.Check())
	}); err != nil {
		return 0, err
	}
	done := 0
	for _, pass := range []struct {
		bucket []byte
		reseal func(tx *bbolt.Tx, k, v []byte) (bool, error)
	}{{bGraduates, s.resealGraduate}, {bContacts, s.resealCase(bContacts)}, {bShortlist, s.resealCase(bShortlist)}, {bRecs, s.resealList}, {bUsers, s.resealUser},
		{bFeedback, s.resealCase(bFeedback)}, {bAudit, s.resealAudit}} {
		var after []byte
		for {
			n, last, err := s.resealPage(ctx, pass.bucket, after, pass.reseal)
			if err != nil {
				return done, fmt.Errorf("re-seal %s: %w", pass.bucket, err)
			}
			if n > 0 {
				done += n
				if progress != nil {
					progress(done)
				}
			}
			if last == nil {
				break
			}
			after = last
		}
	}
	err := s.update(ctx, func(tx *bbolt.Tx) error {
		meta := tx.Bucket(bMeta)
		if err := meta.Put(metaKeyCheck, s.keys.Check()); err != nil {
			return err
		}
		for _, mark := range [][]byte{metaListsSealed, metaUsersSealed, metaEventsSealed} {
			if err := meta.Put(mark, []byte{1}); err != nil {
				return err
			}
		}
		return meta.Delete(metaRotatesTo)
	})
	if err != nil {
		return done, err
	}
	if done > 0 {
		if err := s.compact(); err != nil {
			return done, fmt.Errorf("compact after re-sealing: %w", err)
		}
	}
	return done, nil
}

// resealPage walks up to rotateBatch records of bucket after key after in
// one write transaction, re-sealing those reseal says needed it. It
// returns how many it re-sealed and the last key walked (nil at the end).
func (s *Store) resealPage(ctx context.Context, bucket, after []byte, reseal func(tx *bbolt.Tx, k, v []byte) (bool, error)) (int, []byte, error) {
	n := 0
	var last []byte
	err := s.update(ctx, func(tx *bbolt.Tx) error {
		n, last = 0, nil
		c := tx.Bucket(bucket).Cursor()
		var keys, vals [][]byte
		k, v := c.First()
		if after != nil {
			k, v = c.Seek(after)
			if bytes.Equal(k, after) {
				k, v = c.Next()
			}
		}
		for ; k != nil && len(keys) < rotateBatch; k, v = c.Next() {
			keys, vals = append(keys, slices.Clone(k)), append(vals, slices.Clone(v))
		}
		for i, k := range keys {
			did, err := reseal(tx, k, vals[i])
			if err != nil {
				return err
			}
			if did {
				n++
			}
		}
		if len(keys) == rotateBatch {
			last = keys[len(keys)-1]
		}
		return nil
	})
	return n, last, err
}

// resealGraduate re-seals one graduate unless its personal data is under
// the current key already, keeping its UpdatedAt.
func (s *Store) resealGraduate(tx *bbolt.Tx, k, v []byte) (bool, error) {
	id := string(k)
	var r gradRecord
	if _, err := decodeRecord(v, &r); err != nil {
		return false, fmt.Errorf("graduate %s: %w", id, err)
	}
	if r.Doc != nil && s.keys.Current(tx.Bucket(bGradPII).Get(k)) {
		return false, nil
	}
	g, err := s.getGraduate(tx, id)
	if err != nil {
		return false, err
	}
	if err := s.unindexGraduate(tx, id); err != nil {
		return false, err
	}
	sg, err := store.SealGraduate(s.keys, *g)
	if err != nil {
		return false, err
	}
	body, err := json.Marshal(gradRecord{Doc: sg.Doc, MAC: sg.MAC, NID: sg.NID})
	if err != nil {
		return false, err
	}
	if err := tx.Bucket(bGraduates).Put(k, append(slices.Clone(v[:8]), body...)); err != nil {
		return false, err
	}
	if err := tx.Bucket(bGradPII).Put(k, sg.Box); err != nil {
		return false, err
	}
	return true, indexGraduate(tx, g, sg.NID)
}

// resealCase returns the re-sealing of one entry of a casework bucket
// (contacts or shortlist edits), which leaves an entry under the current
// key as it is.
func (s *Store) resealCase(bucket []byte) func(tx *bbolt.Tx, k, v []byte) (bool, error) {
	return func(tx *bbolt.Tx, k, v []byte) (bool, error) {
		if s.keys.Current(v) {
			return false, nil
		}
		plain, err := s.openCase(bucket, k, v)
		if err != nil {
			return false, err
		}
		return true, tx.Bucket(bucket).Put(k, s.keys.Seal(plain, caseAAD(bucket, k)))
	}
}

// resealList re-seals one batch list (key: run ID, 0, graduate ID) and its
// plan items unless the list is under the current key already (the two
// are written in one transaction, so under the same key).
func (s *Store) resealList(tx *bbolt.Tx, k, v []byte) (bool, error) {
	if s.keys.Current(v) {
		return false, nil
	}
	runID, graduateID, ok := bytes.Cut(k, []byte{0})
	if !ok {
		return false, fmt.Errorf("list key %q without a run", k)
	}
	items, err := s.getList(tx, string(runID), string(graduateID), true)
	if err != nil {
		return false, err
	}
	return true, s.putList(tx, string(runID), string(graduateID), items)
}

// resealAudit seals the action and detail of an audit entry naming a
// graduate that are in the clear (written before they were sealed) or
// under another key.
func (s *Store) resealAudit(tx *bbolt.Tx, k, v []byte) (bool, error) {
	e, box, err := s.openAudit(v)
	if err != nil {
		return false, fmt.Errorf("audit entry %x: %w", k, err)
	}
	if !store.AuditSealed(e) || (box != nil && s.keys.Current(box)) {
		return false, nil
	}
	return true, s.putAudit(tx.Bucket(bAudit), k, e)
}

// resealUser seals a staff account's full name and phone under the
// current key unless they are already.
func (s *Store) resealUser(tx *bbolt.Tx, k, v []byte) (bool, error) {
	if need, err := store.UserNeedsSealing(s.keys, v); err != nil || !need {
		return false, err
	}
	u, err := store.OpenUser(s.keys, v)
	if err != nil {
		return false, err
	}
	doc, err := store.UserDoc(s.keys, u, nil)
	if err != nil {
		return false, err
	}
	return true, tx.Bucket(bUsers).Put(k, doc)
}

// compact copies the file into a new one (compactInto: bbolt.Compact
// writes only live pages) and replaces it, reopening the store on the
// copy.
func (s *Store) compact() error {
	s.foldMu.Lock()
	defer s.foldMu.Unlock()
	path := s.db.Path()
	tmp, err := compactInto(s.db, path, 0, nil)
	if err != nil {
		return err
	}
	if err := s.db.Close(); err != nil {
		return err
	}
	renameErr := os.Rename(tmp, path)
	if renameErr == nil {
		_ = syncFile(filepath.Dir(path)) // the rename, durable
	}
	// Reopened whatever happened: on a failed rename, the original file.
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{Timeout: 5 * time.Second, FreelistType: bbolt.FreelistMapType})
	if err != nil {
		return err
	}
	s.db = db
	return renameErr
}
