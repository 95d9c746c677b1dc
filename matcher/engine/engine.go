package engine

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"iter"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

// Options configure an Engine.
type Options struct {
	// Analyzer segments post and profile text; pass the index's gse
	// analyzer. Nil falls back to BigramAnalyzer.
	Analyzer matcher.Analyzer
	// Weights of the features; the zero value uses DefaultWeights.
	Weights Weights
	// Policy numbers; the zero value uses catalog.LoadPolicy.
	Policy catalog.Policy
	// Now fixes the decision time (tests, the nightly batch); zero means
	// the wall clock at each request.
	Now time.Time
}

// Engine holds the resident, read-mostly data for all open posts and
// courses. Reads (Recommend, Candidates) run concurrently with each other
// and with Upsert/Remove, which take a short exclusive lock.
type Engine struct {
	mu     sync.RWMutex
	an     matcher.Analyzer
	sc     scorer
	wts    Weights
	pol    catalog.Policy
	fixNow time.Time

	slots []*postRec // nil where a post was removed
	hot   []postHot  // slots' hot parts, contiguous; live false where removed
	byID  map[string]int32
	live  int

	// text: vocabulary, document frequencies and an inverted index
	termIDs  map[string]uint32
	termStr  []string
	df       []int32
	postings [][]posting

	// skills and certificates, interned
	skillIDs  map[string]uint32
	skillName []string

	// occupations: the catalogue's tree plus codes first seen in posts, and
	// what the posts themselves say about majors per occupation
	occIDs    map[string]int32
	occs      []occNode
	coocTot   map[int32]int            // posts naming majors, by occupation (and 小类)
	coocCode  map[string]map[int32]int // major code → occupation → posts asking for it
	coocClass map[string]map[int32]int // 专业类 → occupation → posts asking for it

	// distinct lists of majors posts ask for
	majorSetIDs map[string]int32
	majorRefIDs map[string]int32 // distinct single majors posts name

	courses []*courseRec

	accPool  sync.Pool
	profiles profileCache
	gen      uint64 // counts changes to the posts and courses; see profileCache
}

type posting struct {
	slot int32
	w    float32
}

type occNode struct {
	code  string
	name  string
	level int
	anc   [4]int32 // ids of the ancestors at levels 1..4 (anc[level-1] is the node itself)
}

// New compiles posts and courses for matching. Posts that are not
// open are kept (the rules exclude them, and --explain-exclusions says why).
func New(posts []matcher.Post, courses []matcher.Course, o Options) (*Engine, error) {
	e := &Engine{an: o.Analyzer, pol: o.Policy, fixNow: o.Now}
	if e.an == nil {
		e.an = BigramAnalyzer{}
	}
	if len(o.Weights.Weights) == 0 {
		e.wts = DefaultWeights()
	} else {
		if err := o.Weights.validate(); err != nil {
			return nil, err
		}
		e.wts = o.Weights
	}
	e.sc = newScorer(e.wts)
	if len(e.pol.ChannelPlan) == 0 {
		p, err := catalog.LoadPolicy()
		if err != nil {
			return nil, fmt.Errorf("matcher: policy: %w", err)
		}
		e.pol = p
	}
	e.initOccupations()
	if err := e.build(posts); err != nil {
		return nil, err
	}
	for i := range courses {
		if err := e.addCourse(courses[i]); err != nil {
			return nil, err
		}
	}
	return e, nil
}

func validatePost(p *matcher.Post) error {
	if strings.TrimSpace(p.ID) == "" {
		return &matcher.Error{Code: matcher.EINVALID, Field: "id", Message: "岗位缺少ID", MessageEN: "post without an id"}
	}
	if p.Kind != "" && !p.Kind.Valid() {
		return &matcher.Error{Code: matcher.EINVALID, Field: "kind", Message: fmt.Sprintf("岗位%s：未知类型%q", p.ID, p.Kind), MessageEN: fmt.Sprintf("post %s: unknown kind %q", p.ID, p.Kind)}
	}
	return nil
}

