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

	"golang.org/x/term"

	"github.com/urumqi-hrss/jobmatch/index"
	"github.com/urumqi-hrss/jobmatch/ingest/synth"
	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
	"github.com/urumqi-hrss/jobmatch/store/bolt"
	"github.com/urumqi-hrss/jobmatch/store/postgres"
	"github.com/urumqi-hrss/jobmatch/store/seal"
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
	// PolicyFile is --policy: another year's plan of the same schema as the
	// embedded matcher/catalog/policy.json (the default).
	PolicyFile string

	Log *slog.Logger

	// preset holds the shared flags given before the command
	// ("jobmatch --data D ingest …"): they become the defaults of the
	// command's own flag set, where they may be given again.
	preset map[string]string

	policy    catalog.Policy // Policy's answer, once read
	policySet bool

	store matcher.FullStore
	keys  *seal.Keyring // the data key store was opened with (openStore)
	index *index.Index
	// makeDemoKey lets openStore make the embedded demo's data key (demo).
	makeDemoKey bool
	// auditSyncs is serve's --audit-syncs: how many of the embedded audit
	// journal's syncs openStore lets be in flight (0: the store's default).
	auditSyncs int
	closers    []func() error
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
	def := synth.DefaultOptions()
	return []command{
		{"demo", fmt.Sprintf("[--addr %s] [--seed %d] [--posts %d] [--graduates %d] [--courses %d] [--no-serve]", defaultAddr(), def.Seed, def.Posts, def.Graduates, def.Courses),
			"generate the demo data, ingest and index it (skipped when already done), and serve it", (*Main).cmdDemo},
		{"serve", fmt.Sprintf("[--addr %s] [--tls-cert F --tls-key F] [--metrics-addr A] [--pprof-addr A] [--trusted-proxy CIDR] [--rate R --burst B] [--audit-syncs N]", envOr("JOBMATCH_ADDR", defaultServeAddr)), "serve the REST API and the counselor workspace", (*Main).cmdServe},
		{"gen", fmt.Sprintf("--out DIR [--seed %d] [--posts %d] [--graduates %d] [--courses %d] [--internships N]", def.Seed, def.Posts, def.Graduates, def.Courses),
			"write a synthetic Urumqi data set (posts.csv, courses.csv, graduates.csv)", (*Main).cmdGen},
		{"ingest", "posts|courses|graduates [--map F] [--errors F] [--quiet] FILE...", "import CSV, JSON Lines or XLSX exports (docs/ingest.md); exit status 3 when rows were rejected", (*Main).cmdIngest},
		{"search", "QUERY [--channel C] [--district D] [--degree D] [--kind K] [--type post|course] [--limit 10] [--offset 0] [--json]", "search open posts and courses", (*Main).cmdSearch},
		{"recommend", "--graduate ID | --profile FILE [--limit 8] [--channel C] [--kind job|internship|course] [--explain-exclusions] [--json] [--server URL | --local]",
			"recommend posts for a stored graduate, or for a profile (docs/profile.md)", (*Main).cmdRecommend},
		{"shortlist", "--graduate ID | --hardship [--district D] [--limit N] [--format text|json|pdf|xlsx] [--out F] [--counselor NAME --contact C]",
			"print 一人一策 plans: one graduate's, or every hardship graduate's still looking (proposed by the last batch run, or online)", (*Main).cmdShortlist},
		{"report", "--out F.xlsx [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--quiet]",
			"the bureau's weekly or half-monthly progress report as XLSX: each district's dashboard figures as of --to, the 一人一策 plans, the period's activity", (*Main).cmdReport},
		{"batch", "[--limit 8] [--chunk 500] [--resume|--fresh] [--workers N] [--config F] [--keep-runs 3] [--shards N [--wait]] [--quiet] [--json]", "nightly batch: every active graduate's list over every open post, published as one run, then older runs' lists pruned (--shards: queued for jobmatch worker processes, PostgreSQL)", (*Main).cmdBatch},
		{"worker", "[--concurrency 1] [--rescue-after 30m] [--chunk 500] [--workers N] [--config F] [--keep-runs 3]", "work the shards of batch runs queued with batch --shards (PostgreSQL, River), on any number of machines, until stopped; docs/scale-out.md", (*Main).cmdWorker},
		{"runs", "list [--limit 20] | show [--run ID|latest] [--en] | export [--run ID|latest] [--out F] | diff [--run ID|latest] [--out F] | prune [--keep 3] [--dry-run]  [--json]",
			"inspect the batch's runs: list them, show one's report in words, export its lists as CSV (graduate_id, rank, post_id, score, reasons) or the posts new since the previous run (whom to notify); prune the lists of runs older than the newest --keep published (their reports kept; batch does it after each run)", (*Main).cmdRuns},
		{"compact", "[--quiet]", "embedded store, service stopped: rewrite the data file with its live data only, giving back the disk that pruned runs freed (the file never shrinks by itself)", (*Main).cmdCompact},
		{"reindex", "", "rebuild the search index from the store", (*Main).cmdReindex},
		{"analyze", "TEXT", "print the index analyzer's tokens with positions", (*Main).cmdAnalyze},
		{"segment", "[--file F] [TEXT...]", "print the word segmentation, one output line per input line", (*Main).cmdSegment},
		{"occupation", "TITLE... [--description D] | --file F", "print the occupation (CSCO 2022) chosen for each post: code, name, confidence, evidence; 未识别 when it abstains", (*Main).cmdOccupation},
		{"major", "NAME... | --file F [--degree D]", "print what each major name resolves to: code, 专业类, 门类, level, how it was found, the occupations it leads to", (*Main).cmdMajor},
		{"migrate", "", "apply the PostgreSQL schema migrations", (*Main).cmdMigrate},
		{"users", "create --name N --role counselor|admin [--district D] [--full-name F] [--contact C] [--password-stdin] | disable NAME | reset-password NAME [--password-stdin] | list  [--server URL]",
			"manage the workspace's accounts (passwords hashed with argon2id; also while serve runs)", (*Main).cmdUsers},
		{"keys", "create --role R [--district D] [--source S] [--rate R --burst B] | revoke ID | list | rotate-data-key  [--server URL]", "manage API keys (also while serve runs); move personal data to a new data key", (*Main).cmdKeys},
	}
}

