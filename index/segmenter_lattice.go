package index

import (
	"bytes"
	"hash/maphash"
	"math"
	"slices"
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
// requirements part). So the pass keeps, for each run of text between
// barriers, the run's best path over its own units (its plan, planRun)
// and looks a run up before the trie.
//
// A run's words are not quite a function of its text: gse's float32 sums
// start from the path length of everything before the run (the base), and
// where two splits of a run are equally long a different base can round
// them apart either way (TestRunPlanTieFollowsPrefix). So a plan also
// says up to which base its path is the float32 pass's for certain
// (limit, from the smallest gap between two compared sums); below it, the
// words and the next base (the same float32 sums along the path) come
// from the plan, and otherwise, which is a run with a tie (27 of the
// 59,000 runs of TestRunPlanHoldsBelowLimit), the pass runs over the run's
// lattice (the words found at each unit) as gse's does. The words come out
// exactly as without the cache.
//
// A barrier is a character that is no letter or digit and that no
// dictionary word of two or more units contains (a comma, a full stop, a
// line break): the trie walk from any unit before it fails at it, so the
// words found before a barrier do not depend on what follows it, and a run
// between barriers is looked up the same wherever it stands.

// The lattice cache (the plans, with the lattices of those whose limit is
// low) is shared by every cutter of a segmenter, in
// latticeShards shards by the run's hash, each emptied when it holds
// latticeShardRuns runs or latticeShardWords words: 64 shards of at most
// 768 KiB of words and 256 KiB of keys, 64 MiB in all (about 80 with the
// arenas' spare capacity), held by the process's default segmenter for
// good, serve's included. The generated set's 1.5 million runs (titles, descriptions and the
// other texts an import cuts) are 112,000 distinct ones; a cache per cutter
// saw a few of the import's goroutines' texts each and missed most of them.
// A run of fewer than latticeMinUnits units (a lone Latin word; a lone
// character takes charWord's table) is looked up in the trie directly:
// hashing it and finding it in a shard costs as much. Runs of two units
// are kept: measured from a fresh segmenter (BenchmarkCutImport), keeping
// them cut 7% faster than looking them up every time, and no slower warm.
const (
	latticeShards     = 64
	latticeShardRuns  = 4096
	latticeShardWords = latticeShardRuns * 48 // int32 entries
	latticeShardKeys  = latticeShardRuns * 64 // bytes
	latticeMinUnits   = 2
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

// latticeSpan locates a run's plan in its shard: the path's words pairs
// at arena[off:], then, if lattice, the lattice (see runPlan).
type latticeSpan struct {
	off, n, koff, words int32
	lattice             bool
	limit               float64
}

// planJump is the best path to a unit found so far by planRun.
type planJump struct {
	dist  float64
	units int32 // 0: not reached yet
	tok   int32
}

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

// runPlan is what the pass takes from the cache for a run: the best path
// over the run's own units, and up to which base it holds, with the run's
// lattice when the path does not hold for every base a text reaches.
type runPlan struct {
	// path holds the path's words in order, two entries each: the word's
	// units and its token's index in Dictionary.Tokens (-1: an unknown unit).
	path []int32
	// limit: for a base (the path length of everything before the run)
	// below it, gse's float32 pass over the run picks path (see planRun).
	limit float64
	// head and toks are the run's lattice (see lookupRun), nil when not
	// kept with the plan (limit is then at least latticeKeptBelow; a text
	// whose base reaches it has the run looked up again).
	head, toks []int32
}

// latticeKeptBelow: a plan whose limit is below it keeps its lattice, for
// the texts whose base reaches the limit (a base grows by about 10 a
// character: 100,000 is a text of some 10,000 characters).
const latticeKeptBelow = 100000

// runPlan returns the plan of units [r0, r1) of c, from the cache or
// made now (and kept). ok is false when a word the trie found is not in
// the side table (the caller falls back to gse.Segment).
func (s *Segmenter) runPlan(c *cutter, r0, r1 int) (p runPlan, ok bool) {
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
			end := sp.off + 2*sp.words
			p = runPlan{path: arena[sp.off:end], limit: sp.limit}
			if sp.lattice {
				p.head = arena[end : end+sp.n+1]
				base := end + sp.n + 1
				p.toks = arena[base : base+p.head[sp.n]]
			}
			return p, true
		}
	}
	head, toks, ok := s.lookupRun(c, r0, r1)
	if !ok {
		return runPlan{}, false
	}
	p = s.planRun(c, head, toks)
	p.head, p.toks = head, toks
	if sh == nil {
		return p, true
	}
	keep := p.limit < latticeKeptBelow
	size := len(p.path)
	if keep {
		size += len(head) + len(toks)
	}
	sh.mu.Lock()
	if sh.m == nil || len(sh.m) >= latticeShardRuns || len(sh.arena)+size > latticeShardWords ||
		len(sh.keys)+len(key) > latticeShardKeys {
		// New arenas, grown as runs come: plans handed out of the old
		// ones stay valid, and a shard that fills slowly holds little.
		sh.m = make(map[uint64]latticeSpan)
		sh.arena, sh.keys = nil, nil
	}
	// A run whose hash another run holds is not kept (a 2^-64 chance).
	if _, dup := sh.m[hash]; !dup {
		sh.m[hash] = latticeSpan{off: int32(len(sh.arena)), n: int32(n), koff: int32(len(sh.keys)),
			words: int32(len(p.path) / 2), lattice: keep, limit: p.limit}
		sh.arena = append(sh.arena, p.path...)
		if keep {
			sh.arena = append(sh.arena, head...)
			sh.arena = append(sh.arena, toks...)
		}
		sh.keys = append(sh.keys, key...)
	}
	sh.mu.Unlock()
	return p, true
}

