package postgres

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store/seal"
)

// pageSize is how many rows Each* reads per query. Callbacks run between
// queries, holding no connection, so they may use the store themselves and
// a long walk survives a server restart (each page is retried on its own).
const pageSize = 1000

// Store is the PostgreSQL store.
type Store struct {
	pool     *pgxpool.Pool
	keys     *seal.Keyring
	retryFor time.Duration
	retries  atomic.Int64
	log      *slog.Logger
	clock    func() time.Time // nil: rows are dated by the server's now()
}

// Option configures a Store when it is opened.
type Option func(*Store)

// WithLogger makes the store report to l (retries after a connection
// error); without it the store logs nowhere. The store never uses the
// global logger: cmd/jobmatch injects its own.
func WithLogger(l *slog.Logger) Option {
	return func(s *Store) {
		if l != nil {
			s.log = l
		}
	}
}

// WithClock makes the store date what it writes by now: the records'
// updated_at (posts, courses, graduates) and the times it sets in Go
// (audit, casework, feedback, keys, runs, users, saved imports). Without
// it the records are dated by the server's now() and the rest by
// time.Now. Import-job, run and key end times are always the server's.
// The contract tests give each store a clock that never reads the same
// instant twice, so a rewrite is seen to move updated_at without waiting.
func WithClock(now func() time.Time) Option {
	return func(s *Store) { s.clock = now }
}

// now is the time the store dates a record with in Go.
func (s *Store) now() time.Time {
	if s.clock != nil {
		return s.clock()
	}
	return time.Now()
}

// stamp is the updated_at parameter of a record upsert: nil (the server's
// now()) without a clock.
func (s *Store) stamp() *time.Time {
	if s.clock == nil {
		return nil
	}
	t := s.clock()
	return &t
}

var _ matcher.FullStore = (*Store)(nil)

// Open connects to the database at url (postgres://… or key=value), checks
// that its schema is exactly the version this binary expects, and checks
// that keys hold the data key the database was written with (see
// package store/seal; cmd/jobmatch reads the key).
func Open(ctx context.Context, url string, keys *seal.Keyring, opts ...Option) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	if !strings.Contains(url, "pool_max_conns") {
		cfg.MaxConns = max(cfg.MaxConns, defaultMaxConns())
	}
	return OpenConfig(ctx, cfg, keys, opts...)
}

// defaultMaxConns is the pool's size unless the URL sets pool_max_conns:
// room for every request the API runs at once that may read the store (its
// match slots, 4 × GOMAXPROCS by default: api.Config.MaxConcurrentMatches)
// and the audit commits in flight. pgxpool's own default, max(4, NumCPU),
// made a request that read a graduate wait for a connection inside its
// slot, the other slots filled behind it and requests were shed: at 800
// req/s open loop, 1,478–1,677 waits a run (18–32 s waited in all) with 4
// connections, 55–64 (0.7 s; mostly connections being opened) with 10
// (benchmarks/RESULTS.md, session 30). Connections are opened only when
// needed.
func defaultMaxConns() int32 {
	return int32(4*runtime.GOMAXPROCS(0) + auditCommits)
}

// OpenConfig is Open with a parsed pool configuration (tests set the
// search_path through it).
func OpenConfig(ctx context.Context, cfg *pgxpool.Config, keys *seal.Keyring, opts ...Option) (*Store, error) {
	s, err := connect(ctx, cfg, keys, opts)
	if err != nil {
		return nil, err
	}
	if err := s.ready(ctx); err != nil {
		s.pool.Close()
		return nil, err
	}
	return s, nil
}

// OpenAndMigrate connects, migrates the schema to this binary's version and
// opens the store: for tests, `jobmatch migrate` and the demo.
func OpenAndMigrate(ctx context.Context, cfg *pgxpool.Config, keys *seal.Keyring, opts ...Option) (*Store, error) {
	s, err := connect(ctx, cfg, keys, opts)
	if err != nil {
		return nil, err
	}
	// Migrations are idempotent (each is one transaction, recorded with
	// its version), so a migration cut off by a restart is retried.
	if err := s.retry(ctx, "migrate", func(ctx context.Context, _ int) error { return Migrate(ctx, s.pool) }); err != nil {
		s.pool.Close()
		return nil, err
	}
	if err := s.ready(ctx); err != nil {
		s.pool.Close()
		return nil, err
	}
	return s, nil
}

