package api

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestDocumentsHoldNoIdentity (fifth audit): the district documents that
// landed — a graduate's handout (JSON for the print view, PDF), the
// district's handouts (JSON, PDF) and plans.xlsx — hold nothing of the
// national ID for any role that can fetch them: not the ID, its
// birth-date digits, the birth date in any of the forms a page writes
// dates in, the ID's last four characters, nor the phone. What a
// counselor can narrow an ID with stays GET /v1/graduates/{id}'s masked
// view, bounded by TestCounselorCannotRebuildIDs.
func TestDocumentsHoldNoIdentity(t *testing.T) {
	needFont(t)
	f, g, _ := handoutFixture(t)
	if g.NationalID == "" || g.BirthDate.IsZero() || g.Phone == "" {
		t.Fatalf("the fixture's graduate lacks an ID, a birth date or a phone: %+v", g)
	}
	d := g.BirthDate
	forbidden := []string{g.NationalID, g.NationalID[6:14], g.NationalID[len(g.NationalID)-4:], g.Phone,
		d.Format("2006-01-02"), d.Format("2006/01/02"), d.Format("2006.01.02"), fmt.Sprintf("%d年%d月%d日", d.Year(), d.Month(), d.Day())}
	text := func(path string, body []byte) string {
		switch {
		case strings.Contains(path, ".pdf"):
			pages, _ := pdfPages(t, body)
			return strings.Join(pages, "\n")
		case strings.Contains(path, ".xlsx"):
			x, err := excelize.OpenReader(bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			rows, err := x.GetRows("一人一策")
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			for _, r := range rows {
				b.WriteString(strings.Join(r, "\t") + "\n")
			}
			return b.String()
		}
		return string(body)
	}
	checked := 0
	for _, key := range []string{"counselor", "admin"} {
		for _, path := range []string{"/v1/graduates/" + g.ID + "/handout", "/v1/graduates/" + g.ID + "/handout.pdf",
			"/v1/caseload/handouts?district=天山区", "/v1/caseload/handouts.pdf?district=天山区", "/v1/caseload/plans.xlsx?district=天山区"} {
			r := f.do("GET", path, key, nil)
			if r.status != 200 {
				t.Fatalf("%s as %s: %d %.200s", path, key, r.status, r.body)
			}
			s := text(path, r.body)
			// PDF text comes without the spaces a page set between words.
			flat := strings.Join(strings.Fields(s), "")
			if !strings.Contains(flat, strings.Join(strings.Fields(g.Name), "")) {
				t.Fatalf("%s as %s does not name %s: the search would prove nothing", path, key, g.ID)
			}
			for _, x := range forbidden {
				if strings.Contains(flat, x) {
					t.Errorf("%s as %s holds %q (of the graduate's national ID, birth date or phone)", path, key, x)
				}
			}
			checked++
		}
	}
	t.Logf("%d documents searched for %d forms of the ID, the birth date and the phone", checked, len(forbidden))
}
