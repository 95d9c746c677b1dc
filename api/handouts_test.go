package api

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/urumqi-hrss/jobmatch/api/render"
	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/casework"
)

// needFont skips (or, under CI's JOBMATCH_REQUIRE_BROWSER, fails) when the
// machine has no CJK font for PDFs.
func needFont(t *testing.T) {
	t.Helper()
	if _, err := render.FindFont(""); err != nil {
		if os.Getenv("JOBMATCH_REQUIRE_BROWSER") != "" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
}

// pdfPages returns the text of each page of a PDF (poppler's pdftotext,
// spaces removed) and the page count pdfinfo reads.
func pdfPages(t *testing.T, b []byte) ([]string, int) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "h.pdf")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		// poppler-utils reads the PDF back; .ci/run installs it.
		if os.Getenv("JOBMATCH_REQUIRE_BROWSER") != "" {
			t.Fatalf("pdftotext: %v (install Debian's poppler-utils)", err)
		}
		t.Skipf("pdftotext: %v (install Debian's poppler-utils)", err)
	}
	txt, err := exec.Command("pdftotext", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v (is poppler-utils installed?)", err)
	}
	info, err := exec.Command("pdfinfo", path).Output()
	if err != nil {
		t.Fatalf("pdfinfo: %v", err)
	}
	m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`).FindSubmatch(info)
	if m == nil {
		t.Fatalf("pdfinfo: no page count in %s", info)
	}
	n, _ := strconv.Atoi(string(m[1]))
	pages := strings.Split(string(txt), "\f")
	for i := range pages {
		pages[i] = strings.Join(strings.Fields(pages[i]), "")
	}
	return pages, n
}

// handoutFixture: the fixture with a hardship graduate of 天山区 whose plan
// holds a counselor's post whose title is a spreadsheet formula.
func handoutFixture(t *testing.T) (*fixture, matcher.Graduate, string) {
	f := newFixture(t)
	g, _ := f.graduateIn("天山区")
	if !g.IsHardship() {
		t.Fatal("the fixture's 天山区 graduate should be a hardship case")
	}
	// A copy of a post the plan proposes: the rules admit it.
	sl := decodeShortlist(t, f.do("GET", "/v1/graduates/"+g.ID+"/shortlist", "counselor", nil))
	if len(sl.Posts) == 0 {
		t.Fatal("no post proposed")
	}
	var p matcher.Post
	for _, x := range f.posts {
		if x.ID == sl.Posts[0].ID {
			p = x
		}
	}
	p.ExternalID, p.ID, p.Title = "FORMULA1", "", "=HYPERLINK(\"http://evil\",\"会计\")"
	if _, err := f.st.UpsertPosts(context.Background(), []matcher.Post{p}); err != nil {
		t.Fatal(err)
	}
	id := p.Source + ":FORMULA1"
	if r := f.do("POST", "/v1/graduates/"+g.ID+"/shortlist", "counselor", map[string]any{"action": "add", "post_id": id, "note": "内部备注：电话13800000000"}); r.status != 200 {
		t.Fatalf("add: %d %s", r.status, r.body)
	}
	return f, g, p.Title
}

func TestHandoutJSONAndPDF(t *testing.T) {
	needFont(t)
	f, g, formula := handoutFixture(t)
	r := f.do("GET", "/v1/graduates/"+g.ID+"/handout", "counselor", nil)
	if r.status != 200 {
		t.Fatalf("handout: %d %s", r.status, r.body)
	}
	var h casework.Handout
	if err := json.Unmarshal(r.body, &h); err != nil {
		t.Fatal(err)
	}
	sl := decodeShortlist(t, f.do("GET", "/v1/graduates/"+g.ID+"/shortlist", "counselor", nil))
	open := 0
	for _, it := range sl.Posts {
		if it.Open && it.Ineligible == "" {
			open++
		}
	}
	if len(h.Posts) == 0 || len(h.Posts) != open || h.Graduate.Name != g.Name || h.Counselor.Name != "counselor of 天山区" || h.Header.Bureau == "" {
		t.Fatalf("handout: %d posts (plan has %d open), graduate %q, counselor %q", len(h.Posts), open, h.Graduate.Name, h.Counselor.Name)
	}
	if bytes.Contains(r.body, []byte("13800000000")) || bytes.Contains(r.body, []byte(g.NationalID)) || bytes.Contains(r.body, []byte("内部备注")) {
		t.Error("the handout carries a counselor's note or the graduate's identity number")
	}

	r = f.do("GET", "/v1/graduates/"+g.ID+"/handout.pdf", "counselor", nil)
	if r.status != 200 || r.header.Get("Content-Type") != "application/pdf" || !strings.Contains(r.header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("handout.pdf: %d %v %.200s", r.status, r.header, r.body)
	}
	pages, n := pdfPages(t, r.body)
	if n != 1 {
		t.Errorf("one graduate's handout has %d pages", n)
	}
	for _, p := range h.Posts {
		if !strings.Contains(pages[0], strings.Join(strings.Fields(p.Title), "")) {
			t.Errorf("PDF lacks post %q", p.Title)
		}
		if p.Deadline != nil && !strings.Contains(pages[0], "报名截止："+p.Deadline.Format("2006-01-02")) {
			t.Errorf("PDF lacks the deadline of %q", p.Title)
		}
	}
	if !strings.Contains(pages[0], g.Name) || !strings.Contains(pages[0], strings.Join(strings.Fields(formula), "")) {
		t.Errorf("PDF lacks the graduate's name or the added post")
	}

	// Scope: another district's counselor and portals are refused.
	if r := f.do("GET", "/v1/graduates/"+g.ID+"/handout.pdf", "counselor2", nil); r.status != 404 {
		t.Errorf("another district's counselor: %d", r.status)
	}
	if r := f.do("GET", "/v1/graduates/"+g.ID+"/handout", "portalA", nil); r.status != 403 {
		t.Errorf("portal: %d", r.status)
	}
	log, err := f.st.AuditLog(context.Background(), g.ID, 100)
	if err != nil {
		t.Fatal(err)
	}
	reads := 0
	for _, e := range log {
		if e.Action == "handout.read" {
			reads++
		}
	}
	if reads != 2 {
		t.Errorf("%d handout.read audit entries, want 2", reads)
	}
}

func TestCaseloadHandoutsAndPlansXLSX(t *testing.T) {
	needFont(t)
	f, g, formula := handoutFixture(t)
	// Three more of 天山区's graduates in g's hardship category, one of
	// them placed (not on the 一人一策 caseload).
	more := 0
	f.setGraduates(func(x *matcher.Graduate) bool {
		if x.ID == g.ID || x.HukouDistrict != "天山区" && x.ResidenceDistrict != "天山区" || more == 3 {
			return false
		}
		more++
		x.Hardship, x.Status = g.Hardship, matcher.StatusSeeking
		if more == 3 {
			x.Status = matcher.StatusPlaced
		}
		return true
	})
	r := f.do("GET", "/v1/caseload/handouts", "counselor", nil)
	if r.status != 200 {
		t.Fatalf("handouts: %d %s", r.status, r.body)
	}
	var list struct {
		Total    int                 `json:"total"`
		Handouts []*casework.Handout `json:"handouts"`
	}
	if err := json.Unmarshal(r.body, &list); err != nil {
		t.Fatal(err)
	}
	// The expected set, from the ledger: 天山区's hardship graduates still
	// looking.
	want := map[string]bool{}
	for _, x := range f.grads {
		if (x.HukouDistrict == "天山区" || x.ResidenceDistrict == "天山区") && x.IsHardship() && x.Looking() {
			want[x.ID] = true
		}
	}
	if list.Total != len(want) || len(want) < 3 || !want[g.ID] {
		t.Fatalf("%d handouts, want %d (%v)", list.Total, len(want), want)
	}
	for _, h := range list.Handouts {
		if !want[h.Graduate.ID] {
			t.Errorf("handout of %s, not in 天山区's 一人一策 caseload", h.Graduate.ID)
		}
	}

	r = f.do("GET", "/v1/caseload/handouts.pdf", "counselor", nil)
	if r.status != 200 {
		t.Fatalf("handouts.pdf: %d %.300s", r.status, r.body)
	}
	pages, n := pdfPages(t, r.body)
	if n != len(list.Handouts) {
		t.Errorf("%d pages for %d graduates", n, len(list.Handouts))
	}
	for i, h := range list.Handouts {
		if i < len(pages) && !strings.Contains(pages[i], h.Graduate.Name) {
			t.Errorf("page %d is not %s's", i+1, h.Graduate.ID)
		}
	}

	r = f.do("GET", "/v1/caseload/plans.xlsx", "counselor", nil)
	if r.status != 200 || !strings.Contains(r.header.Get("Content-Type"), "spreadsheetml") {
		t.Fatalf("plans.xlsx: %d %.300s", r.status, r.body)
	}
	x, err := excelize.OpenReader(bytes.NewReader(r.body))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := x.GetRows("一人一策")
	if err != nil {
		t.Fatal(err)
	}
	items, found := 0, false
	for _, h := range list.Handouts {
		items += max(1, len(h.Posts)+len(h.Internships)+len(h.Courses)+len(h.Subsidies))
	}
	for _, row := range rows[1:] {
		if len(row) > 7 && row[0] == g.ID && row[7] == "'"+formula {
			found = true
		}
		if len(row) > 7 && row[7] == formula {
			t.Errorf("unescaped formula cell %q", row[7])
		}
	}
	if len(rows)-1 != items || !found {
		t.Errorf("%d rows for %d plan items; escaped formula row found: %v", len(rows)-1, items, found)
	}
	if r := f.do("GET", "/v1/caseload/plans.xlsx?district=米东区", "counselor", nil); r.status != 403 {
		t.Errorf("a counselor asking for another district's plans: %d", r.status)
	}
	if r := f.do("GET", "/v1/caseload/handouts?limit=0", "counselor", nil); r.status != 400 {
		t.Errorf("limit=0: %d", r.status)
	}
}

// TestOneDistrictDocumentAtATime: while a district document is being
// built (its slot held, as a running one holds it), another — JSON, PDF
// or XLSX — is a 503 with Retry-After and a Chinese message, and a
// graduate's own handout is still served; once the slot is free the
// documents are served again.
func TestOneDistrictDocumentAtATime(t *testing.T) {
	f := newFixture(t)
	f.srv.docSlot <- struct{}{}
	for _, p := range []string{"/v1/caseload/handouts", "/v1/caseload/handouts.pdf", "/v1/caseload/plans.xlsx"} {
		r := f.do("GET", p, "counselor", nil)
		if r.status != 503 || r.header.Get("Retry-After") == "" || !strings.Contains(string(r.body), "区级清单") {
			t.Errorf("%s while another is built: %d Retry-After %q %.200s", p, r.status, r.header.Get("Retry-After"), r.body)
		}
	}
	g, _ := f.graduateIn("天山区")
	if r := f.do("GET", "/v1/graduates/"+g.ID+"/handout", "counselor", nil); r.status != 200 {
		t.Errorf("a graduate's handout while a district document is built: %d", r.status)
	}
	<-f.srv.docSlot
	for _, p := range []string{"/v1/caseload/handouts", "/v1/caseload/plans.xlsx"} {
		if r := f.do("GET", p, "counselor", nil); r.status != 200 {
			t.Errorf("%s once the slot is free: %d %.200s", p, r.status, r.body)
		}
	}
	if len(f.srv.docSlot) != 0 {
		t.Error("a finished document kept the slot")
	}
}

// TestHandoutNamesSignedInCounselor: a counselor signed in with a password
// is named on the handout by their account — full name, district and
// office phone — in the JSON the print view reads, in the PDF and in the
// district's PDF; a key names only itself and sends the graduate to the
// district's office.
func TestHandoutNamesSignedInCounselor(t *testing.T) {
	needFont(t)
	f, g, _ := handoutFixture(t)
	makeUser(t, f, UserSpec{Name: "zhao", FullName: "赵敏", Role: matcher.RoleCounselor, District: "天山区", Contact: "0991-5551234", Password: "correct horse battery"})
	b := newBrowserish(t, f)
	if r := b.signIn("zhao", "correct horse battery"); r.status != 200 {
		t.Fatalf("sign-in: %d %s", r.status, r.body)
	}
	r := b.do("GET", "/v1/graduates/"+g.ID+"/handout", nil)
	if r.status != 200 {
		t.Fatalf("handout: %d %s", r.status, r.body)
	}
	var h casework.Handout
	if err := json.Unmarshal(r.body, &h); err != nil {
		t.Fatal(err)
	}
	if want := (casework.Counselor{Name: "赵敏", District: "天山区", Contact: "0991-5551234"}); h.Counselor != want {
		t.Errorf("signed in: handout counselor %+v, want %+v", h.Counselor, want)
	}
	for _, path := range []string{"/v1/graduates/" + g.ID + "/handout.pdf", "/v1/caseload/handouts.pdf?limit=5"} {
		r = b.do("GET", path, nil)
		if r.status != 200 {
			t.Fatalf("%s: %d %s", path, r.status, r.body)
		}
		pages, _ := pdfPages(t, r.body)
		if !strings.Contains(pages[0], "赵敏") || !strings.Contains(pages[0], "0991-5551234") {
			t.Errorf("%s: the first page does not name 赵敏 and her phone: %.300s", path, pages[0])
		}
	}
	// A key: its own name, no phone; the handout points to the office.
	r = f.do("GET", "/v1/graduates/"+g.ID+"/handout", "counselor", nil)
	h = casework.Handout{}
	if err := json.Unmarshal(r.body, &h); err != nil {
		t.Fatal(err)
	}
	if h.Counselor.Name != "counselor of 天山区" || h.Counselor.Contact != "" || h.Counselor.District != "天山区" {
		t.Errorf("by key: handout counselor %+v", h.Counselor)
	}
}
