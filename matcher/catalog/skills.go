package catalog

import (
	"bufio"
	"bytes"
	"cmp"
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Skill is a term of the skills and certificates lexicon (skills.csv): a
// skill (Java, 静脉输液, 普通话) or a certificate (教师资格证, C1驾驶证,
// 中级会计职称), with the spellings posts use and its place in a hierarchy.
//
// The hierarchy says what a term satisfies. A term satisfies its Parent, the
// broader term it is a kind of (小学教师资格证 is a 教师资格证; 口腔执业医师 is
// an 执业医师资格证; Excel is 办公软件), and every term it Implies, the lower
// levels of its ladder (英语六级 → 英语四级; 普通话一级乙等 → 普通话二级甲等 →
// 普通话二级乙等; 中级会计职称 → 初级会计职称; B2驾驶证 → C1驾驶证 → C2驾驶证;
// 主治医师 → 执业医师资格证 and 中级职称), transitively. Satisfies, SatisfiedBy
// and Implied answer with it; a need is met by the term itself or by anything
// below it, never by something broader (教师资格证 does not satisfy
// 小学教师资格证; 办公软件 does not satisfy Excel).
type Skill struct {
	Name        string   // canonical name, e.g. 初级会计职称, Java, C1驾驶证
	Kind        string   // "skill" or "certificate"
	Aliases     []string // other spellings posts use: CET-4, 初级会计师, 前端 …
	Occupations []string // CSCO codes where it is typically asked for
	Parent      string   // the broader term it is a kind of ("" for a root)
	Implies     []string // lower levels (and other terms) it satisfies
	// LookupOnly are names SkillByName resolves that text extraction never
	// finds, because in running text they usually mean something else
	// (金融 is an industry in most posts, 四级 a skill grade as often as
	// 英语四级). Written with a leading "~" in skills.csv.
	LookupOnly []string
}

// Kinds of lexicon entries.
const (
	KindSkill       = "skill"
	KindCertificate = "certificate"
)

var (
	skillsOnce sync.Once
	skillsErr  error
	skills     []Skill
	skillByKey map[string]int // normalised name, alias or lookup-only name → index in skills
	// textKeys are the keys found in text (no lookup-only names), and
	// wordKeys the same with spaces removed, for matching over a word
	// segmentation that dropped them ("Spring Boot" → Spring|Boot).
	textKeys, wordKeys map[string]int
	// textLens and wordLens map the first rune of a key to the distinct
	// byte lengths of the keys starting with it, longest first: a scan tries
	// only those lengths at each position, so it costs a few map lookups
	// per position whatever the size of the lexicon.
	textLens, wordLens map[rune][]int
	// satisfied[i] lists, sorted, the indexes of every term skill i
	// satisfies: itself, its parents and what it implies, transitively.
	satisfied [][]int
)

func loadSkills() {
	skillsOnce.Do(func() { skillsErr = parseSkills() })
	if skillsErr != nil {
		panic(fmt.Sprintf("catalog: %v", skillsErr)) // embedded data; a test catches it
	}
}

func parseSkills() error {
	rows, err := readCSV("skills.csv")
	if err != nil {
		return err
	}
	skillByKey, textKeys, wordKeys = map[string]int{}, map[string]int{}, map[string]int{}
	for i, r := range rows {
		line := i + 2
		if len(r) < 6 {
			return fmt.Errorf("skills.csv:%d: want 6 fields, got %d", line, len(r))
		}
		s := Skill{Name: strings.TrimSpace(r[0]), Kind: strings.TrimSpace(r[1]), Occupations: splitList(r[3]),
			Parent: strings.TrimSpace(r[4]), Implies: splitList(r[5])}
		for _, a := range splitList(r[2]) {
			if l, ok := strings.CutPrefix(a, "~"); ok {
				s.LookupOnly = append(s.LookupOnly, strings.TrimSpace(l))
			} else {
				s.Aliases = append(s.Aliases, a)
			}
		}
		if s.Name == "" {
			return fmt.Errorf("skills.csv:%d: name: empty", line)
		}
		if s.Kind != KindSkill && s.Kind != KindCertificate {
			return fmt.Errorf("skills.csv:%d: kind: %q is neither skill nor certificate", line, s.Kind)
		}
		idx := len(skills)
		skills = append(skills, s)
		names := append([]string{s.Name}, s.Aliases...)
		for k, n := range append(names, s.LookupOnly...) {
			key := string(normalizeText(nil, n))
			if key == "" {
				continue
			}
			if j, dup := skillByKey[key]; dup && j != idx {
				return fmt.Errorf("skills.csv:%d: %q is already a name or alias of %q", line, n, skills[j].Name)
			}
			skillByKey[key] = idx
			if k >= len(names) {
				continue // lookup-only
			}
			textKeys[key] = idx
			wk := strings.ReplaceAll(key, " ", "")
			if j, dup := wordKeys[wk]; dup && j != idx {
				return fmt.Errorf("skills.csv:%d: %q reads as %q without spaces, as a name or alias of %q does", line, n, wk, skills[j].Name)
			}
			wordKeys[wk] = idx
		}
	}
	textLens, wordLens = keyLengths(textKeys), keyLengths(wordKeys)
	return linkSkills()
}

func keyLengths(keys map[string]int) map[rune][]int {
	lens := map[rune][]int{}
	for key := range keys {
		r, _ := utf8.DecodeRuneInString(key)
		lens[r] = InsertLength(lens[r], len(key))
	}
	return lens
}

// linkSkills resolves every Parent and Implies to a canonical name and
// computes what each term satisfies; it refuses a reference to no term
// and a cycle (a term that would satisfy itself through another).
func linkSkills() error {
	edges := make([][]int, len(skills))
	for i := range skills {
		s := &skills[i]
		refs := s.Implies
		if s.Parent != "" {
			refs = append([]string{s.Parent}, refs...)
		}
		for _, ref := range refs {
			j, ok := skillByKey[string(normalizeText(nil, ref))]
			if !ok {
				return fmt.Errorf("skills.csv: %s: parent or implied term %q is not in the lexicon", s.Name, ref)
			}
			if j == i {
				return fmt.Errorf("skills.csv: %s: satisfies itself", s.Name)
			}
			edges[i] = append(edges[i], j)
		}
		if s.Parent != "" {
			s.Parent = skills[edges[i][0]].Name
		}
		for k, ref := range s.Implies {
			s.Implies[k] = skills[skillByKey[string(normalizeText(nil, ref))]].Name
		}
	}
	satisfied = make([][]int, len(skills))
	for i := range skills {
		seen := map[int]bool{i: true}
		queue := []int{i}
		for len(queue) > 0 {
			for _, j := range edges[queue[0]] {
				if j == i {
					return fmt.Errorf("skills.csv: %s: cycle: it satisfies a term that satisfies it", skills[i].Name)
				}
				if !seen[j] {
					seen[j] = true
					queue = append(queue, j)
				}
			}
			queue = queue[1:]
		}
		for j := range seen {
			satisfied[i] = append(satisfied[i], j)
		}
		slices.Sort(satisfied[i])
	}
	return nil
}

// Skills returns the whole lexicon, in file order.
func Skills() []Skill { loadSkills(); return skills }

// SkillByName finds a lexicon entry by its name, an alias or a lookup-only
// name (Latin letters case-insensitive, full-width forms folded).
func SkillByName(name string) (Skill, bool) {
	i, ok := skillIndex(name)
	if !ok {
		return Skill{}, false
	}
	return skills[i], true
}

func skillIndex(name string) (int, bool) {
	t := resolveTerm(name)
	return t.idx, t.idx >= 0
}

// normalizeText appends s to dst with ASCII letters lower-cased, full-width
// ASCII (Ｊａｖａ, ＣＥＴ－４) and the ideographic space folded to ASCII, so that
// text and lexicon keys compare byte for byte.
func normalizeText(dst []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			dst = append(dst, c)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			c := byte(r - 0xFF01 + '!')
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			dst = append(dst, c)
		case r == 0x3000:
			dst = append(dst, ' ')
		default:
			dst = append(dst, s[i:i+n]...)
		}
		i += n
	}
	return dst
}

