package render

import (
	"bytes"
	"syscall"
	"testing"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher/casework"
)

// BenchmarkHandoutPDF renders one handout at the plan's limits (8 posts,
// 2 internships, 4 courses, 4 subsidies) to a PDF, font subset included:
//
//	go test -run XXX -bench HandoutPDF -benchtime 20x ./api/render/
func BenchmarkHandoutPDF(b *testing.B) {
	benchPDF(b, testFont(b), []*casework.Handout{longHandout("张三", 1)})
}

// BenchmarkDistrictPDF renders 100 such handouts into one PDF, as the
// district's document does (one a page):
//
//	go test -run XXX -bench DistrictPDF -benchtime 5x ./api/render/
func BenchmarkDistrictPDF(b *testing.B) {
	hs := make([]*casework.Handout, 100)
	for i := range hs {
		hs[i] = longHandout("张三", i+1)
	}
	benchPDF(b, testFont(b), hs)
}

// benchPDF renders hs as one PDF per iteration and reports the bytes and
// the process's CPU per document (user + system: the machine is shared,
// so wall time says more about the neighbours than about the code).
func benchPDF(b *testing.B, f *Font, hs []*casework.Handout) {
	var buf bytes.Buffer
	cpu0 := processCPU()
	for b.Loop() {
		buf.Reset()
		if err := HandoutsPDF(&buf, f, hs); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "bytes")
	b.ReportMetric(float64(processCPU()-cpu0)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
}

// processCPU is this process's CPU time so far.
func processCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
