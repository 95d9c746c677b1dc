package extract

import (
	"strings"
	"testing"

	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

// BenchmarkExtract reads requirements from 500 real descriptions; run it
// beside BenchmarkFindSkillsBaseline (the substring scan the converter used
// before) in one process and compare the two: the ratio is what converting
// a post now costs more.
func BenchmarkExtract(b *testing.B) {
	posts := readRealPosts(b)[:500]
	x := extractor(b)
	b.ResetTimer()
	for b.Loop() {
		for _, p := range posts {
			x.Extract(p.title, p.desc)
		}
	}
	b.ReportMetric(float64(b.N*len(posts))/b.Elapsed().Seconds(), "posts/s")
}

func BenchmarkFindSkillsBaseline(b *testing.B) {
	posts := readRealPosts(b)[:500]
	b.ResetTimer()
	for b.Loop() {
		for _, p := range posts {
			catalog.FindSkills(p.title + "\n" + p.desc)
		}
	}
	b.ReportMetric(float64(b.N*len(posts))/b.Elapsed().Seconds(), "posts/s")
}

// BenchmarkClauseEnd tests every rune of 500 real descriptions against the
// clause ends, as clauses does: "switch" is isClauseEnd, "ContainsRune" the
// strings.ContainsRune scan it replaced, in the same process for a ratio.
func BenchmarkClauseEnd(b *testing.B) {
	posts := readRealPosts(b)[:500]
	for _, v := range []struct {
		name string
		end  func(rune) bool
	}{
		{"ContainsRune", func(r rune) bool { return strings.ContainsRune(clauseEnds, r) }},
		{"switch", isClauseEnd},
	} {
		b.Run(v.name, func(b *testing.B) {
			n := 0
			for b.Loop() {
				for _, p := range posts {
					for _, r := range p.desc {
						if v.end(r) {
							n++
						}
					}
				}
			}
			if n == 0 {
				b.Fatal("no clause ends in 500 descriptions")
			}
		})
	}
}