func isASCIIWord(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c == '_'
}

var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// FindSkills finds the lexicon's skills and certificates named in free text
// without a word segmentation. The scan is leftmost-longest: at each
// position the longest name or alias wins and the scan resumes after it, so
// "英语六级" yields 英语六级, not 英语. Latin names match case-insensitively
// and only as whole words ("Java" is not found in "JavaScript", "Go" not in
// "Google"), but Chinese ones match inside longer words (规培 in 合规培训):
// where a segmentation is at hand, FindInWords is the one to use (the
// importer segments with gse and calls it). Results are canonical names,
// each once, in order of first appearance.
func FindSkills(text string) (skillNames, certificates []string) {
	loadSkills()
	bp := bufPool.Get().(*[]byte)
	b := normalizeText((*bp)[:0], text)
	skillNames, certificates = scanTerms(b, textKeys, textLens, func(i int) bool {
		return !(i > 0 && i < len(b) && isASCIIWord(b[i]) && isASCIIWord(b[i-1]))
	})
	*bp = b
	bufPool.Put(bp)
	return skillNames, certificates
}

// FindInWords finds the lexicon's skills and certificates in a text given
// as its words, in order (a word segmentation such as gse's, whitespace
// dropped). A term is found only where it starts and ends on word
// boundaries, so 规培 is not found in 开展/合规/培训 and 护理 not in 维护.
// A term may span several words (Spring|Boot, C1|驾照). The scan is
// leftmost-longest; results are canonical names, each once, in order of
// first appearance. Lookup-only names are never found.
//
//	FindInWords([]string{"持有", "小学", "教师资格证", "，", "英语六级"})
//	// → nil, [小学教师资格证 英语六级]
func FindInWords(words []string) (skillNames, certificates []string) {
	loadSkills()
	bp := bufPool.Get().(*[]byte)
	b := (*bp)[:0]
	var starts [64]int // byte offsets of word starts, then the end
	bounds := starts[:0]
	for _, w := range words {
		start := len(b)
		bounds = append(bounds, start)
		b = normalizeText(b, w)
		kept := start
		for _, c := range b[start:] {
			if c != ' ' {
				b[kept] = c
				kept++
			}
		}
		b = b[:kept]
	}
	bounds = append(bounds, len(b))
	skillNames, certificates = scanTerms(b, wordKeys, wordLens, func(i int) bool {
		_, ok := slices.BinarySearch(bounds, i)
		return ok
	})
	*bp = b
	bufPool.Put(bp)
	return skillNames, certificates
}

