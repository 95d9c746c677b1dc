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

func nidKey(nid string) []byte {
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

// unindexGraduate removes the index entries of a stored graduate.
func unindexGraduate(tx *bbolt.Tx, g *matcher.Graduate) error {
	for _, d := range gradDistricts(g) {
		if err := tx.Bucket(bGradDist).Delete(join(d, []byte(g.ID))); err != nil {
			return err
		}
	}
	if g.NationalID != "" {
		nb := tx.Bucket(bGradNID)
		if string(nb.Get(nidKey(g.NationalID))) == g.ID {
			return nb.Delete(nidKey(g.NationalID))
		}
	}
	return nil
}

func indexGraduate(tx *bbolt.Tx, g *matcher.Graduate) error {
	for _, d := range gradDistricts(g) {
		if err := tx.Bucket(bGradDist).Put(join(d, []byte(g.ID)), nil); err != nil {
			return err
		}
	}
	if g.NationalID != "" {
		return tx.Bucket(bGradNID).Put(nidKey(g.NationalID), []byte(g.ID))
	}
	return nil
}

func getGraduate(tx *bbolt.Tx, id string) (*matcher.Graduate, error) {
	v := tx.Bucket(bGraduates).Get([]byte(id))
	if v == nil {
		return nil, matcher.ErrNotFound("毕业生", id)
	}
	var g matcher.Graduate
	t, err := decodeRecord(v, &g)
	if err != nil {
		return nil, fmt.Errorf("graduate %s: %w", id, err)
	}
	g.UpdatedAt = t
	return &g, nil
}

// UpsertGraduates writes graduates in one transaction, keeping the district
// and national-ID indexes in step.
func (s *Store) UpsertGraduates(ctx context.Context, gs []matcher.Graduate) ([]matcher.UpsertOutcome, error) {
	var out []matcher.UpsertOutcome
	err := s.update(ctx, func(tx *bbolt.Tx) error {
		var err error
		out, err = upsertGraduates(tx, gs, s.now())
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("upsert graduates: %w", err)
	}
	return out, nil
}

func upsertGraduates(tx *bbolt.Tx, gs []matcher.Graduate, now time.Time) ([]matcher.UpsertOutcome, error) {
	return putDocs(tx.Bucket(bGraduates), gs, now, func(g *matcher.Graduate) (string, []byte, error) {
		if err := store.PrepareGraduate(g); err != nil {
			return "", nil, err
		}
		g.UpdatedAt = time.Time{}
		body, err := json.Marshal(g)
		if err != nil {
			return "", nil, fmt.Errorf("graduate %s: %w", g.ID, err)
		}
		return g.ID, body, nil
	}, func(id string, _ []byte) error {
		prev, err := getGraduate(tx, id)
		if err != nil {
			return err
		}
		return unindexGraduate(tx, prev)
	}, func(g *matcher.Graduate, _ string) error { return indexGraduate(tx, g) })
}

// Graduate returns one graduate; ENOTFOUND when missing.
func (s *Store) Graduate(ctx context.Context, id string) (*matcher.Graduate, error) {
	var g *matcher.Graduate
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		var err error
		g, err = getGraduate(tx, id)
		return err
	})
	return g, err
}

// GraduateByNationalID finds a graduate by national ID (an index of
// SHA-256 hashes, not of plain IDs).
func (s *Store) GraduateByNationalID(ctx context.Context, nid string) (*matcher.Graduate, error) {
	var g *matcher.Graduate
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		id := tx.Bucket(bGradNID).Get(nidKey(nid))
		if id == nil {
			return matcher.ErrNotFound("毕业生", matcher.MaskNationalID(nid))
		}
		var err error
		g, err = getGraduate(tx, string(id))
		return err
	})
	return g, err
}

// EachGraduate calls fn for the graduates the filter selects, in ID order.
// A District filter reads only that district's index range.
func (s *Store) EachGraduate(ctx context.Context, f matcher.GraduateFilter, fn func(*matcher.Graduate) error) error {
	if f.District == "" {
		return s.scan(ctx, bGraduates, nil, func(k, v []byte) error {
			var g matcher.Graduate
			t, err := decodeRecord(v, &g)
			if err != nil {
				return fmt.Errorf("graduate %s: %w", k, err)
			}
			g.UpdatedAt = t
			if !store.MatchGraduate(&f, &g) {
				return nil
			}
			return fn(&g)
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
				g, err := getGraduate(tx, id)
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

// DeleteGraduate removes a graduate and everything derived from them:
// indexes, every run's recommendations, feedback, contact log and
// shortlist edits. Audit entries (graduate ID only) remain.
func (s *Store) DeleteGraduate(ctx context.Context, id string) error {
	return s.update(ctx, func(tx *bbolt.Tx) error {
		g, err := getGraduate(tx, id)
		if err != nil {
			return err
		}
		if err := unindexGraduate(tx, g); err != nil {
			return err
		}
		if err := tx.Bucket(bGraduates).Delete([]byte(id)); err != nil {
			return err
		}
		recs := tx.Bucket(bRecs)
		if err := tx.Bucket(bRuns).ForEach(func(runID, _ []byte) error {
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
		err = fb.ForEach(func(k, v []byte) error {
			var e matcher.FeedbackEvent
			if err := json.Unmarshal(v, &e); err != nil {
				return err
			}
			if e.GraduateID == id {
				doomed = append(doomed, slices.Clone(k))
				if err := fbID.Delete([]byte(e.ID)); err != nil {
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
