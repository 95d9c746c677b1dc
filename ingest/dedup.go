package ingest

import (
	"slices"
	"strings"
	"unicode"

	"github.com/urumqi-hrss/jobmatch/ingest/normalize"
	"github.com/urumqi-hrss/jobmatch/matcher"
)

// NearDuplicateThreshold is the token Jaccard similarity of title and
// description above which two posts of the same employer from different
// sources are taken to be one post exported twice.
const NearDuplicateThreshold = 0.8

// employerSuffixes are legal-form endings portals keep or drop at will
// ("小米科技有限责任公司" on one site, "小米科技" on another).
var employerSuffixes = []string{"股份有限公司", "有限责任公司", "有限公司", "集团公司", "集团", "公司"}

// EmployerKey normalises an employer name for duplicate bucketing: width
// folded, lower case, punctuation and spaces dropped, legal-form suffix
// removed.
func EmployerKey(name string) string {
	s := strings.ToLower(normalize.Text(name))
	s = strings.Map(func(r rune) rune {
		if unicode.IsPunct(r) || unicode.IsSpace(r) || unicode.IsSymbol(r) {
			return -1
		}
		return r
	}, s)
	for _, suf := range employerSuffixes {
		if strings.HasSuffix(s, suf) && len(s) > len(suf) {
			s = strings.TrimSuffix(s, suf)
			break
		}
	}
	return s
}

// dedupCandidate is a post another one may repeat.
type dedupCandidate struct {
	id, source  string
	title, desc string
	terms       termSet // computed on first comparison (nil until then)
}

// termSet is a post's distinct terms as sorted 64-bit FNV-1a hashes: an
// eighth of the memory of a map of strings, cheap to sort, and two sets
// intersect in one merge pass. Two of the few hundred distinct terms of
// one comparison share a hash with a probability of about 2^-48; the
// similarity would then be off by one term, nothing worse.
type termSet []uint64

// deduper finds near-duplicates among posts bucketed by employer. Buckets
// hold only originals (open posts that are not themselves duplicates), so
// links always point at the first export of a post, never along a chain.
//
// The buckets always mirror what the store holds after the posts seen so
// far are written: add moves, updates or drops a post's candidate as its
// latest version requires. That is what makes linking the same whether an
// import runs straight through or resumes after a crash (the resumed run
// starts from the store, the straight one from its own additions).
type deduper struct {
	an matcher.Analyzer
	// eager segments every post in prepare (see there).
	eager   bool
	buckets map[string][]*dedupCandidate
	where   map[string]string // post ID → the bucket holding its candidate
	// last keeps the terms find computed for a post, which add then gives
	// its candidate: each post is segmented once, not again as a candidate.
	lastID, lastTitle, lastDesc string
	lastTerms                   termSet
}

// indexingAnalyzer is implemented by an analyzer the search index's
// tokenizer shares work with (index.Segmenter): TermsBeforeIndexing is
// Terms for a text about to be indexed, whose tokens the tokenizer then
// takes instead of segmenting the text again, and TermsReusedByIndex says
// whether that happens at all (it does for the segmenter the index's
// tokenizer runs on).
type indexingAnalyzer interface {
	TermsBeforeIndexing(text string) []string
	TermsReusedByIndex() bool
}

func reusedByIndex(an matcher.Analyzer) bool {
	r, ok := an.(indexingAnalyzer)
	return ok && r.TermsReusedByIndex()
}

func newDeduper(an matcher.Analyzer) *deduper {
	return &deduper{an: an, buckets: map[string][]*dedupCandidate{}, where: map[string]string{}}
}

// isOriginal reports whether p may be linked to: the same posts the
// importer loads from the store as candidates (open, not a duplicate, with
// an employer).
func isOriginal(p *matcher.Post, key string) bool {
	return key != "" && p.DuplicateOf == "" && p.Status == matcher.PostOpen
}

