package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/urumqi-hrss/jobmatch/store/postgres"
	"github.com/urumqi-hrss/jobmatch/store/seal"
)

// Test environment variables: the database tests use, and whether its
// absence fails them (.ci/run sets JOBMATCH_REQUIRE_DB=1).
const (
	DatabaseEnv  = "JOBMATCH_TEST_DATABASE"
	RequireDBEnv = "JOBMATCH_REQUIRE_DB"
)

// URL returns the test database URL from JOBMATCH_TEST_DATABASE. When it
// is unset the test is skipped, naming the variable — or fails, when
// JOBMATCH_REQUIRE_DB=1.
func URL(t testing.TB) string {
	t.Helper()
	url := os.Getenv(DatabaseEnv)
	if url == "" {
		if os.Getenv(RequireDBEnv) == "1" {
			t.Fatalf("%s is not set and %s=1: PostgreSQL tests must run", DatabaseEnv, RequireDBEnv)
		}
		t.Skipf("%s is not set (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable)", DatabaseEnv)
	}
	return url
}

// Key is a fixed data key for tests only.
var Key = []byte("jobmatch-test-key-32-bytes-long!")

// Schema creates a schema of its own for the test (jm_test_<random>) and
// returns a pool configuration whose search_path selects it; the schema is
// dropped when the test ends. Tests isolated this way run in parallel with
// each other and with other packages' tests on the same database.
func Schema(t testing.TB) *pgxpool.Config {
	t.Helper()
	url := URL(t)
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "jm_test_" + hex.EncodeToString(b[:])
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	// Retried until the deadline: restarttest may restart the server
	// while other packages' tests set up.
	var err error
	for {
		err = createSchema(ctx, url, schema)
		if err == nil || ctx.Err() != nil {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("create test schema (%s): %v", DatabaseEnv, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		// Retry: the restart test may have the server down for a moment.
		for i := 0; ; i++ {
			conn, err := pgx.Connect(ctx, url)
			if err == nil {
				_, err = conn.Exec(ctx, `DROP SCHEMA `+pgx.Identifier{schema}.Sanitize()+` CASCADE`)
				conn.Close(context.Background())
			}
			if err == nil || ctx.Err() != nil {
				if err != nil {
					t.Logf("drop test schema %s: %v", schema, err)
				}
				return
			}
			time.Sleep(200 * time.Millisecond)
		}
	})
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	cfg.ConnConfig.RuntimeParams["search_path"] = schema
	// Test data need not survive a crash: not waiting for WAL flushes makes
	// creating and migrating a schema per test several times faster.
	cfg.ConnConfig.RuntimeParams["synchronous_commit"] = "off"
	cfg.MaxConns = 4
	return cfg
}

// SchemaURL is Schema's configuration and the database URL whose
// search_path selects the same schema: for jobmatch commands a test runs
// as processes against the schema its store reads.
func SchemaURL(t testing.TB) (string, *pgxpool.Config) {
	t.Helper()
	cfg := Schema(t)
	u, err := url.Parse(URL(t))
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", cfg.ConnConfig.RuntimeParams["search_path"])
	u.RawQuery = q.Encode()
	return u.String(), cfg
}

func createSchema(ctx context.Context, url, schema string) error {
	admin, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer admin.Close(context.Background())
	// The name is made here from hex digits, never from input; quoting is
	// still applied.
	_, err = admin.Exec(ctx, `CREATE SCHEMA IF NOT EXISTS `+pgx.Identifier{schema}.Sanitize())
	return err
}

// Open opens a migrated store in a schema of the test's own (see Schema),
// closed when the test ends.
func Open(t testing.TB, opts ...postgres.Option) *postgres.Store {
	t.Helper()
	cfg := Schema(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	s, err := postgres.OpenAndMigrate(ctx, cfg, Keys(t), opts...)
	if err != nil {
		t.Fatalf("open test store: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// Keys is the keyring of Key.
func Keys(t testing.TB) *seal.Keyring {
	t.Helper()
	r, err := seal.New(Key)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
