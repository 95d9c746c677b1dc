package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// TestBatchCommand runs `jobmatch batch` on a small generated data set in
// the embedded store: it publishes a run, prints its summary, keeps
// personal data out of its log, and refuses bad flags.
func TestBatchCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end batch")
	}
	dir := t.TempDir()
	gen, data := filepath.Join(dir, "gen"), filepath.Join(dir, "data")
	day := "--now=2023-06-15"
	if code, _, errs := run(t, "", "gen", "--out", gen, "--posts", "400", "--graduates", "120", "--courses", "60", "--seed", "5"); code != 0 {
		t.Fatalf("gen: exit %d: %s", code, errs)
	}
	for _, entity := range []string{"courses", "posts", "graduates"} {
		if code, _, errs := run(t, "", "ingest", "--data", data, day, "--quiet", entity, filepath.Join(gen, entity+".csv")); code != 0 {
			t.Fatalf("ingest %s: exit %d: %s", entity, code, errs)
		}
	}
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"zero limit", []string{"--limit", "0"}},
		{"zero chunk", []string{"--chunk", "0"}},
		{"resume and fresh", []string{"--resume", "--fresh"}},
		{"stray argument", []string{"now"}},
	} {
		if code, _, _ := run(t, "", append([]string{"batch", "--data", data, day}, tc.args...)...); code != 2 {
			t.Errorf("%s: exit %d, want 2", tc.name, code)
		}
	}
	// --resume with nothing to resume fails.
	if code, _, _ := run(t, "", "batch", "--data", data, day, "--resume"); code == 0 {
		t.Error("--resume without an unfinished run succeeded")
	}

	code, out, errs := run(t, "", "batch", "--data", data, day, "--json", "--chunk", "25", "--log-level", "debug")
	if code != 0 {
		t.Fatalf("batch: exit %d: %s", code, errs)
	}
	var sum struct {
		RunID     string `json:"run_id"`
		Graduates int    `json:"graduates"`
		Computed  int    `json:"computed"`
		Hardship  int    `json:"hardship"`
		Courses   int    `json:"courses"`
	}
	if err := json.Unmarshal([]byte(out), &sum); err != nil {
		t.Fatalf("summary %q: %v", out, err)
	}
	if sum.RunID != "batch-20230615" || sum.Graduates == 0 || sum.Computed != sum.Graduates || sum.Hardship == 0 || sum.Courses == 0 {
		t.Fatalf("summary %+v", sum)
	}
	if !strings.Contains(errs, "batch run published") || !strings.Contains(errs, "chunk saved") {
		t.Fatalf("log lacks the run's progress: %s", errs)
	}
	// No personal data in the log: no graduate's name, national ID or phone.
	recs := readCSVRows(t, filepath.Join(gen, "graduates.csv"))
	if len(recs) < 2 {
		t.Fatalf("graduates.csv: %d rows", len(recs))
	}
	checked := 0
	for _, r := range recs[1:] {
		for i, col := range recs[0] {
			if v := r[i]; (col == "name" || col == "national_id" || col == "phone") && len(v) >= 2 {
				checked++
				if strings.Contains(errs, v) {
					t.Fatalf("the batch log holds a graduate's %s", col)
				}
			}
		}
	}
	if checked == 0 {
		t.Fatal("no personal data found to check the log against")
	}

	// A second run of the day gets the next ID; the human summary is a
	// line of counts, then the report in words, compared with the first run.
	code, out, errs = run(t, "", "batch", "--data", data, day)
	if code != 0 || !strings.HasPrefix(out, "run batch-20230615-2 published") || !strings.Contains(out, "与上一批次 batch-20230615 相比") {
		t.Fatalf("second batch: exit %d, %q, %s", code, out, errs)
	}
	checkRunsCommands(t, data, sum.Graduates)
}

