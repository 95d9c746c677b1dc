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
	h, hok := skillIndex(have)
	n, nok := skillIndex(need)
	if !hok || !nok {
		return hok == nok && foldKey(have) == foldKey(need)
	}
	_, ok := slices.BinarySearch(satisfied[h], n)
	return ok
}

// SatisfiedBy returns the first of have that satisfies need, preferring one
// that is need itself, so an explanation can say which of a graduate's
// certificates meets a post's requirement ("普通话一级乙等 满足 普通话二级甲等").
func SatisfiedBy(have []string, need string) (string, bool) {
	n, nok := skillIndex(need)
	for _, h := range have {
		if i, ok := skillIndex(h); ok && nok && i == n || !ok && !nok && foldKey(h) == foldKey(need) {
			return h, true
		}
	}
	for _, h := range have {
		if Satisfies(h, need) {
			return h, true
		}
	}
	return "", false
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
	var out []string
	for i, n := range names {
		covered := false
		for j, m := range names {
			if i != j && !Satisfies(n, m) && Satisfies(m, n) {
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

// foldKey is the comparison form of a name the lexicon does not know.
func foldKey(s string) string { return string(normalizeText(nil, strings.TrimSpace(s))) }

// Holder is a person's skills and certificates resolved once for many
// questions of SatisfiedBy's kind: the course ranking asks, for every
// graduate, whether they hold each of a few hundred terms, and resolving
// every held name again for each term was most of that.
type Holder struct {
	idx []int    // lexicon index of each held name; -1: not in the lexicon
	key []string // the folded name (foldKey), for names the lexicon lacks
}

// NewHolder resolves have.
func NewHolder(have []string) *Holder {
	loadSkills()
	h := &Holder{idx: make([]int, len(have)), key: make([]string, len(have))}
	for i, name := range have {
		k := foldKey(name)
		if j, ok := skillByKey[k]; ok {
			h.idx[i] = j
		} else {
			h.idx[i], h.key[i] = -1, k
		}
	}
	return h
}

// Satisfies reports whether one of the held names satisfies need: the ok
// of SatisfiedBy(have, need).
func (h *Holder) Satisfies(need string) bool {
	k := foldKey(need)
	n, nok := skillByKey[k]
	for i, j := range h.idx {
		switch {
		case j < 0 && !nok:
			if h.key[i] == k {
				return true
			}
		case j >= 0 && nok:
			if j == n {
				return true
			}
			if _, ok := slices.BinarySearch(satisfied[j], n); ok {
				return true
			}
		}
	}
	return false
}
