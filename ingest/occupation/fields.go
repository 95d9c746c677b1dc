package occupation

import (
	"strings"
	"unicode/utf8"

	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

// A function key (工艺工程师, 医生: marked "^" in the curated table) names a
// duty or a rank every field of its group has; the field comes from the
// words before it. fieldOf reads them, most specific first:
//  1. a key that spans the function key as its tail (the catalogue's
//     半导体工艺工程师 over 工艺工程师);
//  2. the specialty of a sibling occupation, one of the function key's
//     中类 named after its specialty (口腔 of 口腔科医师 in 口腔执业医师,
//     铸造 of 铸造工程技术人员 in 铸造工艺工程师), standing on the title's
//     words anywhere before the key;
//  3. a key that ends where the function key starts and names a
//     professional occupation (major group 2: 化工 in 化工|工艺工程师, not
//     the operator's 数控 in 数控|工艺工程师).
//
// Without any of them the function key stands, with its own code.
func (c *Classifier) fieldOf(seg string, b bounds, f hit) hit {
	if h, ok := c.spanningKey(seg, b, f); ok {
		return h
	}
	if h, ok := c.siblingSpecialty(seg, b, f); ok {
		return h
	}
	if h, ok := c.adjacentField(seg, b, f); ok {
		return h
	}
	return f
}

// spanningKey is rule 1: the longest key ending with f.
func (c *Classifier) spanningKey(seg string, b bounds, f hit) (hit, bool) {
	for i := 0; i < f.start; {
		r, size := utf8.DecodeRuneInString(seg[i:])
		for _, l := range c.lens[r] {
			if i+l != f.end {
				continue
			}
			if idx, ok := c.keys[seg[i:f.end]]; ok && !c.entries[idx].weak && b.accepts(i, f.end) {
				return hit{idx: idx, start: i, end: f.end}, true
			}
		}
		i += size
	}
	return hit{}, false
}

// adjacentField is rule 3: the longest key ending at f.start whose
// occupation is a professional one; the hit spans both.
func (c *Classifier) adjacentField(seg string, b bounds, f hit) (hit, bool) {
	for i := 0; i < f.start; {
		r, size := utf8.DecodeRuneInString(seg[i:])
		for _, l := range c.lens[r] {
			if i+l != f.start {
				continue
			}
			idx, ok := c.keys[seg[i:f.start]]
			if ok && !c.entries[idx].weak && strings.HasPrefix(c.entries[idx].code, "2-") && b.accepts(i, f.start) {
				return hit{idx: idx, start: i, end: f.end}, true
			}
		}
		i += size
	}
	return hit{}, false
}

// siblingSpecialty is rule 2: the specialty nearest before f, read as
// its occupation's official name; the hit spans both.
func (c *Classifier) siblingSpecialty(seg string, b bounds, f hit) (hit, bool) {
	var best hit
	found := false
	for _, s := range c.stems[c.entries[f.idx].code] {
		i := strings.LastIndex(seg[:f.start], s.word)
		if i < 0 || !b.accepts(i, i+len(s.word)) {
			continue
		}
		if !found || i > best.start {
			best, found = hit{idx: s.entry, start: i, end: f.end}, true
		}
	}
	return best, found
}

// stem is a sibling occupation's specialty word and the entry of its
// official name.
type stem struct {
	word  string
	entry int
}

// specialtyStems finds, for every function key's code, the specialties of
// the level-4 occupations of its 中类: each name less the head they all
// end with (口腔科医师 less 医师: 口腔科, and 口腔 without its 科; 铸造工程技术人员
// less 工程技术人员: 铸造). One-rune specialties (内, 眼) count only with
// their 科 (内科, 眼科): alone they are characters of other words.
func specialtyStems(c *Classifier) map[string][]stem {
	out := map[string][]stem{}
	for _, e := range c.entries {
		if !e.function || out[e.code] != nil {
			continue
		}
		var names []catalog.Occupation
		for _, o := range catalog.Occupations() {
			if o.Level == 4 && strings.HasPrefix(o.Code, e.code[:7]) {
				names = append(names, o)
			}
		}
		head := commonSuffix(names)
		if utf8.RuneCountInString(head) < 2 {
			continue
		}
		for _, o := range names {
			idx, ok := c.keys[fold(o.Name)]
			if !ok {
				continue
			}
			sp := strings.TrimSuffix(o.Name, head)
			for _, w := range []string{sp, strings.TrimSuffix(sp, "科")} {
				if utf8.RuneCountInString(w) >= 2 {
					out[e.code] = append(out[e.code], stem{word: fold(w), entry: idx})
				}
			}
		}
	}
	return out
}

// commonSuffix is the longest suffix the names share.
func commonSuffix(occs []catalog.Occupation) string {
	if len(occs) == 0 {
		return ""
	}
	suf := occs[0].Name
	for _, o := range occs[1:] {
		for !strings.HasSuffix(o.Name, suf) {
			_, size := utf8.DecodeRuneInString(suf)
			suf = suf[size:]
		}
	}
	return suf
}
