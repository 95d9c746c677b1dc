package index

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/stop"
	"github.com/blevesearch/bleve/v2/registry"
)

const (
	// TokenizerName is the gse tokenizer in bleve's registry.
	TokenizerName = "gse"
	// AnalyzerName is the analyzer every text field of the index uses: the
	// gse tokenizer (with sub-words), lower-case, width fold, stop words.
	AnalyzerName = "zh_gse"
	// SearchTokenizerName and SearchAnalyzerName are the same without
	// sub-words, for queries: a query word matches itself and the longer
	// words that contain it, not the shorter words inside it.
	SearchTokenizerName = "gse_search"
	SearchAnalyzerName  = "zh_gse_search"
	// StopTokenMapName is the stop-word list (stopwords.txt) as a bleve
	// token map, usable by other analyzers too.
	StopTokenMapName = "zh_gse_stop"
	// WidthFilterName is bleve's cjk_width filter applied only to the
	// tokens it can change.
	WidthFilterName = "zh_gse_width"
)

// Token is one term of the analyzer's output, as Elasticsearch's _analyze
// shows it: byte offsets into the input and a 1-based position.
type Token struct {
	Term     string `json:"token"`
	Start    int    `json:"start_offset"`
	End      int    `json:"end_offset"`
	Position int    `json:"position"`
}

func init() {
	// Registration happens at import so that a persisted index mapping
	// naming the analyzer opens in any process that links this package.
	// The dictionary itself loads on first use, not here.
	mustRegister(registry.RegisterTokenizer(TokenizerName, func(map[string]interface{}, *registry.Cache) (analysis.Tokenizer, error) {
		s, err := DefaultSegmenter()
		if err != nil {
			return nil, err
		}
		return tokenizer{s: s, subwords: true}, nil
	}))
	mustRegister(registry.RegisterTokenizer(SearchTokenizerName, func(map[string]interface{}, *registry.Cache) (analysis.Tokenizer, error) {
		s, err := DefaultSegmenter()
		if err != nil {
			return nil, err
		}
		return tokenizer{s: s}, nil
	}))
	mustRegister(registry.RegisterTokenMap(StopTokenMapName, func(map[string]interface{}, *registry.Cache) (analysis.TokenMap, error) {
		m := analysis.NewTokenMap()
		for w := range parseStopWords(stopWordsText) {
			m.AddToken(w)
		}
		return m, nil
	}))
	mustRegister(registry.RegisterTokenFilter(WidthFilterName, func(map[string]interface{}, *registry.Cache) (analysis.TokenFilter, error) {
		return widthFilter{cjk: cjk.NewCJKWidthFilter()}, nil
	}))
	mustRegister(registry.RegisterAnalyzer(AnalyzerName, analyzerWith(TokenizerName)))
	mustRegister(registry.RegisterAnalyzer(SearchAnalyzerName, analyzerWith(SearchTokenizerName)))
}

// analyzerWith builds the analyzer chain around the named tokenizer.
func analyzerWith(tokenizerName string) registry.AnalyzerConstructor {
	return func(_ map[string]interface{}, cache *registry.Cache) (analysis.Analyzer, error) {
		tok, err := cache.TokenizerNamed(tokenizerName)
		if err != nil {
			return nil, err
		}
		bleveLower, err := cache.TokenFilterNamed(lowercase.Name)
		if err != nil {
			return nil, err
		}
		lower := lowerFilter{lower: bleveLower}
		width, err := cache.TokenFilterNamed(WidthFilterName)
		if err != nil {
			return nil, err
		}
		stops, err := cache.TokenMapNamed(StopTokenMapName)
		if err != nil {
			return nil, err
		}
		return &analysis.DefaultAnalyzer{
			Tokenizer:    tok,
			TokenFilters: []analysis.TokenFilter{lower, width, stop.NewStopTokensFilter(stops)},
		}, nil
	}
}

