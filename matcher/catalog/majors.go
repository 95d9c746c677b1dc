package catalog

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The levels of the national catalogues of majors (MAJORS.md). A major's
// code is unique across all of them: undergraduate codes start 01–13,
// vocational ones 21–39 (高职本科), 41–59 (高职专科) and 61–79 (中职), and
// graduate disciplines are written as the six-digit codes of graduate
// admissions (081200 for the 一级学科 0812), never used by another level.
const (
	LevelSecondary   = "中职"   // 中等职业教育专业目录 (职业教育专业目录 2021)
	LevelAssociate   = "高职专科" // 高等职业教育专科专业目录 (2021)
	LevelVocBachelor = "高职本科" // 高等职业教育本科专业目录 (2021)
	LevelBachelor    = "本科"   // 普通高等学校本科专业目录 (2025)
	LevelGraduate    = "研究生"  // 研究生教育学科专业目录 (2022): 一级学科 and 专业学位类别, for 硕士 and 博士
)

// Levels lists the catalogue levels from the lowest.
var Levels = []string{LevelSecondary, LevelAssociate, LevelVocBachelor, LevelBachelor, LevelGraduate}

// Major is a programme of study in the national catalogues. Codes follow
// the catalogue: 专业 120203K, 专业类 1202, 门类 12. A graduate discipline
// (研究生) has no 专业类 of its own: ClassCode is the undergraduate 专业类 it
// continues (0812 计算机科学与技术 → 0809 计算机类), so that a post asking
// for 计算机类 finds its masters too; CategoryCode is its own 门类 (14 for
// 交叉学科).
type Major struct {
	Code         string
	Name         string
	ClassCode    string // 专业类
	ClassName    string
	CategoryCode string // 门类 (or 专业大类 for vocational majors)
	CategoryName string
	Level        string   // one of Levels
	Aliases      []string // older catalogue names and names portals use for it
	// Occupations are CSCO 2022 codes the major leads to, for the current
	// matching engine: for the 510 majors of the earlier hand-made file
	// its list as it was (majors.csv, column occupations: the engine's
	// figures rest on it), for the others the codes of MajorOccupations.
	// New code should use MajorOccupations and MajorAffinity, which read
	// the reviewed links (major_occupations.csv) and the licences.
	Occupations []string
	Skills      []string // skills and certificates typical of its graduates (curated majors only)
}

// Professional reports whether a graduate discipline is a 专业学位类别
// (0854 电子信息, 1251 工商管理: the third digit is 5 or more) rather than
// an academic 一级学科.
func (m Major) Professional() bool {
	return m.Level == LevelGraduate && len(m.Code) >= 3 && m.Code[2] >= '5'
}

// MajorClass is a 专业类 (or, for vocational catalogues, a 专业类 inside a
// 专业大类).
type MajorClass struct {
	Code, Name                 string
	CategoryCode, CategoryName string
	Level                      string // the level of the majors it holds; graduate disciplines borrow undergraduate classes
	Majors                     int
}

var (
	majors       []Major
	majorByCode  map[string]*Major
	majorByName  map[string]*Major
	majorsByName map[string][]*Major // every major a name or alias may mean, names first
	// levelNames indexes catalogue names (not aliases) per level.
	levelNames map[string]map[string]*Major
	classes    map[string]*MajorClass
	// classesByName lists the 专业类 of every level bearing a name
	// (计算机类 is 0809, 5102, 3102 and 7102), undergraduate first.
	classesByName map[string][]*MajorClass
)

