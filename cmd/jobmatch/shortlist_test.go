package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/urumqi-hrss/jobmatch/api/render"
	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/casework"
	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

// TestShortlistDocuments: `jobmatch shortlist` writes the handouts' PDF
// (one graduate a page, the posts' titles and deadlines in its text) and
// the plans' XLSX (one row a plan item) for a district's 一人一策 graduates
// of a generated, imported ledger, and the same plans as JSON.
func TestShortlistAndReportDocuments(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and imports a ledger")
	}
	if _, err := render.FindFont(""); err != nil {
		if os.Getenv("JOBMATCH_REQUIRE_BROWSER") != "" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	dir := t.TempDir()
	gen, data := filepath.Join(dir, "gen"), filepath.Join(dir, "data")
	if code, _, errs := run(t, "", "gen", "--out", gen, "--posts", "800", "--graduates", "300", "--courses", "60", "--seed", "5"); code != 0 {
		t.Fatalf("gen: exit %d: %s", code, errs)
	}
	for _, entity := range []string{"courses", "posts", "graduates"} {
		if code, _, errs := run(t, "", "ingest", "--data", data, "--now=2023-06-15", "--quiet", entity, filepath.Join(gen, entity+".csv")); code != 0 {
			t.Fatalf("ingest %s: exit %d: %s", entity, code, errs)
		}
	}
	args := func(more ...string) []string {
		return append([]string{"shortlist", "--data", data, "--now=2023-06-15", "--hardship", "--district", "天山区"}, more...)
	}
	code, out, errs := run(t, "", args("--format", "json")...)
	if code != 0 {
		t.Fatalf("shortlist json: exit %d: %s", code, errs)
	}
	var plans []matcher.Plan
	dec := json.NewDecoder(strings.NewReader(out))
	for {
		var p matcher.Plan
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		plans = append(plans, p)
	}
	if len(plans) < 2 {
		t.Fatalf("%d plans in 天山区: the generated ledger should hold more", len(plans))
	}

	pdf := filepath.Join(dir, "h.pdf")
	if code, _, errs := run(t, "", args("--format", "pdf", "--out", pdf, "--counselor", "李老师", "--contact", "0991-1234567")...); code != 0 {
		t.Fatalf("shortlist pdf: exit %d: %s", code, errs)
	}
	txt, err := exec.Command("pdftotext", pdf, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	info, err := exec.Command("pdfinfo", pdf).Output()
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`).FindSubmatch(info)
	if m == nil {
		t.Fatalf("pdfinfo: %s", info)
	}
	if n, _ := strconv.Atoi(string(m[1])); n != len(plans) {
		t.Errorf("%d pages for %d graduates", n, len(plans))
	}
	pages := strings.Split(string(txt), "\f")
	items := 0
	for i, p := range plans {
		if i >= len(pages) {
			break
		}
		page := strings.Join(strings.Fields(pages[i]), "")
		if !strings.Contains(page, p.GraduateID) || !strings.Contains(page, "李老师") {
			t.Errorf("page %d is not %s's, or lacks the counselor", i+1, p.GraduateID)
		}
		for _, it := range p.Posts {
			if !it.Open || it.Ineligible != "" {
				continue
			}
			if !strings.Contains(page, strings.Join(strings.Fields(it.Title), "")) {
				t.Errorf("page %d lacks post %q", i+1, it.Title)
			}
			if it.Deadline != nil && !strings.Contains(page, "报名截止："+it.Deadline.Format("2006-01-02")) {
				t.Errorf("page %d lacks the deadline of %q", i+1, it.Title)
			}
		}
		items += max(1, counted(p.Posts)+counted(p.Internships)+counted(p.Courses)+len(p.Subsidies))
	}

	xl := filepath.Join(dir, "plans.xlsx")
	if code, _, errs := run(t, "", args("--format", "xlsx", "--out", xl)...); code != 0 {
		t.Fatalf("shortlist xlsx: exit %d: %s", code, errs)
	}
	x, err := excelize.OpenFile(xl)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := x.GetRows("一人一策")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows)-1 != items {
		t.Errorf("%d rows for %d plan items", len(rows)-1, items)
	}
	if code, _, _ := run(t, "", args("--format", "pdf")...); code != 2 {
		t.Errorf("pdf without --out: exit %d, want 2", code)
	}
	checkReport(t, dir, data)
}

// checkReport: `jobmatch report` of the week to 2023-06-15 holds, for
// every district and the city, the dashboard's figures as the workspace
// computes them on that day, and the week's registrations, placements
// and first contacts as the ledger dates them.
func checkReport(t *testing.T, dir, data string) {
	t.Helper()
	ctx := context.Background()
	out := filepath.Join(dir, "report.xlsx")
	code, stdout, errs := run(t, "", "report", "--data", data, "--now=2023-06-20", "--from", "2023-06-09", "--to", "2023-06-15", "--out", out, "--quiet")
	if code != 0 || !strings.Contains(stdout, "周报") {
		t.Fatalf("report: exit %d: %s %s", code, stdout, errs)
	}
	x, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := x.GetRows("进度报表")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3+len(catalog.UrumqiDistricts)+1 || !slices.Equal(rows[2], render.ReportColumns) {
		t.Fatalf("%d rows, header %q", len(rows), rows[2])
	}
	m := NewMain()
	m.DataDir, m.NowFlag = data, "2023-06-15"
	m.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	defer m.Close()
	svc, err := m.casework(ctx)
	if err != nil {
		t.Fatal(err)
	}
	start, end := time.Date(2023, 6, 9, 0, 0, 0, 0, time.UTC), time.Date(2023, 6, 15, 23, 59, 59, 0, time.UTC)
	in := func(t time.Time) bool { return !t.IsZero() && !t.Before(start) && !t.After(end) }
	col := func(name string) int { return slices.Index(render.ReportColumns, name) }
	week := 0
	for i, row := range rows[3:] {
		district := row[0]
		f := casework.CaseFilter{District: district}
		if district == "合计" {
			f.District = ""
		}
		d, err := svc.Dashboard(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		var reg, placed, contacted int
		if err := m.store.EachGraduate(ctx, matcher.GraduateFilter{District: f.District}, func(g *matcher.Graduate) error {
			reg += b2i(in(g.RegisteredAt))
			placed += b2i(in(g.PlacedAt))
			contacted += b2i(in(g.ContactedAt))
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		week += reg + placed + contacted
		want := map[string]int{
			"毕业生总数": d.Total, "应届户籍毕业生": d.Registration.Denominator, "已登记": d.Registration.Numerator,
			"应届毕业生": d.Placement.Denominator, "已落实去向": d.Placement.Numerator, "已联系": d.Contacted,
			"超期未联系": d.ContactOverdue, "就业困难": d.Hardship, "一人一策人数": d.PlanGraduates,
			"本期新登记": reg, "本期新落实": placed, "本期首次联系": contacted,
		}
		for name, v := range want {
			if got := row[col(name)]; got != strconv.Itoa(v) {
				t.Errorf("%s %s: report %q, dashboard %d", district, name, got, v)
			}
		}
		if rate, _ := x.GetCellValue("进度报表", fmt.Sprintf("E%d", 4+i), excelize.Options{RawCellValue: true}); rate != strconv.FormatFloat(d.Registration.Rate, 'f', -1, 64) {
			t.Errorf("%s 登记率 %q, dashboard %v", district, rate, d.Registration.Rate)
		}
	}
	if week == 0 {
		t.Error("the generated ledger dates nothing in the week: the period columns are not exercised")
	}
	if code, _, _ := run(t, "", "report", "--data", data, "--now=2023-06-20", "--to", "2023-06-21", "--out", out); code != 2 {
		t.Errorf("a report of a future day: exit %d, want 2", code)
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// counted is the number of items a handout prints.
func counted(items []matcher.PlanItem) int {
	n := 0
	for _, it := range items {
		if it.Open && it.Ineligible == "" {
			n++
		}
	}
	return n
}
