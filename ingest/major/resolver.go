package major

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/urumqi-hrss/jobmatch/index"
	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

// Levels returns the catalogue levels a graduate of a degree may have
// studied at, the likeliest first: a 本科 degree is an undergraduate major,
// or one of the 高职本科 catalogue; 硕士 and 博士 study a 研究生 discipline.
// DegreeNone gives nil (any level).
func Levels(d matcher.Degree) []string {
	switch d {
	case matcher.DegreeSecondary:
		return []string{catalog.LevelSecondary}
	case matcher.DegreeAssociate:
		return []string{catalog.LevelAssociate}
	case matcher.DegreeBachelor:
		return []string{catalog.LevelBachelor, catalog.LevelVocBachelor}
	case matcher.DegreeMaster, matcher.DegreeDoctor:
		return []string{catalog.LevelGraduate}
	}
	return nil
}

// Resolver resolves and infers major names. It is safe for concurrent use.
type Resolver struct {
	terms func(string) []string
	// vocab: word → 专业类 → number of majors of that class whose name or
	// an alias holds the word; docs: word → number of majors holding it.
	vocab map[string]map[string]int
	docs  map[string]int
	total int
	memo  sync.Map // key(name, levels) → catalog.MajorResolution
}

// New builds a resolver over the catalogue with a segmenter's terms (words
// and their sub-words, lower-cased, stop words dropped).
func New(terms func(string) []string) *Resolver {
	r := &Resolver{terms: terms, vocab: map[string]map[string]int{}, docs: map[string]int{}}
	for _, m := range catalog.Majors() {
		r.total++
		var ws []string
		for _, n := range append([]string{m.Name}, m.Aliases...) {
			for _, w := range r.words(n) {
				if !slices.Contains(ws, w) {
					ws = append(ws, w)
				}
			}
		}
		for _, w := range ws {
			if r.vocab[w] == nil {
				r.vocab[w] = map[string]int{}
			}
			r.vocab[w][m.ClassCode]++
			r.docs[w]++
		}
	}
	return r
}

var (
	defaultOnce sync.Once
	defaultR    *Resolver
	defaultErr  error
)

// Default returns the resolver over the index's default segmenter, built
// on first use (the segmenter's dictionaries load then, about a quarter of
// a second).
func Default() (*Resolver, error) {
	defaultOnce.Do(func() {
		seg, err := index.DefaultSegmenter()
		if err != nil {
			defaultErr = fmt.Errorf("major: segmenter: %w", err)
			return
		}
		defaultR = New(seg.Terms)
	})
	return defaultR, defaultErr
}

// Resolve resolves a major's name for a graduate of degree d with the
// default resolver. Should the segmenter fail to load, an unknown name
// stays unresolved (catalog.MajorNotFound) rather than failing the caller.
func Resolve(name string, d matcher.Degree) catalog.MajorResolution {
	levels := Levels(d)
	r, err := Default()
	if err != nil {
		return catalog.ResolveMajor(name, levels...)
	}
	return r.Resolve(name, levels...)
}

// Resolve resolves a name at the levels (catalog.ResolveMajor), and infers
// the 专业类 of a name the catalogue does not know.
func (r *Resolver) Resolve(name string, levels ...string) catalog.MajorResolution {
	key := name + "\x00" + strings.Join(levels, ",")
	if v, ok := r.memo.Load(key); ok {
		return v.(catalog.MajorResolution)
	}
	res := catalog.ResolveMajor(name, levels...)
	if res.Found == catalog.MajorNotFound {
		if inf, ok := r.Infer(res.Input, levels...); ok {
			res = inf
		}
	}
	r.memo.Store(key, res)
	return res
}

