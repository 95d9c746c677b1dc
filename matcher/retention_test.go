package matcher

import (
	"maps"
	"strings"
	"testing"
	"time"
)

// TestRetainedRuns: the policy keeps the served run, runs in progress, the
// newest keep published runs (the served one counted among them), failed
// runs newer than the served one, runs being read, and nothing else.
func TestRetainedRuns(t *testing.T) {
	t0 := time.Date(2026, 6, 1, 2, 0, 0, 0, time.UTC)
	day := func(n int) time.Time { return t0.Add(time.Duration(n) * 24 * time.Hour) }
	runs := []Run{
		{ID: "r1", StartedAt: day(1), Status: RunPublished},
		{ID: "r2", StartedAt: day(2), Status: RunFailed},
		{ID: "r3", StartedAt: day(3), Status: RunPublished},
		{ID: "r4", StartedAt: day(4), Status: RunPublished, PrunedAt: day(9)},
		{ID: "r5", StartedAt: day(5), Status: RunPublished},
		{ID: "r6", StartedAt: day(6), Status: RunPublished},
		{ID: "r7", StartedAt: day(7), Status: RunFailed},
		{ID: "r8", StartedAt: day(8), Status: RunRunning},
	}
	got := RetainedRuns(runs, "r6", 2, nil)
	want := map[string]string{"r4": KeepPruned, "r5": KeepNewest, "r6": KeepServed, "r7": KeepRecent, "r8": KeepRunning}
	if !maps.Equal(got, want) {
		t.Fatalf("keep 2: %v, want %v", got, want)
	}
	// The served run rolled back to an older one: it and the newest
	// others are kept; failed runs newer than it too.
	got = RetainedRuns(runs, "r3", 2, func(id string) bool { return id == "r1" || id == "r5" })
	// r2 failed before the served run: pruned.
	want = map[string]string{"r1": KeepReading, "r3": KeepServed, "r4": KeepPruned, "r5": KeepReading, "r6": KeepNewest, "r7": KeepRecent, "r8": KeepRunning}
	if !maps.Equal(got, want) {
		t.Fatalf("served r3, reading r1 r5: %v, want %v", got, want)
	}
	// Nothing published yet: failed runs are kept for inspection.
	got = RetainedRuns(runs[1:2], "", 2, nil)
	if !maps.Equal(got, map[string]string{"r2": KeepRecent}) {
		t.Fatalf("no served run: %v", got)
	}
	if CheckKeepRuns(1) == nil || ErrorCode(CheckKeepRuns(1)) != EINVALID || CheckKeepRuns(MinKeepRuns) != nil {
		t.Fatal("CheckKeepRuns")
	}
	if e := ErrRunPruned("batch-20260601", day(9)); e.Code != EGONE || !strings.Contains(e.MessageEN, "batch-20260601") || !strings.Contains(e.MessageEN, "2026-06-10") {
		t.Fatalf("ErrRunPruned: %v", e)
	}
}

// TestPruneResultAuditDetail: the audit entry's detail names the policy,
// the runs, the lists and the MB, and is empty (nothing audited) for a dry
// run and for a prune that deleted nothing: the command line and the API
// write the same entry.
func TestPruneResultAuditDetail(t *testing.T) {
	res := &PruneResult{Keep: 3, Pruned: []PrunedRun{{ID: "batch-2", Lists: 2, Bytes: 3 << 20}, {ID: "batch-1", Lists: 5, Bytes: 1<<20 + 5}}}
	if lists, size := res.Totals(); lists != 7 || size != 4<<20+5 {
		t.Errorf("totals: %d %d", lists, size)
	}
	if got, want := res.AuditDetail(), "keep 3: batch-2 batch-1 (7 lists, 4 MB)"; got != want {
		t.Errorf("detail %q, want %q", got, want)
	}
	res.DryRun = true
	if d := res.AuditDetail(); d != "" {
		t.Errorf("dry run: %q", d)
	}
	if d := (&PruneResult{Keep: 2}).AuditDetail(); d != "" {
		t.Errorf("nothing pruned: %q", d)
	}
}
