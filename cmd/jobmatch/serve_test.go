package main

import (
	"context"
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
	m := NewMain()
	serving := newLogSignal("serving the API")
	m.Stdout, m.Stderr = io.Discard, serving
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- m.Run(ctx, []string{"serve", "--data", data, "--addr", addr, "--poll", "50ms", "--log-level", "info"})
	}()
	serving.wait(t, done)
	res, err := http.Get("http://" + addr + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if body := string(b); res.StatusCode != 200 || !strings.Contains(body, `"status":"ready"`) {
		t.Errorf("readyz: %d %s", res.StatusCode, body)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop")
	}
	if err := m.Close(); err != nil {
		t.Errorf("close: %v", err)
	}
	if _, err := os.Stat(filepath.Join(data, "index.seq")); err != nil {
		t.Errorf("feed position not saved: %v", err)
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
