package index

import (
	"bytes"
	"hash/maphash"
	"sync"
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
// requirements part). So the pass keeps the words found at each
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

// The lattice cache is shared by every cutter of a segmenter, in
// latticeShards shards by the run's hash, each emptied when it holds
// latticeShardRuns runs or latticeShardWords words: 64 shards of at most
// 768 KiB of words and 256 KiB of keys, 64 MiB in all (about 80 with the
// arenas' spare capacity), held by the process's default segmenter for
// good, serve's included. The generated set's 1.5 million runs (titles, descriptions and the
// other texts an import cuts) are 112,000 distinct ones; a cache per cutter
// saw a few of the import's goroutines' texts each and missed most of them.
// A run of fewer than latticeMinUnits units (a comma, a two-character
// word between commas) is looked up in the trie directly: hashing it and
// finding it in a shard costs as much.
const (
	latticeShards     = 64
	latticeShardRuns  = 4096
	latticeShardWords = latticeShardRuns * 48 // int32 entries
	latticeShardKeys  = latticeShardRuns * 64 // bytes
	latticeMinUnits   = 3
)

// latticeCache maps a run's bytes (lower-cased, folded) to its lattice in
// an arena (and its bytes in another): arena[off : off+n+1] are the offsets, relative to off+n+1, of
// each unit's words (token indices), and the n+1st the end. An arena is
// never written where a lattice was stored: emptying a shard starts a new
// one, so a lattice handed out stays valid after the lock is released.
type latticeCache struct {
	seed   maphash.Seed
	shards [latticeShards]latticeShard
}

// A shard's map is keyed by the run's 64-bit hash, cheaper to find than
// the run's bytes (hashed again, then compared, by a map of strings); the
// bytes are kept in keys and compared on a hit.
type latticeShard struct {
	mu    sync.Mutex
	m     map[uint64]latticeSpan
	arena []int32
	keys  []byte
}

type latticeSpan struct{ off, n, koff int32 }

func newLatticeCache() *latticeCache { return &latticeCache{seed: maphash.MakeSeed()} }

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
	n := r1 - r0
	var sh *latticeShard
	key := c.low[c.ustart[r0]:c.ustart[r1]]
	var hash uint64
	if n >= latticeMinUnits {
		hash = maphash.Bytes(s.lattice.seed, key)
		sh = &s.lattice.shards[hash%latticeShards]
		sh.mu.Lock()
		sp, hit := sh.m[hash]
		arena, keys := sh.arena, sh.keys
		sh.mu.Unlock()
		if hit && int(sp.n) == n && int(sp.koff)+len(key) <= len(keys) && bytes.Equal(keys[sp.koff:int(sp.koff)+len(key)], key) {
			h := arena[sp.off : sp.off+sp.n+1]
			base := sp.off + sp.n + 1
			return h, arena[base : base+h[sp.n]], true
		}
	}
	// Looked up outside the lock into the cutter's buffer, then copied in.
	lat := c.lat[:0]
	for range n + 1 {
		lat = append(lat, 0)
	}
	maxLen := s.seg.Dict.MaxTokenLen()
	for k := range n {
		lat[k] = int32(len(lat) - n - 1)
		cur := r0 + k
		found := s.seg.Dict.LookupTokens(c.units[cur:min(cur+maxLen, r1)], c.found)
		for _, t := range c.found[:found] {
			i := s.tokenIndex(t)
			if i < 0 {
				c.lat = lat
				return nil, nil, false
			}
			lat = append(lat, int32(i))
		}
	}
	lat[n] = int32(len(lat) - n - 1)
	c.lat = lat
	if sh == nil {
		return lat[:n+1], lat[n+1:], true
	}
	sh.mu.Lock()
	if sh.m == nil || len(sh.m) >= latticeShardRuns || len(sh.arena)+len(lat) > latticeShardWords ||
		len(sh.keys)+len(key) > latticeShardKeys {
		// New arenas, grown as runs come: lattices handed out of the old
		// ones stay valid, and a shard that fills slowly holds little.
		sh.m = make(map[uint64]latticeSpan)
		sh.arena, sh.keys = nil, nil
	}
	// A run whose hash another run holds is not kept (a 2^-64 chance).
	if _, dup := sh.m[hash]; !dup {
		sh.m[hash] = latticeSpan{off: int32(len(sh.arena)), n: int32(n), koff: int32(len(sh.keys))}
		sh.arena = append(sh.arena, lat...)
		sh.keys = append(sh.keys, key...)
	}
	sh.mu.Unlock()
	return lat[:n+1], lat[n+1:], true
}
