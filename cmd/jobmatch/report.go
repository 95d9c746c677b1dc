package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/urumqi-hrss/jobmatch/api/render"
)

// cmdReport writes the bureau's weekly or half-monthly progress report
// (issue 12 item 6) as XLSX: each district's and the city's dashboard
// figures as of --to (the workspace's dashboard on that date shows the
// same), the 一人一策 plans' progress and the period's registrations,
// placements and first contacts.
func (m *Main) cmdReport(ctx context.Context, args []string) error {
	fs := m.flags("report")
	from := fs.String("from", "", "first day of the period, YYYY-MM-DD (default: six days before --to: a week)")
	to := fs.String("to", "", "last day of the period, YYYY-MM-DD: the figures are as of this day (default: today, or --now)")
	out := fs.String("out", "", "the XLSX file to write (required)")
	quiet := fs.Bool("quiet", false, "no progress bar")
	if err := m.parseNoArgs(fs, args, "report"); err != nil {
		return err
	}
	if *out == "" {
		return &usageError{"report: give --out FILE.xlsx"}
	}
	today := m.Now()
	end, start, err := reportPeriod(*from, *to, today)
	if err != nil {
		return err
	}
	if !sameDay(end, today) {
		// As of the period's last day, as the dashboard was on it.
		m.NowFlag = end.Format(time.DateOnly)
	}
	svc, err := m.casework(ctx)
	if err != nil {
		return err
	}
	var bar *progressBar
	if !*quiet {
		bar = m.newProgress("report", "districts")
	}
	rep, err := svc.Report(ctx, start, end, bar.report())
	bar.finish()
	if err != nil {
		return err
	}
	if err := writeOut(*out, nil, func(w io.Writer) error { return render.ReportXLSX(w, rep) }); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "%s %s 至 %s → %s\n", rep.Kind, start.Format(time.DateOnly), end.Format(time.DateOnly), *out)
	return nil
}

// reportPeriod reads --from and --to against today: the last day
// defaults to today and may not be after it; the first defaults to six
// days before the last.
func reportPeriod(from, to string, today time.Time) (end, start time.Time, err error) {
	end = time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	if to != "" {
		if end, err = time.Parse(time.DateOnly, to); err != nil {
			return end, start, &usageError{fmt.Sprintf("report --to %q: want a date like 2023-06-15", to)}
		}
		if end.After(today) {
			return end, start, &usageError{fmt.Sprintf("report --to %s: after today (%s); a report is of days past", to, today.Format(time.DateOnly))}
		}
	}
	start = end.AddDate(0, 0, -6)
	if from != "" {
		if start, err = time.Parse(time.DateOnly, from); err != nil {
			return end, start, &usageError{fmt.Sprintf("report --from %q: want a date like 2023-06-09", from)}
		}
	}
	if start.After(end) {
		return end, start, &usageError{fmt.Sprintf("report: --from %s is after --to %s", start.Format(time.DateOnly), end.Format(time.DateOnly))}
	}
	return end, start, nil
}

func sameDay(a, b time.Time) bool {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	return ay == by && am == bm && ad == bd
}
