package index

import (
	"log/slog"
	"math"
	"slices"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"github.com/go-ego/gse"
)

// cut is gse's shortest-path segmentation (gse.Segmenter.Segment: split the
// text into units — one per CJK character, one per run of Latin letters and
// digits —, then a Viterbi pass over the dictionary trie where every word
// costs log2(total/freq) and a unit the dictionary lacks costs 32)
// re-implemented over gse's own dictionary with buffers that are reused
// between calls. gse allocates a slice per character and a token per
// unknown character on every call; that and the garbage it made were the
// largest cost of indexing. The pass needs two things gse does not export
// (a token's unit count and its path length); a side table built at load
// from gse's public API holds them (buildTokenInfo). Should a gse release
// store its tokens so that the table cannot find one, the text goes
// through gse.Segment itself, counted (Fallbacks) and logged once.
// TestSegmentsMatchGse and FuzzSegmentsMatchGse hold the pass to
// gse.Segment: the same words at the same offsets.

// tokenInfo is what the pass needs of a dictionary word and gse keeps
// unexported: its number of text units and its path length.
type tokenInfo struct {
	dist  float32
	units int
}

// buildTokenInfo fills the side table from gse's public API, one entry per
// token of the exported Dictionary.Tokens, with gse's own arithmetic:
// CalcToken's float32(log2 total) − float32(log2 freq) and the units of
// SplitTextToWords, which AddToken split the word into.
func (s *Segmenter) buildTokenInfo() {
	d := s.seg.Dict
	s.dictTokens = d.Tokens
	s.info = make([]tokenInfo, len(s.dictTokens))
	logTotal := float32(math.Log2(d.TotalFreq()))
	s.markBarriers()
	for i := range s.dictTokens {
		t := &s.dictTokens[i]
		text := t.Text()
		s.info[i] = tokenInfo{dist: logTotal - float32(math.Log2(t.Freq())), units: len(s.seg.SplitTextToWords([]byte(text)))}
		if s.info[i].units > 1 {
			s.unmarkBarriers(text)
		}
	}
	s.fast = s.selfCheck()
}

// infoOf finds a token LookupTokens returned in the side table. gse hands
// out pointers into Dictionary.Tokens, so the token's index is its offset
// in that slice; a pointer anywhere else (a gse release that stores tokens
// differently) is not found, and the caller falls back to gse.Segment.
func (s *Segmenter) infoOf(t *gse.Token) (tokenInfo, bool) {
	if i := s.tokenIndex(t); i >= 0 {
		return s.info[i], true
	}
	return tokenInfo{}, false
}

// tokenIndex is t's index in Dictionary.Tokens, or -1 (see infoOf).
func (s *Segmenter) tokenIndex(t *gse.Token) int {
	base := uintptr(unsafe.Pointer(unsafe.SliceData(s.dictTokens)))
	i := (uintptr(unsafe.Pointer(t)) - base) / unsafe.Sizeof(gse.Token{})
	if i < uintptr(len(s.dictTokens)) && &s.dictTokens[i] == t {
		return int(i)
	}
	return -1
}

// selfCheck looks every domain word up as the pass does and checks the side
// table finds the token with the word's units: the layout infoOf relies on
// is checked once at load instead of trusted.
func (s *Segmenter) selfCheck() bool {
	found := make([]*gse.Token, s.seg.Dict.MaxTokenLen())
	checked := 0
	for i := range s.dictTokens {
		if checked == 64 {
			break
		}
		units := s.seg.SplitTextToWords([]byte(s.dictTokens[i].Text()))
		if len(units) < 2 {
			continue
		}
		k := s.seg.Dict.LookupTokens(units, found)
		if k == 0 {
			return false
		}
		info, ok := s.infoOf(found[k-1])
		if !ok || info.units != len(units) || found[k-1] != &s.dictTokens[i] {
			return false
		}
		checked++
	}
	return checked > 0
}

// FastPath reports whether the segmenter runs its own shortest-path pass;
// false means every text goes through gse.Segment (slower, same words),
// because the side table could not be trusted at load.
func (s *Segmenter) FastPath() bool { return s.fast }

// Fallbacks counts the texts segmented by gse.Segment instead of the
// segmenter's own pass: every text when FastPath is false, otherwise
// those in which a token turned up that the side table does not hold
// (none, unless gse changed how it stores its dictionary).
func (s *Segmenter) Fallbacks() uint64 { return s.fallbacks.Load() }