// build (re)compiles every post from scratch: document frequencies first,
// so every post's vector uses the same idf.
func (e *Engine) build(posts []matcher.Post) error {
	e.gen++
	e.slots = e.slots[:0]
	e.hot = e.hot[:0]
	e.byID = make(map[string]int32, len(posts))
	e.termIDs = map[string]uint32{}
	e.termStr, e.df, e.postings = nil, nil, nil
	e.skillIDs = map[string]uint32{}
	e.skillName = nil
	e.coocTot = map[int32]int{}
	e.coocCode = map[string]map[int32]int{}
	e.coocClass = map[string]map[int32]int{}
	e.majorSetIDs = map[string]int32{}
	e.majorRefIDs = map[string]int32{}
	e.live = 0

	docs := make([]map[string]float64, len(posts))
	seen := make(map[string]int, len(posts))
	for i := range posts {
		p := &posts[i]
		if err := validatePost(p); err != nil {
			return err
		}
		if j, dup := seen[p.ID]; dup {
			docs[j] = nil // the later copy wins, as an upsert would
		}
		seen[p.ID] = i
		texts, reps := postTexts(p)
		docs[i] = termCounts(e.an, texts, reps)
	}
	// Term ids in first-seen order over sorted terms: the same posts give
	// the same ids, hence the same float summation order, in every build.
	for _, tf := range docs {
		for _, t := range sortedTerms(tf) {
			e.df[e.termID(t)]++
		}
	}
	// Every vector of the build uses the idf of the whole set.
	for i := range docs {
		if docs[i] != nil {
			e.live++
		}
	}
	for i := range posts {
		if docs[i] == nil {
			continue
		}
		cp := posts[i]
		e.insert(&cp, docs[i], false)
	}
	return nil
}

