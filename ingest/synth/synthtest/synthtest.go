package synthtest

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/urumqi-hrss/jobmatch/index"
	"github.com/urumqi-hrss/jobmatch/ingest"
	"github.com/urumqi-hrss/jobmatch/ingest/synth"
	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
	"github.com/urumqi-hrss/jobmatch/matcher/engine"
	"github.com/urumqi-hrss/jobmatch/store/bolt"
	"github.com/urumqi-hrss/jobmatch/store/storetest"
)

// Options says which stack to build.
type Options struct {
	Synth synth.Options // the data set (synth.DefaultOptions, resized)
	Dir   string        // where the data, store and index go; empty: a temp dir of the test's
	// Now is the decision time: the importer's, the index's and the
	// engine's clock. Zero: Synth.Now.
	Now time.Time
	// Entities are the files imported, in order; nil: courses, posts,
	// graduates. Courses not imported are not in the engine either.
	Entities []string
	// IndexPosts fills the bleve index as the posts are imported (search
	// works); without it the index is opened empty, for routes that do not
	// search, and the setup is faster.
	IndexPosts bool
}

// Stack is the built stack, closed when the test ends.
type Stack struct {
	Dir       string // the generated CSV files (posts.csv, …)
	Store     *bolt.Store
	Index     *index.Index
	Segmenter *index.Segmenter
	Engine    *engine.Engine
	Posts     []matcher.Post   // open at Now, as the engine holds them
	Courses   []matcher.Course // nil when courses were not imported
	Policy    catalog.Policy
	Now       time.Time
	Log       *slog.Logger // discards: the stack's own logging is not under test
}

// New generates the data set in o.Dir and builds the stack.
func New(t testing.TB, o Options) *Stack {
	t.Helper()
	ctx := context.Background()
	dir := o.Dir
	if dir == "" {
		dir = t.TempDir()
	}
	s := &Stack{Dir: filepath.Join(dir, "data"), Now: o.Now, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if s.Now.IsZero() {
		s.Now = o.Synth.Now
	}
	if err := synth.Generate(s.Dir, o.Synth); err != nil {
		t.Fatal(err)
	}
	s.open(t, dir)
	im := &ingest.Importer{Store: s.Store, Analyzer: s.Segmenter, Log: s.Log, Now: s.clock}
	if o.IndexPosts {
		im.Index = s.Index
	}
	entities := o.Entities
	if entities == nil {
		entities = []string{"courses", "posts", "graduates"}
	}
	for _, entity := range entities {
		rep, err := im.Import(ctx, entity, []string{filepath.Join(s.Dir, entity+".csv")})
		if err != nil {
			t.Fatalf("import %s: %v", entity, err)
		}
		if rep.Accepted == 0 {
			t.Fatalf("import %s accepted nothing: %+v", entity, rep)
		}
		t.Logf("imported %s: %d accepted, %d rejected", entity, rep.Accepted, rep.Rejected)
		if entity == "courses" {
			s.Courses = []matcher.Course{}
		}
	}
	s.match(t)
	return s
}

func (s *Stack) clock() time.Time { return s.Now }

// open opens the store, the index and the segmenter in dir.
func (s *Stack) open(t testing.TB, dir string) {
	t.Helper()
	var err error
	if s.Store, err = bolt.Open(filepath.Join(dir, "jobmatch.db"), storetest.Keys()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Store.Close() })
	if s.Index, err = index.Open(filepath.Join(dir, "index")); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Index.Close() })
	s.Index.Now = s.clock
	if s.Segmenter, err = index.DefaultSegmenter(); err != nil {
		t.Fatal(err)
	}
	if s.Policy, err = catalog.LoadPolicy(); err != nil {
		t.Fatal(err)
	}
}

// match reads the open posts (and the courses, when imported) back from
// the store and builds the engine over them.
func (s *Stack) match(t testing.TB) {
	t.Helper()
	ctx := context.Background()
	if err := s.Store.EachPost(ctx, matcher.PostFilter{OpenAt: s.Now}, func(p *matcher.Post) error {
		s.Posts = append(s.Posts, *p)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if s.Courses != nil {
		if err := s.Store.EachCourse(ctx, func(c *matcher.Course) error { s.Courses = append(s.Courses, *c); return nil }); err != nil {
			t.Fatal(err)
		}
	}
	var err error
	if s.Engine, err = engine.New(s.Posts, s.Courses, engine.Options{Analyzer: s.Segmenter, Policy: s.Policy, Now: s.Now}); err != nil {
		t.Fatal(err)
	}
}

// GraduateIDs are the IDs of every graduate in the store, in its order.
func (s *Stack) GraduateIDs(t testing.TB) []string {
	t.Helper()
	var ids []string
	if err := s.Store.EachGraduate(context.Background(), matcher.GraduateFilter{}, func(g *matcher.Graduate) error {
		ids = append(ids, g.ID)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return ids
}
