package bolt

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store/storetest"
)

// withFoldEvery sets the fold's period: the tests that need entries to
// stay in the journal set it beyond the test's length.
func withFoldEvery(d time.Duration) Option { return func(s *Store) { s.foldEvery = d } }

// crash stops s as a crash would leave its files: no fold, no zeroing.
// The journal's descriptors and bbolt's file are closed (releasing the
// lock) without anything more written.
func crash(t *testing.T, s *Store) {
	t.Helper()
	close(s.foldStop)
	<-s.foldDone
	if err := s.journal.file.close(); err != nil {
		t.Fatal(err)
	}
	if err := s.db.Close(); err != nil {
		t.Fatal(err)
	}
}

// bucketCount is how many entries bbolt's audit bucket holds.
func bucketCount(t *testing.T, s *Store) int {
	t.Helper()
	n := 0
	if err := s.db.View(func(tx *bbolt.Tx) error { n = tx.Bucket(bAudit).Stats().KeyN; return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}

func openJ(t *testing.T, path string, opts ...Option) (*Store, *bytes.Buffer) {
	t.Helper()
	var logs bytes.Buffer
	opts = append([]Option{WithLogger(slog.New(slog.NewTextHandler(&logs, nil)))}, opts...)
	s, err := Open(path, storetest.Keys(), opts...)
	if err != nil {
		t.Fatal(err)
	}
	return s, &logs
}

var jctx = context.Background()

func entry(i int, gid string) matcher.AuditEntry {
	return matcher.AuditEntry{ID: fmt.Sprint("e", i), KeyID: "k1", Role: matcher.RoleCounselor, Action: "graduate.read",
		GraduateID: gid, Detail: fmt.Sprint("detail-", i), Client: "192.0.2.1"}
}

func ids(t *testing.T, s *Store, gid string) []string {
	t.Helper()
	log, err := s.AuditLog(jctx, gid, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range log {
		if e.Detail != "detail-"+strings.TrimPrefix(e.ID, "e") || e.Action != "graduate.read" {
			t.Fatalf("entry %s read back as %+v", e.ID, e)
		}
		out = append(out, e.ID)
	}
	return out
}

// TestAuditLogReadsTheJournal: entries acknowledged and not yet folded
// are in AuditLog, by graduate and all, newest first, and read the same
// after the fold; the journal keeps them sealed like the file does.
func TestAuditLogReadsTheJournal(t *testing.T) {
	path := filepath.Join(t.TempDir(), "jobmatch.db")
	s, _ := openJ(t, path, withFoldEvery(time.Hour))
	defer s.Close()
	for i := range 6 {
		if err := s.AuditBatch(jctx, []matcher.AuditEntry{entry(i, []string{"G1", "G2"}[i%2])}); err != nil {
			t.Fatal(err)
		}
	}
	if n := bucketCount(t, s); n != 0 {
		t.Fatalf("%d entries folded already: the test would not read the journal", n)
	}
	want := map[string][]string{"G1": {"e4", "e2", "e0"}, "G2": {"e5", "e3", "e1"}, "": {"e5", "e4", "e3", "e2", "e1", "e0"}}
	for g, w := range want {
		if got := ids(t, s, g); !slices.Equal(got, w) {
			t.Fatalf("journalled entries for %q: %v, want %v", g, got, w)
		}
	}
	if raw, _ := os.ReadFile(path + ".audit"); !bytes.Contains(raw, []byte(`"G1"`)) || bytes.Contains(raw, []byte("detail-4")) || bytes.Contains(raw, []byte("graduate.read")) {
		t.Fatal("the journal does not hold the entries sealed (graduate readable, action and detail not)")
	}
	if err := s.fold(); err != nil {
		t.Fatal(err)
	}
	if n := bucketCount(t, s); n != 6 {
		t.Fatalf("%d entries folded, want 6", n)
	}
	// Half in bbolt, half in the journal.
	for i := 6; i < 9; i++ {
		if err := s.Audit(jctx, entry(i, "G1")); err != nil {
			t.Fatal(err)
		}
	}
	if got := ids(t, s, "G1"); !slices.Equal(got, []string{"e8", "e7", "e6", "e4", "e2", "e0"}) {
		t.Fatalf("entries across the fold: %v", got)
	}
	if got, _ := s.AuditLog(jctx, "", 4); len(got) != 4 || got[3].ID != "e5" {
		t.Fatalf("limit across the fold: %+v", got)
	}
	if raw, _ := os.ReadFile(path + ".audit"); bytes.Contains(raw, []byte(`"e0"`)) {
		t.Fatal("the folded region was not zeroed")
	}
}

// TestJournalReplayAfterCrash: entries acknowledged and never folded are
// there after a crash, once; a torn record at the end of the journal is
// ignored with a warning and the records before it are kept.
func TestJournalReplayAfterCrash(t *testing.T) {
	path := filepath.Join(t.TempDir(), "jobmatch.db")
	s, _ := openJ(t, path, withFoldEvery(time.Hour))
	for i := range 5 {
		if err := s.AuditBatch(jctx, []matcher.AuditEntry{entry(2*i, "G1"), entry(2*i+1, "G2")}); err != nil {
			t.Fatal(err)
		}
	}
	used := s.journal.used[0]
	crash(t, s)

	// A write cut short: the first 40 bytes of a record after the last.
	torn := appendJournalRecord(nil, 11, []byte(`{"id":"e10","graduate_id":"G1","box":"AAAA"}`))[:40]
	f, err := os.OpenFile(path+".audit", os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt(torn, used); err != nil {
		t.Fatal(err)
	}
	f.Close()

	s, logs := openJ(t, path, withFoldEvery(time.Hour))
	want := []string{"e9", "e8", "e7", "e6", "e5", "e4", "e3", "e2", "e1", "e0"}
	if got := ids(t, s, ""); !slices.Equal(got, want) {
		t.Fatalf("after the crash: %v, want %v", got, want)
	}
	if n := bucketCount(t, s); n != 10 {
		t.Fatalf("replay put %d entries in the bucket, want 10", n)
	}
	if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), "does not parse") || !strings.Contains(logs.String(), "records_kept=10") {
		t.Fatalf("no warning about the torn record:\n%s", logs)
	}
	if !strings.Contains(logs.String(), "entries=10") {
		t.Fatalf("the replay is not logged:\n%s", logs)
	}
	// New entries continue after the replayed ones, and a clean reopen
	// replays nothing.
	if err := s.Audit(jctx, entry(10, "G1")); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, logs = openJ(t, path)
	defer s.Close()
	if got := ids(t, s, ""); !slices.Equal(got, append([]string{"e10"}, want...)) {
		t.Fatalf("after a clean reopen: %v", got)
	}
	if strings.Contains(logs.String(), "replayed") || strings.Contains(logs.String(), "WARN") {
		t.Fatalf("a clean reopen replayed or warned:\n%s", logs)
	}
}

// TestJournalReplayIsIdempotent: a journal whose entries were folded (a
// crash after the fold's commit, before the region was zeroed) adds
// nothing at Open, with or without the fold mark; an entry whose key an
// older jobmatch used meanwhile is kept beside it, not over it.
func TestJournalReplayIsIdempotent(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "jobmatch.db")
	s, _ := openJ(t, path, withFoldEvery(time.Hour))
	for i := range 4 {
		if err := s.Audit(jctx, entry(i, "G1")); err != nil {
			t.Fatal(err)
		}
	}
	crash(t, s)
	journal, err := os.ReadFile(path + ".audit")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"e3", "e2", "e1", "e0"}
	for _, tc := range []struct {
		name   string
		before func(tx *bbolt.Tx) error // run on the file before the journal is put back
		want   []string
	}{
		{"fold mark", nil, want},
		{"no fold mark, same values", func(tx *bbolt.Tx) error { return tx.Bucket(bMeta).Delete(metaAuditFolded) }, want},
		{"a key taken by an older jobmatch", func(tx *bbolt.Tx) error {
			b := tx.Bucket(bAudit)
			if err := b.Delete(u64(4)); err != nil { // e3's key
				return err
			}
			if err := tx.Bucket(bMeta).Put(metaAuditFolded, u64(3)); err != nil {
				return err
			}
			// e3 was never folded; the older jobmatch took the next key.
			return putJSON(b, u64(4), &auditRecord{AuditEntry: matcher.AuditEntry{ID: "old", KeyID: "k0", Action: "key.revoke", Detail: "revoked-k0"}})
		}, []string{"e3", "old", "e2", "e1", "e0"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := openJ(t, path) // replays the journal (first pass) or nothing
			if tc.before != nil {
				if err := s.db.Update(tc.before); err != nil {
					t.Fatal(err)
				}
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path+".audit", journal, 0o600); err != nil {
				t.Fatal(err)
			}
			s, _ = openJ(t, path)
			defer s.Close()
			log, err := s.AuditLog(jctx, "", 100)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range log {
				got = append(got, e.ID)
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("after replaying a folded journal: %v, want %v", got, tc.want)
			}
		})
	}
}

