package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/urumqi-hrss/jobmatch/ingest/synth"
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
	code, out, errs = run(t, "", "search", "--data", data, day, "--limit", "8", "工程师")
	if code != 0 {
		t.Fatalf("search: exit %d: %s", code, errs)
	}
	checkSearchTable(t, out)

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

func repoFile(t *testing.T, rel string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("..", "..", rel))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestSharedFlagsBeforeCommand: the shared flags work before the command
// too, and a flag given again after it wins.
func TestSharedFlagsBeforeCommand(t *testing.T) {
	dir := t.TempDir()
	d1, d2 := filepath.Join(dir, "d1"), filepath.Join(dir, "d2")
	posts := repoFile(t, "docs/samples/posts.csv")
	code, out, errs := run(t, "", "--data", d1, "--now=2024-06-01", "--log-level", "warn", "ingest", "--quiet", "posts", posts)
	if code != 0 || !strings.Contains(out, "accepted 5,") {
		t.Fatalf("exit %d, %q, %s", code, out, errs)
	}
	if _, err := os.Stat(filepath.Join(d1, "jobmatch.db")); err != nil {
		t.Errorf("--data before the command not used: %v", err)
	}
	if strings.Contains(errs, "level=INFO") {
		t.Errorf("--log-level before the command not used: %s", errs)
	}
	if code, _, errs := run(t, "", "--data", d1, "ingest", "--data", d2, "--now=2024-06-01", "--quiet", "posts", posts); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if _, err := os.Stat(filepath.Join(d2, "jobmatch.db")); err != nil {
		t.Errorf("--data after the command does not win: %v", err)
	}
	// Only shared flags may come before the command.
	if code, _, errs := run(t, "", "--quiet", "ingest", "posts", posts); code != 2 || !strings.Contains(errs, "shared flags") {
		t.Errorf("a command's flag before the command: exit %d, %s", code, errs)
	}
	if code, out, _ := run(t, "", "--data", d1, "help"); code != 0 || !strings.Contains(out, "Exit status") {
		t.Errorf("help after a shared flag: exit %d", code)
	}
}

