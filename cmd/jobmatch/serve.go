package main

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/urumqi-hrss/jobmatch/api"
	"github.com/urumqi-hrss/jobmatch/index"
	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store/bolt"
)

// serveOptions are the knobs of `jobmatch serve` beyond the address.
type serveOptions struct {
	RateLimit float64       // requests per second per key (keys without their own)
	RateBurst int           // burst per key
	Poll      time.Duration // change-feed polling interval
	Shutdown  time.Duration // how long in-flight requests get on SIGTERM

	TLSCert, TLSKey string         // PEM files: serve HTTPS (and send HSTS)
	MetricsAddr     string         // a listener of its own for /metrics, no key
	PprofAddr       string         // a listener of its own for net/http/pprof ("": none)
	TrustedProxies  []netip.Prefix // reverse proxies whose X-Forwarded-For is believed
	PDFFont         string         // CJK TrueType font of the handouts' PDFs ("": render.FontPaths)
	AuditSyncs      int            // the embedded audit journal's syncs in flight (bolt.WithAuditJournal)
}

func defaultServeOptions() serveOptions {
	return serveOptions{RateLimit: 20, RateBurst: 40, Poll: time.Second, Shutdown: 20 * time.Second, PDFFont: os.Getenv("JOBMATCH_PDF_FONT"), AuditSyncs: bolt.DefaultAuditSyncs}
}

func (m *Main) cmdServe(ctx context.Context, args []string) error {
	fs := m.flags("serve")
	addr := fs.String("addr", envOr("JOBMATCH_ADDR", defaultServeAddr), "address to listen on (default this machine only; give :8080 or a LAN address to serve others, best behind TLS)")
	o := defaultServeOptions()
	fs.StringVar(&o.TLSCert, "tls-cert", os.Getenv("JOBMATCH_TLS_CERT"), "PEM certificate (chain) file: serve HTTPS")
	fs.StringVar(&o.TLSKey, "tls-key", os.Getenv("JOBMATCH_TLS_KEY"), "PEM private key file of --tls-cert")
	fs.StringVar(&o.MetricsAddr, "metrics-addr", os.Getenv("JOBMATCH_METRICS_ADDR"), "serve /metrics without a key on this address too (e.g. 127.0.0.1:9090); on --addr it needs an admin key")
	fs.StringVar(&o.PprofAddr, "pprof-addr", "", "serve Go's profiler (/debug/pprof/) on this address, e.g. 127.0.0.1:6060 (no key: keep it on loopback)")
	fs.Func("trusted-proxy", "a reverse proxy's address or CIDR whose X-Forwarded-For and X-Forwarded-Proto are believed (repeatable)", func(v string) error {
		ps, err := parsePrefixes(v)
		o.TrustedProxies = append(o.TrustedProxies, ps...)
		return err
	})
	fs.StringVar(&o.PDFFont, "pdf-font", o.PDFFont, "CJK TrueType font the handouts' PDFs are set in (default: Debian's fonts-droid-fallback)")
	fs.Float64Var(&o.RateLimit, "rate", o.RateLimit, "requests per second allowed per API key (negative: no limit)")
	fs.IntVar(&o.RateBurst, "burst", o.RateBurst, "requests an API key may make at once before the rate applies")
	fs.DurationVar(&o.Poll, "poll", o.Poll, "how often to poll the store's change feed for posts written by other replicas")
	fs.DurationVar(&o.Shutdown, "shutdown-timeout", o.Shutdown, "how long in-flight requests may take to finish after SIGTERM")
	fs.IntVar(&o.AuditSyncs, "audit-syncs", defaultAuditSyncs(), fmt.Sprintf("embedded store: how many of the audit journal's syncs may be in flight at once, %d–%d (default $%s or %d); a request waits for its group's sync, not for the one in flight before it while a slot is free. PostgreSQL: not used",
		1, maxAuditSyncs, auditSyncsEnv, bolt.DefaultAuditSyncs))
	if err := m.parseNoArgs(fs, args, "serve"); err != nil {
		return err
	}
	if (o.TLSCert == "") != (o.TLSKey == "") {
		return &usageError{"serve: --tls-cert and --tls-key go together"}
	}
	if err := m.checkAuditSyncs(fs, o.AuditSyncs); err != nil {
		return err
	}
	return m.serveWith(ctx, *addr, o)
}

