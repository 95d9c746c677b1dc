package engine

import (
	"encoding/binary"
	"slices"
	"strings"
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
		pe = e.profiles.put(key, &profileEntry{terms: e.profileTextCounts.counts(e.an, texts, reps)})
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

// textCounts remembers the analyzer's term counts of one profile text (a
// major, a graduate's skills or certificates as profileTexts joins them),
// unweighted and sorted by term. Whole profiles rarely repeat (skills
// combine freely: 50,000 graduates have some 25,000 distinct profiles), so
// profileCache misses for most graduates of a nightly batch, but their
// texts do repeat: a few hundred majors, a few thousand certificate lists.
// Segmenting them was two thirds of compiling a graduate. Analysis is a
// function of the text alone (the engine's analyzer never changes), so the
// entries never go stale; bounded by two generations like profileCache.
type textCounts struct {
	mu        sync.Mutex
	cur, prev map[string][]termCount
}

const textCountsGen = 1 << 15

// counts is sortedCounts(termCounts(an, texts, reps)), each text segmented
// at most once while it stays cached. The weighted counts are sums of
// small integers, exact in float64 in any order, so summing each text's
// count times its weight gives termCounts's floats.
func (c *textCounts) counts(an matcher.Analyzer, texts []string, reps []int) []termCount {
	var all []termCount
	for i, t := range texts {
		if t == "" {
			continue
		}
		for _, x := range c.of(an, t) {
			all = append(all, termCount{x.term, x.n * float64(reps[i])})
		}
	}
	slices.SortStableFunc(all, func(a, b termCount) int { return strings.Compare(a.term, b.term) })
	out := all[:0]
	for _, x := range all {
		if k := len(out) - 1; k >= 0 && out[k].term == x.term {
			out[k].n += x.n
			continue
		}
		out = append(out, x)
	}
	return slices.Clip(out)
}

// of returns text's term counts (weight 1), sorted by term; shared, never
// modified.
func (c *textCounts) of(an matcher.Analyzer, text string) []termCount {
	c.mu.Lock()
	tc, ok := c.cur[text]
	if !ok {
		if tc, ok = c.prev[text]; ok {
			c.putLocked(text, tc)
		}
	}
	c.mu.Unlock()
	if ok {
		return tc
	}
	tc = sortedCounts(termCounts(an, []string{text}, []int{1}))
	c.mu.Lock()
	c.putLocked(text, tc)
	c.mu.Unlock()
	return tc
}

func (c *textCounts) putLocked(text string, tc []termCount) {
	if c.cur == nil || len(c.cur) >= textCountsGen {
		c.prev, c.cur = c.cur, make(map[string][]termCount, 1024)
	}
	c.cur[text] = tc
}
