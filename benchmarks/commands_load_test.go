package benchmarks

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// TestCommandTimes measures issue 11's command-line goals the way an
// operator meets them: the built binary run as its own process on the
// generated set (25,000 posts, 50,000 graduates), timed from outside —
// `jobmatch ingest posts` into a fresh data directory, `jobmatch recommend
// --local` for one graduate, and `jobmatch batch` from its start to the
// "batch run published" log line, on the embedded store and on PostgreSQL.
// With JOBMATCH_COMMANDS_BASELINE=BIN (e.g. a binary built from main) both
// binaries run alternated, pair by pair, so both see the same machine, and
// the report gives the ratio of their medians. It measures; it asserts
// only that every command succeeded and, for recommend, says whether the
// two binaries' outputs are identical. It runs only when asked:
//
//	JOBMATCH_COMMANDS_LOAD=1 go test ./benchmarks/ -run TestCommandTimes -v -timeout 60m
//
// Each binary has its own data directories and its own cache directory
// (JOBMATCH_CACHE_DIR): the term, vector and dictionary caches are keyed by
// the binary, and two binaries alternating on one directory would rebuild
// them every run. Every measured command runs once unmeasured first (the
// caches an operator's second run finds).
//
// Knobs: JOBMATCH_COMMANDS_DATA=DIR keeps the generated and ingested data
// for the next run (default a temp dir); JOBMATCH_COMMANDS_PAIRS (default
// 3); JOBMATCH_COMMANDS_ONLY=ingest,recommend,batch,batch-pg (default all
// of them, batch-pg only with a database); JOBMATCH_COMMANDS_DB=URL of a
// PostgreSQL database from which the test may create and drop databases
// named jobmatch_commands_N (one per binary).
func TestCommandTimes(t *testing.T) {
	if os.Getenv("JOBMATCH_COMMANDS_LOAD") != "1" {
		t.Skip("load test: set JOBMATCH_COMMANDS_LOAD=1 to run it")
	}
	ctx := context.Background()
	data := os.Getenv("JOBMATCH_COMMANDS_DATA")
	if data == "" {
		data = t.TempDir()
	}
	bins := binariesUnderTest(t, t.TempDir(), "JOBMATCH_COMMANDS_BASELINE")
	bin := bins[len(bins)-1].path
	only := os.Getenv("JOBMATCH_COMMANDS_ONLY")
	if only == "" {
		only = "ingest,recommend,batch,batch-pg"
	}
	want := func(name string) bool { return slices.Contains(strings.Split(only, ","), name) }
	admin := os.Getenv("JOBMATCH_COMMANDS_DB")
	pairs := envInt("JOBMATCH_COMMANDS_PAIRS", 3)

	key := generatedSet(t, ctx, bin, data)
	gen := filepath.Join(data, "gen")
	posts := countRows(t, filepath.Join(gen, "posts.csv"))
	graduate := sampleGraduates(t, filepath.Join(gen, "graduates.csv"), 1)[0]
	var runners []*commandRunner
	for i, b := range bins {
		r := &commandRunner{bin: b, dir: filepath.Join(data, fmt.Sprintf("commands-%d", i)), key: key, gen: gen}
		r.cache = filepath.Join(r.dir, "cache")
		if admin != "" && want("batch-pg") {
			// A database this data directory did not ingest (another
			// JOBMATCH_COMMANDS_DATA's, under another data key) is made
			// again: its contents would not open with this key.
			_, err := os.Stat(filepath.Join(r.dir, "pg", "commands-ingested"))
			r.db = ensureDatabase(t, ctx, admin, fmt.Sprintf("jobmatch_commands_%d", i), err != nil)
		}
		r.prepare(t, ctx)
		runners = append(runners, r)
	}

	type step struct {
		name string
		pg   bool // the PostgreSQL server's CPU counts
		run  func(r *commandRunner, t *testing.T, ctx context.Context) commandTime
	}
	var steps []step
	if want("ingest") {
		steps = append(steps, step{fmt.Sprintf("ingest posts (%d rows), fresh directory", posts), false, (*commandRunner).ingestPosts})
	}
	if want("recommend") {
		steps = append(steps, step{"recommend --local --json --graduate " + graduate, false, func(r *commandRunner, t *testing.T, ctx context.Context) commandTime {
			return r.recommend(t, ctx, graduate)
		}})
	}
	if want("batch") {
		steps = append(steps, step{"batch, embedded: start → published", false, (*commandRunner).batchEmbedded})
	}
	if want("batch-pg") && admin != "" {
		steps = append(steps, step{"batch, PostgreSQL: start → published", true, (*commandRunner).batchPostgres})
	}
	var report strings.Builder
	fmt.Fprintf(&report, "Machine: %s, %d cores; %s UTC; %d alternated pairs after one unmeasured run each; load average at the start %s.\n\n",
		cpuModel(), runtime.NumCPU(), time.Now().UTC().Format("2006-01-02 15:04"), pairs, loadAvg1())
	for _, s := range steps {
		times := make([][]commandTime, len(runners))
		for _, r := range runners {
			s.run(r, t, ctx) // warm: the caches a second run finds
		}
		for range pairs {
			for i, r := range runners {
				times[i] = append(times[i], s.run(r, t, ctx))
			}
		}
		report.WriteString(commandReport(s.name, s.pg, runners, times, posts))
	}
	if len(runners) == 2 && want("recommend") {
		a, b := runners[0].recommended, runners[1].recommended
		fmt.Fprintf(&report, "\nrecommend outputs of the two binaries identical: %v (%d and %d bytes)\n", bytes.Equal(a, b), len(a), len(b))
	}
	t.Log("\n" + report.String())
}