func connect(ctx context.Context, cfg *pgxpool.Config, keys *seal.Keyring, opts []Option) (*Store, error) {
	if keys == nil {
		return nil, errors.New("postgres: no data key: personal data is encrypted and the store does not open without its key")
	}
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = 5 * time.Second
	}
	// A dead connection is noticed when a query fails on it; pinging idle
	// ones first makes that rarer after a server restart.
	cfg.HealthCheckPeriod = 5 * time.Second
	// The store's queries are short and keyed, and PostgreSQL's JIT
	// compiles any query whose estimated cost passes jit_above_cost. The
	// planner has no statistics for the small tables autovacuum never
	// analyses (current_run, runs: 1,270 rows assumed), so it put the run
	// look-ups (LatestRun, Run, Runs: each counts a run's lists in every
	// partition) far past it, and each call was compiled with inlining and
	// optimisation: ~0.7 s of the server's CPU, on the cores a batch
	// computes on, for a query that runs in 10 ms. So each of the store's
	// sessions turns it off, unless jit was set for it some other way (the
	// connection string or PGOPTIONS, ALTER ROLE or ALTER DATABASE …
	// SET jit, the server's configuration file): only a jit at
	// PostgreSQL's built-in default is changed. It is a SET after
	// connecting, not a startup parameter, because poolers such as
	// PgBouncer refuse startup parameters they do not know.
	prev := cfg.AfterConnect
	cfg.AfterConnect = func(ctx context.Context, c *pgx.Conn) error {
		if prev != nil {
			if err := prev(ctx, c); err != nil {
				return err
			}
		}
		_, err := c.Exec(ctx, `SELECT set_config('jit', 'off', false) FROM pg_settings WHERE name = 'jit' AND source = 'default'`)
		if err != nil {
			return fmt.Errorf("postgres: session settings: %w", err)
		}
		return nil
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	s := &Store{pool: pool, keys: keys, retryFor: 30 * time.Second, log: slog.New(slog.DiscardHandler)}
	for _, o := range opts {
		o(s)
	}
	return s, nil
}

// ready checks the schema version and the data key.
func (s *Store) ready(ctx context.Context) error {
	err := s.retry(ctx, "open", func(ctx context.Context, _ int) error {
		if err := checkVersion(ctx, s.pool); err != nil {
			return err
		}
		return s.checkDataKey(ctx)
	})
	if err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	return nil
}

// Close closes the pool.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// Pool exposes the pool, for `jobmatch migrate` and for health checks.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// PoolWaits is how many connections were asked for when none was idle
// and the pool was full, and how long those callers waited in all (the
// API's metrics).
func (s *Store) PoolWaits() (int64, time.Duration) {
	st := s.pool.Stat()
	return st.EmptyAcquireCount(), st.EmptyAcquireWaitTime()
}

// Ping checks that the database answers (for /readyz).
func (s *Store) Ping(ctx context.Context) error { return s.pool.Ping(ctx) }

// SetRetryFor changes how long operations retry across connection failures
// (30 s by default).
func (s *Store) SetRetryFor(d time.Duration) { s.retryFor = d }

// tx runs fn in a transaction, retried as a whole on connection errors.
func (s *Store) tx(ctx context.Context, what string, fn func(ctx context.Context, tx pgx.Tx, attempt int) error) error {
	err := s.retry(ctx, what, func(ctx context.Context, attempt int) error {
		return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error { return fn(ctx, tx, attempt) })
	})
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// rounds splits n records by key so that no round holds a key twice
// (INSERT … ON CONFLICT cannot touch a row twice in one statement): the
// k-th occurrence of a key goes to round k, which keeps the outcome of each
// record what it would be if they were written one by one.
func rounds(n int, key func(i int) string) [][]int {
	seen := make(map[string]int, n)
	var out [][]int
	for i := 0; i < n; i++ {
		k := seen[key(i)]
		seen[key(i)] = k + 1
		if k == len(out) {
			out = append(out, nil)
		}
		out[k] = append(out[k], i)
	}
	return out
}

// applyReturned turns the rows an upsert returned (id, inserted) into
// outcomes: a row not returned was unchanged.
func applyReturned(rows pgx.Rows, idx []int, ids []string, out []matcher.UpsertOutcome) error {
	pos := make(map[string]int, len(idx))
	for _, i := range idx {
		pos[ids[i]] = i
		out[i] = matcher.Unchanged
	}
	for rows.Next() {
		var id string
		var inserted bool
		if err := rows.Scan(&id, &inserted); err != nil {
			return err
		}
		if inserted {
			out[pos[id]] = matcher.Inserted
		} else {
			out[pos[id]] = matcher.Updated
		}
	}
	return rows.Err()
}
