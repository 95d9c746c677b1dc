package occupation

import (
	_ "embed"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"

	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

// profiles are the occupations as bags of words, for reading a post whose
// title names no field: each leaf occupation of the catalogue is the words
// of its name, aliases and curated job-board keys, of its definition (从事…
// 的人员) and of its tasks, weighted by field and by inverse document
// frequency over the occupations, so that 负责 or 进行 count for nothing
// and 抛光 or 报关 for much. A post's words are scored against them by
// cosine similarity through an inverted index.
type profiles struct {
	docs     []profile
	byCode   map[string]int
	postings map[string][]posting
	idf      map[string]float32
	scratch  sync.Pool // *[]float32, one per doc
}

type profile struct {
	code, name string
	norm       float32
}

type posting struct {
	doc int32
	w   float32
}

// Field weights: a word of the occupation's name or of a job-board key
// says more about it than a word of its definition, and that more than a
// word of one of its tasks.
const (
	weightName       = 3
	weightDefinition = 2
	weightTask       = 1
	// maxDocShare: a word found in more than this share of the
	// occupations (技术, 设备, 管理) is no evidence for any of them.
	maxDocShare = 0.06
)

// leafCodes are the nodes a post can be given: level-4 occupations, and
// level-3 nodes the classification does not divide.
func leafCodes() []catalog.Occupation {
	parents := map[string]bool{}
	for _, o := range catalog.Occupations() {
		parents[o.Parent()] = true
	}
	var out []catalog.Occupation
	seen := map[string]bool{}
	for _, o := range catalog.Occupations() {
		if seen[o.Code] || o.Level < 3 || o.Level == 3 && parents[o.Code] {
			continue
		}
		seen[o.Code] = true
		out = append(out, o)
	}
	return out
}

// profileTerms is one occupation's weighted words: its names, curated
// keys, definition and tasks.
func profileTerms(cut Cutter, o catalog.Occupation, keys map[string][]string) map[string]float32 {
	m := map[string]float32{}
	add := func(text string, w float32) {
		for _, t := range contentWords(cut, text) {
			m[t] += w
		}
	}
	add(o.Name, weightName)
	for _, a := range o.Aliases {
		add(a, weightName)
	}
	for _, k := range keys[o.Code] {
		add(k, weightName)
	}
	add(o.Definition, weightDefinition)
	add(o.Tasks, weightTask)
	return m
}

// profileTFs is each occupation's weighted words (profileTerms), cut on
// every core: the build runs alone at the start of an import, before the
// first post can be classified.
func profileTFs(cut Cutter, occs []catalog.Occupation, keys map[string][]string) []map[string]float32 {
	tf := make([]map[string]float32, len(occs))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < len(occs); i = int(next.Add(1)) - 1 {
				tf[i] = profileTerms(cut, occs[i], keys)
			}
		})
	}
	wg.Wait()
	return tf
}

// profilesFrom weighs the occupations' words tf (profileTFs) by inverse
// document frequency into profiles.
func profilesFrom(occs []catalog.Occupation, tf []map[string]float32) *profiles {
	df := map[string]int{}
	for i := range occs {
		for t := range tf[i] {
			df[t]++
		}
	}
	p := &profiles{postings: map[string][]posting{}, idf: map[string]float32{}, byCode: map[string]int{}}
	n := float64(len(occs))
	for t, d := range df {
		if float64(d) <= maxDocShare*n {
			p.idf[t] = float32(math.Log(n / float64(d)))
		}
	}
	for i, o := range occs {
		var norm float64
		for t, f := range tf[i] {
			idf, ok := p.idf[t]
			if !ok {
				continue
			}
			w := (1 + float32(math.Log(float64(f)))) * idf
			p.postings[t] = append(p.postings[t], posting{doc: int32(i), w: w})
			norm += float64(w * w)
		}
		p.byCode[o.Code] = len(p.docs)
		p.docs = append(p.docs, profile{code: o.Code, name: o.Name, norm: float32(math.Pow(norm, 0.3))})
	}
	p.scratch.New = func() any { s := make([]float32, len(p.docs)); return &s }
	return p
}

//go:embed generic.txt
var genericText string

// genericWord are the words of generic.txt.
var genericWord = func() map[string]bool {
	m := map[string]bool{}
	for _, ln := range strings.Split(genericText, "\n") {
		if strings.HasPrefix(ln, "#") {
			continue
		}
		for _, w := range strings.Fields(ln) {
			m[w] = true
		}
	}
	return m
}()

// contentWords are the words of text that can carry meaning: folded, of
// two letters or more (a one-character word is a fragment: 护, 工), with a
// letter in them.
func contentWords(cut Cutter, text string) []string {
	var out []string
	for _, w := range cut.Terms(fold(text)) {
		if runeLen(w) < 2 || !strings.ContainsFunc(w, unicode.IsLetter) {
			continue
		}
		out = append(out, w)
	}
	return out
}

