package bolt

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store"
)

// gradRecord is a graduate's record in bGraduates (after the 8 bytes of
// UpdatedAt): the document without personal data, the keyed hash that
// detects a change of the personal data, and the keyed hash of the
// national ID (its key in bGradNID). The personal data itself is sealed in
// bGradPII. A record written before the store sealed personal data is the
// plain matcher.Graduate JSON instead (no "g"); a data-key pass rewrites it.
type gradRecord struct {
	Doc json.RawMessage `json:"g"`
	MAC []byte          `json:"m"`
	NID []byte          `json:"n,omitempty"`
}

// legacyNIDKey is the unkeyed index key of records written before the store
// sealed personal data: a plain hash of an 18-digit ID, which a data-key
// pass replaces.
func legacyNIDKey(nid string) []byte {
	h := sha256.Sum256([]byte("jobmatch-nid\x00" + nid))
	return h[:]
}

func gradDistricts(g *matcher.Graduate) []string {
	var ds []string
	for _, d := range []string{g.HukouDistrict, g.ResidenceDistrict} {
		if d != "" && !slices.Contains(ds, d) {
			ds = append(ds, d)
		}
	}
	return ds
}

// readGradRecord reads the stored record of id: nil when there is none.
func readGradRecord(tx *bbolt.Tx, id string) (*gradRecord, time.Time, []byte, error) {
	return decodeGradRecord(id, tx.Bucket(bGraduates).Get([]byte(id)))
}

// decodeGradRecord decodes v, graduate id's stored record (nil: none).
func decodeGradRecord(id string, v []byte) (*gradRecord, time.Time, []byte, error) {
	if v == nil {
		return nil, time.Time{}, nil, nil
	}
	var r gradRecord
	t, err := decodeRecord(v, &r)
	if err != nil {
		return nil, t, nil, fmt.Errorf("graduate %s: %w", id, err)
	}
	return &r, t, v[8:], nil
}

// unindexGraduate removes the index entries of a stored graduate.
func (s *Store) unindexGraduate(tx *bbolt.Tx, id string) error {
	r, _, body, err := readGradRecord(tx, id)
	if err != nil || r == nil {
		return err
	}
	var districts []string
	nb := tx.Bucket(bGradNID)
	if r.Doc == nil { // a record in the clear
		var g matcher.Graduate
		if err := json.Unmarshal(body, &g); err != nil {
			return fmt.Errorf("graduate %s: %w", id, err)
		}
		districts = gradDistricts(&g)
		if g.NationalID != "" && string(nb.Get(legacyNIDKey(g.NationalID))) == id {
			if err := nb.Delete(legacyNIDKey(g.NationalID)); err != nil {
				return err
			}
		}
	} else {
		var g matcher.Graduate
		if err := json.Unmarshal(r.Doc, &g); err != nil {
			return fmt.Errorf("graduate %s: %w", id, err)
		}
		districts = gradDistricts(&g)
		if r.NID != nil && string(nb.Get(r.NID)) == id {
			if err := nb.Delete(r.NID); err != nil {
				return err
			}
		}
	}
	for _, d := range districts {
		if err := tx.Bucket(bGradDist).Delete(join(d, []byte(id))); err != nil {
			return err
		}
	}
	return nil
}

func indexGraduate(tx *bbolt.Tx, g *matcher.Graduate, nid []byte) error {
	for _, d := range gradDistricts(g) {
		if err := tx.Bucket(bGradDist).Put(join(d, []byte(g.ID)), nil); err != nil {
			return err
		}
	}
	if nid != nil {
		return tx.Bucket(bGradNID).Put(nid, []byte(g.ID))
	}
	return nil
}

// getGraduate reads and opens graduate id.
func (s *Store) getGraduate(tx *bbolt.Tx, id string) (*matcher.Graduate, error) {
	if s.keys == nil {
		return nil, store.ErrNoDataKey
	}
	v := tx.Bucket(bGraduates).Get([]byte(id))
	if g, ok, err := s.openGradRecord(tx, id, v); ok || err != nil {
		return g, err
	}
	r, t, body, err := decodeGradRecord(id, v)
	if err != nil {
		return nil, err
	}
	if r == nil {
		return nil, matcher.ErrNotFound("毕业生", id)
	}
	var g *matcher.Graduate
	if r.Doc == nil {
		g = new(matcher.Graduate)
		err = json.Unmarshal(body, g)
	} else {
		g, err = store.OpenGraduate(s.keys, id, r.Doc, tx.Bucket(bGradPII).Get([]byte(id)))
	}
	if err != nil {
		return nil, fmt.Errorf("graduate %s: %w", id, err)
	}
	g.UpdatedAt = t
	return g, nil
}