// defaultAddr is the address demo listens on by default (this machine
// only: the demo's admin key is printed on the terminal).
func defaultAddr() string { return envOr("JOBMATCH_ADDR", "127.0.0.1:8080") }

// Exit statuses, the same for every command.
const (
	exitOK       = 0
	exitFailure  = 1
	exitUsage    = 2
	exitRejected = 3 // ingest: some rows were rejected (the good rows are kept)
)

// Run parses the command line and runs one subcommand. The shared flags
// may come before the command as well as after it.
func (m *Main) Run(ctx context.Context, args []string) error {
	args, err := m.takeSharedFlags(args)
	if err != nil {
		return err
	}
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
	fmt.Fprintln(w, "\nShared flags, before or after the command: --data DIR (default ./jobmatch-data), --db URL (or DATABASE_URL: use PostgreSQL),")
	fmt.Fprintln(w, "  --now YYYY-MM-DD (the date to match, index and import as of; default today), --log-level debug|info|warn|error,")
	fmt.Fprintln(w, "  --policy FILE (another year's plan, the schema of matcher/catalog/policy.json; default the embedded 2023 plan)")
	fmt.Fprintln(w, "Exit status: 0 ok, 1 failure, 2 usage error, 3 rows rejected (ingest: the good rows are kept).")
	fmt.Fprintln(w, "Run 'jobmatch COMMAND -h' for a command's flags.")
}

// sharedFlags are the flags every command takes.
var sharedFlags = []string{"data", "db", "log-level", "now", "policy"}

// takeSharedFlags reads the shared flags given before the command and
// returns the rest of the command line.
func (m *Main) takeSharedFlags(args []string) ([]string, error) {
	fs := flag.NewFlagSet("jobmatch", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	vals := map[string]*string{}
	for _, name := range sharedFlags {
		vals[name] = fs.String(name, "", "")
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return []string{"help"}, nil
		}
		return nil, &usageError{fmt.Sprintf("%v (before the command only the shared flags --%s are allowed)", err, strings.Join(sharedFlags, ", --"))}
	}
	fs.Visit(func(f *flag.Flag) {
		if m.preset == nil {
			m.preset = map[string]string{}
		}
		m.preset[f.Name] = *vals[f.Name]
	})
	return fs.Args(), nil
}

// sharedDefault is a shared flag's default: its value given before the
// command, else def.
func (m *Main) sharedDefault(name, def string) string {
	if v, ok := m.preset[name]; ok {
		return v
	}
	return def
}

// flags returns a FlagSet with the shared flags already defined.
func (m *Main) flags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("jobmatch "+name, flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	fs.StringVar(&m.DataDir, "data", m.sharedDefault("data", envOr("JOBMATCH_DATA", "jobmatch-data")), "directory of the embedded store and the search index")
	fs.StringVar(&m.DBURL, "db", m.sharedDefault("db", os.Getenv("DATABASE_URL")), "PostgreSQL URL (default $DATABASE_URL); empty uses the embedded store")
	fs.StringVar(&m.LogLevel, "log-level", m.sharedDefault("log-level", envOr("JOBMATCH_LOG_LEVEL", "info")), "log level: debug, info, warn or error")
	fs.StringVar(&m.NowFlag, "now", m.sharedDefault("now", os.Getenv("JOBMATCH_NOW")), "the date to match, index and import as of, YYYY-MM-DD (default: today; the demo data is dated 2023-06-15)")
	fs.StringVar(&m.PolicyFile, "policy", m.sharedDefault("policy", os.Getenv("JOBMATCH_POLICY")), "the employment plan's numbers and rules, a JSON file of the schema of matcher/catalog/policy.json (default: the embedded 2023 plan)")
	return fs
}

