package index

import (
	"math"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/go-ego/gse"
)

// Word starts without the whole cut. The requirement extraction cuts each
// post's title and requirements only to know where words start: a skill
// or certificate counts where it starts and ends on a word boundary
// (catalog.FindInWords). That cut was a third of an import's segmentation
// (0.6–0.7 CPU-s of ~9 on the generated set), and its words were thrown
// away once the few places a catalog name occurs had been checked.
// ScanWordStarts answers the same question, "does a word of Cut(text) start
// at this offset", for the offsets asked only: the text is folded and split
// into units as cut does, and only the runs (segmenter_lattice.go) that
// hold an offset asked about are looked up.
//
// A run's words are its plan's path when the path length before the run
// (its base) is below the plan's limit. ScanWordStarts does not walk the
// text's path to know the base; it bounds it: the path through every unit
// one at a time is a path, so the shortest is no longer than units before
// the run × the longest one-unit step (maxUnitDistance), and the float32
// sums along it stay within a factor 1 + n·2⁻²⁴ of that. When that bound
// does not clear the limit (a run with a tie has none), or the text holds
// what the shortcut does not model (invalid UTF-8, a dictionary that puts
// whitespace inside a word, gse's fallback), it reports "unknown" and the
// caller cuts the text: the answers it gives are always Cut's.
// TestWordStartsMatchCut and FuzzWordStartsMatchCut hold it to Cut.

// wordStartsMaxUnits bounds the units before a run for the base bound:
// within it the float32 sums' relative error (n·2⁻²⁴) stays below
// wordStartsSlack.
const (
	wordStartsMaxUnits = 1 << 14
	wordStartsSlack    = 1.001
)

// wordStartsModel is what ScanWordStarts needs of the dictionary, made once.
type wordStartsModel struct {
	// ok: every whitespace character but the space is a word of its own
	// wherever it stands (no dictionary word of two or more units holds
	// one), and no word starts with a space: the words Cut keeps, spaces
	// dropped as FindInWords drops them, are the text without its
	// whitespace, and a word starts where its first character is.
	ok bool
	// maxUnit is the longest step of one unit: a one-unit word's path
	// length, or an unknown unit's.
	maxUnit float64
}

// wordStarts is the model, computed on first use (the dictionary is loaded
// by then, from the text or from the compiled cache).
func (s *Segmenter) wordStarts() wordStartsModel {
	s.wsOnce.Do(func() {
		m := wordStartsModel{ok: s.fast, maxUnit: unknownDistance}
		for i := range s.dictTokens {
			switch {
			case s.info[i].units == 1:
				m.maxUnit = max(m.maxUnit, float64(s.info[i].dist))
			case strings.HasPrefix(s.dictTokens[i].Text(), " "):
				// Cut's word would start at the space, FindInWords's
				// boundary at the character after it.
				m.ok = false
			}
		}
		for r := range rune(1 << 16) {
			// A space inside a word (domain words such as "spring boot")
			// is what FindInWords drops from a word anyway; any other
			// whitespace must be a barrier. Folding makes U+3000 a space.
			if r != ' ' && r != 0x3000 && unicode.IsSpace(r) && s.barrier[r/64]&(1<<(r%64)) == 0 {
				m.ok = false
			}
		}
		s.wsModel = m
	})
	return s.wsModel
}

// wordScan is one text's units for ScanWordStarts.
type wordScan struct {
	s      *Segmenter
	c      *cutter
	ostart []int // each unit's offset in the original text, plus len(text)
	runOf  []int // each unit's run: the index of the run's first unit
	runEnd []int // for a run's first unit, the index after its last
	known  bool  // no answer so far needed the whole cut
	model  wordStartsModel
	path   []int32 // the plan of the run last looked up, and its first unit (-1: none)
	pathAt int
}

var wordScanPool = sync.Pool{New: func() any { return new(wordScan) }}

// ScanWordStarts calls scan with a function that reports whether a word of
// Cut(text) starts at byte offset p of text (p at a character of text
// that is not whitespace), and whether it could tell without cutting the
// whole text; once it could not, it tells nothing more (every later call
// says unknown). It returns scan's result, or false when text cannot be
// scanned this way at all (the caller then cuts it).
func (s *Segmenter) ScanWordStarts(text string, scan func(wordStart func(p int) (start, known bool)) bool) bool {
	m := s.wordStarts()
	if !m.ok || !utf8.ValidString(text) {
		return false
	}
	c := s.getCutter()
	defer s.putCutter(c)
	w := wordScanPool.Get().(*wordScan)
	defer wordScanPool.Put(w)
	*w = wordScan{s: s, c: c, ostart: w.ostart[:0], runOf: w.runOf[:0], runEnd: w.runEnd[:0], known: true, model: m,
		path: w.path[:0], pathAt: -1}
	c.fold(text)
	c.split()
	if maxLen := s.seg.Dict.MaxTokenLen(); len(c.found) < maxLen {
		c.found = make([]*gse.Token, maxLen) // as shortestPath: runPlan's trie lookups fill it
	}
	if len(c.units) > wordStartsMaxUnits {
		return false
	}
	n := len(c.units)
	for u := range n {
		w.ostart = append(w.ostart, c.orig(c.ustart[u]))
	}
	w.ostart = append(w.ostart, len(text))
	w.runOf = slices.Grow(w.runOf, n)[:n]
	w.runEnd = slices.Grow(w.runEnd, n)[:n]
	for r0 := 0; r0 < n; {
		r1 := r0 + 1
		if !s.isBarrier(c.units[r0]) {
			for r1 < n && !s.isBarrier(c.units[r1]) {
				r1++
			}
		}
		for u := r0; u < r1; u++ {
			w.runOf[u] = r0
		}
		w.runEnd[r0] = r1
		r0 = r1
	}
	return scan(w.start)
}

// start answers for offset p (see ScanWordStarts).
func (w *wordScan) start(p int) (bool, bool) {
	if !w.known {
		return false, false
	}
	u, at := slices.BinarySearch(w.ostart, p)
	if !at || u >= len(w.c.units) {
		// Inside a unit (a run of Latin letters), or past the last.
		return false, true
	}
	r0 := w.runOf[u]
	r1 := w.runEnd[r0]
	if u == r0 {
		return true, true // every run starts a word
	}
	if w.pathAt != r0 {
		p, ok := w.s.runPlan(w.c, r0, r1)
		// Units before the run, each at most maxUnit long: the base's
		// bound (see above); past the limit the pass may pick another path.
		if !ok || float64(r0)*w.model.maxUnit*wordStartsSlack >= p.limit || math.IsNaN(p.limit) {
			w.known = false
			return false, false
		}
		w.path, w.pathAt = append(w.path[:0], p.path...), r0
	}
	at0 := r0
	for k := 0; k < len(w.path) && at0 <= u; k += 2 {
		if at0 == u {
			return true, true
		}
		at0 += int(w.path[k])
	}
	return false, true
}
