package index

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/registry"
)

func TestAnalyzeTokenPositions(t *testing.T) {
	cases := []struct {
		text string
		want []Token
	}{
		// a long word's sub-words share its position
		{"会计学专业", []Token{
			{Term: "会计学", Start: 0, End: 9, Position: 1},
			{Term: "会计", Start: 0, End: 6, Position: 1},
			{Term: "专业", Start: 9, End: 15, Position: 2},
		}},
		// The stop word 和 is dropped but keeps its position, as in
		// Elasticsearch; offsets point into the original (full-width) text.
		{"熟悉ＪＡＶＡ和Python", []Token{
			{Term: "熟悉", Start: 0, End: 6, Position: 1},
			{Term: "java", Start: 6, End: 18, Position: 2},
			{Term: "python", Start: 21, End: 27, Position: 4},
		}},
		// Punctuation is not a token and takes no position.
		{"天山区，头屯河区", []Token{
			{Term: "天山区", Start: 0, End: 9, Position: 1},
			{Term: "天山", Start: 0, End: 6, Position: 1},
			{Term: "头屯河区", Start: 12, End: 24, Position: 2},
			{Term: "头屯河", Start: 12, End: 21, Position: 2},
			{Term: "屯河", Start: 15, End: 21, Position: 2},
		}},
		{"", []Token{}},
	}
	for _, c := range cases {
		got, err := Analyze(c.text)
		if err != nil {
			t.Fatalf("Analyze(%q): %v", c.text, err)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("Analyze(%q) = %+v, want %+v", c.text, got, c.want)
		}
	}
}

// TestAnalyzeAgreesWithTerms holds Terms (used by the matcher) and the
// registered bleve analyzer (used by the index) to the same output.
func TestAnalyzeAgreesWithTerms(t *testing.T) {
	s := segmenter(t)
	for _, text := range []string{
		"乌鲁木齐市米东区招聘电工，持证上岗，五险一金",
		"ＩＴ运维工程师（Linux、ＭｙＳＱＬ）　8k-12k·13薪",
		"三支一扶：支教、支农、支医和帮扶乡村振兴",
		"The quick brown fox 的 了 和",
		"\xff\xfe无效字节\x80中间",
	} {
		toks, err := Analyze(text)
		if err != nil {
			t.Fatal(err)
		}
		var fromAnalyze []string
		for _, tk := range toks {
			fromAnalyze = append(fromAnalyze, tk.Term)
			if tk.Start < 0 || tk.End > len(text) || tk.Start >= tk.End {
				t.Errorf("Analyze(%q): token %+v has offsets outside the text", text, tk)
				continue
			}
			// The offsets cover the original spelling of the term.
			if src := text[tk.Start:tk.End]; !strings.EqualFold(foldForTest(src), tk.Term) {
				t.Errorf("Analyze(%q): token %q covers %q", text, tk.Term, src)
			}
		}
		if terms := s.Terms(text); !slices.Equal(terms, fromAnalyze) {
			t.Errorf("Terms(%q) = %q, analyzer gives %q", text, terms, fromAnalyze)
		}
	}
}

func foldForTest(s string) string {
	f, _ := foldWidthRef(s)
	return f
}

func TestAnalyzerRegistered(t *testing.T) {
	c := registry.NewCache()
	if _, err := c.TokenizerNamed(TokenizerName); err != nil {
		t.Errorf("tokenizer %q: %v", TokenizerName, err)
	}
	a, err := c.AnalyzerNamed(AnalyzerName)
	if err != nil {
		t.Fatalf("analyzer %q: %v", AnalyzerName, err)
	}
	ts := a.Analyze([]byte("计算机科学与技术专业"))
	if len(ts) < 3 || string(ts[0].Term) != "计算机科学与技术" || string(ts[len(ts)-1].Term) != "专业" {
		t.Errorf("registered analyzer: %v", ts)
	}
	sa, err := c.AnalyzerNamed(SearchAnalyzerName)
	if err != nil {
		t.Fatalf("analyzer %q: %v", SearchAnalyzerName, err)
	}
	ts = sa.Analyze([]byte("计算机科学与技术专业"))
	if len(ts) != 2 || string(ts[0].Term) != "计算机科学与技术" || string(ts[1].Term) != "专业" {
		t.Errorf("search analyzer: %v", ts)
	}
}

func FuzzTerms(f *testing.F) {
	for _, s := range []string{"会计学专业本科及以上学历", "ＪＡＶＡ开发 8k-12k", "\xff", "、。！"} {
		f.Add(s)
	}
	s := segmenter(f)
	f.Fuzz(func(t *testing.T, text string) {
		terms := s.Terms(text)
		for _, term := range terms {
			if term == "" || !utf8.ValidString(term) {
				t.Fatalf("Terms(%q) has term %q", text, term)
			}
		}
		toks, err := Analyze(text)
		if err != nil {
			t.Fatal(err)
		}
		if len(toks) != len(terms) {
			t.Fatalf("Analyze(%q) gives %d tokens, Terms %d", text, len(toks), len(terms))
		}
		last := 0
		for _, tk := range toks {
			if tk.Start < 0 || tk.End > len(text) || tk.Start >= tk.End || tk.Position < last || tk.Position < 1 {
				t.Fatalf("Analyze(%q): bad token %+v after position %d", text, tk, last)
			}
			last = tk.Position
		}
		for _, w := range s.Cut(text) {
			if w == "" || !utf8.ValidString(w) {
				t.Fatalf("Cut(%q) has word %q", text, w)
			}
		}
	})
}
