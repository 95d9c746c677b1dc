package engine

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// BigramAnalyzer is a dependency-free Analyzer: lower-cased runs of
// letters and digits as words, and overlapping character bigrams (plus the
// single character of one-character runs) for Han text. It is the fallback
// when no segmenter is given; production passes the index's gse analyzer.
type BigramAnalyzer struct{}

// Terms implements Analyzer.
func (BigramAnalyzer) Terms(text string) []string {
	var out []string
	var han []rune
	var word []rune
	flushHan := func() {
		switch len(han) {
		case 0:
		case 1:
			out = append(out, string(han))
		default:
			for i := 0; i+1 < len(han); i++ {
				out = append(out, string(han[i:i+2]))
			}
		}
		han = han[:0]
	}
	flushWord := func() {
		if len(word) > 0 {
			out = append(out, string(word))
			word = word[:0]
		}
	}
	for _, r := range text {
		if r >= '！' && r <= '～' {
			r -= 0xFEE0
		}
		switch {
		case unicode.Is(unicode.Han, r):
			flushWord()
			han = append(han, r)
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '+' || r == '#':
			flushHan()
			word = append(word, unicode.ToLower(r))
		default:
			flushHan()
			flushWord()
		}
	}
	flushHan()
	flushWord()
	return out
}

// stopTerms are too common in posts to say anything about fit.
var stopTerms = map[string]bool{"的": true, "和": true, "与": true, "及": true, "等": true, "或": true, "有": true, "在": true, "了": true, "是": true, "为": true, "对": true}

// termCounts counts useful terms of the texts, each text weighted by rep.
func termCounts(an matcher.Analyzer, texts []string, reps []int) map[string]float64 {
	tf := map[string]float64{}
	for i, t := range texts {
		if t == "" {
			continue
		}
		for _, term := range an.Terms(t) {
			if term, ok := usefulTerm(term); ok {
				tf[term] += float64(reps[i])
			}
		}
	}
	return tf
}

// usefulTerm is term normalised (normTerm), and whether it counts: not
// empty, not a stop term, not punctuation. Every stop term is one Han
// character, three bytes, so other lengths skip the map (TestStopTermsHan).
func usefulTerm(term string) (string, bool) {
	term = normTerm(term)
	return term, term != "" && !(len(term) == 3 && stopTerms[term]) && !isPunct(term)
}

