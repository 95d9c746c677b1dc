package engine

import (
	"reflect"
	"testing"
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
