package postgres_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store/postgres"
	"github.com/urumqi-hrss/jobmatch/store/postgres/pgtest"
	"github.com/urumqi-hrss/jobmatch/store/seal"
	"github.com/urumqi-hrss/jobmatch/store/storetest"
)

func TestContract(t *testing.T) {
	pgtest.URL(t)
	storetest.Run(t, func(t *testing.T, now func() time.Time) matcher.FullStore {
		return pgtest.Open(t, postgres.WithClock(now))
	})
}

func TestDataKey(t *testing.T) {
	cfg := pgtest.Schema(t)
	var open *postgres.Store
	t.Cleanup(func() {
		if open != nil {
			open.Close()
		}
	})
	migrated := false
	storetest.RunDataKey(t, storetest.DataKeyBackend{
		Open: func(t *testing.T, keys *seal.Keyring) (matcher.FullStore, error) {
			if open != nil {
				open.Close()
				open = nil
			}
			var s *postgres.Store
			var err error
			if !migrated {
				s, err = postgres.OpenAndMigrate(context.Background(), cfg.Copy(), keys)
				migrated = err == nil
			} else {
				s, err = postgres.OpenConfig(context.Background(), cfg.Copy(), keys)
			}
			if err == nil {
				open = s
			}
			return s, err
		},
		Raw: func(t *testing.T) []byte { return pgDump(t, cfg) },
	})
}

// pgDump is what pg_dump writes of the test's schema: what an operator's
// backup holds.
func pgDump(t *testing.T, cfg *pgxpool.Config) []byte {
	t.Helper()
	c := cfg.ConnConfig
	// Other tests create and drop their schemas in the same database
	// meanwhile, which can fail a pg_dump's catalogue reads ("cache lookup
	// failed"): it is tried again, and its own message is shown.
	var out []byte
	var err error
	for try := 0; try < 3; try++ {
		cmd := exec.Command("pg_dump", "--data-only", "--schema="+c.RuntimeParams["search_path"],
			"-h", c.Host, "-p", fmt.Sprint(c.Port), "-U", c.User, c.Database)
		cmd.Env = append(os.Environ(), "PGPASSWORD="+c.Password)
		if out, err = cmd.Output(); err == nil {
			break
		}
	}
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("pg_dump, three tries: %v: %s", err, stderr)
	}
	if !bytes.Contains(out, []byte("COPY ")) {
		t.Fatalf("pg_dump wrote no data: %.200s", out)
	}
	return out
}