func sortedTerms(tf map[string]float64) []string {
	ts := make([]string, 0, len(tf))
	for t := range tf {
		ts = append(ts, t)
	}
	slices.Sort(ts)
	return ts
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
	for _, t := range sortedTerms(tf) {
		out = append(out, termCount{t, tf[t]})
	}
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

// --- profile cache ------------------------------------------------------------

// profileCache remembers what a graduate's profile (major, skills and
// certificates) compiles to: the analyzer's term counts, and, for the
// engine as it stands (gen), the tf-idf vector and the skill ids. Segmenting
// a profile with gse costs tens of microseconds, and Candidates reads the
// whole 50,000-graduate ledger on every call: without the cache that is
// most of reverse matching's time. The term counts depend only on the text
// and the engine's analyzer, so they survive upserts and recompiles; the
// vector and skill ids depend on the posts (idf, interned ids) and are
// recomputed when the engine has changed since (gen differs).
//
// The key is the profile itself, not the graduate's ID and UpdatedAt: a
// profile sent without an UpdatedAt (portals' profiles), or edited without
// bumping it, can never be served a stale entry, and graduates with the
// same major, skills and certificates share one. Bounded by two
// generations: when the current map is full it becomes the previous one
// (entries found there move back) and the old previous one is dropped, so
// what is in use stays and at most 2·profileCacheGen entries are held.
type profileCache struct {
	mu        sync.Mutex
	cur, prev map[string]*profileEntry
}

const profileCacheGen = 1 << 16

type profileEntry struct {
	terms []termCount // sorted by term
	comp  atomic.Pointer[profileComp]
}

// profileComp is a profile compiled against one state of the engine.
// Shared by every request that reads it: never modified.
type profileComp struct {
	gen      uint64
	qIDs     []uint32 // profile vector, sorted
	qW       []float32
	skills   []uint32 // sorted ids of skills and certificates the graduate has
	skillBit []uint64 // the same as a bitset over skill ids
}

func (c *profileCache) get(key string) *profileEntry {
	c.mu.Lock()
	defer c.mu.Unlock()
	if pe, ok := c.cur[key]; ok {
		return pe
	}
	pe, ok := c.prev[key]
	if ok {
		c.putLocked(key, pe)
	}
	return pe
}

// put stores pe unless another request stored the key first, and returns
// the stored entry.
func (c *profileCache) put(key string, pe *profileEntry) *profileEntry {
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.cur[key]; ok {
		return old
	}
	c.putLocked(key, pe)
	return pe
}

func (c *profileCache) putLocked(key string, pe *profileEntry) {
	if c.cur == nil || len(c.cur) >= profileCacheGen {
		c.prev, c.cur = c.cur, make(map[string]*profileEntry, 1024)
	}
	c.cur[key] = pe
}

// profileKey is g's profile as one string: every field and list item
// length-prefixed, so no two profiles share a key (skills "a b" and "a",
// "b" read the same as text but are different skills).
func profileKey(g *matcher.Graduate) string {
	n := len(g.Major) + 4
	for _, list := range [][]string{g.Skills, g.Certificates} {
		for _, x := range list {
			n += len(x) + 2
		}
	}
	b := make([]byte, 0, n)
	b = binary.AppendUvarint(b, uint64(len(g.Major)))
	b = append(b, g.Major...)
	for _, list := range [][]string{g.Skills, g.Certificates} {
		b = binary.AppendUvarint(b, uint64(len(list)))
		for _, x := range list {
			b = binary.AppendUvarint(b, uint64(len(x)))
			b = append(b, x...)
		}
	}
	return string(b)
}

// compiledProfile returns g's profile compiled against the engine as it
// stands. The caller holds e.mu (read or write), which keeps e.gen fixed.
func (e *Engine) compiledProfile(g *matcher.Graduate) *profileComp {
	key := profileKey(g)
	pe := e.profiles.get(key)
	if pe == nil {
		texts, reps := profileTexts(g)
		pe = e.profiles.put(key, &profileEntry{terms: sortedCounts(termCounts(e.an, texts, reps))})
	}
	if pc := pe.comp.Load(); pc != nil && pc.gen == e.gen {
		return pc
	}
	pc := &profileComp{gen: e.gen}
	for _, list := range [][]string{g.Skills, g.Certificates} {
		for _, s := range list {
			if id, ok := e.skillIDs[normSkill(s)]; ok {
				pc.skills = append(pc.skills, id)
			}
		}
	}
	slices.Sort(pc.skills)
	pc.skills = slices.Compact(pc.skills)
	if len(pc.skills) > 0 {
		pc.skillBit = make([]uint64, pc.skills[len(pc.skills)-1]/64+1)
		for _, id := range pc.skills {
			pc.skillBit[id>>6] |= 1 << (id & 63)
		}
	}
	pc.qIDs, pc.qW = e.vectorizeCounts(pe.terms, false)
	// Concurrent readers may both compile it: the results are equal.
	pe.comp.Store(pc)
	return pc
}

// insert compiles p (already owned by the engine) into a new slot.
// count says whether p is new to e.live (false during build, which
// counts every post first).
func (e *Engine) insert(p *matcher.Post, tf map[string]float64, count bool) {
	pr := compilePost(p)
	pr.slot = int32(len(e.slots))
	pr.occ = e.occID(p.Occupation)
	pr.needs, pr.isCert = e.needIDs(p.Skills, p.Certificates)
	pr.nNeeds = uint8(min(len(pr.needs), math.MaxUint8))
	copy(pr.postHot.needs[:], pr.needs)
	if len(pr.Majors) > 0 {
		var b strings.Builder
		pr.MajorIDs = make([]int32, len(pr.Majors))
		for i, m := range pr.Majors {
			k := m.Code + "\x00" + m.Class + "\x00" + m.Category + "\x00" + m.Name + "\x00" + m.Alias
			b.WriteString(k + "\x01")
			id, ok := e.majorRefIDs[k]
			if !ok {
				id = int32(len(e.majorRefIDs))
				e.majorRefIDs[k] = id
			}
			pr.MajorIDs[i] = id
		}
		k := b.String()
		id, ok := e.majorSetIDs[k]
		if !ok {
			id = int32(len(e.majorSetIDs))
			e.majorSetIDs[k] = id
		}
		pr.MajorSet = id
	}
	if count {
		e.live++
	}
	pr.terms, pr.tw = e.vectorize(tf, true)
	for i, id := range pr.terms {
		e.postings[id] = append(e.postings[id], posting{pr.slot, pr.tw[i]})
	}
	e.slots = append(e.slots, pr)
	e.hot = append(e.hot, pr.postHot)
	e.byID[p.ID] = pr.slot
	e.countCooc(pr, 1)
}

func (e *Engine) needIDs(skills, certs []string) ([]uint32, []bool) {
	type n struct {
		id   uint32
		cert bool
	}
	var ns []n
	for k, list := range [][]string{skills, certs} {
		for _, s := range list {
			key := normSkill(s)
			if key == "" {
				continue
			}
			id, ok := e.skillIDs[key]
			if !ok {
				id = uint32(len(e.skillName))
				e.skillIDs[key] = id
				e.skillName = append(e.skillName, strings.TrimSpace(s))
			}
			ns = append(ns, n{id, k == 1})
		}
	}
	sort.Slice(ns, func(i, j int) bool { return ns[i].id < ns[j].id })
	ns = slices.CompactFunc(ns, func(a, b n) bool { return a.id == b.id })
	ids := make([]uint32, len(ns))
	cert := make([]bool, len(ns))
	for i, x := range ns {
		ids[i], cert[i] = x.id, x.cert
	}
	return ids, cert
}

// Upsert adds or replaces a post. The new version is scored with the
// current document frequencies; the engine recompiles everything when a
// quarter of its slots are stale, which also refreshes the idf.
func (e *Engine) Upsert(p matcher.Post) error {
	if err := validatePost(&p); err != nil {
		return err
	}
	texts, reps := postTexts(&p)
	tf := termCounts(e.an, texts, reps) // outside the lock: segmentation is the slow part
	e.mu.Lock()
	defer e.mu.Unlock()
	e.gen++
	e.removeLocked(p.ID)
	for _, t := range sortedTerms(tf) {
		e.df[e.termID(t)]++
	}
	e.insert(&p, tf, true)
	e.maybeCompact()
	return nil
}

// Remove drops a post (filled, closed or deleted); unknown ids are ignored.
func (e *Engine) Remove(id string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.gen++
	e.removeLocked(id)
	e.maybeCompact()
}

func (e *Engine) removeLocked(id string) {
	slot, ok := e.byID[id]
	if !ok {
		return
	}
	pr := e.slots[slot]
	for _, t := range pr.terms {
		e.df[t]--
	}
	e.countCooc(pr, -1)
	e.slots[slot] = nil
	e.hot[slot] = postHot{}
	delete(e.byID, id)
	e.live--
}

func (e *Engine) maybeCompact() {
	dead := len(e.slots) - e.live
	if dead < 1024 || dead < len(e.slots)/4 {
		return
	}
	e.compactLocked()
}

// Compact recompiles every post: it drops the slots of replaced and removed
// posts and recomputes every term vector with the current document
// frequencies. Upsert does it by itself when a quarter of the slots are
// stale; a nightly batch may call it first so that its scores equal a
// fresh engine's.
func (e *Engine) Compact() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.compactLocked()
}

