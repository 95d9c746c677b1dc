package engine

import (
	"slices"
	"strings"

	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

// Skills and certificates are matched as terms of the catalogue's lexicon
// (matcher/catalog, skills.csv) with its hierarchy: a need is met by the
// term itself, by a kind of it (小学教师资格证 meets 教师资格证) or by a
// higher level (英语六级 meets 英语四级), never by something broader. Posts'
// needs are interned by canonical name; a graduate's (or a course's) terms
// become the ids of everything they satisfy (catalog.Implied), so a need
// is met when its id is in that set: one bit test in the scan.

// impliedIDs returns, sorted, the ids of every term the names satisfy.
// A graduate's terms that no post asks for have no id and are left out
// (intern false: a request never writes to the engine); a course's are
// interned (intern true, under the engine's write lock), so a post added
// later that asks for one finds it.
func (e *Engine) impliedIDs(intern bool, lists ...[]string) []uint32 {
	var names []string
	for _, l := range lists {
		names = append(names, l...)
	}
	var ids []uint32
	for _, n := range catalog.Implied(names...) {
		id, ok := e.skillIDs[normSkill(n)]
		if !ok && intern {
			id, ok = e.internSkill(n)
		}
		if ok {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

// internSkill gives a term's canonical name an id ("" has none).
func (e *Engine) internSkill(name string) (uint32, bool) {
	key := normSkill(name)
	if key == "" {
		return 0, false
	}
	id, ok := e.skillIDs[key]
	if !ok {
		id = uint32(len(e.skillName))
		e.skillIDs[key] = id
		e.skillName = append(e.skillName, strings.TrimSpace(name))
	}
	return id, true
}
