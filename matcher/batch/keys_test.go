package batch_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/batch"
)

// docsOnly hides the store's key walk (matcher.GraduateKeyReader): Prepare
// then reads every active graduate whole, as before the keys.
type docsOnly struct{ matcher.FullStore }

// TestPrepareFromKeys: the coordinator reading the ledger's keys and the
// pricing sample's documents opens the same run (the same note: it resumes
// the run a whole-ledger read opened), with the same prices and the same
// slices and fingerprints, as reading every graduate whole.
func TestPrepareFromKeys(t *testing.T) {
	ctx := context.Background()
	st := openBolt(t)
	fill(t, st)
	in := load(t, st)
	cfg := batch.DefaultConfig()
	cfg.Capacity.Sample = 60 // fewer than the ledger: the sample is read by ID
	opt := batch.Options{Chunk: 100, Workers: 2, Log: quiet(), Config: cfg}
	active, _ := activeGraduates(t, st)
	if len(active) <= cfg.Capacity.Sample {
		t.Fatalf("%d active graduates: the sample takes everyone", len(active))
	}

	whole, err := batch.Prepare(ctx, docsOnly{st}, in, opt)
	if err != nil {
		t.Fatal(err)
	}
	keyed, err := batch.Prepare(ctx, st, in, opt)
	if err != nil {
		t.Fatal(err)
	}
	if !keyed.Resumed || keyed.RunID != whole.RunID {
		t.Fatalf("from the keys: run %s (resumed %v); want run %s resumed (the same note)", keyed.RunID, keyed.Resumed, whole.RunID)
	}
	if keyed.Graduates != len(active) || whole.Graduates != len(active) {
		t.Fatalf("graduates %d from the keys, %d whole; %d active", keyed.Graduates, whole.Graduates, len(active))
	}
	if len(keyed.Prices) == 0 || !reflect.DeepEqual(keyed.Prices, whole.Prices) {
		t.Fatalf("prices from the keys (%d discounted) differ from the whole read's (%d)", len(keyed.Prices), len(whole.Prices))
	}
	if keyed.Summary.Sample != cfg.Capacity.Sample || keyed.Summary.PriceRounds != whole.Summary.PriceRounds {
		t.Fatalf("pricing from the keys: sample %d, %d rounds; whole: sample %d, %d rounds",
			keyed.Summary.Sample, keyed.Summary.PriceRounds, whole.Summary.Sample, whole.Summary.PriceRounds)
	}
	for _, n := range []int{1, 3, 7} {
		if a, b := keyed.Slices(n), whole.Slices(n); len(a) != n || !reflect.DeepEqual(a, b) {
			t.Fatalf("%d slices from the keys %+v\nwhole %+v", n, a, b)
		}
	}
	// The read started ahead of Prepare (beside the engine's build), and
	// one made for another sample (ignored: Prepare reads its own), open
	// the same run with the same prices and slices.
	for _, ahead := range []batch.Config{cfg, batch.DefaultConfig()} {
		o := opt
		o.Keys = batch.ReadLedgerKeys(ctx, st, ahead)
		p, err := batch.Prepare(ctx, st, in, o)
		if err != nil {
			t.Fatal(err)
		}
		if p.RunID != whole.RunID || !reflect.DeepEqual(p.Prices, whole.Prices) || !reflect.DeepEqual(p.Slices(3), whole.Slices(3)) {
			t.Fatalf("read ahead with sample %d: run %s, %d discounted posts; want run %s's prices and slices", ahead.Capacity.Sample, p.RunID, len(p.Prices), whole.RunID)
		}
	}
	if batch.ReadLedgerKeys(ctx, docsOnly{st}, cfg) != nil {
		t.Fatal("a read ahead of keys from a store that cannot walk them")
	}

	// A shard of the run opened from the keys checks its slice against
	// the documents it reads, and computes.
	sl := keyed.Slices(3)
	res, err := batch.RunShard(ctx, st, in, opt, batch.Shard{RunID: keyed.RunID, Index: 1, Count: 3, Prices: keyed.Prices, Slice: &sl[1]})
	if err != nil || res.Computed != sl[1].Graduates {
		t.Fatalf("shard 1: %+v, %v", res, err)
	}
}

// racing changes a graduate of the pricing sample right after the key
// walk, before the coordinator reads the sample's documents.
type racing struct {
	matcher.FullStore
	change func()
}

func (r racing) EachGraduateKey(ctx context.Context, statuses []matcher.GraduateStatus, fn func(matcher.GraduateKey) error) error {
	err := r.FullStore.(matcher.GraduateKeyReader).EachGraduateKey(ctx, statuses, fn)
	r.change()
	return err
}

// TestPrepareFromKeysLedgerChanged: a sampled graduate written between the
// key walk and the sample's read refuses the run rather than price it on
// documents its fingerprints do not name.
func TestPrepareFromKeysLedgerChanged(t *testing.T) {
	ctx := context.Background()
	st := openBolt(t)
	fill(t, st)
	in := load(t, st)
	cfg := batch.DefaultConfig()
	cfg.Capacity.Sample = 0 // everyone is sampled: any active graduate will do
	opt := batch.Options{Chunk: 100, Workers: 2, Log: quiet(), Config: cfg}
	active, _ := activeGraduates(t, st)
	g := active[len(active)/2]
	g.Status = matcher.StatusPlaced
	_, err := batch.Prepare(ctx, racing{st, func() {
		if _, err := st.UpsertGraduates(ctx, []matcher.Graduate{g}); err != nil {
			t.Error(err)
		}
	}}, in, opt)
	if matcher.ErrorCode(err) != matcher.ECONFLICT {
		t.Fatalf("a sampled graduate placed between the reads: %v; want a conflict", err)
	}
}