// UpsertGraduates writes graduates in one transaction, keeping the district
// and national-ID indexes in step. Personal data is sealed (store/seal).
func (s *Store) UpsertGraduates(ctx context.Context, gs []matcher.Graduate) ([]matcher.UpsertOutcome, error) {
	return upsertTx(s, ctx, "graduates", gs, s.upsertGraduates)
}

func (s *Store) upsertGraduates(tx *bbolt.Tx, gs []matcher.Graduate, now time.Time) ([]matcher.UpsertOutcome, error) {
	if s.keys == nil {
		return nil, store.ErrNoDataKey
	}
	sealed := make(map[string]store.SealedGraduate, len(gs))
	return putDocs(tx.Bucket(bGraduates), gs, now, func(g *matcher.Graduate) (string, []byte, error) {
		if err := store.PrepareGraduate(g); err != nil {
			return "", nil, err
		}
		sg, err := store.SealGraduate(s.keys, *g)
		if err != nil {
			return "", nil, err
		}
		sealed[g.ID] = sg
		body, err := json.Marshal(gradRecord{Doc: sg.Doc, MAC: sg.MAC, NID: sg.NID})
		return g.ID, body, err
	}, func(id string, _ []byte) error {
		return s.unindexGraduate(tx, id)
	}, func(g *matcher.Graduate, id string) error {
		sg := sealed[id]
		if err := tx.Bucket(bGradPII).Put([]byte(id), sg.Box); err != nil {
			return err
		}
		return indexGraduate(tx, g, sg.NID)
	})
}

// Graduate returns one graduate; ENOTFOUND when missing.
func (s *Store) Graduate(ctx context.Context, id string) (*matcher.Graduate, error) {
	var g *matcher.Graduate
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		var err error
		g, err = s.getGraduate(tx, id)
		return err
	})
	return g, err
}

// GraduateByNationalID finds a graduate by national ID through the index of
// its keyed hashes (under every key of the ring during a rotation, and the
// unkeyed hash of a record not yet sealed).
func (s *Store) GraduateByNationalID(ctx context.Context, nid string) (*matcher.Graduate, error) {
	if s.keys == nil {
		return nil, store.ErrNoDataKey
	}
	var g *matcher.Graduate
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		nb := tx.Bucket(bGradNID)
		for _, k := range append(s.keys.MACs("nid", []byte(nid)), legacyNIDKey(nid)) {
			if id := nb.Get(k); id != nil {
				var err error
				g, err = s.getGraduate(tx, string(id))
				return err
			}
		}
		return matcher.ErrNotFound("毕业生", matcher.MaskNationalID(nid))
	})
	return g, err
}

