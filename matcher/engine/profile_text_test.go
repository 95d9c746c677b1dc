package engine

import (
	"reflect"
	"testing"
)

// textCounts gives what counting the profile's texts afresh gives, the
// weighted sums included, whether its texts were cached or not.
func TestTextCountsIsTermCounts(t *testing.T) {
	var c textCounts
	an := BigramAnalyzer{}
	for _, g := range genGraduates(7, 3000) {
		texts, reps := profileTexts(&g)
		want := sortedCounts(termCounts(an, texts, reps))
		if got := c.counts(an, texts, reps); !reflect.DeepEqual(got, want) && len(got)+len(want) > 0 {
			t.Fatalf("graduate %s: %v, want %v", g.ID, got, want)
		}
	}
	// A term in two texts of different weights, and a repeated one.
	texts, reps := []string{"会计 会计", "会计", "", "财务会计"}, []int{2, 1, 1, 1}
	if got, want := c.counts(an, texts, reps), sortedCounts(termCounts(an, texts, reps)); !reflect.DeepEqual(got, want) {
		t.Fatalf("%v, want %v", got, want)
	}
	if len(c.m.cur) == 0 {
		t.Fatal("nothing cached")
	}
}