// TestJournalRegionsTurnOver: with regions of a few entries, writers in
// parallel fill them, the fold empties them and writers wait for it when
// both are full; every acknowledged entry is there once, before and after
// a reopen.
func TestJournalRegionsTurnOver(t *testing.T) {
	path := filepath.Join(t.TempDir(), "jobmatch.db")
	s, _ := openJ(t, path, WithAuditJournal(2048, 2))
	const writers, each = 8, 40
	var wg sync.WaitGroup
	errs := make(chan error, writers*each)
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				n := w*each + i
				errs <- s.AuditBatch(jctx, []matcher.AuditEntry{entry(n, fmt.Sprint("G", n%3))})
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	check := func(when string) {
		got := ids(t, s, "")
		slices.Sort(got)
		if len(got) != writers*each || len(slices.Compact(got)) != writers*each {
			t.Fatalf("%s: %d entries (%d distinct), want %d", when, len(got), len(slices.Compact(slices.Clone(got))), writers*each)
		}
	}
	check("while running")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, _ = openJ(t, path, WithAuditJournal(2048, 2))
	defer s.Close()
	check("after a reopen")
	if _, err := s.AuditLog(jctx, "G1", 1000); err != nil {
		t.Fatal(err)
	}
	if err := s.AuditBatch(jctx, make([]matcher.AuditEntry, 60)); err == nil || !strings.Contains(err.Error(), "larger than a region") {
		t.Fatalf("a group larger than a region: %v", err)
	}
}