// auditSyncsEnv sets serve's --audit-syncs default.
const auditSyncsEnv = "JOBMATCH_AUDIT_SYNCS"

// maxAuditSyncs bounds --audit-syncs: each sync in flight holds a file
// descriptor of its own, and past a few the disk, not the number of
// slots, sets how long a sync takes.
const maxAuditSyncs = 64

// defaultAuditSyncs is $JOBMATCH_AUDIT_SYNCS, else bolt.DefaultAuditSyncs
// (a value that is not a number is -1, refused by checkAuditSyncs).
func defaultAuditSyncs() int { return intEnv(auditSyncsEnv, bolt.DefaultAuditSyncs) }

// checkAuditSyncs refuses a number of syncs outside 1–maxAuditSyncs, and
// --audit-syncs given with PostgreSQL (which has no journal: the flag would
// do nothing without a word; the variable, set for every replica, is
// ignored there).
func (m *Main) checkAuditSyncs(fs *flag.FlagSet, n int) error {
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == "audit-syncs" })
	if m.DBURL != "" {
		if given {
			return &usageError{"serve: --audit-syncs is the embedded store's audit journal; PostgreSQL has none"}
		}
		return nil
	}
	if n >= 1 && n <= maxAuditSyncs {
		return nil
	}
	if v := os.Getenv(auditSyncsEnv); !given && v != "" {
		return &usageError{fmt.Sprintf("serve: $%s=%q: the audit journal's syncs in flight are a number from 1 to %d", auditSyncsEnv, v, maxAuditSyncs)}
	}
	return &usageError{fmt.Sprintf("serve --audit-syncs %d: the audit journal's syncs in flight are a number from 1 to %d", n, maxAuditSyncs)}
}

// defaultServeAddr is loopback: a service holding 身份证号 must be put on
// the network on purpose (--addr), preferably with TLS.
const defaultServeAddr = "127.0.0.1:8080"

// parsePrefixes reads addresses and CIDRs separated by commas.
func parsePrefixes(v string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(v, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("%q is neither an address nor a CIDR", f)
		}
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

// serve serves the API on addr until ctx is cancelled (the demo command
// calls it after ingesting its data).
func (m *Main) serve(ctx context.Context, addr string) error {
	return m.serveWith(ctx, addr, defaultServeOptions())
}

// serveWith wires the store, the index, the engine and the change-feed
// follower to the API, and shuts them down in order: the HTTP server first
// (in-flight requests finish), then the follower, then (in Main.Close) the
// index and the store.
func (m *Main) serveWith(ctx context.Context, addr string, o serveOptions) error {
	if m.Log == nil {
		m.setupLog()
	}
	servedGC(m.Log)
	m.auditSyncs = o.AuditSyncs
	st, err := m.openStore(ctx)
	if err != nil {
		return err
	}
	ix, err := m.openIndex()
	if err != nil {
		return err
	}
	ix.Now = m.Now
	from, seqFile, err := m.indexPosition(ctx, st, ix)
	if err != nil {
		return err
	}
	eng, err := m.loadEngine(ctx)
	if err != nil {
		return err
	}
	pol, err := m.Policy()
	if err != nil {
		return err
	}
	srv, err := api.New(api.Config{
		Stores: api.StoresOf(st), Index: ix, Engine: eng, Policy: pol, Log: m.Log, Now: m.Now,
		RateLimit: o.RateLimit, RateBurst: o.RateBurst, ShutdownTimeout: o.Shutdown,
		TrustedProxies: o.TrustedProxies, PDFFont: o.PDFFont, ReloadPolicy: m.readPolicy,
		DeviceKeys: m.deviceKeys(),
	})
	if err != nil {
		return err
	}
	ln, certPin, err := listen(addr, o, srv.Saturated)
	if err != nil {
		return err
	}
	stopSide, err := m.serveSideListeners(o, srv)
	if err != nil {
		ln.Close()
		return err
	}
	defer stopSide()
	if m.DBURL == "" {
		// The embedded store is locked by this process: `jobmatch keys`
		// reaches it through the API, with a key this process makes.
		stop, err := m.startLocalControl(ctx, st, ln.Addr(), o.TLSCert != "", certPin)
		if err != nil {
			ln.Close()
			return err
		}
		defer stop()
	}
	followCtx, stopFollow := context.WithCancel(context.WithoutCancel(ctx))
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		srv.Follow(followCtx, from, o.Poll, func(s int64) error { return writeSeq(seqFile, s) })
	}()
	wg.Add(1)
	go func() { defer wg.Done(); m.loadCaseload(followCtx, srv) }()
	defer m.startPolicyReload(followCtx, &wg, st, srv)()
	m.Log.Info("serving the API", "addr", ln.Addr().String(), "tls", o.TLSCert != "", "store", storeKind(m.DBURL), "feed_seq", from)
	err = srv.Serve(ctx, ln)
	stopFollow()
	wg.Wait()
	if err := writeSeq(seqFile, srv.FeedSeq()); err != nil {
		m.Log.Warn("saving the change feed position failed", "err", err)
	}
	if errors.Is(err, context.Canceled) {
		err = nil
	}
	return err
}

