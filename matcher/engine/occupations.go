package engine

import (
	"slices"
	"strings"

	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

type occNode struct {
	code  string
	name  string
	level int
	anc   [4]int32 // ids of the ancestors at levels 1..4 (anc[level-1] is the node itself)
	// regulated: the occupation needs a licence only graduates of certain
	// majors may sit for (catalog.OccupationRegulation)
	regulated bool
}

func (e *Engine) initOccupations() {
	e.occIDs = map[string]int32{}
	for _, o := range catalog.Occupations() {
		e.occID(o.Code)
	}
}

// occID interns an occupation code with its ancestors; -1 for "".
func (e *Engine) occID(code string) int32 {
	code = strings.TrimSpace(code)
	if code == "" {
		return -1
	}
	if id, ok := e.occIDs[code]; ok {
		return id
	}
	chain := []string{code}
	for c := catalog.ParentOccupation(code); c != ""; c = catalog.ParentOccupation(c) {
		chain = append(chain, c)
	}
	slices.Reverse(chain) // level 1 first
	var anc [4]int32
	for i := range anc {
		anc[i] = -1
	}
	var id int32 = -1
	for lvl, c := range chain {
		if lvl >= 4 {
			break
		}
		if x, ok := e.occIDs[c]; ok {
			id = x
		} else {
			id = int32(len(e.occs))
			n := occNode{code: c, level: lvl + 1}
			if o, ok := catalog.OccupationByCode(c); ok {
				n.name = o.Name
			}
			_, n.regulated = catalog.OccupationRegulation(c)
			e.occs = append(e.occs, n)
			e.occIDs[c] = id
		}
		anc[lvl] = id
		e.occs[id].anc = anc
	}
	if len(chain) == 0 || len(chain) > 4 {
		// Not a CSCO-shaped code: keep it as a root of its own.
		id = int32(len(e.occs))
		e.occs = append(e.occs, occNode{code: code, level: 1, anc: [4]int32{id, -1, -1, -1}})
		e.occIDs[code] = id
	}
	return e.occIDs[code]
}

// OccupationName returns the catalogue name of an occupation code.
func occName(code string) string {
	if o, ok := catalog.OccupationByCode(code); ok {
		return o.Name
	}
	return ""
}

// countCooc records which majors a post asks for in its occupation (and the
// occupation's 小类), the evidence the "learned" half of the occupation
// feature reads.
func (e *Engine) countCooc(pr *postRec, delta int) {
	if pr.occ < 0 || len(pr.Majors) == 0 {
		return
	}
	n := e.occs[pr.occ]
	targets := []int32{pr.occ}
	if n.level == 4 && n.anc[2] >= 0 {
		targets = append(targets, n.anc[2])
	}
	bump := func(m map[string]map[int32]int, k string, t int32) {
		if m[k] == nil {
			m[k] = map[int32]int{}
		}
		if m[k][t] += delta; m[k][t] == 0 {
			delete(m[k], t)
		}
	}
	for _, t := range targets {
		e.coocTot[t] += delta
		codes, classes := map[string]bool{}, map[string]bool{}
		for _, m := range pr.Majors {
			if m.Code != "" && !codes[m.Code] {
				codes[m.Code] = true
				bump(e.coocCode, m.Code, t)
			}
			if m.Class != "" && !classes[m.Class] {
				classes[m.Class] = true
				bump(e.coocClass, m.Class, t)
			}
		}
	}
}

// occupationAffinities computes the major ↔ occupation feature for every
// occupation id: the larger of the catalogue affinity (the major's typical
// occupations, by how many levels of the classification they share with
// the post's) and the learned one (the share of posts in that occupation,
// or 0.8 × in its 小类, that ask for the graduate's major, or 0.8 × for its
// 专业类). It memoises them, with ge's subjects and catalogue occupations,
// for the graduates of the same major (sharedOccAffinities).
func (e *Engine) occupationAffinities(ge *gradEngine) {
	if ge.single {
		return // Candidates: computed for its one post on demand
	}
	key := majorKey(ge.major)
	ge.direct = e.learnedDirect(ge)
	ge.occAff = make([]float32, len(e.occs))
	ge.occSrc = make([]uint8, len(e.occs))
	for o := range e.occs {
		v, src := e.occAffinityOf(ge, int32(o))
		ge.occAff[o], ge.occSrc[o] = float32(v), src
	}
	e.occByMajor.Store(key, &occAffinities{gen: e.gen, direct: ge.direct, aff: ge.occAff, src: ge.occSrc, subjects: ge.subjects, gOccs: ge.gOccs})
}

// sharedOccAffinities fills ge's occupation affinities, subjects and
// catalogue occupations from the memo of its major, if it holds them as
// of the engine's state; false when the caller must compute them.
func (e *Engine) sharedOccAffinities(ge *gradEngine) bool {
	if ge.single {
		return false
	}
	c, ok := e.occByMajor.Load(majorKey(ge.major))
	if !ok || c.gen != e.gen {
		return false
	}
	ge.direct, ge.occAff, ge.occSrc, ge.subjects, ge.gOccs = c.direct, c.aff, c.src, c.subjects, c.gOccs
	return true
}

// occAffinities are a graduate major's occupation affinities as of one
// state of the engine (gen): everything in them follows from the major
// (its code's occupations, the regulated ones it is barred from, what
// posts asked of it), so graduates with the same major share them, read
// only, instead of each request computing them for every occupation.
type occAffinities struct {
	gen    uint64
	direct map[int32]float64
	aff    []float32
	src    []uint8
	// the major's subjects and catalogue occupations (gradEngine's)
	subjects uint32
	gOccs    []int32
}

// learnedDirect is, per occupation (or 小类) that posts have asked the
// graduate's major or 专业类 for, the share of its posts that did.
func (e *Engine) learnedDirect(ge *gradEngine) map[int32]float64 {
	direct := map[int32]float64{}
	for k, m := range []map[int32]int{e.coocCode[ge.major.Code], e.coocClass[ge.major.Class]} {
		if (k == 0 && ge.major.Code == "") || (k == 1 && ge.major.Class == "") {
			continue
		}
		f := []float64{1, 0.8}[k]
		for t, n := range m {
			if v := f * float64(n) / float64(e.coocTot[t]+1); v > direct[t] {
				direct[t] = v
			}
		}
	}
	return direct
}

// learnedAt is learnedDirect's value for one occupation: read from the
// table when the request built it, else (Candidates, one post per
// graduate) computed directly, with the same arithmetic.
func (e *Engine) learnedAt(ge *gradEngine, t int32) float64 {
	if ge.direct != nil {
		return ge.direct[t]
	}
	var v float64
	for k, m := range []map[int32]int{e.coocCode[ge.major.Code], e.coocClass[ge.major.Class]} {
		if (k == 0 && ge.major.Code == "") || (k == 1 && ge.major.Class == "") {
			continue
		}
		if n, ok := m[t]; ok {
			v = max(v, []float64{1, 0.8}[k]*float64(n)/float64(e.coocTot[t]+1))
		}
	}
	return v
}

// occAffinityOf computes the occupation feature for one occupation id and
// says where it came from (1 catalogue, 2 learned from posts, 0 neither).
func (e *Engine) occAffinityOf(ge *gradEngine, o int32) (float64, uint8) {
	n := &e.occs[o]
	if e.barred(ge, o) {
		return 0, 0
	}
	var cat float64
	for _, g := range ge.gOccs {
		gn := &e.occs[g]
		if n.anc[gn.level-1] == g { // the post's occupation is under the major's
			cat = 1
			break
		}
		shared := 0
		for l := 0; l < 4 && n.anc[l] >= 0 && n.anc[l] == gn.anc[l]; l++ {
			shared = l + 1
		}
		cat = max(cat, [...]float64{0, 0.15, 0.45, 0.7, 0.7}[shared])
	}
	learned := e.learnedAt(ge, o)
	if n.level == 4 && n.anc[2] >= 0 {
		learned = max(learned, 0.8*e.learnedAt(ge, n.anc[2]))
	}
	v, src := cat, uint8(1)
	if learned > cat {
		v, src = learned, 2
	}
	if v == 0 {
		src = 0
	}
	return float64(float32(v)), src
}

func (ge *gradEngine) occAffinity(o int32) float64 {
	if ge.single {
		v, _ := ge.e.occAffinityOf(ge, o)
		return v
	}
	return float64(ge.occAff[o])
}

func (ge *gradEngine) occSource(o int32) uint8 {
	if ge.single {
		_, src := ge.e.occAffinityOf(ge, o)
		return src
	}
	return ge.occSrc[o]
}

// barred reports whether the occupation is regulated and the graduate's
// major does not qualify for its licence (catalog.MajorAffinity says
// barred): 口腔科医师 for a 临床医学 graduate, 中药师 for a 药学 one. Such
// an occupation gets no affinity, however close it is to the major's own
// (same 小类) and whatever posts ask for. Verdicts are kept by major and
// occupation: a request reads a few hundred regulated nodes.
func (e *Engine) barred(ge *gradEngine, o int32) bool {
	n := &e.occs[o]
	if !n.regulated {
		return false
	}
	major := ge.major.Code
	if major == "" {
		major = ge.major.Class
	}
	k := major + "\x00" + n.code
	if v, ok := e.regVerdicts.Load(k); ok {
		return v.(bool)
	}
	v := catalog.MajorAffinity(major, n.code).Kind == catalog.AffinityBarred
	e.regVerdicts.Store(k, v)
	return v
}

// barredRegulation returns the regulation that bars the graduate from the
// post's occupation, for the explanation.
func (e *Engine) barredRegulation(ge *gradEngine, o int32) (catalog.Regulation, bool) {
	if o < 0 || ge == nil || !e.barred(ge, o) {
		return catalog.Regulation{}, false
	}
	return catalog.OccupationRegulation(e.occs[o].code)
}