func (e *Engine) compactLocked() {
	posts := make([]matcher.Post, 0, e.live)
	for _, pr := range e.slots {
		if pr != nil {
			posts = append(posts, *pr.Post)
		}
	}
	// build cannot fail here: every post was validated when it came in.
	_ = e.build(posts)
}

// Len returns the number of posts the engine holds.
func (e *Engine) Len() int {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.live
}

// Post returns the engine's copy of a post.
func (e *Engine) Post(id string) (matcher.Post, bool) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	slot, ok := e.byID[id]
	if !ok {
		return matcher.Post{}, false
	}
	return *e.slots[slot].Post, true
}

func (e *Engine) now() time.Time {
	if !e.fixNow.IsZero() {
		return e.fixNow
	}
	return time.Now()
}

// Policy returns the policy the engine applies.
func (e *Engine) Policy() catalog.Policy { return e.pol }

// --- occupations ---------------------------------------------------------

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

// --- per-graduate data ------------------------------------------------------

// gradEngine is the engine-specific part of a compiled graduate.
type gradEngine struct {
	e     *Engine
	major matcher.MajorRef

	skills   []uint32 // sorted ids of skills and certificates the graduate has (shared, read-only)
	skillBit []uint64 // the same as a bitset over skill ids (shared, read-only)

	qIDs []uint32 // profile vector, sorted (shared, read-only)
	qW   []float32

	single bool              // compiled for one post (Candidates): no per-request tables
	direct map[int32]float64 // learned affinity by occupation, see learnedDirect
	occAff []float32         // the occupation feature, by occupation id
	occSrc []uint8           // 1 catalogue, 2 learned from posts
	gOccs  []int32           // the major's catalogue occupations

	districtFit     [10]float64 // by district index + 2
	districtWhy     [10]string
	channelPref     [numChannels]float64
	channelRank     [numChannels]int // 1-based rank among preferences, 0 none
	hasChannelPrefs bool
}

