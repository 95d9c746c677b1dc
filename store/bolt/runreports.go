package bolt

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"slices"

	bbolt "go.etcd.io/bbolt"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store"
)

// Runs returns up to limit runs, the most recently started first.
func (s *Store) Runs(ctx context.Context, limit int) ([]matcher.Run, error) {
	var runs []matcher.Run
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		var err error
		runs, _, err = allRuns(tx)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list runs: %w", err)
	}
	if limit > 0 && len(runs) > limit {
		runs = runs[:limit]
	}
	return runs, nil
}

// EachRunList calls fn with every graduate's list in a run, in graduate ID
// order, a page of lists per read transaction (fn runs outside it).
func (s *Store) EachRunList(ctx context.Context, runID string, fn func(matcher.GraduateRecommendations) error) error {
	defer s.reading.add(runID)() // a prune keeps the run meanwhile
	prefix := join(runID, nil)
	var after []byte
	for {
		var page []matcher.GraduateRecommendations
		err := s.view(ctx, func(tx *bbolt.Tx) error {
			if _, err := readableRun(tx, runID); err != nil {
				return err
			}
			c := tx.Bucket(bRecs).Cursor()
			k, _ := c.Seek(prefix)
			if after != nil {
				k, _ = c.Seek(after)
				if bytes.Equal(k, after) {
					k, _ = c.Next()
				}
			}
			for ; k != nil && bytes.HasPrefix(k, prefix) && len(page) < pageSize; k, _ = c.Next() {
				gr := matcher.GraduateRecommendations{GraduateID: string(k[len(prefix):])}
				var err error
				if gr.Items, err = s.getList(tx, runID, gr.GraduateID, true); err != nil {
					return err
				}
				slices.SortStableFunc(gr.Items, func(a, b matcher.StoredRecommendation) int { return cmp.Compare(a.Rank, b.Rank) })
				page = append(page, gr)
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("lists of run %s: %w", runID, err)
		}
		for _, gr := range page {
			if err := fn(gr); err != nil {
				return err
			}
		}
		if len(page) < pageSize {
			return nil
		}
		after = join(runID, []byte(page[len(page)-1].GraduateID))
	}
}

// SaveRunReport stores a run's report.
func (s *Store) SaveRunReport(ctx context.Context, rep *matcher.RunReport) error {
	err := s.update(ctx, func(tx *bbolt.Tx) error {
		if _, err := getRun(tx, rep.RunID); err != nil {
			return err
		}
		return putJSON(tx.Bucket(bRunReports), []byte(rep.RunID), rep)
	})
	if err != nil {
		return fmt.Errorf("save report of run %s: %w", rep.RunID, err)
	}
	return nil
}

// RunReport returns a run's report.
func (s *Store) RunReport(ctx context.Context, runID string) (*matcher.RunReport, error) {
	var rep matcher.RunReport
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		ok, err := getJSON(tx.Bucket(bRunReports), []byte(runID), &rep)
		if err == nil && !ok {
			err = matcher.ErrNotFound("推荐批次报告", runID)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &rep, nil
}

// EachRunListDigest calls fn with every graduate's list in a run, in
// graduate ID order: the list's digest when it is under the current key,
// its posts (the list opened) otherwise.
func (s *Store) EachRunListDigest(ctx context.Context, runID string, fn func(graduateID string, digest []byte, posts []string) error) error {
	return s.eachListDigest(ctx, runID, true, fn)
}

// ListDigest is store.ListDigest under the store's key.
func (s *Store) ListDigest(graduateID string, posts []string) []byte {
	return store.ListDigest(s.keys, graduateID, posts)
}

// eachListDigest walks a run's lists a page per read transaction, giving
// each list's digest when digests is set and the list has one under the
// current key, its posts otherwise (the box opened: store.ListPosts).
func (s *Store) eachListDigest(ctx context.Context, runID string, digests bool, fn func(graduateID string, digest []byte, posts []string) error) error {
	defer s.reading.add(runID)() // a prune keeps the run meanwhile
	prefix := join(runID, nil)
	type row struct {
		id     string
		digest []byte
		posts  []string
	}
	var after []byte
	for {
		var page []row
		err := s.view(ctx, func(tx *bbolt.Tx) error {
			if _, err := readableRun(tx, runID); err != nil {
				return err
			}
			ds := tx.Bucket(bDigests)
			c := tx.Bucket(bRecs).Cursor()
			k, v := c.Seek(prefix)
			if after != nil {
				if k, v = c.Seek(after); bytes.Equal(k, after) {
					k, v = c.Next()
				}
			}
			for ; k != nil && bytes.HasPrefix(k, prefix) && len(page) < pageSize; k, v = c.Next() {
				r := row{id: string(k[len(prefix):])}
				var d []byte
				if digests {
					d = ds.Get(k)
				}
				if store.ListDigestCurrent(s.keys, d) {
					r.digest = bytes.Clone(d) // the page outlives the transaction
				} else if v != nil { // as getList: no box, no posts
					var err error
					if r.posts, err = store.ListPosts(s.keys, runID, r.id, v); err != nil {
						return err
					}
				}
				page = append(page, r)
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("lists of run %s: %w", runID, err)
		}
		for _, r := range page {
			if err := fn(r.id, r.digest, r.posts); err != nil {
				return err
			}
		}
		if len(page) < pageSize {
			return nil
		}
		after = join(runID, []byte(page[len(page)-1].id))
	}
}

// RunListPosts calls fn with the posts of the default lists of the given
// graduates in a run that have one, in graduate ID order, a page of them
// per read transaction.
func (s *Store) RunListPosts(ctx context.Context, runID string, graduateIDs []string, fn func(graduateID string, posts []string) error) error {
	return s.listsByID(ctx, runID, graduateIDs, func(tx *bbolt.Tx, id string, box []byte) (func() error, error) {
		posts, err := store.ListPosts(s.keys, runID, id, box)
		return func() error { return fn(id, posts) }, err
	})
}

// RunListDigests is EachRunListDigest for the given graduates only: a
// shard of a sharded run compares its own graduates' lists with the
// previous run's without reading the others' digests.
func (s *Store) RunListDigests(ctx context.Context, runID string, graduateIDs []string, fn func(graduateID string, digest []byte, posts []string) error) error {
	return s.listsByID(ctx, runID, graduateIDs, func(tx *bbolt.Tx, id string, box []byte) (func() error, error) {
		if d := tx.Bucket(bDigests).Get(join(runID, []byte(id))); store.ListDigestCurrent(s.keys, d) {
			d = bytes.Clone(d) // the page outlives the transaction
			return func() error { return fn(id, d, nil) }, nil
		}
		posts, err := store.ListPosts(s.keys, runID, id, box)
		return func() error { return fn(id, nil, posts) }, err
	})
}

// RunListsOf is EachRunList for the given graduates only (a shard resumed
// after a crash counts the lists its earlier attempt saved).
func (s *Store) RunListsOf(ctx context.Context, runID string, graduateIDs []string, fn func(matcher.GraduateRecommendations) error) error {
	return s.listsByID(ctx, runID, graduateIDs, func(tx *bbolt.Tx, id string, _ []byte) (func() error, error) {
		items, err := s.getList(tx, runID, id, true)
		slices.SortStableFunc(items, func(a, b matcher.StoredRecommendation) int { return cmp.Compare(a.Rank, b.Rank) })
		return func() error { return fn(matcher.GraduateRecommendations{GraduateID: id, Items: items}) }, err
	})
}

// listsByID reads the stored lists of the given graduates in a run (those
// that have one) in graduate ID order, a page per read transaction: read
// turns a list's box into the call of the caller's fn, made after the
// transaction.
func (s *Store) listsByID(ctx context.Context, runID string, graduateIDs []string, read func(tx *bbolt.Tx, id string, box []byte) (func() error, error)) error {
	defer s.reading.add(runID)() // a prune keeps the run meanwhile
	ids := slices.Clone(graduateIDs)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	if len(ids) == 0 { // still ENOTFOUND for an unknown run
		return s.view(ctx, func(tx *bbolt.Tx) error { _, err := readableRun(tx, runID); return err })
	}
	for len(ids) > 0 {
		n := min(len(ids), pageSize)
		var page []func() error
		err := s.view(ctx, func(tx *bbolt.Tx) error {
			if _, err := readableRun(tx, runID); err != nil {
				return err
			}
			recs := tx.Bucket(bRecs)
			for _, id := range ids[:n] {
				box := recs.Get(join(runID, []byte(id)))
				if box == nil {
					continue
				}
				call, err := read(tx, id, box)
				if err != nil {
					return err
				}
				page = append(page, call)
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("lists of run %s: %w", runID, err)
		}
		for _, call := range page {
			if err := call(); err != nil {
				return err
			}
		}
		ids = ids[n:]
	}
	return nil
}
