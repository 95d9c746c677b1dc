package index

import (
	_ "embed"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/go-ego/gse"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

//go:generate go run ./internal/gendict -min 8 -out dict_zh.txt

// dictZh is gse's simplified-Chinese dictionary (data/dict/zh/s_1.txt)
// filtered by frequency at build time; see doc.go for the measurements
// behind the threshold.
//
//go:embed dict_zh.txt
var dictZh string

//go:embed stopwords.txt
var stopWordsText string

//go:embed jobwords.txt
var jobWordsText string

// domainFreq is the dictionary frequency given to domain words (majors,
// occupations, places, skills, certificates, policy terms). The shortest-path
// segmenter prefers a word whose log2(total/freq) is smaller than the sum of
// its parts; 200,000 (the frequency of everyday words like 工作) makes
// 计算机科学与技术 beat 计算机/科学/与/技术 without letting a domain word
// swallow the characters of its neighbours in ordinary text.
const domainFreq = 200000

// singleCharFreq is the frequency gse's loader gives every one-character
// word, whatever the dictionary says.
const singleCharFreq = 2

// Segmenter is gse with the filtered Chinese dictionary and jobmatch's
// domain dictionary. It is safe for concurrent use: after loading, gse only
// reads its trie.
type Segmenter struct {
	seg       gse.Segmenter
	stop      map[string]bool
	words     int // dictionary entries, for reports
	domain    int // of which domain words
	loadedFor string
}

var (
	defaultOnce sync.Once
	defaultSeg  *Segmenter
	defaultErr  error
)

// DefaultSegmenter returns the process-wide segmenter, loading its
// dictionaries on first use (about a quarter of a second; see doc.go).
func DefaultSegmenter() (*Segmenter, error) {
	defaultOnce.Do(func() {
		defaultSeg, defaultErr = NewSegmenter(dictZh, DomainWords())
	})
	return defaultSeg, defaultErr
}

// NewSegmenter builds a segmenter from a gse-format dictionary ("word freq
// pos" lines) and domain words that must come out whole. Most callers want
// DefaultSegmenter; this exists so the load can be measured on its own.
func NewSegmenter(dict string, domain []string) (*Segmenter, error) {
	s := &Segmenter{stop: parseStopWords(stopWordsText)}
	// The HMM model is gse's fallback for unknown words in its DAG mode;
	// the shortest-path mode used here never calls it, and its tables are
	// process-global, so leave them alone.
	s.seg.NotLoadHMM = true
	s.seg.SkipLog = true
	s.seg.Dict = gse.NewDict()
	s.seg.Init()

	// gse keeps the first entry it sees for a word, so domain words go in
	// before the general dictionary to win with their higher frequency.
	for _, w := range domain {
		if err := s.seg.AddToken(w, domainFreq, "nz"); err != nil {
			return nil, fmt.Errorf("index: domain word %q: %w", w, err)
		}
		s.domain++
	}
	line := 0
	for rest := dict; rest != ""; {
		var ln string
		ln, rest, _ = strings.Cut(rest, "\n")
		line++
		word, tail, ok := strings.Cut(ln, " ")
		if !ok || word == "" {
			continue
		}
		freqText, pos, _ := strings.Cut(tail, " ")
		freq, err := strconv.ParseFloat(strings.TrimSpace(freqText), 64)
		if err != nil || freq <= 0 {
			return nil, fmt.Errorf("index: dictionary line %d: bad frequency %q", line, freqText)
		}
		if utf8.RuneCountInString(word) == 1 {
			// As gse's own loader does (Segmenter.Size): a single
			// character gets the minimum frequency, so the shortest
			// path prefers real words (证书 over 证/书).
			freq = singleCharFreq
		}
		if err := s.seg.AddToken(word, freq, strings.TrimSpace(pos)); err != nil {
			return nil, fmt.Errorf("index: dictionary line %d: %w", line, err)
		}
	}
	// CalcToken turns frequencies into path lengths; it must run once,
	// after every word is in.
	s.seg.CalcToken()
	s.words = s.seg.Dict.NumTokens()
	return s, nil
}

// DictionarySize returns how many words the segmenter knows and how many of
// them come from the domain dictionary.
func (s *Segmenter) DictionarySize() (words, domain int) { return s.words, s.domain }

// DomainWords returns the words jobmatch's catalog contributes to the
// dictionary: major and occupation names and aliases, the Urumqi districts
// (full and short names), skills and certificates, policy terms, and the
// job-posting vocabulary of jobwords.txt.
func DomainWords() []string {
	seen := map[string]bool{}
	var out []string
	add := func(w string) {
		w = strings.TrimSpace(w)
		// A single character is already in the dictionary; a domain entry
		// for it would only distort the frequencies.
		if utf8.RuneCountInString(w) < 2 || seen[w] || !hasLetter(w) {
			return
		}
		seen[w] = true
		out = append(out, w)
	}
	for _, d := range catalog.UrumqiDistricts {
		add(d.Name)
		add(d.Short)
	}
	add("乌鲁木齐")
	add("乌鲁木齐市")
	for _, m := range catalog.Majors() {
		add(m.Name)
		for _, a := range m.Aliases {
			add(a)
		}
		add(m.ClassName)
		add(m.CategoryName)
		for _, w := range m.Skills {
			add(w)
		}
	}
	for _, o := range catalog.Occupations() {
		add(o.Name)
		for _, a := range o.Aliases {
			add(a)
		}
	}
	for _, w := range catalogSkills() {
		add(w)
	}
	for _, w := range catalogTerms() {
		add(w)
	}
	for _, w := range wordList(jobWordsText) {
		add(w)
	}
	for _, c := range matcher.Channels {
		for _, w := range strings.Split(c.Chinese(), "/") {
			add(w)
		}
	}
	return out
}

func hasLetter(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsNumber(r) {
			return true
		}
	}
	return false
}

