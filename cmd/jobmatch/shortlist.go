package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/urumqi-hrss/jobmatch/api/render"
	"github.com/urumqi-hrss/jobmatch/ingest/normalize"
	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/casework"
	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

// cmdShortlist prints 一人一策 plans, as the workspace shows them
// (matcher/casework): one graduate's, or those of the 一人一策 caseload
// (hardship graduates still looking) of a district or the city; as text
// or JSON (the plans), or as the handouts' PDF (one graduate a page) or
// the plans' XLSX (one row a plan item), the documents the workspace
// downloads.
func (m *Main) cmdShortlist(ctx context.Context, args []string) error {
	fs := m.flags("shortlist")
	gid := fs.String("graduate", "", "one stored graduate's id")
	hardship := fs.Bool("hardship", false, "every 一人一策 graduate (in a hardship category the policy names, still looking)")
	district := fs.String("district", "", "with --hardship: only this district")
	limit := fs.Int("limit", 0, "with --hardship: at most this many plans (0: all)")
	format := fs.String("format", "text", "text, json, pdf (the handouts, one graduate a page) or xlsx (one row a plan item)")
	out := fs.String("out", "", "write to this file (required for pdf and xlsx; default standard output)")
	counselor := fs.String("counselor", "", "the counselor the handouts name")
	contact := fs.String("contact", "", "how graduates reach the counselor (telephone or office), printed on the handouts")
	font := fs.String("pdf-font", os.Getenv("JOBMATCH_PDF_FONT"), "CJK TrueType font for pdf (default: Debian's fonts-droid-fallback)")
	if _, err := m.parse(fs, args); err != nil {
		return err
	}
	if (*gid == "") == !*hardship {
		return &usageError{"shortlist: want exactly one of --graduate ID or --hardship"}
	}
	switch *format {
	case "text", "json":
	case "pdf", "xlsx":
		if *out == "" {
			return &usageError{fmt.Sprintf("shortlist --format %s: give --out FILE", *format)}
		}
	default:
		return &usageError{fmt.Sprintf("shortlist --format %q: want text, json, pdf or xlsx", *format)}
	}
	d := ""
	if *district != "" {
		if d = normalize.District(*district); !catalog.IsUrumqiDistrict(d) {
			return &usageError{fmt.Sprintf("shortlist --district %q: not one of Urumqi's districts", *district)}
		}
	}
	var f *render.Font
	if *format == "pdf" {
		var err error
		if f, err = render.FindFont(*font); err != nil {
			return err
		}
	}
	svc, err := m.casework(ctx)
	if err != nil {
		return err
	}
	gs, err := m.shortlistGraduates(ctx, svc, *gid, d, *limit)
	if err != nil {
		return err
	}
	return writeOut(*out, m.Stdout, func(w io.Writer) error {
		c := casework.Counselor{Name: *counselor, District: d, Contact: *contact}
		return writePlans(ctx, w, svc, gs, *format, c, f)
	})
}

// shortlistGraduates is the graduate gid, or the 一人一策 caseload of
// district d ("": the city).
func (m *Main) shortlistGraduates(ctx context.Context, svc *casework.Service, gid, d string, limit int) ([]matcher.Graduate, error) {
	if gid == "" {
		return svc.PlanCaseload(ctx, casework.CaseFilter{District: d}, limit)
	}
	g, err := m.store.Graduate(ctx, gid)
	if err != nil {
		return nil, err
	}
	return []matcher.Graduate{*g}, nil
}

// writePlans writes the plans of gs in format.
func writePlans(ctx context.Context, w io.Writer, svc *casework.Service, gs []matcher.Graduate, format string, c casework.Counselor, f *render.Font) error {
	var hs []*casework.Handout
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	for i := range gs {
		p, err := svc.Plan(ctx, &gs[i])
		if err != nil {
			return fmt.Errorf("plan of %s: %w", gs[i].ID, err)
		}
		switch format {
		case "json":
			if err := enc.Encode(p); err != nil {
				return err
			}
		case "text":
			printPlan(w, &gs[i], p)
		default:
			hs = append(hs, casework.HandoutOf(&gs[i], p, c))
		}
	}
	switch format {
	case "pdf":
		return render.HandoutsPDF(w, f, hs)
	case "xlsx":
		return render.PlansXLSX(w, hs)
	}
	return nil
}

// writeOut runs write on the file path (written whole or not at all: a
// temporary file renamed), or on stdout when path is "".
func writeOut(path string, stdout io.Writer, write func(io.Writer) error) error {
	if path == "" {
		return write(stdout)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".jobmatch-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// casework builds the casework service over the store, the engine and the
// policy, as serve does.
func (m *Main) casework(ctx context.Context) (*casework.Service, error) {
	st, err := m.openStore(ctx)
	if err != nil {
		return nil, err
	}
	eng, err := m.loadEngine(ctx)
	if err != nil {
		return nil, err
	}
	pol, err := m.Policy()
	if err != nil {
		return nil, err
	}
	return casework.New(casework.Config{Store: st, Recommender: eng, Policy: pol, Now: m.Now})
}

// printPlan writes a plan as text: what a counselor reads.
func printPlan(w io.Writer, g *matcher.Graduate, p *matcher.Plan) {
	status := map[matcher.PlanStatus]string{matcher.PlanProposed: "建议方案（待确认）", matcher.PlanConfirmed: "已确认", matcher.PlanDraft: "草稿"}[p.Status]
	fmt.Fprintf(w, "== %s  %s %s %d届  一人一策：%s\n", g.ID, g.Major, g.Degree.Chinese(), g.GraduationYear, status)
	fmt.Fprintf(w, "   %s\n", p.Check.Message)
	section := func(title string, items []matcher.PlanItem) {
		fmt.Fprintf(w, "-- %s（%d）\n", title, len(items))
		for _, it := range items {
			mark := ""
			if it.Origin == matcher.OriginProposed {
				mark = "[建议] "
			}
			if !it.Open || it.Ineligible != "" {
				mark += "[不计入] "
			}
			parts := []string{it.Employer, it.District}
			if it.Kind == matcher.KindCourse {
				if it.StartDate != nil {
					parts = append(parts, "开班 "+it.StartDate.Format("2006-01-02"), fmt.Sprintf("名额%d", it.Places))
				}
			} else {
				parts = append(parts, it.Channel.Chinese(), it.SalaryText)
				if it.Deadline != nil {
					parts = append(parts, "截止 "+it.Deadline.Format("2006-01-02"))
				}
			}
			fmt.Fprintf(w, "   %s%s  %s  %s\n", mark, it.ID, it.Title, strings.Join(nonEmpty(parts), " · "))
			if len(it.Reasons) > 0 {
				fmt.Fprintf(w, "      %s\n", strings.Join(it.Reasons, "；"))
			}
		}
	}
	section("目标岗位", p.Posts)
	if p.Check.ChannelNote != "" {
		fmt.Fprintf(w, "   岗位渠道：%s\n", p.Check.ChannelNote)
	}
	section("就业见习", p.Internships)
	section("培训课程", p.Courses)
	fmt.Fprintf(w, "-- 补贴（%d）\n", len(p.Subsidies))
	for _, s := range p.Subsidies {
		fmt.Fprintf(w, "   %s  %s  %s\n", s.Name, s.AmountText, s.Text)
	}
	fmt.Fprintln(w)
}

func nonEmpty(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}
