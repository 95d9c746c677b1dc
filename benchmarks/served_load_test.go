package benchmarks

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// TestServedLoad measures the API the way an operator runs it: the built
// binary (`go build ./cmd/jobmatch`) serving the generated data set
// (25,000 posts, 50,000 graduates, ingested through `jobmatch ingest`)
// from its own process, driven over HTTP by vegeta from this one. Rows:
// /healthz as fast as 16 connections can go (the ceiling of the machine,
// HTTP stack and client together), the recommendations of 2,000 random
// graduates closed loop at 16 connections and open loop at fixed rates,
// first computed online, then again after `jobmatch batch` published a run
// (the same sample, of which the run lists the unplaced graduates, and a
// sample of graduates the run lists, every answer from the run).
// Server CPU per request is the server process's own (user + system,
// /proc/PID/stat) over the row. It measures; it asserts only that every
// request was answered 200, or 503 or not in time when an open-loop
// rate is above capacity. It runs only when asked:
//
//	JOBMATCH_SERVED_LOAD=1 go test ./benchmarks/ -run TestServedLoad -v -timeout 60m
//
// Knobs: JOBMATCH_SERVED_DATA=DIR keeps the generated and ingested data
// there for the next run (default a temp dir); JOBMATCH_SERVED_BASELINE=BIN
// measures that binary too (e.g. one built from main) in the same run, row
// for row, for before/after figures; JOBMATCH_SERVED_DB=URL serves from
// PostgreSQL as well (the data ingested into that database, which must be
// an empty scratch one: the batch's run stays in it); JOBMATCH_SERVED_EMBEDDED=none
// measures PostgreSQL alone; JOBMATCH_SERVED_SECONDS per row (default 10);
// JOBMATCH_SERVED_RATES open-loop rates (default 500,1000,1500);
// JOBMATCH_SERVED_PUBLISHED=none skips the batch and its rows;
// JOBMATCH_SERVED_ROUNDS=N measures the binaries N times each, interleaved
// (baseline, this tree, baseline, this tree …: on a shared machine the
// load moves between rows);
// JOBMATCH_SERVED_PROFILE=DIR a 10 s CPU profile of each server under the
// closed loop, through serve --pprof-addr; JOBMATCH_SERVED_WRITE=1 replaces
// the "Served load (issue 11)" section of benchmarks/RESULTS.md.
func TestServedLoad(t *testing.T) {
	if os.Getenv("JOBMATCH_SERVED_LOAD") != "1" {
		t.Skip("load test: set JOBMATCH_SERVED_LOAD=1 to run it")
	}
	ctx := context.Background()
	bins := binariesUnderTest(t, t.TempDir(), "JOBMATCH_SERVED_BASELINE")
	bin := bins[len(bins)-1].path
	data := os.Getenv("JOBMATCH_SERVED_DATA")
	if data == "" {
		data = t.TempDir()
	}
	var stores []*servedData
	if os.Getenv("JOBMATCH_SERVED_EMBEDDED") != "none" {
		stores = append(stores, prepareServedData(t, ctx, bin, data, ""))
	}
	if db := os.Getenv("JOBMATCH_SERVED_DB"); db != "" {
		stores = append(stores, prepareServedData(t, ctx, bin, data, db))
	}
	ids := sampleGraduates(t, filepath.Join(data, "gen", "graduates.csv"), 2000)
	rounds := envInt("JOBMATCH_SERVED_ROUNDS", 1)
	lc := servedLoad{dur: time.Duration(envInt("JOBMATCH_SERVED_SECONDS", 10)) * time.Second,
		rates: envInts("JOBMATCH_SERVED_RATES", []int{500, 1000, 1500}), profDir: os.Getenv("JOBMATCH_SERVED_PROFILE")}
	var rows []servedRow
	for _, d := range stores {
		for range rounds {
			for _, b := range bins {
				rows = append(rows, lc.measure(t, ctx, b, d, servedSample{"online", ids})...)
			}
		}
		if os.Getenv("JOBMATCH_SERVED_PUBLISHED") == "none" {
			continue
		}
		pd := d.publish(t, ctx, bin)
		// The same sample answers 60% from the run (placed graduates have no
		// list in it); a second sample of graduates the run lists shows the
		// published path alone.
		listed := servedSample{"published run, listed graduates", runGraduates(t, ctx, pd, bin, len(ids))}
		for range rounds {
			for _, b := range bins {
				rows = append(rows, lc.measure(t, ctx, b, pd, servedSample{"published run", ids}, listed)...)
			}
		}
	}
	report := servedReport(lc, stores, rows)
	t.Log("\n" + report)
	// An open-loop rate above what the server (or the share of a busy
	// machine it gets) can do is answered 503 (the slots are full and
	// enough requests wait: shed, not queued) or not within vegeta's 10 s
	// (code 0): that is a figure, not a failure. Any other status, or any
	// error in the closed loop, is.
	for _, r := range rows {
		for code, n := range r.m.StatusCodes {
			overload := code == "503" || code == "0"
			if code != "200" && (!overload || strings.HasPrefix(r.load, "closed")) {
				t.Errorf("%s %s %s %s: %d answered %s, errors %v", r.bin, r.store, r.source, r.load, n, code, r.m.Errors)
			}
		}
	}
	if os.Getenv("JOBMATCH_SERVED_WRITE") == "1" {
		if err := replaceSection("RESULTS.md", "## Served load (issue 11)", report); err != nil {
			t.Fatal(err)
		}
	}
}

