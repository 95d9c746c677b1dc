package index

import (
	"bytes"
	"encoding/csv"
	"io"
	"log/slog"
	"os"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/stop"
	"github.com/blevesearch/bleve/v2/registry"
	"github.com/go-ego/gse"

	"github.com/urumqi-hrss/jobmatch/ingest/sharedtest"
	"github.com/urumqi-hrss/jobmatch/ingest/synth"
	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

// segmentationCorpus gathers texts to compare the segmenter with gse's own
// Segment: edge cases, catalog names, generated posts and, when the shared
// data is present, real posts.
func segmentationCorpus(t *testing.T) []string {
	t.Helper()
	texts := []string{
		"", " ", "\n", "a", "会", "Ａ", "　", "\xff", "\xe4\xbd", "会计学专业本科及以上学历",
		"熟悉ＪＡＶＡ、Java和java", "ＰＹＴＨＯＮ１２３", "The Java of the team",
		"ＩＴ运维工程师（Linux、ＭｙＳＱＬ）　8k-12k·13薪", "\xff\xfe无效字节\x80中间",
		"ÄRZTE Straße ΟΔΟΣ Москва İstanbul", "ｶﾀｶﾅ ﾊﾟｿｺﾝ ガ", "🎈9k销售代表/不限经验/立即上岗",
		"C++、C#、.NET开发，Ｃ＋＋优先", "3000-5000元/月", "１．５万/月", "15-30K·14薪",
		"计算机科学与技术、软件工程等相关专业", "工作地点：头屯河区", "三支一扶计划招募",
		"abc123DEF中文456ghi", "ⅡⅢ级 ①② ㈠", "\t多\r\n行\n文本  ",
	}
	texts = append(texts, benchFragments...)
	for _, o := range catalog.Occupations() {
		texts = append(texts, o.Name)
	}
	for _, m := range catalog.Majors() {
		texts = append(texts, m.Name+"专业")
	}
	var buf bytes.Buffer
	o := synth.Options{Seed: 7, Posts: 300, Internships: 20, DuplicateShare: 0.05}
	if err := synth.WritePosts(&buf, o); err != nil {
		t.Fatal(err)
	}
	texts = append(texts, csvTexts(t, &buf)...)
	if path, ok := sharedtest.Optional(t, "data/jobs-real/zhaopin-data-analyst-2019.csv"); ok {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		real := csvTexts(t, f)
		texts = append(texts, real[:min(len(real), 3000)]...)
	}
	return texts
}

func csvTexts(t testing.TB, r io.Reader) []string {
	t.Helper()
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	var out []string
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("corpus CSV: %v", err)
		}
		for _, f := range rec {
			if len(f) > 1 {
				out = append(out, f)
			}
		}
	}
	return out
}

// TestSegmentsMatchGse holds the segmenter's own shortest-path pass to
// gse.Segment (through the reference implementation in reference_test.go):
// the same words at the same offsets, the same analyzer tokens with and
// without sub-words, and the same tokens from the registered bleve
// analyzer.
func TestSegmentsMatchGse(t *testing.T) {
	s := segmenter(t)
	if !s.FastPath() {
		t.Fatal("the side table failed its check at load: the segmenter fell back to gse.Segment")
	}
	before := s.Fallbacks()
	cache := registry.NewCache()
	an, err := cache.AnalyzerNamed(AnalyzerName)
	if err != nil {
		t.Fatal(err)
	}
	ref := refAnalyzer(t, cache, s)
	texts := segmentationCorpus(t)
	for _, text := range texts {
		checkSameAsGse(t, s, text)
		// Through bleve: the tokenizer's terms alias the input or are
		// copied, the width filter skips most tokens; the output must be
		// the first analyzer chain's.
		want := streamTokens(ref.Analyze([]byte(text)))
		if got := streamTokens(an.Analyze([]byte(text))); !slices.Equal(got, want) {
			t.Errorf("analyzer(%q) = %v, reference %v", text, got, want)
		}
		// The same after TermsBeforeIndexing has left the tokens in the memo.
		s.TermsBeforeIndexing(text)
		if got := streamTokens(an.Analyze([]byte(text))); !slices.Equal(got, want) {
			t.Errorf("analyzer(%q) from the memo = %v, reference %v", text, got, want)
		}
		if _, ok := s.memo.peek(text); ok {
			t.Errorf("the tokenizer left %q in the memo", text)
		}
		// And again: a short text now comes from the tokenizer's cache.
		if got := streamTokens(an.Analyze([]byte(text))); !slices.Equal(got, want) {
			t.Errorf("analyzer(%q) a third time = %v, reference %v", text, got, want)
		}
	}
	if len(texts) < 1000 {
		t.Errorf("corpus has only %d texts", len(texts))
	}
	if n := s.Fallbacks() - before; n != 0 {
		t.Errorf("%d texts fell back to gse.Segment", n)
	}
}

