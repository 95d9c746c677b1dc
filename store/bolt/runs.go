package bolt

import (
	"bytes"
	"context"
	"fmt"
	"sort"

	bbolt "go.etcd.io/bbolt"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store"
	"github.com/urumqi-hrss/jobmatch/store/seal"
)

func getRun(tx *bbolt.Tx, id string) (*matcher.Run, error) {
	var r matcher.Run
	ok, err := getJSON(tx.Bucket(bRuns), []byte(id), &r)
	if err != nil {
		return nil, err
	} else if !ok {
		return nil, matcher.ErrNotFound("推荐批次", id)
	}
	return &r, nil
}

// CreateRun stores a new running run.
func (s *Store) CreateRun(ctx context.Context, r *matcher.Run) error {
	store.PrepareRun(r, s.now())
	return s.update(ctx, func(tx *bbolt.Tx) error {
		if tx.Bucket(bRuns).Get([]byte(r.ID)) != nil {
			return matcher.Errorf(matcher.ECONFLICT, "推荐批次已存在：%s", "run already exists: %s", r.ID)
		}
		return putJSON(tx.Bucket(bRuns), []byte(r.ID), r)
	})
}

// SaveRecommendations stores several graduates' lists in one transaction,
// each sealed (store.SealList).
func (s *Store) SaveRecommendations(ctx context.Context, runID string, recs []matcher.GraduateRecommendations) error {
	err := s.update(ctx, func(tx *bbolt.Tx) error {
		r, err := getRun(tx, runID)
		if err != nil {
			return err
		}
		if r.Status != matcher.RunRunning {
			return matcher.Errorf(matcher.ECONFLICT, "推荐批次 %s 已%s", "run %s is %s", runID, r.Status)
		}
		b := tx.Bucket(bRecs)
		for _, gr := range recs {
			if gr.GraduateID == "" {
				return matcher.Errorf(matcher.EINVALID, "推荐缺少毕业生编号", "recommendations without graduate_id")
			}
			had := b.Get(join(runID, []byte(gr.GraduateID))) != nil
			if !had {
				r.Graduates++
			}
			if err := s.putListIn(tx, runID, &gr, had); err != nil {
				return err
			}
		}
		return putJSON(tx.Bucket(bRuns), []byte(runID), r)
	})
	if err != nil {
		return fmt.Errorf("save recommendations of run %s: %w", runID, err)
	}
	return nil
}

// RunGraduateIDs returns the graduates saved in a run, sorted.
func (s *Store) RunGraduateIDs(ctx context.Context, runID string) ([]string, error) {
	return s.RunGraduateIDsIn(ctx, runID, "", "")
}

// RunGraduateIDsIn returns the graduates saved in a run with IDs in
// [from, to) (to "" unbounded), sorted: a range of the run's keys.
func (s *Store) RunGraduateIDsIn(ctx context.Context, runID, from, to string) ([]string, error) {
	var ids []string
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		if _, err := getRun(tx, runID); err != nil {
			return err
		}
		prefix := join(runID, nil)
		c := tx.Bucket(bRecs).Cursor()
		for k, _ := c.Seek(join(runID, []byte(from))); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			id := string(k[len(prefix):])
			if to != "" && id >= to {
				break
			}
			ids = append(ids, id)
		}
		return nil
	})
	return ids, err
}

// PublishRun marks the run published and makes it current, in one
// transaction.
func (s *Store) PublishRun(ctx context.Context, runID string) error {
	return s.update(ctx, func(tx *bbolt.Tx) error {
		r, err := getRun(tx, runID)
		if err != nil {
			return err
		}
		if r.Status == matcher.RunFailed {
			return matcher.Errorf(matcher.ECONFLICT, "推荐批次 %s 已失败，不能发布", "run %s failed and cannot be published", runID)
		}
		if !r.PrunedAt.IsZero() { // serving it again would serve no lists
			return matcher.ErrRunPruned(runID, r.PrunedAt)
		}
		if r.Status != matcher.RunPublished {
			r.Status, r.FinishedAt = matcher.RunPublished, s.now()
			if err := putJSON(tx.Bucket(bRuns), []byte(runID), r); err != nil {
				return err
			}
		}
		return tx.Bucket(bMeta).Put(keyCurrentRun, []byte(runID))
	})
}

// FailRun marks a running run failed.
func (s *Store) FailRun(ctx context.Context, runID, note string) error {
	return s.update(ctx, func(tx *bbolt.Tx) error {
		r, err := getRun(tx, runID)
		if err != nil {
			return err
		}
		if r.Status != matcher.RunRunning {
			return matcher.Errorf(matcher.ECONFLICT, "推荐批次 %s 已%s", "run %s is %s", runID, r.Status)
		}
		r.Status, r.FinishedAt, r.Note = matcher.RunFailed, s.now(), note
		return putJSON(tx.Bucket(bRuns), []byte(runID), r)
	})
}

