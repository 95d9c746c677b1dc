package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store"
)

// Audit writes are a group commit, committed on demand. Every read of a
// graduate by a person writes an entry, and the entry must be on disk before
// the data is served. One transaction per entry costs a bbolt commit (two
// fdatasyncs, about 0.2 ms of CPU here) per request; bbolt's own Batch
// groups entries but waits up to 10 ms for company first, which was most
// of a published-run request's latency.
//
// So an entry is handed in as soon as the handler knows whom it reads
// (enqueue), joins the batch being collected, and is committed when some
// request needs its batch on disk — when a handler has its answer ready
// and waits for its entry (wait). While a handler computes, the entries of
// the requests arriving meanwhile join the same batch: no timer, no added
// latency, and under load one commit carries several requests. If a commit
// is in flight when a batch is demanded, the batch is committed as soon as
// that commit returns. Every request is answered only after the commit
// holding its entries has returned — the store syncs the group — so the
// acknowledgement follows the fsync of the group, never precedes it.
//
// A store may take more than one group at once (AuditConcurrent): the
// embedded store's journal starts a group's sync while the previous
// group's is in flight, and PostgreSQL commits each on a connection of its
// own, so that a request waits for one commit, not for the one in flight
// and then its own. Up to that many commits are then in
// flight; entries arriving while all are join the next batch as before.
//
// When a batch fails, each of its entries is retried on its own, so one
// entry the store refuses does not refuse the others' reads. A request
// whose entry cannot be written is refused (fail closed). A request that
// gives up waiting (its 5 s audit deadline) is refused too, although its
// entry may still be written: the log then holds an access attempt that was
// not served, which errs on the side of the graduate.

// auditLog is the group commit in front of the store's audit log.
type auditLog struct {
	// batcher writes each group in one transaction (AuditWriter's
	// AuditBatch, which both stores implement).
	batcher AuditWriter

	// observe, when set, is told each commit's duration and size
	// (Prometheus, metrics.go).
	observe func(d time.Duration, entries int)

	// enqueued, when set, is called (under mu) after entries join the
	// collecting batch: tests wait on it instead of sleeping.
	enqueued func()

	// slots is how many commits may be in flight at once (1 unless the
	// store says more, AuditConcurrent).
	slots int

	mu         sync.Mutex
	collecting *auditGroup // the batch new entries join; nil when none
	inflight   int         // commits in flight
}

// AuditConcurrent is a store whose AuditBatch calls may overlap to
// advantage: it groups and syncs them itself, and says how many to have
// in flight (store/bolt's journal, store/postgres).
type AuditConcurrent interface {
	AuditConcurrency() int
}

// auditGroup is one batch of entries and the outcome of its commit.
type auditGroup struct {
	entries  []matcher.AuditEntry
	check    []string         // graduates whose version the commit reads (AuditChecker)
	demanded bool             // a request waits for it (under auditLog.mu)
	done     chan struct{}    // closed when the commit returned
	errs     []error          // per entry, set before done is closed
	versions map[string]int64 // check's versions, set before done is closed; nil: not read
}

// AuditChecker is a store whose audit commit can also read the current
// version of graduates in the same transaction (store/postgres): the
// API's graduate cache (recommend.go) asks it whether what it held is
// still what is stored, without a round trip of its own.
type AuditChecker interface {
	AuditBatchCheck(ctx context.Context, entries []matcher.AuditEntry, check []string) (map[string]int64, error)
}

func newAuditLog(st AuditWriter) *auditLog {
	a := &auditLog{batcher: st, slots: 1}
	if c, ok := st.(AuditConcurrent); ok {
		a.slots = max(1, c.AuditConcurrency())
	}
	return a
}

// auditTicket is a request's place in a batch.
type auditTicket struct {
	g        *auditGroup
	first, n int
	once     sync.Once
	err      error
}

