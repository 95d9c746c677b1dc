package catalog

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestInsertLength: whatever the order of insertion, the lengths come out
// distinct and longest first.
func TestInsertLength(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		var ls []int
		want := map[int]bool{}
		for range rng.IntN(30) {
			n := 1 + rng.IntN(20)
			ls = InsertLength(ls, n)
			want[n] = true
		}
		if len(ls) != len(want) {
			t.Fatalf("%v: %d lengths, want %d distinct", ls, len(ls), len(want))
		}
		for _, l := range ls {
			if !want[l] {
				t.Fatalf("%v holds %d, never inserted", ls, l)
			}
		}
		if !slices.IsSortedFunc(ls, func(a, b int) int { return b - a }) {
			t.Fatalf("%v is not longest first", ls)
		}
	}
}
