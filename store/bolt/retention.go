package bolt

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"

	bbolt "go.etcd.io/bbolt"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// Run retention on the embedded store (matcher.RunPruner). Only one
// process opens the file (bbolt's lock), so the runs being read are those
// this process reads: EachRunList, EachRunListDigest and RunListPosts
// register here, and
// a prune keeps their runs. The lists of a run are deleted in chunks of
// deleteChunk keys per transaction after the run is marked pruned, so a
// prune never holds the writer for long; freed pages are reused by the
// next run's lists (bbolt never shrinks its file: `jobmatch compact`).

// deleteChunk is how many keys one transaction of a prune deletes.
const deleteChunk = 5000

// runReaders counts this process's readers of each run's lists.
type runReaders struct {
	mu sync.Mutex
	n  map[string]int
}

// add registers a reader of runID until the returned func is called. It
// waits while a prune is marking runs, so a reader either keeps its run
// from that prune or sees the run pruned on its first page.
func (r *runReaders) add(runID string) func() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.n == nil {
		r.n = map[string]int{}
	}
	r.n[runID]++
	return func() {
		r.mu.Lock()
		defer r.mu.Unlock()
		if r.n[runID]--; r.n[runID] <= 0 {
			delete(r.n, runID)
		}
	}
}

// busyLocked reports whether runID is being read; r.mu is held.
func (r *runReaders) busyLocked(runID string) bool { return r.n[runID] > 0 }

// readableRun is getRun for a reader of the run's lists: a pruned run is
// EGONE (matcher.ErrRunPruned), naming the run.
func readableRun(tx *bbolt.Tx, runID string) (*matcher.Run, error) {
	r, err := getRun(tx, runID)
	if err == nil && !r.PrunedAt.IsZero() {
		return nil, matcher.ErrRunPruned(runID, r.PrunedAt)
	}
	return r, err
}

// HoldRun registers a reader of runID until release (matcher.RunInspector):
// a prune keeps the run meanwhile. The registration comes first, so a
// prune marking runs either finished before it (the run is seen pruned
// here: EGONE) or sees it.
func (s *Store) HoldRun(ctx context.Context, runID string) (release func(), err error) {
	release = sync.OnceFunc(s.reading.add(runID)) // counted out once however often called
	err = s.view(ctx, func(tx *bbolt.Tx) error {
		_, err := readableRun(tx, runID)
		return err
	})
	if err != nil {
		release()
		return nil, err
	}
	return release, nil
}

// PruneRuns deletes the lists of the runs the retention policy does not
// keep (matcher.RetainedRuns), marking them pruned first in one
// transaction, then deleting their keys chunk by chunk; a prune cut off
// between the two leaves runs marked pruned whose keys the next prune
// deletes.
func (s *Store) PruneRuns(ctx context.Context, keep int, dryRun bool) (*matcher.PruneResult, error) {
	if err := matcher.CheckKeepRuns(keep); err != nil {
		return nil, err
	}
	res := &matcher.PruneResult{Keep: keep, DryRun: dryRun}
	var leftovers []string // runs marked pruned earlier, maybe with keys left
	mark := func(tx *bbolt.Tx) error {
		runs, current, err := allRuns(tx)
		if err != nil {
			return err
		}
		kept := matcher.RetainedRuns(runs, current, keep, s.reading.busyLocked)
		now := s.now()
		for _, r := range runs {
			why, ok := kept[r.ID]
			switch {
			case ok && why == matcher.KeepPruned:
				leftovers = append(leftovers, r.ID)
				continue
			case ok:
				res.Kept = append(res.Kept, matcher.KeptRun{ID: r.ID, Reason: why})
				continue
			}
			res.Pruned = append(res.Pruned, matcher.PrunedRun{ID: r.ID, Status: r.Status, StartedAt: r.StartedAt})
			if dryRun {
				p := &res.Pruned[len(res.Pruned)-1]
				p.Lists, p.Bytes = runListsSize(tx, r.ID)
				continue
			}
			// The sizes are counted by the deletes, outside this
			// transaction: walking a run's lists here held the writer (and
			// the readers' registry) for a whole run's pages.
			r.PrunedAt = now
			if err := putJSON(tx.Bucket(bRuns), []byte(r.ID), r); err != nil {
				return err
			}
		}
		return nil
	}
	var err error
	s.reading.mu.Lock()
	if dryRun {
		err = s.view(ctx, mark)
	} else {
		err = s.update(ctx, mark)
	}
	s.reading.mu.Unlock()
	if err != nil {
		// Rolled back: no run was marked, so none may be reported (and
		// audited) as pruned.
		res.Pruned = nil
		return res, wrapPrune(err)
	}
	if dryRun {
		return res, nil
	}
	for _, id := range leftovers {
		if _, _, err := s.deleteRunLists(ctx, id); err != nil {
			return res, wrapPrune(fmt.Errorf("run %s: %w", id, err))
		}
	}
	for i := range res.Pruned {
		p := &res.Pruned[i]
		var err error
		if p.Lists, p.Bytes, err = s.deleteRunLists(ctx, p.ID); err != nil {
			return res, wrapPrune(fmt.Errorf("run %s: %w", p.ID, err))
		}
	}
	return res, nil
}

func wrapPrune(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("prune runs: %w", err)
}

// allRuns reads every run, newest first, and the current run's ID.
func allRuns(tx *bbolt.Tx) ([]matcher.Run, string, error) {
	var runs []matcher.Run
	err := tx.Bucket(bRuns).ForEach(func(_, v []byte) error {
		var r matcher.Run
		if err := json.Unmarshal(v, &r); err != nil {
			return err
		}
		runs = append(runs, r)
		return nil
	})
	slices.SortFunc(runs, matcher.CompareRunsNewestFirst)
	return runs, string(tx.Bucket(bMeta).Get(keyCurrentRun)), err
}

// runListsSize counts a run's lists and the bytes of its keys and values
// (default lists, plan items and the lists' digests).
func runListsSize(tx *bbolt.Tx, runID string) (lists int, size int64) {
	prefix := join(runID, nil)
	for _, b := range [][]byte{bRecs, bPlans, bDigests} {
		c := tx.Bucket(b).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			if bytes.Equal(b, bRecs) {
				lists++
			}
			size += int64(len(k) + len(v))
		}
	}
	return lists, size
}

// deleteRunLists deletes a run's keys in bRecs, bPlans and bDigests, deleteChunk a
// transaction, and says how many lists (bRecs keys) and bytes (keys and
// values) it deleted.
func (s *Store) deleteRunLists(ctx context.Context, runID string) (lists int, size int64, err error) {
	prefix := join(runID, nil)
	for _, name := range [][]byte{bRecs, bPlans, bDigests} {
		for {
			n, bytesIn := 0, int64(0)
			err := s.update(ctx, func(tx *bbolt.Tx) error {
				b := tx.Bucket(name)
				var ks [][]byte
				n, bytesIn = 0, 0 // a retried transaction counts afresh
				c := b.Cursor()
				for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix) && len(ks) < deleteChunk; k, v = c.Next() {
					ks = append(ks, bytes.Clone(k))
					bytesIn += int64(len(k) + len(v))
				}
				for _, k := range ks {
					if err := b.Delete(k); err != nil {
						return err
					}
				}
				n = len(ks)
				return nil
			})
			if err != nil {
				return lists, size, err
			}
			size += bytesIn
			if bytes.Equal(name, bRecs) {
				lists += n
			}
			if n < deleteChunk {
				break
			}
		}
	}
	return lists, size, nil
}