// enqueue hands es in to the batch being collected and returns the ticket
// to wait on. The entries of one call join the same batch: a list of 100
// graduates is one commit, not 100. The commit reads the version of each
// graduate of check (when the store is an AuditChecker: ticket.version).
func (a *auditLog) enqueue(es []matcher.AuditEntry, check ...string) *auditTicket {
	if len(es) == 0 {
		return &auditTicket{}
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	g := a.collecting
	if g == nil {
		g = &auditGroup{done: make(chan struct{})}
		a.collecting = g
	}
	t := &auditTicket{g: g, first: len(g.entries), n: len(es)}
	g.entries = append(g.entries, es...)
	g.check = append(g.check, check...)
	if a.enqueued != nil {
		a.enqueued()
	}
	return t
}

// wait returns once the ticket's entries are durably in the audit log, or
// with the error that kept one out (or ctx's, when waiting took too long).
// It demands the ticket's batch: if no commit is in flight, the batch is
// committed now, in this goroutine. Calling it again returns the same
// outcome.
func (a *auditLog) wait(ctx context.Context, t *auditTicket) error {
	t.once.Do(func() { t.err = a.await(ctx, t) })
	return t.err
}

func (a *auditLog) await(ctx context.Context, t *auditTicket) error {
	g := t.g
	if g == nil {
		return nil // nothing to write
	}
	a.mu.Lock()
	if !g.demanded {
		g.demanded = true
		if a.collecting == g && a.inflight < a.slots {
			a.inflight++
			a.collecting = nil
			a.mu.Unlock()
			a.commit(g)
			a.mu.Lock()
		}
		// Otherwise every slot has a commit in flight, and handOn starts
		// g's when one returns.
	}
	a.mu.Unlock()
	select {
	case <-g.done:
		return errors.Join(g.errs[t.first : t.first+t.n]...)
	case <-ctx.Done():
		return ctx.Err()
	}
}

// version is the version of graduate id that the commit of t's entries
// read (enqueue's check), once wait returned nil; false when it was not
// read (the store reads none, the group was written entry by entry after
// it failed) or the graduate no longer exists.
func (t *auditTicket) version(id string) (int64, bool) {
	if t.g == nil {
		return 0, false
	}
	v, ok := t.g.versions[id]
	return v, ok
}

// write enqueues es and waits for them.
func (a *auditLog) write(ctx context.Context, es ...matcher.AuditEntry) error {
	return a.wait(ctx, a.enqueue(es))
}

// commit writes g in one transaction, publishes the outcome, and hands on
// to the batch that was demanded meanwhile (in a goroutine, so that the
// request that committed g is not kept to commit others' entries).
func (a *auditLog) commit(g *auditGroup) {
	defer a.handOn()
	g.errs = make([]error, len(g.entries))
	defer close(g.done)
	defer func() {
		// A store that panics refuses the group's reads; it must not take
		// the process down (this may run in a goroutine of its own) nor
		// leave the log stuck with a commit "in flight".
		if v := recover(); v != nil {
			for i := range g.errs {
				g.errs[i] = fmt.Errorf("audit commit panicked: %v", v)
			}
		}
	}()
	// The commit is not bound to any one request: a client that hangs up
	// must not abort the other entries of its group.
	ctx, cancel := context.WithTimeout(context.Background(), auditTimeout)
	defer cancel()
	start := time.Now()
	var err error
	if c, ok := a.batcher.(AuditChecker); ok && len(g.check) > 0 {
		g.versions, err = c.AuditBatchCheck(ctx, g.entries, g.check)
	} else {
		err = a.batcher.AuditBatch(ctx, g.entries)
	}
	if a.observe != nil {
		a.observe(time.Since(start), len(g.entries))
	}
	if err != nil && len(g.entries) > 1 {
		for i, e := range g.entries {
			g.errs[i] = a.batcher.AuditBatch(ctx, []matcher.AuditEntry{e})
		}
	} else {
		g.errs[0] = err
	}
}

// handOn starts the commit of the batch that was demanded while every
// slot was taken, or frees the slot (a batch nobody waits for yet keeps
// collecting until somebody does).
func (a *auditLog) handOn() {
	a.mu.Lock()
	next := a.collecting
	if next != nil && next.demanded {
		a.collecting = nil
	} else {
		next = nil
		a.inflight--
	}
	a.mu.Unlock()
	if next != nil {
		go a.commit(next)
	}
}

// auditEntries are the entries for one access by r's key to each graduate.
func (s *Server) auditEntries(r *http.Request, action, detail string, graduateIDs ...string) []matcher.AuditEntry {
	var keyID string
	var role matcher.Role
	if k := keyFrom(r); k != nil { // nil: a refused authentication
		keyID, role = k.ID, k.Role
	}
	client := ""
	if i := infoFrom(r); i != nil && i.client.IsValid() {
		client = i.client.String()
	}
	at := s.wall().UTC()
	es := make([]matcher.AuditEntry, len(graduateIDs))
	for i, id := range graduateIDs {
		// The ID is set here, not by the store, so that an entry retried
		// alone after a failed group commit whose success was merely lost
		// is written once, not twice.
		es[i] = matcher.AuditEntry{ID: store.NewID(), At: at, KeyID: keyID, Role: role, Action: action, GraduateID: id, Detail: detail, Client: client}
	}
	return es
}

// auditRefusal writes a refused attempt (a failed authentication, a role
// or scope refusal) to the audit log with the client's address. The
// refusal stands whether or not the entry is written: a failure is
// logged, not answered.
func (s *Server) auditRefusal(r *http.Request, action, detail, graduateID string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), auditTimeout)
	defer cancel()
	if err := s.auditLog.write(ctx, s.auditEntries(r, action, detail, graduateID)...); err != nil {
		s.log.Warn("audit of a refused request failed", "action", action, "err", err)
	}
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

// auditStart hands the entries in and returns the wait for them, so that
// a handler computes its answer while other requests' entries join the
// same commit. The handler must call wait — whatever happened meanwhile:
// it is what commits the batch — and serve nothing unless it returns nil.
func (s *Server) auditStart(r *http.Request, action, detail string, graduateIDs ...string) (wait func() error) {
	return s.auditWait(r, action, s.auditLog.enqueue(s.auditEntries(r, action, detail, graduateIDs...)))
}

// auditWait is auditStart's wait for ticket t.
func (s *Server) auditWait(r *http.Request, action string, t *auditTicket) (wait func() error) {
	var once sync.Once
	var err error
	return func() error {
		once.Do(func() {
			// The entries outlive a client that hangs up: the read may
			// already have happened from the client's point of view.
			ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), auditTimeout)
			defer cancel()
			start := time.Now()
			err = s.auditOutcome(r, action, s.auditLog.wait(ctx, t))
			if s.metrics != nil {
				s.metrics.auditWait.Observe(time.Since(start).Seconds())
			}
		})
		return err
	}
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
