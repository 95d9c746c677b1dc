package engine

import (
	"encoding/binary"
	"sync"
	"sync/atomic"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// profileCache remembers what a graduate's profile (major, skills and
// certificates) compiles to: the analyzer's term counts, and, for the
// engine as it stands (gen), the tf-idf vector and the skill ids. Segmenting
// a profile with gse costs tens of microseconds, and Candidates reads the
// whole 50,000-graduate ledger on every call: without the cache that is
// most of reverse matching's time. The term counts depend only on the text
// and the engine's analyzer, so they survive upserts and recompiles; the
// vector and skill ids depend on the posts (idf, interned ids) and are
// recomputed when the engine has changed since (gen differs).
//
// The key is the profile itself, not the graduate's ID and UpdatedAt: a
// profile sent without an UpdatedAt (portals' profiles), or edited without
// bumping it, can never be served a stale entry, and graduates with the
// same major, skills and certificates share one. Bounded by two
// generations: when the current map is full it becomes the previous one
// (entries found there move back) and the old previous one is dropped, so
// what is in use stays and at most 2·profileCacheGen entries are held.
type profileCache struct {
	mu        sync.Mutex
	cur, prev map[string]*profileEntry
}

const profileCacheGen = 1 << 16

type profileEntry struct {
	terms []termCount // sorted by term
	comp  atomic.Pointer[profileComp]
}

// profileComp is a profile compiled against one state of the engine.
// Shared by every request that reads it: never modified.
type profileComp struct {
	gen      uint64
	qIDs     []uint32 // profile vector, sorted
	qW       []float32
	skills   []uint32 // sorted ids of skills and certificates the graduate has
	skillBit []uint64 // the same as a bitset over skill ids
}

func (c *profileCache) get(key string) *profileEntry {
	c.mu.Lock()
	defer c.mu.Unlock()
	if pe, ok := c.cur[key]; ok {
		return pe
	}
	pe, ok := c.prev[key]
	if ok {
		c.putLocked(key, pe)
	}
	return pe
}

// put stores pe unless another request stored the key first, and returns
// the stored entry.
func (c *profileCache) put(key string, pe *profileEntry) *profileEntry {
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.cur[key]; ok {
		return old
	}
	c.putLocked(key, pe)
	return pe
}

func (c *profileCache) putLocked(key string, pe *profileEntry) {
	if c.cur == nil || len(c.cur) >= profileCacheGen {
		c.prev, c.cur = c.cur, make(map[string]*profileEntry, 1024)
	}
	c.cur[key] = pe
}

// profileKey is g's profile as one string: every field and list item
// length-prefixed, so no two profiles share a key (skills "a b" and "a",
// "b" read the same as text but are different skills).
func profileKey(g *matcher.Graduate) string {
	n := len(g.Major) + 4
	for _, list := range [][]string{g.Skills, g.Certificates} {
		for _, x := range list {
			n += len(x) + 2
		}
	}
	b := make([]byte, 0, n)
	b = binary.AppendUvarint(b, uint64(len(g.Major)))
	b = append(b, g.Major...)
	for _, list := range [][]string{g.Skills, g.Certificates} {
		b = binary.AppendUvarint(b, uint64(len(list)))
		for _, x := range list {
			b = binary.AppendUvarint(b, uint64(len(x)))
			b = append(b, x...)
		}
	}
	return string(b)
}

// compiledProfile returns g's profile compiled against the engine as it
// stands. The caller holds e.mu (read or write), which keeps e.gen fixed.
func (e *Engine) compiledProfile(g *matcher.Graduate) *profileComp {
	key := profileKey(g)
	pe := e.profiles.get(key)
	if pe == nil {
		texts, reps := profileTexts(g)
		pe = e.profiles.put(key, &profileEntry{terms: sortedCounts(termCounts(e.an, texts, reps))})
	}
	if pc := pe.comp.Load(); pc != nil && pc.gen == e.gen {
		return pc
	}
	pc := &profileComp{gen: e.gen}
	pc.skills = e.impliedIDs(false, g.Skills, g.Certificates)
	if len(pc.skills) > 0 {
		pc.skillBit = make([]uint64, pc.skills[len(pc.skills)-1]/64+1)
		for _, id := range pc.skills {
			pc.skillBit[id>>6] |= 1 << (id & 63)
		}
	}
	pc.qIDs, pc.qW = e.vectorizeCounts(pe.terms, false)
	// Concurrent readers may both compile it: the results are equal.
	pe.comp.Store(pc)
	return pc
}
