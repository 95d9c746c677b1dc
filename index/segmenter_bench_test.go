package index

import (
	"bytes"
	"testing"

	"github.com/urumqi-hrss/jobmatch/ingest/synth"
)

// BenchmarkCutGenerated cuts the titles and descriptions of 2,000
// generated posts as an import does: tokens with sub-words for the index,
// and the plain cut of title and description for the requirement
// extraction. One op is the whole set; cpu-ns/op is the process's CPU
// time (the machine is shared).
func BenchmarkCutGenerated(b *testing.B) {
	s := segmenter(b)
	var buf bytes.Buffer
	if err := synth.WritePosts(&buf, synth.Options{Seed: 11, Posts: 2000, Internships: 100}); err != nil {
		b.Fatal(err)
	}
	texts := csvTexts(b, &buf)
	c0 := cpuTime()
	for b.Loop() {
		for _, t := range texts {
			s.tokens(t, true)
			s.Cut(t)
		}
	}
	b.ReportMetric(float64(cpuTime()-c0)/float64(b.N), "cpu-ns/op")
}
