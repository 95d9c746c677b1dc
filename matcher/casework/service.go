package casework

import (
	"context"
	"errors"
	"hash/maphash"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

// Items is what plans read of posts and courses.
type Items interface {
	Post(ctx context.Context, id string) (*matcher.Post, error)
	Course(ctx context.Context, id string) (*matcher.Course, error)
}

// Graduates is what the caseload and the contact log read and write of
// the ledger.
type Graduates interface {
	Graduate(ctx context.Context, id string) (*matcher.Graduate, error)
	EachGraduate(ctx context.Context, f matcher.GraduateFilter, fn func(*matcher.Graduate) error) error
	UpsertGraduates(ctx context.Context, gs []matcher.Graduate) ([]matcher.UpsertOutcome, error)
}

// Runs is what proposals read of the published nightly run.
type Runs interface {
	LatestRun(ctx context.Context) (*matcher.Run, error)
	RecommendationsFor(ctx context.Context, graduateID string) (runID string, items []matcher.StoredRecommendation, err error)
}

// Store is everything the casework persists or reads; both store backends
// implement it.
type Store interface {
	Items
	matcher.PlanBatches
	Graduates
	Runs
	matcher.ContactLog
	matcher.ShortlistLog
}

// Recommender is the matching engine as proposals use it.
type Recommender interface {
	Recommend(g *matcher.Graduate, q matcher.Query) (*matcher.Result, error)
}

// Config is what a Service needs.
type Config struct {
	Store       Store
	Recommender Recommender
	Policy      catalog.Policy
	// Now is the business clock (deadlines, cohorts, the contact rule);
	// Clock the wall clock (when an edit or a contact was made). Default
	// time.Now for both.
	Now, Clock func() time.Time
	// MaxRunAge is how old a published run may be and still propose
	// (default 36 h; negative: always propose online).
	MaxRunAge time.Duration
	// FiguresMaxAge is how old the dashboard's kept figures may grow
	// before a background pass refreshes them (snapshot.go; default 1 min;
	// negative: none kept, every count reads the store and every plan is
	// proposed afresh, proposals.go).
	FiguresMaxAge time.Duration
	// Log receives the figures' progress and failures (default: discarded).
	Log *slog.Logger
}

// Service runs the casework operations.
type Service struct {
	st  Store
	rec Recommender
	// pol is the policy applied, swapped whole by SetPolicy; polGen
	// counts the swaps (a plan's epoch: what was kept under another
	// policy is not reused).
	pol    atomic.Pointer[catalog.Policy]
	polGen atomic.Uint64
	now    func() time.Time
	clock  func() time.Time
	cfg    Config

	ledger *ledger // nil: the store cannot stamp its ledger; read it each time

	runMu      sync.Mutex
	run        *matcher.Run
	runFetched time.Time

	figures   figures   // the dashboard's kept populations (snapshot.go)
	proposals proposals // the documents' and figures' proposals (proposals.go)
}

// New returns a Service for c.
func New(c Config) (*Service, error) {
	if c.Store == nil || c.Recommender == nil {
		return nil, errors.New("casework: Config needs Store and Recommender")
	}
	if len(c.Policy.ChannelPlan) == 0 {
		return nil, errors.New("casework: Config needs the Policy")
	}
	if err := matcher.CheckPolicy(&c.Policy); err != nil {
		return nil, err
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Clock == nil {
		c.Clock = time.Now
	}
	if c.FiguresMaxAge == 0 {
		c.FiguresMaxAge = time.Minute
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	if c.MaxRunAge == 0 {
		c.MaxRunAge = 36 * time.Hour
	}
	s := &Service{st: c.Store, rec: c.Recommender, now: c.Now, clock: c.Clock, cfg: c}
	pol := c.Policy
	s.pol.Store(&pol)
	s.proposals.seed, s.proposals.byID = maphash.MakeSeed(), map[string]*keptProposal{}
	if st, ok := c.Store.(matcher.LedgerStamper); ok {
		s.ledger = &ledger{st: c.Store, stamper: st, clock: time.Now}
	}
	return s, nil
}

// Policy returns the policy the service applies.
func (s *Service) Policy() catalog.Policy { return *s.pol.Load() }

// policy is the policy in force; an operation reads it once, so that a
// swap never mixes two policies in one answer.
func (s *Service) policy() *catalog.Policy { return s.pol.Load() }

// SetPolicy applies p from now on (next year's plan, loaded while the
// service runs: matcher.CheckPolicy first, and nothing changes if it
// refuses p). The kept dashboard figures and proposals were made under
// the old policy: the figures are dropped (the next read rebuilds them)
// and the proposals are not reused (their epoch names the policy).
func (s *Service) SetPolicy(p catalog.Policy) error {
	if len(p.ChannelPlan) == 0 {
		return errors.New("casework: SetPolicy needs a policy")
	}
	if err := matcher.CheckPolicy(&p); err != nil {
		return err
	}
	fg := &s.figures
	fg.buildMu.Lock() // a rebuild under way finishes under the old policy first
	defer fg.buildMu.Unlock()
	s.pol.Store(&p)
	s.polGen.Add(1)
	fg.mu.Lock()
	fg.facts = nil
	fg.mu.Unlock()
	return nil
}

// publishedRun returns the published run, cached for a few seconds (every
// plan read would otherwise ask for it); nil when none.
func (s *Service) publishedRun(ctx context.Context) *matcher.Run {
	s.runMu.Lock()
	defer s.runMu.Unlock()
	if time.Since(s.runFetched) < 5*time.Second {
		return s.run
	}
	r, err := s.st.LatestRun(ctx)
	if err != nil {
		r = nil // none published, or the store is unwell: propose online
	}
	s.run, s.runFetched = r, time.Now()
	return r
}

// invalid is an error about a request field.
func invalid(field, zh, en string, args ...any) error {
	e := matcher.Errorf(matcher.EINVALID, zh, en, args...)
	e.Field = field
	return e
}
