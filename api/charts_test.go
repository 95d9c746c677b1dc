package api

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/urumqi-hrss/jobmatch/matcher/casework"
)

// svgTexts parses an SVG document (failing on malformed XML) and returns
// its <text> contents.
func svgTexts(t *testing.T, b []byte) []string {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(string(b)))
	var texts []string
	inText, root := false, ""
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed XML: %v\n%s", err, b)
		}
		switch x := tok.(type) {
		case xml.StartElement:
			if root == "" {
				root = x.Name.Local
			}
			if x.Name.Local == "script" || x.Name.Local == "foreignObject" || x.Name.Local == "image" {
				t.Errorf("SVG holds a <%s>", x.Name.Local)
			}
			for _, a := range x.Attr {
				if a.Name.Local == "style" || strings.HasPrefix(a.Name.Local, "on") || a.Name.Local == "href" {
					t.Errorf("SVG attribute %s=%q", a.Name.Local, a.Value)
				}
			}
			inText = x.Name.Local == "text"
		case xml.CharData:
			if inText {
				texts = append(texts, string(x))
			}
		case xml.EndElement:
			inText = false
		}
	}
	if root != "svg" {
		t.Fatalf("root element %q", root)
	}
	return texts
}

// TestChartsAgreeWithTheDashboard: each chart is well-formed SVG without
// script or styles, and says the dashboard's own figures.
func TestChartsAgreeWithTheDashboard(t *testing.T) {
	f := newFixture(t)
	varyCaseload(f)
	var d casework.Dashboard
	if err := json.Unmarshal(f.do("GET", "/v1/caseload/summary", "counselor", nil).body, &d); err != nil {
		t.Fatal(err)
	}
	get := func(key, name, q string) string {
		t.Helper()
		r := f.do("GET", "/v1/caseload/charts/"+name+".svg"+q, key, nil)
		if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "image/svg+xml") {
			t.Fatalf("%s: %d %s", name, r.status, r.body)
		}
		return strings.Join(svgTexts(t, r.body), "\n")
	}

	ms := get("counselor", "milestones", "")
	if !strings.Contains(ms, fmt.Sprintf("%.1f%%", d.Registration.Rate*100)) || !strings.Contains(ms, fmt.Sprintf("%d/%d", d.Placement.Numerator, d.Placement.Denominator)) {
		t.Errorf("milestones chart does not say the dashboard's rates (%v, %v):\n%s", d.Registration, d.Placement, ms)
	}
	if n := strings.Count(ms, "目标"); n < len(d.Milestones) {
		t.Errorf("milestones chart shows %d targets for %d milestones", n, len(d.Milestones))
	}

	// Districts: a counselor sees their own district's figures, the
	// dashboard's; an admin every district, each its dashboard's.
	ds := get("counselor", "districts", "")
	if !strings.Contains(ds, fmt.Sprintf("（%d/%d）", d.Registration.Numerator, d.Registration.Denominator)) || strings.Contains(ds, "米东区") {
		t.Errorf("a counselor's districts chart:\n%s", ds)
	}
	all := get("admin", "districts", "")
	for _, district := range []string{"天山区", "米东区"} {
		var dd casework.Dashboard
		if err := json.Unmarshal(f.do("GET", "/v1/caseload/summary?district="+district, "admin", nil).body, &dd); err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprintf("%s 落实率", district)
		i := strings.Index(all, want)
		if i < 0 || !strings.Contains(all[i:], fmt.Sprintf("（%d/%d）", dd.Placement.Numerator, dd.Placement.Denominator)) {
			t.Errorf("admin districts chart lacks %s's placement %d/%d:\n%s", district, dd.Placement.Numerator, dd.Placement.Denominator, all)
		}
	}

	// Contacts: the overdue column is the dashboard's count.
	cs := get("counselor", "contacts", "")
	lines := strings.Split(cs, "\n")
	overdue := -1
	for i, l := range lines {
		if l == "已超期" && i > 0 {
			overdue, _ = strconv.Atoi(lines[i-1])
		}
	}
	// Every graduate still waiting for a first contact is in one column.
	waiting, sum := 0, 0
	for _, g := range f.grads {
		if (g.HukouDistrict == "天山区" || g.ResidenceDistrict == "天山区") && g.Looking() && !g.RegisteredAt.IsZero() && g.ContactedAt.IsZero() {
			waiting++
		}
	}
	for i, l := range lines {
		if n, err := strconv.Atoi(l); err == nil && i+1 < len(lines) && (lines[i+1] == "已超期" || lines[i+1] == "以后" || regexp.MustCompile(`^\d\d-\d\d$`).MatchString(lines[i+1])) {
			sum += n
		}
	}
	if sum != waiting || waiting == 0 {
		t.Errorf("contacts chart counts %d, %d graduates wait for a first contact", sum, waiting)
	}
	if overdue != d.ContactOverdue {
		t.Errorf("contacts chart: %d overdue, the dashboard %d:\n%s", overdue, d.ContactOverdue, cs)
	}

	// Plans: complete and incomplete add up to the 一人一策 graduates.
	ps := get("counselor", "plans", "")
	m := regexp.MustCompile(`一人一策方案：(\d+) 人`).FindStringSubmatch(ps)
	if m == nil || m[1] != strconv.Itoa(d.PlanGraduates) {
		t.Errorf("plans chart %q, dashboard plan graduates %d", m, d.PlanGraduates)
	}
	if r := f.do("GET", "/v1/caseload/charts/plans.svg?district=米东区", "counselor", nil); r.status != 403 {
		t.Errorf("a counselor's chart of another district: %d", r.status)
	}
	if r := f.do("GET", "/v1/caseload/charts/plans.svg", "portalA", nil); r.status != 403 {
		t.Errorf("a portal's chart: %d", r.status)
	}
}