func mustRegister(err error) {
	if err != nil {
		// Only a second registration of the same name fails: a build error.
		panic(fmt.Sprintf("index: %v", err))
	}
}

// tokenizer adapts the Segmenter to bleve. Width folding happens inside the
// segmenter, before cutting, so the cjk_width filter after it is a no-op
// kept for analyzers that reuse the chain with another tokenizer.
type tokenizer struct {
	s        *Segmenter
	subwords bool
}

func (t tokenizer) Tokenize(input []byte) analysis.TokenStream {
	// Read only during this call: no string made from it is kept.
	text := unsafe.String(unsafe.SliceData(input), len(input))
	if t.subwords {
		if toks, ok := t.s.memo.take(text); ok {
			return streamOf(input, toks)
		}
	}
	if len(input) <= shortText {
		return streamOf(input, t.s.shortTokens(text, t.subwords))
	}
	c := t.s.getCutter()
	defer t.s.putCutter(c)
	t.s.analyze(c, text, t.subwords)

	// A term is usually the input's own bytes (Chinese text needs no
	// folding or lower-casing) and then aliases the input, as bleve's own
	// tokenizers do; the others are copied into one buffer.
	need := 0
	for _, rt := range c.toks {
		if tb := c.low[rt.start:rt.end]; !bytes.Equal(tb, input[rt.ostart:rt.oend]) {
			need += len(tb)
		}
	}
	arena := make([]byte, 0, need)
	out := make(analysis.TokenStream, len(c.toks))
	backing := make([]analysis.Token, len(c.toks))
	for i, rt := range c.toks {
		start, end := rt.ostart, rt.oend
		tb := c.low[rt.start:rt.end]
		var term []byte
		switch {
		case hasUpper(tb):
			term = bytes.ToLower(tb)
		case bytes.Equal(tb, input[start:end]):
			term = input[start:end:end]
		default:
			at := len(arena)
			arena = append(arena, tb...)
			term = arena[at:len(arena):len(arena)]
		}
		backing[i] = analysis.Token{Term: term, Start: start, End: end, Position: rt.pos, Type: tokenType(term)}
		out[i] = &backing[i]
	}
	return out
}

// shortTokens is tokens for a text of at most shortText bytes, from the
// cache of short texts: short values (a title, an employer, a major, a
// skill, an occupation) repeat from post to post, so their tokens are
// kept. text may alias memory its caller reuses; the cache keeps a copy.
func (s *Segmenter) shortTokens(text string, subwords bool) []Token {
	cache := s.short[0]
	if subwords {
		cache = s.short[1]
	}
	toks, ok := cache.peek(text)
	if !ok {
		kept := strings.Clone(text)
		toks = s.tokens(kept, subwords)
		cache.put(kept, toks)
	}
	return toks
}

// streamOf turns tokens (from the memo) into a bleve token stream.
func streamOf(input []byte, toks []Token) analysis.TokenStream {
	out := make(analysis.TokenStream, len(toks))
	backing := make([]analysis.Token, len(toks))
	for i, tk := range toks {
		var term []byte
		if src := input[tk.Start:tk.End]; string(src) == tk.Term {
			term = src[:len(src):len(src)]
		} else {
			term = []byte(tk.Term)
		}
		backing[i] = analysis.Token{Term: term, Start: tk.Start, End: tk.End, Position: tk.Position, Type: tokenType(term)}
		out[i] = &backing[i]
	}
	return out
}

// lowerFilter is bleve's to_lower applied only to the tokens it can
// change: to_lower decodes every rune of every term and looks each up in
// the case tables, a tenth of the index's analysis for Chinese text, which
// has no case. A term none of whose runes lower-cases to another rune is
// what to_lower returns it as; the others go through to_lower itself.
type lowerFilter struct{ lower analysis.TokenFilter }

func (f lowerFilter) Filter(input analysis.TokenStream) analysis.TokenStream {
	for i, tk := range input {
		if mayLower(tk.Term) {
			f.lower.Filter(input[i : i+1])
		}
	}
	return input
}

