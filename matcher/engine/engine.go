package engine

import (
	"fmt"
	"sync"
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
	// Progress, if set, hears how many posts a build has segmented of how
	// many (from several goroutines; a call may come a batch late):
	// a build takes seconds, and only cmd draws progress.
	Progress func(done, total int)
	// Terms, if set, remembers posts' term counts between builds (cmd
	// keeps them in the data directory: store/termcache). Cutting the
	// texts is most of a build, and the posts rarely change between two
	// `jobmatch recommend --local`. New's build asks it; the engine does
	// not keep it (a later recompilation cuts the texts).
	Terms TermStore
	// Shown, if set, remembers which words of a post's title and
	// description its explanations may show (sharedWords), under the
	// TermStore's key, so a post explained in an earlier process is not
	// cut again: the nightly batch explains some 9,300 posts, and their
	// cut was 3.5–4% of its CPU. Unlike Terms the engine keeps it for its
	// life; cmd gives it to the batch only, whose process ends after one
	// run, not to a server.
	Shown ShownStore
	// Vectors, if set, remembers a build's text vectors between processes
	// (cmd keeps them in the data directory: store/vectorcache): a
	// `jobmatch recommend --local` over the same open posts as the one
	// before it takes them instead of looking up every post's counts and
	// computing every vector. Only New's build asks it.
	Vectors VectorStore
}

// SortedTermStore is a TermStore that can also hand a post's counts
// sorted by term, the order a build reads them in, without a map
// (store/termcache keeps them so): building a map per post and sorting it
// again was a fifth of a build from the store. Counts not strictly in
// order are asked again through Terms, so the order a store keeps cannot
// change a build.
type SortedTermStore interface {
	TermStore
	SortedTerms(key string) (terms []string, counts []float64, ok bool)
}

// SortedPutter is a TermStore that also takes a post's counts sorted by
// term (store/termcache writes them in that order): a build sorts the
// counts it cuts anyway, and the store sorting the map again was a fifth
// of the term cache written after an import. terms are strictly sorted
// and both slices are the store's from then on.
type SortedPutter interface {
	TermStore
	PutSorted(key string, terms []string, counts []float64)
}

// RankedPutter is a TermStore that also takes a post's counts as ids into
// a vocabulary shared by many posts' counts (store/termcache): CountTerms
// from a TermIDAnalyzer hands them out so, with no string per term of
// every post, and the store maps each term of the vocabulary once.
// terms is strictly sorted and the same slice for every post of a count
// (read only); ids are strictly increasing, counts[i] the count of
// terms[ids[i]], and both slices are the store's from then on.
type RankedPutter interface {
	TermStore
	PutRanked(key string, terms []string, ids []uint32, counts []float64)
}

// ShownStore remembers a post's shown words: the words of its title and
// description, normalised as explanations compare them, that are among
// its terms. Keys are TermStore's; it is called from several goroutines
// at once and is tied to one Analyzer, as a TermStore is.
type ShownStore interface {
	Shown(key string) ([]string, bool)
	PutShown(key string, words []string)
}

// TermStore remembers each post's term counts (the Analyzer's terms of
// the texts the text feature reads, weighted), under a key of those
// texts. It is called from several goroutines at once. A store is tied
// to one Analyzer: counts cut by another are not the same.
type TermStore interface {
	Terms(key string) (map[string]float64, bool)
	Put(key string, tf map[string]float64)
}

