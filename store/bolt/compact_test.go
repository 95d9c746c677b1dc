package bolt

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store/storetest"
)

// publishTestRun stores and publishes run batch-202606NN with a list of
// about 600 bytes for each of graduates graduates.
func publishTestRun(t *testing.T, s *Store, n, graduates int) string {
	t.Helper()
	ctx := context.Background()
	t0 := time.Date(2026, 6, 1, 2, 0, 0, 0, time.UTC)
	r := &matcher.Run{ID: fmt.Sprintf("batch-202606%02d", n), StartedAt: t0.Add(time.Duration(n) * 24 * time.Hour)}
	var recs []matcher.GraduateRecommendations
	for g := 0; g < graduates; g++ {
		recs = append(recs, matcher.GraduateRecommendations{GraduateID: fmt.Sprintf("G%05d", g), Items: []matcher.StoredRecommendation{
			{PostID: fmt.Sprintf("p:%d", g+n), Kind: matcher.KindJob, Rank: 1, Score: 1, Item: []byte(fmt.Sprintf(`{"post_id":"p:%d","reasons":["%s"]}`, g+n, strings.Repeat("专业对口", 40)))}}})
	}
	if err := s.CreateRun(ctx, r); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveRecommendations(ctx, r.ID, recs); err != nil {
		t.Fatal(err)
	}
	if err := s.PublishRun(ctx, r.ID); err != nil {
		t.Fatal(err)
	}
	return r.ID
}

// TestPruneReusesPagesAndCompactShrinks: after a prune, the next run's
// lists go into the freed pages (the file does not grow), and Compact,
// refused while the store is open, gives the space back with every kept
// list still reading the same.
func TestPruneReusesPagesAndCompactShrinks(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "jobmatch.db")
	s, err := Open(path, storetest.Keys())
	if err != nil {
		t.Fatal(err)
	}
	publish := func(n int) string { return publishTestRun(t, s, n, 2000) }
	size := func() int64 {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	for n := 1; n <= 6; n++ {
		publish(n)
	}
	if _, err := s.PruneRuns(ctx, 2, false); err != nil {
		t.Fatal(err)
	}
	full := size()
	for n := 7; n <= 9; n++ { // each prune frees a run's pages for the next
		publish(n)
		if _, err := s.PruneRuns(ctx, 2, false); err != nil {
			t.Fatal(err)
		}
	}
	if grown := size(); grown > full {
		t.Fatalf("the file grew from %d to %d bytes although each run reused a pruned run's pages", full, grown)
	}
	if _, err := Compact(path, nil); err == nil || !strings.Contains(err.Error(), "in use") {
		t.Fatalf("Compact of an open store: %v", err)
	}
	var want []string
	if err := s.EachRunList(ctx, "batch-20260609", func(gr matcher.GraduateRecommendations) error {
		want = append(want, gr.GraduateID+" "+string(gr.Items[0].Item))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	s.Close()

	var reported int64
	res, err := Compact(path, func(done, total int64) { reported = done })
	if err != nil {
		t.Fatal(err)
	}
	if res.After >= res.Before || res.After != size() || reported == 0 {
		t.Fatalf("compact: %+v, file %d, progress %d", res, size(), reported)
	}
	if _, err := os.Stat(path + ".compact"); !os.IsNotExist(err) {
		t.Fatalf("the temporary copy is left: %v", err)
	}
	s, err = Open(path, storetest.Keys())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	i := 0
	if err := s.EachRunList(ctx, "batch-20260609", func(gr matcher.GraduateRecommendations) error {
		if got := gr.GraduateID + " " + string(gr.Items[0].Item); i >= len(want) || got != want[i] {
			return fmt.Errorf("list %d after compact: %s", i, got)
		}
		i++
		return nil
	}); err != nil || i != len(want) {
		t.Fatalf("after compact: %d of %d lists, %v", i, len(want), err)
	}
	if runs, err := s.Runs(ctx, 0); err != nil || len(runs) != 9 {
		t.Fatalf("runs after compact: %d %v", len(runs), err)
	}
}

// TestStoreCompactReplacesTheFile: the open store's compaction (after a
// data key rotation or the first sealing) goes through compactInto as
// Compact does: the file shrinks, no copy is left beside it, and the store
// reads and writes on the new file.
func TestStoreCompactReplacesTheFile(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "jobmatch.db")
	s, err := Open(path, storetest.Keys())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for n := 1; n <= 4; n++ {
		publishTestRun(t, s, n, 1000)
	}
	if _, err := s.PruneRuns(ctx, 2, false); err != nil {
		t.Fatal(err)
	}
	before, _ := os.Stat(path)
	if err := s.compact(); err != nil {
		t.Fatal(err)
	}
	after, _ := os.Stat(path)
	if after.Size() >= before.Size() {
		t.Fatalf("compact: %d bytes, before %d", after.Size(), before.Size())
	}
	if _, err := os.Stat(path + ".compact"); !os.IsNotExist(err) {
		t.Fatalf("the temporary copy is left: %v", err)
	}
	lists := 0
	if err := s.EachRunList(ctx, "batch-20260604", func(matcher.GraduateRecommendations) error { lists++; return nil }); err != nil || lists != 1000 {
		t.Fatalf("after compact: %d lists, %v", lists, err)
	}
	publishTestRun(t, s, 5, 10)
	if runs, err := s.Runs(ctx, 0); err != nil || len(runs) != 5 {
		t.Fatalf("runs after compact and a write: %d %v", len(runs), err)
	}
}

// TestCompactIntoRemovesTheCopyOnError: a copy that fails half-way is
// not left beside the file for a later rename to pick up.
func TestCompactIntoRemovesTheCopyOnError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "jobmatch.db")
	src, err := bbolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	src.Close() // bbolt.Compact cannot read it
	if tmp, err := compactInto(src, path, 0, nil); err == nil {
		t.Fatalf("compactInto a closed database: %q, no error", tmp)
	}
	if _, err := os.Stat(path + ".compact"); !os.IsNotExist(err) {
		t.Fatalf("the failed copy is left: %v", err)
	}
}
