package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store/bolt"
	"github.com/urumqi-hrss/jobmatch/store/storetest"
)

// TestRunRetentionCommands: `runs prune` says with --dry-run what would go
// and deletes nothing, refuses to keep fewer than 2, prunes the older runs'
// lists (their reports kept, `runs list` and `runs show` saying so, `runs
// export` refusing with the run named and no file left); `batch` prunes
// after publishing by --keep-runs; both are audited; `compact` shrinks the
// file and everything kept still reads.
func TestRunRetentionCommands(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end batch")
	}
	dir := t.TempDir()
	gen, data := filepath.Join(dir, "gen"), filepath.Join(dir, "data")
	day := "--now=2023-06-15"
	if code, _, errs := run(t, "", "gen", "--out", gen, "--posts", "300", "--graduates", "200", "--courses", "40", "--seed", "5"); code != 0 {
		t.Fatalf("gen: exit %d: %s", code, errs)
	}
	for _, entity := range []string{"courses", "posts", "graduates"} {
		if code, _, errs := run(t, "", "ingest", "--data", data, day, "--quiet", entity, filepath.Join(gen, entity+".csv")); code != 0 {
			t.Fatalf("ingest %s: exit %d: %s", entity, code, errs)
		}
	}
	for i := 0; i < 3; i++ {
		if code, _, errs := run(t, "", "batch", "--data", data, day, "--quiet", "--keep-runs", "0"); code != 0 {
			t.Fatalf("batch %d: exit %d: %s", i+1, code, errs)
		}
	}
	if code, _, _ := run(t, "", "batch", "--data", data, day, "--keep-runs", "1"); code != 2 {
		t.Fatalf("batch --keep-runs 1: exit %d, want 2", code)
	}
	if code, _, errs := run(t, "", "runs", "prune", "--data", data, "--keep", "1"); code != 2 || !strings.Contains(errs, "at least 2") {
		t.Fatalf("prune --keep 1: exit %d: %s", code, errs)
	}
	first, second := "batch-20230615", "batch-20230615-2"
	code, out, errs := run(t, "", "runs", "prune", "--data", data, "--keep", "2", "--dry-run", "--json")
	var dry matcher.PruneResult
	if code != 0 || json.Unmarshal([]byte(out), &dry) != nil || !dry.DryRun || len(dry.Pruned) != 1 || dry.Pruned[0].ID != first || dry.Pruned[0].Lists == 0 {
		t.Fatalf("dry run: exit %d: %s %s", code, out, errs)
	}
	if code, out, _ := run(t, "", "runs", "export", "--data", data, "--run", first); code != 0 || strings.Count(out, "\n") < 2 {
		t.Fatalf("the dry run deleted lists: exit %d", code)
	}
	code, out, errs = run(t, "", "runs", "prune", "--data", data, "--keep", "2")
	if code != 0 || !strings.Contains(out, first) || !strings.Contains(out, "pruned") || !strings.Contains(out, "jobmatch compact") {
		t.Fatalf("prune: exit %d: %s %s", code, out, errs)
	}
	if code, out, _ := run(t, "", "runs", "list", "--data", data); code != 0 || !strings.Contains(out, "名单已清理") {
		t.Fatalf("runs list: %s", out)
	}
	if code, out, _ := run(t, "", "runs", "show", "--data", data, "--run", first); code != 0 || !strings.Contains(out, "Lists pruned") || !strings.Contains(out, "本批次") {
		t.Fatalf("runs show of a pruned run: exit %d: %s", code, out)
	}
	csvOut := filepath.Join(dir, "lists.csv")
	code, _, errs = run(t, "", "runs", "export", "--data", data, "--run", first, "--out", csvOut)
	if _, err := os.Stat(csvOut); code != 1 || !strings.Contains(errs, first) || !strings.Contains(errs, "pruned") || err == nil {
		t.Fatalf("export of a pruned run: exit %d, file %v: %s", code, err, errs)
	}
	if code, out, errs := run(t, "", "runs", "diff", "--data", data, "--run", "latest"); code != 0 || !strings.HasPrefix(out, "graduate_id,previous_run") {
		t.Fatalf("diff of the served run after the prune: exit %d: %s", code, errs)
	}

	// The next batch prunes by itself: its previous runs -2 and -3 kept…
	// with --keep-runs 2, only -3 stays beside it.
	code, _, errs = run(t, "", "batch", "--data", data, day, "--quiet", "--keep-runs", "2")
	if code != 0 || !strings.Contains(errs, "old runs pruned") || !strings.Contains(errs, second) {
		t.Fatalf("batch with --keep-runs 2: exit %d: %s", code, errs)
	}

	keys, err := dataKeys()
	if err != nil {
		t.Fatal(err)
	}
	st, err := bolt.Open(filepath.Join(data, "jobmatch.db"), keys)
	if err != nil {
		t.Fatal(err)
	}
	log, err := st.AuditLog(context.Background(), "", 50)
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	var clients []string
	for _, e := range log {
		if e.Action == "runs.prune" {
			clients = append(clients, e.Client+": "+e.Detail)
		}
	}
	if len(clients) != 2 || !strings.Contains(clients[0], "jobmatch batch: keep 2: "+second) || !strings.Contains(clients[1], "jobmatch runs prune: keep 2: "+first) {
		t.Fatalf("audit of the prunes: %q", clients)
	}

	path := filepath.Join(data, "jobmatch.db")
	before, _ := os.Stat(path)
	code, out, errs = run(t, "", "compact", "--data", data)
	after, _ := os.Stat(path)
	if code != 0 || !strings.Contains(out, "MB →") || after.Size() >= before.Size() {
		t.Fatalf("compact: exit %d, %d → %d bytes: %s %s", code, before.Size(), after.Size(), out, errs)
	}
	if code, out, errs := run(t, "", "runs", "export", "--data", data, "--run", "latest"); code != 0 || strings.Count(out, "\n") < 2 {
		t.Fatalf("export after compact: exit %d: %s", code, errs)
	}
	if code, _, _ := run(t, "", "compact", "--db", "postgres://nowhere/x"); code != 2 {
		t.Fatalf("compact on PostgreSQL: exit %d, want 2", code)
	}
}

