package store

import (
	"reflect"
	"testing"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store/seal"
)

// TestSealRecommendationsEncoded: a list marked Encoded (the batch's) and
// the same list unmarked seal to boxes that open to the same items, in the
// default box and the plan's; the mark changes nothing a reader gets back.
func TestSealRecommendationsEncoded(t *testing.T) {
	keys, err := seal.New([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	items := storedList(t)
	items[len(items)-1].Plan = true
	var opened [2][]matcher.StoredRecommendation
	var sizes [2]int
	for i, encoded := range []bool{false, true} {
		gr := matcher.GraduateRecommendations{GraduateID: "g1", Items: items, Encoded: encoded}
		sl, err := SealRecommendations(keys, "r1", &gr)
		if err != nil {
			t.Fatal(err)
		}
		def, plan, err := OpenList(keys, "r1", "g1", sl.Box)
		if err != nil || !plan {
			t.Fatalf("encoded %v: %v, plan %v", encoded, err, plan)
		}
		rest, err := OpenPlan(keys, "r1", "g1", sl.Plan)
		if err != nil {
			t.Fatal(err)
		}
		opened[i] = append(def, rest...)
		sizes[i] = len(sl.Box) + len(sl.Plan)
	}
	if len(opened[0]) != len(items) || !reflect.DeepEqual(opened[0], opened[1]) || sizes[0] != sizes[1] {
		t.Fatalf("checked %d items (%d bytes sealed), unchecked %d (%d bytes): not the same", len(opened[0]), sizes[0], len(opened[1]), sizes[1])
	}
}

// BenchmarkSealRecommendations: a real 一人一策 list sealed as the batch
// seals it (encoded: its items' JSON copied as it is) and as any other
// writer's list (checked), alternated in one process.
func BenchmarkSealRecommendations(b *testing.B) {
	keys, err := seal.New([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		b.Fatal(err)
	}
	items := storedList(b)
	n := 0
	for _, it := range items {
		n += len(it.Item)
	}
	for _, encoded := range []bool{false, true} {
		name := "checked"
		if encoded {
			name = "encoded"
		}
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(n))
			b.ReportAllocs()
			gr := matcher.GraduateRecommendations{GraduateID: "g1", Items: items, Encoded: encoded}
			for b.Loop() {
				if _, err := SealRecommendations(keys, "r1", &gr); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
