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
// table, the active graduates' keys and the sample's documents (read ahead
// by opt.Keys when its configuration is the run's), the run opened or
// resumed, and its capacity prices set.
func pricedFromKeys(ctx context.Context, st Store, kr matcher.GraduateKeyReader, in *Inputs, opt Options) (*runner, error) {
	return pricedWith(ctx, st, in, opt, func(r *runner, ctx context.Context) (err error) {
		if k := opt.Keys; k != nil && k.cfg.same(&r.cfg) {
			<-k.done
			r.keys, r.grads, err = k.keys, k.grads, k.err
		} else {
			r.keys, r.grads, err = readLedger(ctx, st, kr, r.cfg)
		}
		return err
	})
}

// LedgerKeys is a read of the ledger for a sharded run's coordinator (the
// active graduates' keys and the pricing sample's documents) started ahead
// of Prepare so that it overlaps the engine's build (ReadLedgerKeys);
// Options.Keys hands it to Prepare.
type LedgerKeys struct {
	cfg   Config
	done  chan struct{}
	keys  []matcher.GraduateKey
	grads []matcher.Graduate
	err   error
}

// ReadLedgerKeys starts reading cfg's active graduates' keys and pricing
// sample from st in the background (the zero Config: DefaultConfig's);
// nil when st cannot walk its keys (Prepare then reads every graduate). A
// run whose configuration differs ignores the read and reads its own.
func ReadLedgerKeys(ctx context.Context, st Store, cfg Config) *LedgerKeys {
	kr, ok := st.(matcher.GraduateKeyReader)
	if !ok {
		return nil
	}
	if len(cfg.ActiveStatuses) == 0 {
		cfg = DefaultConfig()
	}
	k := &LedgerKeys{cfg: cfg, done: make(chan struct{})}
	go func() {
		defer close(k.done)
		k.keys, k.grads, k.err = readLedger(ctx, st, kr, cfg)
	}()
	return k
}

// Wait waits for the read to end (a caller that gives up on the run).
func (k *LedgerKeys) Wait() {
	if k != nil {
		<-k.done
	}
}

// same says whether a read made with c serves a run configured as d: the
// same active statuses and the same sample.
func (c *Config) same(d *Config) bool {
	return slices.Equal(c.ActiveStatuses, d.ActiveStatuses) && c.Capacity.Sample == d.Capacity.Sample && (c.Capacity.K > 0) == (d.Capacity.K > 0)
}

// readLedger reads the active graduates' keys, in ID order, and the
// documents of the graduates the prices are fitted on (sampleOf's, from
// the keys; nobody when no prices are fitted), and checks that each is
// still the version its key names: a graduate written between the two
// reads would price the run on another ledger than the one its
// fingerprints hold, so the run is not opened.
func readLedger(ctx context.Context, st Store, kr matcher.GraduateKeyReader, cfg Config) ([]matcher.GraduateKey, []matcher.Graduate, error) {
	var keys []matcher.GraduateKey
	if err := kr.EachGraduateKey(ctx, cfg.ActiveStatuses, func(k matcher.GraduateKey) error {
		if cfg.active(k.Status) {
			keys = append(keys, k)
		}
		return nil
	}); err != nil {
		return nil, nil, fmt.Errorf("batch: read the ledger's keys: %w", err)
	}
	// Both stores walk in byte order of the ID, as readActive sorts; a
	// store that did not would cut slices that do not tile.
	byID := func(a, b matcher.GraduateKey) int { return cmp.Compare(a.ID, b.ID) }
	if !slices.IsSortedFunc(keys, byID) {
		slices.SortFunc(keys, byID)
	}
	if cfg.Capacity.K <= 0 || len(keys) == 0 {
		return keys, nil, nil
	}
	ids := make([]string, 0, min(len(keys), max(cfg.Capacity.Sample, 0)))
	for _, x := range sampleOrder(len(keys), func(i int) string { return keys[i].ID }, cfg.Capacity.Sample) {
		ids = append(ids, keys[x].ID)
	}
	slices.Sort(ids)
	f := matcher.GraduateFilter{IDs: ids}
	if len(ids) == len(keys) {
		f = matcher.GraduateFilter{} // everyone: the whole ledger in one walk
	}
	grads, err := readActive(ctx, st, cfg, f)
	if err != nil {
		return nil, nil, err
	}
	want := keys
	if len(ids) < len(keys) {
		want = make([]matcher.GraduateKey, 0, len(ids))
		for _, k := range keys {
			if _, ok := slices.BinarySearch(ids, k.ID); ok {
				want = append(want, k)
			}
		}
	}
	if !slices.EqualFunc(keysOf(grads), want, sameKey) {
		return nil, nil, matcher.Errorf(matcher.ECONFLICT, "毕业生名册在批次开始时发生变化，请重新运行",
			"the graduate ledger changed while the run was being opened (a sampled graduate was written, added or removed between the reads); run again")
	}
	return keys, grads, nil
}

func sameKey(a, b matcher.GraduateKey) bool {
	return a.ID == b.ID && a.Status == b.Status && a.UpdatedAt.Equal(b.UpdatedAt)
}
