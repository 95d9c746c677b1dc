package occupation

import (
	"compress/gzip"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/urumqi-hrss/jobmatch/ingest/sharedtest"
	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

// labelled is one title of the labelled set (testdata/titles/labels.tsv):
// a real post named by its ID, the codes a person reading its title and
// description accepts (none: the post names no occupation), and the split.
type labelled struct {
	id, split   string
	codes       []string
	title, desc string
}

// readLabelled reads the labelled set and, from the shared data, the title
// and description of each post it names; it skips when the posts are absent.
func readLabelled(t testing.TB) []labelled {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "titles", "labels.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	var out []labelled
	byID := map[string]int{}
	for i, ln := range strings.Split(strings.TrimRight(string(raw), "\n"), "\n")[1:] {
		f := strings.Split(ln, "\t")
		if len(f) != 4 || f[1] != "dev" && f[1] != "test" || f[2] == "" {
			t.Fatalf("labels.tsv line %d: want post_id, split (dev|test), codes, note: %q", i+2, ln)
		}
		l := labelled{id: f[0], split: f[1]}
		if f[2] != "-" {
			l.codes = strings.Split(f[2], "|")
			for _, c := range l.codes {
				if _, ok := catalog.OccupationByCode(c); !ok {
					t.Fatalf("labels.tsv line %d: %s is no catalogue code", i+2, c)
				}
			}
		}
		byID[l.id] = len(out)
		out = append(out, l)
	}
	path := sharedtest.Path(t, "data/jobs-real/job-hunting-2024-25.csv.gz")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(gz)
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimPrefix(h, "\ufeff")] = i
	}
	found := 0
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if i, ok := byID[rec[col["职位自编号"]]]; ok {
			out[i].title, out[i].desc = rec[col["职位"]], rec[col["职位描述"]]
			found++
		}
	}
	if found != len(out) {
		t.Fatalf("labels.tsv names %d posts, %d found in %s", len(out), found, path)
	}
	return out
}

// titleScore is the classifier's record on a split: how many titles it
// answered, and how many it got right at 中类 (the first two levels of the
// code) and exactly (an accepted code, or a code under an accepted 小类).
// An abstention is right only on a post labelled "no occupation".
type titleScore struct {
	n, answered, mid, exact    int
	answeredMid, answeredExact int
}

func (s titleScore) String() string {
	pct := func(a, b int) float64 {
		if b == 0 {
			return 0
		}
		return 100 * float64(a) / float64(b)
	}
	return fmt.Sprintf("%d titles, answered %.1f%%; of the answered: 中类 %.1f%%, exact %.1f%%; over all: 中类 %.1f%%, exact %.1f%%",
		s.n, pct(s.answered, s.n), pct(s.answeredMid, s.answered), pct(s.answeredExact, s.answered), pct(s.mid, s.n), pct(s.exact, s.n))
}

// judge scores one answer against the accepted codes.
func judge(codes []string, m Match, ok bool) (mid, exact bool) {
	if len(codes) == 0 {
		return !ok, !ok
	}
	if !ok {
		return false, false
	}
	for _, c := range codes {
		if m.Code == c || strings.HasSuffix(c, "-00") && strings.HasPrefix(m.Code, c[:len(c)-3]) {
			exact = true
		}
		if m.Code[:4] == c[:4] {
			mid = true
		}
	}
	return mid, exact
}

func scoreLabelled(set []labelled, split string, classify func(l labelled) (Match, bool), miss func(l labelled, m Match, ok, mid, exact bool)) titleScore {
	var s titleScore
	for _, l := range set {
		if l.split != split {
			continue
		}
		m, ok := classify(l)
		mid, exact := judge(l.codes, m, ok)
		s.n++
		if ok {
			s.answered++
		}
		if mid {
			s.mid++
			if ok {
				s.answeredMid++
			}
		}
		if exact {
			s.exact++
			if ok {
				s.answeredExact++
			}
		}
		if miss != nil && !exact {
			miss(l, m, ok, mid, exact)
		}
	}
	return s
}

// TestLabelledTitles scores the classifier on the labelled real titles,
// reading each post's title and description as the importer does. The
// dev split is the one thresholds were chosen on; the test split is only
// measured against the bar (85% right at 中类 and 75% exact over
// all its titles, an abstention counting as wrong): the figures are in
// benchmarks/RESULTS.md, and the floors here sit a little below them so
// that a regression fails (go test -run LabelledTitles -v prints both
// splits, and the dev misses).
func TestLabelledTitles(t *testing.T) {
	set := readLabelled(t)
	c := Default()
	read := func(l labelled) (Match, bool) { return c.ClassifyPost(l.title, l.desc) }
	dev := scoreLabelled(set, "dev", read, func(l labelled, m Match, ok, mid, _ bool) {
		t.Logf("  dev miss: %q → %v %s %s (%.2f %v, %s); accepted %v (中类 right: %v)", l.title, ok, m.Code, m.Name, m.Score, m.Evidence, m.From, l.codes, mid)
	})
	test := scoreLabelled(set, "test", read, nil)
	t.Logf("dev:  %v", dev)
	t.Logf("test: %v", test)
	if float64(test.mid) < 0.83*float64(test.n) || float64(test.exact) < 0.72*float64(test.n) {
		t.Errorf("test split fell (floors 83%% 中类, 72%% exact over all): %v", test)
	}
	for _, split := range []string{"dev", "test"} {
		titleOnly := scoreLabelled(set, split, func(l labelled) (Match, bool) { return c.Classify(l.title) }, nil)
		t.Logf("%s, titles alone: %v", split, titleOnly)
		old := legacyDefault()
		before := scoreLabelled(set, split, func(l labelled) (Match, bool) {
			m, ok := old.Classify(l.title)
			return Match{Code: m.Code}, ok
		}, nil)
		t.Logf("%s, the old title classifier (legacy_test.go): %v", split, before)
	}
}
