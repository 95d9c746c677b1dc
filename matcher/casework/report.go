package casework

import (
	"context"
	"fmt"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

// Report is the bureau's progress report for a period (issue 12 item 6):
// for each district and the city, the dashboard's figures as of the
// report's date — the same Dashboard the workspace shows, so the two
// agree — with the 一人一策 plans' progress and what happened in the
// period (registrations, placements and first contacts dated in it).
//
// The rates are the ledger's as recorded at the report's date: the report
// is meant to be run on the day of the review (a later run reads later
// statuses).
type Report struct {
	Kind     string            `json:"kind"` // 周报, 半月报 or 阶段报告
	From     time.Time         `json:"from"`
	To       time.Time         `json:"to"`
	AsOf     time.Time         `json:"as_of"`
	PlanYear int               `json:"plan_year"`
	Source   string            `json:"source"`
	Quotes   map[string]string `json:"quotes"`
	Rows     []ReportRow       `json:"rows"` // the districts, then 合计 (the city)
}

// ReportRow is one district's (or the city's) line.
type ReportRow struct {
	District  string        `json:"district"`
	Dashboard *Dashboard    `json:"dashboard"`
	Plans     *PlanProgress `json:"plans"`
	// In the period (From to To, inclusive).
	Registered    int `json:"registered_in_period"`
	Placed        int `json:"placed_in_period"`
	FirstContacts int `json:"first_contacts_in_period"`
}

// ReportKind names a period: up to 7 days a week's report, up to 16 days
// a half-month's.
func ReportKind(from, to time.Time) string {
	days := int(to.Sub(from).Hours()/24) + 1
	switch {
	case days <= 7:
		return "周报"
	case days <= 16:
		return "半月报"
	}
	return "阶段报告"
}

// Report computes the report of the period from–to (dates, inclusive) as
// of the service's clock. progress, when not nil, is told after each
// district.
func (s *Service) Report(ctx context.Context, from, to time.Time, progress func(done, total int)) (*Report, error) {
	if to.Before(from) {
		return nil, fmt.Errorf("report: the period ends (%s) before it starts (%s)", to.Format(time.DateOnly), from.Format(time.DateOnly))
	}
	pol := s.policy()
	r := &Report{Kind: ReportKind(from, to), From: from, To: to, AsOf: s.now().UTC(), PlanYear: pol.Year, Source: pol.Source,
		Quotes: map[string]string{"milestones": pol.MilestonesQuote, "registration": pol.RegistrationQuote, "contact": pol.ContactQuote, "shortlist": pol.Shortlist.Quote}}
	districts := make([]string, 0, len(catalog.UrumqiDistricts)+1)
	for _, d := range catalog.UrumqiDistricts {
		districts = append(districts, d.Name)
	}
	districts = append(districts, "")
	end := matcher.EndOfDay(to)
	for i, d := range districts {
		row, err := s.reportRow(ctx, CaseFilter{District: d}, from, end)
		if err != nil {
			return nil, err
		}
		r.Rows = append(r.Rows, *row)
		if progress != nil {
			progress(i+1, len(districts))
		}
	}
	return r, nil
}

func (s *Service) reportRow(ctx context.Context, f CaseFilter, from, end time.Time) (*ReportRow, error) {
	name := f.District
	if name == "" {
		name = "合计"
	}
	d, err := s.Dashboard(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("report %s: %w", name, err)
	}
	p, err := s.PlanProgress(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("report %s: %w", name, err)
	}
	row := &ReportRow{District: name, Dashboard: d, Plans: p}
	in := func(t time.Time) bool { return !t.IsZero() && !t.Before(from) && !t.After(end) }
	err = s.count(ctx, f, false, func(ft *fact) {
		g := ft.g
		if in(g.RegisteredAt) {
			row.Registered++
		}
		if in(g.PlacedAt) {
			row.Placed++
		}
		if in(g.ContactedAt) {
			row.FirstContacts++
		}
	})
	if err != nil {
		return nil, fmt.Errorf("report %s: %w", name, err)
	}
	return row, nil
}
