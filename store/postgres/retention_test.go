package postgres_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store/postgres"
	"github.com/urumqi-hrss/jobmatch/store/postgres/pgtest"
	"github.com/urumqi-hrss/jobmatch/store/seal"
)

// schemaAt makes a test schema migrated up to version v, with a pool on it.
func schemaAt(t *testing.T, v int) (*pgxpool.Config, *pgxpool.Pool) {
	t.Helper()
	cfg := pgtest.Schema(t)
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg.Copy())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	if err := postgres.MigrateTo(context.Background(), pool, v); err != nil {
		t.Fatal(err)
	}
	return cfg, pool
}

func execAll(t *testing.T, pool *pgxpool.Pool, stmts ...string) {
	t.Helper()
	for _, q := range stmts {
		if _, err := pool.Exec(context.Background(), q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

func count(t *testing.T, pool *pgxpool.Pool, q string, args ...any) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// TestMigrate9RenamesPartitions: schema 9 renames schema 8's partitions
// (named by the MD5 of the run's ID) to numbered ones, the lists in them
// kept, a pruned run's detached leftover included, which the next prune
// drops; runs made after it get numbered partitions too.
func TestMigrate9RenamesPartitions(t *testing.T) {
	ctx := context.Background()
	cfg, pool := schemaAt(t, 8)
	odd := `run 'x'/é`
	execAll(t, pool,
		`INSERT INTO runs (id, started_at, finished_at, status) VALUES
			('batch-1', '2026-06-01', '2026-06-01', 'published'),
			('batch-2', '2026-06-02', '2026-06-02', 'published'),
			('batch-3', '2026-06-03', '2026-06-03', 'published')`,
		fmt.Sprintf(`INSERT INTO runs (id, started_at, status) VALUES (%s, '2026-06-04', 'running')`, quote(odd)),
		`INSERT INTO current_run (id, run_id) VALUES (1, 'batch-3')`,
		`SELECT jm_run_partitions(id) FROM runs`,
		`INSERT INTO recommendations (run_id, graduate_id, items_box) VALUES
			('batch-1', 'G1', '\x0102'), ('batch-2', 'G1', '\x0304'), ('batch-2', 'G2', '\x05'), ('batch-3', 'G1', '\x06')`,
		`INSERT INTO recommendation_plans (run_id, tag, box) VALUES ('batch-2', '\x07', '\x08')`,
		// batch-1 pruned by a prune that stopped after detaching its lists.
		`UPDATE runs SET pruned_at = '2026-06-05', pruned_graduates = 1 WHERE id = 'batch-1'`,
		`ALTER TABLE recommendations DETACH PARTITION `+quoteIdent("recommendations_"+md5hex("batch-1")))
	if err := postgres.Migrate(ctx, pool); err != nil {
		t.Fatal(err)
	}
	if n := count(t, pool, `SELECT count(*) FROM pg_class WHERE relname ~ '^recommendations?(_plans)?_[0-9a-f]{20}' AND relnamespace = current_schema()::regnamespace`); n != 0 {
		t.Fatalf("%d partitions or indexes keep their MD5 names", n)
	}
	if n := count(t, pool, `SELECT count(*) FROM pg_class WHERE relname ~ '^recommendations_r[0-9]+_(pkey|graduate_id_idx)$' AND relnamespace = current_schema()::regnamespace`); n < 4 {
		t.Fatalf("%d indexes renamed, want the 2 of each list partition", n)
	}
	if n := count(t, pool, `SELECT count(*) FROM run_partitions`); n != 4 {
		t.Fatalf("%d runs numbered, want 4", n)
	}
	if n := count(t, pool, `SELECT count(*) FROM recommendations WHERE run_id = 'batch-2'`); n != 2 {
		t.Fatalf("batch-2: %d lists after the migration", n)
	}
	if n := count(t, pool, `SELECT count(*) FROM recommendation_plans WHERE run_id = 'batch-2'`); n != 1 {
		t.Fatalf("batch-2: %d plan items after the migration", n)
	}
	var leftover string
	if err := pool.QueryRow(ctx, `SELECT 'recommendations_r' || no FROM run_partitions WHERE run_id = 'batch-1'`).Scan(&leftover); err != nil {
		t.Fatal(err)
	}
	if n := count(t, pool, `SELECT count(*) FROM `+quoteIdent(leftover)); n != 1 {
		t.Fatalf("batch-1's leftover %s: %d rows", leftover, n)
	}

	s, err := postgres.OpenConfig(ctx, cfg.Copy(), pgtest.Keys(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.PruneRuns(ctx, 2, false); err != nil {
		t.Fatal(err)
	}
	if n := count(t, pool, `SELECT count(*) FROM pg_class WHERE relname = $1 AND relnamespace = current_schema()::regnamespace`, leftover); n != 0 {
		t.Fatalf("the prune left %s", leftover)
	}
	if n := count(t, pool, `SELECT count(*) FROM run_partitions WHERE run_id = 'batch-1'`); n != 0 {
		t.Fatal("batch-1 keeps its number after its partitions went")
	}
	if ids, err := s.RunGraduateIDs(ctx, "batch-2"); err != nil || len(ids) != 2 {
		t.Fatalf("batch-2 after the migration: %v %v", ids, err)
	}
	if err := s.CreateRun(ctx, &matcher.Run{ID: "batch-5", StartedAt: time.Date(2026, 6, 6, 0, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	if n := count(t, pool, `SELECT count(*) FROM run_partitions rp JOIN pg_class c ON c.relname IN ('recommendations_r' || rp.no, 'recommendation_plans_r' || rp.no)
		WHERE rp.run_id = 'batch-5' AND rp.no > (SELECT max(no) FROM run_partitions WHERE run_id <> 'batch-5')`); n != 2 {
		t.Fatalf("batch-5: %d numbered partitions", n)
	}
}

// TestPruneFinishesPendingDetach: a DETACH … CONCURRENTLY interrupted
// while it waits for a reader leaves its partition pending, which refuses
// any other concurrent detach on the parent; the next prune finishes it
// and prunes its own runs. Two prunes at once both succeed.
func TestPruneFinishesPendingDetach(t *testing.T) {
	ctx := context.Background()
	cfg, pool := schemaAt(t, 0)
	s, err := postgres.OpenConfig(ctx, cfg.Copy(), pgtest.Keys(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	t0 := time.Date(2026, 6, 1, 2, 0, 0, 0, time.UTC)
	for i := 1; i <= 6; i++ {
		id := fmt.Sprintf("batch-%d", i)
		must(t, s.CreateRun(ctx, &matcher.Run{ID: id, StartedAt: t0.Add(time.Duration(i) * time.Hour)}))
		must(t, s.SaveRecommendations(ctx, id, []matcher.GraduateRecommendations{{GraduateID: "G1",
			Items: []matcher.StoredRecommendation{{PostID: "a:1", Kind: matcher.KindJob, Rank: 1, Item: []byte(`{"post_id":"a:1"}`)}}}}))
		must(t, s.PublishRun(ctx, id))
	}
	// batch-1 marked pruned, its detach interrupted while a reader holds
	// the parent.
	execAll(t, pool, `UPDATE runs SET pruned_at = now(), pruned_graduates = 1 WHERE id = 'batch-1'`)
	reader, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := reader.Exec(ctx, `SELECT count(*) FROM recommendations`); err != nil {
		t.Fatal(err)
	}
	var part string
	must(t, pool.QueryRow(ctx, `SELECT 'recommendations_r' || no FROM run_partitions WHERE run_id = 'batch-1'`).Scan(&part))
	conn, err := pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	pid := conn.Conn().PgConn().PID()
	done := make(chan error, 1)
	go func() {
		_, err := conn.Exec(ctx, `ALTER TABLE recommendations DETACH PARTITION `+quoteIdent(part)+` CONCURRENTLY`)
		done <- err
	}()
	// Interrupted once it has marked the partition pending and waits.
	for deadline := time.Now().Add(time.Minute); count(t, pool, pendingDetaches) == 0; {
		if time.Now().After(deadline) {
			t.Fatal("the detach never became pending")
		}
		time.Sleep(20 * time.Millisecond)
	}
	execAll(t, pool, fmt.Sprintf(`SELECT pg_cancel_backend(%d)`, pid))
	if err := <-done; err == nil {
		t.Fatal("the detach did not wait for the reader")
	}
	must(t, reader.Rollback(ctx))
	if n := count(t, pool, pendingDetaches); n != 1 {
		t.Fatalf("%d detaches pending, want 1", n)
	}

	var wg sync.WaitGroup
	errs := make([]error, 2)
	results := make([]*matcher.PruneResult, 2)
	for i := range errs {
		wg.Go(func() { results[i], errs[i] = s.PruneRuns(ctx, 2, false) })
	}
	wg.Wait()
	var pruned []string
	for i, err := range errs {
		if err != nil {
			t.Fatalf("prune: %v", err)
		}
		for _, p := range results[i].Pruned {
			if p.Bytes <= 0 || p.Lists != 1 {
				t.Fatalf("pruned run %s: %d lists, %d bytes", p.ID, p.Lists, p.Bytes)
			}
			pruned = append(pruned, p.ID)
		}
	}
	if slices.Sort(pruned); !slices.Equal(pruned, []string{"batch-2", "batch-3", "batch-4"}) {
		t.Fatalf("pruned %v, want batch-2 to 4 once", pruned)
	}
	if n := count(t, pool, pendingDetaches); n != 0 {
		t.Fatalf("%d detaches still pending", n)
	}
	if n := count(t, pool, `SELECT count(*) FROM run_partitions`); n != 2 {
		t.Fatalf("%d runs keep partitions, want the 2 kept", n)
	}
	if n := count(t, pool, `SELECT count(*) FROM pg_class WHERE relname ~ '^recommendations?(_plans)?_r[0-9]+$' AND relnamespace = current_schema()::regnamespace`); n != 4 {
		t.Fatalf("%d partitions, want the kept runs' 4", n)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func quoteIdent(s string) string { return pgx.Identifier{s}.Sanitize() }

// md5hex is schema 8's partition suffix of a run.
func md5hex(s string) string { return fmt.Sprintf("%x", md5.Sum([]byte(s))) }

// TestRunListPages: a run's lists read a page at a time, the next page
// read while the one before is handed out, come in graduate ID order, all
// of them, the same through EachRunList and EachRunListDigest (each list's
// digest that of its posts); an error of fn stops the walk and is
// returned.
func TestRunListPages(t *testing.T) {
	ctx := context.Background()
	s := pgtest.Open(t)
	defer postgres.SetListPageSize(7)()
	run := &matcher.Run{ID: "batch-pages", StartedAt: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)}
	must(t, s.CreateRun(ctx, run))
	var recs []matcher.GraduateRecommendations
	for i := 30; i >= 1; i-- { // saved out of order
		id := fmt.Sprintf("G%03d", i)
		recs = append(recs, matcher.GraduateRecommendations{GraduateID: id, Items: []matcher.StoredRecommendation{
			{PostID: "a:" + id, Kind: matcher.KindJob, Rank: 1, Item: []byte(`{"post_id":"a:` + id + `"}`)}}})
	}
	must(t, s.SaveRecommendations(ctx, run.ID, recs))
	var lists, posts []string
	must(t, s.EachRunList(ctx, run.ID, func(gr matcher.GraduateRecommendations) error {
		lists = append(lists, gr.GraduateID+" "+gr.Items[0].PostID)
		return nil
	}))
	must(t, s.EachRunListDigest(ctx, run.ID, func(g string, digest []byte, _ []string) error {
		if !bytes.Equal(digest, s.ListDigest(g, []string{"a:" + g})) {
			return fmt.Errorf("list of %s: digest %x is not its posts'", g, digest)
		}
		posts = append(posts, g+" a:"+g)
		return nil
	}))
	if len(lists) != 30 || !slices.IsSorted(lists) || lists[0] != "G001 a:G001" || lists[29] != "G030 a:G030" || !slices.Equal(lists, posts) {
		t.Fatalf("lists %q, posts %q", lists, posts)
	}
	stop := errors.New("stop")
	n := 0
	err := s.EachRunListDigest(ctx, run.ID, func(string, []byte, []string) error {
		if n++; n == 10 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 10 {
		t.Fatalf("stopped walk: %v after %d", err, n)
	}
}

// pendingDetaches counts the test schema's partitions pending detach.
const pendingDetaches = `SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
	WHERE i.inhdetachpending AND c.relnamespace = current_schema()::regnamespace`

// TestRotationWaitsForHeldRun: a process holding only the old data key
// holds a run (a batch between its reads of the previous run); a rotation
// to a new key started meanwhile does not re-seal that run's lists under
// the holder's nose — the holder still opens them — and finishes once the
// hold is given back, the lists then under the new key.
func TestRotationWaitsForHeldRun(t *testing.T) {
	ctx := context.Background()
	cfg, _ := schemaAt(t, postgres.SchemaVersion())
	oldKeys := pgtest.Keys(t)
	old, err := postgres.OpenConfig(ctx, cfg.Copy(), oldKeys)
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	run := &matcher.Run{ID: "batch-held", StartedAt: time.Now()}
	if err := old.CreateRun(ctx, run); err != nil {
		t.Fatal(err)
	}
	want := []string{"p:2", "p:1"}
	items := []matcher.StoredRecommendation{{PostID: want[0], Kind: matcher.KindJob, Rank: 1, Item: []byte(`{}`)}, {PostID: want[1], Kind: matcher.KindJob, Rank: 2, Item: []byte(`{}`)}}
	if err := old.SaveRecommendations(ctx, run.ID, []matcher.GraduateRecommendations{{GraduateID: "G1", Items: items}}); err != nil {
		t.Fatal(err)
	}
	if err := old.PublishRun(ctx, run.ID); err != nil {
		t.Fatal(err)
	}
	release, err := old.HoldRun(ctx, run.ID)
	if err != nil {
		t.Fatal(err)
	}
	newKeys, err := seal.New(bytes.Repeat([]byte{0x5e}, 32), pgtest.Key)
	if err != nil {
		t.Fatal(err)
	}
	rot, err := postgres.OpenConfig(ctx, cfg.Copy(), newKeys)
	if err != nil {
		t.Fatal(err)
	}
	defer rot.Close()
	rotated := make(chan error, 1)
	go func() { _, err := rot.RotateDataKey(ctx, nil); rotated <- err }()
	time.Sleep(time.Second) // time enough to re-seal one list, were it not held
	var got []string
	err = old.RunListPosts(ctx, run.ID, []string{"G1"}, func(_ string, posts []string) error { got = posts; return nil })
	if err != nil || !slices.Equal(got, want) {
		t.Fatalf("the holder with the old key read %v (%v), want %v", got, err, want)
	}
	select {
	case err := <-rotated:
		t.Fatalf("the rotation finished while the run was held: %v", err)
	default:
	}
	release()
	if err := <-rotated; err != nil {
		t.Fatal(err)
	}
	got = nil
	err = rot.RunListPosts(ctx, run.ID, []string{"G1"}, func(_ string, posts []string) error { got = posts; return nil })
	if err != nil || !slices.Equal(got, want) {
		t.Fatalf("after the rotation: %v (%v), want %v", got, err, want)
	}
	if err := old.RunListPosts(ctx, run.ID, []string{"G1"}, func(string, []string) error { return nil }); err == nil {
		t.Fatal("the old key still opens the list after the rotation: it was not re-sealed")
	}
}
