package casework

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// The dashboard's populations, kept (issue 12: pages under 300 ms with
// 50,000 graduates). The dashboard, its four charts and the progress
// report count the same graduates by the same rules; read from the store
// each, one page of them cost a full pass over the ledger per chart (every
// record decoded, its personal data unsealed) and, for the plans chart, a
// plan built per 一人一策 graduate: seconds at 50,000. Instead the service
// keeps, for every graduate, what those counts read and, for the 一人一策
// graduates, their plan's check; a request counts over that in memory.
// What the counts read is the caseload ledger's graduate itself when the
// service keeps the ledger (ledger.go): one copy of the graduates in
// memory, not two; without a ledger, a copy without the personal data.
//
// Fresh how: the writes made through this service and through
// GraduateChanged/GraduateRemoved (the API's graduate writes) are applied
// to it at once; anything else (an import from another process, another
// replica's writes) is taken in by a pass over the ledger in the
// background once the kept copy is older than Config.FiguresMaxAge, the
// old copy serving meanwhile. That pass keeps a graduate's plan check when
// the graduate is unchanged and the plan's inputs are the same epoch —
// the same published run, the same business day, checked within
// planFactsMaxAge — and builds only the others' plans: building every
// plan (seconds to minutes at 50,000 graduates) each minute would keep a
// core busy. So a plan's check may lag a post that closed or changed
// elsewhere by up to planFactsMaxAge. A search (a CaseFilter with a
// Query) reads the store: it needs the personal data.

// planFactsMaxAge is how long a kept plan check of an unchanged graduate
// is reused by the background passes.
const planFactsMaxAge = 30 * time.Minute

// planEpoch is what every plan of a pass shares: the published run, the
// business day and the policy.
type planEpoch struct {
	run    string
	day    string
	policy uint64 // Service.polGen
}

func (s *Service) planEpoch(ctx context.Context) planEpoch {
	e := planEpoch{day: s.now().Format(time.DateOnly), policy: s.polGen.Load()}
	if r := s.publishedRun(ctx); r != nil {
		e.run = r.ID
	}
	return e
}

// sameGraduate reports whether two kept graduates are alike in every
// field slim keeps.
func sameGraduate(a, b *matcher.Graduate) bool {
	return a.ID == b.ID && a.HukouDistrict == b.HukouDistrict && a.ResidenceDistrict == b.ResidenceDistrict &&
		a.GraduationYear == b.GraduationYear && a.Status == b.Status && slices.Equal(a.Hardship, b.Hardship) &&
		a.RegisteredAt.Equal(b.RegisteredAt) && a.ContactedAt.Equal(b.ContactedAt) && a.PlacedAt.Equal(b.PlacedAt)
}

// planFact is what PlanProgress counts of one plan.
type planFact struct {
	complete, missingPosts, missingCourses, confirmed bool
}

// fact is one graduate as the counts read them.
type fact struct {
	// g is the caseload ledger's graduate when the service keeps the
	// ledger (shared, never changed: one copy of the graduates in memory,
	// not two), else a slim copy of the one read from the store.
	g *matcher.Graduate
	// planGraduate (matcher.PlanGraduate) and urumqiHukou
	// (Graduate.UrumqiHukou), worked out once: matching the hardship words
	// and the hukou text costs microseconds, a dashboard asks for 50,000.
	planGraduate, urumqiHukou bool
	plan                      *planFact // nil unless a 一人一策 graduate whose plan was built
}

// newFact is g's fact without its plan, over a slim copy of g.
func (s *Service) newFact(g *matcher.Graduate) *fact {
	return s.sharedFact(slim(g))
}

// sharedFact is g's fact without its plan, over g itself: g must not
// change while the fact is kept (the ledger's graduates never do).
func (s *Service) sharedFact(g *matcher.Graduate) *fact {
	return &fact{g: g, planGraduate: matcher.PlanGraduate(g, s.policy()), urumqiHukou: g.UrumqiHukou()}
}

// ledgerFact is the fact of a graduate eachGraduate gave: over the
// ledger's graduate itself when there is a ledger, else over a slim copy
// (a store's iteration gives no such promise).
func (s *Service) ledgerFact(g *matcher.Graduate) *fact {
	if s.ledger != nil {
		return s.sharedFact(g)
	}
	return s.newFact(g)
}

// slim is g without what the counts do not read (personal data among it).
func slim(g *matcher.Graduate) *matcher.Graduate {
	return &matcher.Graduate{ID: g.ID, HukouDistrict: g.HukouDistrict, ResidenceDistrict: g.ResidenceDistrict,
		GraduationYear: g.GraduationYear, Status: g.Status, Hardship: g.Hardship,
		RegisteredAt: g.RegisteredAt, ContactedAt: g.ContactedAt, PlacedAt: g.PlacedAt}
}

