package engine

import (
	"slices"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

// What a graduate already holds, as it decides which courses are left out
// (courses.go ranks the rest).

// courseExcluded names the rule that leaves a course out for a graduate
// holding the terms held, or "" when none does: started or full, or for
// what they hold already (every term its title names, or every term it
// teaches, is one they hold or one that a term they hold satisfies; or
// they hold a kind of a subject the course is about: an Excel holder has
// 办公软件, and an office-software course teaching Word, Excel and PPT is
// a course in what they know, not a gap).
func courseExcluded(cr *courseRec, now time.Time, held *heldTerms) string {
	switch {
	case cr.c.Places <= 0:
		return matcher.RuleCoursePlaces
	case !cr.c.Open(now):
		return matcher.RuleCourseStarted
	case allHeld(cr.titleIDs, held) || allHeld(cr.ownIDs, held) || anyHeld(cr.subjectIDs, held):
		return matcher.RuleCourseSkillsHeld
	}
	return ""
}

// courseTermIDs interns the terms a course is excluded on (courseExcluded):
// a ranking's memo of what the graduate holds is then a slice by id
// (heldTerms), not a map by name: 620 courses' lookups for every graduate
// of a nightly batch were a quarter of its course ranking.
func (e *Engine) courseTermIDs(terms []string) []int32 {
	if len(terms) == 0 {
		return nil
	}
	if e.courseTermID == nil {
		e.courseTermID = map[string]int32{}
	}
	ids := make([]int32, len(terms))
	for i, t := range terms {
		id, ok := e.courseTermID[t]
		if !ok {
			id = int32(len(e.courseTerms))
			e.courseTermID[t] = id
			e.courseTerms = append(e.courseTerms, catalog.ResolveNeed(t))
		}
		ids[i] = id
	}
	return ids
}

// courseSubjects are the broad terms a course is about, read on the
// lexicon's hierarchy: a term it teaches or its title names of which
// another term it teaches is a kind (办公软件 with Excel), or the parent of
// at least two terms it teaches (Word and PPT are both 办公软件, though the
// description may not name 办公软件 itself). A course teaching one kind of
// a broad term (MySQL, a 数据库) is not about the broad term.
func courseSubjects(own, titleTerms []string) []string {
	var out []string
	add := func(t string) {
		if t = catalog.Canonical(t); !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	kinds := map[string]int{}
	for _, t := range own {
		if sk, ok := catalog.SkillByName(t); ok && sk.Parent != "" {
			kinds[sk.Parent]++
		}
	}
	for _, t := range slices.Concat(own, titleTerms) {
		if kinds[catalog.Canonical(t)] > 0 {
			add(t)
		}
	}
	for parent, n := range kinds {
		if n >= 2 {
			add(parent)
		}
	}
	slices.Sort(out)
	return out
}

// heldTerms is what a graduate holds (skills and certificates) and which
// course terms (Engine.courseTermIDs) it satisfies, as a bitset by id.
// catalog.Holder's Satisfies is an "or" over the held names, so the set is
// the union of each held name's (heldBits): the engine keeps one per
// distinct name, and a ranking ORs a few words per name instead of asking
// the lexicon about every term its courses name (that, memoised per
// ranking by name, was half of a nightly batch's course ranking).
type heldTerms struct {
	held []string
	bits []uint64
}

func (e *Engine) newHeldTerms(held []string) heldTerms {
	h := heldTerms{held: held}
	if len(held) == 0 {
		return h
	}
	n := len(e.courseTerms)
	h.bits = make([]uint64, (n+63)/64)
	for _, name := range held {
		for w, b := range e.heldBits(name, n) {
			h.bits[w] |= b
		}
	}
	return h
}

// courseHeld is what a held name satisfies among the first n course terms.
type courseHeld struct {
	n    int
	bits []uint64
}

// heldBits returns the course terms (of the first n, n being every term
// interned so far) that the held name satisfies, computed on the first
// ranking that meets the name since courses added terms. The caller holds
// e.mu, so the terms do not change meanwhile; ids never change once given.
func (e *Engine) heldBits(name string, n int) []uint64 {
	if ch, ok := e.courseHeld.Load(name); ok && ch.n == n {
		return ch.bits
	}
	hold := catalog.NewHolder([]string{name})
	bits := make([]uint64, (n+63)/64)
	for id, t := range e.courseTerms[:n] {
		if hold.SatisfiesNeed(t) {
			bits[id>>6] |= 1 << (id & 63)
		}
	}
	// Profiles from portals may name anything: bounded like the major
	// memos (cappedMemo), starting afresh when full.
	e.courseHeld.Store(name, &courseHeld{n: n, bits: bits})
	return bits
}

func (h *heldTerms) satisfies(id int32) bool {
	return h.bits[id>>6]&(1<<(id&63)) != 0
}

// anyHeld reports whether a term of held satisfies one of terms.
func anyHeld(terms []int32, held *heldTerms) bool {
	if len(held.held) == 0 {
		return false // nothing held satisfies anything (catalog.Holder)
	}
	for _, t := range terms {
		if held.satisfies(t) {
			return true
		}
	}
	return false
}

func allHeld(terms []int32, held *heldTerms) bool {
	if len(terms) == 0 || len(held.held) == 0 {
		return false
	}
	for _, t := range terms {
		if !held.satisfies(t) {
			return false
		}
	}
	return true
}
