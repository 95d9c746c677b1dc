package casework

import (
	"context"
	"fmt"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

// The figures the dashboard's charts draw (issue 12 item 4), beside the
// Dashboard: counts only, no personal data. Each is computed on the same
// populations and rules as the Dashboard, so a chart and the dashboard's
// figures agree.

// DayCount is a count on one day.
type DayCount struct {
	Date  string `json:"date"` // YYYY-MM-DD
	Count int    `json:"count"`
}

// ContactsDue is when the first contacts of the graduates still waiting
// for one fall due (the plan's 5日内必联系): Overdue already past it,
// Days the next days' (a graduate registered on day d is due by d + SLA).
type ContactsDue struct {
	AsOf    time.Time  `json:"as_of"`
	SLADays int        `json:"sla_days"`
	Overdue int        `json:"overdue"`
	Days    []DayCount `json:"days"`
	Later   int        `json:"later"` // due after the last day shown
}

// ContactsDue counts, for the graduates f selects, the first contacts
// overdue and those due on each of the next days days.
func (s *Service) ContactsDue(ctx context.Context, f CaseFilter, days int) (*ContactsDue, error) {
	now, sla := s.now(), s.policy().ContactSLADays
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
	c := &ContactsDue{AsOf: now.UTC(), SLADays: sla, Days: make([]DayCount, days)}
	for i := range c.Days {
		c.Days[i].Date = today.AddDate(0, 0, i).Format(time.DateOnly)
	}
	err := s.count(ctx, f, false, func(ft *fact) {
		g := ft.g
		if !g.Looking() || g.RegisteredAt.IsZero() || !g.ContactedAt.IsZero() {
			return
		}
		if g.ContactOverdue(now, sla) {
			c.Overdue++
			return
		}
		due := g.RegisteredAt.In(now.Location()).AddDate(0, 0, sla)
		d := time.Date(due.Year(), due.Month(), due.Day(), 0, 0, 0, 0, now.Location())
		i := int(d.Sub(today).Hours() / 24)
		switch {
		case i < 0:
			i = 0 // due today by the hour, not yet overdue
		case i >= days:
			c.Later++
			return
		}
		c.Days[i].Count++
	})
	if err != nil {
		return nil, fmt.Errorf("contacts due: %w", err)
	}
	return c, nil
}

// DistrictRates is one district's dashboard rates.
type DistrictRates struct {
	District       string `json:"district"`
	Registration   Rate   `json:"registration"`
	Placement      Rate   `json:"placement"`
	ContactOverdue int    `json:"contact_overdue"`
	PlanGraduates  int    `json:"plan_graduates"`
}

// DistrictComparison computes, in one pass over the graduates f selects,
// each district's rates as its own Dashboard computes them (a graduate
// counts in the district of their hukou and of their residence), and the
// whole scope's as "合计".
func (s *Service) DistrictComparison(ctx context.Context, f CaseFilter) ([]DistrictRates, error) {
	pol, now := s.policy(), s.now()
	type acc struct{ regN, regPop, placeN, placePop, overdue, plan int }
	by := map[string]*acc{}
	names := []string{}
	for _, d := range catalog.UrumqiDistricts {
		if f.District == "" || f.District == d.Name {
			by[d.Name] = &acc{}
			names = append(names, d.Name)
		}
	}
	total := &acc{}
	add := func(a *acc, ft *fact) {
		g := ft.g
		if g.GraduationYear == pol.Year {
			a.placePop++
			if g.Placed() {
				a.placeN++
			}
			if ft.urumqiHukou {
				a.regPop++
				if g.Registered() {
					a.regN++
				}
			}
		}
		if g.ContactOverdue(now, pol.ContactSLADays) {
			a.overdue++
		}
		if ft.planGraduate {
			a.plan++
		}
	}
	err := s.count(ctx, f, false, func(ft *fact) {
		g := ft.g
		add(total, ft)
		for i, d := range []string{g.HukouDistrict, g.ResidenceDistrict} {
			if a := by[d]; a != nil && (i == 0 || d != g.HukouDistrict) {
				add(a, ft)
			}
		}
	})
	if err != nil {
		return nil, fmt.Errorf("district comparison: %w", err)
	}
	out := []DistrictRates{}
	rates := func(name string, a *acc) DistrictRates {
		return DistrictRates{District: name,
			Registration:   newRate(fmt.Sprintf("%d届乌鲁木齐市户籍毕业生", pol.Year), a.regN, a.regPop),
			Placement:      newRate(fmt.Sprintf("%d届毕业生", pol.Year), a.placeN, a.placePop),
			ContactOverdue: a.overdue, PlanGraduates: a.plan}
	}
	for _, n := range names {
		out = append(out, rates(n, by[n]))
	}
	if len(names) > 1 {
		out = append(out, rates("合计", total))
	}
	return out, nil
}

// PlanProgress is where the 一人一策 plans of a caseload stand.
type PlanProgress struct {
	AsOf      time.Time `json:"as_of"`
	Graduates int       `json:"graduates"` // 一人一策 graduates (hardship, still looking)
	Complete  int       `json:"complete"`  // plans that meet the policy
	// Missing counts the incomplete plans by what they lack (a plan may
	// lack both).
	MissingPosts   int `json:"missing_posts"`
	MissingCourses int `json:"missing_courses"`
	Incomplete     int `json:"incomplete"`
	Confirmed      int `json:"confirmed"` // plans the counselor confirmed
}

// PlanProgress counts, of the 一人一策 graduates f selects, the complete
// plans and what the others lack (each plan built and checked as the
// graduate's page shows it; kept between requests, snapshot.go).
func (s *Service) PlanProgress(ctx context.Context, f CaseFilter) (*PlanProgress, error) {
	f.Hardship, f.Group = "yes", GroupLooking
	pp := &PlanProgress{AsOf: s.now().UTC()}
	err := s.count(ctx, f, true, func(ft *fact) {
		p := ft.plan
		if p == nil {
			return // hardship, but not in a category the plan names
		}
		pp.Graduates++
		if p.confirmed {
			pp.Confirmed++
		}
		if p.complete {
			pp.Complete++
			return
		}
		pp.Incomplete++
		if p.missingPosts {
			pp.MissingPosts++
		}
		if p.missingCourses {
			pp.MissingCourses++
		}
	})
	if err != nil {
		return nil, fmt.Errorf("plan progress: %w", err)
	}
	return pp, nil
}
