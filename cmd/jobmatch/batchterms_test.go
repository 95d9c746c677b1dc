package main

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/engine"
	"github.com/urumqi-hrss/jobmatch/store/bolt"
)

// TestBatchKeepsShownWords: `jobmatch batch` keeps the words its
// explanations cut in the term cache, so the next run cuts none, and the
// lists are the same bytes whether the words came from the cache, from a
// cut, or from a cut after a damaged cache file was ignored.
func TestBatchKeepsShownWords(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end batch")
	}
	dir := t.TempDir()
	gen, data := filepath.Join(dir, "gen"), filepath.Join(dir, "data")
	day := "--now=2023-06-15"
	if code, _, errs := run(t, "", "gen", "--out", gen, "--posts", "400", "--graduates", "80", "--courses", "30", "--seed", "9"); code != 0 {
		t.Fatalf("gen: exit %d: %s", code, errs)
	}
	for _, entity := range []string{"courses", "posts", "graduates"} {
		if code, _, errs := run(t, "", "ingest", "--data", data, day, "--quiet", entity, filepath.Join(gen, entity+".csv")); code != 0 {
			t.Fatalf("ingest %s: exit %d: %s", entity, code, errs)
		}
	}
	cutNow := regexp.MustCompile(`msg="engine term cache" posts=\d+ cut_now=(\d+) shown_cut_now=(\d+)`)
	var vectorsFound bool // the last batch's build took its vectors from the vector cache
	batch := func() (cut, shown int, export string) {
		t.Helper()
		code, _, errs := run(t, "", "batch", "--data", data, day, "--quiet", "--log-level", "debug")
		if code != 0 {
			t.Fatalf("batch: exit %d: %s", code, errs)
		}
		m := cutNow.FindStringSubmatch(errs)
		if m == nil {
			t.Fatalf("batch: no term cache line in the log:\n%s", errs)
		}
		cut, _ = strconv.Atoi(m[1])
		shown, _ = strconv.Atoi(m[2])
		vectorsFound = strings.Contains(errs, `msg="engine vector cache" found=1 computed=false`)
		file := filepath.Join(t.TempDir(), "run.csv")
		if code, _, errs := run(t, "", "runs", "export", "--data", data, "--run", "latest", "--out", file); code != 0 {
			t.Fatalf("runs export: exit %d: %s", code, errs)
		}
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		return cut, shown, string(b)
	}
	cut, shown, first := batch()
	if cut != 0 || shown == 0 {
		t.Fatalf("first run after the import: %d posts cut (want 0: the import wrote their counts), %d shown words cut (want some)", cut, shown)
	}
	cut, shown, second := batch()
	if cut != 0 || shown != 0 {
		t.Errorf("second run: %d posts and %d posts' shown words cut; want none", cut, shown)
	}
	if second != first || !vectorsFound {
		t.Fatalf("the lists explained from kept words and the vectors of the first run's build (taken: %v) differ from the first run's:\n%.600s\n---\n%.600s", vectorsFound, second, first)
	}
	// Only a build without its vectors asks for the posts' counts.
	if err := os.Remove(filepath.Join(data, vectorCacheFile)); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(data, termCacheFile), []byte("damaged"), 0o600); err != nil {
		t.Fatal(err)
	}
	cut, shown, third := batch()
	if cut == 0 || shown == 0 || third != first {
		t.Errorf("after a damaged cache file: %d posts cut, %d shown words cut (want both cut again), same lists %v", cut, shown, third == first)
	}
}

// TestReadOpenPostsFeedsLoad: the open posts read ahead in chunks are the
// store's, in its order, across several chunks, and engine.Load builds over
// that very slice (engine.HeldSource) rather than a copy.
func TestReadOpenPostsFeedsLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("imports generated posts")
	}
	dir := t.TempDir()
	gen, data := filepath.Join(dir, "gen"), filepath.Join(dir, "data")
	if code, _, errs := run(t, "", "gen", "--out", gen, "--posts", "2600", "--graduates", "10", "--courses", "5", "--seed", "3"); code != 0 {
		t.Fatalf("gen: exit %d: %s", code, errs)
	}
	if code, _, errs := run(t, "", "ingest", "--data", data, "--now=2023-06-15", "--quiet", "posts", filepath.Join(gen, "posts.csv")); code != 0 {
		t.Fatalf("ingest: exit %d: %s", code, errs)
	}
	keys, err := dataKeys()
	if err != nil {
		t.Fatal(err)
	}
	st, err := bolt.Open(filepath.Join(data, "jobmatch.db"), keys)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	at := time.Date(2023, 6, 15, 12, 0, 0, 0, time.UTC)
	var want []matcher.Post
	if err := st.EachPost(ctx, matcher.PostFilter{OpenAt: at}, func(p *matcher.Post) error {
		want = append(want, *p)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(want) <= 2*openPostsChunk {
		t.Fatalf("%d open posts: want more than two chunks' worth (%d)", len(want), 2*openPostsChunk)
	}
	src, err := readOpenPosts(ctx, st, at)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(src.posts, want) {
		t.Fatalf("read ahead: %d posts, not the store's %d in its order", len(src.posts), len(want))
	}
	snap, err := engine.Load(ctx, src, engine.Options{Now: at})
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Posts) != len(want) || &snap.Posts[0] != &src.posts[0] {
		t.Fatalf("Load built over a copy (%d posts), not the posts read ahead", len(snap.Posts))
	}
	if snap.Engine.Len() != len(want) {
		t.Fatalf("engine holds %d posts, want %d", snap.Engine.Len(), len(want))
	}
	// At another time the read-ahead is not used: Load asks the store.
	later := at.AddDate(0, 1, 0)
	snap2, err := engine.Load(ctx, src, engine.Options{Now: later})
	if err != nil {
		t.Fatal(err)
	}
	if len(snap2.Posts) > 0 && &snap2.Posts[0] == &src.posts[0] {
		t.Fatal("Load took the posts read for another time")
	}
}
