package casework

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// Status groups the caseload filters by, besides single statuses.
const (
	GroupLooking = "looking" // unregistered or seeking: still looking, 未落实去向
	GroupSettled = "settled" // placed, employed or studying: 已落实去向
)

// CaseFilter selects a caller's graduates.
type CaseFilter struct {
	District string // the caller's scope ("" the whole city)
	Status   matcher.GraduateStatus
	Group    string    // "", looking, settled
	Hardship string    // "", yes, no
	Overdue  string    // "", yes, no
	Query    CaseQuery // name, school, major or the ID's last four (query.go)
	// Allow is the caller's scope checked once more on every graduate
	// (belt and braces: the store's district filter and the key's scope
	// must agree before anything is served).
	Allow func(*matcher.Graduate) bool
}

func (f *CaseFilter) keep(g *matcher.Graduate, now time.Time, sla int) bool {
	if f.Allow != nil && !f.Allow(g) {
		return false
	}
	if f.Hardship == "yes" && !g.IsHardship() || f.Hardship == "no" && g.IsHardship() {
		return false
	}
	if f.Group == GroupLooking && !g.Looking() || f.Group == GroupSettled && !g.Placed() {
		return false
	}
	if !f.Query.Match(g) {
		return false
	}
	od := g.ContactOverdue(now, sla)
	return !(f.Overdue == "yes" && !od || f.Overdue == "no" && od)
}

func (s *Service) each(ctx context.Context, f CaseFilter, fn func(*matcher.Graduate)) error {
	now, sla := s.now(), s.policy().ContactSLADays
	return s.eachGraduate(ctx, matcher.GraduateFilter{District: f.District, Status: f.Status}, func(g *matcher.Graduate) {
		if f.keep(g, now, sla) {
			fn(g)
		}
	})
}

// caseRank orders the caseload: 0 for a graduate overdue for contact, 1
// for the others still looking, 2 for those with a destination.
func caseRank(g *matcher.Graduate, now time.Time, sla int) int {
	switch {
	case g.ContactOverdue(now, sla):
		return 0
	case g.Looking():
		return 1
	}
	return 2
}

// Caseload returns the graduates f selects, overdue first (longest
// overdue first), then the others still looking, then those with a
// destination, each by id; total is how many f selects, page the ones at
// [offset, offset+limit). The caller masks and audits what it shows.
func (s *Service) Caseload(ctx context.Context, f CaseFilter, offset, limit int) (total int, page []matcher.Graduate, err error) {
	now, sla := s.now(), s.policy().ContactSLADays
	// Pointers into the ledger, ranked once each: the sort moves 16 bytes
	// a graduate, and only the page is copied out. Memory is bounded by the
	// graduates that match, never by the limit asked for.
	type rankedGraduate struct {
		g    *matcher.Graduate
		rank int
	}
	var gs []rankedGraduate
	if err := s.each(ctx, f, func(g *matcher.Graduate) { gs = append(gs, rankedGraduate{g, caseRank(g, now, sla)}) }); err != nil {
		return 0, nil, err
	}
	slices.SortFunc(gs, func(a, b rankedGraduate) int {
		if a.rank != b.rank {
			return cmp.Compare(a.rank, b.rank)
		}
		if a.rank == 0 {
			if c := a.g.RegisteredAt.Compare(b.g.RegisteredAt); c != 0 {
				return c
			}
		}
		return cmp.Compare(a.g.ID, b.g.ID)
	})
	total = len(gs)
	from, to := min(max(offset, 0), total), total
	if limit >= 0 && limit < total-from {
		to = from + limit
	}
	page = make([]matcher.Graduate, 0, to-from)
	for _, r := range gs[from:to] {
		page = append(page, *r.g)
	}
	return total, page, nil
}

// Rate is a rate over the population the plan means, with its numerator
// and denominator.
type Rate struct {
	Population  string  `json:"population"` // 中文: whom the rate counts
	Numerator   int     `json:"numerator"`
	Denominator int     `json:"denominator"`
	Rate        float64 `json:"rate"`
}

func newRate(pop string, n, d int) Rate {
	r := Rate{Population: pop, Numerator: n, Denominator: d}
	if d > 0 {
		r.Rate = math.Round(float64(n)/float64(d)*10000) / 10000
	}
	return r
}