func loadMajors() error {
	rows, err := readCSV("majors.csv")
	if err != nil {
		return err
	}
	majors = make([]Major, 0, len(rows))
	for i, r := range rows {
		if len(r) != 10 {
			return fmt.Errorf("majors.csv:%d: %d fields, want 10", i+2, len(r))
		}
		majors = append(majors, Major{Code: r[0], Name: r[1], ClassCode: r[2], ClassName: r[3], CategoryCode: r[4], CategoryName: r[5],
			Level: r[6], Aliases: splitList(r[7]), Occupations: splitList(r[8]), Skills: splitList(r[9])})
	}
	majorByCode = make(map[string]*Major, len(majors))
	majorByName = map[string]*Major{}
	majorsByName = map[string][]*Major{}
	levelNames = map[string]map[string]*Major{}
	classes = map[string]*MajorClass{}
	classesByName = map[string][]*MajorClass{}
	// Within a tier catalogue names are registered before any alias, so an
	// alias never shadows a real name (护理学's alias 护理 must not hide
	// the 专科 major 护理); among equals the file's order decides: 本科,
	// then 高职专科. Graduate disciplines come after every alias of the
	// other levels: their names are broad fields (会计, 金融, 法律, 机械)
	// that people use as short names of undergraduate and vocational majors.
	for i := range majors {
		m := &majors[i]
		if _, dup := majorByCode[m.Code]; dup {
			return fmt.Errorf("majors.csv:%d: code %s repeated", i+2, m.Code)
		}
		majorByCode[m.Code] = m
		ln := levelNames[m.Level]
		if ln == nil {
			ln = map[string]*Major{}
			levelNames[m.Level] = ln
		}
		if _, dup := ln[m.Name]; !dup {
			ln[m.Name] = m
		}
		c := classes[m.ClassCode]
		if c == nil {
			c = &MajorClass{Code: m.ClassCode, Name: m.ClassName, CategoryCode: m.CategoryCode, CategoryName: m.CategoryName, Level: m.Level}
			classes[m.ClassCode] = c
			classesByName[c.Name] = append(classesByName[c.Name], c)
		}
		c.Majors++
	}
	registerMajorNames()
	return loadMajorLinks()
}

// registerMajorNames fills majorByName and majorsByName.
func registerMajorNames() {
	// tier orders the keys: the majors of the earlier hand-made file
	// (those with curated skills) first, so that every name and alias it
	// resolved resolves as before (中文 stays 汉语言文学, not the 高职专科
	// major 中文 the full catalogue adds); then the other undergraduate
	// and vocational majors; graduate disciplines last.
	tier := func(m *Major) int {
		switch {
		case len(m.Skills) > 0:
			return 0
		case m.Level != LevelGraduate:
			return 1
		}
		return 2
	}
	for t := 0; t < 3; t++ {
		for _, aliases := range []bool{false, true} {
			for i := range majors {
				m := &majors[i]
				if tier(m) != t {
					continue
				}
				names := []string{m.Name}
				if aliases {
					names = m.Aliases
				}
				for _, n := range names {
					if _, dup := majorByName[n]; !dup {
						majorByName[n] = m
					}
					majorsByName[n] = append(majorsByName[n], m)
				}
			}
		}
	}
}

// Majors returns every major of the catalogues: 本科, then 高职专科,
// 高职本科, 中职 and 研究生.
func Majors() []Major { load(); return majors }

// MajorByCode returns the major with that catalogue code.
func MajorByCode(code string) (Major, bool) {
	load()
	m, ok := majorByCode[strings.TrimSpace(code)]
	if !ok {
		return Major{}, false
	}
	return *m, true
}

// MajorByName finds a major by its catalogue name or a known alias: the
// majors of the earlier hand-made file first (names, then aliases, 本科
// before 高职专科), so a name resolves as it did before the full
// catalogues; then the others (names before aliases, in the file's order
// of levels), and a graduate discipline only when no undergraduate or
// vocational major has the name or alias. ResolveMajor knows the
// graduate's level.
func MajorByName(name string) (Major, bool) {
	load()
	m, ok := majorByName[strings.TrimSpace(name)]
	if !ok {
		return Major{}, false
	}
	return *m, true
}

// MajorsByName returns every major whose catalogue name or alias is name,
// in MajorByName's order. Callers that know the graduate's degree pick by
// Level; MajorByName returns the first.
func MajorsByName(name string) []Major {
	load()
	ms := majorsByName[strings.TrimSpace(name)]
	out := make([]Major, len(ms))
	for i, m := range ms {
		out[i] = *m
	}
	return out
}

// MajorClassByCode returns a 专业类.
func MajorClassByCode(code string) (MajorClass, bool) {
	load()
	c, ok := classes[code]
	if !ok {
		return MajorClass{}, false
	}
	return *c, true
}

// MajorClasses returns every 专业类 bearing name, undergraduate first.
func MajorClassesByName(name string) []MajorClass {
	load()
	var out []MajorClass
	for _, c := range classesByName[strings.TrimSpace(name)] {
		out = append(out, *c)
	}
	return out
}

// MajorFound says how ResolveMajor found a name.
type MajorFound int

