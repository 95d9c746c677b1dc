package postgres_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store"
	"github.com/urumqi-hrss/jobmatch/store/postgres"
	"github.com/urumqi-hrss/jobmatch/store/postgres/pgtest"
)

// TestMigrate10ListDigests: lists written before schema 10 have no digest
// (NULL), and the diff's walk reads their posts instead; a run's partition
// detached by an interrupted prune before the migration is still dropped
// by the next prune; lists saved after the migration carry their digest.
func TestMigrate10ListDigests(t *testing.T) {
	ctx := context.Background()
	cfg, pool := schemaAt(t, 9)
	keys := pgtest.Keys(t)
	execAll(t, pool,
		`INSERT INTO runs (id, started_at, finished_at, status) VALUES
			('batch-1', '2026-06-01', '2026-06-01', 'published'),
			('batch-2', '2026-06-02', '2026-06-02', 'published')`,
		`INSERT INTO current_run (id, run_id) VALUES (1, 'batch-2')`,
		`SELECT jm_run_partitions(id) FROM runs`)
	want := map[string][]string{"G1": {"p:2", "p:1"}, "G2": nil, "G3": {"p:3"}}
	for gid, posts := range want {
		var items []matcher.StoredRecommendation
		for i, p := range posts {
			items = append(items, matcher.StoredRecommendation{PostID: p, Kind: matcher.KindJob, Rank: i + 1, Item: []byte(`{}`)})
		}
		sl, err := store.SealList(keys, "batch-2", gid, items)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := pool.Exec(ctx, `INSERT INTO recommendations (run_id, graduate_id, items_box) VALUES ('batch-2', $1, $2)`, gid, sl.Box); err != nil {
			t.Fatal(err)
		}
	}
	// batch-1 pruned by a prune that stopped after detaching its lists.
	var leftover string
	if err := pool.QueryRow(ctx, `SELECT 'recommendations_r' || no FROM run_partitions WHERE run_id = 'batch-1'`).Scan(&leftover); err != nil {
		t.Fatal(err)
	}
	execAll(t, pool, `UPDATE runs SET pruned_at = '2026-06-05', pruned_graduates = 0 WHERE id = 'batch-1'`,
		`ALTER TABLE recommendations DETACH PARTITION `+quoteIdent(leftover))
	if err := postgres.Migrate(ctx, pool); err != nil {
		t.Fatal(err)
	}
	if n := count(t, pool, `SELECT count(*) FROM recommendations WHERE run_id = 'batch-2' AND posts_digest IS NULL`); n != len(want) {
		t.Fatalf("%d lists without a digest after the migration, want %d", n, len(want))
	}

	s, err := postgres.OpenConfig(ctx, cfg.Copy(), keys)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got := map[string][]string{}
	err = s.EachRunListDigest(ctx, "batch-2", func(id string, digest []byte, posts []string) error {
		if digest != nil {
			t.Errorf("list of %s written before schema 10: digest %x", id, digest)
		}
		got[id] = posts
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for gid, posts := range want {
		if p, ok := got[gid]; !ok || !slices.Equal(p, posts) {
			t.Fatalf("list of %s: posts %q (read: %v), want %q", gid, p, ok, posts)
		}
	}
	if len(got) != len(want) {
		t.Fatalf("%d lists, want %d", len(got), len(want))
	}

	// A run after the migration: its lists carry digests, in its
	// partition (made LIKE the parent, so with the column).
	run := &matcher.Run{ID: "batch-3", StartedAt: time.Date(2026, 6, 6, 0, 0, 0, 0, time.UTC)}
	if err := s.CreateRun(ctx, run); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveRecommendations(ctx, run.ID, []matcher.GraduateRecommendations{{GraduateID: "G1",
		Items: []matcher.StoredRecommendation{{PostID: "p:2", Kind: matcher.KindJob, Rank: 1, Item: []byte(`{}`)}}}}); err != nil {
		t.Fatal(err)
	}
	var digest []byte
	if err := pool.QueryRow(ctx, `SELECT posts_digest FROM recommendations WHERE run_id = 'batch-3' AND graduate_id = 'G1'`).Scan(&digest); err != nil {
		t.Fatal(err)
	}
	if !store.ListDigestCurrent(keys, digest) || string(digest) != string(s.ListDigest("G1", []string{"p:2"})) {
		t.Fatalf("digest of a list saved after the migration: %x", digest)
	}

	if _, err := s.PruneRuns(ctx, 2, false); err != nil {
		t.Fatal(err)
	}
	if n := count(t, pool, `SELECT count(*) FROM pg_class WHERE relname = $1 AND relnamespace = current_schema()::regnamespace`, leftover); n != 0 {
		t.Fatalf("the prune left %s", leftover)
	}
}

// TestSessionsWithoutJIT: the store's sessions run without PostgreSQL's
// JIT (the run look-ups were compiled at ~0.7 s each), unless the
// connection string asks for it.
func TestSessionsWithoutJIT(t *testing.T) {
	ctx := context.Background()
	cfg, _ := schemaAt(t, 0)
	for _, c := range []struct{ param, want string }{{"", "off"}, {"on", "on"}} {
		cc := cfg.Copy()
		if c.param != "" {
			cc.ConnConfig.RuntimeParams["jit"] = c.param
		}
		s, err := postgres.OpenAndMigrate(ctx, cc, pgtest.Keys(t))
		if err != nil {
			t.Fatal(err)
		}
		got, err := postgres.Setting(s, "jit")
		s.Close()
		if err != nil || got != c.want {
			t.Fatalf("jit %q in the connection string: the session's jit is %q (%v), want %q", c.param, got, err, c.want)
		}
	}
}

// TestListDigestGuard (schema 11): an update that replaces a list's box
// and leaves its digest as it was — what a process started before schema
// 10 does when it saves a list again — clears the digest, so the diff
// reads that list instead of trusting a digest of another list; an update
// that writes box and digest together keeps the new digest.
func TestListDigestGuard(t *testing.T) {
	ctx := context.Background()
	_, pool := schemaAt(t, 0)
	execAll(t, pool,
		`INSERT INTO runs (id, started_at, status) VALUES ('batch-1', '2026-06-01', 'running')`,
		`SELECT jm_run_partitions(id) FROM runs`,
		`INSERT INTO recommendations (run_id, graduate_id, items_box, posts_digest) VALUES
			('batch-1', 'G1', '\x01', '\xaa'), ('batch-1', 'G2', '\x02', '\xbb'), ('batch-1', 'G3', '\x03', '\xcc')`,
		// G1: the box replaced alone, as schema 9's save did.
		`INSERT INTO recommendations (run_id, graduate_id, items_box) VALUES ('batch-1', 'G1', '\x11')
			ON CONFLICT (run_id, graduate_id) DO UPDATE SET items = NULL, items_box = excluded.items_box`,
		// G2: box and a new digest together (a rotation's rewrite).
		`UPDATE recommendations SET items_box = '\x12', posts_digest = '\xbc' WHERE graduate_id = 'G2'`,
		// G3: the same digest with a box sealed anew (a retried chunk).
		`UPDATE recommendations SET items_box = '\x13', posts_digest = '\xcc' WHERE graduate_id = 'G3'`)
	for gid, want := range map[string]string{"G1": "", "G2": "bc", "G3": ""} {
		var got string
		if err := pool.QueryRow(ctx, `SELECT coalesce(encode(posts_digest, 'hex'), '') FROM recommendations WHERE graduate_id = $1`, gid).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("%s: digest after the update %q, want %q", gid, got, want)
		}
	}
}
