package index

import (
	"github.com/go-ego/gse"
)

// A dictionary word's search-mode sub-segments (the words the tokenizer
// emits inside a long word, see walk) are what gse's CalcToken stores in
// each token (Token.Segments): the shortest path over the word's own
// units, the word itself left out. CalcToken computes them for every one
// of the dictionary's words at load, about two fifths of the load's CPU,
// while a command meets a few thousand of them: here each word's are
// computed the first time it is walked, by the same pass over the same
// path lengths, and kept. TestSubwordsMatchCalcToken holds every word of
// the dictionary to what CalcToken gives.
//
// gse's own distances and segments are still needed by gse.Segment, the
// fallback when the side table cannot be used: gseReady runs CalcToken
// then, once.

// subword is one sub-segment of a dictionary word: its byte range in the
// word and its token's index in Dictionary.Tokens, or -1 for a unit the
// dictionary lacks (gse makes up a token for it, which has no
// sub-segments of its own).
type subword struct {
	start, end int
	tok        int32
}

// gseReady makes gse's tokens usable by gse.Segment: their path lengths
// and sub-segments (CalcToken), computed on first need.
func (s *Segmenter) gseReady() { s.calc.Do(s.seg.CalcToken) }

// subwordsOf returns tok's sub-segments, as CalcToken would have set them;
// ok is false when tok is not in the side table.
//
// The first computation is stored by storeSubwords: taking the address of
// a variable here moved it to the heap on every call, cached or not, an
// allocation per long word walked (0.2 s of 8.1 CPU-s in a profile of
// `jobmatch ingest posts` on the generated 25,181 posts).
func (s *Segmenter) subwordsOf(tok *gse.Token) ([]subword, bool) {
	i := s.tokenIndex(tok)
	if i < 0 {
		return nil, false
	}
	if p := s.subwords[i].Load(); p != nil {
		return *p, true
	}
	return s.storeSubwords(i)
}

// storeSubwords computes dictionary token i's sub-segments and keeps them.
func (s *Segmenter) storeSubwords(i int) ([]subword, bool) {
	subs, ok := s.computeSubwords(i)
	if !ok {
		return nil, false
	}
	p := new([]subword)
	*p = subs
	s.subwords[i].Store(p)
	return subs, true
}

// computeSubwords is gse's segmentWords(token.text, searchMode) for
// dictionary token i: a Viterbi pass over its units in which the word
// itself does not count, then the segments that are not a single kana
// (CalcToken leaves those out). ok is false if a token it meets is not in
// the side table.
func (s *Segmenter) computeSubwords(i int) (subs []subword, ok bool) {
	units := s.seg.SplitTextToWords([]byte(s.dictTokens[i].Text()))
	n := len(units)
	if n <= 1 {
		return nil, true
	}
	type jump struct {
		dist  float32
		units int
		tok   int32
	}
	jumps := make([]jump, n)
	set := func(j *jump, dist float32, tok int32, units int) {
		if j.dist == 0 || j.dist > dist { // gse's updateJumper
			j.dist, j.tok, j.units = dist, tok, units
		}
	}
	dict := s.seg.Dict
	found := make([]*gse.Token, dict.MaxTokenLen())
	for cur := range n {
		var base float32
		if cur > 0 {
			base = jumps[cur-1].dist
		}
		k := dict.LookupTokens(units[cur:min(cur+dict.MaxTokenLen(), n)], found)
		firstUnits := 0
		for f, t := range found[:k] {
			ti := s.tokenIndex(t)
			if ti < 0 {
				return nil, false
			}
			info := s.info[ti]
			if f == 0 {
				firstUnits = info.units
			}
			if at := cur + info.units - 1; cur != 0 || at != n-1 {
				set(&jumps[at], base+info.dist, int32(ti), info.units)
			}
		}
		if k == 0 || firstUnits > 1 {
			set(&jumps[cur], base+unknownDistance, -1, 1)
		}
	}
	// Back from the end, then in order, with byte offsets.
	type seg struct {
		from, to int // units
		tok      int32
	}
	var rev []seg
	for at := n - 1; at >= 0; {
		j := jumps[at]
		if j.units <= 0 {
			return nil, false // cannot happen: every unit is reached
		}
		from := at - j.units + 1
		rev = append(rev, seg{from, at + 1, j.tok})
		at = from - 1
	}
	offset := make([]int, n+1)
	for u := range units {
		offset[u+1] = offset[u] + len(units[u])
	}
	for r := len(rev) - 1; r >= 0; r-- {
		sg := rev[r]
		if sg.to-sg.from == 1 && gse.IsJp(string(units[sg.from])) {
			continue
		}
		subs = append(subs, subword{start: offset[sg.from], end: offset[sg.to], tok: sg.tok})
	}
	return subs, true
}

// walked is what walk collects for a dictionary word of n bytes, with
// offsets relative to the word: a function of the word alone, so it is
// computed once per word met and kept (walkedOf), not walked again, two
// levels of sub-words deep, at every occurrence.
type walked struct {
	n     int
	spans []span
}

// walkedOf returns what walk collects for token tok as a word of n bytes,
// offsets relative to the word; ok is false when tok is not in the side
// table or was kept for another length (walk then runs as before).
func (s *Segmenter) walkedOf(tok *gse.Token, n int) ([]span, bool) {
	i := s.tokenIndex(tok)
	if i < 0 {
		return nil, false
	}
	if p := s.walked[i].Load(); p != nil {
		return p.spans, p.n == n
	}
	var c cutter
	s.walk(&c, tok, 0, n, 1)
	s.walked[i].Store(&walked{n: n, spans: c.subs})
	return c.subs, true
}
