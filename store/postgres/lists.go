package postgres

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store"
)

// The batch's lists are sealed (store.SealRecommendations): a graduate's default list
// in recommendations.items_box, the plan items of a 一人一策 graduate in
// recommendation_plans under a keyed hash of the run and the graduate
// (store.PlanTag), so neither a list's contents nor which graduates have
// plan items can be read from a dump. Lists written before schema version
// 5 are in recommendations.items, in the clear, until a data-key pass.

// querier is the pool or a transaction.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// listRow is a stored list as read: items in the clear (before version 5)
// or the sealed box.
type listRow struct {
	run, graduate string
	items, box    []byte
	digest        []byte // the keyed digest of its posts (store.ListDigest), when read
}

// SaveRecommendations stores several graduates' lists in one transaction,
// sealed. A chunk of a run is normally new: its lists and plan items are
// COPied (binary) straight into their tables, with no temporary table, no
// upsert and no delete: a graduate with no list in the run has no plan
// items in it either (both are written, resealed and deleted together),
// so there is nothing stale to delete. Only when a graduate of the chunk
// already has a list in the run (a chunk saved again after a crash, or a
// retry after a commit whose reply was lost: the COPY fails on the primary
// key) is the chunk written again through saveOver.
func (s *Store) SaveRecommendations(ctx context.Context, runID string, recs []matcher.GraduateRecommendations) error {
	rows := make([]savedList, 0, len(recs))
	seen := make(map[string]int, len(recs))
	for _, gr := range recs {
		if gr.GraduateID == "" {
			return matcher.Errorf(matcher.EINVALID, "推荐缺少毕业生编号", "recommendations without graduate_id")
		}
		sl, err := store.SealRecommendations(s.keys, runID, &gr)
		if err != nil {
			return err
		}
		if i, ok := seen[gr.GraduateID]; ok {
			rows[i].list = sl // the last list of a graduate wins
			continue
		}
		seen[gr.GraduateID] = len(rows)
		rows = append(rows, savedList{gr.GraduateID, sl})
	}
	var plans [][]any
	for _, r := range rows {
		if r.list.Plan != nil {
			plans = append(plans, []any{runID, r.list.Tag, r.list.Plan})
		}
	}
	slices.SortFunc(plans, func(a, b []any) int { return bytes.Compare(a[1].([]byte), b[1].([]byte)) })
	err := s.tx(ctx, "save recommendations of run "+runID, func(ctx context.Context, tx pgx.Tx, _ int) error {
		if err := runRunning(ctx, tx, runID); err != nil || len(rows) == 0 {
			return err
		}
		// A source per attempt: a retried transaction copies them again.
		lists := pgx.CopyFromSlice(len(rows), func(i int) ([]any, error) {
			return []any{runID, rows[i].gid, rows[i].list.Box, rows[i].list.Digest}, nil
		})
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"recommendations"}, []string{"run_id", "graduate_id", "items_box", "posts_digest"}, lists); err != nil {
			return err
		}
		_, err := tx.CopyFrom(ctx, pgx.Identifier{"recommendation_plans"}, []string{"run_id", "tag", "box"}, pgx.CopyFromRows(plans))
		return err
	})
	// Only the run's keys are unique in its partitions: a duplicate is a
	// list (or plan item) of the chunk that is there already.
	if pgErr := (*pgconn.PgError)(nil); errors.As(err, &pgErr) && pgErr.Code == "23505" {
		return s.saveOver(ctx, runID, rows, plans)
	}
	return err
}

// savedList is a graduate's sealed list as SaveRecommendations writes it.
type savedList struct {
	gid  string
	list store.SealedList
}

// runRunning locks the run (FOR SHARE) and refuses it unless it is running.
func runRunning(ctx context.Context, tx pgx.Tx, runID string) error {
	status, err := lockRun(ctx, tx, runID, false)
	if err != nil {
		return err
	}
	if status != matcher.RunRunning {
		return matcher.Errorf(matcher.ECONFLICT, "推荐批次 %s 已%s", "run %s is %s", runID, status)
	}
	return nil
}

