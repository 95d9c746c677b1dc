package ingest

import (
	"runtime"
	"strings"
	"sync"
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
	id, source string
	text       string
	terms      map[string]struct{} // computed on first comparison
}

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
	an      matcher.Analyzer
	buckets map[string][]*dedupCandidate
	where   map[string]string // post ID → the bucket holding its candidate
	// last keeps the terms find computed for a post, which add then gives
	// its candidate: each post is segmented once, not again as a candidate.
	lastID, lastText string
	lastTerms        map[string]struct{}
}

func newDeduper(an matcher.Analyzer) *deduper {
	return &deduper{an: an, buckets: map[string][]*dedupCandidate{}, where: map[string]string{}}
}

func postText(p *matcher.Post) string { return p.Title + "\n" + p.Description }

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
	text := postText(p)
	var terms map[string]struct{}
	if d.lastID == p.ID && d.lastText == text {
		terms = d.lastTerms
	}
	for _, c := range d.buckets[k] {
		if c.id == p.ID {
			c.source, c.text, c.terms = p.Source, text, terms
			return
		}
	}
	d.buckets[k] = append(d.buckets[k], &dedupCandidate{id: p.ID, source: p.Source, text: text, terms: terms})
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
func (d *deduper) prepare(ps []*matcher.Post) []map[string]struct{} {
	out := make([]map[string]struct{}, len(ps))
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
		if k == "" {
			continue
		}
		need := len(sources[k]) > 1
		for _, c := range d.buckets[k] {
			if c.id == p.ID || c.source == p.Source {
				continue
			}
			need = true
			if c.terms == nil && !queued[c] {
				queued[c] = true
				jobs = append(jobs, func() { c.terms = d.terms(c.text) })
			}
		}
		if need {
			jobs = append(jobs, func() { out[i] = d.terms(postText(p)) })
		}
	}
	workers := min(runtime.GOMAXPROCS(0), len(jobs))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := w; j < len(jobs); j += workers {
				jobs[j]()
			}
		}()
	}
	wg.Wait()
	return out
}

// find returns the ID of the post p repeats, or "". Of equally similar
// candidates the smallest ID wins, so the answer does not depend on the
// order candidates were added in.
func (d *deduper) find(p *matcher.Post) string { return d.findWith(p, nil) }

// findWith is find with p's terms when already computed (prepare).
func (d *deduper) findWith(p *matcher.Post, mine map[string]struct{}) string {
	k := EmployerKey(p.Employer)
	if k == "" {
		return ""
	}
	bucket := d.buckets[k]
	if len(bucket) == 0 {
		return ""
	}
	if mine != nil {
		d.lastID, d.lastText, d.lastTerms = p.ID, postText(p), mine
	}
	best, bestScore := "", 0.0
	for _, c := range bucket {
		if c.id == p.ID || c.source == p.Source {
			continue // a portal's own posts are never duplicates of each other
		}
		if mine == nil {
			text := postText(p)
			mine = d.terms(text)
			d.lastID, d.lastText, d.lastTerms = p.ID, text, mine
		}
		if c.terms == nil {
			c.terms = d.terms(c.text)
		}
		s := jaccard(mine, c.terms)
		if s >= NearDuplicateThreshold && (s > bestScore || s == bestScore && c.id < best) {
			best, bestScore = c.id, s
		}
	}
	return best
}

func (d *deduper) terms(text string) map[string]struct{} {
	var ts []string
	if d.an != nil {
		ts = d.an.Terms(text)
	} else {
		ts = fallbackTerms(text)
	}
	set := make(map[string]struct{}, len(ts))
	for _, t := range ts {
		set[t] = struct{}{}
	}
	return set
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

func jaccard(a, b map[string]struct{}) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	if len(a) > len(b) {
		a, b = b, a
	}
	inter := 0
	for t := range a {
		if _, ok := b[t]; ok {
			inter++
		}
	}
	return float64(inter) / float64(len(a)+len(b)-inter)
}