type servedBinary struct{ name, path string }

// binariesUnderTest builds this tree's jobmatch into dir and returns it
// last, after the baseline binary the environment variable env names (if
// set), so the two alternate in that order.
func binariesUnderTest(t *testing.T, dir, env string) []servedBinary {
	t.Helper()
	bin := filepath.Join(dir, "jobmatch")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/jobmatch").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	bins := []servedBinary{{"this tree", bin}}
	if b := os.Getenv(env); b != "" {
		bins = append([]servedBinary{{"baseline " + filepath.Base(b), b}}, bins...)
	}
	return bins
}

// servedData is one store holding the generated set: the embedded one in
// dir/embedded, or a PostgreSQL database (its index in dir/pg).
type servedData struct {
	store, dir, db, key string
	now                 string
	ingestPosts         float64 // posts a second of `jobmatch ingest posts`, wall time
	batchTook           time.Duration
}

func (d *servedData) args(a ...string) []string {
	out := []string{"--data", d.dir, "--now", d.now, "--log-level", "warn"}
	if d.db != "" {
		out = append(out, "--db", d.db)
	}
	return append(out, a...)
}

func (d *servedData) cmd(ctx context.Context, bin string, a ...string) *exec.Cmd {
	c := exec.CommandContext(ctx, bin, d.args(a...)...)
	c.Env = append(os.Environ(), "JOBMATCH_DATA_KEY="+d.key)
	return c
}

func (d *servedData) run(t *testing.T, ctx context.Context, bin string, a ...string) string {
	t.Helper()
	var out, errb bytes.Buffer
	c := d.cmd(ctx, bin, a...)
	c.Stdout, c.Stderr = &out, &errb
	if err := c.Run(); err != nil {
		t.Fatalf("jobmatch %s: %v\n%s", strings.Join(a, " "), err, errb.String())
	}
	return out.String()
}

// prepareServedData generates the set into data/gen (once) and ingests it
// into the store (once: a marker file says it was done).
func prepareServedData(t *testing.T, ctx context.Context, bin, data, db string) *servedData {
	t.Helper()
	d := &servedData{store: "embedded", dir: filepath.Join(data, "embedded"), db: db, now: "2023-06-15"}
	if db != "" {
		d.store, d.dir = "PostgreSQL", filepath.Join(data, "pg")
	}
	d.key = generatedSet(t, ctx, bin, data)
	gen := filepath.Join(data, "gen")
	marker := filepath.Join(d.dir, "served-load-ingested")
	if b, err := os.ReadFile(marker); err == nil {
		fmt.Sscanf(string(b), "%g", &d.ingestPosts)
		return d
	}
	if db != "" {
		d.run(t, ctx, bin, "migrate")
	}
	start := time.Now()
	d.run(t, ctx, bin, "ingest", "--quiet", "posts", filepath.Join(gen, "posts.csv"))
	d.ingestPosts = float64(countRows(t, filepath.Join(gen, "posts.csv"))) / time.Since(start).Seconds()
	d.run(t, ctx, bin, "ingest", "--quiet", "courses", filepath.Join(gen, "courses.csv"))
	d.run(t, ctx, bin, "ingest", "--quiet", "graduates", filepath.Join(gen, "graduates.csv"))
	if err := os.WriteFile(marker, []byte(fmt.Sprintf("%.0f\n", d.ingestPosts)), 0o644); err != nil {
		t.Fatal(err)
	}
	return d
}