// TestJournalFailsClosed: once a write to the journal fails, no entry is
// acknowledged any more (the API refuses the reads), and what was
// acknowledged before is kept.
func TestJournalFailsClosed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "jobmatch.db")
	s, _ := openJ(t, path, withFoldEvery(time.Hour))
	if err := s.Audit(jctx, entry(0, "G1")); err != nil {
		t.Fatal(err)
	}
	s.journal.file.f.Close() // the next write fails
	for i := 1; i < 3; i++ {
		if err := s.Audit(jctx, entry(i, "G1")); err == nil {
			t.Fatalf("entry %d acknowledged after the journal failed", i)
		}
	}
	s.Close()
	s, _ = openJ(t, path)
	defer s.Close()
	if got := ids(t, s, "G1"); !slices.Equal(got, []string{"e0"}) {
		t.Fatalf("after a failed journal: %v", got)
	}
}

// Closing a store twice returns instead of panicking on the fold's
// stopped channel (bbolt's own Close is a no-op the second time), and the
// entries written before the first Close are in bbolt after it.
func TestCloseTwice(t *testing.T) {
	path := filepath.Join(t.TempDir(), "jobmatch.db")
	s, _ := openJ(t, path, withFoldEvery(time.Hour))
	if err := s.Audit(jctx, entry(0, "G1")); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	s, _ = openJ(t, path)
	defer s.Close()
	got, err := s.AuditLog(jctx, "G1", 0)
	if err != nil || len(got) != 1 {
		t.Fatalf("after two closes and an open: %d entries, %v", len(got), err)
	}
}