// commandRunner runs one binary's commands on its own directories.
type commandRunner struct {
	bin             servedBinary
	dir, cache, key string
	gen, db         string
	lastOutput      []byte // the last command's standard output
	recommended     []byte // the last recommend's
}

// commandTime is one command's run: wall time to exit, time to the
// "batch run published" line (batch only), the process's CPU and peak RSS,
// and the PostgreSQL server's CPU meanwhile (batch-pg only).
type commandTime struct {
	wall, published, cpu, pgCPU time.Duration
	peakRSS                     int64 // KiB
}

func (r *commandRunner) command(ctx context.Context, dir string, db bool, a ...string) *exec.Cmd {
	args := []string{"--data", dir, "--now", "2023-06-15"}
	if db {
		args = append(args, "--db", r.db)
	}
	c := exec.CommandContext(ctx, r.bin.path, append(args, a...)...)
	c.Env = append(os.Environ(), "JOBMATCH_DATA_KEY="+r.key, "JOBMATCH_CACHE_DIR="+r.cache)
	return c
}

// time runs the command, returns its figures and keeps its standard output.
// A line holding mark on standard error stops the "published" clock.
func (r *commandRunner) time(t *testing.T, c *exec.Cmd, mark string) commandTime {
	t.Helper()
	var out, errb bytes.Buffer
	c.Stdout = &out
	pipe, err := c.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	var ct commandTime
	postmaster := 0
	if r.db != "" {
		postmaster = postmasterOf(t, context.Background(), r.db)
	}
	pg0 := postgresCPU(postmaster)
	start := time.Now()
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(pipe)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	for sc.Scan() {
		if mark != "" && ct.published == 0 && strings.Contains(sc.Text(), mark) {
			ct.published = time.Since(start)
		}
		errb.WriteString(sc.Text() + "\n")
	}
	if err := c.Wait(); err != nil {
		t.Fatalf("%s %s: %v\n%s", r.bin.name, strings.Join(c.Args[1:], " "), err, errb.String())
	}
	ct.wall = time.Since(start)
	ct.pgCPU = postgresCPU(postmaster) - pg0
	if ru, ok := c.ProcessState.SysUsage().(*syscall.Rusage); ok {
		ct.cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		ct.peakRSS = ru.Maxrss
	}
	if mark != "" && ct.published == 0 {
		t.Fatalf("%s: no %q line\n%s", r.bin.name, mark, errb.String())
	}
	r.lastOutput = out.Bytes()
	return ct
}

func (r *commandRunner) run(t *testing.T, ctx context.Context, dir string, db bool, a ...string) {
	t.Helper()
	r.time(t, r.command(ctx, dir, db, a...), "")
}

