package extract

import (
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/urumqi-hrss/jobmatch/index"
	"github.com/urumqi-hrss/jobmatch/ingest/synth"
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

// processCPU is the process's user and system CPU time.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkExtractGenerated reads requirements from 5,000 generated posts
// with the terms found on word starts (index.Segmenter.ScanWordStarts) and
// in the whole cut (the segmenter's Cut only), in one process for a ratio.
func BenchmarkExtractGenerated(b *testing.B) {
	s, err := index.DefaultSegmenter()
	if err != nil {
		b.Fatal(err)
	}
	recs, col := generatedPosts(b, synth.Options{Seed: 2023, Posts: 5000, Internships: 200})
	for _, v := range []struct {
		name string
		x    *Extractor
	}{{"cut", New(cutOnly{s})}, {"wordstarts", New(s)}} {
		b.Run(v.name, func(b *testing.B) {
			c0 := processCPU()
			for b.Loop() {
				for _, r := range recs[1:] {
					v.x.Extract(r[col["title"]], r[col["description"]])
				}
			}
			// CPU time, not wall: the machine is shared.
			b.ReportMetric(float64(processCPU()-c0)/float64(b.N), "cpu-ns/op")
		})
	}
}
