package api

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// TestPlansXLSXNoFormulaFromAnyField (fifth audit): the plans sheet
// carries text that others wrote — a portal's post (title, employer,
// address, district as given, experience) and the counselor's own full
// name, printed in every row. Each of them written as a formula
// (= + - @, a tab) comes out escaped with a leading apostrophe: no cell
// of the sheet starts with a formula character, and the sheet holds no
// formula element.
func TestPlansXLSXNoFormulaFromAnyField(t *testing.T) {
	f, g, _ := handoutFixture(t)
	const counselorName = `=HYPERLINK("http://evil","点此")`
	makeUser(t, f, UserSpec{Name: "xlsx.wang", FullName: counselorName, Contact: "+86 991 5550000", Role: matcher.RoleCounselor,
		District: "天山区", Password: "correct horse battery"})
	sl := decodeShortlist(t, f.do("GET", "/v1/graduates/"+g.ID+"/shortlist", "counselor", nil))
	if len(sl.Posts) == 0 {
		t.Fatal("no post on the plan")
	}
	stored, err := f.st.Post(context.Background(), sl.Posts[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	p := *stored
	hostile := map[string]string{
		"title":    "-2+3+cmd|' /C calc'!A0",
		"employer": "+SUM(1,1)",
		"address":  "@SUM(A1:A9)",
	}
	p.ExternalID, p.ID = "FORMULA2", ""
	p.Title, p.Employer, p.Address = hostile["title"], hostile["employer"], hostile["address"]
	p.Experience = "\t=1+1"
	if _, err := f.st.UpsertPosts(context.Background(), []matcher.Post{p}); err != nil {
		t.Fatal(err)
	}
	b := newBrowserish(t, f)
	if r := b.signIn("xlsx.wang", "correct horse battery"); r.status != 200 {
		t.Fatalf("sign-in: %d %s", r.status, r.body)
	}
	if r := b.do("POST", "/v1/graduates/"+g.ID+"/shortlist", map[string]any{"action": "add", "post_id": p.Source + ":FORMULA2"}); r.status != 200 {
		t.Fatalf("add: %d %s", r.status, r.body)
	}
	r := b.do("GET", "/v1/caseload/plans.xlsx", nil)
	var x *excelize.File
	if r.status != 200 {
		t.Fatalf("plans.xlsx: %d %.300s", r.status, r.body)
	}
	x, err = excelize.OpenReader(bytes.NewReader(r.body))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := x.GetRows("一人一策")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for i, row := range rows {
		for j, c := range row {
			if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
				t.Errorf("row %d column %d starts with a formula character: %q", i+1, j+1, c)
			}
			for what, v := range hostile {
				if c == "'"+v {
					seen[what] = true
				}
			}
			if c == "'"+counselorName {
				seen["counselor"] = true
			}
		}
	}
	if len(seen) != len(hostile)+1 {
		t.Errorf("escaped cells found for %v, want the title, the employer, the address and the counselor: the hostile post is not on the sheet?", seen)
	}
	// No cell is a formula either (excelize writes strings; a formula is
	// an <f> element of the sheet's XML).
	zr, err := zip.NewReader(bytes.NewReader(r.body), int64(len(r.body)))
	if err != nil {
		t.Fatal(err)
	}
	for _, zf := range zr.File {
		if !strings.HasPrefix(zf.Name, "xl/worksheets/") {
			continue
		}
		rc, _ := zf.Open()
		xml, _ := io.ReadAll(rc)
		rc.Close()
		if bytes.Contains(xml, []byte("<f>")) || bytes.Contains(xml, []byte("<f ")) {
			t.Errorf("%s holds a formula element", zf.Name)
		}
	}
}
