package catalog

import (
	"fmt"
	"slices"
	"strings"
)

// LinkKind says how strongly a major leads to an occupation.
type LinkKind int

const (
	LinkRelated  LinkKind = iota + 1 // graduates of the major often work there
	LinkCore                         // what the major trains for
	LinkLicensed                     // the occupation needs a licence the major's degree qualifies for (医师, 护士, 律师 …)
)

var linkKinds = map[string]LinkKind{"related": LinkRelated, "core": LinkCore, "licensed": LinkLicensed}

func (k LinkKind) String() string {
	for s, v := range linkKinds {
		if v == k {
			return s
		}
	}
	return fmt.Sprintf("LinkKind(%d)", int(k))
}

// OccupationLink is one occupation a major leads to (major_occupations.csv).
type OccupationLink struct {
	Occupation string // CSCO 2022 code: a 细类, or a 小类 (…-00) standing for every 细类 under it
	Name       string // the occupation's name
	Kind       LinkKind
	// Inherited: the link was written for the major's 专业类, not for the
	// major (which has no links of its own of that kind).
	Inherited bool
	From      string // the major or 专业类 code the link was written for
	// Licence names the licence a regulated occupation needs
	// (regulated_occupations.csv); "" when the occupation is not regulated.
	Licence string
}

// Regulation is an occupation whose licence only graduates of certain
// majors may sit for: the majors with a licensed link to it (or to the
// 小类 it belongs to) qualify, and no other major counts for it, however
// close (临床医学 qualifies for 临床医师, not 口腔科医师, which needs 口腔医学).
type Regulation struct {
	Occupation string // 细类 or 小类 code
	Name       string
	Licence    string
	Basis      string // the regulation the licence rests on
}

var (
	// links holds the links written for each major or 专业类 code, in
	// file order.
	links       map[string][]OccupationLink
	regulations map[string]*Regulation
)

func loadMajorLinks() error {
	rows, err := readCSV("regulated_occupations.csv")
	if err != nil {
		return err
	}
	regulations = map[string]*Regulation{}
	for i, r := range rows {
		if len(r) != 4 {
			return fmt.Errorf("regulated_occupations.csv:%d: %d fields, want 4", i+2, len(r))
		}
		if _, ok := occByCode[r[0]]; !ok {
			return fmt.Errorf("regulated_occupations.csv:%d: occupation %s is not in occupations.csv", i+2, r[0])
		}
		regulations[r[0]] = &Regulation{Occupation: r[0], Name: occByCode[r[0]].Name, Licence: r[2], Basis: r[3]}
	}
	if rows, err = readCSV("major_occupations.csv"); err != nil {
		return err
	}
	links = map[string][]OccupationLink{}
	for i, r := range rows {
		line := i + 2
		if len(r) != 6 {
			return fmt.Errorf("major_occupations.csv:%d: %d fields, want 6", line, len(r))
		}
		code, scope, occ := r[0], r[2], r[3]
		switch scope {
		case "专业":
			if _, ok := majorByCode[code]; !ok {
				return fmt.Errorf("major_occupations.csv:%d: major %s is not in majors.csv", line, code)
			}
		case "专业类":
			if _, ok := classes[code]; !ok && !isVocationalClass(code) {
				return fmt.Errorf("major_occupations.csv:%d: 专业类 %s has no major in majors.csv", line, code)
			}
		default:
			return fmt.Errorf("major_occupations.csv:%d: scope %q, want 专业 or 专业类", line, scope)
		}
		o, ok := occByCode[occ]
		if !ok {
			return fmt.Errorf("major_occupations.csv:%d: occupation %s is not in occupations.csv", line, occ)
		}
		kind, ok := linkKinds[r[5]]
		if !ok {
			return fmt.Errorf("major_occupations.csv:%d: kind %q, want core, related or licensed", line, r[5])
		}
		l := OccupationLink{Occupation: occ, Name: o.Name, Kind: kind, From: code}
		if g := governing(occ); g != nil {
			l.Licence = g.Licence
		}
		links[code] = append(links[code], l)
	}
	for i := range majors {
		m := &majors[i]
		for _, c := range m.Occupations {
			if _, ok := occByCode[c]; !ok {
				return fmt.Errorf("majors.csv: %s %s: occupation %s is not in occupations.csv", m.Code, m.Name, c)
			}
		}
		if len(m.Occupations) == 0 {
			m.Occupations = occupationCodes(MajorOccupationsOf(m))
		}
	}
	return nil
}

func isVocationalClass(code string) bool { return len(code) == 4 && code[0] >= '2' && code[0] <= '7' }

// equivalentClass maps a 中职 or 高职本科 专业类 to the 高职专科 one of the
// same name (7102 and 3102 计算机类 → 5102): the 2021 vocational catalogue
// numbers its three levels' 专业大类 20 apart and names their 专业类 alike.
func equivalentClass(code string) string {
	if len(code) != 4 {
		return ""
	}
	var d byte
	switch code[0] {
	case '6', '2':
		d = '4'
	case '7', '3':
		d = '5'
	default:
		return ""
	}
	return string(d) + code[1:]
}