// lookupRun looks the words of units [r0, r1) of c up in the trie, into
// c.lat: head[k] is where unit r0+k's words start in toks, head[r1-r0]
// their end, in the order LookupTokens gives them (shortest first). ok is
// false when a word is not in the side table.
func (s *Segmenter) lookupRun(c *cutter, r0, r1 int) (head, toks []int32, ok bool) {
	n := r1 - r0
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
	return lat[:n+1], lat[n+1:], true
}

// planRun finds a run's best path over its own units, from base 0 in
// exact arithmetic (float64 sums of the float32 path lengths: a few dozen
// of them need no rounding), and the base up to which gse's float32 pass
// picks the same path.
//
// gse's pass sums float32 path lengths from the text's start, so a word's
// sum after a base X is X plus the path's lengths, each addition rounded
// to float32: the error of a sum of at most n additions, none exceeding
// X + smax, is at most n·2⁻²⁴·(X + smax). Where every comparison the pass
// makes in the run differs by more than twice that (mu, the smallest
// difference of two compared sums), rounding cannot reverse one, and the
// float32 pass picks the exact path whatever X is below the limit. A run
// with a tie (two segmentations of equal length: words of equal
// frequency, 助理/理工 …) has mu 0 and no limit: rounding after some
// prefixes splits it the other way, so its pass runs every time. The limit
// keeps a factor of two in hand.
func (s *Segmenter) planRun(c *cutter, head, toks []int32) runPlan {
	n := len(head) - 1
	jumps := slices.Grow(c.plan[:0], n)[:n]
	clear(jumps)
	mu, smax := math.Inf(1), 0.0
	set := func(j *planJump, dist float64, tok, units int32) {
		smax = max(smax, dist)
		if j.units > 0 {
			if d := math.Abs(dist - j.dist); d < mu {
				mu = d
			}
			if dist >= j.dist {
				return
			}
		}
		j.dist, j.tok, j.units = dist, tok, units
	}
	for k := range n {
		var base float64
		if k > 0 {
			base = jumps[k-1].dist
		}
		found := toks[head[k]:head[k+1]]
		for _, ti := range found {
			info := s.info[ti]
			if info.dist <= 0 {
				mu = 0 // gse's "not reached yet" is a length of 0; never so
			}
			set(&jumps[k+info.units-1], base+float64(info.dist), ti, int32(info.units))
		}
		if len(found) == 0 || s.info[found[0]].units > 1 {
			set(&jumps[k], base+unknownDistance, -1, 1)
		}
	}
	c.plan = jumps
	path := c.path[:0]
	for at := n - 1; at >= 0; {
		j := jumps[at]
		path = append(path, j.tok, j.units)
		at -= int(j.units)
	}
	slices.Reverse(path) // units, token pairs in order
	c.path = path
	limit := -1.0
	if mu > 0 {
		limit = mu/(4*float64(n)*0x1p-24) - smax
	}
	return runPlan{path: path, limit: limit}
}

// charWord returns the path of unit r0 of c as a run of its own when the
// unit is one character of the BMP: the index of its one-unit token, or
// -1 for a unit the dictionary lacks (gse's pass over a run of one unit
// can only take one or the other). Each character is looked up in the trie
// once and kept in s.chars: every barrier is a run of its own, about half
// an import's runs. ok is false for other units, and for a token outside
// the side table (the caller takes the general way, which falls back).
func (s *Segmenter) charWord(c *cutter, r0 int) (ti int32, ok bool) {
	u := c.units[r0]
	var r rune
	switch {
	case len(u) == 1:
		r = rune(u[0])
	case len(u) == 3 && u[0] >= 0xE0 && u[0] < 0xF0:
		r, _ = utf8.DecodeRune(u)
	default:
		return 0, false
	}
	// s.chars holds the token's index plus two: 0 is "not met yet", 1 a
	// character the dictionary lacks (most barriers: ，。；： and line breaks
	// are no words of dict_zh.txt), so those are kept too.
	if v := s.chars[r].Load(); v != 0 {
		return v - 2, v != charNotInTable
	}
	v := int32(charNotInTable)
	if found := s.seg.Dict.LookupTokens(c.units[r0:r0+1], c.found); found == 0 {
		v = 1 // unknown: -1 + 2
	} else if i := s.tokenIndex(c.found[0]); i >= 0 && i < math.MaxInt32-2 {
		v = int32(i) + 2
	}
	s.chars[r].Store(v)
	return v - 2, v != charNotInTable
}

// charNotInTable marks a character in s.chars whose token is not in the
// side table.
const charNotInTable = math.MinInt32
