package storetest

import (
	"slices"
	"testing"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// testGraduateKeys: EachGraduateKey gives, in ID order, the ID, status and
// UpdatedAt that EachGraduate gives the same graduates, with the status
// filter applied, and follows an update's new version and status (the
// sharded run's coordinator fingerprints the ledger from the keys and its
// shards from the documents: any difference would refuse every shard).
func testGraduateKeys(t *testing.T, s matcher.FullStore) {
	kr, ok := s.(matcher.GraduateKeyReader)
	if !ok {
		t.Fatal("the store does not walk its ledger's keys")
	}
	var gs []matcher.Graduate
	for i := 12; i > 0; i-- {
		g := Graduate(i)
		if i%4 == 0 {
			g.Status = matcher.StatusPlaced
		}
		if i == 7 {
			g.Status = "" // never recorded: a batch run covers it
		}
		gs = append(gs, g)
	}
	_, err := s.UpsertGraduates(ctx, gs)
	must(t, err)
	changed := Graduate(5)
	changed.Status = matcher.StatusUnregistered
	_, err = s.UpsertGraduates(ctx, []matcher.Graduate{changed})
	must(t, err)

	keys := func(statuses []matcher.GraduateStatus) []matcher.GraduateKey {
		var out []matcher.GraduateKey
		must(t, kr.EachGraduateKey(ctx, statuses, func(k matcher.GraduateKey) error {
			out = append(out, k)
			return nil
		}))
		return out
	}
	docs := func(keep func(matcher.GraduateStatus) bool) []matcher.GraduateKey {
		var out []matcher.GraduateKey
		must(t, s.EachGraduate(ctx, matcher.GraduateFilter{}, func(g *matcher.Graduate) error {
			if keep(g.Status) {
				out = append(out, matcher.GraduateKey{ID: g.ID, Status: g.Status, UpdatedAt: g.UpdatedAt})
			}
			return nil
		}))
		return out
	}
	same := func(a, b matcher.GraduateKey) bool {
		return a.ID == b.ID && a.Status == b.Status && a.UpdatedAt.Equal(b.UpdatedAt) && !a.UpdatedAt.IsZero()
	}
	active := []matcher.GraduateStatus{matcher.StatusSeeking, matcher.StatusUnregistered, ""}
	for _, tc := range []struct {
		name     string
		statuses []matcher.GraduateStatus
	}{{"all", nil}, {"active", active}, {"placed", []matcher.GraduateStatus{matcher.StatusPlaced}}, {"none", []matcher.GraduateStatus{}}} {
		keep := func(st matcher.GraduateStatus) bool { return tc.statuses == nil || slices.Contains(tc.statuses, st) }
		got, want := keys(tc.statuses), docs(keep)
		if !slices.EqualFunc(got, want, same) {
			t.Errorf("%s: keys %v\nwant %v", tc.name, got, want)
		}
		if tc.name == "all" && len(got) != len(gs) {
			t.Errorf("all: %d keys of %d graduates", len(got), len(gs))
		}
		if tc.name == "none" && len(got) != 0 {
			t.Errorf("an empty status list selected %d graduates", len(got))
		}
	}
	i := slices.IndexFunc(keys(nil), func(k matcher.GraduateKey) bool { return k.ID == changed.ID })
	if i < 0 || keys(nil)[i].Status != matcher.StatusUnregistered {
		t.Errorf("the updated graduate's key: %v", keys(nil))
	}
}