// words are the terms of a name of at least two characters.
func (r *Resolver) words(name string) []string {
	var out []string
	for _, w := range r.terms(name) {
		if utf8.RuneCountInString(w) >= 2 && !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	return out
}

// maxSpecific is the most majors (of the 2,378) a word may name and still
// tell a field: 护理 (5 majors), 会计 (8), 机械 (21), 电子 (42), 材料 (53)
// do; 医学 (70), 科学 (110), 智能 (112), 管理 (253) and 技术 (625) do
// not. Only a 专业类 one such word votes for can win, so that 技术 or
// 内科学 (内 + 科学) stay unresolved rather than land in 计算机类.
const maxSpecific = 60

// Infer places a name in the 专业类 its words point to, preferring the
// classes of the graduate's levels (see the package doc).
func (r *Resolver) Infer(name string, levels ...string) (catalog.MajorResolution, bool) {
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > 40 {
		return catalog.MajorResolution{Input: name}, false
	}
	ws := r.words(name)
	if len(ws) == 0 {
		return catalog.MajorResolution{Input: name}, false
	}
	if slices.Contains(levels, catalog.LevelGraduate) {
		// graduate disciplines continue undergraduate 专业类
		levels = append(slices.Clone(levels), catalog.LevelBachelor)
	}
	for _, scope := range [][]string{levels, nil} {
		if c, via, ok := r.vote(name, ws, scope); ok {
			cl, _ := catalog.MajorClassByCode(c)
			return catalog.MajorResolution{Input: name, Found: catalog.MajorInferred, ClassCode: cl.Code, ClassName: cl.Name,
				CategoryCode: cl.CategoryCode, CategoryName: cl.CategoryName, Level: cl.Level, Via: via}, true
		}
		if len(levels) == 0 {
			break
		}
	}
	return catalog.MajorResolution{Input: name}, false
}

// vote scores the 专业类 of the levels (all when none) and returns the
// best, with the words that carried it.
func (r *Resolver) vote(name string, ws []string, levels []string) (class, via string, ok bool) {
	score := map[string]float64{}
	support := map[string][]string{}
	specific := map[string]bool{}
	var known []string // words any major uses
	for _, w := range ws {
		byClass := r.vocab[w]
		n := 0
		for c, k := range byClass {
			if inLevels(c, levels) {
				n += k
			}
		}
		if len(byClass) > 0 {
			known = append(known, w)
		}
		if n == 0 {
			continue
		}
		idf := math.Log(float64(r.total) / float64(r.docs[w]))
		if strings.HasSuffix(name, w) && r.rarest(ws, levels) >= r.docs[w] {
			// the head word: 老年护理 is about 护理 more than about 老年; but
			// not over a rarer word naming the subject (宠物美容与护理 is
			// about pets: 宠物, 4 majors, outweighs 护理, 6)
			idf *= 1.5
		}
		for c, k := range byClass {
			if !inLevels(c, levels) {
				continue
			}
			score[c] += idf * float64(k) / float64(n)
			specific[c] = specific[c] || r.docs[w] <= maxSpecific
			support[c] = append(support[c], w)
		}
	}
	cs := make([]string, 0, len(score))
	for c := range score {
		if specific[c] {
			cs = append(cs, c)
		}
	}
	if len(cs) == 0 {
		return "", "", false
	}
	sort.Slice(cs, func(i, j int) bool {
		if score[cs[i]] != score[cs[j]] {
			return score[cs[i]] > score[cs[j]]
		}
		return cs[i] < cs[j]
	})
	best := cs[0]
	if coverage(name, support[best]) < minCoverage && coverage(name, known) < minKnown {
		return "", "", false
	}
	return best, strings.Join(support[best], "、"), true
}

// rarest is the fewest majors any of the words voting at the levels names.
func (r *Resolver) rarest(ws []string, levels []string) int {
	min := r.total
	for _, w := range ws {
		for c := range r.vocab[w] {
			if inLevels(c, levels) && r.docs[w] < min {
				min = r.docs[w]
			}
		}
	}
	return min
}

// An inference needs the winning 专业类's words to cover half the name's
// characters (老年护理), or words of the catalogue to cover four fifths of
// it (大数据会计: 大数据 and 会计): a phrase around one or two known words
// (有一定机械基础知识, 足够了解竞品信息) is a sentence, not a major.
const (
	minCoverage = 0.5
	minKnown    = 0.8
)

// coverage is the share of name's characters inside one of the words.
func coverage(name string, words []string) float64 {
	rs := []rune(name)
	covered := make([]bool, len(rs))
	for _, w := range words {
		wr := []rune(w)
		for i := 0; i+len(wr) <= len(rs); i++ {
			if string(rs[i:i+len(wr)]) == w {
				for j := i; j < i+len(wr); j++ {
					covered[j] = true
				}
			}
		}
	}
	n := 0
	for _, c := range covered {
		if c {
			n++
		}
	}
	return float64(n) / float64(len(rs))
}

// inLevels reports whether a 专业类 holds majors of one of the levels (any
// when levels is empty).
func inLevels(class string, levels []string) bool {
	if len(levels) == 0 {
		return true
	}
	c, ok := catalog.MajorClassByCode(class)
	return ok && slices.Contains(levels, c.Level)
}

// PostCode is the code a graduate's resolved major is stored with: the
// major's own code, except for a name several catalogues share (护理 at
// 中职, 高职专科 and 高职本科; 药学 at 本科 and 高职专科), which keeps the
// code posts' requirements are written in (normalize.Majors codes a post's
// 药学 as the undergraduate 100701). The matching engine compares codes and
// 专业类 within one catalogue, so a 大专 药学 graduate coded 520301 would
// lose the class matches a post's 药学 gives (measured on the real
// relevance set: held-out P@8 0.489 → 0.466). Once the engine compares
// across levels, graduates can carry res.Code() itself.
func PostCode(res catalog.MajorResolution) string {
	if res.Major.Code != "" {
		if m, ok := catalog.MajorByName(res.Major.Name); ok && m.Name == res.Major.Name {
			return m.Code
		}
	}
	return res.Code()
}