// wordList reads a word list: one word a line, # starts a comment line.
func wordList(text string) []string {
	var out []string
	for _, ln := range strings.Split(text, "\n") {
		ln = strings.TrimSpace(ln)
		if ln == "" || strings.HasPrefix(ln, "#") {
			continue
		}
		out = append(out, ln)
	}
	return out
}

func parseStopWords(text string) map[string]bool {
	m := map[string]bool{}
	for _, w := range wordList(text) {
		m[w] = true
	}
	return m
}

// segment is one word of the input: its byte range in the original text,
// its text after width folding, and the words gse finds inside it (its
// search-mode sub-segments, e.g. 计算机/科学/技术 in 计算机科学与技术).
type segment struct {
	start, end int
	text       string
	subs       []segment
}

// segments folds full-width ASCII to half-width, cuts the folded text with
// gse's shortest-path mode and maps every word back to byte offsets in the
// original text. Invalid UTF-8 bytes become separators, so every word is
// valid UTF-8.
func (s *Segmenter) segments(text string) []segment {
	folded, orig := foldWidth(text)
	segs := s.seg.Segment([]byte(folded))
	out := make([]segment, 0, len(segs))
	at := func(a, b int) segment {
		sg := segment{start: a, end: b, text: folded[a:b]}
		if orig != nil {
			sg.start, sg.end = orig[a], orig[b]
		}
		return sg
	}
	for i := range segs {
		a, b := segs[i].Start(), segs[i].End()
		sg := at(a, b)
		// Sub-segment offsets are relative to their word; gse computed
		// them on the same (lower-cased, equally long) bytes. Two levels
		// reach 计算机 in 计算机科学与技术 (→ 计算机科学 → 计算机).
		var walk func(tok *gse.Token, base, end, depth int)
		walk = func(tok *gse.Token, base, end, depth int) {
			if tok == nil || depth > 2 {
				return
			}
			for _, sub := range tok.Segments() {
				sa, sb := base+sub.Start(), base+sub.End()
				if sb-sa >= end-base || sb > end {
					continue
				}
				sg.subs = append(sg.subs, at(sa, sb))
				walk(sub.Token(), sa, sb, depth+1)
			}
		}
		walk(segs[i].Token(), a, b, 1)
		out = append(out, sg)
	}
	return out
}