// prepare ingests the generated set into the binary's base directory (and
// its database), once: a marker file says it was done.
func (r *commandRunner) prepare(t *testing.T, ctx context.Context) {
	t.Helper()
	for _, s := range []struct {
		dir string
		db  bool
	}{{filepath.Join(r.dir, "base"), false}, {filepath.Join(r.dir, "pg"), true}} {
		if s.db && r.db == "" {
			continue
		}
		marker := filepath.Join(s.dir, "commands-ingested")
		if b, err := os.ReadFile(marker); err == nil && string(b) == r.db {
			continue
		}
		if err := os.RemoveAll(s.dir); err != nil {
			t.Fatal(err)
		}
		if s.db {
			r.run(t, ctx, s.dir, true, "migrate")
		}
		for _, kind := range []string{"posts", "courses", "graduates"} {
			r.run(t, ctx, s.dir, s.db, "ingest", "--quiet", kind, filepath.Join(r.gen, kind+".csv"))
		}
		if err := os.WriteFile(marker, []byte(r.db), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func (r *commandRunner) ingestPosts(t *testing.T, ctx context.Context) commandTime {
	t.Helper()
	dir := filepath.Join(r.dir, "ingest")
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	return r.time(t, r.command(ctx, dir, false, "ingest", "--quiet", "posts", filepath.Join(r.gen, "posts.csv")), "")
}

func (r *commandRunner) recommend(t *testing.T, ctx context.Context, graduate string) commandTime {
	t.Helper()
	ct := r.time(t, r.command(ctx, filepath.Join(r.dir, "base"), false, "recommend", "--local", "--json", "--graduate", graduate), "")
	r.recommended = r.lastOutput
	return ct
}

// batchEmbedded runs the batch on a fresh copy of a directory holding one
// published run (made once): each run does the same work, a night after
// the first.
func (r *commandRunner) batchEmbedded(t *testing.T, ctx context.Context) commandTime {
	t.Helper()
	warm := filepath.Join(r.dir, "one-run")
	if _, err := os.Stat(filepath.Join(warm, "commands-one-run")); err != nil {
		copyDir(t, filepath.Join(r.dir, "base"), warm)
		r.run(t, ctx, warm, false, "batch", "--quiet")
		if err := os.WriteFile(filepath.Join(warm, "commands-one-run"), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	dir := filepath.Join(r.dir, "batch")
	copyDir(t, warm, dir)
	return r.time(t, r.command(ctx, dir, false, "--log-level", "info", "batch", "--quiet"), "batch run published")
}

// batchPostgres runs the batch again on the binary's database: the runs
// follow each other as nightly runs do, the oldest pruned (--keep-runs).
func (r *commandRunner) batchPostgres(t *testing.T, ctx context.Context) commandTime {
	t.Helper()
	return r.time(t, r.command(ctx, filepath.Join(r.dir, "pg"), true, "--log-level", "info", "batch", "--quiet"), "batch run published")
}

func copyDir(t *testing.T, from, to string) {
	t.Helper()
	if err := os.RemoveAll(to); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("cp", "-a", from, to).CombinedOutput(); err != nil {
		t.Fatalf("copy %s: %v\n%s", from, err, out)
	}
}

// ensureDatabase creates the database name on admin's server unless it
// exists (prepare's marker says whether it holds the set already), or
// drops and creates it when fresh, and returns its URL.
func ensureDatabase(t *testing.T, ctx context.Context, admin, name string, fresh bool) string {
	t.Helper()
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatalf("JOBMATCH_COMMANDS_DB: %v", err)
	}
	u.Path = "/" + name
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatalf("JOBMATCH_COMMANDS_DB: %v", err)
	}
	defer conn.Close(ctx)
	if fresh {
		if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
			t.Fatal(err)
		}
	}
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		t.Fatal(err)
	}
	if !exists {
		if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
			t.Fatal(err)
		}
	}
	return u.String()
}

