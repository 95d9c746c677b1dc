package index

import (
	_ "embed"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"
	"unsafe"

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
	memo      *tokenMemo
	// short caches the tokens of short texts, without and with sub-words
	// (see tokenizer.Tokenize).
	short [2]*tokenMemo
	// cutters holds idle segmentation buffers (see getCutter).
	cutters chan *cutter

	// tokens is gse's Dictionary.Tokens and info the side table of what
	// the shortest-path pass needs of each (see buildTokenInfo); fast is
	// false when the table failed its check at load.
	dictTokens []gse.Token
	info       []tokenInfo
	fast       bool
	// barrier marks the BMP characters no dictionary word of two or more
	// units contains, and that are no letter or digit (segmenter_lattice.go).
	barrier [1 << 16 / 64]uint64
	lattice *latticeCache
	// chars holds the path of each BMP character as a run of its own,
	// plus two: 0 until first met, 1 for a character the dictionary lacks
	// (charWord).
	chars [1 << 16]atomic.Int32
	// subwords holds each dictionary word's sub-segments once computed
	// (subwordsOf); calc runs gse's CalcToken for gse.Segment (gseReady).
	subwords  []atomic.Pointer[[]subword]
	walked    []atomic.Pointer[walked]
	calc      sync.Once
	fallbacks atomic.Uint64
	log       atomic.Pointer[slog.Logger]
	// wsModel is what ScanWordStarts needs of the dictionary (wordStarts).
	wsOnce  sync.Once
	wsModel wordStartsModel
}

var (
	defaultOnce sync.Once
	defaultSeg  *Segmenter
	defaultErr  error
)

// DefaultSegmenter returns the process-wide segmenter, loading its
// dictionaries on first use: from the text, or from the compiled form
// SetDictionaryCache keeps in a third to a half of the time (doc.go has
// the figures).
func DefaultSegmenter() (*Segmenter, error) {
	defaultOnce.Do(func() {
		defaultSeg, defaultErr = loadDefaultSegmenter(dictZh, DomainWords())
	})
	return defaultSeg, defaultErr
}

// NewSegmenter builds a segmenter from a gse-format dictionary ("word freq
// pos" lines) and domain words that must come out whole. Most callers want
// DefaultSegmenter; this exists so the load can be measured on its own.
func NewSegmenter(dict string, domain []string) (*Segmenter, error) {
	s := newSegmenterShell()
	if err := s.loadText(dict, domain); err != nil {
		return nil, err
	}
	s.finishLoad()
	return s, nil
}

// newSegmenterShell is a segmenter with its buffers and caches and an empty
// gse dictionary: what loadText or a compiled dictionary then fills.
func newSegmenterShell() *Segmenter {
	s := &Segmenter{stop: parseStopWords(stopWordsText), memo: newTokenMemo(memoSize),
		short:   [2]*tokenMemo{newTokenMemo(shortCacheSize), newTokenMemo(shortCacheSize)},
		cutters: make(chan *cutter, freeCutters), lattice: newLatticeCache()}
	// The HMM model is gse's fallback for unknown words in its DAG mode;
	// the shortest-path mode used here never calls it, and its tables are
	// process-global, so leave them alone.
	s.seg.NotLoadHMM = true
	s.seg.SkipLog = true
	s.seg.Dict = gse.NewDict()
	s.seg.Init()
	return s
}

// loadText fills the dictionary from the text of dict and the domain words
// through gse's AddToken, then the side table (buildTokenInfo).
func (s *Segmenter) loadText(dict string, domain []string) error {
	// Every entry is appended to Dictionary.Tokens: sized for all of them
	// up front, it is not copied at each of its ~40 growths (a third of
	// the load's CPU, and pages faulted in for nothing).
	s.seg.Dict.Tokens = make([]gse.Token, 0, len(domain)+strings.Count(dict, "\n")+1)

	// gse keeps the first entry it sees for a word, so domain words go in
	// before the general dictionary to win with their higher frequency.
	for _, w := range domain {
		if err := s.seg.AddToken(w, domainFreq, "nz"); err != nil {
			return fmt.Errorf("index: domain word %q: %w", w, err)
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
			return fmt.Errorf("index: dictionary line %d: bad frequency %q", line, freqText)
		}
		if utf8.RuneCountInString(word) == 1 {
			// As gse's own loader does (Segmenter.Size): a single
			// character gets the minimum frequency, so the shortest
			// path prefers real words (证书 over 证/书).
			freq = singleCharFreq
		}
		if err := s.seg.AddToken(word, freq, strings.TrimSpace(pos)); err != nil {
			return fmt.Errorf("index: dictionary line %d: %w", line, err)
		}
	}
	// gse's CalcToken (path lengths and every word's sub-segments) is
	// left until gse.Segment needs it (gseReady): the side table holds
	// the path lengths, and sub-segments are computed as words are met
	// (subwords.go).
	s.words = s.seg.Dict.NumTokens()
	s.buildTokenInfo()
	return nil
}