// A $JOBMATCH_KEEP_RUNS that is not a number is refused before anything
// runs, naming the value (it used to read as "--keep-runs -1").
func TestKeepRunsEnvNotANumber(t *testing.T) {
	t.Setenv(keepRunsEnv, "three")
	code, _, errs := run(t, "", "batch", "--data", t.TempDir(), "--now", "2023-06-15", "--quiet")
	if code != 2 || !strings.Contains(errs, `"three" is not a number`) {
		t.Fatalf("batch with $%s=three: exit %d: %s", keepRunsEnv, code, errs)
	}
}

// TestPruneRunsDeadline: the command line's prunes (after a batch or a
// worker publishes, and `runs prune`) wait at most matcher.PruneTimeout
// for another prune's lock or a run's readers, as the API's do.
func TestPruneRunsDeadline(t *testing.T) {
	keys, err := dataKeys()
	if err != nil {
		t.Fatal(err)
	}
	inner, err := bolt.Open(filepath.Join(t.TempDir(), "jobmatch.db"), keys)
	if err != nil {
		t.Fatal(err)
	}
	defer inner.Close()
	st := &storetest.PruneDeadline{FullStore: inner}
	start := time.Now()
	res, err := pruneRuns(context.Background(), st, matcher.DefaultKeepRuns, true)
	if err != nil || res == nil || !res.DryRun {
		t.Fatalf("dry prune of an empty store: %+v, %v", res, err)
	}
	if !st.Set || st.Deadline.Before(start.Add(matcher.PruneTimeout)) || st.Deadline.After(time.Now().Add(matcher.PruneTimeout)) {
		t.Fatalf("prune's deadline %v (set %v), want %v after the call", st.Deadline, st.Set, matcher.PruneTimeout)
	}
}