// generatedSet generates the set into data/gen and makes the data key
// its stores are sealed with (data/datakey), each once, and returns the key.
func generatedSet(t *testing.T, ctx context.Context, bin, data string) string {
	t.Helper()
	if err := os.MkdirAll(data, 0o755); err != nil {
		t.Fatal(err)
	}
	d := &servedData{dir: filepath.Join(data, "embedded"), now: "2023-06-15"}
	keyFile := filepath.Join(data, "datakey")
	if b, err := os.ReadFile(keyFile); err == nil {
		d.key = strings.TrimSpace(string(b))
	} else {
		d.key = fmt.Sprintf("%016x%016x%016x%016x", rand.Uint64(), rand.Uint64(), rand.Uint64(), rand.Uint64())
		if err := os.WriteFile(keyFile, []byte(d.key+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	gen := filepath.Join(data, "gen")
	if _, err := os.Stat(filepath.Join(gen, "graduates.csv")); err != nil {
		d.run(t, ctx, bin, "gen", "--out", gen)
	}
	return d.key
}

// publish runs the nightly batch (`jobmatch batch`) so the default lists
// are served from its run. On the embedded store it runs on a copy of the
// data directory, so the next test run's online rows are online still; a
// PostgreSQL database keeps the run (JOBMATCH_SERVED_DB names a scratch
// database, emptied between runs).
func (d *servedData) publish(t *testing.T, ctx context.Context, bin string) *servedData {
	t.Helper()
	pd := *d
	if d.db == "" {
		pd.dir = d.dir + "-run"
		if err := os.RemoveAll(pd.dir); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command("cp", "-a", d.dir, pd.dir).CombinedOutput(); err != nil {
			t.Fatalf("copy %s: %v\n%s", d.dir, err, out)
		}
	}
	start := time.Now()
	pd.run(t, ctx, bin, "batch", "--quiet")
	d.batchTook = time.Since(start)
	pd.batchTook = d.batchTook
	return &pd
}

// countRows counts the CSV records of path (fields hold line breaks: lines
// are not rows).
func countRows(t *testing.T, path string) int {
	t.Helper()
	n := 0
	eachCSVRecord(t, path, func([]string) { n++ })
	return n
}

// eachCSVRecord calls fn with each record of the CSV file path after its
// header.
func eachCSVRecord(t *testing.T, path string, fn func(rec []string)) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(bufio.NewReaderSize(f, 1<<20))
	r.FieldsPerRecord = -1
	if _, err := r.Read(); err != nil && err != io.EOF {
		t.Fatalf("%s: %v", path, err)
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return
		} else if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		fn(rec)
	}
}

// runGraduates picks n of the graduates with a list in d's published
// run, at random (fixed seed), from `jobmatch runs export`.
func runGraduates(t *testing.T, ctx context.Context, d *servedData, bin string, n int) []string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "run.csv")
	d.run(t, ctx, bin, "runs", "export", "--run", "latest", "--out", out)
	var ids []string // graduate_id, rank, post_id, score, reasons: a graduate's rows together
	eachCSVRecord(t, out, func(rec []string) {
		if len(ids) == 0 || ids[len(ids)-1] != rec[0] {
			ids = append(ids, rec[0])
		}
	})
	if len(ids) == 0 {
		t.Fatal("the published run lists no graduate")
	}
	return pickIDs(ids, n)
}

// pickIDs returns n of ids at random (fixed seed), reordering ids.
func pickIDs(ids []string, n int) []string {
	rng := rand.New(rand.NewPCG(11, 17))
	rng.Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
	return ids[:min(n, len(ids))]
}

// sampleGraduates picks n graduate IDs of the generated file at random
// (fixed seed).
func sampleGraduates(t *testing.T, path string, n int) []string {
	t.Helper()
	var ids []string
	eachCSVRecord(t, path, func(rec []string) { ids = append(ids, rec[0]) })
	return pickIDs(ids, n)
}

// servedLoad is one run's plan: how long a row lasts, the open-loop rates.
type servedLoad struct {
	dur     time.Duration
	rates   []int
	profDir string
}

// servedSample is the graduates a set of rows asks about, and what the
// rows call them.
type servedSample struct {
	source string
	ids    []string
}

