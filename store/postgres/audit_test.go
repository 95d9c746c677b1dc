package postgres_test

import (
	"context"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store/postgres"
	"github.com/urumqi-hrss/jobmatch/store/postgres/pgtest"
	"github.com/urumqi-hrss/jobmatch/store/storetest"
)

// TestMigrate13AuditIndexes: schema 13 keeps the audit log's entries with
// two indexes instead of three, and what the third served still holds on
// entries written before it: an entry written again (a retried batch) is
// kept once, and both AuditLog orders are the order of writing.
func TestMigrate13AuditIndexes(t *testing.T) {
	ctx := context.Background()
	cfg, pool := schemaAt(t, 12)
	execAll(t, pool, `INSERT INTO audit_log (id, at, key_id, role, action, graduate_id, detail) VALUES
		('e1', now(), 'k', 'admin', 'graduate.read', 'G1', ''),
		('e2', now(), 'k', 'admin', 'key.create', '', 'k2'),
		('e3', now(), 'k', 'admin', 'graduate.read', 'G1', '')`)
	if err := postgres.Migrate(ctx, pool); err != nil {
		t.Fatal(err)
	}
	var indexes []string
	rows, err := pool.Query(ctx, `SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'audit_log' ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		indexes = append(indexes, name)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if want := []string{"audit_log_graduate_entry", "audit_log_pkey"}; !slices.Equal(indexes, want) {
		t.Fatalf("audit_log's indexes after schema 13: %v, want %v", indexes, want)
	}

	s, err := postgres.OpenConfig(ctx, cfg.Copy(), pgtest.Keys(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// e3 again beside a new entry: the retry of a batch whose commit was
	// acknowledged to nobody, across the migration.
	if err := s.AuditBatch(ctx, []matcher.AuditEntry{
		{ID: "e3", KeyID: "k", Role: matcher.RoleAdmin, Action: "graduate.read", GraduateID: "G1"},
		{ID: "e4", KeyID: "k", Role: matcher.RoleAdmin, Action: "graduate.recommendations", GraduateID: "G1"},
	}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		graduate string
		want     []string
	}{{"G1", []string{"e4", "e3", "e1"}}, {"", []string{"e4", "e3", "e2", "e1"}}} {
		log, err := s.AuditLog(ctx, c.graduate, 10)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, e := range log {
			ids = append(ids, e.ID)
		}
		if !slices.Equal(ids, c.want) {
			t.Fatalf("audit log of %q after schema 13: %v, want %v", c.graduate, ids, c.want)
		}
	}
}

// TestAuditBatchCheck: the audit commit reads each checked graduate's
// version, the version GraduateVersion read; an import that changes the
// graduate changes it, one that changes nothing does not, and a deleted
// graduate has none. The entries are written either way.
func TestAuditBatchCheck(t *testing.T) {
	s := pgtest.Open(t)
	ctx := context.Background()
	g := storetest.Graduate(1)
	if _, err := s.UpsertGraduates(ctx, []matcher.Graduate{g}); err != nil {
		t.Fatal(err)
	}
	read, v0, err := s.GraduateVersion(ctx, g.ID)
	if err != nil || read.ID != g.ID || read.NationalID != g.NationalID {
		t.Fatalf("GraduateVersion: %+v, %v", read, err)
	}
	check := func(what string, want int64, present bool) {
		t.Helper()
		vs, err := s.AuditBatchCheck(ctx, []matcher.AuditEntry{{KeyID: "k", Action: "graduate.recommendations", GraduateID: g.ID}}, []string{g.ID, "G-none"})
		if err != nil {
			t.Fatal(err)
		}
		if v, ok := vs[g.ID]; ok != present || (present && v != want) || len(vs) > 1 {
			t.Fatalf("%s: versions %v, want %s at %d (present %v)", what, vs, g.ID, want, present)
		}
	}
	check("as read", v0, true)
	if _, err := s.UpsertGraduates(ctx, []matcher.Graduate{g}); err != nil {
		t.Fatal(err)
	}
	check("after importing it unchanged", v0, true)
	g.Skills = append(g.Skills, "Python")
	if _, err := s.UpsertGraduates(ctx, []matcher.Graduate{g}); err != nil {
		t.Fatal(err)
	}
	_, v1, err := s.GraduateVersion(ctx, g.ID)
	if err != nil || v1 == v0 {
		t.Fatalf("version after a change: %d (before %d), %v", v1, v0, err)
	}
	check("after a change", v1, true)
	if err := s.DeleteGraduate(ctx, g.ID); err != nil {
		t.Fatal(err)
	}
	check("after the erasure", 0, false)
	if log, err := s.AuditLog(ctx, g.ID, 10); err != nil || len(log) != 4 {
		t.Fatalf("audit log of the checked commits: %d entries, %v", len(log), err)
	}
}

// The pool opened from a URL has room for the API's match slots and its
// audit commits unless the URL sizes it; the audit commits in flight
// leave a connection for reads in a pool the URL makes small.
func TestPoolSizeForTheAPI(t *testing.T) {
	ctx := context.Background()
	url, cfg := pgtest.SchemaURL(t)
	s, err := postgres.OpenAndMigrate(ctx, cfg, pgtest.Keys(t))
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	for _, tc := range []struct {
		url           string
		conns, audits int
	}{
		{url, 4*runtime.GOMAXPROCS(0) + 2, 2},
		{url + sep + "pool_max_conns=3", 3, 2},
		{url + sep + "pool_max_conns=2", 2, 1},
	} {
		s, err := postgres.Open(ctx, tc.url, pgtest.Keys(t))
		if err != nil {
			t.Fatal(err)
		}
		if n := s.Pool().Config().MaxConns; int(n) != tc.conns {
			t.Errorf("%s: pool of %d, want %d", tc.url, n, tc.conns)
		}
		if n := s.AuditConcurrency(); n != tc.audits {
			t.Errorf("%s: %d audit commits, want %d", tc.url, n, tc.audits)
		}
		s.Close()
	}
}
