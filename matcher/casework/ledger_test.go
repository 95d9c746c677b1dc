package casework_test

import (
	"context"
	"math"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/casework"
	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
	"github.com/urumqi-hrss/jobmatch/store/bolt"
	"github.com/urumqi-hrss/jobmatch/store/storetest"
)

// noRecommender: the caseload never asks the engine; casework.New needs one.
type noRecommender struct{}

func (noRecommender) Recommend(*matcher.Graduate, matcher.Query) (*matcher.Result, error) {
	return nil, matcher.Errorf(matcher.EINVALID, "不推荐", "not used by the caseload")
}

func ledgerService(t *testing.T) (*casework.Service, *bolt.Store) {
	t.Helper()
	st, err := bolt.Open(filepath.Join(t.TempDir(), "jobmatch.db"), storetest.Keys())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	pol, err := catalog.LoadPolicy()
	if err != nil {
		t.Fatal(err)
	}
	svc, err := casework.New(casework.Config{Store: st, Recommender: noRecommender{}, Policy: pol,
		Now: func() time.Time { return time.Date(2023, 6, 15, 10, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	return svc, st
}

func caseloadIDs(t *testing.T, svc *casework.Service, f casework.CaseFilter) []string {
	t.Helper()
	total, page, err := svc.Caseload(context.Background(), f, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, g := range page {
		ids = append(ids, g.ID)
	}
	slices.Sort(ids)
	if total != len(ids) {
		t.Fatalf("total %d, %d listed", total, len(ids))
	}
	return ids
}

// TestCaseloadFollowsTheStore: the caseload is read from memory, yet every
// write to the store — an insert, an update that moves a graduate out of a
// district or renames them, a delete — shows in the next read, whoever
// made it.
func TestCaseloadFollowsTheStore(t *testing.T) {
	svc, st := ledgerService(t)
	ctx := context.Background()
	var gs []matcher.Graduate
	for i := 1; i <= 40; i++ {
		gs = append(gs, storetest.Graduate(i))
	}
	if _, err := st.UpsertGraduates(ctx, gs); err != nil {
		t.Fatal(err)
	}
	all := caseloadIDs(t, svc, casework.CaseFilter{})
	if len(all) != 40 {
		t.Fatalf("caseload holds %d graduates, want 40", len(all))
	}
	// An insert and an update behind the service's back.
	added := storetest.Graduate(41)
	renamed := gs[4]
	renamed.Name = "迪丽热巴"
	if _, err := st.UpsertGraduates(ctx, []matcher.Graduate{added, renamed}); err != nil {
		t.Fatal(err)
	}
	if got := caseloadIDs(t, svc, casework.CaseFilter{}); !slices.Contains(got, added.ID) || len(got) != 41 {
		t.Errorf("after an insert: %d graduates, %s listed: %v", len(got), added.ID, slices.Contains(got, added.ID))
	}
	q, err := casework.ParseCaseQuery("迪丽")
	if err != nil {
		t.Fatal(err)
	}
	if got := caseloadIDs(t, svc, casework.CaseFilter{Query: q}); !slices.Equal(got, []string{renamed.ID}) {
		t.Errorf("search for the new name: %v, want [%s]", got, renamed.ID)
	}
	// Moving a graduate out of a district takes them out of its caseload.
	moved := gs[7]
	moved.HukouDistrict, moved.ResidenceDistrict = "达坂城区", "达坂城区"
	if _, err := st.UpsertGraduates(ctx, []matcher.Graduate{moved}); err != nil {
		t.Fatal(err)
	}
	if got := caseloadIDs(t, svc, casework.CaseFilter{District: "达坂城区"}); !slices.Contains(got, moved.ID) {
		t.Errorf("%s moved to 达坂城区 but its caseload is %v", moved.ID, got)
	}
	for _, d := range []string{gs[7].HukouDistrict, gs[7].ResidenceDistrict} {
		if d != "达坂城区" && slices.Contains(caseloadIDs(t, svc, casework.CaseFilter{District: d}), moved.ID) {
			t.Errorf("%s still in %s's caseload after moving", moved.ID, d)
		}
	}
	if err := st.DeleteGraduate(ctx, gs[0].ID); err != nil {
		t.Fatal(err)
	}
	if got := caseloadIDs(t, svc, casework.CaseFilter{}); slices.Contains(got, gs[0].ID) || len(got) != 40 {
		t.Errorf("after a delete: %d graduates, deleted one listed: %v", len(got), slices.Contains(got, gs[0].ID))
	}
}

// TestCaseloadAskingForEverythingIsBoundedByTheRows: a request for
// "everything" (the largest limit an int holds, as the handouts and the
// reports ask) allocates for the graduates there are, not for the limit.
func TestCaseloadAskingForEverythingIsBoundedByTheRows(t *testing.T) {
	svc, st := ledgerService(t)
	ctx := context.Background()
	var gs []matcher.Graduate
	for i := 1; i <= 200; i++ {
		gs = append(gs, storetest.Graduate(i))
	}
	if _, err := st.UpsertGraduates(ctx, gs); err != nil {
		t.Fatal(err)
	}
	if _, _, err := svc.Caseload(ctx, casework.CaseFilter{}, 0, 1); err != nil { // load the ledger
		t.Fatal(err)
	}
	for _, tc := range []struct{ offset, limit int }{{0, math.MaxInt}, {150, math.MaxInt}, {math.MaxInt, math.MaxInt}, {0, 1 << 40}} {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		total, page, err := svc.Caseload(ctx, casework.CaseFilter{}, tc.offset, tc.limit)
		runtime.ReadMemStats(&after)
		if err != nil {
			t.Fatal(err)
		}
		want := max(0, 200-min(tc.offset, 200))
		if total != 200 || len(page) != want {
			t.Errorf("offset %d limit %d: total %d, page %d; want 200, %d", tc.offset, tc.limit, total, len(page), want)
		}
		// 200 graduates are a few hundred kB however they are copied.
		if grown := after.TotalAlloc - before.TotalAlloc; grown > 16<<20 {
			t.Errorf("offset %d limit %d allocated %d MB", tc.offset, tc.limit, grown>>20)
		}
	}
}
