package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/urumqi-hrss/jobmatch/api"
	"github.com/urumqi-hrss/jobmatch/ingest"
	"github.com/urumqi-hrss/jobmatch/ingest/synth"
	"github.com/urumqi-hrss/jobmatch/matcher"
)

// demoDistrict is the district of the demo's counselor key.
const demoDistrict = "天山区"

// cmdDemo is the newcomer's one command: generate a synthetic Urumqi data
// set, ingest and index it into the embedded store (or PostgreSQL with
// --db), pin the data's date as the clock, and serve it.
func (m *Main) cmdDemo(ctx context.Context, args []string) error {
	fs := m.flags("demo")
	addr := fs.String("addr", defaultAddr(), "address to serve on")
	o := synth.DefaultOptions()
	fs.Int64Var(&o.Seed, "seed", o.Seed, "random seed of the demo data")
	fs.IntVar(&o.Posts, "posts", o.Posts, "number of posts")
	fs.IntVar(&o.Graduates, "graduates", o.Graduates, "number of graduates")
	fs.IntVar(&o.Courses, "courses", o.Courses, "number of courses")
	noServe := fs.Bool("no-serve", false, "prepare the data and stop")
	if _, err := m.parse(fs, args); err != nil {
		return err
	}
	o.Internships = scaledInternships(-1, o.Posts)
	pol, err := m.Policy()
	if err != nil {
		return err
	}
	o.Policy = pol
	if err := os.MkdirAll(m.DataDir, 0o750); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	// The demo data is dated; matching and searching happen as of that date.
	if m.NowFlag == "" {
		if err := os.WriteFile(filepath.Join(m.DataDir, clockFile), []byte(o.Now.Format(time.DateOnly)+"\n"), 0o640); err != nil {
			return fmt.Errorf("demo: %w", err)
		}
	}
	if m.DBURL == "" {
		m.makeDemoKey = true // kept apart from the data: see datakey.go
	}
	dir := filepath.Join(m.DataDir, fmt.Sprintf("demo-seed%d-%dp-%dg-%dc", o.Seed, o.Posts, o.Graduates, o.Courses))
	marker := filepath.Join(dir, "graduates.imported")
	_, markErr := os.Stat(marker)
	if err := m.demoGenerate(dir, o, markErr == nil); err != nil {
		return err
	}
	// Re-running the demo finds its imports done (same files, same day) and
	// skips them: see ingest.FinishedImports.
	for _, entity := range []string{"courses", "posts", "graduates"} {
		if entity == "graduates" && markErr == nil {
			if err := m.demoGraduatesDone(ctx, marker); err != nil {
				return err
			}
			continue
		}
		rep, err := m.ingest(ctx, entity, []string{filepath.Join(dir, entity+".csv")}, "", true, true)
		if err != nil {
			return fmt.Errorf("demo: ingest %s: %w", entity, err)
		}
		if rep.Rejected > 0 {
			m.Log.Warn("demo rows rejected", "entity", entity, "rejected", rep.Rejected)
		}
		if entity == "graduates" {
			// The generated ledger's names, national IDs and phones are in
			// the store now, sealed; the clear CSV must not stay beside it.
			if err := os.WriteFile(marker, []byte(rep.ID+"\n"), 0o640); err != nil {
				return fmt.Errorf("demo: %w", err)
			}
			if err := os.Remove(filepath.Join(dir, "graduates.csv")); err != nil {
				return fmt.Errorf("demo: remove the imported ledger: %w", err)
			}
		}
	}
	if err := m.demoAccount(ctx); err != nil {
		return err
	}
	if *noServe {
		return nil
	}
	m.demoBanner(*addr)
	return m.serve(ctx, *addr)
}

// The demo's own account: a counselor of demoDistrict, with a password the
// README prints. Only `demo` makes it (a real deployment's accounts come
// from `jobmatch users create`), and only when it is missing.
const (
	demoUser     = "demo"
	demoPassword = "jobmatch-demo"
)

func (m *Main) demoAccount(ctx context.Context) error {
	st, err := m.openStore(ctx)
	if err != nil {
		return err
	}
	_, err = st.UserByName(ctx, demoUser)
	if matcher.ErrorCode(err) != matcher.ENOTFOUND {
		return err
	}
	_, err = api.CreateUser(ctx, st, api.UserSpec{Name: demoUser, FullName: "演示就业指导员", Role: matcher.RoleCounselor,
		District: demoDistrict, Contact: "0991-0000000", Password: demoPassword})
	if err != nil {
		return fmt.Errorf("demo: the demo account: %w", err)
	}
	return nil
}

// demoBanner says where the demo serves and how to sign in. No key is
// made before serving: `jobmatch keys` reaches the running demo through
// its admin routes (control.go), so keys are made, listed and revoked
// while it serves.
func (m *Main) demoBanner(addr string) {
	url := "http://" + addr
	fmt.Fprintf(m.Stdout, "\njobmatch demo on %s  (data as of %s)\n", url, m.Now().Format(time.DateOnly))
	fmt.Fprintf(m.Stdout, "counselor workspace: %s/workspace/  sign in as %s / %s (就业指导员, %s)\n", url, demoUser, demoPassword, demoDistrict)
	fmt.Fprintf(m.Stdout, "accounts and keys while it serves, in another terminal:\n")
	fmt.Fprintf(m.Stdout, "  go run ./cmd/jobmatch users create --data %s --name NAME --role counselor --district %s\n", m.DataDir, demoDistrict)
	fmt.Fprintf(m.Stdout, "  go run ./cmd/jobmatch keys create --data %s --role admin    (for portals and scripts)\n", m.DataDir)
	fmt.Fprintf(m.Stdout, "try: curl -H \"Authorization: Bearer $KEY\" '%s/v1/posts/search?q=会计&district=天山区'\n\n", url)
}

// demoGenerate writes the demo data set into dir unless it is there (or,
// for the ledger, already imported and removed).
func (m *Main) demoGenerate(dir string, o synth.Options, ledgerImported bool) error {
	if _, err := os.Stat(filepath.Join(dir, "posts.csv")); err == nil && ledgerImported {
		return nil
	}
	if _, err := os.Stat(filepath.Join(dir, "graduates.csv")); err == nil {
		return nil
	}
	m.Log.Info("generating demo data", "dir", dir)
	bar := m.newProgress("generating", "rows")
	o.Progress = bar.report()
	err := synth.Generate(dir, o)
	bar.finish()
	if err != nil {
		return fmt.Errorf("demo: generate: %w", err)
	}
	return nil
}

// demoGraduatesDone reports the demo ledger's earlier import, whose file
// the demo removed once it was in the store.
func (m *Main) demoGraduatesDone(ctx context.Context, marker string) error {
	b, err := os.ReadFile(marker)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	st, err := m.openStore(ctx)
	if err != nil {
		return err
	}
	rep, err := st.Import(ctx, strings.TrimSpace(string(b)))
	if err != nil {
		return fmt.Errorf("demo: the ledger's import: %w (remove %s to import the demo ledger again)", err, marker)
	}
	fmt.Fprintf(m.Stdout, "graduates already imported (import %s, %s): %s\n", rep.ID, rep.FinishedAt.Format(time.DateTime), ingest.Summary(rep))
	return nil
}