type servedRow struct {
	bin, store, source, path, load string
	m                              *vegeta.Metrics
	p999                           time.Duration
	cpuPerReq                      time.Duration // the server process's CPU per answered request
	pgPerReq                       time.Duration // PostgreSQL's CPU (the serving cluster: its postmaster and children) per answered request, on that store
	fromRun                        float64       // share answered from the published run
	startup                        time.Duration // until /readyz answered 200
	settled                        time.Duration // until the server's start-up work was done (settle)
	shed                           int           // answered 503
	p99OK                          time.Duration // p99 of the requests answered 200
	loadavg                        string        // the machine's 1-minute load average at the row's end
}

// measure starts bin's server on d, runs /healthz's row and each sample's
// rows, and stops it.
func (lc servedLoad) measure(t *testing.T, ctx context.Context, b servedBinary, d *servedData, samples ...servedSample) []servedRow {
	t.Helper()
	addr, pprofAddr := freeAddr(t), freeAddr(t)
	sctx, cancel := context.WithCancel(ctx)
	srv := d.cmd(sctx, b.path, "serve", "--addr", addr, "--rate", "-1")
	// Only this tree's binary is profiled: a baseline may predate --pprof-addr.
	profiled := lc.profDir != "" && !strings.HasPrefix(b.name, "baseline")
	if profiled {
		srv.Args = append(srv.Args, "--pprof-addr", pprofAddr)
	}
	var serr bytes.Buffer
	srv.Stderr = &serr
	srv.Cancel = func() error { return srv.Process.Signal(os.Interrupt) }
	srv.WaitDelay = 30 * time.Second
	start := time.Now()
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	exited := watchExit(srv)
	defer func() { cancel(); <-exited }()
	base := "http://" + addr
	if err := waitReadyWith(http.DefaultClient, base, 10*time.Minute, exited); err != nil {
		t.Fatalf("%s on %s: %v\n%s", b.name, d.store, err, serr.String())
	}
	startup := time.Since(start)
	settled := settle(pid(srv), 10*time.Minute) + startup
	key := strings.TrimSpace(d.run(t, ctx, b.path, "keys", "create", "--role", "admin", "--name", "served-load"))
	hdr := http.Header{"Authorization": {"Bearer " + key}}
	rng := rand.New(rand.NewPCG(3, 5))
	source, ids := samples[0].source, samples[0].ids
	rec := func(tgt *vegeta.Target) error {
		tgt.Method, tgt.URL, tgt.Header = "GET", base+"/v1/graduates/"+ids[rng.IntN(len(ids))]+"/recommendations?limit=8", hdr
		return nil
	}
	health := vegeta.NewStaticTargeter(vegeta.Target{Method: "GET", URL: base + "/healthz"})
	pid := srv.Process.Pid
	postmaster := 0
	if d.db != "" {
		postmaster = postmasterOf(t, ctx, d.db)
	}
	row := func(path, load string, tr vegeta.Targeter, rate int) servedRow {
		c0, pg0 := procCPU(pid), postgresCPU(postmaster)
		m, lat, latOK, fromRun := servedAttack(tr, rate, lc.dur)
		c1, pg1 := procCPU(pid), postgresCPU(postmaster)
		slices.Sort(lat)
		slices.Sort(latOK)
		r := servedRow{bin: b.name, store: d.store, source: source, path: path, load: load, m: m, fromRun: fromRun, startup: startup, settled: settled,
			shed: m.StatusCodes["503"], loadavg: loadAvg1()}
		if len(lat) > 0 {
			r.p999 = lat[min(len(lat)-1, len(lat)*999/1000)]
		}
		if len(latOK) > 0 {
			r.p99OK = latOK[min(len(latOK)-1, len(latOK)*99/100)]
		}
		if ok := int(m.Success * float64(m.Requests)); ok > 0 {
			r.cpuPerReq = (c1 - c0) / time.Duration(ok)
			if d.db != "" {
				r.pgPerReq = (pg1 - pg0) / time.Duration(ok)
			}
		}
		t.Logf("%s %s %s %s %s: %.0f req/s p50 %s p99 %s p999 %s (p99 of 200s %s), %d shed, CPU/req %s (PostgreSQL %s), from run %.0f%%, load %s", r.bin, r.store, r.source, path, load,
			m.Throughput, ms(m.Latencies.P50), ms(m.Latencies.P99), ms(r.p999), ms(r.p99OK), r.shed, ms(r.cpuPerReq), ms(r.pgPerReq), 100*fromRun, r.loadavg)
		return r
	}
	servedAttack(rec, 0, 2*time.Second) // warm up: page faults, pools, the engine's caches
	rows := []servedRow{row("/healthz", "closed, 16 conns", health, 0)}
	if profiled {
		done := make(chan struct{})
		go func() { servedAttack(rec, 0, 12*time.Second); close(done) }()
		saveProfile(t, "http://"+pprofAddr, filepath.Join(lc.profDir, fmt.Sprintf("cpu-%s-%s.pprof", d.store, strings.ReplaceAll(source, " ", "-"))))
		<-done
	}
	for i, sm := range samples {
		source, ids = sm.source, sm.ids
		if i > 0 {
			servedAttack(rec, 0, 2*time.Second) // the new sample's lists
		}
		rows = append(rows, row("recommendations", "closed, 16 conns", rec, 0))
		for _, rate := range lc.rates {
			rows = append(rows, row("recommendations", fmt.Sprintf("open, %d/s", rate), rec, rate))
		}
	}
	return rows
}