// The fallback is gse.Segment itself: a segmenter whose side table is not
// trusted gives the same words, counts every text and logs the first.
func TestSegmenterFallbackCountedAndLogged(t *testing.T) {
	s, err := NewSegmenter(dictZh, DomainWords())
	if err != nil {
		t.Fatal(err)
	}
	var logged strings.Builder
	s.SetLogger(slog.New(slog.NewTextHandler(&logged, nil)))
	s.fast = false
	texts := []string{"计算机科学与技术专业本科及以上学历", "ＪＡＶＡ开发 8k-12k", "会计"}
	for _, text := range texts {
		checkSameAsGse(t, s, text)
	}
	// checkSameAsGse cuts each text three times (Cut and tokens twice).
	if got := s.Fallbacks(); got != uint64(3*len(texts)) {
		t.Errorf("Fallbacks = %d, want %d", got, 3*len(texts))
	}
	if n := strings.Count(logged.String(), "gse.Segment"); n != 1 {
		t.Errorf("fallback logged %d times, want once: %s", n, logged.String())
	}
	// A token that is not one of the dictionary's is not in the side table.
	if _, ok := s.infoOf(&gse.Token{}); ok {
		t.Error("infoOf found a token outside the dictionary")
	}
}

func checkSameAsGse(t *testing.T, s *Segmenter, text string) {
	t.Helper()
	if got, want := s.Cut(text), s.refCut(text); !slices.Equal(got, want) {
		t.Fatalf("Cut(%q) = %q, gse gives %q", text, got, want)
	}
	for _, sub := range []bool{true, false} {
		if got, want := s.tokens(text, sub), s.refTokens(text, sub); !slices.Equal(got, want) {
			t.Fatalf("tokens(%q, %v) = %v, gse gives %v", text, sub, got, want)
		}
	}
}

func FuzzSegmentsMatchGse(f *testing.F) {
	for _, s := range []string{"会计学专业本科及以上学历", "ＪＡＶＡ开发 8k-12k", "\xff", "ΟΔΟΣ Äb", "ｶﾞ　Ｃ＋＋"} {
		f.Add(s)
	}
	s := segmenter(f)
	f.Fuzz(func(t *testing.T, text string) { checkSameAsGse(t, s, text) })
}

// refAnalyzer is the first zh_gse chain: the gse.Segment tokenizer, then
// bleve's to_lower, cjk_width and the stop words.
func refAnalyzer(t *testing.T, cache *registry.Cache, s *Segmenter) analysis.Analyzer {
	t.Helper()
	var filters []analysis.TokenFilter
	for _, name := range []string{lowercase.Name, cjk.WidthName} {
		f, err := cache.TokenFilterNamed(name)
		if err != nil {
			t.Fatal(err)
		}
		filters = append(filters, f)
	}
	stops, err := cache.TokenMapNamed(StopTokenMapName)
	if err != nil {
		t.Fatal(err)
	}
	filters = append(filters, stop.NewStopTokensFilter(stops))
	return &analysis.DefaultAnalyzer{Tokenizer: refTokenizer{s}, TokenFilters: filters}
}

type refTokenizer struct{ s *Segmenter }

func (r refTokenizer) Tokenize(input []byte) analysis.TokenStream {
	var out analysis.TokenStream
	for _, tk := range r.s.refTokens(string(input), true) {
		out = append(out, &analysis.Token{Term: []byte(tk.Term), Start: tk.Start, End: tk.End, Position: tk.Position})
	}
	return out
}

func streamTokens(ts analysis.TokenStream) []Token {
	var out []Token
	for _, tk := range ts {
		out = append(out, Token{Term: string(tk.Term), Start: tk.Start, End: tk.End, Position: tk.Position})
	}
	return out
}

// TestCaselessAndIdeographRanges checks the shortcuts of hasUpper and
// hasLetterBytes against the Unicode tables of this Go release.
func TestCaselessAndIdeographRanges(t *testing.T) {
	for r := rune(0x3000); r <= 0x9FFF; r++ {
		if unicode.IsUpper(r) {
			t.Errorf("%U is upper case: caselessLead is wrong", r)
		}
		if r >= 0x5000 && !unicode.IsLetter(r) {
			t.Errorf("%U is not a letter: ideographLead is wrong", r)
		}
	}
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if !utf8.ValidRune(r) {
			continue
		}
		// A term the tokenizer leaves aliasing its input may still hold
		// such a rune (Ⅱ, ǅ), which bleve's to_lower filter then rewrites
		// in place: that is harmless to the overlapping sub-word terms
		// only if the rewrite keeps the width.
		if l := unicode.ToLower(r); l != r && !unicode.IsUpper(r) && utf8.RuneLen(l) != utf8.RuneLen(r) {
			t.Errorf("%U lower-cases to %U of another width", r, l)
		}
		b := utf8.AppendRune(nil, r)
		if caselessLead(b[0]) != (r >= 0x3000 && r <= 0x9FFF) || ideographLead(b[0]) != (r >= 0x5000 && r <= 0x9FFF) {
			t.Fatalf("lead byte %#x of %U misclassified", b[0], r)
		}
	}
}