// normTerm is strings.ToLower(strings.TrimSpace(term)). Most terms are
// Han (no case, no spaces) or lower-case ASCII without spaces, which it
// returns as they are: ToLower's rune-by-rune case lookup for every Han
// term was a sixth of counting a post's terms.
func normTerm(term string) string {
	for i := 0; i < len(term); {
		c := term[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' || c == ' ' || '\t' <= c && c <= '\r' {
				return strings.ToLower(strings.TrimSpace(term))
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(term[i:])
		if r < 0x4E00 || r > 0x9FFF { // outside the CJK Unified Ideographs
			return strings.ToLower(strings.TrimSpace(term))
		}
		i += n
	}
	return term
}

func isPunct(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

// postTexts is what the text feature reads of a post; the title counts twice.
func postTexts(p *matcher.Post) ([]string, []int) {
	return []string{p.Title, p.Description, strings.Join(p.Majors, " "), strings.Join(p.Skills, " "), strings.Join(p.Certificates, " ")},
		[]int{2, 1, 1, 1, 1}
}

// profileTexts is what the text feature reads of a graduate: major, skills
// and certificates (never personal data).
func profileTexts(g *matcher.Graduate) ([]string, []int) {
	return []string{g.Major, strings.Join(g.Skills, " "), strings.Join(g.Certificates, " ")}, []int{2, 1, 1}
}

func (e *Engine) termID(t string) uint32 {
	if id, ok := e.termIDs[t]; ok {
		return id
	}
	id := uint32(len(e.termStr))
	e.termIDs[t] = id
	e.termStr = append(e.termStr, t)
	e.df = append(e.df, 0)
	e.postings = append(e.postings, nil)
	return id
}

func (e *Engine) idf(id uint32) float64 {
	n := float64(e.live + 1)
	return math.Log(1 + n/float64(e.df[id]+1))
}

// termCount is one term of a text with its (weighted) count.
type termCount struct {
	term string
	n    float64
}

// sortedCounts lists tf by term, the order vectorizeCounts reads.
func sortedCounts(tf map[string]float64) []termCount {
	out := make([]termCount, 0, len(tf))
	for t, n := range tf {
		out = append(out, termCount{t, n})
	}
	slices.SortFunc(out, func(a, b termCount) int { return strings.Compare(a.term, b.term) })
	return out
}

// vectorize turns term counts into a sorted, L2-normalised tf-idf vector
// over known terms (unknown terms are dropped: they cannot match any post).
func (e *Engine) vectorize(tf map[string]float64, add bool) ([]uint32, []float32) {
	return e.vectorizeCounts(sortedCounts(tf), add)
}

// vectorizeCounts is vectorize over counts sorted by term: new terms get
// ids in that order, so the same posts give the same ids in every build.
func (e *Engine) vectorizeCounts(tc []termCount, add bool) ([]uint32, []float32) {
	type idW struct {
		id uint32
		w  float64
	}
	v := make([]idW, 0, len(tc))
	for _, x := range tc {
		var id uint32
		if add {
			id = e.termID(x.term)
		} else {
			var ok bool
			if id, ok = e.termIDs[x.term]; !ok {
				continue
			}
		}
		v = append(v, idW{id, (1 + math.Log(x.n)) * e.idf(id)})
	}
	slices.SortFunc(v, func(a, b idW) int { return cmp.Compare(a.id, b.id) })
	var norm float64
	for _, x := range v {
		norm += x.w * x.w
	}
	norm = math.Sqrt(norm)
	ids := make([]uint32, len(v))
	out := make([]float32, len(v))
	for i, x := range v {
		ids[i], out[i] = x.id, float32(x.w/norm)
	}
	return ids, out
}

// textScores returns the cosine of the profile vector with every slot's
// vector, through the inverted index: only posts sharing a term are touched.
// Terms are visited in id order and each product is rounded to float32
// before it is added, so the exhaustive scorer (a sorted merge in the same
// order) gets bit-identical values.
func (e *Engine) textScores(ge *gradEngine) *[]float32 {
	accp, _ := e.accPool.Get().(*[]float32)
	if accp == nil {
		accp = new([]float32)
	}
	if cap(*accp) < len(e.slots) {
		*accp = make([]float32, len(e.slots), len(e.slots)+len(e.slots)/8)
	} else {
		*accp = (*accp)[:len(e.slots)]
		clear(*accp)
	}
	acc := *accp
	for i, id := range ge.qIDs {
		qw := ge.qW[i]
		for _, p := range e.postings[id] {
			acc[p.slot] = acc[p.slot] + float32(qw*p.w)
		}
	}
	return accp
}

// textScore is the same cosine for one post, by a sorted merge.
func textScore(ge *gradEngine, pr *postRec) float32 {
	var s float32
	i, j := 0, 0
	for i < len(ge.qIDs) && j < len(pr.terms) {
		switch {
		case ge.qIDs[i] < pr.terms[j]:
			i++
		case ge.qIDs[i] > pr.terms[j]:
			j++
		default:
			s = s + float32(ge.qW[i]*pr.tw[j])
			i++
			j++
		}
	}
	return s
}

// sparseDot is the dot product of two sparse vectors with sorted ids.
func sparseDot(ai []uint32, aw []float32, bi []uint32, bw []float32) float64 {
	var s float64
	i, j := 0, 0
	for i < len(ai) && j < len(bi) {
		switch {
		case ai[i] < bi[j]:
			i++
		case ai[i] > bi[j]:
			j++
		default:
			s += float64(aw[i]) * float64(bw[j])
			i++
			j++
		}
	}
	return s
}
