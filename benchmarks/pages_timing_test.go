package benchmarks

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/urumqi-hrss/jobmatch/api"
	"github.com/urumqi-hrss/jobmatch/ingest/synth"
	"github.com/urumqi-hrss/jobmatch/ingest/synth/synthtest"
	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store/bolt"
)

// pagesSection is the heading of TestPageTiming's section of RESULTS.md.
const pagesSection = "## Pages and documents at 50,000 graduates (issue 12)"

// pageStack is the server TestPageTiming measures: the generator's
// 25,000 posts, 240 courses and 50,000 graduates in the embedded store,
// the engine over the open posts, no published run (every plan is
// proposed online: the slower path).
type pageStack struct {
	st        *bolt.Store
	cfg       api.Config
	keys      map[string]string
	planGrads []string // 一人一策 graduates of 天山区
	now       time.Time
}

func newPageStack(t *testing.T) *pageStack {
	ctx := context.Background()
	o := synth.DefaultOptions()
	o.Graduates = envInt("JOBMATCH_PAGES_GRADUATES", 50000)
	stack := synthtest.New(t, synthtest.Options{Synth: o, Now: o.Now.Add(12 * time.Hour), Entities: []string{"posts", "courses", "graduates"}})
	ps := &pageStack{st: stack.Store, now: stack.Now, keys: map[string]string{}}
	ix, eng, pol, quiet, posts, courses := stack.Index, stack.Engine, stack.Policy, stack.Log, stack.Posts, stack.Courses
	var err error
	if err := ps.st.EachGraduate(ctx, matcher.GraduateFilter{District: "天山区"}, func(g *matcher.Graduate) error {
		if matcher.PlanGraduate(g, &pol) {
			ps.planGrads = append(ps.planGrads, g.ID)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	ps.cfg = api.Config{Stores: api.StoresOf(ps.st), Index: ix, Engine: eng, Policy: pol, Log: quiet, RateLimit: -1,
		Now: func() time.Time { return ps.now }, PDFFont: os.Getenv("JOBMATCH_PDF_FONT")}
	for name, spec := range map[string]api.KeySpec{"counselor": {Role: matcher.RoleCounselor, District: "天山区", Name: "李老师"}, "admin": {Role: matcher.RoleAdmin, Name: "admin"}} {
		if ps.keys[name], _, err = api.CreateKey(ctx, ps.st, spec, ps.now); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("setup: %d open posts, %d courses, %d graduates, %d 一人一策 graduates in 天山区", len(posts), len(courses), o.Graduates, len(ps.planGrads))
	return ps
}

// server builds an API server over the stack with FiguresMaxAge maxAge.
func (ps *pageStack) server(t *testing.T, maxAge time.Duration) http.Handler {
	cfg := ps.cfg
	cfg.FiguresMaxAge = maxAge
	srv, err := api.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return srv.Handler()
}

// timed is one route's measured server times.
type timed struct {
	route, who string
	n          int
	p50, max   time.Duration
	cpu        time.Duration // the process's CPU per request (user + system)
	bytes      int
}

// processCPU is this process's CPU time so far.
func processCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// serve runs path n times through h as key and returns the handler's
// times (request parsed to last byte written, audit commit included).
func serve(t *testing.T, h http.Handler, key, who, route string, n int, path func(i int) string) timed {
	ds := make([]time.Duration, n)
	size := 0
	cpu0 := processCPU()
	for i := range n {
		req := httptest.NewRequest("GET", path(i), nil)
		req.Header.Set("Authorization", "Bearer "+key)
		rec := httptest.NewRecorder()
		t0 := time.Now()
		h.ServeHTTP(rec, req)
		ds[i] = time.Since(t0)
		if rec.Code != 200 {
			t.Fatalf("%s: %d %s", path(i), rec.Code, rec.Body)
		}
		size = rec.Body.Len()
	}
	cpu := (processCPU() - cpu0) / time.Duration(n)
	slices.Sort(ds)
	return timed{route: route, who: who, n: n, p50: ds[n/2], max: ds[n-1], cpu: cpu, bytes: size}
}

// TestPageTiming measures the server time of every page and document of
// the workspace at 50,000 graduates: the dashboard and its four charts
// with the kept figures and, in the same process, the same reading the
// store per request (FiguresMaxAge < 0, the code before them); the
// caseload page; a graduate's handout as JSON (the print view) and PDF;
// the district's documents; /healthz as the floor. It measures, it does
// not assert speed. It runs only when asked:
//
//	JOBMATCH_PAGES_BENCH=1 go test ./benchmarks/ -run TestPageTiming -v -timeout 40m
//
// With JOBMATCH_PAGES_WRITE=1 it replaces the section of
// benchmarks/RESULTS.md. JOBMATCH_PAGES_GRADUATES changes the ledger size.
func TestPageTiming(t *testing.T) {
	if os.Getenv("JOBMATCH_PAGES_BENCH") != "1" {
		t.Skip("page timing: set JOBMATCH_PAGES_BENCH=1 to run it")
	}
	start := time.Now()
	ps := newPageStack(t)
	t.Logf("setup took %s", time.Since(start).Round(time.Second))
	kept := ps.server(t, 0)
	var rows []timed
	fixed := func(p string) func(int) string { return func(int) string { return p } }

	// The first dashboard after start builds the kept figures (a server
	// started by cmd builds them in the background before anyone asks).
	t0 := time.Now()
	serve(t, kept, ps.keys["admin"], "admin", "first", 1, fixed("/v1/caseload/summary"))
	build := time.Since(t0)
	t.Logf("first dashboard (builds the kept figures): %s", build.Round(time.Millisecond))

	dash := []string{"/v1/caseload/summary", "/v1/caseload/charts/milestones.svg", "/v1/caseload/charts/districts.svg", "/v1/caseload/charts/contacts.svg", "/v1/caseload/charts/plans.svg"}
	n := envInt("JOBMATCH_PAGES_N", 15)
	for _, who := range []string{"counselor", "admin"} {
		for _, p := range dash {
			rows = append(rows, serve(t, kept, ps.keys[who], who, p, n, fixed(p)))
		}
	}
	rows = append(rows, serve(t, kept, ps.keys["counselor"], "counselor", "/v1/graduates?limit=20 (caseload page)", n, fixed("/v1/graduates?limit=20")))
	grad := func(suffix string) func(int) string {
		return func(i int) string { return "/v1/graduates/" + ps.planGrads[(i*37)%len(ps.planGrads)] + suffix }
	}
	rows = append(rows, serve(t, kept, ps.keys["counselor"], "counselor", "/v1/graduates/{id}/handout", n, grad("/handout")))
	rows = append(rows, serve(t, kept, ps.keys["counselor"], "counselor", "/v1/graduates/{id}/handout.pdf", n, grad("/handout.pdf")))
	for _, lim := range []int{20, 100} {
		for _, doc := range []string{"handouts", "handouts.pdf", "plans.xlsx"} {
			p := fmt.Sprintf("/v1/caseload/%s?limit=%d", doc, lim)
			rows = append(rows, serve(t, kept, ps.keys["counselor"], "counselor", p, 2, fixed(p)))
		}
	}
	rows = append(rows, serve(t, kept, ps.keys["counselor"], "-", "/healthz (floor)", n, fixed("/healthz")))
	rows = append(rows, serve(t, kept, ps.keys["counselor"], "-", "/workspace/print.html", n, fixed("/workspace/print.html")))

	// Before: the same dashboard reading the store on every request.
	store := ps.server(t, -1)
	var before []timed
	for _, who := range []string{"counselor", "admin"} {
		for _, p := range dash {
			if who == "admin" && strings.Contains(p, "plans") {
				continue // the city's plans, read from the store, are the first dashboard's build
			}
			before = append(before, serve(t, store, ps.keys[who], who, p, 2, fixed(p)))
		}
	}
	section := pagesReport(ps, build, rows, before) + documentsBeforeAfter(t, ps, store, kept)
	t.Log("\n" + section)
	if os.Getenv("JOBMATCH_PAGES_WRITE") == "1" {
		if err := replaceSection("RESULTS.md", pagesSection, section); err != nil {
			t.Fatal(err)
		}
	}
}

func pagesReport(ps *pageStack, build time.Duration, rows, before []timed) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\nMachine: %s, 2 cores shared with other engineers' work; load average %s (1, 5, 15 min) at the end of the run. Date: %s.\n", pagesSection, cpuModel(), loadAvg(), time.Now().UTC().Format(time.DateOnly))
	fmt.Fprintf(&b, "Data: `synth.DefaultOptions()` (25,000 posts, 240 courses, 50,000 graduates) in the embedded store, personal data sealed; %d 一人一策 graduates in 天山区; no published run, so every plan is proposed online (the slower path).\n\n", len(ps.planGrads))
	b.WriteString("Command:\n\n    JOBMATCH_PAGES_BENCH=1 JOBMATCH_PAGES_WRITE=1 go test ./benchmarks/ -run TestPageTiming -v -timeout 40m\n\n")
	b.WriteString("Server time: the handler from the request to its last byte (audit commit included), through `api.Server.Handler()` in-process. The counselor is 天山区's; the admin sees the city.\n\n")
	fmt.Fprintf(&b, "The first dashboard after start builds the kept figures (one pass over the ledger and a plan per 一人一策 graduate): %s. `jobmatch serve` builds them in the background when it starts; afterwards writes patch them and a background pass refreshes them each minute.\n\n", build.Round(time.Millisecond))
	b.WriteString("| Route | Caller | Requests | p50 | max | CPU/request | Bytes |\n|---|---|---|---|---|---|---|\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| `%s` | %s | %d | %s | %s | %s | %d |\n", r.route, r.who, r.n, ms(r.p50), ms(r.max), ms(r.cpu), r.bytes)
	}
	b.WriteString("\nThe dashboard before the kept figures (the same process, `FiguresMaxAge: -1`: every request reads the store; a plan built per 一人一策 graduate for the plans chart):\n\n")
	b.WriteString("| Route | Caller | Requests | p50 before | p50 now | ratio | CPU/request before | now |\n|---|---|---|---|---|---|---|---|\n")
	for _, r := range before {
		i := slices.IndexFunc(rows, func(x timed) bool { return x.route == r.route && x.who == r.who })
		now := rows[i]
		fmt.Fprintf(&b, "| `%s` | %s | %d | %s | %s | %.0f× | %s | %s |\n", r.route, r.who, r.n, ms(r.p50), ms(now.p50), float64(r.p50)/float64(max(now.p50, time.Microsecond)), ms(r.cpu), ms(now.cpu))
	}
	return b.String()
}

// documentsBeforeAfter measures the district documents of 100 graduates
// on the server that keeps nothing (FiguresMaxAge < 0: every plan proposed
// afresh, as before the kept proposals) and on the one that keeps them,
// interleaved (before, after, before, after) in this process, and returns
// the table.
func documentsBeforeAfter(t *testing.T, ps *pageStack, store, kept http.Handler) string {
	var b strings.Builder
	b.WriteString("\nThe district documents of 100 graduates before the kept proposals (the same process, `FiguresMaxAge: -1`: every plan proposed afresh) and with them, interleaved before, after, before, after:\n\n")
	b.WriteString("| Route | p50 before | p50 now | ratio | CPU/request before | now |\n|---|---|---|---|---|---|\n")
	key := ps.keys["counselor"]
	for _, doc := range []string{"handouts", "handouts.pdf", "plans.xlsx"} {
		p := fmt.Sprintf("/v1/caseload/%s?limit=100", doc)
		var was, now []timed
		for range 2 {
			was = append(was, serve(t, store, key, "counselor", p, 1, func(int) string { return p }))
			now = append(now, serve(t, kept, key, "counselor", p, 1, func(int) string { return p }))
		}
		w, n := pooled(was), pooled(now)
		fmt.Fprintf(&b, "| `%s` | %s | %s | %.1f× | %s | %s |\n", p, ms(w.p50), ms(n.p50), float64(w.p50)/float64(max(n.p50, time.Microsecond)), ms(w.cpu), ms(n.cpu))
	}
	return b.String()
}

// pooled is single requests' times as one row: the median (of two, the
// larger) and the mean CPU.
func pooled(ts []timed) timed {
	ds := make([]time.Duration, len(ts))
	var cpu time.Duration
	for i, x := range ts {
		ds[i], cpu = x.p50, cpu+x.cpu
	}
	slices.Sort(ds)
	return timed{route: ts[0].route, who: ts[0].who, n: len(ts), p50: ds[len(ds)/2], max: ds[len(ds)-1], cpu: cpu / time.Duration(len(ts))}
}
