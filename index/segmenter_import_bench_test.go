package index

import (
	"bytes"
	"encoding/csv"
	"testing"

	"github.com/urumqi-hrss/jobmatch/ingest/synth"
)

// BenchmarkCutImport cuts the generated posts as `jobmatch ingest posts`
// does, from a fresh segmenter (its caches empty, as at an import's
// start): each post's title and description joined (as the extraction
// cuts title and requirements), then the description and the title with
// sub-words (the index's analysis). One op is the whole set; cpu-ns/op is
// the process's CPU time in the cutting alone (the machine is shared).
func BenchmarkCutImport(b *testing.B) {
	var buf bytes.Buffer
	if err := synth.WritePosts(&buf, synth.Options{Seed: 2023, Posts: 10000, Internships: 500}); err != nil {
		b.Fatal(err)
	}
	cr := csv.NewReader(&buf)
	rows, err := cr.ReadAll()
	if err != nil {
		b.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	var cpu int64
	for b.Loop() {
		s, err := NewSegmenter(dictZh, DomainWords())
		if err != nil {
			b.Fatal(err)
		}
		c0 := cpuTime()
		for _, r := range rows[1:] {
			title, desc := r[col["title"]], r[col["description"]]
			s.Cut(title + "\n" + desc)
			s.tokens(desc, true)
			s.tokens(title, true)
		}
		cpu += int64(cpuTime() - c0)
	}
	b.ReportMetric(float64(cpu)/float64(b.N), "cpu-ns/op")
}