// finishLoad makes the per-word caches for a loaded dictionary, and gse's
// own tables when the side table failed its check.
func (s *Segmenter) finishLoad() {
	s.subwords = make([]atomic.Pointer[[]subword], len(s.dictTokens))
	s.walked = make([]atomic.Pointer[walked], len(s.dictTokens))
	if !s.fast {
		s.gseReady()
	}
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

// allSpace reports whether strings.TrimSpace(w) is empty, without its
// two scans of a word that starts with no space (nearly every word).
func allSpace(w string) bool {
	for _, r := range w {
		if !unicode.IsSpace(r) {
			return false
		}
	}
	return true
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

// Cut returns the plain word segmentation of text: every word as written,
// punctuation included, whitespace dropped, nothing lower-cased or removed.
func (s *Segmenter) Cut(text string) []string {
	c := s.getCutter()
	defer s.putCutter(c)
	s.cut(c, text, false)
	// Sized for every word: appending from nil grew the slice a dozen
	// times for a description, a seventh of Cut.
	out := make([]string, 0, len(c.words))
	for _, w := range c.words {
		ww := text[c.orig(w.start):c.orig(w.end)]
		// A word of a valid text is valid: its ends are characters' ends.
		if allSpace(ww) || !c.valid && !utf8.ValidString(ww) {
			continue
		}
		out = append(out, ww)
	}
	return out
}

// Terms returns the terms the index stores for text: the zh_gse analyzer's
// output (lower-cased, width-folded, stop words and punctuation dropped,
// sub-words after each long word). It implements matcher.Analyzer.
func (s *Segmenter) Terms(text string) []string { return s.termsOf(s.tokens(text, true)) }

// TermsBeforeIndexing is Terms for a text about to be indexed: its tokens
// stay, for a while, in a small memo the index's tokenizer takes them from
// (see tokenMemo), so the text is segmented once for both. The importer
// segments each post's title and description for near-duplicate linking
// just before it indexes them.
func (s *Segmenter) TermsBeforeIndexing(text string) []string {
	if len(text) <= shortText {
		// A short text (a title) goes where the tokenizer looks for it
		// (tokenizer.Tokenize's cache of short texts): titles repeat from
		// post to post, and are then cut once for the whole import.
		return s.termsOf(s.shortTokens(text, true))
	}
	toks := s.tokens(text, true)
	s.memo.put(text, toks)
	return s.termsOf(toks)
}

// TermsReusedByIndex reports whether the index's tokenizer takes what
// TermsBeforeIndexing leaves: it does for DefaultSegmenter, which the
// tokenizers registered with bleve run on.
func (s *Segmenter) TermsReusedByIndex() bool {
	def, err := DefaultSegmenter()
	return err == nil && s == def
}

func (s *Segmenter) termsOf(toks []Token) []string {
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
	c := s.getCutter()
	defer s.putCutter(c)
	s.analyze(c, text, subwords)
	src := text // the folded text as a string, for the terms
	if !c.clean {
		src = string(c.folded)
	}
	out := make([]Token, len(c.toks))
	for i, t := range c.toks {
		term := src[t.start:t.end]
		// The term is the word lower-cased whole, as strings.ToLower does
		// it: a word with an ASCII capital also lower-cases its title-case
		// letters (ǅ → ǆ), which lower on the ASCII-lowered bytes missed.
		if lw := c.low[t.start:t.end]; term != string(lw) || hasUpper(lw) {
			term = strings.ToLower(string(lw))
		}
		out[i] = Token{Term: term, Start: t.ostart, End: t.oend, Position: t.pos}
	}
	return out
}

// analyze fills c.toks with the tokenizer's tokens (see tokens).
func (s *Segmenter) analyze(c *cutter, text string, subwords bool) {
	s.cut(c, text, subwords)
	c.toks = c.toks[:0]
	pos := 0
	for _, w := range c.words {
		wt := c.low[w.start:w.end]
		if !hasLetterBytes(wt) {
			continue
		}
		pos++
		c.toks = append(c.toks, rawTok{w.start, w.end, c.orig(w.start), c.orig(w.end), pos})
		if !subwords {
			continue
		}
		first := len(c.toks) - 1
		for _, sb := range c.subs[w.sub0:w.sub1] {
			st := c.low[sb.start:sb.end]
			if utf8.RuneCount(st) < 2 || !hasLetterBytes(st) {
				continue
			}
			if s.stop[c.term(st)] || c.seen(first, st) {
				continue
			}
			c.toks = append(c.toks, rawTok{sb.start, sb.end, c.orig(sb.start), c.orig(sb.end), pos})
		}
	}
}

// term returns the lower-cased term for folded bytes already ASCII-lowered;
// only text with non-ASCII capitals (Ä, Σ) allocates.
func (c *cutter) term(b []byte) string {
	if hasUpper(b) {
		return strings.ToLower(string(b))
	}
	return unsafe.String(unsafe.SliceData(b), len(b)) // read only, not kept
}

// seen reports whether the term of b is already among c.toks[first:].
func (c *cutter) seen(first int, b []byte) bool {
	tb := c.term(b)
	for _, t := range c.toks[first:] {
		if c.term(c.low[t.start:t.end]) == tb {
			return true
		}
	}
	return false
}

// hasUpper reports whether b (ASCII already lower-cased) has an upper-case
// letter outside ASCII. b is valid UTF-8 (cutter.fold makes invalid bytes
// spaces), so a caseless lead byte always starts a whole character.
func hasUpper(b []byte) bool { return cased(b, false) }

func hasLetterBytes(b []byte) bool {
	for i := 0; i < len(b); {
		if c := b[i]; c < utf8.RuneSelf {
			if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
				return true
			}
			i++
			continue
		}
		if ideographLead(b[i]) {
			return true
		}
		r, n := utf8.DecodeRune(b[i:])
		if unicode.IsLetter(r) || unicode.IsNumber(r) {
			return true
		}
		i += n
	}
	return false
}

// caselessLead reports whether a UTF-8 lead byte starts a character in
// U+3000-U+9FFF (CJK symbols, kana, CJK ideographs), none of which is an
// upper-case letter (TestCaselessAndIdeographRanges checks every one).
func caselessLead(b byte) bool { return b >= 0xE3 && b <= 0xE9 }

// ideographLead reports whether a UTF-8 lead byte starts a character in
// U+5000-U+9FFF, all of them CJK ideographs, that is letters.
func ideographLead(b byte) bool { return b >= 0xE5 && b <= 0xE9 }

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
