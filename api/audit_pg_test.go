package api

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store/postgres"
	"github.com/urumqi-hrss/jobmatch/store/postgres/pgtest"
)

// On PostgreSQL a group demanded while another group's commit is in
// flight commits at once on a connection of its own, instead of waiting
// for the one in flight to return (store/postgres auditCommits). The
// first commit is held by a lock on graduates, which its version check
// reads and the second group's plain insert does not: with one commit at
// a time the second request waits for the first's and this fails.
func TestAuditPostgresCommitsOverlap(t *testing.T) {
	ctx := context.Background()
	cfg := pgtest.Schema(t)
	st, err := postgres.OpenAndMigrate(ctx, cfg, pgtest.Keys(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	a := newAuditLog(st)
	if a.slots != 2 {
		t.Fatalf("%d audit commits in flight on PostgreSQL, want 2", a.slots)
	}

	lock, err := pgx.ConnectConfig(ctx, cfg.ConnConfig.Copy())
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close(ctx)
	tx, err := lock.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `LOCK TABLE graduates IN ACCESS EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}

	held := a.enqueue([]matcher.AuditEntry{{KeyID: "k", Action: "graduate.recommendations", GraduateID: "G-held"}}, "G-held")
	heldDone := make(chan error, 1)
	go func() { heldDone <- a.wait(ctx, held) }()
	// The held group's commit is in flight once its statement waits for
	// the lock.
	pgPollUntil(t, func() bool {
		var n int
		err := lock.QueryRow(ctx, `SELECT count(*) FROM pg_locks WHERE relation = 'graduates'::regclass AND NOT granted`).Scan(&n)
		return err == nil && n > 0
	})

	// Less than the held commit's own deadline (auditTimeout), after
	// which one commit at a time would let the second group through.
	wctx, cancel := context.WithTimeout(ctx, auditTimeout/2)
	defer cancel()
	if err := a.write(wctx, matcher.AuditEntry{KeyID: "k", Action: "graduate.read", GraduateID: "G-other"}); err != nil {
		t.Fatalf("the second group, while the first is held: %v", err)
	}
	select {
	case err := <-heldDone:
		t.Fatalf("the held commit returned before the lock went: %v", err)
	default:
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-heldDone; err != nil {
		t.Fatalf("the held group after the lock went: %v", err)
	}
	for _, id := range []string{"G-held", "G-other"} {
		if log, err := st.AuditLog(ctx, id, 10); err != nil || len(log) != 1 {
			t.Errorf("audit log of %s: %d entries, %v", id, len(log), err)
		}
	}
}

// pgPollUntil polls cond for up to 10 s.
func pgPollUntil(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatal("condition not met in 10 s")
}