// saveOver writes a chunk some of whose graduates already have a list in
// the run (COPY, then upsert on (run, graduate)). The plan items those
// graduates had in the run (a previous key's names too) are deleted first,
// and the new ones are written in the order of their names, not the
// graduates'.
func (s *Store) saveOver(ctx context.Context, runID string, rows []savedList, plans [][]any) error {
	var stale [][]byte
	for _, r := range rows {
		stale = append(stale, store.PlanTags(s.keys, runID, r.gid)...)
	}
	return s.tx(ctx, "save recommendations of run "+runID+" again", func(ctx context.Context, tx pgx.Tx, _ int) error {
		if err := runRunning(ctx, tx, runID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM recommendation_plans WHERE run_id = $1 AND tag = ANY($2)`, runID, stale); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE TEMP TABLE jm_tmp_recs (graduate_id text COLLATE "C", items_box bytea, posts_digest bytea) ON COMMIT DROP`); err != nil {
			return err
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"jm_tmp_recs"}, []string{"graduate_id", "items_box", "posts_digest"},
			pgx.CopyFromSlice(len(rows), func(i int) ([]any, error) { return []any{rows[i].gid, rows[i].list.Box, rows[i].list.Digest}, nil })); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO recommendations (run_id, graduate_id, items_box, posts_digest)
			SELECT $1, graduate_id, items_box, posts_digest FROM jm_tmp_recs
			ON CONFLICT (run_id, graduate_id) DO UPDATE SET items = NULL, items_box = excluded.items_box, posts_digest = excluded.posts_digest`, runID); err != nil {
			return err
		}
		_, err := tx.CopyFrom(ctx, pgx.Identifier{"recommendation_plans"}, []string{"run_id", "tag", "box"}, pgx.CopyFromRows(plans))
		return err
	})
}

// openLists opens lists of one run, reading the plan items of those that
// have any in one query, each list in rank order.
func (s *Store) openLists(ctx context.Context, q querier, runID string, rows []listRow) ([][]matcher.StoredRecommendation, error) {
	out := make([][]matcher.StoredRecommendation, len(rows))
	wants := map[string]int{} // a plan's possible name → its list
	var tags [][]byte
	var need []int
	for i, r := range rows {
		box := r.box
		if box == nil {
			box = r.items
		}
		items, hasPlan, err := store.OpenList(s.keys, runID, r.graduate, box)
		if err != nil {
			return nil, err
		}
		out[i] = items
		if hasPlan {
			need = append(need, i)
			for _, t := range store.PlanTags(s.keys, runID, r.graduate) {
				wants[string(t)] = i
				tags = append(tags, t)
			}
		}
	}
	if len(tags) > 0 {
		found, err := s.readPlans(ctx, q, runID, rows, tags, wants, out)
		if err != nil {
			return nil, err
		}
		for _, i := range need {
			if !found[i] {
				_, err := store.OpenPlan(s.keys, runID, rows[i].graduate, nil) // the error naming what is missing
				return nil, err
			}
		}
	}
	for _, items := range out {
		sortByRank(items)
	}
	return out, nil
}

// openDefaultList opens one list without reading its plan items.
func (s *Store) openDefaultList(runID string, r listRow) ([]matcher.StoredRecommendation, error) {
	box := r.box
	if box == nil {
		box = r.items
	}
	items, err := store.OpenDefaultList(s.keys, runID, r.graduate, box)
	if err != nil {
		return nil, err
	}
	sortByRank(items)
	return items, nil
}

// readPlans reads the plan boxes named by tags and appends their items to
// the lists wants points them at; it reports which lists got theirs.
func (s *Store) readPlans(ctx context.Context, q querier, runID string, rows []listRow, tags [][]byte, wants map[string]int,
	out [][]matcher.StoredRecommendation) (map[int]bool, error) {
	res, err := q.Query(ctx, `SELECT tag, box FROM recommendation_plans WHERE run_id = $1 AND tag = ANY($2)`, runID, tags)
	if err != nil {
		return nil, err
	}
	defer res.Close()
	found := map[int]bool{}
	for res.Next() {
		var tag, box []byte
		if err := res.Scan(&tag, &box); err != nil {
			return nil, err
		}
		i := wants[string(tag)]
		if found[i] {
			continue // under two keys' names: a rotation's leftover, the same items
		}
		plan, err := store.OpenPlan(s.keys, runID, rows[i].graduate, box)
		if err != nil {
			return nil, err
		}
		out[i], found[i] = append(out[i], plan...), true
	}
	return found, res.Err()
}

// resealLists seals the batch's lists that are in the clear (written
// before schema version 5) or under another key, with their plan items
// and the digest of their posts, in (run, graduate) order.
func (s *Store) resealLists(ctx context.Context, report func(int)) error {
	return resealPages(ctx, s, "lists", `SELECT run_id, graduate_id, items, items_box FROM recommendations
		WHERE (run_id, graduate_id) > (($1::text[])[1], ($1::text[])[2])
		AND (items IS NOT NULL OR substring(items_box FROM 1 FOR 5) <> $2)
		ORDER BY run_id, graduate_id LIMIT $3 FOR UPDATE`, []string{"", ""},
		func(rows pgx.CollectableRow) (listRow, error) {
			var r listRow
			err := rows.Scan(&r.run, &r.graduate, &r.items, &r.box)
			return r, err
		},
		func(r listRow) any { return []string{r.run, r.graduate} },
		func(ctx context.Context, tx pgx.Tx, r listRow) error {
			// Not under a reader of the run (HoldRun, readRun): a
			// process holding only the old key — a batch comparing
			// with the previous run — could not open a list re-sealed
			// under its nose.
			if err := waitForReaders(ctx, tx, r.run); err != nil {
				return err
			}
			lists, err := s.openLists(ctx, tx, r.run, []listRow{r})
			if err != nil {
				return err
			}
			sl, err := store.SealList(s.keys, r.run, r.graduate, lists[0])
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `DELETE FROM recommendation_plans WHERE run_id = $1 AND tag = ANY($2)`,
				r.run, store.PlanTags(s.keys, r.run, r.graduate)); err != nil {
				return err
			}
			if sl.Plan != nil {
				if _, err := tx.Exec(ctx, `INSERT INTO recommendation_plans (run_id, tag, box) VALUES ($1, $2, $3)`, r.run, sl.Tag, sl.Plan); err != nil {
					return err
				}
			}
			// The digest is made again under the new key with the box.
			_, err = tx.Exec(ctx, `UPDATE recommendations SET items = NULL, items_box = $3, posts_digest = $4 WHERE run_id = $1 AND graduate_id = $2`,
				r.run, r.graduate, sl.Box, sl.Digest)
			return err
		}, report)
}

// deleteLists deletes a graduate's lists in every run, with their plan
// items (whose names the graduate's ID and each run give) and their
// digests (a column of the list's row).
func deleteLists(ctx context.Context, tx pgx.Tx, s *Store, graduateID string) error {
	rows, err := tx.Query(ctx, `SELECT run_id FROM recommendations WHERE graduate_id = $1`, graduateID)
	if err != nil {
		return err
	}
	runs, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return fmt.Errorf("lists of graduate %s: %w", graduateID, err)
	}
	for _, run := range runs {
		if _, err := tx.Exec(ctx, `DELETE FROM recommendation_plans WHERE run_id = $1 AND tag = ANY($2)`,
			run, store.PlanTags(s.keys, run, graduateID)); err != nil {
			return err
		}
	}
	_, err = tx.Exec(ctx, `DELETE FROM recommendations WHERE graduate_id = $1`, graduateID)
	return err
}

// waitForReaders takes run's lock exclusively for tx, once no reader
// holds it, by trying: a waiting pg_advisory_xact_lock would queue the
// readers' own shared requests behind it, and a batch holding the run
// (HoldRun) that then reads it (RunListPosts) would wait for the rotation
// that waits for it.
func waitForReaders(ctx context.Context, tx pgx.Tx, run string) error {
	for {
		var got bool
		if err := tx.QueryRow(ctx, `SELECT pg_try_advisory_xact_lock(`+runLockKey+`)`, run).Scan(&got); err != nil || got {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}
