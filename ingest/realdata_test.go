package ingest

import (
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/urumqi-hrss/jobmatch/ingest/convert"
	"github.com/urumqi-hrss/jobmatch/ingest/sharedtest"
	"github.com/urumqi-hrss/jobmatch/matcher"
)

// repoRoot walks up from the test's directory to the module root.
func repoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the test directory")
		}
		dir = parent
	}
}

// TestRealPosts reads the real 2019 portal exports in the shared data
// through the row layer with the committed mapping files. The data is
// third-party and never copied into the repository, so the test skips when
// it is absent (ingest/sharedtest).
func TestRealPosts(t *testing.T) {
	root := repoRoot(t)
	dataDir := sharedtest.Path(t, "data/jobs-real")
	cases := []struct {
		file, mapping string
		minRows       int
	}{
		{"boss-zhipin-it-2019.xlsx", "boss-zhipin.json", 8000},
		{"liepin-it-2019.xlsx", "liepin.json", 6500},
		{"zhaopin-data-analyst-2019.csv", "zhaopin.json", 280},
		{"job-hunting-2024-25.csv.gz", "job-hunting.json", 16000},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			m, err := LoadMapping(filepath.Join(root, "docs", "mappings", c.mapping))
			if err != nil {
				t.Fatal(err)
			}
			if err := m.Validate(EntityPosts); err != nil {
				t.Fatal(err)
			}
			tbl, err := ReadFile(filepath.Join(dataDir, c.file), EntityPosts, m)
			if err != nil {
				t.Fatalf("file refused: %v", err)
			}
			total := len(tbl.Rows) + len(tbl.RowErrors)
			rejected := len(tbl.RowErrors)
			for _, e := range tbl.RowErrors {
				if e.Reason == "" {
					t.Errorf("read error without a reason: %+v", e)
				}
			}
			byColumn := map[string]int{}
			noEmployer := 0
			examples := map[string]string{}
			for _, r := range tbl.Rows {
				p, errs := convert.PostFromRow(r)
				if len(errs) > 0 {
					rejected++
					for _, e := range errs {
						if e.Reason == "" || e.Line == 0 || e.File == "" {
							t.Errorf("row error lacks reason or position: %+v", e)
						}
						byColumn[e.Column]++
						if _, ok := examples[e.Column]; !ok {
							examples[e.Column] = e.Reason
						}
					}
					continue
				}
				if p.ID == "" || p.Title == "" {
					t.Errorf("accepted post without ID or title at %s line %d", r.Sheet, r.Line)
				}
				if p.Employer == "" {
					noEmployer++
				}
				// None of these exports has a status, a deadline or a
				// headcount: every post must come out open with a place,
				// or matching on real posts would find nothing to offer.
				if p.Status != matcher.PostOpen || p.Headcount < 1 || !p.Deadline.IsZero() {
					t.Errorf("post at %s line %d is not open with places: %s, %d places, deadline %v", r.Sheet, r.Line, p.Status, p.Headcount, p.Deadline)
				}
			}
			if total < c.minRows {
				t.Errorf("read %d rows, want at least %d", total, c.minRows)
			}
			accepted := total - rejected
			pct := 100 * float64(accepted) / float64(total)
			cols := make([]string, 0, len(byColumn))
			for col := range byColumn {
				cols = append(cols, col)
			}
			sort.Strings(cols)
			t.Logf("%s: %d rows, %d accepted (%.2f%%), %d rejected, %d accepted without employer; ignored columns %v",
				c.file, total, accepted, pct, rejected, noEmployer, tbl.Unknown)
			for _, col := range cols {
				t.Logf("  rejected on %-12s %4d  e.g. %s", col, byColumn[col], examples[col])
			}
			if pct < 98 {
				t.Errorf("accepted %.2f%% of rows, want >= 98%%", pct)
			}
		})
	}
}
