package index

import (
	"bytes"
	"slices"
	"testing"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"github.com/urumqi-hrss/jobmatch/ingest/synth"
	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

// cutWordStarts is the byte offsets at which the words Cut keeps start.
func cutWordStarts(s *Segmenter, text string) map[int]bool {
	starts := map[int]bool{}
	base := uintptr(unsafe.Pointer(unsafe.StringData(text)))
	for _, w := range s.Cut(text) {
		// Cut's words are substrings of text: their offsets are where
		// their bytes are.
		starts[int(uintptr(unsafe.Pointer(unsafe.StringData(w)))-base)] = true
	}
	return starts
}

// checkWordStarts holds ScanWordStarts to Cut for text: at every character
// that is no whitespace the answer, when known, is whether a word of Cut
// starts there; and the catalog's terms found on the word starts are
// FindInWords's of the words. It reports whether every answer was known.
func checkWordStarts(t *testing.T, s *Segmenter, text string) bool {
	t.Helper()
	want := cutWordStarts(s, text)
	allKnown, called := true, false
	s.ScanWordStarts(text, func(wordStart func(int) (bool, bool)) bool {
		called = true
		for p, r := range text {
			if unicode.IsSpace(r) {
				continue
			}
			start, known := wordStart(p)
			if !known {
				allKnown = false
				return false
			}
			if start != want[p] {
				t.Errorf("ScanWordStarts(%q): a word starts at %d (%q…): %v, Cut says %v", text, p, text[p:min(len(text), p+9)], start, want[p])
			}
		}
		return true
	})
	if !called {
		if utf8.ValidString(text) {
			t.Errorf("ScanWordStarts(%q) refused a valid text", text)
		}
		return false
	}
	// The terms, asked only where a name occurs.
	wantS, wantC := catalog.FindInWords(s.Cut(text))
	var gotS, gotC []string
	var ok bool
	s.ScanWordStarts(text, func(wordStart func(int) (bool, bool)) bool {
		gotS, gotC, ok = catalog.FindOnWordStarts(text, wordStart)
		return ok
	})
	if ok && (!slices.Equal(gotS, wantS) || !slices.Equal(gotC, wantC)) {
		t.Errorf("FindOnWordStarts(%q) = %v %v, FindInWords of Cut %v %v", text, gotS, gotC, wantS, wantC)
	}
	return allKnown
}

func TestWordStartsMatchCut(t *testing.T) {
	s := segmenter(t)
	texts := segmentationCorpus(t)
	// The extraction's texts: a title, a line break and requirements.
	var buf bytes.Buffer
	if err := synth.WritePosts(&buf, synth.Options{Seed: 2023, Posts: 3000, Internships: 100}); err != nil {
		t.Fatal(err)
	}
	rows := csvTexts(t, &buf)
	for i := 0; i+1 < len(rows); i += 2 {
		texts = append(texts, rows[i]+"\n"+rows[i+1])
	}
	texts = append(texts, "熟悉ＣＡＤ制图，持有Ｃ１驾照", "会计 学 专业", "电工证\u00a0叉车证", "精通Java与Spring Boot，熟悉MySQL")
	known := 0
	for _, text := range texts {
		if checkWordStarts(t, s, text) {
			known++
		}
	}
	// Nearly every text is answered without its whole cut; the rest fall
	// back (a run with a tie, a base past a limit).
	if known < len(texts)*9/10 {
		t.Errorf("ScanWordStarts answered %d of %d texts whole", known, len(texts))
	}
	t.Logf("%d of %d texts answered whole", known, len(texts))
}

func FuzzWordStartsMatchCut(f *testing.F) {
	for _, seed := range []string{"会计学专业本科及以上学历", "熟悉ＪＡＶＡ、Java和java", "持有C1驾照者优先\n电工证", "　全角　空格", "\xff无效"} {
		f.Add(seed)
	}
	s, err := DefaultSegmenter()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text string) {
		checkWordStarts(t, s, text)
	})
}
