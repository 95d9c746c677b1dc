package major

import (
	"compress/gzip"
	"encoding/csv"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/urumqi-hrss/jobmatch/ingest/sharedtest"
	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

// realPostsFile is the 2024–25 portal sample, under the shared directory.
const realPostsFile = "data/jobs-real/job-hunting-2024-25.csv.gz"

// realDescriptions reads the descriptions of the real posts (third-party
// content, never copied into the repository); it skips when they are absent.
func realDescriptions(t testing.TB) []string {
	t.Helper()
	path := sharedtest.Path(t, realPostsFile)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(zr)
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := -1
	for i, h := range rows[0] {
		if strings.TrimPrefix(h, "\ufeff") == "职位描述" {
			col = i
		}
	}
	if col < 0 {
		t.Fatalf("%s: no 职位描述 column in %v", path, rows[0])
	}
	var out []string
	for _, row := range rows[1:] {
		if col < len(row) {
			out = append(out, row[col])
		}
	}
	return out
}

// TestRealMentionsResolve reads every major named in the real posts'
// descriptions and resolves it. It reports the share found at each step
// and fails when less than 88% of the mentions resolve (catalogue or
// inference) or less than 70% are found in the catalogue itself (measured
// 2026-12: see benchmarks/RESULTS.md).
func TestRealMentionsResolve(t *testing.T) {
	descs := realDescriptions(t)
	r, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	by := map[catalog.MajorFound]int{}
	distinct := map[string]catalog.MajorFound{}
	posts, mentions := 0, 0
	for _, d := range descs {
		ms := Mentions(d)
		if len(ms) > 0 {
			posts++
		}
		for _, m := range ms {
			res := r.Resolve(m)
			by[res.Found]++
			distinct[m] = res.Found
			mentions++
		}
	}
	if mentions < 1000 {
		t.Fatalf("%d mentions of majors in %d descriptions, want ≥1000: the extraction is broken", mentions, len(descs))
	}
	share := func(f ...catalog.MajorFound) float64 {
		n := 0
		for _, x := range f {
			n += by[x]
		}
		return float64(n) / float64(mentions)
	}
	inCatalogue := share(catalog.MajorExact, catalog.MajorOtherLevel, catalog.MajorAlias, catalog.MajorNormalised, catalog.MajorClassName)
	resolvedShare := inCatalogue + share(catalog.MajorInferred)
	var lines []string
	for f := catalog.MajorExact; f <= catalog.MajorInferred; f++ {
		lines = append(lines, fmt.Sprintf("%s %.1f%%", f, 100*share(f)))
	}
	t.Logf("%d descriptions, %d name majors; %d mentions (%d distinct): %s, not found %.1f%%; in the catalogue %.1f%%, resolved %.1f%%",
		len(descs), posts, mentions, len(distinct), strings.Join(lines, ", "), 100*share(catalog.MajorNotFound), 100*inCatalogue, 100*resolvedShare)
	var missing []string
	for m, f := range distinct {
		if f == catalog.MajorNotFound {
			missing = append(missing, m)
		}
	}
	sort.Strings(missing)
	if len(missing) > 60 {
		missing = missing[:60]
	}
	t.Logf("not found (first %d): %s", len(missing), strings.Join(missing, " "))
	if resolvedShare < 0.88 || inCatalogue < 0.70 {
		t.Errorf("resolved %.1f%% (want ≥88%%), in the catalogue %.1f%% (want ≥70%%)", 100*resolvedShare, 100*inCatalogue)
	}
}
