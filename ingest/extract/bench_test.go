package extract

import (
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
