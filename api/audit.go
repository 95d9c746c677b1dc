package api

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// Audit writes are a group commit. Every read of a graduate by a person
// writes an entry, and the entry must be on disk before the data is served;
// one transaction (one fsync) per entry caps the API at the disk's fsync
// rate, and bbolt's own Batch waits up to 10 ms for company before it
// commits, which was most of a published-run request's latency.
//
// So: an entry joins the batch that is collecting. If no commit is in
// flight, its request commits that batch at once (no waiting for company);
// otherwise the batch keeps collecting until the commit in flight ends, and
// is then committed in one transaction by a goroutine of its own. Every
// request waits until the commit holding its entry has returned — the
// store's commit is durable (bbolt fsyncs it; PostgreSQL's commit is
// WAL-flushed) — and only then is the data served: the acknowledgement
// follows the fsync of the group, never precedes it. Under load a request
// waits at most for the commit in flight plus its own; idle, for its own.
//
// When a batch fails, each of its entries is retried on its own, so one
// entry the store refuses does not refuse the others' reads. A request
// whose entry cannot be written is refused (fail closed). A request that
// gives up waiting (its 5 s audit deadline) is refused too, although its
// entry may still be written: the log then holds an access attempt that was
// not served, which errs on the side of the graduate.

// auditBatcher is a store that can write several audit entries in one
// transaction (store/bolt). A store without it (PostgreSQL, whose server
// already combines concurrent commits' WAL flushes) gets one Audit call per
// entry, concurrently.
type auditBatcher interface {
	AuditBatch(ctx context.Context, entries []matcher.AuditEntry) error
}

// auditLog is the group commit in front of the store's audit log.
type auditLog struct {
	store   matcher.AuditStore
	batcher auditBatcher // nil: one Audit call per entry

	// observe, when set, is told each commit's duration and size
	// (Prometheus, metrics.go).
	observe func(d time.Duration, entries int)

	mu         sync.Mutex
	collecting *auditGroup // the batch new entries join; nil when none
	committing bool        // a commit is in flight
}

// auditGroup is one batch of entries and the outcome of its commit.
type auditGroup struct {
	entries []matcher.AuditEntry
	done    chan struct{} // closed when the commit returned
	errs    []error       // per entry, set before done is closed
}

func newAuditLog(st matcher.AuditStore) *auditLog {
	a := &auditLog{store: st}
	a.batcher, _ = st.(auditBatcher)
	return a
}

// write returns once every entry of es is durably in the audit log, or
// with the error that kept one out (or ctx's, when waiting took too long).
// The entries of one call join the same batch: a list of 100 graduates is
// one commit, not 100.
func (a *auditLog) write(ctx context.Context, es ...matcher.AuditEntry) error {
	if len(es) == 0 {
		return nil
	}
	if a.batcher == nil {
		for _, e := range es {
			if err := a.store.Audit(ctx, e); err != nil {
				return err
			}
		}
		return nil
	}
	a.mu.Lock()
	g := a.collecting
	if g == nil {
		g = &auditGroup{done: make(chan struct{})}
		a.collecting = g
	}
	first := len(g.entries)
	g.entries = append(g.entries, es...)
	if !a.committing {
		// Nothing on its way to disk: commit now, in this request.
		a.committing = true
		a.collecting = nil
		a.mu.Unlock()
		a.commit(g)
	} else {
		a.mu.Unlock()
	}
	select {
	case <-g.done:
		return errors.Join(g.errs[first : first+len(es)]...)
	case <-ctx.Done():
		return ctx.Err()
	}
}

// commit writes g in one transaction, publishes the outcome, and hands on
// to the batch that collected meanwhile (in a goroutine, so that the
// request that committed g is not kept to commit others' entries).
func (a *auditLog) commit(g *auditGroup) {
	// The commit is not bound to any one request: a client that hangs up
	// must not abort the other entries of its group.
	ctx, cancel := context.WithTimeout(context.Background(), auditTimeout)
	start := time.Now()
	err := a.batcher.AuditBatch(ctx, g.entries)
	if a.observe != nil {
		a.observe(time.Since(start), len(g.entries))
	}
	g.errs = make([]error, len(g.entries))
	if err != nil && len(g.entries) > 1 {
		for i, e := range g.entries {
			g.errs[i] = a.batcher.AuditBatch(ctx, []matcher.AuditEntry{e})
		}
	} else {
		g.errs[0] = err
	}
	cancel()
	close(g.done)

	a.mu.Lock()
	next := a.collecting
	a.collecting = nil
	a.committing = next != nil
	a.mu.Unlock()
	if next != nil {
		go a.commit(next)
	}
}

// auditEntries are the entries for one access by r's key to each graduate.
func (s *Server) auditEntries(r *http.Request, action, detail string, graduateIDs ...string) []matcher.AuditEntry {
	k := keyFrom(r)
	at := s.wall().UTC()
	es := make([]matcher.AuditEntry, len(graduateIDs))
	for i, id := range graduateIDs {
		es[i] = matcher.AuditEntry{At: at, KeyID: k.ID, Role: k.Role, Action: action, GraduateID: id, Detail: detail}
	}
	return es
}

// audit writes an access to graduates' data to the audit log and returns
// when it is durable. It fails closed: when an entry cannot be written the
// data is not served.
func (s *Server) audit(r *http.Request, action, detail string, graduateIDs ...string) error {
	// The entries outlive a client that hangs up: the read may already have
	// happened from the client's point of view.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), auditTimeout)
	defer cancel()
	return s.auditOutcome(r, action, s.auditLog.write(ctx, s.auditEntries(r, action, detail, graduateIDs...)...))
}

// auditStart begins the audit write and returns the wait for it, so that a
// handler can compute its answer while the entry is on its way to disk. The
// handler must call wait, and serve nothing unless it returns nil.
func (s *Server) auditStart(r *http.Request, action, detail string, graduateIDs ...string) (wait func() error) {
	es := s.auditEntries(r, action, detail, graduateIDs...)
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), auditTimeout)
	errc := make(chan error, 1)
	go func() {
		defer cancel()
		errc <- s.auditLog.write(ctx, es...)
	}()
	return func() error { return s.auditOutcome(r, action, <-errc) }
}

// auditOutcome logs a failed audit write (ids only) and turns it into the
// client's 503.
func (s *Server) auditOutcome(r *http.Request, action string, err error) error {
	if err == nil {
		return nil
	}
	s.log.Error("audit write failed; refusing the read", "request_id", infoFrom(r).requestID, "action", action, "err", err)
	return matcher.Errorf(matcher.EUNAVAILABLE, "审计日志暂不可用，请稍后再试", "the audit log is unavailable; try again later")
}
