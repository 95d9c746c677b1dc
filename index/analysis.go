package index

import (
	"fmt"
	"sync"
	"unicode"

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
		lower, err := cache.TokenFilterNamed(lowercase.Name)
		if err != nil {
			return nil, err
		}
		width, err := cache.TokenFilterNamed(cjk.WidthName)
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
	toks := t.s.tokens(string(input), t.subwords)
	out := make(analysis.TokenStream, len(toks))
	backing := make([]analysis.Token, len(toks))
	for i, tk := range toks {
		backing[i] = analysis.Token{
			Term:     []byte(tk.Term),
			Start:    tk.Start,
			End:      tk.End,
			Position: tk.Position,
			Type:     tokenType(tk.Term),
		}
		out[i] = &backing[i]
	}
	return out
}

func tokenType(term string) analysis.TokenType {
	digits := true
	for _, r := range term {
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