// MilestoneProgress is a rate against one of the plan's dated targets.
type MilestoneProgress struct {
	Date             string   `json:"date"` // YYYY-MM-DD in the plan year
	Passed           bool     `json:"passed"`
	Next             bool     `json:"next"` // the first milestone not yet passed
	RegisteredTarget *float64 `json:"registered_target,omitempty"`
	RegisteredMet    *bool    `json:"registered_met,omitempty"`
	RegisteredGap    int      `json:"registered_gap,omitempty"` // graduates still to register to meet it
	PlacedTarget     *float64 `json:"placed_target,omitempty"`
	PlacedMet        *bool    `json:"placed_met,omitempty"`
	PlacedGap        int      `json:"placed_gap,omitempty"`
}

// Cohort counts one graduation year of the caller's graduates.
type Cohort struct {
	Year       int `json:"year"` // 0: unknown
	Total      int `json:"total"`
	Registered int `json:"registered"`
	Placed     int `json:"placed"`
}

// Calendar is where the plan's year stands at the dashboard's date.
type Calendar struct {
	Campaign     string `json:"campaign,omitempty"`      // the service campaign under way
	NextDeadline string `json:"next_deadline,omitempty"` // YYYY-MM-DD 中文
	Reviews      string `json:"reviews,omitempty"`       // the follow-up reviews in force
}

// Dashboard is the district dashboard: the plan's rates on the populations
// it means, against its milestones, and the contact rule. Counts only: no
// personal data.
type Dashboard struct {
	District string    `json:"district"`
	AsOf     time.Time `json:"as_of"`
	PlanYear int       `json:"plan_year"`
	Total    int       `json:"total"` // every graduate in scope, all cohorts
	// Registration: 实名制登记率 of this year's graduates with Urumqi
	// hukou; Placement: 就业去向落实率 of this year's graduates.
	Registration       Rate    `json:"registration"`
	Placement          Rate    `json:"placement"`
	RegistrationTarget float64 `json:"registration_target"` // the year's target (登记率达到100%)
	// The same figures flat, as the workspace reads them.
	Registered       int                 `json:"registered"`
	Placed           int                 `json:"placed"`
	RegistrationRate float64             `json:"registration_rate"`
	PlacementRate    float64             `json:"placement_rate"`
	Contacted        int                 `json:"contacted"`
	ContactOverdue   int                 `json:"contact_overdue"`
	ContactSLADays   int                 `json:"contact_sla_days"`
	Hardship         int                 `json:"hardship"`       // graduates in a hardship category
	PlanGraduates    int                 `json:"plan_graduates"` // of them still looking: the 一人一策 caseload
	ByStatus         map[string]int      `json:"by_status"`
	Cohorts          []Cohort            `json:"cohorts"` // by graduation year, newest first
	Milestones       []MilestoneProgress `json:"milestones"`
	Calendar         Calendar            `json:"calendar"`
	Quotes           map[string]string   `json:"quotes"` // the plan's sentences the targets come from
}

