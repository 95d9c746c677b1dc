package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestServeShutsDownInOrder starts `serve` in-process on an embedded data
// directory, checks it answers, cancels it as SIGTERM does, and checks it
// returns cleanly and saved its change-feed position.
func TestServeShutsDownInOrder(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	srv := serveInProcess(t, "--data", data, "--addr", addr, "--poll", "50ms", "--log-level", "info")
	res, err := http.Get("http://" + addr + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if body := string(b); res.StatusCode != 200 || !strings.Contains(body, `"status":"ready"`) {
		t.Errorf("readyz: %d %s", res.StatusCode, body)
	}
	if err := srv.stop(t); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(data, "index.seq")); err != nil {
		t.Errorf("feed position not saved: %v", err)
	}
}

// inProcessServer is `jobmatch serve` running in the test's process.
type inProcessServer struct {
	m       *Main
	cancel  context.CancelFunc
	done    chan error
	stopped bool
}

// serveInProcess runs `jobmatch serve args…` in this process and returns
// once it serves (it logged so: see logSignal). The test's end stops it,
// if stop has not.
func serveInProcess(t *testing.T, args ...string) *inProcessServer {
	t.Helper()
	m := NewMain()
	serving := newLogSignal("serving the API")
	m.Stdout, m.Stderr = io.Discard, serving
	ctx, cancel := context.WithCancel(context.Background())
	s := &inProcessServer{m: m, cancel: cancel, done: make(chan error, 1)}
	go func() { s.done <- m.Run(ctx, append([]string{"serve"}, args...)) }()
	t.Cleanup(func() { s.stop(t) })
	serving.wait(t, s.done)
	return s
}

// stop cancels the server as SIGTERM does, waits for it to return (half
// a minute at most: a bound for a hung shutdown) and closes its Main; it
// returns serve's error, else Close's. A second stop does nothing.
func (s *inProcessServer) stop(t *testing.T) error {
	t.Helper()
	if s.stopped {
		return nil
	}
	s.stopped = true
	s.cancel()
	select {
	case err := <-s.done:
		if cerr := s.m.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("close: %w", cerr)
		}
		if err != nil {
			return fmt.Errorf("serve: %w", err)
		}
		return nil
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop")
		return nil
	}
}

// logSignal is a command's log output (Main.Stderr) that tells a test
// when a line holding want was logged: `serve` logs "serving the API"
// once it listens, which is what a test waits for (not a polling sleep).
type logSignal struct {
	want string
	mu   sync.Mutex
	seen bool
	ch   chan struct{}
}

func newLogSignal(want string) *logSignal {
	return &logSignal{want: want, ch: make(chan struct{})}
}

func (l *logSignal) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.seen && strings.Contains(string(p), l.want) {
		l.seen = true
		close(l.ch)
	}
	return len(p), nil
}

// wait returns once the line was logged; it fails the test if the
// command returned first (done) or after a minute (a bound for a hung
// command, not a measure of speed).
func (l *logSignal) wait(t *testing.T, done <-chan error) {
	t.Helper()
	select {
	case <-l.ch:
	case err := <-done:
		t.Fatalf("the command returned before logging %q: %v", l.want, err)
	case <-time.After(time.Minute):
		t.Fatalf("no %q logged within a minute", l.want)
	}
}

// TestServeAuditSyncs: --audit-syncs (or $JOBMATCH_AUDIT_SYNCS) sets how
// many of the embedded audit journal's syncs the store lets be in flight,
// which the API's group commit keeps busy; values outside 1–64 and the
// flag with PostgreSQL are usage errors, before anything is opened.
func TestServeAuditSyncs(t *testing.T) {
	for _, c := range []struct {
		env  string
		args []string
		want string
	}{
		{"", []string{"--audit-syncs", "0"}, "--audit-syncs 0"},
		{"", []string{"--audit-syncs", "65"}, "from 1 to 64"},
		{"two", nil, `$JOBMATCH_AUDIT_SYNCS="two"`},
		{"0", nil, `$JOBMATCH_AUDIT_SYNCS="0"`},
		{"", []string{"--audit-syncs", "3", "--db", "postgres://127.0.0.1:1/none"}, "PostgreSQL has none"},
	} {
		t.Setenv(auditSyncsEnv, c.env)
		data := filepath.Join(t.TempDir(), "data")
		code, _, errs := run(t, "", append([]string{"serve", "--data", data, "--addr", "127.0.0.1:0"}, c.args...)...)
		if code != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("$%s=%q serve %v: exit %d, want 2 saying %q: %s", auditSyncsEnv, c.env, c.args, code, c.want, errs)
		}
		if _, err := os.Stat(data); err == nil {
			t.Errorf("serve %v: the data directory was made before the refusal", c.args)
		}
	}

	type concurrent interface{ AuditConcurrency() int }
	for _, c := range []struct {
		env  string
		args []string
		want int
	}{{"", nil, 2}, {"", []string{"--audit-syncs", "1"}, 1}, {"4", nil, 4}, {"4", []string{"--audit-syncs", "3"}, 3}} {
		t.Setenv(auditSyncsEnv, c.env)
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		srv := serveInProcess(t, append([]string{"--data", filepath.Join(t.TempDir(), "data"), "--addr", addr}, c.args...)...)
		st, ok := srv.m.store.(concurrent)
		if !ok {
			t.Fatalf("the embedded store %T says no audit concurrency", srv.m.store)
		} else if st.AuditConcurrency() != c.want {
			t.Errorf("$%s=%q serve %v: %d audit syncs in flight, want %d", auditSyncsEnv, c.env, c.args, st.AuditConcurrency(), c.want)
		}
		if err := srv.stop(t); err != nil {
			t.Fatal(err)
		}
	}
}