// classLinks returns the links written for a 专业类, or for the 高职专科
// class it corresponds to when it has none of its own.
func classLinks(code string) []OccupationLink {
	if ls := links[code]; len(ls) > 0 {
		return ls
	}
	return links[equivalentClass(code)]
}

// MajorOccupations returns the occupations a major leads to, by major code
// or by 专业类 code (for a graduate whose major was only placed in a
// 专业类, without the class's licensed links). A major's own links come
// first; a 专业类's licensed links apply to every major in it (护理学类 →
// 护理人员); its other links are inherited only by majors with no core or
// related link of their own.
// Links are ordered licensed, core, related within each source.
func MajorOccupations(code string) []OccupationLink {
	load()
	code = strings.TrimSpace(code)
	if m, ok := majorByCode[code]; ok {
		return MajorOccupationsOf(m)
	}
	// A 专业类 alone (a name inferred into it, or the class named) never
	// carries its licensed links: a licence needs a major of the catalogue
	// (宠物护理 guessed into 护理类 must not make a nurse).
	var ls []OccupationLink
	for _, l := range classLinks(code) {
		if l.Kind != LinkLicensed {
			ls = append(ls, l)
		}
	}
	return sortedLinks(ls)
}

// occupationCodes is Major.Occupations: the codes of the links the major
// has of its own when it has any (else the inherited ones), without a
// 小类 whose 细类 are listed too (临床医学 lists 内科医师, 外科医师 …, not
// also 临床和口腔医师, which would take in 口腔科医师).
func occupationCodes(ls []OccupationLink) []string {
	own := false
	for _, l := range ls {
		own = own || !l.Inherited
	}
	var out []string
	for _, l := range ls {
		if l.Inherited && own {
			continue
		}
		covered := false
		for _, x := range ls {
			covered = covered || (x.Occupation != l.Occupation && smallClassOf(x.Occupation) == l.Occupation && x.Inherited == l.Inherited)
		}
		if !covered && !slices.Contains(out, l.Occupation) {
			out = append(out, l.Occupation)
		}
	}
	return out
}

// namesake is the major of the same name at another level that has links
// of its own (中职 护理 → 高职专科 护理, 研究生 软件工程 → 本科 软件工程):
// the same programme taught at a neighbouring level, a closer source of
// links than the 专业类.
func namesake(m *Major) *Major {
	for _, l := range []string{LevelAssociate, LevelBachelor, LevelVocBachelor, LevelSecondary} {
		if x, ok := levelNames[l][m.Name]; ok && x != m {
			for _, k := range links[x.Code] {
				if k.Kind != LinkLicensed {
					return x
				}
			}
		}
	}
	return nil
}

// MajorOccupationsOf is MajorOccupations for a major at hand. A major with
// no core or related link of its own inherits those of its namesake at
// another level, else those of its 专业类; the class's licensed links
// apply to it in any case, and a namesake's licensed links only where the
// class's licence covers them (中职 护理 takes 高职专科 护理's nurses,
// because 护理类 leads to 护士执业资格).
func MajorOccupationsOf(m *Major) []OccupationLink {
	own := append([]OccupationLink(nil), links[m.Code]...)
	hasOwn := false
	seen := map[string]bool{}
	for _, l := range own {
		hasOwn = hasOwn || l.Kind != LinkLicensed
		seen[l.Occupation] = true
	}
	cls := classLinks(m.ClassCode)
	var inherited []OccupationLink
	inherit := func(l OccupationLink) {
		if !seen[l.Occupation] {
			seen[l.Occupation] = true
			l.Inherited = true
			inherited = append(inherited, l)
		}
	}
	if x := namesake(m); x != nil && !hasOwn {
		for _, l := range links[x.Code] {
			if l.Kind != LinkLicensed || licensedBy(cls, l.Occupation) {
				inherit(l)
			}
		}
		hasOwn = true // the namesake stands in for links of its own
	}
	for _, l := range cls {
		if l.Kind == LinkLicensed || !hasOwn {
			inherit(l)
		}
	}
	return append(sortedLinks(own), sortedLinks(inherited)...)
}

// licensedBy reports whether one of the licensed links covers a regulated
// occupation: names it or its governing node.
func licensedBy(ls []OccupationLink, occ string) bool {
	g := governing(occ)
	for _, l := range ls {
		if l.Kind == LinkLicensed && (l.Occupation == occ || (g != nil && l.Occupation == g.Occupation)) {
			return true
		}
	}
	return false
}

