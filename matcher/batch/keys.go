package batch

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// The coordinator of a sharded run (Prepare) needs of the ledger only what
// the fingerprints take (ID, version, status: matcher.GraduateKey) and the
// documents of the pricing sample. Reading every active graduate whole —
// the sealed personal data opened, every document decoded — was one
// single-process read on the critical path before any worker could start,
// linear in the ledger (docs/scale-out.md, "Sizing"). pricedFromKeys reads
// the keys instead (the store walks its ID index and rows' own columns)
// and opens only the sample's documents: the run's note, the slices and
// their fingerprints, and the prices come out exactly as from the whole
// documents (TestPrepareFromKeys), so a run queued this way and one queued
// by an earlier version resume and check each other as before, and the
// shards' check is unchanged.
//
// The keys still come to the coordinator one by one: the sample is the
// first capacity.sample graduates by an FNV-1a hash of their IDs, which no
// store computes, and changing it would change the prices and so every
// list against the runs before.

// pricedFromKeys is priced for the coordinator of a sharded run: the post
// table, the active graduates' keys, the run opened or resumed, and its
// capacity prices set from the sample's documents.
func pricedFromKeys(ctx context.Context, st Store, kr matcher.GraduateKeyReader, in *Inputs, opt Options) (*runner, error) {
	r, err := newRunner(st, in, opt)
	if err != nil {
		return nil, err
	}
	r.postTable()
	if err := r.activeKeys(ctx, kr); err != nil {
		return nil, err
	}
	if err := r.sampleGraduates(ctx); err != nil {
		return nil, err
	}
	if err := r.openOrResume(ctx); err != nil {
		return nil, err
	}
	if err := r.setPrices(ctx); err != nil {
		return nil, err
	}
	return r, nil
}

// activeKeys reads the active graduates' keys into r.keys, in ID order.
func (r *runner) activeKeys(ctx context.Context, kr matcher.GraduateKeyReader) error {
	var keys []matcher.GraduateKey
	if err := kr.EachGraduateKey(ctx, r.cfg.ActiveStatuses, func(k matcher.GraduateKey) error {
		if r.cfg.active(k.Status) {
			keys = append(keys, k)
		}
		return nil
	}); err != nil {
		return fmt.Errorf("batch: read the ledger's keys: %w", err)
	}
	// Both stores walk in byte order of the ID, as readActive sorts; a
	// store that did not would cut slices that do not tile.
	byID := func(a, b matcher.GraduateKey) int { return cmp.Compare(a.ID, b.ID) }
	if !slices.IsSortedFunc(keys, byID) {
		slices.SortFunc(keys, byID)
	}
	r.keys = keys
	return nil
}

// sampleGraduates reads into r.grads the documents of the graduates the
// prices are fitted on (sampleOf's, from the keys; nobody when no prices
// are fitted) and checks that each is still the version its key names: a
// graduate written between the two reads would price the run on another
// ledger than the one its fingerprints hold, so the run is not opened.
func (r *runner) sampleGraduates(ctx context.Context) error {
	if r.cfg.Capacity.K <= 0 || len(r.keys) == 0 {
		return nil
	}
	ids := make([]string, 0, min(len(r.keys), max(r.cfg.Capacity.Sample, 0)))
	for _, x := range sampleOrder(len(r.keys), func(i int) string { return r.keys[i].ID }, r.cfg.Capacity.Sample) {
		ids = append(ids, r.keys[x].ID)
	}
	slices.Sort(ids)
	f := matcher.GraduateFilter{IDs: ids}
	if len(ids) == len(r.keys) {
		f = matcher.GraduateFilter{} // everyone: the whole ledger in one walk
	}
	grads, err := readActive(ctx, r.st, r.cfg, f)
	if err != nil {
		return err
	}
	keys := r.keys
	if len(ids) < len(r.keys) {
		keys = make([]matcher.GraduateKey, 0, len(ids))
		for _, k := range r.keys {
			if _, ok := slices.BinarySearch(ids, k.ID); ok {
				keys = append(keys, k)
			}
		}
	}
	if !slices.EqualFunc(keysOf(grads), keys, sameKey) {
		return matcher.Errorf(matcher.ECONFLICT, "毕业生名册在批次开始时发生变化，请重新运行",
			"the graduate ledger changed while the run was being opened (a sampled graduate was written, added or removed between the reads); run again")
	}
	r.grads = grads
	return nil
}

func sameKey(a, b matcher.GraduateKey) bool {
	return a.ID == b.ID && a.Status == b.Status && a.UpdatedAt.Equal(b.UpdatedAt)
}