// parse parses args with fs, allowing flags after positional arguments
// ("jobmatch search 会计 --district 天山区"), and sets up logging.
// parseNoArgs parses a command that takes flags only: a positional
// argument is a usage error naming the command.
func (m *Main) parseNoArgs(fs *flag.FlagSet, args []string, command string) error {
	pos, err := m.parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return &usageError{fmt.Sprintf("%s: unexpected argument %q", command, pos[0])}
	}
	return nil
}

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
	// The segmenter's dictionary, compiled, is kept beside the data and in
	// the user's cache: read back it costs about 40% less CPU than the text
	// load at the start of every command that segments
	// (index.DefaultSegmenter), the first in a new data directory included.
	// A new binary loads the text once and writes it again.
	index.SetDictionaryCache(m.DataDir, sharedCacheDir(), analyzerID(), m.Log)
	if _, err := m.Policy(); err != nil {
		return nil, err
	}
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

// Policy is the plan every command applies: --policy FILE (or
// JOBMATCH_POLICY) when given, read and validated here — configuration is
// read in cmd only and passed down — else the embedded policy.json.
func (m *Main) Policy() (catalog.Policy, error) {
	if m.policySet {
		return m.policy, nil
	}
	pol, err := m.readPolicy()
	if err != nil {
		return pol, err
	}
	m.policy, m.policySet = pol, true
	return pol, nil
}

// readPolicy reads and validates the policy from its source (--policy
// FILE, or the embedded one) each time it is called: what `serve`
// reloads on SIGHUP or POST /v1/policy/reload.
func (m *Main) readPolicy() (catalog.Policy, error) {
	var pol catalog.Policy
	if m.PolicyFile == "" {
		p, err := catalog.LoadPolicy()
		if err != nil {
			return pol, fmt.Errorf("the embedded policy: %w", err)
		}
		pol = p
	} else {
		b, err := os.ReadFile(m.PolicyFile)
		if err != nil {
			return pol, fmt.Errorf("--policy: %w", err)
		}
		if err := catalog.ParsePolicy(b, &pol); err != nil {
			return pol, fmt.Errorf("--policy %s: %w", m.PolicyFile, err)
		}
		if err := matcher.CheckPolicy(&pol); err != nil {
			return pol, fmt.Errorf("--policy %s: %w", m.PolicyFile, err)
		}
		m.Log.Info("policy loaded", "file", m.PolicyFile, "year", pol.Year)
	}
	return pol, nil
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

// progress returns where commands draw progress bars: standard error when
// it is a terminal, else nil (no bar). Redirected to a file or a pipe, a
// bar is hundreds of carriage-return frames that bury the log lines.
func (m *Main) progress() io.Writer {
	if isTerminal(m.Stderr) {
		return m.Stderr
	}
	return nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
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
		keys, err := dataKeys()
		if err != nil {
			return nil, err
		}
		st, err := postgres.Open(ctx, m.DBURL, keys, postgres.WithLogger(m.Log))
		if err != nil {
			return nil, fmt.Errorf("open PostgreSQL: %w", err)
		}
		m.store, m.keys = st, keys
	} else {
		if err := os.MkdirAll(m.DataDir, 0o750); err != nil {
			return nil, fmt.Errorf("create data directory: %w", err)
		}
		keys, err := m.embeddedKeys()
		if err != nil {
			return nil, err
		}
		st, err := bolt.Open(filepath.Join(m.DataDir, "jobmatch.db"), keys, bolt.WithLogger(m.Log), bolt.WithAuditJournal(0, m.auditSyncs))
		if err != nil {
			return nil, fmt.Errorf("open embedded store in %s: %w", m.DataDir, err)
		}
		m.store, m.keys = st, keys
	}
	m.closers = append(m.closers, m.store.Close)
	return m.store, nil
}

// embeddedKeys is the data key of the embedded store under --data:
// JOBMATCH_DATA_KEY, else the demo's key file of that directory (made by
// the demo when m.makeDemoKey is set).
func (m *Main) embeddedKeys() (*seal.Keyring, error) {
	if v, err := keyFromEnv(dataKeyEnv); err != nil || v != nil {
		return dataKeys()
	}
	k, err := demoKey(m.DataDir, m.makeDemoKey)
	if err != nil {
		return nil, err
	}
	if k == nil {
		return nil, fmt.Errorf("%s is not set: the embedded store encrypts personal data and needs a 32-byte data key (generate one with `openssl rand -hex 32`; `jobmatch demo` makes one for its data directory)", dataKeyEnv)
	}
	return dataKeysOr(k)
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
	o := index.DefaultOptions
	o.Log = m.Log
	ix, err := index.OpenWith(dir, o)
	if err != nil {
		return nil, fmt.Errorf("open index %s (is a jobmatch serve or demo using this data directory? stop it or use the API): %w", dir, err)
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

// readLines returns the lines of a file ("-" is standard input), one per
// input line, empty ones included.
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
	// One line per input line: only the newline that ends the last line is
	// dropped, so trailing empty lines are kept (the contract of segment,
	// occupation --file and major --file: output lines match input lines).
	text := strings.ReplaceAll(string(b), "\r\n", "\n")
	if text == "" {
		return nil, nil
	}
	return strings.Split(strings.TrimSuffix(text, "\n"), "\n"), nil
}
