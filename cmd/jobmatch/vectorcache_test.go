package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/urumqi-hrss/jobmatch/store/postgres/pgtest"
)

// TestRecommendLocalVectorCache: `recommend --local` keeps the engine's
// text vectors in the data directory and the next call takes them (no
// term cache read, no vector computed), answering exactly as a build
// without the file, for every kind of query; a damaged file is ignored and
// written again; and after `ingest posts` changed a post's texts the cache
// is not used: the answer is the fresh build's, not the one before.
func TestRecommendLocalVectorCache(t *testing.T) {
	if testing.Short() {
		t.Skip("imports a data set")
	}
	testVectorCache(t)
}

// The same with the posts in PostgreSQL: the cache's key is the posts'
// texts, whichever store gave them, and the file is in the data directory.
func TestRecommendLocalVectorCachePostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("imports a data set")
	}
	db, _ := pgtest.SchemaURL(t)
	if code, _, errs := run(t, "", "migrate", "--db", db); code != 0 {
		t.Fatalf("migrate: %s", errs)
	}
	testVectorCache(t, "--db", db)
}

// testVectorCache imports a generated set into a data directory (and the
// store storeArgs name) and checks the vector cache through it.
func testVectorCache(t *testing.T, storeArgs ...string) {
	dir := t.TempDir()
	gen, data := filepath.Join(dir, "gen"), filepath.Join(dir, "data")
	day := "--now=2023-06-15"
	if code, _, errs := run(t, "", "gen", "--out", gen, "--posts", "500", "--graduates", "10", "--courses", "10", "--seed", "3"); code != 0 {
		t.Fatalf("gen: exit %d: %s", code, errs)
	}
	ingest := func(entity, file string) {
		t.Helper()
		args := append([]string{"ingest", "--data", data, day, "--quiet"}, storeArgs...)
		if code, _, errs := run(t, "", append(args, entity, file)...); code != 0 {
			t.Fatalf("ingest %s: exit %d: %s", entity, code, errs)
		}
	}
	for _, entity := range []string{"graduates", "courses", "posts"} {
		ingest(entity, filepath.Join(gen, entity+".csv"))
	}
	b, err := os.ReadFile(filepath.Join(gen, "graduates.csv"))
	if err != nil {
		t.Fatal(err)
	}
	var gids []string
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n")[1:4] {
		gids = append(gids, strings.SplitN(line, ",", 2)[0])
	}
	queries := [][]string{{}, {"--kind", "course"}, {"--kind", "internship"}, {"--channel", "sme"}, {"--explain-exclusions"}}
	// answers runs every query for every graduate; log is the first call's.
	answers := func() (out []string, log string) {
		t.Helper()
		for _, gid := range gids {
			for _, q := range queries {
				args := append([]string{"recommend", "--data", data, day, "--local", "--log-level", "debug", "--graduate", gid, "--json"}, storeArgs...)
				args = append(args, q...)
				code, o, errs := run(t, "", args...)
				if code != 0 {
					t.Fatalf("recommend --local %v: exit %d: %s", q, code, errs)
				}
				if log == "" {
					log = errs
				}
				out = append(out, o)
			}
		}
		return out, log
	}
	same := func(what string, a, b []string) {
		t.Helper()
		for i := range a {
			if a[i] != b[i] {
				t.Fatalf("%s: answer %d differs:\n%s\nagainst\n%s", what, i, a[i], b[i])
			}
		}
	}
	cache := filepath.Join(data, vectorCacheFile)
	const computed, found = `msg="engine vector cache" found=0 computed=true`, `msg="engine vector cache" found=1 computed=false`

	if _, err := os.Stat(cache); !os.IsNotExist(err) {
		t.Fatalf("a vector cache before any build (%v)", err)
	}
	cold, log := answers()
	if !strings.Contains(log, computed) {
		t.Fatalf("the first build did not compute and write its vectors:\n%s", log)
	}
	written, err := os.ReadFile(cache)
	if err != nil {
		t.Fatalf("no vector cache after a build: %v", err)
	}
	warm, log := answers()
	if !strings.Contains(log, found) || strings.Contains(log, `msg="engine term cache"`) {
		t.Fatalf("the second build did not take the vectors, or read the term cache:\n%s", log)
	}
	same("from the vector cache", warm, cold)
	if after, err := os.ReadFile(cache); err != nil || string(after) != string(written) {
		t.Errorf("a build from the file rewrote it (%v)", err)
	}

	damaged := []byte(string(written))
	damaged[len(damaged)/2] ^= 1
	if err := os.WriteFile(cache, damaged, 0o600); err != nil {
		t.Fatal(err)
	}
	again, log := answers()
	if !strings.Contains(log, "engine vector cache not used") || !strings.Contains(log, computed) {
		t.Fatalf("a damaged file was not reported and replaced:\n%s", log)
	}
	same("over a damaged file", again, cold)
	if after, err := os.ReadFile(cache); err != nil || string(after) != string(written) {
		t.Errorf("the file written over the damaged one is not the first build's (%v)", err)
	}

	// Give the first graduate's top post other texts, through an import.
	var top struct {
		Items []struct {
			PostID string `json:"post_id"`
		} `json:"items"`
	}
	if err := json.Unmarshal([]byte(cold[0]), &top); err != nil || len(top.Items) == 0 {
		t.Fatalf("no items in %s (%v)", cold[0], err)
	}
	changed := filepath.Join(dir, "changed.csv")
	rewritePost(t, filepath.Join(gen, "posts.csv"), changed, top.Items[0].PostID)
	ingest("posts", changed)
	after, log := answers()
	if !strings.Contains(log, computed) {
		t.Fatalf("after a post changed, the build did not compute its vectors:\n%s", log)
	}
	if after[0] == cold[0] {
		t.Fatal("the changed post left the first answer as it was: the test shows nothing")
	}
	if err := os.Remove(cache); err != nil {
		t.Fatal(err)
	}
	fresh, _ := answers()
	same("after the import", after, fresh)
}

// rewritePost copies the posts file from → to, giving the post id
// (source:external_id) a title and description no graduate asks for.
func rewritePost(t *testing.T, from, to, id string) {
	t.Helper()
	rows := readCSVRows(t, from)
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	n := 0
	for _, r := range rows[1:] {
		if r[col["source"]]+":"+r[col["external_id"]] == id {
			r[col["title"]] = "保洁员"
			r[col["description"]] = "负责小区公共区域的日常清洁与垃圾分类。"
			n++
		}
	}
	if n == 0 {
		t.Fatalf("post %s not in %s", id, from)
	}
	out, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	w := csv.NewWriter(out)
	if err := w.WriteAll(rows); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}
