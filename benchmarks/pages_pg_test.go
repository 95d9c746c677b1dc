package benchmarks

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/urumqi-hrss/jobmatch/api"
	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/casework"
	"github.com/urumqi-hrss/jobmatch/store/postgres"
	"github.com/urumqi-hrss/jobmatch/store/postgres/pgtest"
)

// oneAtATime is a PostgreSQL store whose batch reads (matcher.PlanBatches)
// are made one record at a time, as the plans read them before the
// batches: a post, then a course when it is not a post, and each
// graduate's edits; it counts the queries. The baseline of
// TestPageTimingPostgres.
type oneAtATime struct {
	*postgres.Store
	queries atomic.Int64
}

func (s *oneAtATime) PostsAndCourses(ctx context.Context, ids []string) (map[string]*matcher.Post, map[string]*matcher.Course, error) {
	posts, courses := map[string]*matcher.Post{}, map[string]*matcher.Course{}
	for _, id := range ids {
		s.queries.Add(1)
		p, err := s.Post(ctx, id)
		if err == nil {
			posts[id] = p
			continue
		} else if matcher.ErrorCode(err) != matcher.ENOTFOUND {
			return nil, nil, err
		}
		s.queries.Add(1)
		c, err := s.Course(ctx, id)
		if err == nil {
			courses[id] = c
		} else if matcher.ErrorCode(err) != matcher.ENOTFOUND {
			return nil, nil, err
		}
	}
	return posts, courses, nil
}

func (s *oneAtATime) ShortlistEditsOf(ctx context.Context, ids []string) (map[string][]matcher.ShortlistEdit, error) {
	out := map[string][]matcher.ShortlistEdit{}
	for _, id := range ids {
		s.queries.Add(1)
		es, err := s.ShortlistEdits(ctx, id)
		if err != nil {
			return nil, err
		}
		if len(es) > 0 {
			out[id] = es
		}
	}
	return out, nil
}