// servedAttack runs one attack: closed loop at 16 connections (rate 0:
// each of 16 workers sends its next request when the last is answered) or
// open loop at a fixed rate (requests leave on schedule whatever the
// server's state). It returns the metrics, every latency, those of the
// requests answered 200, and the share answered from the published run.
func servedAttack(tr vegeta.Targeter, rate int, dur time.Duration) (*vegeta.Metrics, []time.Duration, []time.Duration, float64) {
	opts := []func(*vegeta.Attacker){vegeta.KeepAlive(true), vegeta.Timeout(10 * time.Second), vegeta.Connections(256)}
	r := vegeta.Rate{Freq: rate, Per: time.Second}
	if rate == 0 {
		opts = append(opts, vegeta.Workers(16), vegeta.MaxWorkers(16), vegeta.Connections(16))
		r = vegeta.Rate{}
	} else {
		opts = append(opts, vegeta.Workers(32))
	}
	a := vegeta.NewAttacker(opts...)
	var m vegeta.Metrics
	var lat, latOK []time.Duration
	var run, n int
	for res := range a.Attack(tr, r, dur, "served") {
		m.Add(res)
		lat = append(lat, res.Latency)
		if res.Code == 200 {
			latOK = append(latOK, res.Latency)
			n++
			if strings.HasPrefix(res.Headers.Get("X-Recommendation-Source"), "run:") {
				run++
			}
		}
	}
	m.Close()
	return &m, lat, latOK, float64(run) / float64(max(n, 1))
}

// pid is the process of a started command.
func pid(c *exec.Cmd) int { return c.Process.Pid }

// settle waits until the server process is idle — under 10 ms of CPU in
// each of two 2-second windows in a row — after /readyz answered: `jobmatch
// serve` builds the dashboard's figures in the background after it starts
// (tens of seconds of CPU on 50,000 graduates), and a row measured
// meanwhile charges that work to the requests. (An idle server uses about
// 1 ms a second; a busy goroutine gets far more than 5 ms a second even on
// a machine loaded 40 deep.) It returns how long it waited (limit at
// most).
func settle(pid int, limit time.Duration) time.Duration {
	start := time.Now()
	prev, quiet := procCPU(pid), 0
	for quiet < 2 && time.Since(start) < limit {
		time.Sleep(2 * time.Second)
		cur := procCPU(pid)
		if cur-prev < 10*time.Millisecond {
			quiet++
		} else {
			quiet = 0
		}
		prev = cur
	}
	return time.Since(start)
}

// loadAvg1 is the machine's 1-minute load average.
func loadAvg1() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Fields(string(b))[0]
}

