package benchmarks

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	crand "crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/urumqi-hrss/jobmatch/api"
	"github.com/urumqi-hrss/jobmatch/ingest/synth"
	"github.com/urumqi-hrss/jobmatch/ingest/synth/synthtest"
	"github.com/urumqi-hrss/jobmatch/matcher"
)

// TestAPILoadTLS measures issue 5's load with TLS on and off in one run:
// one api.Server (the one `jobmatch serve` builds) behind two listeners on
// 127.0.0.1, plain and TLS (what `serve --tls-cert --tls-key` opens:
// TLS 1.2+, an ECDSA P-256 certificate), and vegeta driving
// GET /v1/graduates/{id}/recommendations for random graduates at the same
// rates through each, the two interleaved rate by rate; /healthz on both
// as the ceiling; a row without keep-alive (a TLS handshake per request)
// for the price of clients that do not reuse connections. It measures; it
// does not assert speed. It runs only when asked:
//
//	JOBMATCH_LOAD=1 go test ./benchmarks/ -run TestAPILoadTLS -v -timeout 20m
//
// With JOBMATCH_LOAD_WRITE=1 it replaces the "### TLS on and off" part of
// benchmarks/RESULTS.md's privacy section with the figures.
func TestAPILoadTLS(t *testing.T) {
	if os.Getenv("JOBMATCH_LOAD") != "1" {
		t.Skip("load test: set JOBMATCH_LOAD=1 to run it")
	}
	ctx := context.Background()
	o := synth.DefaultOptions()
	o.Graduates = envInt("JOBMATCH_LOAD_GRADUATES", 5000)
	stack := synthtest.New(t, synthtest.Options{Synth: o, Now: o.Now.Add(12 * time.Hour), Entities: []string{"posts", "graduates"}})
	st, ix, eng, posts, now, quiet := stack.Store, stack.Index, stack.Engine, stack.Posts, stack.Now, stack.Log
	ids := stack.GraduateIDs(t)
	// The wall clock runs ahead when the test moves it (skew), so the
	// published-run cache is passed without waiting for it.
	var skew atomic.Int64
	wall := func() time.Time { return time.Now().Add(time.Duration(skew.Load())) }
	srv, err := api.New(api.Config{Stores: api.StoresOf(st), Index: ix, Engine: eng, Log: quiet, Now: func() time.Time { return now }, Clock: wall, RateLimit: -1})
	if err != nil {
		t.Fatal(err)
	}
	secret, _, err := api.CreateKey(ctx, st, api.KeySpec{Role: matcher.RoleAdmin, Name: "load"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	cert, pool := testCertificate(t)
	plainLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	rawLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	tlsLn := tls.NewListener(rawLn, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12, NextProtos: []string{"http/1.1"}})
	sctx, stop := context.WithCancel(ctx)
	served := make(chan error, 2)
	go func() { served <- srv.Serve(sctx, plainLn) }()
	go func() { served <- srv.Serve(sctx, tlsLn) }()
	defer func() { stop(); <-served; <-served }()
	bases := map[bool]string{false: "http://" + plainLn.Addr().String(), true: "https://" + rawLn.Addr().String()}

	hdr := http.Header{"Authorization": {"Bearer " + secret}}
	rng := rand.New(rand.NewPCG(3, 4))
	recs := func(useTLS bool) vegeta.Targeter {
		return func(tgt *vegeta.Target) error {
			tgt.Method, tgt.Header = "GET", hdr
			tgt.URL = bases[useTLS] + "/v1/graduates/" + ids[rng.IntN(len(ids))] + "/recommendations?limit=8"
			return nil
		}
	}
	health := func(useTLS bool) vegeta.Targeter {
		return vegeta.NewStaticTargeter(vegeta.Target{Method: "GET", URL: bases[useTLS] + "/healthz"})
	}
	dur := time.Duration(envInt("JOBMATCH_LOAD_SECONDS", 5)) * time.Second
	clientTLS := &tls.Config{RootCAs: pool, ServerName: "localhost"}
	run := func(tr vegeta.Targeter, rate int, keepAlive bool) (*vegeta.Metrics, cpuUse) {
		a := vegeta.NewAttacker(vegeta.KeepAlive(keepAlive), vegeta.Connections(256), vegeta.Timeout(10*time.Second), vegeta.Workers(32), vegeta.TLSConfig(clientTLS))
		c0 := readCPU()
		var m vegeta.Metrics
		for res := range a.Attack(tr, vegeta.Rate{Freq: rate, Per: time.Second}, dur, "tls") {
			m.Add(res)
		}
		m.Close()
		return &m, readCPU().since(c0)
	}
	type row struct {
		name, source, tls, conns string
		rate                     int
		m                        *vegeta.Metrics
		cpu                      cpuUse
	}
	var rows []row
	pair := func(name, source string, tr func(bool) vegeta.Targeter, rate int, keepAlive bool) {
		for _, on := range []bool{false, true} {
			m, cpu := run(tr(on), rate, keepAlive)
			conns := "keep-alive"
			if !keepAlive {
				conns = "new per request"
			}
			rows = append(rows, row{name, source, map[bool]string{false: "off", true: "on"}[on], conns, rate, m, cpu})
			t.Logf("%s (%s), TLS %v, %s, %d/s: %.0f rps, success %.2f%%, p50 %s, p99 %s, CPU %.2f ms per request", name, source, on, conns, rate,
				m.Throughput, 100*m.Success, ms(m.Latencies.P50), ms(m.Latencies.P99), 1000*cpu.self/float64(max(m.Requests, 1)))
		}
	}
	run(recs(false), 100, true) // warm-up: page faults, pools
	run(recs(true), 100, true)
	pair("GET /healthz", "-", health, 800, true)
	for _, rate := range envInts("JOBMATCH_LOAD_ONLINE", []int{400, 800, 1000}) {
		pair("GET /v1/graduates/{id}/recommendations", "online", recs, rate, true)
	}
	pair("GET /v1/graduates/{id}/recommendations", "online", recs, 200, false)
	if err := publishRun(ctx, st, eng, posts, now); err != nil {
		t.Fatal(err)
	}
	skew.Add(int64(6 * time.Second)) // the server re-reads the published run every 5 s of its wall clock
	run(recs(false), 100, true)
	for _, rate := range envInts("JOBMATCH_LOAD_PUBLISHED", []int{800, 1000}) {
		pair("GET /v1/graduates/{id}/recommendations", "published run", recs, rate, true)
	}

	var b strings.Builder
	fmt.Fprintf(&b, "### TLS on and off\n\n")
	fmt.Fprintf(&b, "Machine: %s, %d cores (GOMAXPROCS %d), %s. Measured %s.\n\n", cpuModel(), runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version(), time.Now().Format(time.DateOnly))
	fmt.Fprintf(&b, "Command: `JOBMATCH_LOAD=1 JOBMATCH_LOAD_WRITE=1 go test ./benchmarks/ -run TestAPILoadTLS -v -timeout 20m`\n\n")
	fmt.Fprintf(&b, "Setup as in \"API load (issue 5)\" (%d open posts, %d graduates, embedded store, audit entry per request), one api.Server behind two listeners on 127.0.0.1 in the same run: plain HTTP and TLS (TLS 1.2+, ECDSA P-256, what `serve --tls-cert --tls-key` opens); plain and TLS rows alternate rate by rate, %s each. CPU per request is this process's (server, vegeta client with its own TLS, GC).\n\n", len(posts), len(ids), dur)
	b.WriteString("| endpoint | answered from | TLS | connections | target rate | achieved rps | success | p50 | p99 | max | CPU per request | cores: this process / others |\n|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %d/s | %.0f | %.2f%% | %s | %s | %s | %.2f ms | %.2f / %.2f |\n", r.name, r.source, r.tls, r.conns, r.rate,
			r.m.Throughput, 100*r.m.Success, ms(r.m.Latencies.P50), ms(r.m.Latencies.P99), ms(r.m.Latencies.Max),
			1000*r.cpu.self/float64(max(r.m.Requests, 1)), r.cpu.self/r.cpu.wall, r.cpu.others/r.cpu.wall)
	}
	load, _ := os.ReadFile("/proc/loadavg")
	fmt.Fprintf(&b, "\nLoad average when the run ended (the machine is shared): %s\n", strings.Join(strings.Fields(string(load))[:3], " "))
	t.Log("\n" + b.String())
	if os.Getenv("JOBMATCH_LOAD_WRITE") == "1" {
		if err := replaceSubsection("RESULTS.md", "### TLS on and off", b.String()); err != nil {
			t.Fatal(err)
		}
	}
}

// testCertificate is a self-signed ECDSA P-256 certificate for localhost
// and a pool that trusts it.
func testCertificate(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	priv, err := ecdsa.GenerateKey(elliptic.P256(), crand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "localhost"}, DNSNames: []string{"localhost"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour)}
	der, err := x509.CreateCertificate(crand.Reader, tmpl, tmpl, &priv.PublicKey, priv)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: priv, Leaf: leaf}, pool
}

// replaceSubsection replaces the "### " subsection starting at heading (up
// to the next "### " or "## " heading) in path, or appends it to the
// privacy section.
func replaceSubsection(path, heading, section string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	s := string(b)
	i := strings.Index(s, heading)
	if i < 0 {
		return fmt.Errorf("%s has no %q: add it under the privacy section first", path, heading)
	}
	rest := s[i+len(heading):]
	end := len(s)
	for _, h := range []string{"\n### ", "\n## "} {
		if j := strings.Index(rest, h); j >= 0 && i+len(heading)+j+1 < end {
			end = i + len(heading) + j + 1
		}
	}
	return os.WriteFile(path, []byte(s[:i]+section+"\n"+s[end:]), 0o644)
}
