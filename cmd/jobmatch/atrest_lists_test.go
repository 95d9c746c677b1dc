package main

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// The batch's lists at rest (issue 10): 公益性岗位 are recommended only to
// graduates in hardship, so a stored list naming one, or a list long with
// 一人一策 plan items, tells that its graduate is in hardship.

// listedWelfare publishes a run on the store args name (`jobmatch batch`),
// exports it (`jobmatch runs export`) and returns the 公益性岗位 of the
// generated posts that the run's lists name, the graduates whose lists
// name one, and the run's ID. It fails when there are none: the search
// would prove nothing.
func listedWelfare(t *testing.T, gen, dir string, args ...string) (posts, graduates []string, runID string) {
	t.Helper()
	if code, _, errs := run(t, "", append([]string{"batch", "--quiet", "--fresh", "--now", "2023-06-15"}, args...)...); code != 0 {
		t.Fatalf("batch: %s", errs)
	}
	out := filepath.Join(dir, "export.csv")
	// A file already there, readable by all: the export makes it the
	// operator's alone (the lists name graduates beside posts).
	if err := os.WriteFile(out, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := run(t, "", append([]string{"runs", "export", "--out", out}, args...)...); code != 0 {
		t.Fatalf("runs export: %s", errs)
	}
	if fi, err := os.Stat(out); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("runs export --out wrote %v (want mode 0600: the lists are personal data): %v", fi.Mode(), err)
	}
	code, stdout, errs := run(t, "", append([]string{"runs", "list"}, args...)...)
	if code != 0 {
		t.Fatalf("runs list: %s", errs)
	}
	for _, f := range strings.Fields(stdout) {
		if strings.HasPrefix(f, "batch-") {
			runID = f
			break
		}
	}
	welfare := map[string]bool{}
	for _, r := range readCSV(t, filepath.Join(gen, "posts.csv")) {
		if r["public_welfare"] == "true" {
			welfare[r["source"]+":"+r["external_id"]] = true
		}
	}
	seen := map[string]bool{}
	for _, r := range readCSV(t, out) {
		if welfare[r["post_id"]] && !seen[r["graduate_id"]] {
			seen[r["graduate_id"]] = true
			graduates = append(graduates, r["graduate_id"])
		}
	}
	for p := range welfare {
		posts = append(posts, p)
	}
	if len(graduates) == 0 || runID == "" {
		t.Fatalf("the run (%q) lists no 公益性岗位 (%d in the posts): the search would prove nothing", runID, len(welfare))
	}
	return posts, graduates, runID
}

// readCSVRows is the records of the CSV file path, its header first
// (records of any length); a file that cannot be read, or is empty, fails
// the test.
func readCSVRows(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil || len(recs) == 0 {
		t.Fatalf("%s: %v", path, err)
	}
	return recs
}

// readCSV is the records of the CSV file path after its header, each by
// the header's names.
func readCSV(t *testing.T, path string) []map[string]string {
	t.Helper()
	recs := readCSVRows(t, path)
	var out []map[string]string
	for _, rec := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			if i < len(rec) {
				m[h] = rec[i]
			}
		}
		out = append(out, m)
	}
	return out
}

// assertListsSealed searches raw for what a list in the clear would show:
// an item naming a 公益性岗位 (`"post_id":"…"`, as the store's JSON writes
// it, or `"post_id": "…"`, as pg_dump writes jsonb). It first checks that
// raw holds the lists at all: a listed graduate's ID beside the run's.
func assertListsSealed(t *testing.T, where string, raw []byte, posts, graduates []string, runID string, keyed func(run, graduate string) []byte) {
	t.Helper()
	if !bytes.Contains(raw, keyed(runID, graduates[0])) {
		t.Fatalf("%s holds no list of run %s for %s: the search would prove nothing", where, runID, graduates[0])
	}
	found := 0
	for _, p := range posts {
		for _, form := range []string{`"post_id":"` + p + `"`, `"post_id": "` + p + `"`} {
			found += bytes.Count(raw, []byte(form))
		}
	}
	if found > 0 {
		t.Errorf("%s: %d items naming a 公益性岗位 in the clear (%d hardship graduates' lists name one)", where, found, len(graduates))
	} else {
		t.Logf("%s: 0 items naming any of the %d 公益性岗位 in the clear; %d hardship graduates' lists name one", where, len(posts), len(graduates))
	}
}

// assertListSizesHide reads the recommendations and recommendation_plans
// tables of a pg_dump: the boxes of hardship graduates' lists must come
// in sizes other graduates' boxes come in too, and the plan items' names
// must name no graduate.
func assertListSizesHide(t *testing.T, dump []byte, hardship map[string]bool, ids []string) {
	t.Helper()
	lists, cols := copyBlock(t, dump, "recommendations")
	gi, bi := slices.Index(cols, "graduate_id"), slices.Index(cols, "items_box")
	if gi < 0 || bi < 0 {
		t.Fatalf("pg_dump's recommendations has columns %v", cols)
	}
	sizes := map[bool]map[int]int{true: {}, false: {}}
	for _, l := range lists {
		sizes[hardship[l[gi]]][len(l[bi])]++
	}
	t.Logf("pg_dump: list box sizes (hex digits → lists): hardship graduates %v, others %v", sizes[true], sizes[false])
	if len(sizes[true]) == 0 || len(sizes[false]) == 0 {
		t.Fatalf("pg_dump holds %d lists of hardship graduates and %d of others: nothing to compare", len(sizes[true]), len(sizes[false]))
	}
	for n, c := range sizes[true] {
		if sizes[false][n] == 0 {
			t.Errorf("pg_dump: %d hardship graduates' lists are boxes of %d hex digits, a size no other graduate's list has", c, n)
		}
	}
	plans, _ := copyBlock(t, dump, "recommendation_plans")
	block := []byte(fmt.Sprint(plans))
	for _, id := range ids {
		if bytes.Contains(block, []byte(id)) {
			t.Fatalf("pg_dump: the plan items name graduate %s", id)
		}
	}
	t.Logf("pg_dump: %d plan boxes, none naming a graduate", len(plans))
}

// copyBlock returns the rows of table's COPY blocks in a pg_dump and their
// columns. Since schema 8 a run's lists live in partitions of their own
// (table_r<the run's number> since schema 9), which pg_dump writes as
// blocks of their own: the rows of every partition are gathered, and the
// parent's block (empty when partitioned) counts too.
func copyBlock(t *testing.T, dump []byte, table string) (rows [][]string, cols []string) {
	t.Helper()
	partition := regexp.MustCompile(`^COPY [^ ]*\.` + regexp.QuoteMeta(table) + `(_r[0-9]+)? \(`)
	lines := strings.Split(string(dump), "\n")
	blocks := 0
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if !partition.MatchString(l) {
			continue
		}
		blocks++
		var these []string
		for _, c := range strings.Split(l[strings.Index(l, "(")+1:strings.Index(l, ")")], ",") {
			these = append(these, strings.TrimSpace(c))
		}
		if cols != nil && !slices.Equal(cols, these) {
			t.Fatalf("pg_dump: %s's blocks have columns %v and %v", table, cols, these)
		}
		cols = these
		for i++; i < len(lines) && lines[i] != `\.`; i++ {
			rows = append(rows, strings.Split(lines[i], "\t"))
		}
	}
	if blocks == 0 {
		t.Fatalf("pg_dump has no COPY block of %s", table)
	}
	return rows, cols
}
