package main

import (
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/urumqi-hrss/jobmatch/api/render"
	"github.com/urumqi-hrss/jobmatch/matcher"
)

// TestShortlistDocuments: `jobmatch shortlist` writes the handouts' PDF
// (one graduate a page, the posts' titles and deadlines in its text) and
// the plans' XLSX (one row a plan item) for a district's 一人一策 graduates
// of a generated, imported ledger, and the same plans as JSON.
func TestShortlistDocuments(t *testing.T) {
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
