package matcher

import (
	"strings"
	"sync"

	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

// MajorRef is a major resolved against the catalogue as far as it goes: a
// graduate's major, or one entry of a post's list of majors.
type MajorRef struct {
	Code      string // 专业代码; "" when unknown
	Class     string // 专业类 (the code's first 4 characters); "" when unknown
	Category  string // 门类 (the code's first 2 characters); "" when unknown
	Name      string
	Alias     string // the name as the post wrote it, when the catalogue knows it by another
	ClassName string
	ClassOnly bool // the post named a whole 专业类 ("计算机类")
}

// Label is the major's name as shown to people: the name, else the
// 专业类's, else the 门类's; never a code (a person reads 电力技术类, not
// 4301), so a code the catalogue cannot name reads 目录未收录的专业.
func (m MajorRef) Label() string {
	switch {
	case m.Name != "":
		return m.Name
	case m.ClassName != "":
		return m.ClassName
	}
	if n := MajorClassName(m.Class); n != "" {
		return n
	}
	if n := categoryNames[m.Category]; m.Category != "" && n != "" { // catIndex ran in MajorClassName
		return n + "类专业"
	}
	return "目录未收录的专业"
}

func (m MajorRef) empty() bool { return m.Code == "" && m.Class == "" && m.Name == "" }

// MajorLevel is how closely a graduate's major meets a post's list.
type MajorLevel int8

const (
	MajorNone     MajorLevel = iota
	MajorSimilar             // names alike (only counts when the post said 相关专业)
	MajorCategory            // same 门类 (only counts when the post said 相关专业)
	MajorClass               // same 专业类
	MajorExact               // same 专业
)

// MatchMajors returns the best level at which the graduate's major meets
// any of the post's majors.
func MatchMajors(gm MajorRef, pms []MajorRef) MajorLevel {
	best := MajorNone
	for _, pm := range pms {
		l := MajorNone
		switch {
		case gm.Code != "" && pm.Code != "" && gm.Code == pm.Code,
			gm.Name != "" && pm.Name != "" && gm.Name == pm.Name:
			l = MajorExact
		case gm.Class != "" && pm.Class != "" && gm.Class == pm.Class:
			l = MajorClass
		case gm.Category != "" && pm.Category != "" && gm.Category == pm.Category:
			l = MajorCategory
		case similarNames(gm.Name, pm.Name), similarNames(gm.Name, pm.Alias):
			l = MajorSimilar
		}
		if l > best {
			best = l
		}
	}
	return best
}

// similarNames: one name contains the other ("会计" in "会计学") or their
// character bigrams overlap by Dice ≥ 0.5 ("财务会计" ~ "会计学" is not,
// "软件工程" ~ "软件技术" is).
func similarNames(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	if strings.Contains(a, b) || strings.Contains(b, a) {
		return true
	}
	var bufA, bufB [32][2]rune
	ba, bb := runeBigrams(a, bufA[:0]), runeBigrams(b, bufB[:0])
	if len(ba) == 0 || len(bb) == 0 {
		return false
	}
	common := 0
	for _, x := range ba {
		for _, y := range bb {
			if x == y {
				common++
				break
			}
		}
	}
	return float64(2*common)/float64(len(ba)+len(bb)) >= 0.5
}

// runeBigrams appends s's bigrams of runes to dst: pairs of runes compare
// as the two-rune strings did (invalid bytes decode to utf8.RuneError, as
// []rune did), without a string each — MatchMajors compares names for
// every course and post list a major is matched with, and the strings were
// a twentieth of a nightly batch's allocations.
func runeBigrams(s string, dst [][2]rune) [][2]rune {
	prev, first := rune(0), true
	for _, r := range s {
		if !first {
			dst = append(dst, [2]rune{prev, r})
		}
		prev, first = r, false
	}
	return dst
}

// Catalogue indexes the rules need beyond catalog's own API.
var (
	catIndexOnce sync.Once
	majorByCode  map[string]catalog.Major
	classByName  map[string]string // 专业类 name ("计算机类") → code
	classNames   map[string]string // code → name
	// categoryNames are the 门类 names by code (07 → 理学)
	categoryNames map[string]string
)

func catIndex() {
	catIndexOnce.Do(func() {
		majorByCode = map[string]catalog.Major{}
		classByName = map[string]string{}
		classNames = map[string]string{}
		categoryNames = map[string]string{}
		for _, m := range catalog.Majors() {
			if m.CategoryName != "" {
				categoryNames[m.CategoryCode] = m.CategoryName
			}
			majorByCode[m.Code] = m
			if m.ClassName != "" {
				classByName[m.ClassName] = m.ClassCode
				classNames[m.ClassCode] = m.ClassName
			}
		}
	})
}

// MajorByCode returns the catalogue's major with that code.
func MajorByCode(code string) (catalog.Major, bool) {
	catIndex()
	m, ok := majorByCode[code]
	return m, ok
}

// MajorClassName returns the name of a 专业类 code ("0809" → "计算机类"), ""
// when the catalogue has no major in it.
func MajorClassName(classCode string) string {
	catIndex()
	return classNames[classCode]
}

func refFromCode(code string) MajorRef {
	catIndex()
	code = strings.TrimSpace(code)
	r := MajorRef{Code: code}
	if m, ok := majorByCode[code]; ok {
		r.Name, r.Class, r.Category, r.ClassName = m.Name, m.ClassCode, m.CategoryCode, m.ClassName
		return r
	}
	if len(code) >= 4 {
		r.Class = code[:4]
		r.ClassName = classNames[r.Class]
	}
	if len(code) >= 2 {
		r.Category = code[:2]
	}
	return r
}

func resolveGraduateMajor(code, name string) MajorRef {
	name = strings.TrimSpace(name)
	if code != "" {
		r := refFromCode(code)
		if name != "" {
			r.Name = name
		}
		return r
	}
	if m, ok := catalog.MajorByName(name); ok {
		r := refFromCode(m.Code)
		r.Name = name
		return r
	}
	return MajorRef{Name: name}
}

// relatedSuffixes turn a post's major list into "these or related majors".
var relatedSuffixes = []string{"等相关专业", "及相关专业", "或相关专业", "相关专业", "等专业", "及相关", "等相关", "专业"}

// compilePostMajors resolves a post's majors (names and codes) and says
// whether it accepts related majors. It returns no majors at all when the
// post accepts any (专业不限).
func compilePostMajors(p *Post) (ms []MajorRef, related bool) {
	catIndex()
	seen := map[string]bool{}
	add := func(r MajorRef) {
		k := r.Code + "|" + r.Class + "|" + r.Name
		if !r.empty() && !seen[k] {
			seen[k] = true
			ms = append(ms, r)
		}
	}
	for _, c := range p.MajorCodes {
		if c = strings.TrimSpace(c); c != "" {
			add(refFromCode(c))
		}
	}
	for _, n := range p.Majors {
		n = strings.TrimSpace(n)
		if n == "" {
			continue
		}
		if n == "不限" || n == "专业不限" || n == "不限专业" {
			return nil, false
		}
		if strings.Contains(n, "相关") {
			related = true
		}
		base := n
		for _, s := range relatedSuffixes {
			if strings.HasSuffix(base, s) && len(base) > len(s) {
				base = strings.TrimSuffix(base, s)
				break
			}
		}
		if base == "相关" || base == "" {
			continue // a bare "相关专业": related to the majors named elsewhere
		}
		if code, ok := classByName[base]; ok {
			add(MajorRef{Class: code, Category: code[:min(2, len(code))], ClassName: base, ClassOnly: true})
			continue
		}
		if code, ok := classByName[base+"类"]; ok && related {
			// "计算机相关专业": the 专业类 计算机类 and what is related to it
			add(MajorRef{Class: code, Category: code[:min(2, len(code))], ClassName: base + "类", ClassOnly: true})
			continue
		}
		if m, ok := catalog.MajorByName(base); ok {
			if !seen[m.Code+"|"+m.ClassCode+"|"+m.Name] && !hasCode(ms, m.Code) {
				r := refFromCode(m.Code)
				if base != r.Name {
					r.Alias = base
				}
				add(r)
			}
			continue
		}
		if !hasName(ms, base) {
			add(MajorRef{Name: base})
		}
	}
	if strings.Contains(p.Description, "相关专业") {
		related = true
	}
	return ms, related
}

// CompileMajors resolves a list of majors as a post or a course writes it
// (names, 专业类, "相关专业"); nil when it accepts any (不限).
func CompileMajors(names []string) []MajorRef {
	ms, _ := compilePostMajors(&Post{Majors: names})
	return ms
}

func hasCode(ms []MajorRef, code string) bool {
	for _, m := range ms {
		if m.Code == code {
			return true
		}
	}
	return false
}

func hasName(ms []MajorRef, name string) bool {
	for _, m := range ms {
		if m.Name == name {
			return true
		}
	}
	return false
}
