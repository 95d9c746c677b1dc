package catalog

import (
	"bufio"
	"bytes"
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"
)

// Skill is an entry of the skills and certificates lexicon (skills.csv).
type Skill struct {
	Name        string   // canonical name, e.g. 初级会计职称, Java, C1驾驶证
	Kind        string   // "skill" or "certificate"
	Aliases     []string // other spellings posts use: CET-4, 初级会计师, 前端 …
	Occupations []string // CSCO codes where it is typically asked for
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
	skillByKey map[string]int // normalised name or alias → index in skills
	// skillLens maps the first rune of a normalised key to the distinct byte
	// lengths of the keys starting with it, longest first: FindSkills tries
	// only those lengths at each position, so a scan costs a few map lookups
	// per character whatever the size of the lexicon.
	skillLens map[rune][]int
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
	skillByKey = map[string]int{}
	skillLens = map[rune][]int{}
	for i, r := range rows {
		line := i + 2
		if len(r) < 4 {
			return fmt.Errorf("skills.csv:%d: want 4 fields, got %d", line, len(r))
		}
		s := Skill{Name: strings.TrimSpace(r[0]), Kind: strings.TrimSpace(r[1]), Aliases: splitList(r[2]), Occupations: splitList(r[3])}
		if s.Name == "" {
			return fmt.Errorf("skills.csv:%d: name: empty", line)
		}
		if s.Kind != KindSkill && s.Kind != KindCertificate {
			return fmt.Errorf("skills.csv:%d: kind: %q is neither skill nor certificate", line, s.Kind)
		}
		idx := len(skills)
		skills = append(skills, s)
		for _, n := range append([]string{s.Name}, s.Aliases...) {
			key := string(normalizeText(nil, n))
			if key == "" {
				continue
			}
			if j, dup := skillByKey[key]; dup && j != idx {
				return fmt.Errorf("skills.csv:%d: %q is already an alias of %q", line, n, skills[j].Name)
			}
			skillByKey[key] = idx
		}
	}
	for key := range skillByKey {
		r, _ := utf8.DecodeRuneInString(key)
		skillLens[r] = insertDesc(skillLens[r], len(key))
	}
	return nil
}

func insertDesc(ls []int, n int) []int {
	for i, l := range ls {
		if l == n {
			return ls
		}
		if l < n {
			ls = append(ls, 0)
			copy(ls[i+1:], ls[i:])
			ls[i] = n
			return ls
		}
	}
	return append(ls, n)
}

// Skills returns the whole lexicon, in file order.
func Skills() []Skill { loadSkills(); return skills }

// SkillByName finds a lexicon entry by its name or an alias (Latin letters
// case-insensitive, full-width forms folded).
func SkillByName(name string) (Skill, bool) {
	loadSkills()
	i, ok := skillByKey[string(normalizeText(nil, strings.TrimSpace(name)))]
	if !ok {
		return Skill{}, false
	}
	return skills[i], true
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
// (a post's description, a graduate's profile). The scan is leftmost-longest:
// at each position the longest name or alias wins and the scan resumes after
// it, so "英语六级" yields 英语六级, not 英语. Latin names match
// case-insensitively and only as whole words ("Java" is not found in
// "JavaScript", "Go" not in "Google"). Results are canonical names, each once,
// in order of first appearance.
func FindSkills(text string) (skillNames, certificates []string) {
	loadSkills()
	bp := bufPool.Get().(*[]byte)
	b := normalizeText((*bp)[:0], text)
	var seen [8]int // small inline set: descriptions rarely name more
	found := seen[:0]
	for i := 0; i < len(b); {
		r, size := rune(b[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRune(b[i:])
		}
		lens := skillLens[r]
		matched := 0
		if len(lens) > 0 && !(isASCIIWord(b[i]) && i > 0 && isASCIIWord(b[i-1])) {
			for _, l := range lens {
				if i+l > len(b) {
					continue
				}
				idx, ok := skillByKey[string(b[i:i+l])] // no allocation: the compiler elides the conversion
				if !ok {
					continue
				}
				if isASCIIWord(b[i+l-1]) && i+l < len(b) && isASCIIWord(b[i+l]) {
					continue // "Java" inside "Javaxyz": not a whole word
				}
				dup := false
				for _, f := range found {
					if f == idx {
						dup = true
						break
					}
				}
				if !dup {
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
		}
		if matched > 0 {
			i += matched
		} else {
			i += size
		}
	}
	*bp = b
	bufPool.Put(bp)
	return skillNames, certificates
}

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
