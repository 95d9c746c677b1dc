package engine

import (
	"encoding/binary"
	"slices"
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
// generations of profileCacheGen entries (twoGen).
type profileCache struct {
	m twoGen[*profileEntry]
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
	pe, _ := c.m.get(key, profileCacheGen)
	return pe
}

// put stores pe unless another request stored the key first, and returns
// the stored entry.
func (c *profileCache) put(key string, pe *profileEntry) *profileEntry {
	return c.m.put(key, pe, profileCacheGen)
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
	m twoGen[[]termCount]
}

const textCountsGen = 1 << 15

// counts is sortedCounts(termCounts(an, texts, reps)), each text segmented
// at most once while it stays cached. The weighted counts are sums of
// small integers, exact in float64 in any order, so summing each text's
// count times its weight gives termCounts's floats. Each text's counts
// are sorted already, so they are merged, not sorted again (a stable sort
// of them all by string was a third of compiling a graduate's profile).
func (c *textCounts) counts(an matcher.Analyzer, texts []string, reps []int) []termCount {
	var lbuf [4][]termCount // profileTexts's three texts
	var wbuf [4]float64
	lists, weights := lbuf[:0], wbuf[:0]
	n := 0
	for i, t := range texts {
		if t == "" {
			continue
		}
		if tc := c.of(an, t); len(tc) > 0 {
			lists, weights = append(lists, tc), append(weights, float64(reps[i]))
			n += len(tc)
		}
	}
	out := make([]termCount, 0, n)
	for {
		// The smallest term at the head of a list; equal terms are summed
		// in the texts' order, as the stable sort did.
		first := -1
		for i, l := range lists {
			if len(l) > 0 && (first < 0 || l[0].term < lists[first][0].term) {
				first = i
			}
		}
		if first < 0 {
			return slices.Clip(out)
		}
		x := termCount{lists[first][0].term, 0}
		for i, l := range lists[first:] {
			if len(l) > 0 && l[0].term == x.term {
				x.n += l[0].n * weights[first+i]
				lists[first+i] = l[1:]
			}
		}
		out = append(out, x)
	}
}

// of returns text's term counts (weight 1), sorted by term; shared, never
// modified.
func (c *textCounts) of(an matcher.Analyzer, text string) []termCount {
	if tc, ok := c.m.get(text, textCountsGen); ok {
		return tc
	}
	return c.m.put(text, sortedTermCounts(an, []string{text}, []int{1}), textCountsGen)
}
