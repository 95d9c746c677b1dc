package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// run runs one jobmatch command line in-process, as main does, and returns
// its exit status and output.
func run(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	m := NewMain()
	m.Stdin, m.Stdout, m.Stderr = strings.NewReader(stdin), &out, &errb
	err := m.Run(context.Background(), args)
	if cerr := m.Close(); cerr != nil && err == nil {
		err = cerr
	}
	return exitCode(m, err), out.String(), errb.String()
}

// TestNewcomerFlow walks the path a new user takes: generate data, ingest
// it, ingest it again, search, recommend, and feed a bad file.
func TestNewcomerFlow(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end flow")
	}
	dir := t.TempDir()
	gen, data := filepath.Join(dir, "gen"), filepath.Join(dir, "data")
	day := "--now=2023-06-15"

	if code, _, errs := run(t, "", "gen", "--out", gen, "--posts", "800", "--graduates", "60", "--courses", "40", "--seed", "7"); code != 0 {
		t.Fatalf("gen: exit %d: %s", code, errs)
	}
	for _, entity := range []string{"courses", "posts", "graduates"} {
		code, out, errs := run(t, "", "ingest", "--data", data, day, "--quiet", entity, filepath.Join(gen, entity+".csv"))
		if code != 0 {
			t.Fatalf("ingest %s: exit %d: %s", entity, code, errs)
		}
		if !strings.Contains(out, "accepted") || strings.Contains(out, "accepted 0,") {
			t.Fatalf("ingest %s: summary %q", entity, out)
		}
	}
	// Importing the same file twice changes nothing.
	code, out, errs := run(t, "", "ingest", "--data", data, day, "--quiet", "posts", filepath.Join(gen, "posts.csv"))
	if code != 0 || !strings.Contains(out, "accepted 0, updated 0") {
		t.Fatalf("second ingest: exit %d, summary %q, %s", code, out, errs)
	}

	// Search finds posts with facets.
	code, out, errs = run(t, "", "search", "--data", data, day, "--json", "--limit", "5", "工程师")
	if code != 0 {
		t.Fatalf("search: exit %d: %s", code, errs)
	}
	var sr struct {
		Total  int
		Hits   []struct{ ID, Title string }
		Facets map[string][]struct {
			Term  string
			Count int
		}
	}
	if err := json.Unmarshal([]byte(out), &sr); err != nil {
		t.Fatalf("search --json: %v\n%s", err, out)
	}
	if sr.Total == 0 || len(sr.Hits) == 0 || len(sr.Hits) > 5 || len(sr.Facets["channel"]) == 0 {
		t.Fatalf("search: total %d, %d hits, facets %v", sr.Total, len(sr.Hits), sr.Facets)
	}

	// Recommend for the first graduate of the ledger.
	b, err := os.ReadFile(filepath.Join(gen, "graduates.csv"))
	if err != nil {
		t.Fatal(err)
	}
	gid := strings.SplitN(strings.Split(string(b), "\n")[1], ",", 2)[0]
	code, out, errs = run(t, "", "recommend", "--data", data, day, "--graduate", gid, "--json")
	if code != 0 {
		t.Fatalf("recommend: exit %d: %s", code, errs)
	}
	var rr struct {
		GraduateID string `json:"graduate_id"`
		Items      []struct {
			PostID        string             `json:"post_id"`
			Rank          int                `json:"rank"`
			Reasons       []string           `json:"reasons"`
			Contributions map[string]float64 `json:"contributions"`
		} `json:"items"`
		Excluded map[string]int `json:"excluded"`
	}
	if err := json.Unmarshal([]byte(out), &rr); err != nil {
		t.Fatalf("recommend --json: %v\n%s", err, out)
	}
	if rr.GraduateID != gid || len(rr.Items) == 0 || len(rr.Items) > 8 {
		t.Fatalf("recommend: graduate %q, %d items", rr.GraduateID, len(rr.Items))
	}
	for i, it := range rr.Items {
		if it.Rank != i+1 || len(it.Reasons) == 0 || len(it.Contributions) == 0 {
			t.Errorf("item %d: rank %d, reasons %v, contributions %v", i, it.Rank, it.Reasons, it.Contributions)
		}
	}
	if code, _, _ := run(t, "", "recommend", "--data", data, day, "--graduate", "no-such-graduate"); code != 1 {
		t.Errorf("recommend for an unknown graduate: exit %d, want 1", code)
	}

	// A file with one bad row: the good row is kept, the bad one reported,
	// exit status 3.
	bad := filepath.Join(dir, "bad.csv")
	header := strings.SplitN(string(b), "\n", 2)[0]
	good := strings.Split(string(b), "\n")[2]
	fields := strings.Split(good, ",")
	id := []byte(fields[2])
	id[17] = "0123456789X"[(strings.IndexByte("0123456789X", id[17])+1)%11] // a wrong check character
	fields[0], fields[2] = "G-BAD-1", string(id)
	if err := os.WriteFile(bad, []byte(header+"\n"+good+"\n"+strings.Join(fields, ",")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	report := filepath.Join(dir, "errors.csv")
	code, _, errs = run(t, "", "ingest", "--data", data, day, "--quiet", "--errors", report, "graduates", bad)
	if code != 3 {
		t.Fatalf("ingest with a bad row: exit %d, want 3: %s", code, errs)
	}
	rep, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(rep), "national_id") || !strings.Contains(string(rep), ",3,") || strings.Contains(string(rep), string(id)) {
		t.Errorf("errors report should name line 3 and the column, without the ID itself:\n%s", rep)
	}
}

func TestSegmentKeepsLines(t *testing.T) {
	in := "会计学专业毕业\n\n头屯河区招聘三支一扶人员\n"
	code, out, errs := run(t, in, "segment")
	if code != 0 {
		t.Fatalf("segment: exit %d: %s", code, errs)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 3 || lines[1] != "" {
		t.Fatalf("want 3 lines with an empty middle one, got %q", lines)
	}
	for _, w := range []string{"会计学", "头屯河区", "三支一扶"} {
		if !strings.Contains(" "+out+" ", " "+w+" ") && !strings.Contains(out, w+" ") && !strings.Contains(out, " "+w) {
			t.Errorf("%s not segmented whole: %q", w, out)
		}
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{{"nosuch"}, {"ingest", "posts"}, {"ingest", "people", "x.csv"}, {"recommend"}, {"search", "--now", "yesterday", "x"}} {
		if code, _, _ := run(t, "", args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
	if code, out, _ := run(t, "", "help"); code != 0 || !strings.Contains(out, "recommend") {
		t.Errorf("help: exit %d: %s", code, out)
	}
}
