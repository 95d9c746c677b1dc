package api

import (
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store/bolt"
	"github.com/urumqi-hrss/jobmatch/store/postgres"
	"github.com/urumqi-hrss/jobmatch/store/postgres/pgtest"
	"github.com/urumqi-hrss/jobmatch/store/storetest"
)

// TestRunsPruneEndpoint: POST /v1/runs/prune is `jobmatch runs prune`
// over the API, on both stores: admin keys only; keep required and at
// least 2, in the body only; a dry run says what would go and changes
// nothing; a prune deletes the older runs' lists (their records and
// reports stay, lists_pruned), answers the store's result and is audited
// once as runs.prune; a prune with nothing left to do is not audited.
func TestRunsPruneEndpoint(t *testing.T) {
	t.Run("embedded", func(t *testing.T) { testRunsPrune(t, newFixture(t)) })
	t.Run("postgres", func(t *testing.T) {
		pg, err := postgres.OpenAndMigrate(context.Background(), pgtest.Schema(t), pgtest.Keys(t))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { pg.Close() })
		testRunsPrune(t, newFixtureOn(t, pg, t.TempDir(), true))
	})
}

func testRunsPrune(t *testing.T, f *fixture) {
	ctx := context.Background()
	g, _ := f.graduateIn("天山区")
	var ids []string // oldest first
	for range 4 {
		ids = append(ids, f.publishRun(g, 8))
	}
	for _, c := range []struct {
		key, query string
		body       any
		status     int
		field      string
	}{
		{"counselor", "", `{"keep":2}`, http.StatusForbidden, ""},
		{"portalA", "", `{"keep":2}`, http.StatusForbidden, ""},
		{"", "", `{"keep":2}`, http.StatusUnauthorized, ""},
		{"admin", "", `{}`, http.StatusBadRequest, "keep"},
		{"admin", "", `{"dry_run":true}`, http.StatusBadRequest, "keep"},
		{"admin", "", `{"keep":1}`, http.StatusBadRequest, "keep"},
		{"admin", "", `{"keep":"2"}`, http.StatusBadRequest, "keep"},
		{"admin", "", `{"keep":2,"force":true}`, http.StatusBadRequest, "force"},
		{"admin", "?keep=3", `{"keep":2}`, http.StatusBadRequest, "keep"},
	} {
		r := f.do("POST", "/v1/runs/prune"+c.query, c.key, c.body)
		if r.status != c.status || c.field != "" && r.json(t)["field"] != c.field {
			t.Errorf("%s %s%s: %d %s, want %d naming %q", c.key, c.body, c.query, r.status, r.body, c.status, c.field)
		}
	}

	prune := func(body string) matcher.PruneResult {
		t.Helper()
		r := f.do("POST", "/v1/runs/prune", "admin", body)
		var res matcher.PruneResult
		if err := json.Unmarshal(r.body, &res); err != nil || r.status != http.StatusOK {
			t.Fatalf("prune %s: %d %s", body, r.status, r.body)
		}
		return res
	}
	idsOf := func(res matcher.PruneResult) []string {
		var out []string
		for _, p := range res.Pruned {
			out = append(out, p.ID)
		}
		return out
	}
	want := []string{ids[1], ids[0]} // newest first, as the store answers
	dry := prune(`{"keep":2,"dry_run":true}`)
	if !dry.DryRun || dry.Keep != 2 || !slices.Equal(idsOf(dry), want) || dry.Pruned[0].Lists != 1 || dry.Pruned[0].Bytes <= 0 ||
		!slices.Contains(dry.Kept, matcher.KeptRun{ID: ids[3], Reason: matcher.KeepServed}) {
		t.Fatalf("dry run: %+v", dry)
	}
	checkListsPruned(t, f, ids, nil)
	if n := auditedPrunes(t, f); len(n) != 0 {
		t.Fatalf("a dry run was audited: %v", n)
	}

	res := prune(`{"keep":2}`)
	if res.DryRun || !slices.Equal(idsOf(res), want) {
		t.Fatalf("prune: %+v", res)
	}
	checkListsPruned(t, f, ids, want)
	if r := f.do("GET", "/v1/graduates/"+g.ID+"/recommendations", "admin", nil); r.status != http.StatusOK || !strings.Contains(string(r.body), `"items":[{`) {
		t.Fatalf("the served run's list after the prune: %d %s", r.status, r.body)
	}
	audited := auditedPrunes(t, f)
	if len(audited) != 1 || audited[0].KeyID != f.keyID["admin"] || audited[0].Role != matcher.RoleAdmin || audited[0].Detail != res.AuditDetail() ||
		!strings.HasPrefix(audited[0].Detail, "keep 2: "+ids[1]+" "+ids[0]+" (2 lists, ") {
		t.Fatalf("audit: %+v", audited)
	}

	if again := prune(`{"keep":2}`); len(again.Pruned) != 0 {
		t.Fatalf("second prune: %+v", again)
	}
	if n := auditedPrunes(t, f); len(n) != 1 {
		t.Fatalf("a prune that deleted nothing was audited: %+v", n)
	}
	if _, err := f.st.Run(ctx, ids[0]); err != nil {
		t.Fatalf("a pruned run's record: %v", err)
	}
}

// checkListsPruned: GET /v1/runs says exactly the runs pruned have had
// their lists pruned.
func checkListsPruned(t *testing.T, f *fixture, ids, pruned []string) {
	t.Helper()
	r := f.do("GET", "/v1/runs", "admin", nil)
	var list struct {
		Runs []struct {
			ID          string `json:"id"`
			ListsPruned bool   `json:"lists_pruned"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(r.body, &list); err != nil || len(list.Runs) != len(ids) {
		t.Fatalf("runs: %d %s", r.status, r.body)
	}
	for _, run := range list.Runs {
		if run.ListsPruned != slices.Contains(pruned, run.ID) {
			t.Fatalf("run %s: lists_pruned %v, want pruned %v: %s", run.ID, run.ListsPruned, pruned, r.body)
		}
	}
}

func auditedPrunes(t *testing.T, f *fixture) []matcher.AuditEntry {
	t.Helper()
	entries, err := f.st.AuditLog(context.Background(), "", 1000)
	if err != nil {
		t.Fatal(err)
	}
	var out []matcher.AuditEntry
	for _, e := range entries {
		if e.Action == matcher.AuditRunsPrune {
			out = append(out, e)
		}
	}
	return out
}

// TestRunsPruneDeadline: the API's prune outlives its client but not
// matcher.PruneTimeout: it may wait for another prune or for readers.
func TestRunsPruneDeadline(t *testing.T) {
	dir := t.TempDir()
	inner, err := bolt.Open(filepath.Join(dir, "jobmatch.db"), storetest.Keys())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { inner.Close() })
	st := &storetest.PruneDeadline{FullStore: inner}
	f := newFixtureOn(t, st, dir, true)
	start := time.Now()
	if r := f.do("POST", "/v1/runs/prune", "admin", `{"keep":2}`); r.status != http.StatusOK {
		t.Fatalf("prune: %d %s", r.status, r.body)
	}
	if !st.Set || st.Deadline.Before(start.Add(matcher.PruneTimeout-time.Minute)) || st.Deadline.After(time.Now().Add(matcher.PruneTimeout)) {
		t.Fatalf("prune's deadline: %v %v (started %v)", st.Deadline, st.Set, start)
	}
}
