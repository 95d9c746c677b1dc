package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

type migration struct {
	version int
	name    string
	sql     string
}

// migrations returns the embedded migrations in version order. A file is
// named NNNN_what.sql; versions must run 1, 2, 3 … without gaps.
func migrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: name must be NNNN_what.sql", e.Name())
		}
		body, err := migrationFiles.ReadFile(path.Join("migrations", e.Name()))
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: e.Name(), sql: string(body)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("migration %s: expected version %d", m.name, i+1)
		}
	}
	return ms, nil
}

// SchemaVersion is the schema version this binary expects: the newest
// embedded migration.
func SchemaVersion() int {
	ms, err := migrations()
	if err != nil || len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].version
}

// currentVersion reads the schema version of the database (of the schema
// the connection's search_path selects); 0 when it was never migrated.
func currentVersion(ctx context.Context, q interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}) (int, error) {
	var v int
	err := q.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_version`).Scan(&v)
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "42P01" { // undefined_table
		return 0, nil
	}
	return v, err
}

// Migrate brings the schema up to SchemaVersion, one transaction per
// migration, under an advisory lock so that two processes migrating at
// once apply each migration once. A schema newer than this binary is an
// error.
func Migrate(ctx context.Context, pool *pgxpool.Pool) error {
	return migrateTo(ctx, pool, 0)
}

// migrateTo is Migrate stopping at version upTo (0: the newest), for the
// tests of a migration on data written by the schema before it.
func migrateTo(ctx context.Context, pool *pgxpool.Pool, upTo int) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer conn.Release()
	// The lock is per schema, so tests migrating their own schemas in
	// parallel do not wait for each other.
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock(hashtext('jobmatch-migrate:' || current_schema()))`); err != nil {
		return fmt.Errorf("migrate: lock: %w", err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(hashtext('jobmatch-migrate:' || current_schema()))`)

	if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_version (
		version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	cur, err := currentVersion(ctx, conn)
	if err != nil {
		return fmt.Errorf("migrate: read schema version: %w", err)
	}
	if want := len(ms); cur > want {
		return fmt.Errorf("migrate: database schema version %d is newer than this jobmatch's %d: upgrade jobmatch", cur, want)
	}
	for _, m := range ms[cur:] {
		if upTo > 0 && m.version > upTo {
			break
		}
		err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			// No arguments: the simple protocol runs the whole file.
			if _, err := tx.Exec(ctx, m.sql); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `INSERT INTO schema_version (version, name) VALUES ($1, $2)`, m.version, m.name)
			return err
		})
		if err != nil {
			return fmt.Errorf("migrate: %s: %w", m.name, err)
		}
	}
	return nil
}

// checkVersion refuses a schema that is not exactly the one this binary
// expects, saying which it found.
func checkVersion(ctx context.Context, pool *pgxpool.Pool) error {
	cur, err := currentVersion(ctx, pool)
	if err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	want := SchemaVersion()
	switch {
	case cur == 0:
		return fmt.Errorf("database is not migrated (schema version none, expected %d): run `jobmatch migrate --db URL`", want)
	case cur < want:
		return fmt.Errorf("database schema version %d is older than expected %d: run `jobmatch migrate --db URL`", cur, want)
	case cur > want:
		return fmt.Errorf("database schema version %d is newer than expected %d: this jobmatch is older than the database; upgrade it", cur, want)
	}
	return nil
}

// MigrateURL connects to url, migrates and disconnects: `jobmatch migrate`.
// It needs no data key.
func MigrateURL(ctx context.Context, url string) error {
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer pool.Close()
	return Migrate(ctx, pool)
}