// scored is an occupation's similarity to a post, with the words that
// contributed most.
type scored struct {
	doc      int
	score    float32
	evidence []string
}

// query is a post's words, each with its weight (title words count more
// than description words).
type query map[string]float32

func (q query) add(words []string, w float32) {
	for _, t := range words {
		q[t] += w
	}
}

// keyVoteWeight is what one dictionary key named in a description adds
// to its occupation's similarity.
const keyVoteWeight = 0.08

// groupWeight is how much the second and third occupations of a 中类 add
// to its support.
const groupWeight = 0.5

// rankWith scores every occupation sharing a word with q, adds the key
// votes, and returns the best two (the second for the margin), or none
// when nothing is known.
func (p *profiles) rankWith(q query, votes map[string]float32) (best, second scored, ok bool) {
	sp := p.scratch.Get().(*[]float32)
	acc := *sp
	touched := p.accumulate(q, votes, acc)
	best, second = p.pick(acc, touched)
	p.scratch.Put(sp)
	if best.doc < 0 {
		return scored{}, scored{}, false
	}
	best.evidence = p.evidence(q, best.doc)
	return best, second, true
}

// accumulate adds into acc, per occupation, its cosine similarity to q
// plus its key votes, and returns the occupations it touched.
func (p *profiles) accumulate(q query, votes map[string]float32, acc []float32) []int32 {
	var touched []int32
	var qnorm float64
	for t, f := range q {
		idf, known := p.idf[t]
		if !known {
			continue
		}
		qw := (1 + float32(math.Log(float64(f)))) * idf
		qnorm += float64(qw * qw)
		for _, ps := range p.postings[t] {
			if acc[ps.doc] == 0 {
				touched = append(touched, ps.doc)
			}
			acc[ps.doc] += qw * ps.w
		}
	}
	qn := float32(math.Sqrt(qnorm))
	if qn == 0 {
		qn = 1
	}
	for code, v := range votes {
		if d, ok := p.byCode[code]; ok {
			if acc[d] == 0 {
				touched = append(touched, int32(d))
			}
			acc[d] += min(v, 3) * keyVoteWeight * qn * p.docs[d].norm
		}
	}
	for _, d := range touched {
		acc[d] /= p.docs[d].norm * qn
	}
	return touched
}

// pick chooses among the touched occupations, and clears acc.
func (p *profiles) pick(acc []float32, touched []int32) (best, second scored) {
	best.doc, second.doc = -1, -1
	// The 中类 (the code's first two levels) with the most support over
	// its best three occupations wins, then its best occupation: a post
	// whose words spread over several siblings (工程师, 设备, 工艺) is
	// surely of their 中类 even when no single one stands out.
	type group struct{ top [3]float32 }
	groups := map[string]*group{}
	for _, d := range touched {
		s := acc[d]
		g := groups[p.docs[d].code[:4]]
		if g == nil {
			g = &group{}
			groups[p.docs[d].code[:4]] = g
		}
		for i := range g.top {
			if s > g.top[i] {
				copy(g.top[i+1:], g.top[i:2])
				g.top[i] = s
				break
			}
		}
	}
	bestMid, bestSum := "", float32(-1)
	for mid, g := range groups {
		sum := g.top[0] + groupWeight*(g.top[1]+g.top[2])
		if sum > bestSum || sum == bestSum && mid < bestMid {
			bestMid, bestSum = mid, sum
		}
	}
	for _, d := range touched {
		s := acc[d]
		acc[d] = 0
		if p.docs[d].code[:4] != bestMid {
			if second.doc < 0 || s > second.score {
				second = scored{doc: int(d), score: s}
			}
			continue
		}
		if best.doc < 0 || s > best.score || s == best.score && int(d) < best.doc {
			best = scored{doc: int(d), score: s}
		}
	}
	return best, second
}

// evidence are the (up to four) words of q that weigh most for doc.
func (p *profiles) evidence(q query, doc int) []string {
	type tw struct {
		t string
		w float32
	}
	var ws []tw
	for t, f := range q {
		for _, ps := range p.postings[t] {
			if int(ps.doc) == doc {
				ws = append(ws, tw{t, f * ps.w})
				break
			}
		}
	}
	slices.SortFunc(ws, func(a, b tw) int {
		if a.w != b.w {
			if a.w > b.w {
				return -1
			}
			return 1
		}
		return strings.Compare(a.t, b.t)
	})
	var out []string
	for i := 0; i < len(ws) && i < 4; i++ {
		out = append(out, ws[i].t)
	}
	return out
}