// checkRunsCommands inspects the two runs TestBatchCommand published with
// `jobmatch runs`.
func checkRunsCommands(t *testing.T, data string, graduates int) {
	code, out, errs := run(t, "", "runs", "list", "--data", data)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 3 || !strings.HasPrefix(lines[1], "batch-20230615-2") || !strings.Contains(lines[1], "已发布（当前）") {
		t.Fatalf("runs list: exit %d, %q, %s", code, out, errs)
	}
	code, out, errs = run(t, "", "runs", "show", "--data", data)
	if code != 0 || !strings.HasPrefix(out, "batch-20230615-2  已发布") || !strings.Contains(out, "基尼系数：0 表示") || !strings.Contains(out, "区（县）") {
		t.Fatalf("runs show: exit %d, %q, %s", code, out, errs)
	}
	if code, out, _ = run(t, "", "runs", "show", "--data", data, "--run", "batch-20230615", "--en"); code != 0 || !strings.Contains(out, "This is the first published run") {
		t.Fatalf("runs show --run --en: exit %d, %q", code, out)
	}
	if code, _, _ = run(t, "", "runs", "show", "--data", data, "--run", "batch-19990101"); code == 0 {
		t.Fatal("runs show of an unknown run succeeded")
	}
	if code, _, _ = run(t, "", "runs", "purge", "--data", data); code != 2 {
		t.Fatalf("runs purge: exit %d, want 2", code)
	}
	file := filepath.Join(t.TempDir(), "run.csv")
	if code, _, errs = run(t, "", "runs", "export", "--data", data, "--run", "latest", "--out", file); code != 0 {
		t.Fatalf("runs export: exit %d: %s", code, errs)
	}
	rows := readCSVRows(t, file)
	if strings.Join(rows[0], ",") != "graduate_id,rank,post_id,score,reasons" || len(rows) < graduates*4 {
		t.Fatalf("export: header %v, %d rows for %d graduates", rows[0], len(rows), graduates)
	}
	perGraduate := map[string]int{}
	for _, r := range rows[1:] {
		perGraduate[r[0]]++
		if r[4] == "" || perGraduate[r[0]] > 8 {
			t.Fatalf("export row %v: no reasons, or more than 8 posts", r)
		}
	}
	if len(perGraduate) == 0 || len(perGraduate) > graduates {
		t.Fatalf("export: %d graduates, run has %d", len(perGraduate), graduates)
	}
	// Both runs of the day have the same inputs: no graduate's list
	// gained a post, so the notification list is the header alone.
	code, out, errs = run(t, "", "runs", "diff", "--data", data)
	if code != 0 || strings.TrimSpace(out) != "graduate_id,previous_run,new_posts" {
		t.Fatalf("runs diff: exit %d, %q, %s", code, out, errs)
	}
	// A run without the capacity pass changes the lists the pass moved:
	// the notification list names as many graduates as its report counts.
	cfg := filepath.Join(t.TempDir(), "relevance-only.json")
	if err := os.WriteFile(cfg, []byte(`{"active_statuses":["seeking","unregistered",""],"capacity":{"k":0,"floor":1,"step":1,"rounds":0,"depth":1,"sample":0}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, errs = run(t, "", "batch", "--data", data, "--now=2023-06-15", "--config", cfg, "--quiet"); code != 0 {
		t.Fatalf("relevance-only batch: exit %d: %s", code, errs)
	}
	_, out, _ = run(t, "", "runs", "show", "--data", data, "--json")
	var shown struct {
		Report matcher.RunReport `json:"report"`
	}
	if err := json.Unmarshal([]byte(out), &shown); err != nil {
		t.Fatalf("runs show --json: %v: %s", err, out)
	}
	code, out, errs = run(t, "", "runs", "diff", "--data", data)
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if code != 0 || err != nil || shown.Report.Diff.Previous != "batch-20230615-2" || shown.Report.Diff.NewPosts == 0 || len(rows)-1 != shown.Report.Diff.NewPosts {
		t.Fatalf("runs diff after a change: exit %d, %d rows, report %+v: %v %s", code, len(rows)-1, shown.Report.Diff, err, errs)
	}
	for _, r := range rows[1:] {
		if r[1] != "batch-20230615-2" || r[2] == "" {
			t.Fatalf("diff row %v", r)
		}
	}
}
