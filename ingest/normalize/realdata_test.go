package normalize

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/urumqi-hrss/jobmatch/ingest/sharedtest"
	"github.com/urumqi-hrss/jobmatch/matcher"

	"github.com/xuri/excelize/v2"
)

// The real job posts in the shared data/jobs-real are third-party content:
// read in place, never copied. These tests measure how many of their salary,
// degree and experience cells the normalisers read, and fail below the
// issue's bar of 98% (rejected cells are listed so a person can see why).

func realDataDir(t *testing.T) string {
	t.Helper()
	return sharedtest.Path(t, "data/jobs-real")
}

var (
	realOnce   sync.Once
	realSheets [][][]string // every sheet of every file, header row first
	realErr    error
)

// realColumns returns every cell of the columns whose header is one of
// headers, across all files and sheets.
func realColumns(t *testing.T, headers ...string) []string {
	dir := realDataDir(t)
	realOnce.Do(func() { realSheets, realErr = loadRealData(dir) })
	if realErr != nil {
		t.Fatal(realErr)
	}
	want := map[string]bool{}
	for _, h := range headers {
		want[h] = true
	}
	var out []string
	for _, rows := range realSheets {
		if len(rows) == 0 {
			continue
		}
		for ci, h := range rows[0] {
			if !want[strings.TrimSpace(h)] {
				continue
			}
			for _, r := range rows[1:] {
				if ci < len(r) {
					out = append(out, r[ci])
				}
			}
		}
	}
	if len(out) == 0 {
		t.Fatalf("no cells under %q", headers)
	}
	return out
}

func loadRealData(dir string) ([][][]string, error) {
	var out [][][]string
	files, _ := filepath.Glob(filepath.Join(dir, "*.xlsx"))
	for _, fn := range files {
		f, err := excelize.OpenFile(fn)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", fn, err)
		}
		for _, sh := range f.GetSheetList() {
			rows, err := f.GetRows(sh)
			if err != nil {
				return nil, fmt.Errorf("%s/%s: %w", fn, sh, err)
			}
			out = append(out, rows)
		}
		f.Close()
	}
	csvs, _ := filepath.Glob(filepath.Join(dir, "*.csv"))
	for _, fn := range csvs {
		b, err := os.ReadFile(fn)
		if err != nil {
			return nil, err
		}
		rows, err := csv.NewReader(strings.NewReader(string(b))).ReadAll()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", fn, err)
		}
		out = append(out, rows)
	}
	return out, nil
}

func acceptance(t *testing.T, what string, cells []string, parse func(string) error, bar float64) {
	t.Helper()
	rejected := map[string]int{}
	bad := 0
	for _, c := range cells {
		if err := parse(c); err != nil {
			bad++
			rejected[fmt.Sprintf("%q → %v", Text(c), err)]++
		}
	}
	rate := 1 - float64(bad)/float64(len(cells))
	t.Logf("%s: %d cells, %d rejected, %.2f%% accepted", what, len(cells), bad, 100*rate)
	var keys []string
	for k := range rejected {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return rejected[keys[i]] > rejected[keys[j]] })
	for i, k := range keys {
		if i == 15 {
			break
		}
		t.Logf("  %5d × %s", rejected[k], k)
	}
	if rate < bar {
		t.Errorf("%s: %.2f%% accepted, want at least %.0f%%", what, 100*rate, 100*bar)
	}
}

func TestRealSalaries(t *testing.T) {
	cells := realColumns(t, "工资范围", "工资", "wage", "salary")
	acceptance(t, "salary", cells, func(s string) error { _, err := Salary(s); return err }, 0.98)

	// What was read must also be plausible: monthly equivalents of IT pay
	// in 2019 between 500 and 300,000 yuan (猎聘 lists a few internships at 1-2万 a year), and both the yearly (猎聘)
	// and monthly (BOSS, 智联) conventions present.
	periods := map[matcher.SalaryPeriod]int{}
	negotiable := 0
	for _, c := range cells {
		s, err := Salary(c)
		if err != nil {
			continue
		}
		if s.Negotiable {
			negotiable++
			continue
		}
		periods[s.Period]++
		lo, hi, ok := s.Monthly()
		if !ok || lo < 500 || hi > 300000 {
			t.Errorf("Salary(%q) = %+v: monthly %.0f–%.0f is implausible", Text(c), s, lo, hi)
		}
	}
	t.Logf("periods %v, negotiable %d", periods, negotiable)
	if periods[matcher.PerYear] == 0 || periods[matcher.PerMonth] == 0 || negotiable == 0 {
		t.Errorf("expected yearly, monthly and negotiable salaries in the real data: %v, %d negotiable", periods, negotiable)
	}
}

func TestRealDegrees(t *testing.T) {
	cells := realColumns(t, "学历要求", "diploma_requirment", "education")
	acceptance(t, "degree", cells, func(s string) error { _, err := Degree(s); return err }, 0.98)
}

func TestRealExperience(t *testing.T) {
	cells := realColumns(t, "经验要求", "experience", "work_experience")
	acceptance(t, "experience", cells, func(s string) error { _, err := Experience(s); return err }, 0.98)
}