// indexPosition brings the index up to the store's change feed, or says
// from which sequence number the follower catches it up, and names the
// file the position is saved in beside the index.
func (m *Main) indexPosition(ctx context.Context, st matcher.FullStore, ix *index.Index) (from int64, seqFile string, err error) {
	// Read the feed position before the index and the engine are built
	// from the store: whatever is written meanwhile is replayed by the
	// follower (applying a change twice is harmless), never missed.
	seq, err := st.PostSeq(ctx)
	if err != nil {
		return 0, "", fmt.Errorf("read the change feed position: %w", err)
	}
	seqFile = filepath.Join(m.DataDir, "index.seq")
	if m.DBURL != "" {
		seqFile = filepath.Join(m.DataDir, "index-pg.seq")
	}
	from, ok := readSeq(seqFile)
	switch {
	case ok && from <= seq:
		// The index was current up to from: the follower catches it up.
	case m.DBURL != "" || ok:
		// A replica's index that never followed this database, or one
		// ahead of it (the database was reset): rebuild it from the store.
		start := time.Now()
		if err := ix.Rebuild(ctx, st, m.Now()); err != nil {
			return 0, "", fmt.Errorf("rebuild the index from the store: %w", err)
		}
		n, _ := ix.DocCount()
		m.Log.Info("index rebuilt from the store", "documents", n, "elapsed", time.Since(start).Round(time.Millisecond))
		from = seq
	default:
		// The embedded store: ingest indexed every post it stored, so the
		// index is current.
		from = seq
	}
	return from, seqFile, nil
}

func storeKind(dbURL string) string {
	if dbURL != "" {
		return "postgres"
	}
	return "embedded"
}

// readSeq reads the change-feed position saved beside the index.
func readSeq(path string) (int64, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	return n, err == nil && n >= 0
}

// writeSeq saves the position atomically (write, then rename).
func writeSeq(path string, seq int64) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(strconv.FormatInt(seq, 10)+"\n"), 0o640); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// listen opens addr, with TLS when o names a certificate; pin is the
// SHA-256 of the leaf certificate (the local control file carries it, so
// the CLI can trust exactly this certificate). While saturated reports
// true, new TLS handshakes are refused after the client's hello, before
// any key exchange (api.Server.Saturated says why).
func listen(addr string, o serveOptions, saturated func() bool) (net.Listener, []byte, error) {
	var cfg *tls.Config
	var pin []byte
	if o.TLSCert != "" {
		cert, err := tls.LoadX509KeyPair(o.TLSCert, o.TLSKey)
		if err != nil {
			return nil, nil, fmt.Errorf("load --tls-cert/--tls-key: %w", err)
		}
		sum := sha256.Sum256(cert.Certificate[0])
		pin = sum[:]
		cfg = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12, NextProtos: []string{"http/1.1"},
			GetConfigForClient: func(*tls.ClientHelloInfo) (*tls.Config, error) {
				if saturated != nil && saturated() {
					return nil, errSaturated
				}
				return nil, nil // the configuration as it is
			}}
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	if cfg != nil {
		ln = tls.NewListener(ln, cfg)
	}
	return ln, pin, nil
}