// sortedLinks orders links licensed, core, related, keeping file order
// among equals.
func sortedLinks(ls []OccupationLink) []OccupationLink {
	out := ls[:0:0]
	for _, k := range []LinkKind{LinkLicensed, LinkCore, LinkRelated} {
		for _, l := range ls {
			if l.Kind == k {
				out = append(out, l)
			}
		}
	}
	return out
}

// Regulations returns every regulated occupation.
func Regulations() []Regulation {
	load()
	out := make([]Regulation, 0, len(regulations))
	seen := map[string]bool{}
	for _, o := range occupations {
		if r, ok := regulations[o.Code]; ok && !seen[o.Code] {
			seen[o.Code] = true
			out = append(out, *r)
		}
	}
	return out
}

// OccupationRegulation returns the regulation governing an occupation: its
// own, else its 小类's.
func OccupationRegulation(occ string) (Regulation, bool) {
	load()
	if g := governing(occ); g != nil {
		return *g, true
	}
	return Regulation{}, false
}

func governing(occ string) *Regulation {
	if r, ok := regulations[occ]; ok {
		return r
	}
	if p := smallClassOf(occ); p != occ {
		return regulations[p]
	}
	return nil
}

// smallClassOf returns the 小类 of a 细类 (2-05-01-07 → 2-05-01-00); a
// 小类 or coarser code is returned as it is.
func smallClassOf(code string) string {
	p := strings.Split(code, "-")
	if len(p) != 4 || strings.Trim(p[3], "0") == "" {
		return code
	}
	p[3] = "00"
	return strings.Join(p, "-")
}

// middleClassOf returns the 中类 of a code (2-05-01-07 → 2-05-00-00).
func middleClassOf(code string) string {
	p := strings.Split(code, "-")
	if len(p) != 4 {
		return ""
	}
	return p[0] + "-" + p[1] + "-00-00"
}

// AffinityKind classifies how a major relates to an occupation.
type AffinityKind int

const (
	AffinityNone     AffinityKind = iota // nothing links them
	AffinityBarred                       // a regulated occupation the major does not qualify for: must not count, however close
	AffinityMiddle                       // only an occupation of the same 中类 is linked
	AffinitySmall                        // only an occupation of the same 小类 is linked
	AffinityRelated                      // a related link covers it
	AffinityCore                         // a core link covers it
	AffinityLicensed                     // regulated, and the major qualifies
)

var affinityNames = [...]string{"none", "barred", "same 中类", "same 小类", "related", "core", "licensed"}

func (k AffinityKind) String() string {
	if k < 0 || int(k) >= len(affinityNames) {
		return fmt.Sprintf("AffinityKind(%d)", int(k))
	}
	return affinityNames[k]
}

// Affinity is how a major relates to an occupation, with a suggested
// strength in [0, 1] for scoring: licensed and core 1, related 0.7, a
// neighbour in the same 小类 0.4 and in the same 中类 0.2, each ×0.8 when
// the deciding link is inherited from the 专业类; barred and none 0.
type Affinity struct {
	Kind       AffinityKind
	Strength   float64
	Link       OccupationLink // the deciding link (zero for none and barred)
	Regulation *Regulation    // set when the occupation is regulated
}

// MajorAffinity says how a major (or a 专业类, for a graduate placed only in
// one) relates to an occupation of the 2022 classification (any level).
func MajorAffinity(code, occ string) Affinity {
	load()
	ls := MajorOccupations(code)
	if g := governing(occ); g != nil {
		a := Affinity{Kind: AffinityBarred, Regulation: g}
		for _, l := range ls {
			// the licence itself, the occupation, or (for a post placed only
			// in a 小类) one of its 细类
			if l.Kind == LinkLicensed && (l.Occupation == occ || l.Occupation == g.Occupation || smallClassOf(l.Occupation) == occ) {
				a.Kind, a.Strength, a.Link = AffinityLicensed, inheritedFactor(l, 1), l
				break
			}
		}
		return a
	}
	best := Affinity{}
	try := func(kind AffinityKind, strength float64, l OccupationLink) {
		if s := inheritedFactor(l, strength); s > best.Strength || (s == best.Strength && kind > best.Kind) {
			best = Affinity{Kind: kind, Strength: s, Link: l}
		}
	}
	for _, l := range ls {
		switch {
		case l.Occupation == occ || smallClassOf(occ) == l.Occupation || smallClassOf(l.Occupation) == occ:
			// the link names the occupation, its 小类, or a 细类 of the 小类 asked for
			if l.Kind == LinkRelated {
				try(AffinityRelated, 0.7, l)
			} else {
				try(AffinityCore, 1, l)
			}
		case smallClassOf(l.Occupation) == smallClassOf(occ):
			try(AffinitySmall, 0.4, l)
		case middleClassOf(l.Occupation) == middleClassOf(occ):
			try(AffinityMiddle, 0.2, l)
		}
	}
	return best
}

func inheritedFactor(l OccupationLink, s float64) float64 {
	if l.Inherited {
		return s * 0.8
	}
	return s
}