// figures is the kept copy.
type figures struct {
	mu       sync.RWMutex
	facts    map[string]*fact
	built    time.Time // wall clock of the pass it came from
	epoch    planEpoch // the plans' inputs at plansAt
	plansAt  time.Time // wall clock when every plan was last built
	building bool      // a rebuild is running
	// changed are the graduates patched while a rebuild runs: the rebuild
	// may have read them before the change, so they are patched again
	// into its result.
	changed map[string]*fact
	removed map[string]bool
	buildMu sync.Mutex // one rebuild at a time
	// background counts the rebuilds started behind a read (eachFact), so
	// that a caller can wait for them (WaitFigures) instead of polling.
	background sync.WaitGroup
}

// planFactOf is what PlanProgress counts of p.
func planFactOf(p *matcher.Plan) *planFact {
	c := p.Check
	return &planFact{complete: c.Complete, missingPosts: !c.Complete && c.MissingPosts > 0,
		missingCourses: !c.Complete && c.MissingCourses > 0, confirmed: p.Status == matcher.PlanConfirmed}
}

// factOf is g's fact, its plan built when g is a 一人一策 graduate.
func (s *Service) factOf(ctx context.Context, g *matcher.Graduate) (*fact, error) {
	f := s.newFact(g)
	if f.planGraduate {
		p, err := s.keptPlan(ctx, g)
		if err != nil {
			return nil, fmt.Errorf("plan of %s: %w", g.ID, err)
		}
		f.plan = planFactOf(p)
	}
	return f, nil
}

