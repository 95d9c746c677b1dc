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
			id = int32(len(e.courseTermName))
			e.courseTermID[t] = id
			e.courseTermName = append(e.courseTermName, t)
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

// heldTerms is what a graduate holds (skills and certificates), with a
// memo of which course terms (Engine.courseTermIDs) it satisfies: the
// courses name the same few dozen terms again and again, and
// catalog.SatisfiedBy normalises every name it compares (it was a quarter
// of a course ranking's CPU). The held names are resolved in the lexicon
// once (catalog.Holder), not at every term.
type heldTerms struct {
	held   []string
	holder *catalog.Holder
	names  []string // by course term id (Engine.courseTermName)
	memo   []int8   // by course term id: 0 not known yet, 1 not satisfied, 2 satisfied
}

func newHeldTerms(e *Engine, held []string) heldTerms {
	return heldTerms{held: held, names: e.courseTermName, memo: make([]int8, len(e.courseTermName))}
}

func (h *heldTerms) satisfies(id int32) bool {
	v := h.memo[id]
	if v == 0 {
		if h.holder == nil {
			h.holder = catalog.NewHolder(h.held)
		}
		v = 1
		if h.holder.Satisfies(h.names[id]) {
			v = 2
		}
		h.memo[id] = v
	}
	return v == 2
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