// add records the latest version of a post about to be written.
func (d *deduper) add(p *matcher.Post) {
	k := EmployerKey(p.Employer)
	keep := isOriginal(p, k)
	if old, ok := d.where[p.ID]; ok && (old != k || !keep) {
		d.remove(old, p.ID)
	}
	if !keep {
		return
	}
	d.where[p.ID] = k
	var terms termSet
	if d.lastID == p.ID && d.lastTitle == p.Title && d.lastDesc == p.Description {
		terms = d.lastTerms
	}
	for _, c := range d.buckets[k] {
		if c.id == p.ID {
			c.source, c.title, c.desc, c.terms = p.Source, p.Title, p.Description, terms
			return
		}
	}
	d.buckets[k] = append(d.buckets[k], &dedupCandidate{id: p.ID, source: p.Source, title: p.Title, desc: p.Description, terms: terms})
}

func (d *deduper) remove(key, id string) {
	b := d.buckets[key]
	for i, c := range b {
		if c.id == id {
			d.buckets[key] = append(b[:i:i], b[i+1:]...)
			break
		}
	}
	if len(d.buckets[key]) == 0 {
		delete(d.buckets, key)
	}
	delete(d.where, id)
}

// prepare segments, on every core, what find will compare for a chunk of
// posts about to be linked in order: each post whose employer has an
// original from another source (already known, or another post of the
// chunk), and the known candidates it will meet whose terms are not yet
// computed. It returns the posts' terms (nil where find needs none);
// segmentation is most of the linking cost, and find itself must run in
// order.
//
// With d.eager every post of the chunk is segmented, whether linking needs
// it now or not: the chunk is about to be indexed and the index reuses the
// analyzer's tokens (see indexingAnalyzer), so segmentation moves from the
// index's goroutine, which is the import's critical path, to this one,
// which runs on every core and waits for the index otherwise. Only the
// posts find compares now get a term set, though: the others' sets were
// hashed, sorted and kept in every candidate for a comparison most never
// meet (a tenth of the import's live heap on the generated set), and a
// candidate that later meets a post of another source takes its terms
// from the analyzer then (the importer's analyzer keeps every text's
// terms, so that is a lookup, not a second segmentation).
func (d *deduper) prepare(ps []*matcher.Post) []termSet {
	out := make([]termSet, len(ps))
	keys := make([]string, len(ps))
	sources := map[string]map[string]bool{}
	for i, p := range ps {
		if keys[i] = EmployerKey(p.Employer); keys[i] != "" {
			if sources[keys[i]] == nil {
				sources[keys[i]] = map[string]bool{}
			}
			sources[keys[i]][p.Source] = true
		}
	}
	var jobs []func()
	queued := map[*dedupCandidate]bool{}
	for i, p := range ps {
		k := keys[i]
		need := k != "" && len(sources[k]) > 1
		if k != "" {
			for _, c := range d.buckets[k] {
				if c.id == p.ID || c.source == p.Source {
					continue
				}
				need = true
				if c.terms == nil && !queued[c] {
					queued[c] = true
					jobs = append(jobs, func() { c.terms = d.terms(c.title, c.desc) })
				}
			}
		}
		switch {
		case need:
			jobs = append(jobs, func() { out[i] = d.termsOf(p.Title, p.Description, d.eager) })
		case d.eager:
			jobs = append(jobs, func() { d.cutForIndex(p.Title, p.Description) })
		}
	}
	eachIndex(len(jobs), func(j int) { jobs[j]() })
	return out
}

// find returns the ID of the post p repeats, or "". Of equally similar
// candidates the smallest ID wins, so the answer does not depend on the
// order candidates were added in.
func (d *deduper) find(p *matcher.Post) string { return d.findWith(p, nil) }

