package occupation

import (
	"encoding/csv"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/urumqi-hrss/jobmatch/ingest/sharedtest"
)

// realDataDir is the shared directory's data/jobs-real (ingest/sharedtest).
// The real posts are third-party data: tests read them in place and skip
// when they are absent; no row is copied into the repository.
func realDataDir(t *testing.T) string {
	t.Helper()
	return sharedtest.Path(t, "data/jobs-real")
}

// titleHeaders are the column names the three exports use for a post title.
var titleHeaders = []string{"title", "标题", "position", "职位名称", "岗位名称", "职位", "岗位", "positionname", "job_name", "jobname", "name", "职位名"}

func titleColumn(header []string) int {
	for _, want := range titleHeaders {
		for i, h := range header {
			if strings.EqualFold(strings.TrimSpace(h), want) {
				return i
			}
		}
	}
	return -1
}

// realTitles reads every post title of the real exports: the zhaopin CSV and
// each sheet of the two XLSX workbooks whose header names a title column.
func realTitles(t *testing.T) map[string][]string {
	dir := realDataDir(t)
	out := map[string][]string{}
	f, err := os.Open(filepath.Join(dir, "zhaopin-data-analyst-2019.csv"))
	if err == nil {
		r := csv.NewReader(f)
		r.FieldsPerRecord = -1
		rows, err := r.ReadAll()
		f.Close()
		if err != nil {
			t.Fatalf("zhaopin csv: %v", err)
		}
		if col := titleColumn(rows[0]); col >= 0 {
			for _, row := range rows[1:] {
				if col < len(row) {
					out["zhaopin"] = append(out["zhaopin"], row[col])
				}
			}
		}
	}
	for _, name := range []string{"boss-zhipin-it-2019.xlsx", "liepin-it-2019.xlsx"} {
		x, err := excelize.OpenFile(filepath.Join(dir, name))
		if err != nil {
			t.Logf("%s: %v", name, err)
			continue
		}
		for _, sheet := range x.GetSheetList() {
			rows, err := x.GetRows(sheet)
			if err != nil || len(rows) < 2 {
				continue
			}
			col := titleColumn(rows[0])
			if col < 0 {
				t.Logf("%s/%s: no title column in %q", name, sheet, rows[0])
				continue
			}
			for _, row := range rows[1:] {
				if col < len(row) && strings.TrimSpace(row[col]) != "" {
					out[name] = append(out[name], row[col])
				}
			}
		}
		x.Close()
	}
	return out
}

// TestRealTitles classifies every real title and reports the share that
// gets an occupation. The share is measured, with a floor well below it so
// that a broken dictionary fails the test; a sample is logged for review by
// eye (go test -run RealTitles -v).
func TestRealTitles(t *testing.T) {
	sets := realTitles(t)
	if len(sets) == 0 {
		t.Skip("no readable real titles")
	}
	c := Default()
	var sources []string
	for s := range sets {
		sources = append(sources, s)
	}
	slices.Sort(sources)
	rng := rand.New(rand.NewPCG(1, 2))
	for _, src := range sources {
		titles := sets[src]
		matched, direct := 0, 0
		for _, title := range titles {
			m, ok := c.Classify(title)
			if ok {
				matched++
				if m.Score >= 0.5 {
					direct++
				}
			}
		}
		share := float64(matched) / float64(len(titles))
		t.Logf("%s: %d titles, %.1f%% classified (%.1f%% by dictionary key)", src, len(titles), 100*share, 100*float64(direct)/float64(len(titles)))
		if share < 0.85 {
			t.Errorf("%s: only %.1f%% of real titles classified", src, 100*share)
		}
		for range 10 {
			title := titles[rng.IntN(len(titles))]
			m, ok := c.Classify(title)
			t.Logf("  %-40q → %v %s %s (%.2f, %q)", title, ok, m.Code, m.Name, m.Score, m.Matched)
		}
	}
}
