package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/urumqi-hrss/jobmatch/index"
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
		// Only a build that does not find its vectors asks for term counts.
		if err := os.Remove(filepath.Join(data, vectorCacheFile)); err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
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

// keptTerms answers Terms for a text it kept (cut before indexing, or
// asked before) with the segmenter's own terms, in order, whatever other
// texts share its vocabulary.
func TestKeptTermsAreTheSegmentersTerms(t *testing.T) {
	seg, err := index.DefaultSegmenter()
	if err != nil {
		t.Fatal(err)
	}
	k := newKeptTerms(seg)
	texts := []string{
		"会计岗位，负责公司财务核算与报表编制，熟练使用Excel，持有初级会计职称者优先。",
		"财务会计",
		"小学语文教师：负责语文教学工作，持有教师资格证，普通话二级甲等以上。",
		"Java开发工程师 Java Spring MySQL",
		"",
	}
	for _, text := range texts[:3] {
		if got, want := k.TermsBeforeIndexing(text), seg.TermsBeforeIndexing(text); !slices.Equal(got, want) {
			t.Errorf("TermsBeforeIndexing(%q) = %q, want the segmenter's %q", text, got, want)
		}
	}
	for round := range 2 { // the second round answers every text from what it kept
		for _, text := range texts {
			if got, want := k.Terms(text), seg.Terms(text); !slices.Equal(got, want) {
				t.Errorf("round %d: Terms(%q) = %q, want %q", round, text, got, want)
			}
		}
	}
	if len(k.kept) != len(texts) {
		t.Errorf("%d texts kept, want %d", len(k.kept), len(texts))
	}
	// The ids stand for the same terms, a text not kept yet included.
	for _, text := range append(texts, "持有电工证、焊工证") {
		ids := k.TermIDs(text)
		vocab := k.Vocabulary()
		got := make([]string, len(ids))
		for i, id := range ids {
			got[i] = vocab[id]
		}
		if want := seg.Terms(text); !slices.Equal(got, want) {
			t.Errorf("TermIDs(%q) stand for %q, want %q", text, got, want)
		}
	}
}
