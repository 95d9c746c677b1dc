package index

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/go-ego/gse"

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

// A run with a tie (甲乙丙: 甲乙 and 乙丙 equally frequent, 甲 and 丙
// too) is split one way or the other by float32 rounding after the
// prefix, as gse splits it: its plan has no limit, and every text runs the
// pass over it. Both splits occur among the prefixes below, and every cut
// is gse's; the cut after the run (乙丙丁) has no tie and is planned.
func TestRunPlanTieFollowsPrefix(t *testing.T) {
	s, err := NewSegmenter("甲乙 30 n\n乙丙 30 n\n甲 1 n\n乙 1 n\n丙 1 n\n丁 1 n\n乙丙丁 7 n\n戊己 11 n\n", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !s.FastPath() {
		t.Fatal("no fast path")
	}
	splits := map[string]int{}
	for k := range 40 {
		for j := range 4 {
			// Prefixes of k words 戊己 and j unknown characters: bases
			// of 32 to 150 in many fractions. The tie falls the other
			// way just below 128 (k, j = 31, 0; 21, 1; 10, 2), where
			// the sum's rounding changes with its exponent.
			text := strings.Repeat("戊己", k) + strings.Repeat("子", j) + "，甲乙丙。乙丙丁"
			checkSameAsGse(t, s, text)
			words := s.Cut(text)
			splits[strings.Join(words[len(words)-4:len(words)-2], "/")]++
		}
	}
	if splits["甲乙/丙"] == 0 || splits["甲/乙丙"] == 0 {
		t.Fatalf("the tie did not fall both ways: %v", splits)
	}
	c := s.getCutter()
	defer s.putCutter(c)
	c.fold("甲乙丙")
	c.split()
	head, toks, ok := s.lookupRun(c, 0, len(c.units))
	if !ok {
		t.Fatal("lookupRun failed")
	}
	if p := s.planRun(c, head, toks); p.limit >= 0 {
		t.Errorf("the tie's plan has limit %v", p.limit)
	}
	c.fold("乙丙丁")
	c.split()
	head, toks, _ = s.lookupRun(c, 0, len(c.units))
	if p := s.planRun(c, head, toks); p.limit < 1e4 || !slices.Equal(p.path, []int32{3, p.path[1]}) {
		t.Errorf("乙丙丁's plan: %+v", p)
	}
}

// A plan's path is what gse's float32 pass finds for the run after any base
// below the plan's limit: every run of the generated and real posts
// (segmentationCorpus), after bases from 0 to 60,000 (a text of some
// 6,000 characters) with many fractions. Runs with a tie have no limit;
// the test counts them, and the plans it could check.
func TestRunPlanHoldsBelowLimit(t *testing.T) {
	s := segmenter(t)
	c := s.getCutter()
	defer s.putCutter(c)
	c.found = make([]*gse.Token, s.seg.Dict.MaxTokenLen())
	bases := []float32{0, 1.5, 31.999, 127.93, 1000.1, 4095.7, 9999.37, 16383.9, 60000.3}
	var runs, ties, flips, checked int
	for _, text := range segmentationCorpus(t) {
		c.fold(text)
		c.split()
		for r0 := 0; r0 < len(c.units); {
			r1 := r0 + 1
			if !s.isBarrier(c.units[r0]) {
				for r1 < len(c.units) && !s.isBarrier(c.units[r1]) {
					r1++
				}
			}
			head, toks, ok := s.lookupRun(c, r0, r1)
			if !ok {
				t.Fatalf("lookupRun(%q) failed", text)
			}
			head, toks = slices.Clone(head), slices.Clone(toks)
			p := s.planRun(c, head, toks)
			path := slices.Clone(p.path)
			runs++
			if p.limit < 0 {
				ties++
				if s.passDependsOnBase(c, r0, r1, head, toks) {
					flips++
				}
			}
			for _, base := range bases {
				if float64(base) >= p.limit {
					continue
				}
				c.words = c.words[:0]
				s.runPass(c, r0, r1, base, head, toks)
				// The path's tokens in order (-1: an unknown unit) give
				// its words: they cover the run one after the other.
				var got, want []int32
				for _, w := range c.words {
					ti := int32(-1)
					if w.tok != nil {
						ti = int32(s.tokenIndex(w.tok))
					}
					got = append(got, ti)
				}
				for k := 1; k < len(path); k += 2 {
					want = append(want, path[k])
				}
				if !slices.Equal(got, want) {
					t.Fatalf("%q after %v: the pass finds %v, the plan %v", c.low[c.ustart[r0]:c.ustart[r1]], base, got, want)
				}
				checked++
			}
			r0 = r1
		}
	}
	t.Logf("%d runs, %d with a tie (%d split differently after some base); %d plans checked against the pass",
		runs, ties, flips, checked)
	if checked < runs {
		t.Errorf("only %d plans of %d runs checked", checked, runs)
	}
}

// passDependsOnBase reports whether gse's pass splits run [r0, r1) of c
// differently after some base below 20,000 than after 0.
func (s *Segmenter) passDependsOnBase(c *cutter, r0, r1 int, head, toks []int32) bool {
	split := func(base float32) string {
		c.words = c.words[:0]
		s.runPass(c, r0, r1, base, head, toks)
		var b strings.Builder
		for _, w := range c.words {
			fmt.Fprintf(&b, "%d,", w.end)
		}
		return b.String()
	}
	first := split(0)
	for i := range 20000 {
		if split(float32(i)+float32(i%97)/97) != first {
			return true
		}
	}
	return false
}

// TestCharTableKeepsUnknown: a character met as a run of its own is kept
// in s.chars whether the dictionary has it or not: the barriers (，。；：
// and line breaks), which dict_zh.txt lacks, are most such runs, and each
// was looked up in the trie again on every occurrence when unknown
// characters were stored as "not met".
func TestCharTableKeepsUnknown(t *testing.T) {
	s := segmenter(t)
	text := "甲，乙，丙。\n丁"
	want := s.Cut(text)
	for _, r := range []rune{',', '。', '\n'} { // ， is folded to , before the cut
		v := s.chars[r].Load()
		if v == 0 {
			t.Fatalf("%q not kept in the table after a cut", r)
		}
		if v != 1 {
			continue // in the dictionary after all: its token, kept
		}
		if found := s.seg.Dict.LookupTokens([]gse.Text{gse.Text(string(r))}, make([]*gse.Token, 1)); found != 0 {
			t.Fatalf("%q kept as unknown, but the dictionary has it", r)
		}
	}
	if got := s.Cut(text); !slices.Equal(got, want) {
		t.Fatalf("second cut from the table: %q, first %q", got, want)
	}
	checkSameAsGse(t, s, text)
}