// copyToPostgres copies the stack's posts, courses and graduates into a
// PostgreSQL store of the test's own.
func copyToPostgres(t *testing.T, ps *pageStack) *postgres.Store {
	ctx := context.Background()
	pg := pgtest.Open(t)
	var posts []matcher.Post
	if err := ps.st.EachPost(ctx, matcher.PostFilter{}, func(p *matcher.Post) error { posts = append(posts, *p); return nil }); err != nil {
		t.Fatal(err)
	}
	var courses []matcher.Course
	if err := ps.st.EachCourse(ctx, func(c *matcher.Course) error { courses = append(courses, *c); return nil }); err != nil {
		t.Fatal(err)
	}
	var gs []matcher.Graduate
	if err := ps.st.EachGraduate(ctx, matcher.GraduateFilter{}, func(g *matcher.Graduate) error { gs = append(gs, *g); return nil }); err != nil {
		t.Fatal(err)
	}
	for lo := 0; lo < len(posts); lo += 1000 {
		if _, err := pg.UpsertPosts(ctx, posts[lo:min(lo+1000, len(posts))]); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := pg.UpsertCourses(ctx, courses); err != nil {
		t.Fatal(err)
	}
	for lo := 0; lo < len(gs); lo += 1000 {
		if _, err := pg.UpsertGraduates(ctx, gs[lo:min(lo+1000, len(gs))]); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("copied %d posts, %d courses, %d graduates to PostgreSQL", len(posts), len(courses), len(gs))
	return pg
}

// TestPageTimingPostgres measures the district documents of 100
// graduates on PostgreSQL (the data of TestPageTiming copied into a schema
// of its own), with the plans' items and edits read in batches and, in
// the same process, read one at a time (oneAtATime: the code before the
// batches), interleaved. It measures, it does not assert speed:
//
//	JOBMATCH_PAGES_BENCH=1 JOBMATCH_TEST_DATABASE=postgres://… go test ./benchmarks/ -run TestPageTimingPostgres -v -timeout 40m
func TestPageTimingPostgres(t *testing.T) {
	if os.Getenv("JOBMATCH_PAGES_BENCH") != "1" {
		t.Skip("page timing: set JOBMATCH_PAGES_BENCH=1 to run it")
	}
	pgtest.URL(t)
	ctx := context.Background()
	ps := newPageStack(t)
	pg := copyToPostgres(t, ps)
	single := &oneAtATime{Store: pg}
	key, _, err := api.CreateKey(ctx, pg, api.KeySpec{Role: matcher.RoleCounselor, District: "天山区", Name: "李老师"}, ps.now)
	if err != nil {
		t.Fatal(err)
	}
	server := func(cw casework.Store) http.Handler {
		cfg := ps.cfg
		cfg.Stores = api.StoresOf(pg)
		cfg.Stores.Casework = cw
		srv, err := api.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		return srv.Handler()
	}
	before, after := server(single), server(pg)
	var b strings.Builder
	fmt.Fprintf(&b, "\nOn PostgreSQL (the same data copied into a schema of the test's own), the district documents of 100 graduates with each plan's items and edits read one at a time (before) and in batches (now), interleaved before, after, before, after after one warm-up request each (which proposes the plans); CPU is this process's, not the database's:\n\n")
	b.WriteString("| Route | p50 before | p50 now | ratio | CPU/request before | now | queries a document before |\n|---|---|---|---|---|---|---|\n")
	for _, doc := range []string{"handouts", "handouts.pdf", "plans.xlsx"} {
		p := fmt.Sprintf("/v1/caseload/%s?limit=100", doc)
		path := func(int) string { return p }
		serve(t, before, key, "counselor", p, 1, path)
		serve(t, after, key, "counselor", p, 1, path)
		var was, now []timed
		var queries int64
		for range 3 {
			q0 := single.queries.Load()
			was = append(was, serve(t, before, key, "counselor", p, 1, path))
			queries = single.queries.Load() - q0
			now = append(now, serve(t, after, key, "counselor", p, 1, path))
		}
		w, n := pooled(was), pooled(now)
		fmt.Fprintf(&b, "| `%s` | %s | %s | %.1f× | %s | %s | %d |\n", p, ms(w.p50), ms(n.p50), float64(w.p50)/float64(max(n.p50, time.Microsecond)), ms(w.cpu), ms(n.cpu), queries)
	}
	fmt.Fprintf(&b, "\nLoad average %s (1, 5, 15 min) at the end.\n", loadAvg())
	t.Log("\n" + b.String())
}

// TestDistrictDocumentTiming measures the district documents of 100
// graduates on the embedded store at 50,000 graduates, with the kept
// figures' background passes held off (FiguresMaxAge of an hour) so that
// the process's CPU during a request is the request's: TestPageTiming's
// CPU column also holds the passes that ran meanwhile. Run it from two
// builds alternately to compare them:
//
//	JOBMATCH_PAGES_BENCH=1 go test ./benchmarks/ -run TestDistrictDocumentTiming -v -timeout 40m
func TestDistrictDocumentTiming(t *testing.T) {
	if os.Getenv("JOBMATCH_PAGES_BENCH") != "1" {
		t.Skip("page timing: set JOBMATCH_PAGES_BENCH=1 to run it")
	}
	ps := newPageStack(t)
	h := ps.server(t, time.Hour)
	key := ps.keys["counselor"]
	n := envInt("JOBMATCH_PAGES_N", 5)
	var b strings.Builder
	b.WriteString("| Route | Requests | p50 | max | CPU/request |\n|---|---|---|---|---|\n")
	for _, doc := range []string{"handouts", "handouts.pdf", "plans.xlsx"} {
		p := fmt.Sprintf("/v1/caseload/%s?limit=100", doc)
		path := func(int) string { return p }
		serve(t, h, key, "counselor", p, 1, path) // proposes the plans, reads the font
		r := serve(t, h, key, "counselor", p, n, path)
		fmt.Fprintf(&b, "| `%s` | %d | %s | %s | %s |\n", p, r.n, ms(r.p50), ms(r.max), ms(r.cpu))
	}
	fmt.Fprintf(&b, "\nLoad average %s (1, 5, 15 min) at the end.\n", loadAvg())
	t.Log("\n" + b.String())
}