// mayLower reports whether unicode.ToLower changes a rune of b (A-Z, or a
// character outside U+3000-U+9FFF, where none changes). Invalid bytes
// decode to RuneError, which to_lower leaves alone too.
// TestLowerFilterMatchesToLower checks every character.
func mayLower(b []byte) bool { return cased(b, true) }

// cased is the walk of mayLower (lowers true) and hasUpper (false): it
// reports whether b has an ASCII capital (when lowers) or a rune outside
// ASCII and the caseless block U+3000-U+9FFF that unicode.ToLower changes
// (lowers) or that unicode.IsUpper reports (not lowers). The two tests
// differ on title case (ǅ lowers but is not upper) and on capitals with no
// lower case; each caller keeps the one it had.
func cased(b []byte, lowers bool) bool {
	for i := 0; i < len(b); {
		c := b[i]
		switch {
		case c < utf8.RuneSelf:
			if lowers && 'A' <= c && c <= 'Z' {
				return true
			}
			i++
		case caselessLead(c) && i+2 < len(b) && b[i+1]&0xC0 == 0x80 && b[i+2]&0xC0 == 0x80:
			i += 3
		default:
			r, n := utf8.DecodeRune(b[i:])
			if lowers && unicode.ToLower(r) != r || !lowers && unicode.IsUpper(r) {
				return true
			}
			i += n
		}
	}
	return false
}

// widthFilter is bleve's cjk_width (full-width ASCII to ASCII, half-width
// katakana to full width) for the few tokens that hold a character of the
// Halfwidth and Fullwidth Forms block (U+FF00-U+FFEF); cjk_width itself
// rebuilds every term from a rune slice, two allocations per token for
// nothing in Chinese text. The output is cjk_width's.
type widthFilter struct{ cjk *cjk.CJKWidthFilter }

func (f widthFilter) Filter(input analysis.TokenStream) analysis.TokenStream {
	for i, tk := range input {
		if hasHalfOrFullWidth(tk.Term) {
			f.cjk.Filter(input[i : i+1])
		}
	}
	return input
}

// hasHalfOrFullWidth reports whether b holds a character in U+FF00-U+FFFF
// (UTF-8 EF BC 80 to EF BF BF).
func hasHalfOrFullWidth(b []byte) bool {
	for i := 0; i+1 < len(b); i++ {
		if b[i] == 0xEF && b[i+1] >= 0xBC {
			return true
		}
	}
	return false
}

func tokenType(term []byte) analysis.TokenType {
	digits := true
	for _, r := range string(term) {
		if unicode.Is(unicode.Han, r) {
			return analysis.Ideographic
		}
		if !unicode.IsDigit(r) {
			digits = false
		}
	}
	if digits {
		return analysis.Numeric
	}
	return analysis.AlphaNumeric
}

var (
	analyzerOnce sync.Once
	analyzer     analysis.Analyzer
	analyzerErr  error
)

// registeredAnalyzer builds the zh_gse analyzer through bleve's registry,
// exactly as an index mapping gets it.
func registeredAnalyzer() (analysis.Analyzer, error) {
	analyzerOnce.Do(func() {
		analyzer, analyzerErr = registry.NewCache().AnalyzerNamed(AnalyzerName)
	})
	return analyzer, analyzerErr
}

// Analyze runs the registered zh_gse analyzer over text and returns its
// tokens, as Elasticsearch's _analyze does.
func Analyze(text string) ([]Token, error) {
	a, err := registeredAnalyzer()
	if err != nil {
		return nil, fmt.Errorf("index: analyzer %s: %w", AnalyzerName, err)
	}
	ts := a.Analyze([]byte(text))
	out := make([]Token, len(ts))
	for i, t := range ts {
		out[i] = Token{Term: string(t.Term), Start: t.Start, End: t.End, Position: t.Position}
	}
	return out, nil
}
