package index

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/urumqi-hrss/jobmatch/ingest/synth"
)

// The lattice cache must not change a word: runs cut before, now after
// another prefix (the extraction's title + requirements part), give what
// gse.Segment gives for the whole text.
func TestLatticeCacheAcrossTexts(t *testing.T) {
	s := segmenter(t)
	var buf bytes.Buffer
	if err := synth.WritePosts(&buf, synth.Options{Seed: 3, Posts: 150, Internships: 10}); err != nil {
		t.Fatal(err)
	}
	texts := csvTexts(t, &buf)
	for i, text := range texts {
		checkSameAsGse(t, s, text)
		// The back half after the previous text's front, joined by a line
		// break as the extraction joins them, and without one.
		prev := texts[(i+len(texts)-1)%len(texts)]
		front, back := prev[:runeCut(prev)], text[runeCut(text):]
		checkSameAsGse(t, s, front+"\n"+back)
		checkSameAsGse(t, s, front+back)
		checkSameAsGse(t, s, strings.ToUpper(back)+"，"+front)
	}
}

// runeCut is a rune boundary near the middle of s.
func runeCut(s string) int {
	i := len(s) / 2
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return i
}

// Barriers are exactly the characters the cache may cut runs at: no word
// of two or more units holds one, and letters and digits never are.
func TestBarriers(t *testing.T) {
	s := segmenter(t)
	for _, r := range "，。；：\n,;:!?【】" {
		if !s.isBarrier([]byte(string(r))) {
			t.Errorf("%q is not a barrier", r)
		}
	}
	for _, u := range []string{"会", "a", "java", "3000", "Ａ", "·"} {
		if s.isBarrier([]byte(u)) {
			t.Errorf("%q is a barrier", u)
		}
	}
	for i := range s.dictTokens {
		if s.info[i].units < 2 {
			continue
		}
		for _, r := range s.dictTokens[i].Text() {
			if s.isBarrier([]byte(string(r))) {
				t.Fatalf("%q, in the word %q, is a barrier", r, s.dictTokens[i].Text())
			}
		}
	}
}

// The cache is bounded: a shard empties when full, and cutting stays right.
func TestLatticeCacheBounded(t *testing.T) {
	s := segmenter(t)
	c := s.getCutter()
	defer s.putCutter(c)
	var b strings.Builder
	for i := range latticeShards*latticeShardRuns + 100 {
		b.Reset()
		b.WriteString("第")
		for n := i; n > 0; n /= 10 {
			b.WriteRune('零' + rune(n%10))
		}
		b.WriteString("条目，")
		s.cut(c, b.String(), true)
	}
	for k := range s.lattice.shards {
		sh := &s.lattice.shards[k]
		if len(sh.m) > latticeShardRuns || len(sh.arena) > latticeShardWords {
			t.Fatalf("shard %d holds %d runs, %d words", k, len(sh.m), len(sh.arena))
		}
	}
	checkSameAsGse(t, s, b.String())
}

// Cutters on several goroutines share the cache: every one cuts as a lone
// one did (run with -race for the shards' locking).
func TestLatticeCacheConcurrent(t *testing.T) {
	s := segmenter(t)
	var buf bytes.Buffer
	if err := synth.WritePosts(&buf, synth.Options{Seed: 9, Posts: 60, Internships: 5}); err != nil {
		t.Fatal(err)
	}
	texts := csvTexts(t, &buf)
	want := make([][]string, len(texts))
	for i, text := range texts {
		want[i] = s.refCut(text)
	}
	errs := make(chan string, 4)
	for g := range 4 {
		go func() {
			for k := range texts {
				i := (k*7 + g*13) % len(texts)
				if got := s.Cut(texts[i]); !slices.Equal(got, want[i]) {
					errs <- texts[i]
					return
				}
			}
			errs <- ""
		}()
	}
	for range 4 {
		if text := <-errs; text != "" {
			t.Errorf("Cut(%q) on a goroutine differs from gse", text)
		}
	}
}
