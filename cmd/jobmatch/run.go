package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/urumqi-hrss/jobmatch/index"
	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store/bolt"
	"github.com/urumqi-hrss/jobmatch/store/postgres"
)

// Main is the program: configuration shared by every subcommand and the
// resources they open, closed in reverse order by Close.
type Main struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer

	// Shared flags.
	DataDir  string // embedded store and local index live here
	DBURL    string // PostgreSQL; empty selects the embedded store
	LogLevel string
	NowFlag  string // --now: the clock the matcher and the index use (default: real time)

	Log *slog.Logger

	store   matcher.FullStore
	index   *index.Index
	closers []func() error
}

// NewMain returns a Main wired to the process's standard streams.
func NewMain() *Main {
	return &Main{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}
}

type command struct {
	name, args, summary string
	run                 func(m *Main, ctx context.Context, args []string) error
}

func commands() []command {
	return []command{
		{"demo", "[--addr :8080] [--seed 1]", "generate the demo data, ingest and index it, and serve it", (*Main).cmdDemo},
		{"serve", "[--addr :8080]", "serve the REST API and the counselor workspace", (*Main).cmdServe},
		{"gen", "--out DIR [--seed N]", "write a synthetic Urumqi data set (posts.csv, courses.csv, graduates.csv)", (*Main).cmdGen},
		{"ingest", "posts|courses|graduates [--map F] [--errors F] FILE...", "import CSV, JSON Lines or XLSX exports", (*Main).cmdIngest},
		{"search", "QUERY [--channel C] [--district D] [--degree D] [--kind K] [--type post|course]", "search open posts and courses", (*Main).cmdSearch},
		{"recommend", "--graduate ID | --profile FILE [--limit 8] [--channel C] [--kind job|internship|course] [--json]", "recommend posts for a graduate", (*Main).cmdRecommend},
		{"batch", "[--limit 8] [--chunk 500] [--resume|--fresh] [--workers N] [--policy F] [--json]", "nightly batch: every active graduate's list over every open post, published as one run", (*Main).cmdBatch},
		{"reindex", "", "rebuild the search index from the store", (*Main).cmdReindex},
		{"analyze", "TEXT", "print the index analyzer's tokens with positions", (*Main).cmdAnalyze},
		{"segment", "[--file F] [TEXT...]", "print the word segmentation, one output line per input line", (*Main).cmdSegment},
		{"occupation", "TITLE... | --file F", "print the occupation (CSCO 2022) chosen for each post title", (*Main).cmdOccupation},
		{"migrate", "", "apply the PostgreSQL schema migrations", (*Main).cmdMigrate},
		{"keys", "create|revoke|list ...", "manage API keys", (*Main).cmdKeys},
	}
}

// Run parses the command line and runs one subcommand.
func (m *Main) Run(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		m.usage(m.Stdout)
		return nil
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(m, ctx, args[1:])
		}
	}
	return &usageError{fmt.Sprintf("unknown command %q", args[0])}
}

func (m *Main) usage(w io.Writer) {
	fmt.Fprintln(w, "jobmatch: job matching for Urumqi's graduate-employment plan")
	fmt.Fprintln(w, "\nUsage: jobmatch COMMAND [flags] [args]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-11s %s\n              %s\n", c.name, c.args, c.summary)
	}
	fmt.Fprintln(w, "\nShared flags: --data DIR (default ./jobmatch-data), --db URL (or DATABASE_URL: use PostgreSQL), --log-level debug|info|warn|error")
	fmt.Fprintln(w, "Run 'jobmatch COMMAND -h' for a command's flags.")
}

// flags returns a FlagSet with the shared flags already defined.
func (m *Main) flags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("jobmatch "+name, flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	fs.StringVar(&m.DataDir, "data", envOr("JOBMATCH_DATA", "jobmatch-data"), "directory of the embedded store and the search index")
	fs.StringVar(&m.DBURL, "db", os.Getenv("DATABASE_URL"), "PostgreSQL URL (default $DATABASE_URL); empty uses the embedded store")
	fs.StringVar(&m.LogLevel, "log-level", envOr("JOBMATCH_LOG_LEVEL", "info"), "log level: debug, info, warn or error")
	fs.StringVar(&m.NowFlag, "now", os.Getenv("JOBMATCH_NOW"), "the date to match and index as of, YYYY-MM-DD (default: today; the demo data is dated 2023-06-15)")
	return fs
}