// SetLogger sets where the segmenter reports its first fallback to
// gse.Segment (nil: nowhere). Safe to call while the segmenter is in use.
func (s *Segmenter) SetLogger(l *slog.Logger) { s.log.Store(l) }

// fellBack counts a text segmented by gse.Segment and logs the first.
func (s *Segmenter) fellBack(why string) {
	if s.fallbacks.Add(1) == 1 {
		if l := s.log.Load(); l != nil {
			l.Warn("index: segmenting through gse.Segment (slower, same words)", "reason", why)
		}
	}
}

// unknownDistance is the path length gse gives a unit the dictionary lacks.
const unknownDistance = 32

type jumper struct {
	dist  float32
	units int
	tok   *gse.Token // nil for an unknown unit
}

// word is one word of the segmentation: its byte range in the folded text,
// its dictionary token (nil if unknown) and its sub-words, c.subs[sub0:sub1].
type word struct {
	start, end int
	tok        *gse.Token
	sub0, sub1 int
	// multi is set for a word of two or more units: a one-unit word has no
	// sub-words (computeSubwords), so walk is not asked for them.
	multi bool
}

type span struct{ start, end int }

// rawTok is one analyzer token before its term is materialised: byte range
// in the folded text and 1-based position.
type rawTok struct {
	start, end   int // in the folded text
	ostart, oend int // in the original text
	pos          int
}

// cutter holds the buffers of one segmentation; cutters are pooled.
type cutter struct {
	folded []byte // the text with full-width ASCII folded (see fold)
	low    []byte // folded with A-Z lower-cased, as gse looks words up
	folds  []int  // folded offsets of characters folded from 3 bytes to 1
	fcur   int    // folds before the offset orig mapped last
	clean  bool   // folded == the text
	valid  bool   // the text is valid UTF-8
	units  []gse.Text
	ustart []int // folded offset of each unit, plus len(folded)
	jump   []jumper
	found  []*gse.Token
	words  []word
	subs   []span
	toks   []rawTok
	lat    []int32 // a run's lattice being looked up (lookupRun)
	plan   []planJump
	path   []int32 // a run's path being planned (planRun)
}

// Idle cutters wait in a small free list rather than a sync.Pool, which
// the garbage collector empties at every cycle: during a bulk import that
// is every few milliseconds, and the buffers were allocated again each
// time. The list is bounded (freeCutters), and so is what a kept cutter
// holds (maxPooledText).
const (
	freeCutters   = 16
	maxPooledText = 16 << 10
)

func (s *Segmenter) getCutter() *cutter {
	select {
	case c := <-s.cutters:
		return c
	default:
		return new(cutter)
	}
}

func (s *Segmenter) putCutter(c *cutter) {
	if cap(c.folded) > maxPooledText {
		return
	}
	c.words, c.subs, c.toks = c.words[:0], c.subs[:0], c.toks[:0]
	select {
	case s.cutters <- c:
	default:
	}
}

