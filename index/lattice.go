package index

import (
	"unicode"
	"unicode/utf8"
)

// The shortest-path pass spends most of its time in the dictionary's trie
// (LookupTokens, cedar's byte-wise Jump): at every unit it looks up every
// word starting there. Those lookups depend on the text's units only, not
// on the path lengths, and post texts repeat their phrases: the generated
// 25,000 descriptions have about 700,000 runs of text between punctuation
// of which about 23,000 differ, and a post's requirements are cut twice (the
// index's analysis of the description, the extraction's cut of its
// requirements part). So the pass keeps, per cutter, the words found at each
// unit of a run of text between barriers (its lattice) and looks a run up
// before the trie. The Viterbi arithmetic itself is not cached: its float32
// sums start from the path length of everything before the run, and a tie
// can fall the other way after a different prefix, so it runs in full for
// every text and the words come out exactly as without the cache.
//
// A barrier is a character that is no letter or digit and that no
// dictionary word of two or more units contains (a comma, a full stop, a
// line break): the trie walk from any unit before it fails at it, so the
// words found before a barrier do not depend on what follows it, and a run
// between barriers is looked up the same wherever it stands.

// Bounds of one cutter's lattice cache: when either is reached the cache is
// emptied and fills again. At most freeCutters cutters are kept, so the
// caches hold at most some tens of MiB, and far less outside a bulk import.
const (
	latticeRuns  = 16384
	latticeWords = 1 << 19 // int32 entries
)

// latticeCache maps a run's bytes (lower-cased, folded) to its lattice in
// arena: arena[off : off+n+1] are the offsets, relative to off+n+1, of each
// unit's words (token indices), and the n+1st the end.
type latticeCache struct {
	m     map[string]latticeSpan
	arena []int32
}

type latticeSpan struct{ off, n int32 }

// markBarriers marks every BMP character that is no letter or digit as a
// barrier; buildTokenInfo then unmarks those a word of two or more units
// contains (unmarkBarriers).
func (s *Segmenter) markBarriers() {
	for r := rune(0); r < 1<<16; r++ {
		if utf8.ValidRune(r) && !unicode.IsLetter(r) && !unicode.IsNumber(r) {
			s.barrier[r/64] |= 1 << (r % 64)
		}
	}
}

// unmarkBarriers unmarks the characters of a word of two or more units.
func (s *Segmenter) unmarkBarriers(word string) {
	for _, r := range word {
		if r < 1<<16 {
			s.barrier[r/64] &^= 1 << (r % 64)
		}
	}
}

// isBarrier reports whether unit u (one unit of cutter.split) is a barrier.
// A letter run of several bytes never is; characters outside the BMP are
// taken as no barrier (the cache then only covers a longer run).
func (s *Segmenter) isBarrier(u []byte) bool {
	var r rune
	switch {
	case len(u) == 1:
		r = rune(u[0])
	case len(u) == 0 || u[0] < 0xE0 || u[0] >= 0xF0:
		return false // a letter run, a two-byte letter, or beyond the BMP
	default:
		r, _ = utf8.DecodeRune(u)
	}
	return s.barrier[r/64]&(1<<(r%64)) != 0
}

// runLattice returns the lattice of units [r0, r1) of c, from the cache or
// looked up now (and kept): head[k] is where unit r0+k's words start in
// toks, head[r1-r0] their end. ok is false when a word the trie found is
// not in the side table (the caller falls back to gse.Segment).
func (s *Segmenter) runLattice(c *cutter, r0, r1 int) (head, toks []int32, ok bool) {
	lc := &c.lattice
	key := c.low[c.ustart[r0]:c.ustart[r1]]
	if sp, hit := lc.m[string(key)]; hit {
		h := lc.arena[sp.off : sp.off+sp.n+1]
		base := sp.off + sp.n + 1
		return h, lc.arena[base : base+h[sp.n]], true
	}
	n := r1 - r0
	if lc.m == nil || len(lc.m) >= latticeRuns || len(lc.arena) >= latticeWords {
		if lc.m == nil {
			lc.m = make(map[string]latticeSpan)
		}
		clear(lc.m)
		lc.arena = lc.arena[:0]
	}
	off := len(lc.arena)
	for range n + 1 {
		lc.arena = append(lc.arena, 0)
	}
	maxLen := s.seg.Dict.MaxTokenLen()
	for k := range n {
		lc.arena[off+k] = int32(len(lc.arena) - off - n - 1)
		cur := r0 + k
		found := s.seg.Dict.LookupTokens(c.units[cur:min(cur+maxLen, r1)], c.found)
		for _, t := range c.found[:found] {
			i := s.tokenIndex(t)
			if i < 0 {
				lc.arena = lc.arena[:off]
				return nil, nil, false
			}
			lc.arena = append(lc.arena, int32(i))
		}
	}
	lc.arena[off+n] = int32(len(lc.arena) - off - n - 1)
	lc.m[string(key)] = latticeSpan{off: int32(off), n: int32(n)}
	h := lc.arena[off : off+n+1]
	return h, lc.arena[off+n+1:], true
}
