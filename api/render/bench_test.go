package render

import (
	"bytes"
	"testing"

	"github.com/urumqi-hrss/jobmatch/matcher/casework"
)

// BenchmarkHandoutPDF renders one handout at the plan's limits (8 posts,
// 2 internships, 4 courses, 4 subsidies) to a PDF, font subset included:
//
//	go test -run XXX -bench HandoutPDF -benchtime 20x ./api/render/
func BenchmarkHandoutPDF(b *testing.B) {
	f := testFont(b)
	hs := []*casework.Handout{longHandout("张三", 1)}
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := HandoutsPDF(&buf, f, hs); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "bytes")
}

// BenchmarkDistrictPDF renders 100 such handouts into one PDF, as the
// district's document does (one a page):
//
//	go test -run XXX -bench DistrictPDF -benchtime 5x ./api/render/
func BenchmarkDistrictPDF(b *testing.B) {
	f := testFont(b)
	hs := make([]*casework.Handout, 100)
	for i := range hs {
		hs[i] = longHandout("张三", i+1)
	}
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := HandoutsPDF(&buf, f, hs); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "bytes")
}
