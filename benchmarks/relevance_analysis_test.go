package benchmarks

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/urumqi-hrss/jobmatch/index"
	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
	"github.com/urumqi-hrss/jobmatch/matcher/engine"
)

// failureClasses sort the judge's note on a grade-0 pair into the classes
// issue 8 names, first match wins. The notes are the judge's own words
// (GUIDE.md), so the classes are only as good as the notes: "other field"
// is everything no pattern names.
var failureClasses = []struct {
	name string
	re   *regexp.Regexp
}{
	{"junk / not a job", regexp.MustCompile(`(?i)junk|mlm|gig|empty|fee|streamer|not a job|slogan`)},
	{"experience demanded (years or senior title)", regexp.MustCompile(`(?i)\d\s*-?\s*\d*\s*y|year|senior|manager|supervisor|lead|head|director|experienced|expert`)},
	{"licence a fresh graduate cannot hold", regexp.MustCompile(`(?i)licen|physician|pharmacist|surgeon|dentist|radiologist|certified|registered|doctor`)},
	{"degree above the profile's", regexp.MustCompile(`(?i)bachelor|master|associate|phd|degree`)},
	{"hard condition (age, language, school)", regexp.MustCompile(`(?i)age|japanese|korean|language|985|211|n2`)},
	{"far below the degree / unskilled", regexp.MustCompile(`(?i)labou?r|cleaner|security|guard|factory|assembly|sorting|waiter|nanny|driver|courier|delivery`)},
	{"generic sales", regexp.MustCompile(`(?i)sales|telesales|insurance|estate|agent|advisor`)},
}

func failureClass(note string) string {
	for _, c := range failureClasses {
		if c.re.MatchString(note) {
			return c.name
		}
	}
	return "other or neighbouring field"
}

// TestRealRelevanceAnalysis writes, for the DEV profiles only, what
// jobmatch puts in its top 12 (grade, the judge's note, the post's
// requirement columns, occupation, feature contributions, reasons) and a
// tally of why the judged-0 items of its top 8 are 0, by the judge's
// notes. The held-out profiles are never printed item by item: they are
// for checking, not for studying.
//
//	JOBMATCH_RELEVANCE_ANALYSIS=DIR go test ./benchmarks -run TestRealRelevanceAnalysis -v
//
// DIR/analysis-dev.txt holds post titles: third-party text, never commit it.
func TestRealRelevanceAnalysis(t *testing.T) {
	dir := os.Getenv("JOBMATCH_RELEVANCE_ANALYSIS")
	if dir == "" {
		t.Skip("set JOBMATCH_RELEVANCE_ANALYSIS=DIR to write the failure analysis of the dev profiles")
	}
	d := loadRelData(t)
	seg, err := index.DefaultSegmenter()
	if err != nil {
		t.Fatal(err)
	}
	eng, err := engine.New(d.posts, nil, engine.Options{Analyzer: seg, Now: relNow})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	tally := map[string]int{}
	var zeros, top int
	for _, p := range d.profiles {
		if p.split != splitDev {
			continue
		}
		res, err := eng.Recommend(&p.grad, matcher.Query{Limit: 12})
		if err != nil {
			t.Fatal(err)
		}
		notes := judgmentNotes(t, p.id)
		fmt.Fprintf(&b, "######## %s: %s %s | skills %s | certs %s\n", p.id, p.grad.Degree.Chinese(), p.grad.Major,
			strings.Join(p.grad.Skills, "、"), strings.Join(p.grad.Certificates, "、"))
		for i, it := range res.Items {
			ext := d.extOf[it.PostID]
			pp := &d.posts[d.byExt[ext]]
			g, ok := d.judged[p.id][ext]
			gs := "?"
			if ok {
				gs = fmt.Sprint(g)
			}
			if i < relK {
				top++
				if ok && g == 0 {
					zeros++
					tally[failureClass(notes[ext])]++
				}
			}
			occ := pp.Occupation
			if o, ok := catalog.OccupationByCode(occ); ok {
				occ += " " + o.Name
			}
			fmt.Fprintf(&b, "%2d [%s] %-28s | %s | 学历 %s | 经验 %q (%d) | occ %s | majors %s | skills %s | certs %s\n   note: %s\n   contrib: %s\n   reasons: %s\n",
				i+1, gs, ext, pp.Title, pp.DegreeMin.Chinese(), pp.Experience, pp.ExperienceMin, occ,
				strings.Join(pp.Majors, ","), strings.Join(pp.Skills, ","), strings.Join(pp.Certificates, ","),
				notes[ext], contribText(it.Contributions), strings.Join(it.Reasons, " · "))
		}
		b.WriteString("\n")
	}
	var sum strings.Builder
	fmt.Fprintf(&sum, "dev: %d items in jobmatch's top %d, %d judged 0; by the judge's notes:\n", top, relK, zeros)
	keys := make([]string, 0, len(tally))
	for k := range tally {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int { return tally[b] - tally[a] })
	for _, k := range keys {
		fmt.Fprintf(&sum, "  %3d  %s\n", tally[k], k)
	}
	t.Log("\n" + sum.String())
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "analysis-dev.txt"), []byte(sum.String()+"\n"+b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// judgmentNotes returns the judge's notes of one profile, by post.
func judgmentNotes(tb testing.TB, profile string) map[string]string {
	tb.Helper()
	js, err := readJudgments(relJudgmentFile)
	if err != nil {
		tb.Fatal(err)
	}
	out := map[string]string{}
	for _, j := range js {
		if j.profile == profile {
			out[j.post] = j.note
		}
	}
	return out
}

func contribText(c matcher.Contributions) string {
	var parts []string
	for _, n := range engine.FeatureNames {
		if v := c.Get(n); v != 0 {
			parts = append(parts, fmt.Sprintf("%s %.2f", n, v))
		}
	}
	return strings.Join(parts, ", ")
}