// errSaturated ends a TLS handshake refused while the server sheds.
var errSaturated = errors.New("server saturated: new connections refused until it has capacity")

// serveSideListeners starts the listeners beside the API's: /metrics
// (--metrics-addr) and the profiler (--pprof-addr), each when asked for.
func (m *Main) serveSideListeners(o serveOptions, srv *api.Server) (stop func(), err error) {
	var stops []func()
	stop = func() {
		for _, s := range stops {
			s()
		}
	}
	if o.MetricsAddr != "" {
		s, err := m.serveMetrics(o.MetricsAddr, srv)
		if err != nil {
			return nil, err
		}
		stops = append(stops, s)
	}
	if o.PprofAddr != "" {
		s, err := m.servePprof(o.PprofAddr)
		if err != nil {
			stop()
			return nil, err
		}
		stops = append(stops, s)
	}
	return stop, nil
}

// serveMetrics serves /metrics without a key on addr until the returned
// stop is called.
func (m *Main) serveMetrics(addr string, srv *api.Server) (stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on --metrics-addr %s: %w", addr, err)
	}
	hs := &http.Server{Handler: srv.MetricsHandler(), ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second, WriteTimeout: 30 * time.Second}
	go hs.Serve(ln)
	m.Log.Info("serving metrics", "addr", ln.Addr().String())
	return func() { hs.Close() }, nil
}

// loadCaseload reads the ledger into the caseload's memory while the
// server starts, so the first counselor does not wait for it.
func (m *Main) loadCaseload(ctx context.Context, srv *api.Server) {
	start := time.Now()
	n, err := srv.LoadCaseload(ctx)
	if err != nil {
		m.Log.Warn("loading the caseload into memory failed (the first request will try again)", "err", err)
		return
	}
	m.Log.Info("caseload in memory", "graduates", n, "took", time.Since(start).Round(time.Millisecond))
}

// servedGCPercent is the server's GOGC unless the environment sets one.
// The engine and the caseload keep 250–300 MB alive on the generated set
// (25,000 posts, 50,000 graduates), and every collection marks all of it:
// 0.3–1.6 s of CPU a cycle on the 2-core machine of benchmarks/RESULTS.md
// (GODEBUG=gctrace=1; "Served load, online and published … helper
// online"), a tenth of the server's CPU under a closed-loop load, with
// the mark taking a quarter of the cores while requests wait. At Go's
// default of 100 a server answering 420–580 lists a second (about 48 KB
// allocated each, all told) collected every 7–15 s; at 400 no collection
// fell in the same 30 s bursts. The heap grows to about five times the
// live one (1–1.5 GB) instead of two. GOGC in the environment wins, and
// GOMEMLIMIT caps the heap as usual: a small machine sets GOGC=100 back
// (README, "Serving on a network").
const servedGCPercent = 400

func servedGC(log *slog.Logger) { setGC(log, servedGCPercent) }

// setGC sets the garbage collector's target percentage, unless GOGC is in
// the environment, which wins.
func setGC(log *slog.Logger, percent int) {
	if os.Getenv("GOGC") != "" {
		return
	}
	debug.SetGCPercent(percent)
	log.Debug("garbage collector", "gogc", percent)
}

// loadGCPercent is the collector's target while the nightly batch reads
// its inputs and builds its engine (loadBatchInputs), unless GOGC is in
// the environment. The load grows the heap from nothing to the 300–400 MB
// the engine, the posts and the graduates keep alive, and at Go's default
// of 100 it collected at every doubling, marking what it had just built:
// 0.6 user CPU-s of the load's 3.4 CPU-s on the generated set, of which
// more page faults take back about half (benchmarks/RESULTS.md, "helper
// ready"). At 400 the load peaks near 850 MB instead of 590 MB, below the
// run's own peak (1.3–1.7 GB), whose pages it faults in early. Not for
// `recommend --local`: there the faults took back all of it, and its peak
// grew by a third.
const loadGCPercent = 400

// loadingGC raises the collector's target for the batch's load and
// returns what puts the previous target back, for the run after it.
func loadingGC() (restore func()) {
	if os.Getenv("GOGC") != "" {
		return func() {}
	}
	prev := debug.SetGCPercent(loadGCPercent)
	return func() { debug.SetGCPercent(prev) }
}
