package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestIngestPostsWritesTheTermCache: `ingest posts` leaves the engine's
// term counts of the open posts in the data directory, so the first
// `recommend --local` after it cuts no post, and answers exactly as a
// build that cut every post (the cache deleted). A damaged cache file is
// ignored by the next import, which writes a good one over it.
func TestIngestPostsWritesTheTermCache(t *testing.T) {
	if testing.Short() {
		t.Skip("imports a data set")
	}
	dir := t.TempDir()
	gen, data := filepath.Join(dir, "gen"), filepath.Join(dir, "data")
	day := "--now=2023-06-15"
	if code, _, errs := run(t, "", "gen", "--out", gen, "--posts", "500", "--graduates", "10", "--courses", "10", "--seed", "3"); code != 0 {
		t.Fatalf("gen: exit %d: %s", code, errs)
	}
	ingest := func() {
		t.Helper()
		for _, entity := range []string{"graduates", "posts"} {
			if code, _, errs := run(t, "", "ingest", "--data", data, day, "--quiet", entity, filepath.Join(gen, entity+".csv")); code != 0 {
				t.Fatalf("ingest %s: exit %d: %s", entity, code, errs)
			}
		}
	}
	ingest()
	cache := filepath.Join(data, termCacheFile)
	if _, err := os.Stat(cache); err != nil {
		t.Fatalf("ingest posts wrote no term cache: %v", err)
	}
	b, err := os.ReadFile(filepath.Join(gen, "graduates.csv"))
	if err != nil {
		t.Fatal(err)
	}
	gid := strings.SplitN(strings.Split(string(b), "\n")[1], ",", 2)[0]
	recommend := func() (out, log string) {
		t.Helper()
		code, out, errs := run(t, "", "recommend", "--data", data, day, "--local", "--log-level", "debug", "--graduate", gid, "--json")
		if code != 0 {
			t.Fatalf("recommend --local: exit %d: %s", code, errs)
		}
		return out, errs
	}
	written, err := os.ReadFile(cache)
	if err != nil {
		t.Fatal(err)
	}
	warm, log := recommend()
	if !strings.Contains(log, `msg="engine term cache" posts=`) || !strings.Contains(log, " cut_now=0") {
		t.Errorf("the first recommend after the import cut posts again:\n%s", log)
	}
	// A file holding exactly the open posts is not written again: one with
	// posts no build asks for (closed, or an earlier copy of an ID) would be.
	if after, err := os.ReadFile(cache); err != nil || string(after) != string(written) {
		t.Errorf("the first recommend rewrote the import's term cache (%v): it held other posts than the open ones", err)
	}

	if err := os.Remove(cache); err != nil {
		t.Fatal(err)
	}
	cold, log := recommend()
	if strings.Contains(log, " cut_now=0") {
		t.Fatalf("without the cache file the build cut nothing:\n%s", log)
	}
	if warm != cold {
		t.Fatalf("the build from the import's term cache answers\n%s\nthe build that cut every post\n%s", warm, cold)
	}

	if err := os.WriteFile(cache, []byte("not a term cache"), 0o600); err != nil {
		t.Fatal(err)
	}
	ingest()
	if written, err = os.ReadFile(cache); err != nil {
		t.Fatal(err)
	}
	again, log := recommend()
	if !strings.Contains(log, " cut_now=0") || again != cold {
		t.Errorf("after an import over a damaged cache file: cut_now=0 %v, same answer %v\n%s", strings.Contains(log, " cut_now=0"), again == cold, log)
	}
	if after, err := os.ReadFile(cache); err != nil || string(after) != string(written) {
		t.Errorf("the first recommend after the second import rewrote its term cache (%v)", err)
	}
}