// Engine holds the resident, read-mostly data for all open posts and
// courses. Reads (Recommend, Candidates) run concurrently with each other
// and with Upsert/Remove, which take a short exclusive lock.
type Engine struct {
	mu     sync.RWMutex
	an     matcher.Analyzer
	sc     scorer
	wts    Weights
	pol    *catalog.Policy // replaced whole by SetPolicy, under mu
	fixNow time.Time
	// progress hears a build's segmentation (Options.Progress)
	progress func(done, total int)
	terms    TermStore   // Options.Terms during New's build; nil after it
	vectors  VectorStore // Options.Vectors during New's build; nil after it
	shown    ShownStore

	slots []*postRec // nil where a post was removed
	hot   []postHot  // slots' hot parts, contiguous; live false where removed
	// restr[slot] is &slots[slot].PostRestrictions, kept apart so the scan
	// hands it to the rules without touching the record: taking the field's
	// address would load the record (a nil check) for every post, a cache
	// miss each, which cost a fifth of a request.
	restr []*matcher.PostRestrictions
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
	// regVerdicts caches, by major and regulated occupation code, whether
	// the major is barred from it (see barred)
	regVerdicts sync.Map

	// distinct lists of majors posts ask for
	majorSetIDs map[string]int32
	majorRefIDs map[string]int32            // distinct single majors posts name
	majorSets   []*matcher.PostRestrictions // by majorSetIDs' id: a post's restrictions naming that list
	// majorVerdicts caches, by a graduate's resolved major, the majors
	// rule's verdict on every list (matcher.MajorVerdicts); emptied when
	// the ids are handed out afresh
	majorVerdicts cappedMemo[[]int8]
	// occByMajor caches, by a graduate's resolved major, the occupation
	// affinities (occAffinities) as of a gen
	occByMajor cappedMemo[*occAffinities]
	// courseLevels memoises, by a graduate's major (majorKey), how each
	// course's majors match it (courseLevelsFor)
	courseLevels cappedMemo[*courseLevels]

	courses []*courseRec
	// the courses' vectors by term (indexCourseText)
	coursePostings map[uint32][]coursePosting
	// the terms courses are excluded on, interned (courseTermIDs)
	courseTermID map[string]int32
	// by courseTermID's id, each term resolved once for every held name's
	// questions (heldBits)
	courseTerms []catalog.Need
	// what each held name satisfies among them (heldBits)
	courseHeld cappedMemo[*courseHeld]

	accPool  sync.Pool
	online   onlineRankers // the Ranker Recommend answers through (online.go)
	scanOnly bool          // Recommend always scans (tests compare the two paths)
	profiles profileCache
	// the term counts of each profile text (textCounts)
	profileTextCounts textCounts
	gen               uint64 // counts changes to the posts, the courses and the policy; see profileCache
}

type posting struct {
	slot int32
	w    float32
}

// New compiles posts and courses for matching. Posts that are not
// open are kept (the rules exclude them, and --explain-exclusions says why).
func New(posts []matcher.Post, courses []matcher.Course, o Options) (*Engine, error) {
	pol := o.Policy
	e := &Engine{an: o.Analyzer, pol: &pol, fixNow: o.Now, progress: o.Progress, terms: o.Terms, shown: o.Shown, vectors: o.Vectors}
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
		e.pol = &p
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
	// The store is for this build: a long-lived engine (a server, a
	// batch) must not keep every post's counts alive in it.
	e.terms, e.vectors = nil, nil
	return e, nil
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

// HasPost reports whether the engine holds post id (open and
// recommendable), as Post's second result, without copying the post: the
// published run's path asks it for every item it serves.
func (e *Engine) HasPost(id string) bool {
	e.mu.RLock()
	defer e.mu.RUnlock()
	_, ok := e.byID[id]
	return ok
}

func (e *Engine) now() time.Time {
	if !e.fixNow.IsZero() {
		return e.fixNow
	}
	return time.Now()
}

// Policy returns the policy the engine applies.
func (e *Engine) Policy() catalog.Policy {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return *e.pol
}

// SetPolicy applies p from the next request on (next year's plan loaded
// while a server runs; the caller validates it). A request under way
// keeps the policy it started with: the rules' facts point at it, and it
// is replaced, never changed in place.
func (e *Engine) SetPolicy(p catalog.Policy) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.pol = &p
	e.gen++ // the online ranker's rule classes were drawn under the old one
}
