package benchmarks

import (
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/urumqi-hrss/jobmatch/index"
	"github.com/urumqi-hrss/jobmatch/ingest"
	"github.com/urumqi-hrss/jobmatch/ingest/convert"
	"github.com/urumqi-hrss/jobmatch/ingest/synth"
	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
	"github.com/urumqi-hrss/jobmatch/matcher/engine"
)

// matchData is the generator's default data set (25,000 posts, 240
// courses, 50,000 graduates) read through ingest's row converters, as the
// matching core sees it after an import.
type matchData struct {
	now       time.Time
	posts     []matcher.Post
	courses   []matcher.Course
	graduates []matcher.Graduate
	seg       *index.Segmenter
	policy    catalog.Policy
	rejected  int
	genTime   time.Duration
}

var (
	matchOnce sync.Once
	matchDS   *matchData
	matchErr  error
)

// loadMatchData generates and reads the data set once per test binary (a
// tenth of it with -short); the generated files are removed as soon as
// they are read.
func loadMatchData(tb testing.TB) *matchData {
	tb.Helper()
	matchOnce.Do(func() {
		d := &matchData{}
		var dir string
		dir, matchErr = os.MkdirTemp("", "jobmatch-match-")
		if matchErr != nil {
			return
		}
		defer os.RemoveAll(dir)
		o := synth.DefaultOptions()
		if testing.Short() {
			// .ci/run runs every benchmark once with -short: a tenth of
			// the data exercises the code in seconds, not minutes.
			o.Posts, o.Graduates = o.Posts/10, o.Graduates/10
		}
		d.now = o.Now.Add(12 * time.Hour)
		t0 := time.Now()
		if matchErr = synth.Generate(dir, o); matchErr != nil {
			return
		}
		d.genTime = time.Since(t0)
		read := func(entity string, each func(convert.Row) bool) {
			if matchErr != nil {
				return
			}
			tab, err := ingest.ReadFile(filepath.Join(dir, entity+".csv"), entity, nil)
			if err != nil {
				matchErr = err
				return
			}
			d.rejected += len(tab.RowErrors)
			for _, r := range tab.Rows {
				if !each(r) {
					d.rejected++
				}
			}
		}
		read("posts", func(r convert.Row) bool {
			p, errs := convert.PostFromRow(r)
			if len(errs) == 0 {
				d.posts = append(d.posts, p)
			}
			return len(errs) == 0
		})
		read("courses", func(r convert.Row) bool {
			c, errs := convert.CourseFromRow(r)
			if len(errs) == 0 {
				d.courses = append(d.courses, c)
			}
			return len(errs) == 0
		})
		read("graduates", func(r convert.Row) bool {
			g, errs := convert.GraduateFromRow(r)
			if len(errs) == 0 {
				d.graduates = append(d.graduates, g)
			}
			return len(errs) == 0
		})
		if matchErr != nil {
			return
		}
		if d.seg, matchErr = index.DefaultSegmenter(); matchErr != nil {
			return
		}
		d.policy, matchErr = catalog.LoadPolicy()
		matchDS = d
	})
	if matchErr != nil {
		tb.Fatal(matchErr)
	}
	return matchDS
}

func (d *matchData) engine(tb testing.TB, w engine.Weights) *engine.Engine {
	tb.Helper()
	e, err := engine.New(d.posts, d.courses, engine.Options{Analyzer: d.seg, Weights: w, Policy: d.policy, Now: d.now})
	if err != nil {
		tb.Fatal(err)
	}
	return e
}