// Run returns a run by ID.
func (s *Store) Run(ctx context.Context, id string) (*matcher.Run, error) {
	var r *matcher.Run
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		var err error
		r, err = getRun(tx, id)
		return err
	})
	return r, err
}

// LatestRun returns the current (published) run.
func (s *Store) LatestRun(ctx context.Context) (*matcher.Run, error) {
	var r *matcher.Run
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		id := tx.Bucket(bMeta).Get(keyCurrentRun)
		if id == nil {
			return matcher.ErrNotFound("已发布的推荐批次", "")
		}
		var err error
		r, err = getRun(tx, string(id))
		return err
	})
	return r, err
}

// RecommendationsFor returns the graduate's list in the current run.
func (s *Store) RecommendationsFor(ctx context.Context, graduateID string) (string, []matcher.StoredRecommendation, error) {
	return s.currentList(ctx, graduateID, true)
}

// DefaultListFor returns the graduate's list in the current run without
// its plan items.
func (s *Store) DefaultListFor(ctx context.Context, graduateID string) (string, []matcher.StoredRecommendation, error) {
	return s.currentList(ctx, graduateID, false)
}

func (s *Store) currentList(ctx context.Context, graduateID string, withPlan bool) (string, []matcher.StoredRecommendation, error) {
	var runID string
	var items []matcher.StoredRecommendation
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		id := tx.Bucket(bMeta).Get(keyCurrentRun)
		if id == nil {
			return matcher.ErrNotFound("已发布的推荐批次", "")
		}
		runID = string(id)
		var err error
		items, err = s.getList(tx, runID, graduateID, withPlan)
		return err
	})
	if err != nil {
		return "", nil, err
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].Rank < items[j].Rank })
	return runID, items, nil
}

// putList seals a graduate's list in a run (store.SealList) into bRecs,
// its plan items into bPlans and its posts' digest into bDigests,
// replacing what the graduate had there.
func (s *Store) putList(tx *bbolt.Tx, runID, graduateID string, items []matcher.StoredRecommendation) error {
	return s.putListIn(tx, runID, &matcher.GraduateRecommendations{GraduateID: graduateID, Items: items}, true)
}

// putListIn is putList told whether the run has a list of the graduate
// already (had): plan items are written only with their list, in one
// transaction, so without a list there are none to delete, and a batch
// saving new lists skips the keyed hashes and the look-ups of deletePlan
// (6% of its saves' CPU).
func (s *Store) putListIn(tx *bbolt.Tx, runID string, gr *matcher.GraduateRecommendations, had bool) error {
	graduateID := gr.GraduateID
	sl, err := store.SealRecommendations(s.keys, runID, gr)
	if err != nil {
		return err
	}
	key := join(runID, []byte(graduateID))
	if err := tx.Bucket(bRecs).Put(key, sl.Box); err != nil {
		return err
	}
	if err := tx.Bucket(bDigests).Put(key, sl.Digest); err != nil {
		return err
	}
	if had {
		if err := deletePlan(tx, s.keys, runID, graduateID); err != nil {
			return err
		}
	}
	if sl.Plan == nil {
		return nil
	}
	return tx.Bucket(bPlans).Put(join(runID, sl.Tag), sl.Plan)
}

// getList opens a graduate's list in a run, with its plan items when
// withPlan; nil when there is none.
func (s *Store) getList(tx *bbolt.Tx, runID, graduateID string, withPlan bool) ([]matcher.StoredRecommendation, error) {
	box := tx.Bucket(bRecs).Get(join(runID, []byte(graduateID)))
	if box == nil {
		return nil, nil
	}
	if !withPlan {
		return store.OpenDefaultList(s.keys, runID, graduateID, box)
	}
	items, hasPlan, err := store.OpenList(s.keys, runID, graduateID, box)
	if err != nil || !hasPlan {
		return items, err
	}
	var planBox []byte
	for _, tag := range store.PlanTags(s.keys, runID, graduateID) {
		if planBox = tx.Bucket(bPlans).Get(join(runID, tag)); planBox != nil {
			break
		}
	}
	plan, err := store.OpenPlan(s.keys, runID, graduateID, planBox)
	return append(items, plan...), err
}

// deletePlan deletes a graduate's plan items in a run, under any key's
// name.
func deletePlan(tx *bbolt.Tx, keys *seal.Keyring, runID, graduateID string) error {
	if keys == nil {
		return nil
	}
	for _, tag := range store.PlanTags(keys, runID, graduateID) {
		if err := tx.Bucket(bPlans).Delete(join(runID, tag)); err != nil {
			return err
		}
	}
	return nil
}