// procCPU is a process's CPU time so far (user + system, /proc/PID/stat,
// in clock ticks of 10 ms).
func procCPU(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// Fields after the command name (which may hold spaces) in parentheses.
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	var ut, st int64
	fmt.Sscanf(f[11], "%d", &ut)
	fmt.Sscanf(f[12], "%d", &st)
	return time.Duration(ut+st) * 10 * time.Millisecond
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// watchExit waits for the started server in the background: the channel
// closes when it has exited (and its stderr is fully copied), so a server
// that dies at start fails the test at once instead of after waitReady's
// limit.
func watchExit(srv *exec.Cmd) <-chan struct{} {
	exited := make(chan struct{})
	go func() {
		srv.Wait()
		close(exited)
	}()
	return exited
}

func saveProfile(t *testing.T, base, path string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(base + "/debug/pprof/profile?seconds=10")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := io.Copy(f, resp.Body); err != nil {
		t.Fatal(err)
	}
}

// pgCell is a PostgreSQL figure, or – on the embedded store.
func pgCell(d time.Duration) string {
	if d == 0 {
		return "–"
	}
	return ms(d)
}

func servedReport(lc servedLoad, stores []*servedData, rows []servedRow) string {
	var b strings.Builder
	fmt.Fprintf(&b, "## Served load (issue 11)\n\n")
	load, _ := os.ReadFile("/proc/loadavg")
	fmt.Fprintf(&b, "Machine: %s, %d cores, %s. Measured %s; load average at the end %s (the machine is shared: other work ran beside it).\n\n",
		cpuModel(), runtime.NumCPU(), runtime.Version(), time.Now().UTC().Format("2006-01-02 15:04 UTC"), strings.Join(strings.Fields(string(load))[:3], " "))
	var knobs []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "JOBMATCH_SERVED_") && !strings.HasPrefix(kv, "JOBMATCH_SERVED_DB=") {
			knobs = append(knobs, kv)
		}
	}
	slices.Sort(knobs)
	fmt.Fprintf(&b, "Command: `%s go test ./benchmarks/ -run TestServedLoad -v -timeout 60m` (knobs in the test's comment).\n\n", strings.Join(knobs, " "))
	fmt.Fprintf(&b, "Setup: the built binary (`go build ./cmd/jobmatch`) serving `jobmatch gen`'s set (25,000 posts, 50,000 graduates) ingested with `jobmatch ingest`, in its own process (`jobmatch serve --rate -1`); vegeta drives it from the test process over keep-alive HTTP on 127.0.0.1, for %s a row: closed loop = 16 connections, each sending its next request when the last is answered; open loop = requests leave at the fixed rate whatever the server's state. 2,000 random graduates, `GET /v1/graduates/{id}/recommendations?limit=8` with an admin key (every request authenticated and audited, the audit entry durable before the answer). Server CPU = the server process's user + system time over the row divided by the requests answered 200; on PostgreSQL, the database server's CPU (the serving cluster's postmaster and its children — backends, autovacuum, WAL writer, checkpointer —, on the same 2 cores) likewise. Rows start once the server has settled (its start-up work done: the dashboard's figures, built in the background; \"ready / settled after\"). Past capacity the server sheds: a request that waits too long for an engine slot (100 ms by default), or finds too many waiting, is answered 503 with Retry-After (\"shed\"); \"other errors\" are requests not answered within vegeta's 10 s. \"online\": no run published, the engine computes every list; \"published run\": after `jobmatch batch`, the share of lists read from the run is in the last column (placed graduates are not in runs: theirs are computed online); \"published run, listed graduates\": 2,000 random graduates of those the run lists, every list read from the run.\n\n", lc.dur)
	for _, d := range stores {
		fmt.Fprintf(&b, "- %s store: `jobmatch ingest posts` %.0f posts/s wall time (when this run ingested; else an earlier run's)", d.store, d.ingestPosts)
		if d.batchTook > 0 {
			fmt.Fprintf(&b, "; `jobmatch batch` %s", d.batchTook.Round(time.Second))
		}
		b.WriteString(".\n")
	}
	fmt.Fprintf(&b, "\n| binary | store | lists | endpoint | load | req/s | p50 | p99 | p999 | p99 of 200s | shed (503) | other errors | server CPU/req | PostgreSQL CPU/req | from run | ready / settled after | load avg |\n|---|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, r := range rows {
		errs := r.m.Requests - uint64(r.m.Success*float64(r.m.Requests)+0.5) - uint64(r.shed)
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %.0f | %s | %s | %s | %s | %d | %d | %s | %s | %.0f%% | %s / %s | %s |\n", r.bin, r.store, r.source, r.path, r.load,
			r.m.Throughput, ms(r.m.Latencies.P50), ms(r.m.Latencies.P99), ms(r.p999), ms(r.p99OK), r.shed, errs, ms(r.cpuPerReq), pgCell(r.pgPerReq), 100*r.fromRun,
			r.startup.Round(100*time.Millisecond), r.settled.Round(time.Second), r.loadavg)
	}
	b.WriteString("\nGoal (issue 11): ≥ 1,500 req/s at p99 ≤ 25 ms with 0 errors on the online path, ≤ 1.0 ms server CPU per request, the published-run path faster still.\n")
	return b.String()
}
