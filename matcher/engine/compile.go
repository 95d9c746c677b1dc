package engine

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

// build (re)compiles every post from scratch: document frequencies first,
// so every post's vector uses the same idf.
func (e *Engine) build(posts []matcher.Post) error {
	e.gen++
	// Sized for every post: grown by append, post by post, the three were
	// copied at each growth (a tenth of placing the posts).
	e.slots = slices.Grow(e.slots[:0], len(posts))
	e.hot = slices.Grow(e.hot[:0], len(posts))
	e.restr = slices.Grow(e.restr[:0], len(posts))
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
	e.majorSets = nil
	e.majorVerdicts.Clear()
	e.live = 0

	seen := make(map[string]int, len(posts))
	for i := range posts {
		if err := validatePost(&posts[i]); err != nil {
			return err
		}
		seen[posts[i].ID] = i // the later copy wins, as an upsert would
	}
	terms, weights, recs := e.postSide(posts, seen)
	// Every posting list's length is its term's df: one array holds them
	// all (appending them one by one was most of placing the posts), each
	// list capped at its length, so an upsert's append copies that list
	// out instead of writing over the next.
	var n int
	for _, df := range e.df {
		n += int(df)
	}
	all := make([]posting, n)
	for id, df := range e.df {
		e.postings[id], all = all[:0:df], all[df:]
	}
	for i := range posts {
		pr := recs[i]
		if pr == nil {
			continue
		}
		e.internSlot(pr, false)
		pr.terms, pr.tw = terms[i], weights[i]
		e.place(pr, pr.Post.ID)
	}
	return nil
}

// postSide compiles posts but for the interning and the placing: each
// counted post's text vector (taken from the VectorStore when it holds
// this very list's, else computed and handed to it) and the rest of what
// compileAlone does. It sets the vocabulary, the document frequencies and
// e.live.
func (e *Engine) postSide(posts []matcher.Post, seen map[string]int) ([][]uint32, [][]float32, []*postRec) {
	var key string
	if e.vectors != nil {
		key = PostVectorsKey(posts)
		if v, termIDs, ok := e.storedVectors(key, posts, seen); ok {
			e.useVectors(v, termIDs)
			recs := make([]*postRec, len(posts))
			parallelRange(len(posts), func(i int) {
				if v.Has[i] {
					cp := posts[i]
					recs[i] = e.compileAlone(&cp)
				}
			})
			return v.IDs, v.Weights, recs
		}
	}
	// Each post's counts, sorted by term (segmentPosts sorts them on every
	// core, or takes them sorted from the TermStore), for both passes
	// below; the df pass itself runs in order (it hands out the term ids).
	counts := e.segmentPosts(posts, seen, true)
	// Term ids in first-seen order over sorted terms: the same posts give
	// the same ids, hence the same float summation order, in every build.
	for _, tc := range counts {
		for _, x := range tc {
			e.df[e.termID(x.term)]++
		}
	}
	// Every vector of the build uses the idf of the whole set.
	for i := range counts {
		if counts[i] != nil {
			e.live++
		}
	}
	// Every term has its id now, so the vectors only read the engine and
	// are computed on every core; the slots are then filled in order.
	terms, weights, recs := e.compileAll(posts, counts)
	if e.vectors != nil {
		e.putVectors(key, posts, terms, weights)
	}
	return terms, weights, recs
}

// compileAll computes on every core each counted post's text vector and
// what it compiles to without the engine's interned ids (compileAlone: its
// copy, the rules' facts, the seniority of its title, a cut of the title):
// done in order with the interning, that part was a fifth of a build.
func (e *Engine) compileAll(posts []matcher.Post, counts [][]termCount) ([][]uint32, [][]float32, []*postRec) {
	terms := make([][]uint32, len(counts))
	weights := make([][]float32, len(counts))
	recs := make([]*postRec, len(counts))
	parallelRange(len(counts), func(i int) {
		if counts[i] != nil {
			terms[i], weights[i] = e.vectorizeCounts(counts[i], false)
			cp := posts[i]
			recs[i] = e.compileAlone(&cp)
		}
	})
	return terms, weights, recs
}

// parallelRange calls fn for every i in [0, n) on every core, in batches.
func parallelRange(n int, fn func(i int)) {
	parallelBatches(n, func() func(lo, hi int) {
		return func(lo, hi int) {
			for j := lo; j < hi; j++ {
				fn(j)
			}
		}
	}, nil)
}