// findWith is find with p's terms when already computed (prepare).
func (d *deduper) findWith(p *matcher.Post, mine termSet) string {
	if mine != nil {
		// Kept for add, which gives them to p's candidate even when p
		// meets no candidate now (prepare computed them anyway).
		d.lastID, d.lastTitle, d.lastDesc, d.lastTerms = p.ID, p.Title, p.Description, mine
	}
	k := EmployerKey(p.Employer)
	if k == "" {
		return ""
	}
	bucket := d.buckets[k]
	if len(bucket) == 0 {
		return ""
	}
	best, bestScore := "", 0.0
	for _, c := range bucket {
		if c.id == p.ID || c.source == p.Source {
			continue // a portal's own posts are never duplicates of each other
		}
		if mine == nil {
			mine = d.terms(p.Title, p.Description)
			d.lastID, d.lastTitle, d.lastDesc, d.lastTerms = p.ID, p.Title, p.Description, mine
		}
		if c.terms == nil {
			c.terms = d.terms(c.title, c.desc)
		}
		s := jaccard(mine, c.terms)
		if s >= NearDuplicateThreshold && (s > bestScore || s == bestScore && c.id < best) {
			best, bestScore = c.id, s
		}
	}
	return best
}

// terms is the set of a post's title and description terms. The two are
// segmented apart, as the index analyses them (a line break separates them
// anyway, so no word spans both).
func (d *deduper) terms(title, desc string) termSet { return d.termsOf(title, desc, false) }

// cutForIndex segments a post about to be indexed for the index's
// tokenizer (indexingAnalyzer), without making its term set.
func (d *deduper) cutForIndex(title, desc string) {
	if ia, ok := d.an.(indexingAnalyzer); ok {
		ia.TermsBeforeIndexing(title)
		ia.TermsBeforeIndexing(desc)
	}
}

// termsOf is terms; indexing says the post is about to be indexed, and
// with an analyzer that shares its work with the index (indexingAnalyzer)
// its title and description are then not segmented a second time.
func (d *deduper) termsOf(title, desc string, indexing bool) termSet {
	var ts, ds []string // the title's terms and the description's, hashed apart
	if ia, ok := d.an.(indexingAnalyzer); ok && indexing {
		ts, ds = ia.TermsBeforeIndexing(title), ia.TermsBeforeIndexing(desc)
	} else if d.an != nil {
		ts, ds = d.an.Terms(title), d.an.Terms(desc)
	} else {
		ts = fallbackTerms(title + "\n" + desc)
	}
	set := make(termSet, 0, len(ts)+len(ds))
	for _, t := range ts {
		set = append(set, hashTerm(t))
	}
	for _, t := range ds {
		set = append(set, hashTerm(t))
	}
	slices.Sort(set)
	return slices.Clip(slices.Compact(set)) // non-nil: computed, maybe empty
}

// hashTerm is 64-bit FNV-1a, inline to spare an allocation per term.
func hashTerm(t string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(t); i++ {
		h ^= uint64(t[i])
		h *= 1099511628211
	}
	return h
}

// fallbackTerms tokenises without a segmenter: ASCII words and CJK
// character bigrams, which track word overlap closely enough for a
// similarity threshold when no gse analyzer is wired in.
func fallbackTerms(text string) []string {
	var out []string
	var word []rune
	var prev rune
	flush := func() {
		if len(word) > 0 {
			out = append(out, string(word))
			word = word[:0]
		}
	}
	for _, r := range strings.ToLower(normalize.Text(text)) {
		switch {
		case unicode.Is(unicode.Han, r):
			flush()
			if prev != 0 {
				out = append(out, string([]rune{prev, r}))
			} else {
				out = append(out, string(r))
			}
			prev = r
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			word = append(word, r)
		default:
			flush()
		}
		prev = 0
	}
	flush()
	return out
}

// jaccard is |a ∩ b| / |a ∪ b| of two sorted term sets.
func jaccard(a, b termSet) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	inter := 0
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] == b[j]:
			inter++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return float64(inter) / float64(len(a)+len(b)-inter)
}
