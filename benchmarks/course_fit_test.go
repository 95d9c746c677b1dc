package benchmarks

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/urumqi-hrss/jobmatch/index"
	"github.com/urumqi-hrss/jobmatch/ingest"
	"github.com/urumqi-hrss/jobmatch/ingest/convert"
	"github.com/urumqi-hrss/jobmatch/ingest/synth"
	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/casework"
	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
	"github.com/urumqi-hrss/jobmatch/matcher/engine"
)

// Courses on 一人一策 plans, judged by reading them (issue 9, "How good"):
// 30 of the real-post development set's profiles, each of a different
// field, taken as hardship graduates (低保（低收入）家庭, still looking;
// every third with 创业意向), their plans' courses proposed by
// casework.Propose from the engine over the 16,654 real posts and the
// generator's courses (the only courses there are: no real course list is
// available). A judge read each course against the graduate's major,
// skills and the plan's posts, and wrote fit 1 or 0 with a few words in
// testdata/coursefit/judgments.tsv, keyed by the course (its title and
// provider, matcher.CourseKey).
//
//	JOBMATCH_COURSEFIT_POOL=FILE  write the plans' unjudged courses to judge

const (
	courseFitFile = "testdata/coursefit/judgments.tsv"
	courseFitMin  = 0.80
)

// courseFitProfiles: one profile per field (the development set's three
// second profiles of a field — 大专 accounting, 中职 nursing, 硕士
// software — are left out).
func courseFitProfiles(d *relData) []*relProfile {
	skip := map[string]bool{"dz-accounting": true, "zz-nursing": true, "ss-software": true}
	var out []*relProfile
	for _, p := range d.profiles {
		if !skip[p.id] {
			out = append(out, p)
		}
	}
	return out
}

func courseFitCoursesOf(tb testing.TB) []matcher.Course {
	tb.Helper()
	o := synth.DefaultOptions()
	o.Now = relNow // the generator's default course count
	var buf bytes.Buffer
	if err := synth.WriteCourses(&buf, o); err != nil {
		tb.Fatal(err)
	}
	path := filepath.Join(tb.TempDir(), "courses.csv")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		tb.Fatal(err)
	}
	tab, err := ingest.ReadFile(path, ingest.EntityCourses, nil)
	if err != nil {
		tb.Fatal(err)
	}
	var cs []matcher.Course
	for _, r := range tab.Rows {
		c, errs := convert.CourseFromRow(r)
		if len(errs) > 0 {
			tb.Fatalf("generated course line %d: %+v", r.Line, errs)
		}
		cs = append(cs, c)
	}
	return cs
}

// planCourses are the courses a proposal puts on a plan, as
// casework's fill takes them: an entrepreneurship course first for a
// graduate with 创业意向, then distinct courses up to courses_min.
func planCourses(prop *matcher.Proposal, byID map[string]*matcher.Course, startup bool, n int) []*matcher.Course {
	var out []*matcher.Course
	keys := map[string]bool{}
	take := func(want matcher.CourseCategory) {
		for _, it := range prop.Courses {
			c := byID[it.PostID]
			if len(keys) >= n || keys[matcher.CourseKey(c)] || (want != "" && c.Category != want) {
				continue
			}
			keys[matcher.CourseKey(c)] = true
			out = append(out, c)
			if want != "" {
				return
			}
		}
	}
	if startup {
		take(matcher.CourseEntrepreneurship)
	}
	take("")
	return out
}

func TestCourseFit(t *testing.T) {
	d := loadRelData(t)
	courses := courseFitCoursesOf(t)
	byID := map[string]*matcher.Course{}
	for i := range courses {
		byID[courses[i].ID] = &courses[i]
	}
	pol, err := catalog.LoadPolicy()
	if err != nil {
		t.Fatal(err)
	}
	seg, err := index.DefaultSegmenter()
	if err != nil {
		t.Fatal(err)
	}
	eng, err := engine.New(d.posts, courses, engine.Options{Analyzer: seg, Now: relNow, Policy: pol})
	if err != nil {
		t.Fatal(err)
	}
	judged, err := readCourseFit(courseFitFile)
	if err != nil {
		t.Fatal(err)
	}
	var pool strings.Builder
	fit, total, unjudged := 0, 0, 0
	var misfits []string
	for i, p := range courseFitProfiles(d) {
		g := p.grad
		g.Hardship = []matcher.Hardship{matcher.HardshipLowIncome}
		g.Status = matcher.StatusSeeking
		startup := i%3 == 2
		if startup {
			g.PreferredChannels = []matcher.Channel{matcher.ChannelSelfEmployed}
		}
		prop, err := casework.Propose(eng, &g, &pol, casework.ProposeOptions{})
		if err != nil {
			t.Fatal(err)
		}
		cs := planCourses(prop, byID, startup, pol.Shortlist.CoursesMin)
		if len(cs) < pol.Shortlist.CoursesMin {
			t.Logf("%s (%s): %d courses; notes %q", p.id, g.Major, len(cs), prop.Notes)
		}
		for _, c := range cs {
			key := matcher.CourseKey(c)
			total++
			v, ok := judged[p.id+"\t"+key]
			switch {
			case !ok:
				unjudged++
				reasons := ""
				if j := slices.IndexFunc(prop.Courses, func(it matcher.Item) bool { return it.PostID == c.ID }); j >= 0 {
					reasons = strings.Join(prop.Courses[j].Reasons, "；")
				}
				fmt.Fprintf(&pool, "%s\t%s\t\t# %s %s 创业意向=%v 技能=%s | %s | 对口专业=%s | %s\n", p.id, key, g.Degree.Chinese(), g.Major,
					startup, strings.Join(slices.Concat(g.Skills, g.Certificates), "、"), c.Category, strings.Join(c.Majors, "、"), reasons)
			case v.fit:
				fit++
			default:
				misfits = append(misfits, p.id+": "+key+" ("+v.note+")")
			}
		}
	}
	if f := os.Getenv("JOBMATCH_COURSEFIT_POOL"); f != "" {
		if err := os.WriteFile(f, []byte(pool.String()), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	share := float64(fit) / float64(max(total, 1))
	t.Logf("courses on 30 hardship graduates' plans: %d, fit %d (%.1f%%), unjudged %d; misfits: %s", total, fit, 100*share, unjudged, strings.Join(misfits, "; "))
	if unjudged > 0 {
		t.Errorf("%d plan courses are unjudged: judge them (JOBMATCH_COURSEFIT_POOL=FILE writes them) into %s", unjudged, courseFitFile)
	}
	if share < courseFitMin {
		t.Errorf("course fit %.3f < %.2f", share, courseFitMin)
	}
}

type courseFitJudgment struct {
	fit  bool
	note string
}

// readCourseFit reads profile, course key, fit (0/1) and a note.
func readCourseFit(path string) (map[string]courseFitJudgment, error) {
	out := map[string]courseFitJudgment{}
	err := readTSV(path, []string{"profile_id", "course", "fit", "note"}, func(line int, f []string) error {
		if len(f) < 3 {
			return fmt.Errorf("%s:%d: want profile_id, course, fit, note", path, line)
		}
		v, err := strconv.Atoi(f[2])
		if err != nil || (v != 0 && v != 1) {
			return fmt.Errorf("%s:%d: fit %q: want 0 or 1", path, line, f[2])
		}
		note := ""
		if len(f) > 3 {
			note = f[3]
		}
		out[f[0]+"\t"+f[1]] = courseFitJudgment{fit: v == 1, note: note}
		return nil
	})
	return out, err
}