const (
	MajorNotFound   MajorFound = iota
	MajorExact                 // a catalogue name at the graduate's level
	MajorOtherLevel            // a catalogue name at another level (大专 graduate writing 财务管理, a 本科 name)
	MajorAlias                 // an older catalogue name or a name portals use
	MajorNormalised            // found once the text was normalised (width, brackets, 方向 …)
	MajorClassName             // the text names a 专业类 (计算机类), not one major
	MajorInferred              // not in the catalogue: the 专业类 was inferred from the name's words (see ingest/major)
)

var foundNames = [...]string{"not found", "exact", "exact at another level", "alias", "normalised", "专业类", "inferred"}

func (f MajorFound) String() string {
	if f < 0 || int(f) >= len(foundNames) {
		return fmt.Sprintf("MajorFound(%d)", int(f))
	}
	return foundNames[f]
}

// MajorResolution is what a major name written by a person resolves to.
type MajorResolution struct {
	Input string
	Found MajorFound
	// Major is the catalogue major; its zero value when only the 专业类 is
	// known (MajorClassName, MajorInferred).
	Major                                            Major
	ClassCode, ClassName, CategoryCode, CategoryName string
	Level                                            string
	// Via is what decided: the alias or normalised text that matched, or,
	// for an inference, the words it rests on.
	Via string
}

// Code is the catalogue code the resolution gives a graduate: the major's
// code, else its 专业类 code ("" when nothing was found).
func (r MajorResolution) Code() string {
	if r.Major.Code != "" {
		return r.Major.Code
	}
	return r.ClassCode
}

// Explain says in Chinese how the name was found, for notes and reasons a
// person reads.
func (r MajorResolution) Explain() string {
	switch r.Found {
	case MajorExact:
		return fmt.Sprintf("专业目录（%s）中的专业", r.Level)
	case MajorOtherLevel:
		return fmt.Sprintf("专业目录中%s层次的专业", r.Level)
	case MajorAlias:
		return fmt.Sprintf("「%s」是「%s」的旧称或别名", r.Via, r.Major.Name)
	case MajorNormalised:
		return fmt.Sprintf("按「%s」识别", r.Via)
	case MajorClassName:
		return fmt.Sprintf("专业类「%s」", r.ClassName)
	case MajorInferred:
		return fmt.Sprintf("不在专业目录中，据名称中的「%s」推断属%s", r.Via, r.ClassName)
	}
	return "不在专业目录中"
}

func resolved(input string, m *Major, found MajorFound, via string) MajorResolution {
	return MajorResolution{Input: input, Found: found, Major: *m, ClassCode: m.ClassCode, ClassName: m.ClassName,
		CategoryCode: m.CategoryCode, CategoryName: m.CategoryName, Level: m.Level, Via: via}
}

// ResolveMajor finds a major name in the catalogues for a graduate whose
// catalogue levels are given (most likely first; none when unknown), in
// this order: a 专业类 name (计算机类), the catalogue name at the
// graduate's level, an alias at that level (a 本科 graduate's 中文 is
// 汉语言文学, not the 高职专科 major 中文), the catalogue name at another
// level, an alias
// at another level; then the same after normalisation (full-width forms,
// spaces, brackets such as （师范）, trailing 专业, 方向 and 师范, a 方向
// after the major's name, a missing 学). Graduate disciplines are tried
// last for a graduate below 研究生: their names are broad fields (会计,
// 金融, 法律) that people use for their own majors. It never guesses: a
// name none of these find is MajorNotFound, and ingest/major infers its
// 专业类 from its words.
func ResolveMajor(name string, levels ...string) MajorResolution {
	load()
	in := strings.TrimSpace(name)
	if utf8.RuneCountInString(in) > maxMajorName {
		return MajorResolution{Input: in} // a sentence, not a major's name
	}
	graduate := len(levels) == 0 || slices.Contains(levels, LevelGraduate)
	forms := append([]string{in}, normalisedMajorNames(in)...)
	for _, withGraduate := range []bool{graduate, true} {
		for i, n := range forms {
			if r, ok := lookupMajor(in, n, levels, withGraduate); ok {
				if i > 0 && r.Found != MajorClassName {
					r.Found, r.Via = MajorNormalised, n
				}
				return r
			}
		}
		if graduate {
			break
		}
	}
	return MajorResolution{Input: in}
}

// maxMajorName bounds the names worth resolving: the longest catalogue
// name has 15 characters; with brackets and qualifiers a name written by a
// person stays well under 40.
const maxMajorName = 40

