package ingest

import (
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
	id, source string
	text       string
	terms      map[string]struct{} // computed on first comparison
}

// deduper finds near-duplicates among posts bucketed by employer. Buckets
// hold only originals (posts that are not themselves duplicates), so links
// always point at the first export of a post, never along a chain.
type deduper struct {
	an      matcher.Analyzer
	buckets map[string][]*dedupCandidate
}

func newDeduper(an matcher.Analyzer) *deduper {
	return &deduper{an: an, buckets: map[string][]*dedupCandidate{}}
}

func postText(p *matcher.Post) string { return p.Title + "\n" + p.Description }

// add registers an original post.
func (d *deduper) add(p *matcher.Post) {
	k := EmployerKey(p.Employer)
	if k == "" || p.DuplicateOf != "" {
		return
	}
	for _, c := range d.buckets[k] {
		if c.id == p.ID {
			c.source, c.text, c.terms = p.Source, postText(p), nil
			return
		}
	}
	d.buckets[k] = append(d.buckets[k], &dedupCandidate{id: p.ID, source: p.Source, text: postText(p)})
}

// find returns the ID of the post p repeats, or "".
func (d *deduper) find(p *matcher.Post) string {
	k := EmployerKey(p.Employer)
	if k == "" {
		return ""
	}
	bucket := d.buckets[k]
	if len(bucket) == 0 {
		return ""
	}
	var mine map[string]struct{}
	best, bestScore := "", 0.0
	for _, c := range bucket {
		if c.id == p.ID || c.source == p.Source {
			continue // a portal's own posts are never duplicates of each other
		}
		if mine == nil {
			mine = d.terms(postText(p))
		}
		if c.terms == nil {
			c.terms = d.terms(c.text)
		}
		if s := jaccard(mine, c.terms); s >= NearDuplicateThreshold && s > bestScore {
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