// postmasterOf is the PID of the PostgreSQL server url names: the parent
// process of one of its backends. Its CPU is what postgresCPU counts, so a
// second cluster on the machine (a helper's own, say) is not counted.
func postmasterOf(t *testing.T, ctx context.Context, url string) int {
	t.Helper()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var backend int
	if err := conn.QueryRow(ctx, "SELECT pg_backend_pid()").Scan(&backend); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", backend))
	if err != nil {
		t.Fatalf("the PostgreSQL server of %s is not on this machine: %v", url, err)
	}
	s := string(b)
	var ppid int
	fmt.Sscanf(strings.Fields(s[strings.LastIndexByte(s, ')')+1:])[1], "%d", &ppid)
	return ppid
}

// postgresCPU is the CPU time of the PostgreSQL server whose postmaster is
// postmaster, so far: its own and its children's (backends, autovacuum,
// WAL writer, checkpointer), plus what it has collected from children that
// exited (cutime + cstime). 0 for postmaster 0 (no database).
func postgresCPU(postmaster int) time.Duration {
	if postmaster == 0 {
		return 0
	}
	entries, _ := os.ReadDir("/proc")
	var ticks int64
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		s := string(b)
		f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		var pid, ppid, ut, st, cut, cst int64
		fmt.Sscanf(e.Name(), "%d", &pid)
		fmt.Sscanf(f[1], "%d", &ppid)
		if pid != int64(postmaster) && ppid != int64(postmaster) {
			continue
		}
		fmt.Sscanf(f[11], "%d", &ut)
		fmt.Sscanf(f[12], "%d", &st)
		fmt.Sscanf(f[13], "%d", &cut)
		fmt.Sscanf(f[14], "%d", &cst)
		ticks += ut + st
		if pid == int64(postmaster) {
			ticks += cut + cst // its children that exited
		}
	}
	return time.Duration(ticks) * 10 * time.Millisecond
}

// commandReport is one step's table: each binary's median and range of
// every figure, and the ratio of the medians to the first binary's.
func commandReport(name string, pg bool, runners []*commandRunner, times [][]commandTime, posts int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\n**%s**\n\n| binary | wall s | to published s | CPU s | PostgreSQL CPU s | peak RSS MiB | rows/s (wall) |\n|---|---|---|---|---|---|---|\n", name)
	med := func(ts []commandTime, f func(commandTime) float64) (m, lo, hi float64) {
		v := make([]float64, len(ts))
		for i, x := range ts {
			v[i] = f(x)
		}
		slices.Sort(v)
		return v[len(v)/2], v[0], v[len(v)-1]
	}
	figures := []func(commandTime) float64{
		func(c commandTime) float64 { return c.wall.Seconds() },
		func(c commandTime) float64 { return c.published.Seconds() },
		func(c commandTime) float64 { return c.cpu.Seconds() },
		func(c commandTime) float64 { return c.pgCPU.Seconds() },
		func(c commandTime) float64 { return float64(c.peakRSS) / 1024 },
	}
	medians := make([][]float64, len(runners))
	for i, r := range runners {
		fmt.Fprintf(&b, "| %s |", r.bin.name)
		for j, f := range figures {
			m, lo, hi := med(times[i], f)
			medians[i] = append(medians[i], m)
			if m == 0 && hi == 0 || (j == 3 && !pg) {
				b.WriteString(" – |")
				continue
			}
			fmt.Fprintf(&b, " %.2f (%.2f–%.2f) |", m, lo, hi)
		}
		if strings.HasPrefix(name, "ingest") {
			m, lo, hi := med(times[i], func(c commandTime) float64 { return float64(posts) / c.wall.Seconds() })
			fmt.Fprintf(&b, " %.0f (%.0f–%.0f) |\n", m, lo, hi)
		} else {
			b.WriteString(" – |\n")
		}
	}
	for i := 1; i < len(runners); i++ {
		fmt.Fprintf(&b, "| ratio %s / %s |", runners[i].bin.name, runners[0].bin.name)
		for j := range figures {
			if medians[0][j] == 0 || medians[i][j] == 0 || (j == 3 && !pg) {
				b.WriteString(" – |")
				continue
			}
			fmt.Fprintf(&b, " %.2f |", medians[i][j]/medians[0][j])
		}
		b.WriteString(" |\n")
	}
	return b.String()
}
