package casework

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// The caseload, its search and the dashboard read every graduate in the
// caller's scope on every request. Opening 50,000 sealed records each time
// takes seconds, so the service keeps the ledger in memory (opened, as the
// handlers would have it anyway) and asks the store before every read
// whether it changed (matcher.LedgerStamper: a count and the latest write,
// one cheap query). A change is caught up by reading only the graduates
// written since the latest one held; a delete, or anything the catch-up
// cannot explain, reloads the whole ledger.
const (
	// catchUpMargin reaches back before the latest write held: PostgreSQL
	// dates a row by its transaction's start, so a transaction that started
	// earlier may commit after a later one was read.
	catchUpMargin = 2 * time.Minute
	// reloadEvery bounds how long a row written in a transaction older than
	// the margin can stay unseen: the whole ledger is read again this often.
	reloadEvery = 10 * time.Minute
)

// ledgerRows is one immutable version of the in-memory ledger. Readers
// share its graduates and must not change them.
type ledgerRows struct {
	byID   map[string]*matcher.Graduate
	sorted []*matcher.Graduate // by ID, as the stores list them
	stamp  matcher.LedgerStamp // what the store said when these were read
	latest time.Time           // the latest UpdatedAt held
	loaded time.Time           // when the whole ledger was last read
}

type ledger struct {
	st      Graduates
	stamper matcher.LedgerStamper
	clock   func() time.Time
	mu      sync.Mutex // one reader of the store at a time
	rows    atomic.Pointer[ledgerRows]
}

// current returns the ledger as the store holds it now.
func (l *ledger) current(ctx context.Context) (*ledgerRows, error) {
	stamp, err := l.stamper.GraduateStamp(ctx)
	if err != nil {
		return nil, fmt.Errorf("caseload: ledger stamp: %w", err)
	}
	if r := l.rows.Load(); l.fresh(r, stamp) {
		return r, nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	r := l.rows.Load()
	switch {
	case l.fresh(r, stamp):
		return r, nil // another request caught up meanwhile
	case r == nil || l.clock().Sub(r.loaded) >= reloadEvery:
		r, err = l.load(ctx, stamp, r)
	default:
		r, err = l.catchUp(ctx, r, stamp)
	}
	if err != nil {
		return nil, err
	}
	l.rows.Store(r)
	return r, nil
}

func (l *ledger) fresh(r *ledgerRows, stamp matcher.LedgerStamp) bool {
	return r != nil && r.stamp.Count == stamp.Count && r.stamp.Latest.Equal(stamp.Latest) && l.clock().Sub(r.loaded) < reloadEvery
}

// load reads the whole ledger. A graduate old (the version it replaces,
// nil for none) holds as written at the same time is kept as old holds
// it: the dashboard's figures point at the ledger's graduates, and a
// reload that made new ones of the same would keep two copies alive
// until the figures' next pass.
func (l *ledger) load(ctx context.Context, stamp matcher.LedgerStamp, old *ledgerRows) (*ledgerRows, error) {
	r := &ledgerRows{byID: make(map[string]*matcher.Graduate, stamp.Count), stamp: stamp, loaded: l.clock()}
	err := l.st.EachGraduate(ctx, matcher.GraduateFilter{}, func(g *matcher.Graduate) error {
		if old != nil {
			if was := old.byID[g.ID]; was != nil && was.UpdatedAt.Equal(g.UpdatedAt) {
				g = was
			}
		}
		r.add(g)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("caseload: read the ledger: %w", err)
	}
	r.sort()
	return r, nil
}

// catchUp reads the graduates written since old's latest (less the margin)
// into a new version; a count that still disagrees means a delete, and
// the whole ledger is read again.
func (l *ledger) catchUp(ctx context.Context, old *ledgerRows, stamp matcher.LedgerStamp) (*ledgerRows, error) {
	var changed []*matcher.Graduate
	err := l.st.EachGraduate(ctx, matcher.GraduateFilter{UpdatedSince: old.latest.Add(-catchUpMargin)}, func(g *matcher.Graduate) error {
		changed = append(changed, g)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("caseload: catch up with the ledger: %w", err)
	}
	r := &ledgerRows{byID: make(map[string]*matcher.Graduate, len(old.byID)+len(changed)), stamp: stamp, latest: old.latest, loaded: old.loaded}
	for id, g := range old.byID {
		r.byID[id] = g
	}
	inserted := false
	for _, g := range changed {
		_, had := r.byID[g.ID]
		inserted = inserted || !had
		r.add(g)
	}
	if len(r.byID) != stamp.Count {
		return l.load(ctx, stamp, old)
	}
	if inserted {
		r.sort()
		return r, nil
	}
	// Updates only: the order by ID stands, replace in place.
	r.sorted = slices.Clone(old.sorted)
	for _, g := range changed {
		if i, ok := slices.BinarySearchFunc(r.sorted, g.ID, func(e *matcher.Graduate, id string) int { return cmp.Compare(e.ID, id) }); ok {
			r.sorted[i] = g
		}
	}
	return r, nil
}

func (r *ledgerRows) add(g *matcher.Graduate) {
	r.byID[g.ID] = g
	if g.UpdatedAt.After(r.latest) {
		r.latest = g.UpdatedAt
	}
}

func (r *ledgerRows) sort() {
	r.sorted = make([]*matcher.Graduate, 0, len(r.byID))
	for _, g := range r.byID {
		r.sorted = append(r.sorted, g)
	}
	slices.SortFunc(r.sorted, func(a, b *matcher.Graduate) int { return cmp.Compare(a.ID, b.ID) })
}

// eachGraduate calls fn for the graduates f selects, in ID order: from the
// in-memory ledger when the store can stamp it, from the store otherwise.
func (s *Service) eachGraduate(ctx context.Context, f matcher.GraduateFilter, fn func(*matcher.Graduate)) error {
	if s.ledger == nil {
		return s.st.EachGraduate(ctx, f, func(g *matcher.Graduate) error {
			fn(g)
			return nil
		})
	}
	r, err := s.ledger.current(ctx)
	if err != nil {
		return err
	}
	for i, g := range r.sorted {
		if i%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if f.District != "" && g.HukouDistrict != f.District && g.ResidenceDistrict != f.District {
			continue
		}
		if f.Status != "" && g.Status != f.Status {
			continue
		}
		fn(g)
	}
	return nil
}

// LoadLedger reads the ledger into memory now, so the first caseload
// request does not wait for it (serve calls it at start). It does nothing
// when the store cannot stamp its ledger.
func (s *Service) LoadLedger(ctx context.Context) (int, error) {
	if s.ledger == nil {
		return 0, nil
	}
	r, err := s.ledger.current(ctx)
	if err != nil {
		return 0, err
	}
	return len(r.sorted), nil
}
