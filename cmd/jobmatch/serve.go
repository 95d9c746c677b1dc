package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/urumqi-hrss/jobmatch/api"
)

// serveOptions are the knobs of `jobmatch serve` beyond the address.
type serveOptions struct {
	RateLimit float64       // requests per second per key
	RateBurst int           // burst per key
	Poll      time.Duration // change-feed polling interval
	Shutdown  time.Duration // how long in-flight requests get on SIGTERM
}

func defaultServeOptions() serveOptions {
	return serveOptions{RateLimit: 20, RateBurst: 40, Poll: time.Second, Shutdown: 20 * time.Second}
}

func (m *Main) cmdServe(ctx context.Context, args []string) error {
	fs := m.flags("serve")
	addr := fs.String("addr", envOr("JOBMATCH_ADDR", ":8080"), "address to listen on")
	o := defaultServeOptions()
	fs.Float64Var(&o.RateLimit, "rate", o.RateLimit, "requests per second allowed per API key (negative: no limit)")
	fs.IntVar(&o.RateBurst, "burst", o.RateBurst, "requests an API key may make at once before the rate applies")
	fs.DurationVar(&o.Poll, "poll", o.Poll, "how often to poll the store's change feed for posts written by other replicas")
	fs.DurationVar(&o.Shutdown, "shutdown-timeout", o.Shutdown, "how long in-flight requests may take to finish after SIGTERM")
	pos, err := m.parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return &usageError{fmt.Sprintf("serve: unexpected argument %q", pos[0])}
	}
	return m.serveWith(ctx, *addr, o)
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
	st, err := m.openStore(ctx)
	if err != nil {
		return err
	}
	ix, err := m.openIndex()
	if err != nil {
		return err
	}
	ix.Now = m.Now
	// Read the feed position before the index and the engine are built
	// from the store: whatever is written meanwhile is replayed by the
	// follower (applying a change twice is harmless), never missed.
	seq, err := st.PostSeq(ctx)
	if err != nil {
		return fmt.Errorf("read the change feed position: %w", err)
	}
	seqFile := filepath.Join(m.DataDir, "index.seq")
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
			return fmt.Errorf("rebuild the index from the store: %w", err)
		}
		n, _ := ix.DocCount()
		m.Log.Info("index rebuilt from the store", "documents", n, "elapsed", time.Since(start).Round(time.Millisecond))
		from = seq
	default:
		// The embedded store: ingest indexed every post it stored, so the
		// index is current.
		from = seq
	}
	eng, err := m.loadEngine(ctx)
	if err != nil {
		return err
	}
	srv, err := api.New(api.Config{
		Store: st, Index: ix, Engine: eng, Log: m.Log, Now: m.Now,
		RateLimit: o.RateLimit, RateBurst: o.RateBurst, ShutdownTimeout: o.Shutdown,
	})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	followCtx, stopFollow := context.WithCancel(context.WithoutCancel(ctx))
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		srv.Follow(followCtx, from, o.Poll, func(s int64) error { return writeSeq(seqFile, s) })
	}()
	m.Log.Info("serving the API", "addr", ln.Addr().String(), "store", storeKind(m.DBURL), "feed_seq", from)
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