// TestIngestExitAndMessages: exit statuses and the stderr lines of ingest.
func TestIngestExitAndMessages(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	posts := repoFile(t, "docs/samples/posts.csv")
	day := "--now=2024-06-01"

	// A file that cannot be opened: failure, nothing imported.
	missing := filepath.Join(dir, "nosuch.csv")
	code, out, errs := run(t, "", "ingest", "--data", data, day, "--quiet", "posts", posts, missing)
	if code != 1 || !strings.Contains(errs, missing) || !strings.Contains(errs, "nothing was imported") || strings.Contains(out, "accepted") {
		t.Fatalf("missing file: exit %d, stdout %q, stderr %s", code, out, errs)
	}
	code, out, _ = run(t, "", "ingest", "--data", data, day, "--quiet", "posts", posts)
	if code != 0 || !strings.Contains(out, "accepted 5,") {
		t.Fatalf("the call with a missing file imported something: exit %d, %q", code, out)
	}

	// Rejected rows: exit 3, one line each, file:line: column: reason; a
	// refused file is file: reason; a JSON array line says what a line
	// must be.
	bad := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(bad, []byte("title,employer\n会计,\"甲公司\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	rows := filepath.Join(dir, "rows.jsonl")
	if err := os.WriteFile(rows, []byte("{\"title\":\"会计\",\"employer\":\"甲\",\"salary\":\"abc\"}\n[1,2]\n{\"title\":\"出纳\",\"employer\":\"乙\"}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs = run(t, "", "ingest", "--data", data, day, "--quiet", "posts", bad, rows)
	if code != 3 || !strings.Contains(out, "accepted 1,") || !strings.Contains(out, "rejected 3") {
		t.Fatalf("bad rows: exit %d, %q, %s", code, out, errs)
	}
	for _, want := range []string{bad + ": 整个文件被拒绝", rows + ":1: salary: ", rows + ":2: 这一行是一个 JSON 数组", "each line must be a JSON object"} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}
	if strings.Contains(errs, ":0:") || strings.Contains(errs, "Go value") {
		t.Errorf("stderr has a line-0 location or Go internals:\n%s", errs)
	}

	// Posts past their deadline: stored, and the warning says so.
	code, _, errs = run(t, "", "ingest", "--data", filepath.Join(dir, "late"), "--now=2026-11-26", "--quiet", "posts", posts)
	if code != 0 || !strings.Contains(errs, "past their deadline as of 2026-11-26") {
		t.Errorf("no deadline warning: exit %d, %s", code, errs)
	}
}

// TestHelpMatchesFlags: every flag the help names exists in the command,
// with the default the help prints.
func TestHelpMatchesFlags(t *testing.T) {
	_, help, _ := run(t, "", "help")
	for _, want := range []string{"--explain-exclusions", fmt.Sprintf("--seed %d", synth.DefaultOptions().Seed), "Exit status: 0 ok, 1 failure, 2 usage error, 3 rows rejected"} {
		if !strings.Contains(help, want) {
			t.Errorf("help lacks %q", want)
		}
	}
	flagRE := regexp.MustCompile(`--([a-z-]+)(?: ([^\]| ]+))?`)
	for _, c := range commands() {
		if c.name == "keys" || c.name == "users" || c.name == "runs" {
			continue // subcommands, each with its own -h
		}
		code, _, usage := run(t, "", c.name, "-h")
		if code != 0 {
			t.Errorf("%s -h: exit %d", c.name, code)
		}
		for _, m := range flagRE.FindAllStringSubmatch(c.args, -1) {
			if !strings.Contains(usage, "  -"+m[1]) {
				t.Errorf("help names %s --%s, which the command does not have", c.name, m[1])
				continue
			}
			// A number in the help is the flag's default.
			if n, err := strconv.Atoi(m[2]); err == nil && n != 0 && m[1] != "workers" {
				if !strings.Contains(usage, "(default "+m[2]+")") {
					t.Errorf("help says %s --%s %s, but its default differs:\n%s", c.name, m[1], m[2], usage)
				}
			}
		}
	}
}

// TestProfileRecommend: --profile takes the documented form and refuses
// personal data.
func TestProfileRecommend(t *testing.T) {
	if testing.Short() {
		t.Skip("needs imported posts")
	}
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	day := "--now=2024-06-01"
	if code, _, errs := run(t, "", "ingest", "--data", data, day, "--quiet", "posts", repoFile(t, "docs/samples/posts.csv")); code != 0 {
		t.Fatalf("ingest: exit %d: %s", code, errs)
	}
	code, out, errs := run(t, "", "recommend", "--data", data, day, "--profile", repoFile(t, "docs/samples/profile.json"), "--json")
	if code != 0 {
		t.Fatalf("recommend --profile: exit %d: %s", code, errs)
	}
	var res struct {
		GraduateID string `json:"graduate_id"`
		Items      []struct {
			PostID string `json:"post_id"`
		} `json:"items"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil || res.GraduateID != "profile" || len(res.Items) == 0 {
		t.Fatalf("recommend --profile: %v, %s", err, out)
	}
	personal := filepath.Join(dir, "p.json")
	if err := os.WriteFile(personal, []byte(`{"major":"会计学","phone":"13800000000"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errs = run(t, "", "recommend", "--data", data, day, "--profile", personal)
	if code != 1 || !strings.Contains(errs, "personal data is not accepted") || strings.Contains(errs, "13800000000") {
		t.Errorf("personal data: exit %d, %s", code, errs)
	}
}

// TestDemoAgainAndQuietOutput: a second demo skips the imports it already
// did; progress bars are not drawn when stderr is not a terminal.
func TestDemoAgainAndQuietOutput(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end demo")
	}
	// The demo's own data key: none in the environment.
	t.Setenv(dataKeyEnv, "")
	data := filepath.Join(t.TempDir(), "data")
	args := []string{"demo", "--data", data, "--no-serve", "--posts", "300", "--graduates", "60", "--courses", "20"}
	code, out, errs := run(t, "", args...)
	if code != 0 || strings.Count(out, "accepted") != 3 || strings.Contains(out, "already imported") {
		t.Fatalf("first demo: exit %d, %q, %s", code, out, errs)
	}
	if strings.Contains(errs, "\r") {
		t.Errorf("progress drawn on a non-terminal stderr:\n%q", errs)
	}
	// The ledger is in the store, sealed with a key kept outside the data
	// directory; its clear CSV is gone.
	keyFile, err := demoKeyPath(data)
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(keyFile); err != nil || fi.Mode().Perm() != 0o600 || strings.HasPrefix(keyFile, data) {
		t.Fatalf("demo key file %s: %v", keyFile, err)
	}
	if ledgers, _ := filepath.Glob(filepath.Join(data, "*", "graduates.csv")); len(ledgers) != 0 {
		t.Fatalf("the imported ledger stayed in the data directory: %v", ledgers)
	}
	code, out, errs = run(t, "", args...)
	if code != 0 || strings.Count(out, "already imported") != 3 {
		t.Fatalf("second demo: exit %d, %q, %s", code, out, errs)
	}
	// Another key does not open the demo's store.
	t.Setenv(dataKeyEnv, strings.Repeat("ab", 32))
	if code, _, errs := run(t, "", "recommend", "--data", data, "--graduate", "x"); code != 1 || !strings.Contains(errs, "not the one") {
		t.Fatalf("another data key: exit %d, %s", code, errs)
	}
	t.Setenv(dataKeyEnv, "")
	code, out, errs = run(t, "", "batch", "--data", data, "--quiet")
	if code != 0 || out == "" || strings.Contains(errs, "\r") {
		t.Fatalf("batch --quiet: exit %d, %q, %q", code, out, errs)
	}
	if code, _, errs = run(t, "", "batch", "--data", data); code != 0 || strings.Contains(errs, "\r") {
		t.Fatalf("batch with stderr not a terminal: exit %d, %q", code, errs)
	}
}