// scanTerms is the leftmost-longest scan of FindSkills, FindInWords and
// FindOnWordStarts: a term starts and ends where boundary says a word may.
// boundary is asked only where a key matches (a pure function, so the
// order of the questions changes no answer): FindOnWordStarts's costs a
// look at the text's segmentation.
func scanTerms(b []byte, keys map[string]int, lens map[rune][]int, boundary func(i int) bool) (skillNames, certificates []string) {
	var seen [8]int // small inline set: descriptions rarely name more
	found := seen[:0]
	for i := 0; i < len(b); {
		r, size := rune(b[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRune(b[i:])
		}
		matched := 0
		for _, l := range lens[r] {
			if i+l > len(b) {
				continue
			}
			idx, ok := keys[string(b[i:i+l])] // no allocation: the compiler elides the conversion
			if !ok {
				continue
			}
			if !boundary(i) {
				break // no term starts here
			}
			if !boundary(i + l) {
				continue
			}
			if !slices.Contains(found, idx) {
				found = append(found, idx)
				if s := &skills[idx]; s.Kind == KindCertificate {
					certificates = append(certificates, s.Name)
				} else {
					skillNames = append(skillNames, s.Name)
				}
			}
			matched = l
			break
		}
		if matched > 0 {
			i += matched
		} else {
			i += size
		}
	}
	return skillNames, certificates
}

// FindOnWordStarts is FindInWords for text given whole, with wordStart
// saying whether a word of its segmentation starts at a byte offset of
// text (index.Segmenter.ScanWordStarts): the same terms as FindInWords of
// the segmentation's words when the words are text without its
// whitespace, each a word of its own, cut apart. wordStart is asked only
// where a name occurs; ok is false when it could not tell (known false),
// and the caller then takes FindInWords.
func FindOnWordStarts(text string, wordStart func(p int) (start, known bool)) (skillNames, certificates []string, ok bool) {
	loadSkills()
	bp := bufPool.Get().(*[]byte)
	b := (*bp)[:0]
	op := offsetPool.Get().(*[]int32)
	at := (*op)[:0] // at[i]: the offset in text of b[i]'s character
	for i := 0; i < len(text); {
		r, n := rune(text[i]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeRuneInString(text[i:])
		}
		if !unicode.IsSpace(r) { // FindInWords's words hold no whitespace
			k := len(b)
			b = normalizeText(b, text[i:i+n])
			for range len(b) - k {
				at = append(at, int32(i))
			}
		}
		i += n
	}
	ok = true
	skillNames, certificates = scanTerms(b, wordKeys, wordLens, func(i int) bool {
		if i == len(b) || !ok {
			return ok
		}
		start, known := wordStart(int(at[i]))
		ok = ok && known
		return start && known
	})
	*bp, *op = b, at
	bufPool.Put(bp)
	offsetPool.Put(op)
	if !ok {
		return nil, nil, false
	}
	return skillNames, certificates, true
}

var offsetPool = sync.Pool{New: func() any { b := make([]int32, 0, 1024); return &b }}

var (
	termsOnce sync.Once
	terms     []string
)

// Terms returns the domain terms of terms.txt (policy terms, Urumqi places,
// Xinjiang employers and industries) that a word segmenter must keep whole.
// Majors, occupations, skills and districts are not repeated here: a
// segmenter dictionary loads them from Majors, Occupations, Skills and
// UrumqiDistricts as well.
func Terms() []string {
	termsOnce.Do(func() {
		b, err := files.ReadFile("terms.txt")
		if err != nil {
			panic(fmt.Sprintf("catalog: %v", err)) // embedded at build time
		}
		seen := map[string]bool{}
		sc := bufio.NewScanner(bytes.NewReader(b))
		for sc.Scan() {
			t := strings.TrimSpace(sc.Text())
			if t == "" || strings.HasPrefix(t, "#") || seen[t] {
				continue
			}
			seen[t] = true
			terms = append(terms, t)
		}
	})
	return terms
}

// InsertLength adds n to ls, the distinct byte lengths of the keys that
// begin with one rune, kept longest first: the order in which a
// longest-match scan tries them (this lexicon's and the occupation
// classifiers').
func InsertLength(ls []int, n int) []int {
	i, found := slices.BinarySearchFunc(ls, n, func(l, n int) int { return cmp.Compare(n, l) })
	if found {
		return ls
	}
	return slices.Insert(ls, i, n)
}