func (ge *gradEngine) has(id uint32) bool {
	w := int(id >> 6)
	return w < len(ge.skillBit) && ge.skillBit[w]&(1<<(id&63)) != 0
}

// gradCtx is a graduate compiled for one request: the rules' facts
// (matcher.GraduateFacts) and the engine's part (skills ids, text vector,
// occupation affinity, district and channel tables).
type gradCtx struct {
	matcher.GraduateFacts
	eng *gradEngine
}

// compileGraduate compiles g for a request at now. single compiles it for
// one post only (reverse matching over many graduates): no per-request
// tables.
func (e *Engine) compileGraduate(g *matcher.Graduate, now time.Time, single bool) *gradCtx {
	gc := &gradCtx{GraduateFacts: matcher.NewGraduateFacts(g, &e.pol, now)}
	if !single {
		gc.MemoizeMajors(len(e.majorSetIDs), len(e.majorRefIDs))
	}
	gc.eng = e.compileGraduateExtras(gc, single)
	return gc
}

func (e *Engine) compileGraduateExtras(gc *gradCtx, single bool) *gradEngine {
	g := gc.Graduate
	ge := &gradEngine{e: e, major: gc.Major, single: single}
	pc := e.compiledProfile(g)
	ge.skills, ge.skillBit, ge.qIDs, ge.qW = pc.skills, pc.skillBit, pc.qIDs, pc.qW

	if m, ok := matcher.MajorByCode(gc.Major.Code); ok {
		for _, c := range m.Occupations {
			if id, ok := e.occIDs[c]; ok {
				ge.gOccs = append(ge.gOccs, id)
			}
		}
	}
	e.occupationAffinities(ge)

	// Districts: the best of preferred, residence, hukou, then neighbours.
	res, huk := districtIndex(g.ResidenceDistrict), districtIndex(g.HukouDistrict)
	for i := range ge.districtFit {
		ge.districtFit[i] = 0.3 // somewhere in the city
	}
	ge.districtFit[0], ge.districtWhy[0] = 0.5, "" // unknown post district
	ge.districtFit[1], ge.districtWhy[1] = 0.1, "乌鲁木齐市外"
	set := func(d int8, v float64, why string) {
		if d >= 0 && v > ge.districtFit[d+2] {
			ge.districtFit[d+2], ge.districtWhy[d+2] = v, why
		}
	}
	for _, home := range []int8{res, huk} {
		if home < 0 {
			continue
		}
		for j := 0; j < 8; j++ {
			if districtAdjacent[home][j] {
				set(int8(j), 0.6, nearDistrict[home])
			}
		}
	}
	for _, pd := range g.PreferredDistricts {
		set(districtIndex(pd), 0.9, "意向区")
	}
	set(huk, 0.9, "户籍所在区")
	set(res, 1, "居住区")
	for _, pd := range g.PreferredDistricts {
		if d := districtIndex(pd); d >= 0 && (d == res || d == huk) {
			set(d, 1, ge.districtWhy[d+2])
			ge.districtFit[d+2] = 1
		}
	}
	for i := 2; i < 10; i++ {
		if ge.districtWhy[i] == "" {
			ge.districtWhy[i] = "距居住地较远"
		}
	}
	if res < 0 && huk < 0 && len(g.PreferredDistricts) == 0 {
		for i := 2; i < 10; i++ {
			ge.districtFit[i], ge.districtWhy[i] = 0.5, ""
		}
	}

	// Channels: the first preference 1, then 0.8, 0.6 …; unlisted 0.
	rank := 0
	for _, c := range g.PreferredChannels {
		i := slices.Index(matcher.Channels, c)
		if i < 0 || ge.channelRank[i] != 0 {
			continue
		}
		rank++
		ge.channelRank[i] = rank
		ge.channelPref[i] = math.Max(0.2, 1-0.2*float64(rank-1))
		ge.hasChannelPrefs = true
	}
	return ge
}