// parallelBatches has one worker a core take batches of segmentBatch
// indexes of [0, n) in turn and call its work on each [lo, hi); newWorker
// makes a worker's work (and whatever state the worker keeps between its
// batches). progress, if set, hears how many indexes are done after each
// batch.
func parallelBatches(n int, newWorker func() func(lo, hi int), progress func(done, total int)) {
	var next, done atomic.Int64
	var wg sync.WaitGroup
	for range max(1, runtime.GOMAXPROCS(0)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			work := newWorker()
			for {
				i := int(next.Add(segmentBatch)) - segmentBatch
				if i >= n {
					return
				}
				hi := min(i+segmentBatch, n)
				work(i, hi)
				if d := done.Add(int64(hi - i)); progress != nil {
					progress(int(d), n)
				}
			}
		}()
	}
	wg.Wait()
}

// segmentPosts returns each post's term counts sorted by term (nil for an
// earlier copy of a post ID seen again), cutting the texts on every core: segmentation is
// most of a build, and a build is what `jobmatch recommend --local` and a
// starting server wait for. The analyzer is safe for concurrent use
// (Upsert already calls it outside the lock). progress, if set, hears how
// many posts are done. keep false returns nil: CountTerms only fills the
// TermStore, and a second copy of every post's counts was its peak.
func (e *Engine) segmentPosts(posts []matcher.Post, last map[string]int, keep bool) [][]termCount {
	var docs [][]termCount
	if keep {
		docs = make([][]termCount, len(posts))
	}
	parallelBatches(len(posts), func() func(lo, hi int) {
		return func(lo, hi int) {
			for j := lo; j < hi; j++ {
				if last[posts[j].ID] != j {
					continue
				}
				if tc := e.postTermCounts(&posts[j]); keep {
					docs[j] = tc
				}
			}
		}
	}, e.progress)
	return docs
}

// postTermCounts is a post's term counts sorted by term: from the
// TermStore when it has the post's texts cut already (sorted already when
// it is a SortedTermStore), else cut now (and handed to it). Never nil.
func (e *Engine) postTermCounts(p *matcher.Post) []termCount {
	texts, reps := postTexts(p)
	if e.terms == nil {
		return sortedTermCounts(e.an, texts, reps)
	}
	key := termKey(texts, reps)
	if tc, ok := e.storedTermCounts(key); ok {
		return tc
	}
	tc := sortedTermCounts(e.an, texts, reps)
	ts, ns := make([]string, len(tc)), make([]float64, len(tc))
	for i, x := range tc {
		ts[i], ns[i] = x.term, x.n
	}
	e.putSortedCounts(key, ts, ns)
	return tc
}

// storedTermCounts is the counts the TermStore keeps under key, sorted by
// term, if it has them.
func (e *Engine) storedTermCounts(key string) ([]termCount, bool) {
	if s, ok := e.terms.(SortedTermStore); ok {
		if ts, ns, ok := s.SortedTerms(key); ok && len(ts) == len(ns) {
			tc := make([]termCount, len(ts))
			for i := range ts {
				tc[i] = termCount{ts[i], ns[i]}
			}
			// The order hands out term ids, hence the sums' order: counts
			// not strictly in sortedCounts's are taken from Terms instead.
			if strictlySorted(tc) {
				return tc, true
			}
		}
	}
	if tf, ok := e.terms.Terms(key); ok {
		return sortedCounts(tf), true
	}
	return nil, false
}

// putSortedCounts hands the TermStore the counts ns of the terms ts
// (strictly sorted) cut for key: as they are to a SortedPutter, as a map
// to another store. The slices are the store's from then on.
func (e *Engine) putSortedCounts(key string, ts []string, ns []float64) {
	if sp, ok := e.terms.(SortedPutter); ok {
		sp.PutSorted(key, ts, ns)
		return
	}
	tf := make(map[string]float64, len(ts))
	for i, t := range ts {
		tf[t] = ns[i]
	}
	e.terms.Put(key, tf)
}

// strictlySorted reports whether tc is in sortedCounts's order, each term
// once.
func strictlySorted(tc []termCount) bool {
	for i := 1; i < len(tc); i++ {
		if tc[i-1].term >= tc[i].term {
			return false
		}
	}
	return true
}

// termKey is the key a post's term counts are kept under in a TermStore:
// a SHA-256 of the texts the text feature reads and their weights, so a
// post whose texts changed is cut again, whatever its ID or version.
func termKey(texts []string, reps []int) string {
	h := sha256.New()
	var n [8]byte
	for i, t := range texts {
		binary.LittleEndian.PutUint32(n[:4], uint32(len(t)))
		binary.LittleEndian.PutUint32(n[4:], uint32(reps[i]))
		h.Write(n[:])
		h.Write([]byte(t))
	}
	return string(h.Sum(nil)[:16])
}