// lookupMajor tries one text as a 专业类 name, then against names and
// aliases at the levels, then names and aliases at any level.
func lookupMajor(input, n string, levels []string, withGraduate bool) (MajorResolution, bool) {
	if n == "" {
		return MajorResolution{}, false
	}
	if cs := classesByName[n]; len(cs) > 0 {
		c := cs[0]
		for _, x := range cs {
			if len(levels) > 0 && x.Level == levels[0] {
				c = x
				break
			}
		}
		return MajorResolution{Input: input, Found: MajorClassName, ClassCode: c.Code, ClassName: c.Name,
			CategoryCode: c.CategoryCode, CategoryName: c.CategoryName, Level: c.Level}, true
	}
	ms := majorsByName[n]
	for _, l := range levels {
		if m, ok := levelNames[l][n]; ok {
			return resolved(input, m, MajorExact, ""), true
		}
		for _, m := range ms {
			if m.Level == l {
				return resolved(input, m, MajorAlias, n), true
			}
		}
	}
	for _, m := range ms {
		if m.Level == LevelGraduate && !withGraduate {
			continue
		}
		switch {
		case m.Name != n:
			return resolved(input, m, MajorAlias, n), true
		case len(levels) == 0:
			return resolved(input, m, MajorExact, ""), true
		default:
			return resolved(input, m, MajorOtherLevel, ""), true
		}
	}
	return MajorResolution{}, false
}

// normalisedMajorNames returns the forms of a name worth trying, most
// faithful first: folded (full-width to ASCII, no spaces, Latin upper
// case), without bracketed parts, without the qualifiers schools append
// (专业, 方向, 师范, 中外合作办学 …), and the longest catalogue name that
// begins a "…方向" name (计算机科学与技术软件工程方向).
func normalisedMajorNames(s string) []string {
	var out []string
	add := func(x string) {
		x = strings.TrimSpace(x)
		if x == "" || x == s {
			return
		}
		for _, y := range out {
			if y == x {
				return
			}
		}
		out = append(out, x)
	}
	f := foldMajorText(s)
	add(f)
	nb := stripBrackets(f)
	add(nb)
	t := trimQualifiers(nb)
	add(t)
	// 计算机科学与技术(软件工程方向) without brackets, or written as one run.
	if strings.HasSuffix(nb, "方向") || strings.ContainsAny(f, "-—·/") {
		if p := longestNamePrefix(t); p != "" {
			add(p)
		}
	}
	if !strings.HasSuffix(t, "学") && len([]rune(t)) >= 2 {
		add(t + "学") // 会计 → 会计学, 护理 → 护理学 only when neither is known as written
	}
	return out
}

// majorQualifiers are words schools and portals append to a major's name.
var majorQualifiers = []string{"专业方向", "方向", "专业", "师范类", "师范", "中外合作办学", "中外合作", "类专业"}

func trimQualifiers(s string) string {
	for changed := true; changed; {
		changed = false
		for _, q := range majorQualifiers {
			if strings.HasSuffix(s, q) && len(s) > len(q) {
				s = strings.TrimSuffix(s, q)
				changed = true
			}
		}
		s = strings.TrimRight(s, "-—·/_ ")
	}
	return s
}

// stripBrackets removes bracketed parts: 汉语言文学（师范）, 英语[商务方向].
func stripBrackets(s string) string {
	var b strings.Builder
	depth := 0
	for _, r := range s {
		switch r {
		case '(', '[', '{', '【', '〔', '<', '《':
			depth++
			continue
		case ')', ']', '}', '】', '〕', '>', '》':
			if depth > 0 {
				depth--
			}
			continue
		}
		if depth == 0 {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// foldMajorText folds full-width forms to ASCII (（ → (), removes spaces
// and upper-cases Latin letters (gis → GIS).
func foldMajorText(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\u3000' || unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff':
			continue
		case r >= '！' && r <= '～':
			r -= 0xFEE0
		}
		if r >= 'a' && r <= 'z' {
			r -= 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// longestNamePrefix returns the longest catalogue major name (at least two
// characters) that starts s and is shorter than s.
func longestNamePrefix(s string) string {
	rs := []rune(s)
	for n := len(rs) - 1; n >= 2; n-- {
		if _, ok := majorsByName[string(rs[:n])]; ok {
			return string(rs[:n])
		}
	}
	return ""
}