// buildFigures goes over every graduate once and builds the 一人一策
// graduates' plans, reusing prev's check of a graduate unchanged since
// when reuse is set; it logs progress.
func (s *Service) buildFigures(ctx context.Context, prev map[string]*fact, reuse bool) (map[string]*fact, error) {
	start := time.Now()
	facts := map[string]*fact{}
	var planned []matcher.Graduate
	// Through the caseload's in-memory ledger (caught up from the store's
	// stamp) when there is one: the figures and the caseload then share
	// one read of the sealed records instead of two, and one copy of the
	// graduates in memory.
	err := s.eachGraduate(ctx, matcher.GraduateFilter{}, func(g *matcher.Graduate) {
		ft := s.ledgerFact(g)
		facts[g.ID] = ft
		if !ft.planGraduate {
			return
		}
		if old := prev[g.ID]; reuse && old != nil && old.plan != nil && sameGraduate(old.g, ft.g) {
			ft.plan = old.plan
			return
		}
		planned = append(planned, *g)
	})
	if err != nil {
		return nil, fmt.Errorf("dashboard figures: %w", err)
	}
	s.cfg.Log.Info("dashboard figures: graduates read", "graduates", len(facts), "plans_to_build", len(planned), "elapsed", time.Since(start).Round(time.Millisecond))
	err = s.eachKeptPlan(ctx, planned, func(i int, p *matcher.Plan) error {
		facts[planned[i].ID].plan = planFactOf(p)
		if n := i + 1; n%1000 == 0 || n == len(planned) {
			s.cfg.Log.Info("dashboard figures: plans checked", "done", n, "of", len(planned), "elapsed", time.Since(start).Round(time.Millisecond))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("dashboard figures: %w", err)
	}
	return facts, nil
}

// rebuild replaces the kept copy with a fresh pass, then applies the
// changes patched in while it ran.
func (s *Service) rebuild(ctx context.Context) error {
	fg := &s.figures
	fg.buildMu.Lock()
	defer fg.buildMu.Unlock()
	epoch := s.planEpoch(ctx)
	started := time.Now()
	fg.mu.Lock()
	fg.building, fg.changed, fg.removed = true, map[string]*fact{}, map[string]bool{}
	prev := fg.facts
	reuse := prev != nil && fg.epoch == epoch && started.Sub(fg.plansAt) < planFactsMaxAge
	fg.mu.Unlock()
	// prev is only read here; patches replace its entries' pointers under
	// the lock, never change a fact in place.
	fg.mu.RLock()
	prevCopy := make(map[string]*fact, len(prev))
	for id, f := range prev {
		prevCopy[id] = f
	}
	fg.mu.RUnlock()
	facts, err := s.buildFigures(ctx, prevCopy, reuse)
	fg.mu.Lock()
	defer fg.mu.Unlock()
	fg.building = false
	if err != nil {
		return err
	}
	for id, f := range fg.changed {
		facts[id] = f
	}
	for id := range fg.removed {
		delete(facts, id)
	}
	fg.facts, fg.built, fg.changed, fg.removed = facts, started, nil, nil
	s.dropProposals(epoch, func(id string) bool { ft := facts[id]; return ft != nil && ft.planGraduate })
	if !reuse {
		fg.epoch, fg.plansAt = epoch, started
	}
	return nil
}

// eachFact calls fn for every kept graduate f selects (f without a
// Query), building the copy first when there is none and starting a
// background rebuild when it is older than FiguresMaxAge.
func (s *Service) eachFact(ctx context.Context, f CaseFilter, fn func(*fact)) error {
	fg := &s.figures
	fg.mu.RLock()
	have, stale := fg.facts != nil, fg.facts != nil && !fg.building && time.Now().Sub(fg.built) > s.cfg.FiguresMaxAge
	fg.mu.RUnlock()
	if !have {
		if err := s.rebuild(ctx); err != nil {
			return err
		}
	} else if stale {
		fg.background.Add(1)
		go func() {
			defer fg.background.Done()
			// Detached from the request: the rebuild outlives it.
			if err := s.rebuild(context.WithoutCancel(ctx)); err != nil {
				s.cfg.Log.Warn("dashboard figures: background rebuild failed; the previous copy serves", "err", err)
			}
		}()
	}
	now, sla := s.now(), s.policy().ContactSLADays
	fg.mu.RLock()
	defer fg.mu.RUnlock()
	for _, ft := range fg.facts {
		g := ft.g
		if f.District != "" && g.HukouDistrict != f.District && g.ResidenceDistrict != f.District {
			continue
		}
		if f.Status != "" && g.Status != f.Status {
			continue
		}
		if f.keep(g, now, sla) {
			fn(ft)
		}
	}
	return nil
}

// patch puts ft in place of its graduate's kept fact (nil ft: removed).
func (s *Service) patch(id string, ft *fact) {
	fg := &s.figures
	fg.mu.Lock()
	defer fg.mu.Unlock()
	if fg.building {
		if ft == nil {
			fg.removed[id] = true
			delete(fg.changed, id)
		} else {
			fg.changed[id] = ft
			delete(fg.removed, id)
		}
	}
	if fg.facts == nil {
		return // nothing kept yet: the first read builds from the store
	}
	if ft == nil {
		delete(fg.facts, id)
	} else {
		fg.facts[id] = ft
	}
}

// GraduateChanged tells the dashboard's figures that g was written
// (created, edited, registered, placed) through some other path than this
// service. The API calls it after every graduate write. When g's plan
// cannot be built the kept copy is marked old, so the next read refreshes
// it; the write itself stands.
func (s *Service) GraduateChanged(ctx context.Context, g *matcher.Graduate) {
	ft, err := s.factOf(ctx, g)
	if err != nil {
		s.cfg.Log.Warn("dashboard figures: a changed graduate's plan failed; refreshing them all", "graduate", g.ID, "err", err)
		s.figures.mu.Lock()
		s.figures.built = time.Time{}
		s.figures.mu.Unlock()
		return
	}
	s.patch(g.ID, ft)
}

// GraduateRemoved tells the dashboard's figures that graduate id was
// deleted.
func (s *Service) GraduateRemoved(id string) { s.patch(id, nil) }

// WarmFigures builds the dashboard's figures now (cmd calls it when the
// server starts, so the first dashboard does not pay for the pass).
func (s *Service) WarmFigures(ctx context.Context) error { return s.rebuild(ctx) }

// WaitFigures returns when every background rebuild of the kept figures
// started so far has ended: a stale copy is replaced behind the read that
// noticed it, and a caller that must see the replacement (the figures'
// tests) waits here instead of polling.
func (s *Service) WaitFigures() { s.figures.background.Wait() }

// count calls fn for every graduate f selects: over the kept figures, or,
// when f searches or none are kept, over the store, building the plans of
// the 一人一策 graduates when plans is set (else their fact's plan is
// nil).
func (s *Service) count(ctx context.Context, f CaseFilter, plans bool, fn func(*fact)) error {
	if f.Query.Empty() && s.cfg.FiguresMaxAge >= 0 {
		return s.eachFact(ctx, f, fn)
	}
	var facts []*fact
	var planned []matcher.Graduate
	err := s.each(ctx, f, func(g *matcher.Graduate) {
		ft := s.ledgerFact(g)
		facts = append(facts, ft)
		if plans && ft.planGraduate {
			planned = append(planned, *g)
		}
	})
	if err != nil {
		return err
	}
	byID := make(map[string]*fact, len(planned))
	for _, ft := range facts {
		byID[ft.g.ID] = ft
	}
	if err := s.eachKeptPlan(ctx, planned, func(i int, p *matcher.Plan) error {
		byID[planned[i].ID].plan = planFactOf(p)
		return nil
	}); err != nil {
		return err
	}
	for _, ft := range facts {
		fn(ft)
	}
	return nil
}
