package catalog

import "testing"

// BenchmarkHolder: a graduate's held names resolved once, then asked of
// the terms a course ranking asks (lexicon names, aliases, names it lacks).
func BenchmarkHolder(b *testing.B) {
	var needs []string
	for i, s := range Skills() {
		if i%9 == 0 {
			needs = append(needs, s.Name)
		}
	}
	needs = append(needs, "无人机驾驶", "ＣＥＴ－４", " cet-6 ")
	have := []string{"英语六级", "B2驾驶证", "小学教师资格证", "无人机驾驶"}
	b.ReportAllocs()
	for b.Loop() {
		h := NewHolder(have)
		for _, n := range needs {
			h.Satisfies(n)
		}
		SatisfiedBy(have, needs[len(needs)/2])
	}
}
