package engine

import (
	"reflect"
	"testing"
	"unicode/utf8"
)

// sortedTermCounts is sortedCounts(termCounts(…)) to the bit: the same
// terms in the same order with the same weighted sums, never nil.
func TestSortedTermCountsIsTermCounts(t *testing.T) {
	an := BigramAnalyzer{}
	check := func(texts []string, reps []int) {
		t.Helper()
		got, want := sortedTermCounts(an, texts, reps), sortedCounts(termCounts(an, texts, reps))
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: %v, want %v", texts, got, want)
		}
	}
	for _, p := range genPosts(5, 2000) {
		check(postTexts(&p))
	}
	check([]string{"会计 会计 JAVA java", "会计的和", "", "财务会计，。！ ", "Ｃ＋＋ c++"}, []int{2, 1, 1, 1, 3})
	check([]string{"", "。"}, []int{1, 1})
}

// TestStopTermsHan holds usefulTerm's shortcut: every stop term is one
// Han character of three bytes, so a term of another length is no stop
// term without a lookup.
func TestStopTermsHan(t *testing.T) {
	for term := range stopTerms {
		if len(term) != 3 || utf8.RuneCountInString(term) != 1 {
			t.Errorf("stop term %q is not one three-byte character: usefulTerm would keep it", term)
		}
	}
}