// EachGraduate calls fn for the graduates the filter selects, in ID order.
// A District filter reads only that district's index range.
func (s *Store) EachGraduate(ctx context.Context, f matcher.GraduateFilter, fn func(*matcher.Graduate) error) error {
	if f.District == "" {
		if s.keys == nil {
			return store.ErrNoDataKey
		}
		var want map[string]bool // f.IDs: only those are opened
		if len(f.IDs) > 0 {
			want = make(map[string]bool, len(f.IDs))
			for _, id := range f.IDs {
				want[id] = true
			}
		}
		return s.scanTx(ctx, bGraduates, nil, func(tx *bbolt.Tx, k, v []byte) (func() error, error) {
			if want != nil && !want[string(k)] {
				return nil, nil // not opened: not asked for (a batch run's pricing sample)
			}
			if !f.UpdatedSince.IsZero() && recordTime(v).Before(f.UpdatedSince) {
				return nil, nil // not opened: a catch-up read skips the rest cheaply
			}
			if !store.InIDRange(string(k), f.IDFrom, f.IDTo) {
				return nil, nil // not opened: another shard's slice
			}
			g, err := s.getGraduate(tx, string(k))
			if err != nil {
				return nil, err
			}
			if !store.MatchGraduate(&f, g) {
				return nil, nil
			}
			return func() error { return fn(g) }, nil
		})
	}
	prefix := join(f.District, nil)
	var ids []string
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		c := tx.Bucket(bGradDist).Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			ids = append(ids, string(k[len(prefix):]))
		}
		return nil
	})
	if err != nil {
		return err
	}
	for len(ids) > 0 {
		n := min(len(ids), pageSize)
		var page []*matcher.Graduate
		err := s.view(ctx, func(tx *bbolt.Tx) error {
			for _, id := range ids[:n] {
				g, err := s.getGraduate(tx, id)
				if matcher.ErrorCode(err) == matcher.ENOTFOUND {
					continue // deleted since the index was read
				} else if err != nil {
					return err
				}
				page = append(page, g)
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, g := range page {
			if store.MatchGraduate(&f, g) {
				if err := fn(g); err != nil {
					return err
				}
			}
		}
		ids = ids[n:]
	}
	return nil
}

// EachGraduateKey walks the graduates' IDs, statuses and write times in ID
// order, a page per read transaction. A record's time is its prefix and
// its status is read from its document alone: the sealed personal data
// (bGradPII) is not opened and no Graduate is decoded.
func (s *Store) EachGraduateKey(ctx context.Context, statuses []matcher.GraduateStatus, fn func(matcher.GraduateKey) error) error {
	return s.scanTx(ctx, bGraduates, nil, func(_ *bbolt.Tx, k, v []byte) (func() error, error) {
		st, err := gradRecordStatus(v)
		if err != nil {
			return nil, fmt.Errorf("graduate %s: %w", k, err)
		}
		if statuses != nil && !slices.Contains(statuses, st) {
			return nil, nil
		}
		key := matcher.GraduateKey{ID: string(k), Status: st, UpdatedAt: recordTime(v)}
		return func() error { return fn(key) }, nil
	})
}

// gradRecordStatus reads the status of a stored graduate record (v with
// its 8 bytes of time): from the document of a sealed record ("g"), or
// from the plain graduate JSON of a record written before sealing.
func gradRecordStatus(v []byte) (matcher.GraduateStatus, error) {
	if len(v) < 8 {
		return "", fmt.Errorf("corrupt record (%d bytes)", len(v))
	}
	// The sealed record's document through the store's own decoder (what
	// EachGraduate reads before it opens the personal data): encoding/json
	// over the whole record cost as much as opening the graduate.
	var g matcher.Graduate
	if readSealedGradRecord(v, &g) {
		return g.Status, nil
	}
	type status struct {
		Status matcher.GraduateStatus `json:"status"`
	}
	var r struct {
		Doc *status `json:"g"`
		status
	}
	if err := json.Unmarshal(v[8:], &r); err != nil {
		return "", err
	}
	if r.Doc != nil {
		return r.Doc.Status, nil
	}
	return r.Status, nil
}

// GraduateStamp counts the graduates and finds the latest write from the
// records' time prefixes, without opening any.
func (s *Store) GraduateStamp(ctx context.Context) (matcher.LedgerStamp, error) {
	var st matcher.LedgerStamp
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		c := tx.Bucket(bGraduates).Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			st.Count++
			if t := recordTime(v); t.After(st.Latest) {
				st.Latest = t
			}
		}
		return nil
	})
	return st, err
}

// DeleteGraduate removes a graduate and everything derived from them:
// indexes, every run's recommendations, feedback, contact log and
// shortlist edits. Audit entries (graduate ID only) remain.
func (s *Store) DeleteGraduate(ctx context.Context, id string) error {
	return s.update(ctx, func(tx *bbolt.Tx) error {
		if tx.Bucket(bGraduates).Get([]byte(id)) == nil {
			return matcher.ErrNotFound("毕业生", id)
		}
		if err := s.unindexGraduate(tx, id); err != nil {
			return err
		}
		if err := tx.Bucket(bGraduates).Delete([]byte(id)); err != nil {
			return err
		}
		if err := tx.Bucket(bGradPII).Delete([]byte(id)); err != nil {
			return err
		}
		recs := tx.Bucket(bRecs)
		if err := tx.Bucket(bRuns).ForEach(func(runID, _ []byte) error {
			if err := deletePlan(tx, s.keys, string(runID), id); err != nil {
				return err
			}
			// The list's digest goes with it: keyed, it names no post,
			// but it is derived from the list all the same.
			if err := tx.Bucket(bDigests).Delete(join(string(runID), []byte(id))); err != nil {
				return err
			}
			return recs.Delete(join(string(runID), []byte(id)))
		}); err != nil {
			return err
		}
		for _, b := range [][]byte{bContacts, bShortlist} {
			if err := deletePrefix(tx.Bucket(b), join(id, nil)); err != nil {
				return err
			}
		}
		fb, fbID := tx.Bucket(bFeedback), tx.Bucket(bFeedbackID)
		var doomed [][]byte
		err := fb.ForEach(func(k, v []byte) error {
			e, err := s.openFeedback(k, v)
			if err != nil {
				return err
			}
			// Only the ledger's events: a portal's graduate_id is its own
			// and may equal a ledger ID by chance.
			if e.GraduateID == id && matcher.IsLedgerSource(e.Source) {
				doomed = append(doomed, slices.Clone(k))
				if err := fbID.Delete(feedbackIDKey(e.Source, e.ID)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, k := range doomed {
			if err := fb.Delete(k); err != nil {
				return err
			}
		}
		return nil
	})
}

func deletePrefix(b *bbolt.Bucket, prefix []byte) error {
	var doomed [][]byte
	c := b.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		doomed = append(doomed, slices.Clone(k))
	}
	for _, k := range doomed {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}