// parse parses args with fs, allowing flags after positional arguments
// ("jobmatch search 会计 --district 天山区"), and sets up logging.
func (m *Main) parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if err == flag.ErrHelp {
				return nil, &exitError{code: 0}
			}
			return nil, &usageError{err.Error()}
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		if args[0] == "--" {
			pos = append(pos, args[1:]...)
			break
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
	m.setupLog()
	if m.NowFlag != "" {
		if _, err := time.Parse(time.DateOnly, m.NowFlag); err != nil {
			return nil, &usageError{fmt.Sprintf("--now %q: want a date like 2023-06-15", m.NowFlag)}
		}
	}
	return pos, nil
}

// Now is the clock: --now (or JOBMATCH_NOW) when given, else the date pinned
// in the data directory's "clock" file (the demo pins its data's reference
// date there, so its 2023 posts are not all past their deadlines), else the
// real time. A date means midday, so a deadline on that day is still open.
func (m *Main) Now() time.Time {
	day := m.NowFlag
	if day == "" {
		if b, err := os.ReadFile(filepath.Join(m.DataDir, clockFile)); err == nil {
			day = strings.TrimSpace(string(b))
		}
	}
	if day != "" {
		if t, err := time.ParseInLocation(time.DateOnly, day, time.UTC); err == nil {
			return t.Add(12 * time.Hour)
		}
	}
	return time.Now()
}

// clockFile pins a data directory's date (see Now).
const clockFile = "clock"

func (m *Main) setupLog() {
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(m.LogLevel)); err != nil {
		lvl = slog.LevelInfo
	}
	m.Log = slog.New(slog.NewTextHandler(m.Stderr, &slog.HandlerOptions{Level: lvl}))
	slog.SetDefault(m.Log)
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

// openStore opens PostgreSQL when --db or DATABASE_URL is set, else the
// embedded store under --data.
func (m *Main) openStore(ctx context.Context) (matcher.FullStore, error) {
	if m.store != nil {
		return m.store, nil
	}
	if m.DBURL != "" {
		key, err := postgres.KeyFromEnv()
		if err != nil {
			return nil, err
		}
		st, err := postgres.Open(ctx, m.DBURL, key)
		if err != nil {
			return nil, fmt.Errorf("open PostgreSQL: %w", err)
		}
		m.store = st
	} else {
		if err := os.MkdirAll(m.DataDir, 0o750); err != nil {
			return nil, fmt.Errorf("create data directory: %w", err)
		}
		st, err := bolt.Open(filepath.Join(m.DataDir, "jobmatch.db"))
		if err != nil {
			return nil, fmt.Errorf("open embedded store in %s: %w", m.DataDir, err)
		}
		m.store = st
	}
	m.closers = append(m.closers, m.store.Close)
	return m.store, nil
}

// openIndex opens (or creates) the search index under --data.
func (m *Main) openIndex() (*index.Index, error) {
	if m.index != nil {
		return m.index, nil
	}
	dir := filepath.Join(m.DataDir, "index")
	if m.DBURL != "" {
		// Each replica keeps its own index, derived from the shared store.
		dir = filepath.Join(m.DataDir, "index-pg")
	}
	ix, err := index.Open(dir)
	if err != nil {
		return nil, fmt.Errorf("open index %s: %w", dir, err)
	}
	m.index = ix
	m.closers = append(m.closers, ix.Close)
	return ix, nil
}

// Close releases what Run opened, in reverse order.
func (m *Main) Close() error {
	var first error
	for i := len(m.closers) - 1; i >= 0; i-- {
		if err := m.closers[i](); err != nil && first == nil {
			first = err
		}
	}
	m.closers = nil
	return first
}

// readLines returns the non-empty lines of a file ("-" is standard input).
func (m *Main) readLines(path string) ([]string, error) {
	var r io.Reader = m.Stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return strings.Split(strings.TrimRight(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n"), "\n"), nil
}