// fold fills c.folded and c.low from text: full-width ASCII (Ａ, １, ＋) and
// the ideographic space become ASCII and invalid bytes spaces, so "ＪＡＶＡ"
// is one word like "Java" rather than four letters; c.folds records where
// a 3-byte character became one byte, for mapping offsets back.
func (c *cutter) fold(text string) {
	c.folded, c.low, c.folds = c.folded[:0], c.low[:0], c.folds[:0]
	c.clean, c.valid, c.fcur = true, true, 0
	for i := 0; i < len(text); {
		b := text[i]
		if b < utf8.RuneSelf {
			c.folded = append(c.folded, b)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(text[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			c.folded = append(c.folded, ' ')
			c.clean, c.valid = false, false
		case r == 0x3000:
			c.folds = append(c.folds, len(c.folded))
			c.folded = append(c.folded, ' ')
			c.clean = false
		case r >= 0xFF01 && r <= 0xFF5E:
			c.folds = append(c.folds, len(c.folded))
			c.folded = append(c.folded, byte(r-0xFEE0))
			c.clean = false
		default:
			c.folded = append(c.folded, text[i:i+n]...)
		}
		i += n
	}
	c.low = append(c.low, c.folded...)
	for i, b := range c.low {
		if 'A' <= b && b <= 'Z' {
			c.low[i] = b + ('a' - 'A')
		}
	}
}

// orig maps a folded byte offset to the offset in the original text.
// Offsets come mostly in increasing order (word by word, a word's
// sub-words after it), so the count of folds before the offset is carried
// on from the last one (c.fcur), with a binary search when it goes back.
func (c *cutter) orig(f int) int {
	if len(c.folds) == 0 {
		return f
	}
	n := c.fcur // folds before f
	if n > 0 && c.folds[n-1] >= f {
		n, _ = slices.BinarySearch(c.folds, f)
	} else {
		for n < len(c.folds) && c.folds[n] < f {
			n++
		}
	}
	c.fcur = n
	return f + 2*n
}

// cut segments text into c.words, and with subwords their sub-words into
// c.subs (Cut and the search analyzer do not use them: finding them was a
// fifth of the requirement extraction's cut).
func (s *Segmenter) cut(c *cutter, text string, subwords bool) {
	c.fold(text)
	c.words, c.subs = c.words[:0], c.subs[:0]
	if len(c.low) == 0 {
		return
	}
	if !s.fast {
		s.fellBack("gse's dictionary is not laid out as the side table expects")
		s.gseCut(c)
		return
	}
	if !s.shortestPath(c) {
		s.fellBack("a dictionary token outside the side table")
		s.gseCut(c)
		return
	}
	if !subwords {
		return
	}
	for i := range c.words {
		w := &c.words[i]
		w.sub0 = len(c.subs)
		if w.multi {
			if flat, ok := s.walkedOf(w.tok, w.end-w.start); ok {
				for _, sp := range flat {
					c.subs = append(c.subs, span{w.start + sp.start, w.start + sp.end})
				}
			} else {
				s.walk(c, w.tok, w.start, w.end, 1)
			}
		}
		w.sub1 = len(c.subs)
	}
}

// shortestPath is the Viterbi pass over c.low's units, appending the
// words of the best path to c.words. It returns false, leaving nothing
// usable, when a token LookupTokens returned is not in the side table.
//
// The text is taken run by run (segmenter_lattice.go): no word crosses a
// barrier, so the best path through the text is the best path through
// each run after the best path to the unit before it, and the words of a
// run follow from its units and the path length before it (base). A run's
// plan (runPlan) gives its path for every base below its limit, which is
// every base a text reaches for most runs; for the others (a tie that
// rounding can break either way) the pass runs over the run's lattice,
// the words found at each unit in the order LookupTokens gives them.
func (s *Segmenter) shortestPath(c *cutter) bool {
	c.split()
	n := len(c.units)
	if maxLen := s.seg.Dict.MaxTokenLen(); len(c.found) < maxLen {
		c.found = make([]*gse.Token, maxLen)
	}
	var base float32 // gse's path length to the unit before the run
	for r0 := 0; r0 < n; {
		// A run ends before the next barrier; a barrier is a run of its own.
		r1 := r0 + 1
		if !s.isBarrier(c.units[r0]) {
			for r1 < n && !s.isBarrier(c.units[r1]) {
				r1++
			}
		}
		if r1 == r0+1 {
			// A run of one character (a barrier, mostly: a comma, a line
			// break) is its word in the dictionary, or an unknown unit.
			if ti, ok := s.charWord(c, r0); ok {
				var tok *gse.Token
				d := float32(unknownDistance)
				if ti >= 0 {
					tok, d = &s.dictTokens[ti], s.info[ti].dist
				}
				c.words = append(c.words, word{start: c.ustart[r0], end: c.ustart[r1], tok: tok})
				base += d
				r0 = r1
				continue
			}
		}
		p, ok := s.runPlan(c, r0, r1)
		if !ok {
			return false
		}
		if float64(base) < p.limit {
			// The same float32 sums as gse's pass along the path: the
			// next run's base to the bit.
			u := r0
			for k := 0; k < len(p.path); k += 2 {
				units, ti := int(p.path[k]), p.path[k+1]
				var tok *gse.Token
				d := float32(unknownDistance)
				if ti >= 0 {
					tok, d = &s.dictTokens[ti], s.info[ti].dist
				}
				c.words = append(c.words, word{start: c.ustart[u], end: c.ustart[u+units], tok: tok, multi: units > 1})
				base += d
				u += units
			}
		} else {
			head, toks := p.head, p.toks
			if head == nil {
				if head, toks, ok = s.lookupRun(c, r0, r1); !ok {
					return false
				}
			}
			base = s.runPass(c, r0, r1, base, head, toks)
		}
		r0 = r1
	}
	return true
}

// runPass is gse's pass over units [r0, r1) after base, from the run's
// lattice; it appends the run's words to c.words and returns the path
// length to the run's last unit.
func (s *Segmenter) runPass(c *cutter, r0, r1 int, base float32, head, toks []int32) float32 {
	n := r1 - r0
	c.jump = slices.Grow(c.jump[:0], n)[:n]
	clear(c.jump)
	for k := range n {
		b := base
		if k > 0 {
			b = c.jump[k-1].dist
		}
		found := toks[head[k]:head[k+1]]
		for _, ti := range found {
			info := s.info[ti]
			update(&c.jump[k+info.units-1], b+info.dist, &s.dictTokens[ti], info.units)
		}
		if len(found) == 0 || s.info[found[0]].units > 1 {
			update(&c.jump[k], b+unknownDistance, nil, 1)
		}
	}
	first := len(c.words)
	for i := n - 1; i >= 0; {
		j := &c.jump[i]
		at := i - j.units + 1
		c.words = append(c.words, word{start: c.ustart[r0+at], end: c.ustart[r0+i+1], tok: j.tok, multi: j.units > 1})
		i = at - 1
	}
	slices.Reverse(c.words[first:])
	return c.jump[n-1].dist
}

// gseCut is cut through gse.Segment itself, the fallback.
func (s *Segmenter) gseCut(c *cutter) {
	c.words, c.subs = c.words[:0], c.subs[:0]
	s.gseReady()
	for _, sg := range s.seg.Segment(c.low) {
		s.addWord(c, sg.Start(), sg.End(), sg.Token())
	}
}

// update is gse's updateJumper: the first path to reach a unit, or a
// strictly shorter one, wins.
func update(j *jumper, dist float32, t *gse.Token, units int) {
	if j.dist == 0 || j.dist > dist {
		j.dist, j.tok, j.units = dist, t, units
	}
}

// split is gse's SplitTextToWords over c.low: a unit per character, except
// that runs of letters and digits of at most two bytes each (Latin, Greek,
// Cyrillic …) form one unit.
func (c *cutter) split() {
	c.units, c.ustart = c.units[:0], c.ustart[:0]
	t := c.low
	run := -1 // start of the current letter/digit run
	for i := 0; i < len(t); {
		var r rune
		n := 1
		switch b := t[i]; {
		case b < utf8.RuneSelf:
			r = rune(b)
		case b >= 0xE0:
			// Three or four bytes (c.low is valid UTF-8): never part
			// of a letter run, so no need to decode.
			n = 3
			if b >= 0xF0 {
				n = 4
			}
			r = utf8.RuneError
		default:
			r, n = utf8.DecodeRune(t[i:])
		}
		if n <= 2 && (unicode.IsLetter(r) || unicode.IsNumber(r)) {
			if run < 0 {
				run = i
			}
		} else {
			if run >= 0 {
				c.units = append(c.units, t[run:i])
				c.ustart = append(c.ustart, run)
				run = -1
			}
			c.units = append(c.units, t[i:i+n])
			c.ustart = append(c.ustart, i)
		}
		i += n
	}
	if run >= 0 {
		c.units = append(c.units, t[run:])
		c.ustart = append(c.ustart, run)
	}
	c.ustart = append(c.ustart, len(t))
}

// addWord appends a word found by gse.Segment (the fallback) with its
// sub-words.
func (s *Segmenter) addWord(c *cutter, start, end int, tok *gse.Token) {
	w := word{start: start, end: end, tok: tok, sub0: len(c.subs)}
	s.walk(c, tok, start, end, 1)
	w.sub1 = len(c.subs)
	c.words = append(c.words, w)
}

// walk collects the words gse finds inside a word (its search-mode
// sub-segments, see subwordsOf), two levels deep: 计算机科学与技术 →
// 计算机科学 → 计算机. Sub-segment offsets are relative to their word and
// were computed on the same lower-cased, equally long bytes.
func (s *Segmenter) walk(c *cutter, tok *gse.Token, base, end, depth int) {
	if tok == nil || depth > 2 {
		return
	}
	subs, ok := s.subwordsOf(tok)
	if !ok {
		// Not a token of the side table (a unit gse.Segment made up):
		// gse's own sub-segments, which gseReady computed.
		for _, sub := range tok.Segments() {
			sa, sb := base+sub.Start(), base+sub.End()
			if sb-sa >= end-base || sb > end {
				continue
			}
			c.subs = append(c.subs, span{sa, sb})
			s.walk(c, sub.Token(), sa, sb, depth+1)
		}
		return
	}
	for _, sub := range subs {
		sa, sb := base+sub.start, base+sub.end
		if sb-sa >= end-base || sb > end {
			continue
		}
		c.subs = append(c.subs, span{sa, sb})
		if sub.tok >= 0 {
			s.walk(c, &s.dictTokens[sub.tok], sa, sb, depth+1)
		}
	}
}