// nearDistrict is "邻近" + each division's name, made once: a request
// compiles the district table for every graduate Candidates reads.
var nearDistrict = func() (out [8]string) {
	for i := range out {
		out[i] = "邻近" + catalog.UrumqiDistricts[i].Name
	}
	return
}()

// occupationAffinities computes the major ↔ occupation feature for every
// occupation id: the larger of the catalogue affinity (the major's typical
// occupations, by how many levels of the classification they share with
// the post's) and the learned one (the share of posts in that occupation,
// or 0.8 × in its 小类, that ask for the graduate's major, or 0.8 × for its
// 专业类).
func (e *Engine) occupationAffinities(ge *gradEngine) {
	if ge.single {
		return // Candidates: computed for its one post on demand
	}
	ge.direct = e.learnedDirect(ge)
	ge.occAff = make([]float32, len(e.occs))
	ge.occSrc = make([]uint8, len(e.occs))
	for o := range e.occs {
		v, src := e.occAffinityOf(ge, int32(o))
		ge.occAff[o], ge.occSrc[o] = float32(v), src
	}
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

// --- text relevance -----------------------------------------------------------

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

// --- queries --------------------------------------------------------------------

func wants(q *matcher.Query, pr *postRec) bool { return filterOf(q).wants(&pr.postHot) }

// postFilter is a Query's kind and channel as the scan compares them.
type postFilter struct {
	ch     int8 // channel index; -1 any
	kind   int8 // 0 any, 1 jobs only, 2 internships only
	closed bool // an unknown channel: nothing matches
}

func filterOf(q *matcher.Query) postFilter {
	f := postFilter{ch: -1}
	if q.Channel != "" {
		f.ch = int8(slices.Index(matcher.Channels, q.Channel))
		f.closed = f.ch < 0
	}
	switch q.Kind {
	case matcher.KindJob:
		f.kind = 1
	case matcher.KindInternship:
		f.kind = 2
	}
	return f
}

func (f postFilter) wants(h *postHot) bool {
	return h.live && !f.closed && (f.ch < 0 || h.chIdx == f.ch) && (f.kind == 0 || (f.kind == 2) == h.Internship)
}

// Recommend returns the graduate's best-fitting eligible posts (or courses,
// with Kind course), ranked, diversified and explained.
func (e *Engine) Recommend(g *matcher.Graduate, q matcher.Query) (*matcher.Result, error) {
	return e.recommend(g, q, false)
}

// RecommendExhaustive is the exact baseline scorer: it scores every post by
// a per-post sparse merge (no inverted index) and sorts the full candidate
// list. It returns the same result as Recommend and exists to measure and
// check the fast path.
func (e *Engine) RecommendExhaustive(g *matcher.Graduate, q matcher.Query) (*matcher.Result, error) {
	return e.recommend(g, q, true)
}

func (e *Engine) recommend(g *matcher.Graduate, q matcher.Query, exhaustive bool) (*matcher.Result, error) {
	if g == nil {
		return nil, &matcher.Error{Code: matcher.EINVALID, Field: "graduate", Message: "缺少毕业生信息", MessageEN: "no graduate"}
	}
	if err := q.Normalize(); err != nil {
		return nil, err
	}
	if q.Kind == matcher.KindCourse {
		return e.RecommendCourses(g, q)
	}
	now := e.now()
	e.mu.RLock()
	defer e.mu.RUnlock()
	gc := e.compileGraduate(g, now, false)
	res := &matcher.Result{GraduateID: g.ID, Excluded: map[string]int{}, Items: []matcher.Item{}}

	var acc []float32
	if !exhaustive {
		accp := e.textScores(gc.eng)
		defer e.accPool.Put(accp)
		acc = *accp
	}
	var excl []int
	var counts [matcher.NumRules]int
	onExcluded := func(pr *postRec, rule int) {
		counts[rule]++
		if q.ExplainExclusions {
			excl = append(excl, int(pr.slot), rule)
		}
	}
	m := max(4*q.Limit, q.Limit+32)
	var picked []cand
	for {
		var ranked []cand
		var truncated []bool
		if exhaustive {
			ranked, truncated = e.scanAll(gc, &q, m, onExcluded)
		} else {
			ranked, truncated = e.scan(gc, &q, acc, m, onExcluded)
		}
		onExcluded = nil // count exclusions once
		var exact bool
		if picked, exact = diversify(e, gc, ranked, truncated, &q); exact {
			break
		}
		m *= 8 // the caps reached deep into a channel: look deeper
	}
	for i, n := range counts {
		if n > 0 {
			res.Excluded[matcher.RuleName(i)] = n
		}
	}
	for i, c := range picked {
		pr := e.slots[c.slot]
		res.Items = append(res.Items, e.explainItem(gc, pr, float64(c.text), i+1))
	}
	for i := 0; i < len(excl); i += 2 {
		pr := e.slots[excl[i]]
		r := excl[i+1]
		res.Exclusions = append(res.Exclusions, matcher.Exclusion{PostID: pr.Post.ID, Rule: matcher.RuleName(r),
			Message: matcher.Explain(r, &gc.GraduateFacts, &pr.PostFacts, &pr.PostRestrictions)})
	}
	sort.Slice(res.Exclusions, func(i, j int) bool { return res.Exclusions[i].PostID < res.Exclusions[j].PostID })
	return res, nil
}

// scan runs the rules and scores every wanted slot, keeping the best m of
// each channel in a heap; it returns them merged, best first, and which
// channels had more than m eligible posts. onExcluded (may be nil) hears
// about every excluded post.
func (e *Engine) scan(gc *gradCtx, q *matcher.Query, acc []float32, m int, onExcluded func(*postRec, int)) ([]cand, []bool) {
	var heaps [numChannels + 1]candHeap
	truncated := make([]bool, len(heaps))
	for i := range heaps {
		heaps[i] = candHeap{e: e}
	}
	var x [NumFeatures]float64
	f := filterOf(q)
	for slot := range e.hot {
		h := &e.hot[slot]
		if !f.wants(h) {
			continue
		}
		pr := e.slots[slot]
		if r := matcher.FirstFailing(&gc.GraduateFacts, &h.PostFacts, &pr.PostRestrictions); r >= 0 {
			if onExcluded != nil {
				onExcluded(pr, r)
			}
			continue
		}
		var t float32
		if acc != nil {
			t = acc[slot]
		} else {
			t = textScore(gc.eng, pr)
		}
		featureVectorHot(gc, h, pr, float64(t), x[:])
		hp := &heaps[h.chIdx+1]
		if len(hp.c) == m {
			truncated[h.chIdx+1] = true
		}
		hp.offer(cand{score: e.sc.score(x[:]), slot: int32(slot), text: t}, m)
	}
	var all []cand
	for i := range heaps {
		all = append(all, heaps[i].c...)
	}
	h := candHeap{e: e, c: all}
	return h.sorted(), truncated
}

// scanAll is the exhaustive baseline of scan: every eligible post scored
// by a per-post merge, the whole list sorted, then cut to the same
// per-channel short lists.
func (e *Engine) scanAll(gc *gradCtx, q *matcher.Query, m int, onExcluded func(*postRec, int)) ([]cand, []bool) {
	var all []cand
	var x [NumFeatures]float64
	for slot, pr := range e.slots {
		if pr == nil || !wants(q, pr) {
			continue
		}
		if r := matcher.FirstFailing(&gc.GraduateFacts, &pr.PostFacts, &pr.PostRestrictions); r >= 0 {
			if onExcluded != nil {
				onExcluded(pr, r)
			}
			continue
		}
		t := textScore(gc.eng, pr)
		featureVector(gc, pr, float64(t), x[:])
		all = append(all, cand{score: e.sc.score(x[:]), slot: int32(slot), text: t})
	}
	h := candHeap{e: e, c: all}
	all = h.sorted()
	var n [numChannels + 1]int
	truncated := make([]bool, numChannels+1)
	out := all[:0]
	for _, c := range all {
		ch := e.slots[c.slot].chIdx + 1
		if n[ch] == m {
			truncated[ch] = true
			continue
		}
		n[ch]++
		out = append(out, c)
	}
	return out, truncated
}

// --- reverse matching -------------------------------------------------------------

// Graduates adapts a slice to the iterator Candidates reads.
func Graduates(gs []matcher.Graduate) iter.Seq[*matcher.Graduate] {
	return func(yield func(*matcher.Graduate) bool) {
		for i := range gs {
			if !yield(&gs[i]) {
				return
			}
		}
	}
}

// Candidates returns the best-fitting eligible graduates for a post: the
// same rules and features as Recommend, read the other way. Graduates may
// come from a store iterator, so the ledger need not fit in memory.
//
// Every call reads the whole ledger (50,000 graduates), so the per-graduate
// work is kept small: the rules run first on the cheap part of the
// compiled graduate; the major level is memoised per distinct major; the
// profile's segmentation, vector and skill ids come from the engine's
// profile cache (see profileCache). BenchmarkMatchCandidates in
// benchmarks/ measures it.
func (e *Engine) Candidates(postID string, graduates iter.Seq[*matcher.Graduate], limit int) ([]matcher.Candidate, error) {
	if limit < 0 {
		return nil, &matcher.Error{Code: matcher.EINVALID, Field: "limit", Message: "limit 不能为负数", MessageEN: "limit must not be negative"}
	}
	if limit == 0 {
		limit = 20
	}
	limit = min(limit, matcher.MaxLimit)
	now := e.now()
	e.mu.RLock()
	defer e.mu.RUnlock()
	slot, ok := e.byID[postID]
	if !ok {
		return nil, matcher.ErrNotFound("岗位", postID)
	}
	pr := e.slots[slot]
	type gcand struct {
		score float64
		g     matcher.Graduate // a copy: iterators may reuse what they yield
		text  float32
	}
	var best []gcand
	worse := func(a, b gcand) bool { // a ranks below b
		return a.score < b.score || (a.score == b.score && a.g.ID > b.g.ID)
	}
	var x [NumFeatures]float64
	majorLevels := map[matcher.MajorRef]matcher.MajorLevel{}
	for g := range graduates {
		if g == nil {
			continue
		}
		// The rules need no engine data: check them before the costlier
		// part (skills, profile vector, affinities) is compiled.
		gc := &gradCtx{GraduateFacts: matcher.NewGraduateFacts(g, &e.pol, now)}
		if pr.HasMajors {
			l, ok := majorLevels[gc.Major]
			if !ok {
				l = matcher.MatchMajors(gc.Major, pr.Majors)
				majorLevels[gc.Major] = l
			}
			gc.SetMajorLevel(l)
		}
		if matcher.FirstFailing(&gc.GraduateFacts, &pr.PostFacts, &pr.PostRestrictions) >= 0 {
			continue
		}
		gc.eng = e.compileGraduateExtras(gc, true)
		t := textScore(gc.eng, pr)
		featureVector(gc, pr, float64(t), x[:])
		c := gcand{score: e.sc.score(x[:]), g: *g, text: t}
		// Keep the best limit in a small sorted slice: limit is small and
		// compiling each graduate costs far more than the insertion.
		if len(best) == limit && !worse(best[len(best)-1], c) {
			continue
		}
		i := sort.Search(len(best), func(i int) bool { return worse(best[i], c) })
		best = slices.Insert(best, i, c)
		if len(best) > limit {
			best = best[:limit]
		}
	}
	out := make([]matcher.Candidate, len(best))
	for i, c := range best {
		gc := e.compileGraduate(&c.g, now, false)
		it := e.explainItem(gc, pr, float64(c.text), i+1)
		out[i] = matcher.Candidate{GraduateID: c.g.ID, Rank: i + 1, Score: it.Score, Reasons: it.Reasons, Contributions: it.Contributions, Missing: it.Missing}
	}
	return out, nil
}