// foldWidth returns text with full-width ASCII (Ａ, １, ＋) and the
// ideographic space folded to ASCII and invalid bytes replaced by spaces,
// plus, when anything changed, orig[i] = the byte offset in text of folded
// byte i (orig has len(folded)+1 entries). Folding before segmenting keeps
// "ＪＡＶＡ" one word, as "Java" is, rather than four letters.
func foldWidth(text string) (string, []int) {
	clean := true
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRuneInString(text[i:])
		if (r == utf8.RuneError && n == 1) || (r >= 0xFF01 && r <= 0xFF5E) || r == 0x3000 {
			clean = false
			break
		}
		i += n
	}
	if clean {
		return text, nil
	}
	var b strings.Builder
	b.Grow(len(text))
	orig := make([]int, 0, len(text)+1)
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRuneInString(text[i:])
		switch {
		case r == utf8.RuneError && n == 1, r == 0x3000:
			b.WriteByte(' ')
			orig = append(orig, i)
		case r >= 0xFF01 && r <= 0xFF5E:
			b.WriteByte(byte(r - 0xFEE0))
			orig = append(orig, i)
		default:
			b.WriteString(text[i : i+n])
			for k := 0; k < n; k++ {
				orig = append(orig, i)
			}
		}
		i += n
	}
	orig = append(orig, len(text))
	return b.String(), orig
}

// Cut returns the plain word segmentation of text: every word as written,
// punctuation included, whitespace dropped, nothing lower-cased or removed.
func (s *Segmenter) Cut(text string) []string {
	var out []string
	for _, sg := range s.segments(text) {
		w := text[sg.start:sg.end]
		if strings.TrimSpace(w) == "" || !utf8.ValidString(w) {
			continue
		}
		out = append(out, w)
	}
	return out
}

// Terms returns the terms the index stores for text: the zh_gse analyzer's
// output (lower-cased, width-folded, stop words and punctuation dropped,
// sub-words after each long word). It implements matcher.Analyzer.
func (s *Segmenter) Terms(text string) []string {
	toks := s.tokens(text, true)
	out := make([]string, 0, len(toks))
	for _, t := range toks {
		if !s.stop[t.Term] {
			out = append(out, t.Term)
		}
	}
	return out
}

var _ matcher.Analyzer = (*Segmenter)(nil)

// tokens is the tokenizer: words with a letter or digit, lower-cased, with
// 1-based positions counted over those words (so a removed stop word leaves
// a gap, as in Elasticsearch). With subwords, each word of three or more
// characters is followed by the words of two or more characters gse finds
// inside it, at the same position, as Elasticsearch's ik_max_word does: a
// post about 计算机科学与技术 or 幼儿园教师 is then found by 计算机 or 教师,
// while the search analyzer, without sub-words, keeps a query for 会计学
// from matching every 会计.
func (s *Segmenter) tokens(text string, subwords bool) []Token {
	segs := s.segments(text)
	out := make([]Token, 0, len(segs)+len(segs)/4)
	pos := 0
	for _, sg := range segs {
		if !hasLetter(sg.text) {
			continue
		}
		pos++
		term := lower(sg.text)
		out = append(out, Token{Term: term, Start: sg.start, End: sg.end, Position: pos})
		if !subwords {
			continue
		}
		first := len(out) - 1
		for _, sub := range sg.subs {
			if utf8.RuneCountInString(sub.text) < 2 || !hasLetter(sub.text) {
				continue
			}
			st := lower(sub.text)
			if s.stop[st] || slices.ContainsFunc(out[first:], func(t Token) bool { return t.Term == st }) {
				continue
			}
			out = append(out, Token{Term: st, Start: sub.start, End: sub.end, Position: pos})
		}
	}
	return out
}

// lower lower-cases w, returning it unchanged (no allocation) when it has
// no upper-case letter, which is the common case for Chinese text.
func lower(w string) string {
	for _, r := range w {
		if unicode.IsUpper(r) {
			return strings.ToLower(w)
		}
	}
	return w
}