// segmentBatch is how many posts a build's worker takes at a time.
const segmentBatch = 256

func validatePost(p *matcher.Post) error {
	if strings.TrimSpace(p.ID) == "" {
		return &matcher.Error{Code: matcher.EINVALID, Field: "id", Message: "岗位缺少ID", MessageEN: "post without an id"}
	}
	if p.Kind != "" && !p.Kind.Valid() {
		return &matcher.Error{Code: matcher.EINVALID, Field: "kind", Message: fmt.Sprintf("岗位%s：未知类型%q", p.ID, p.Kind), MessageEN: fmt.Sprintf("post %s: unknown kind %q", p.ID, p.Kind)}
	}
	return nil
}

// insert compiles p (already owned by the engine) into a new slot, its
// text vector from its sorted term counts. count says whether p is new to
// e.live (false during build, which counts every post first).
func (e *Engine) insert(p *matcher.Post, tc []termCount, count bool) {
	pr := e.newSlot(p, count)
	pr.terms, pr.tw = e.vectorizeCounts(tc, true)
	e.place(pr, p.ID)
}

// newSlot compiles everything of p but its text vector, interning its
// occupation, skills and majors.
func (e *Engine) newSlot(p *matcher.Post, count bool) *postRec {
	pr := e.compileAlone(p)
	e.internSlot(pr, count)
	return pr
}

// compileAlone is the part of newSlot that reads only p and the analyzer
// (safe for concurrent use), never the engine's tables: build runs it on
// every core.
func (e *Engine) compileAlone(p *matcher.Post) *postRec {
	pr := compilePost(p)
	if catalog.IsSubjectTeaching(p.Occupation) {
		pr.subjects = catalog.TitleSubjects(p.Title)
	}
	pr.senior = e.seniorTitle(p.Title)
	return pr
}

// internSlot is the rest of newSlot, in slot order: the slot, and the ids
// of the occupation, skills and majors, handed out in first-seen order.
func (e *Engine) internSlot(pr *postRec, count bool) {
	p := pr.Post
	pr.slot = int32(len(e.slots))
	pr.occ = e.occID(p.Occupation)
	pr.needs, pr.isCert = e.needIDs(p.Skills, p.Certificates)
	pr.nNeeds = uint8(min(len(pr.needs), math.MaxUint8))
	copy(pr.postHot.needs[:], pr.needs)
	for i, c := range pr.isCert {
		if c && i < 64 {
			pr.certMask |= 1 << i
		}
	}
	pr.postHot.certMask = uint8(pr.certMask)
	pr.licMask = e.licenceMask(pr.needs)
	pr.postHot.licMask = uint8(pr.licMask & (1<<hotNeeds - 1))
	if pr.licMask>>hotNeeds != 0 {
		pr.postHot.licMask |= 1 << 7
	}
	e.internMajors(pr)
	if count {
		e.live++
	}
}

// place puts a compiled slot, its vector set, into the engine.
func (e *Engine) place(pr *postRec, id string) {
	for i, id := range pr.terms {
		e.postings[id] = append(e.postings[id], posting{pr.slot, pr.tw[i]})
	}
	e.slots = append(e.slots, pr)
	e.hot = append(e.hot, pr.postHot)
	e.restr = append(e.restr, &pr.PostRestrictions)
	e.byID[id] = pr.slot
	e.countCooc(pr, 1)
}

// internMajors gives each distinct major the posts name, and each distinct
// list of them, an id (pr.MajorIDs, pr.MajorSet): a request memoises its
// verdict on each (matcher.MajorVerdicts, shared by major), as posts share a
// few hundred distinct lists.
func (e *Engine) internMajors(pr *postRec) {
	if len(pr.Majors) == 0 {
		return
	}
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
		e.majorSets = append(e.majorSets, &pr.PostRestrictions)
	}
	pr.MajorSet = id
}

func (e *Engine) needIDs(skills, certs []string) ([]uint32, []bool) {
	type n struct {
		id   uint32
		cert bool
	}
	var ns []n
	for k, list := range [][]string{skills, certs} {
		// A post that writes both C1驾照 and 驾驶证 needs C1驾驶证 once.
		for _, s := range catalog.Narrowest(list) {
			if id, ok := e.internSkill(catalog.Canonical(s)); ok {
				ns = append(ns, n{id, k == 1})
			}
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

// licenceMask marks the needs that are licences a fresh graduate cannot
// hold (the first 64).
func (e *Engine) licenceMask(needs []uint32) uint64 {
	var m uint64
	for i, id := range needs {
		if _, ok := catalog.LicenceForPractice(e.skillName[id]); ok && i < 64 {
			m |= 1 << i
		}
	}
	return m
}
