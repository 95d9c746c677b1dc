package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
	f, err := os.Open(filepath.Join(gen, "graduates.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil || len(recs) < 2 {
		t.Fatalf("graduates.csv: %d rows, %v", len(recs), err)
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

	// A second run of the day gets the next ID; the human summary is one line.
	code, out, errs = run(t, "", "batch", "--data", data, day)
	if code != 0 || !strings.HasPrefix(out, "run batch-20230615-2 published") || strings.Count(strings.TrimSpace(out), "\n") != 0 {
		t.Fatalf("second batch: exit %d, %q, %s", code, out, errs)
	}
}
