package catalog

import (
	"slices"
	"strings"
)

// Satisfies reports whether a person who has the skill or certificate have
// meets a need for need: have is need (by name or alias), or a kind of it,
// or a higher level of it (see Skill). Names the lexicon does not know
// satisfy only themselves, compared case-insensitively with full-width
// forms folded.
//
//	Satisfies("小学教师资格证", "教师资格证")   // true: a kind of
//	Satisfies("英语六级", "CET-4")             // true: a higher level
//	Satisfies("普通话一级乙等", "普通话二级甲等") // true
//	Satisfies("教师资格证", "小学教师资格证")   // false: broader is not enough
func Satisfies(have, need string) bool {
	return resolveTerm(have).satisfies(resolveTerm(need))
}

// SatisfiedBy returns the first of have that satisfies need, preferring one
// that is need itself, so an explanation can say which of a graduate's
// certificates meets a post's requirement ("普通话一级乙等 满足 普通话二级甲等").
func SatisfiedBy(have []string, need string) (string, bool) {
	return NewHolder(have).SatisfiedBy(need)
}

// term is a skill or certificate name resolved in the lexicon: its index,
// or -1 and its comparison form (trimmed, normalizeText: Latin letters
// lower-cased, full-width forms folded) for a name the lexicon does not
// know. Two terms are the same name when they are equal.
type term struct {
	idx int
	key string
}

func resolveTerm(name string) term {
	loadSkills()
	k := normalizeText(nil, strings.TrimSpace(name)) // the lexicon's key (skillIndex reads through here)
	if i, ok := skillByKey[string(k)]; ok {
		return term{idx: i}
	}
	return term{idx: -1, key: string(k)}
}

// satisfies is THE rule of Satisfies, SatisfiedBy and Holder: a name the
// lexicon knows satisfies need when need is among what it satisfies
// (itself, its parents, what it implies); a name it does not know
// satisfies only itself, folded; the one never satisfies the other.
func (h term) satisfies(need term) bool {
	switch {
	case h.idx < 0 || need.idx < 0:
		return h == need
	case h.idx == need.idx:
		return true
	}
	_, ok := slices.BinarySearch(satisfied[h.idx], need.idx)
	return ok
}

// Implied returns the canonical names of names and of every term they
// satisfy, each once: the set a graduate's skills and certificates cover.
// Matching many needs against one person is then a set lookup of each
// need's Canonical name. Names the lexicon does not know are kept as
// written (trimmed).
//
//	Implied("英语六级", "B2驾驶证") // → 英语六级 B2驾驶证 英语 英语四级 驾驶证 C1驾驶证 C2驾驶证 (some order)
func Implied(names ...string) []string {
	var out []string
	seen := map[string]bool{}
	add := func(n string) {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	for _, n := range names {
		if i, ok := skillIndex(n); ok {
			add(skills[i].Name)
		} else if t := strings.TrimSpace(n); t != "" {
			add(t)
		}
	}
	for _, n := range names {
		if i, ok := skillIndex(n); ok {
			for _, j := range satisfied[i] {
				add(skills[j].Name)
			}
		}
	}
	return out
}

// Canonical returns the lexicon's name for a name, alias or lookup-only
// name, or the name as written (trimmed) when the lexicon does not know it.
func Canonical(name string) string {
	if i, ok := skillIndex(name); ok {
		return skills[i].Name
	}
	return strings.TrimSpace(name)
}

// Narrowest drops from names every term that another of them satisfies, so
// a post that writes both C1驾照 and 驾驶证 needs C1驾驶证 once, not two
// things; order and unknown names are kept.
func Narrowest(names []string) []string {
	// Each name resolved once, not twice for every pair: a build asks
	// for every post's skills and certificates.
	var ts []term
	if len(names) > 1 {
		ts = make([]term, len(names))
		for i, n := range names {
			ts[i] = resolveTerm(n)
		}
	}
	var out []string
	for i, n := range names {
		covered := false
		for j := range names {
			if i != j && !ts[i].satisfies(ts[j]) && ts[j].satisfies(ts[i]) {
				covered = true
				break
			}
		}
		if !covered {
			out = append(out, n)
		}
	}
	return out
}

// Holder is a person's skills and certificates resolved once for many
// questions of SatisfiedBy's kind: the course ranking asks, for every
// graduate, whether they hold each of a few hundred terms, and resolving
// every held name again for each term was most of that.
type Holder struct {
	names []string // as given, for SatisfiedBy's answer
	held  []term
}

// NewHolder resolves have.
func NewHolder(have []string) *Holder {
	h := &Holder{names: have, held: make([]term, len(have))}
	for i, name := range have {
		h.held[i] = resolveTerm(name)
	}
	return h
}

// Satisfies reports whether one of the held names satisfies need: the ok
// of SatisfiedBy(have, need).
func (h *Holder) Satisfies(need string) bool {
	return h.SatisfiesNeed(ResolveNeed(need))
}

// SatisfiedBy is SatisfiedBy(have, need) of the names the holder was
// made of, with them resolved once: an explanation asks it for each
// requirement of each item it explains for one graduate.
func (h *Holder) SatisfiedBy(need string) (string, bool) {
	n := resolveTerm(need)
	for i, t := range h.held {
		if t == n {
			return h.names[i], true
		}
	}
	for i, t := range h.held {
		if t.satisfies(n) {
			return h.names[i], true
		}
	}
	return "", false
}

// Need is a name resolved once (ResolveNeed) for the many holders asked
// about it: the engine asks every distinct held name about every term its
// courses name, and resolving (folding and looking up) each term again for
// each name was most of that.
type Need struct{ t term }

// ResolveNeed resolves need for SatisfiesNeed.
func ResolveNeed(need string) Need { return Need{resolveTerm(need)} }

// SatisfiesNeed is Satisfies of the name need was resolved from.
func (h *Holder) SatisfiesNeed(need Need) bool {
	for _, t := range h.held {
		if t.satisfies(need.t) {
			return true
		}
	}
	return false
}