// Dashboard computes the dashboard of the graduates f selects.
func (s *Service) Dashboard(ctx context.Context, f CaseFilter) (*Dashboard, error) {
	pol := s.policy()
	now := s.now()
	d := &Dashboard{District: f.District, AsOf: now.UTC(), PlanYear: pol.Year, ContactSLADays: pol.ContactSLADays,
		RegistrationTarget: pol.RegistrationTarget, ByStatus: map[string]int{}, Milestones: []MilestoneProgress{}}
	var regPop, regN, placePop, placeN int
	cohorts := map[int]*Cohort{}
	if err := s.count(ctx, f, false, func(ft *fact) {
		g := ft.g
		d.Total++
		this := g.GraduationYear == pol.Year
		if this {
			placePop++
			if g.Placed() {
				placeN++
			}
			if ft.urumqiHukou {
				regPop++
				if g.Registered() {
					regN++
				}
			}
		}
		c := cohorts[g.GraduationYear]
		if c == nil {
			c = &Cohort{Year: g.GraduationYear}
			cohorts[g.GraduationYear] = c
		}
		c.Total++
		if g.Registered() {
			c.Registered++
		}
		if g.Placed() {
			c.Placed++
		}
		if g.ContactOverdue(now, pol.ContactSLADays) {
			d.ContactOverdue++
		}
		if !g.ContactedAt.IsZero() {
			d.Contacted++
		}
		if g.IsHardship() {
			d.Hardship++
		}
		if ft.planGraduate {
			d.PlanGraduates++
		}
		st := string(g.Status)
		if st == "" {
			st = string(matcher.StatusUnregistered)
		}
		d.ByStatus[st]++
	}); err != nil {
		return nil, err
	}
	d.Registration = newRate(fmt.Sprintf("%d届乌鲁木齐市户籍毕业生", pol.Year), regN, regPop)
	d.Placement = newRate(fmt.Sprintf("%d届毕业生", pol.Year), placeN, placePop)
	d.Registered, d.Placed, d.RegistrationRate, d.PlacementRate = regN, placeN, d.Registration.Rate, d.Placement.Rate
	for _, c := range cohorts {
		d.Cohorts = append(d.Cohorts, *c)
	}
	slices.SortFunc(d.Cohorts, func(a, b Cohort) int { return cmp.Compare(b.Year, a.Year) })
	ms, err := s.milestones(d, now)
	if err != nil {
		return nil, err
	}
	d.Milestones = ms
	d.Calendar = s.calendar(now)
	d.Quotes = map[string]string{"milestones": pol.MilestonesQuote, "registration": pol.RegistrationQuote, "contact": pol.ContactQuote}
	return d, nil
}

// gap is how many more of total must reach a state for the rate to reach
// target: ceil(target × total) − have, at least 0.
func gap(target float64, total, have int) int {
	need := int(math.Ceil(target*float64(total)-1e-9)) - have
	return max(need, 0)
}

func (s *Service) milestones(d *Dashboard, now time.Time) ([]MilestoneProgress, error) {
	var out []MilestoneProgress
	next := false
	pol := s.policy()
	for _, m := range pol.Milestones {
		due, err := time.ParseInLocation("2006-01-02", fmt.Sprintf("%04d-%s", pol.Year, m.Date), now.Location())
		if err != nil {
			return nil, fmt.Errorf("milestone %q: %w", m.Date, err)
		}
		mp := MilestoneProgress{Date: due.Format(time.DateOnly), Passed: now.After(matcher.EndOfDay(due))}
		if !mp.Passed && !next {
			mp.Next, next = true, true
		}
		if m.Registered > 0 {
			t, r := m.Registered, d.Registration
			met := r.Denominator > 0 && r.Rate >= t
			mp.RegisteredTarget, mp.RegisteredMet, mp.RegisteredGap = &t, &met, gap(t, r.Denominator, r.Numerator)
		}
		if m.Placed > 0 {
			t, r := m.Placed, d.Placement
			met := r.Denominator > 0 && r.Rate >= t
			mp.PlacedTarget, mp.PlacedMet, mp.PlacedGap = &t, &met, gap(t, r.Denominator, r.Numerator)
		}
		out = append(out, mp)
	}
	return out, nil
}

func (s *Service) calendar(now time.Time) Calendar {
	var c Calendar
	pol := s.policy()
	if now.Year() != pol.Year {
		return c
	}
	m := int(now.Month())
	for _, cp := range pol.Campaigns {
		if m >= cp.FromMonth && m <= cp.ToMonth {
			c.Campaign = cp.Name
		}
	}
	for _, dl := range pol.Deadlines {
		due, err := time.ParseInLocation("2006-01-02", fmt.Sprintf("%04d-%s", pol.Year, dl.Date), now.Location())
		if err == nil && !now.After(matcher.EndOfDay(due)) {
			c.NextDeadline = due.Format(time.DateOnly) + " " + dl.What
			break
		}
	}
	if fu := pol.FollowUp; fu.FromMonth > 0 && m >= fu.FromMonth {
		c.Reviews = fmt.Sprintf("求职登记求助毕业生联系服务情况每%d天调度一次，未就业毕业生实名联系和帮扶进度每%d天调度一次", fu.ContactReviewDays, fu.AssistanceReviewDays)
	}
	return c
}
