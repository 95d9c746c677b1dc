package api

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// TestOverdueZeroDaysIsSent: a graduate overdue by less than a whole day is
// 超期 0 天. The field used to be dropped by omitempty and the workspace
// showed "超期 undefined 天".
func TestOverdueZeroDaysIsSent(t *testing.T) {
	f := newFixture(t)
	sla := f.srv.casework.Policy().ContactSLADays
	var id string
	f.setGraduates(func(g *matcher.Graduate) bool {
		if id != "" || g.HukouDistrict != "天山区" {
			return false
		}
		id = g.ID
		g.Status, g.ContactedAt = matcher.StatusSeeking, time.Time{}
		g.RegisteredAt = testNow.Add(-time.Duration(sla)*24*time.Hour - time.Hour)
		return true
	})
	if id == "" {
		t.Fatal("no fixture graduate in 天山区")
	}
	r := f.do("GET", "/v1/graduates?limit=100&overdue=yes", "counselor", nil)
	if r.status != 200 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	var body struct {
		Items []map[string]any `json:"items"`
	}
	if err := json.Unmarshal(r.body, &body); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, it := range body.Items {
		days, ok := it["overdue_days"]
		if !ok {
			t.Errorf("%v: no overdue_days in %v", it["id"], it)
		}
		if it["id"] == id {
			found = true
			if it["contact_overdue"] != true || days != float64(0) {
				t.Errorf("overdue by an hour: contact_overdue %v, overdue_days %v", it["contact_overdue"], days)
			}
		}
	}
	if !found {
		t.Fatalf("the graduate overdue by an hour is not in the overdue caseload: %s", r.body)
	}
}

// TestRootLeadsToWorkspace: the README sends people to the server's
// address; / answers with a redirect to the workspace, not a 404.
func TestRootLeadsToWorkspace(t *testing.T) {
	f := newFixture(t)
	client := *f.ts.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	res, err := client.Get(f.ts.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusFound || res.Header.Get("Location") != WorkspacePath {
		t.Errorf("GET /: %d, Location %q", res.StatusCode, res.Header.Get("Location"))
	}
	// Followed, it is the workspace page.
	res, err = f.ts.Client().Get(f.ts.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		t.Errorf("GET / followed: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if r := f.do("POST", "/", "", nil); r.status == http.StatusFound {
		t.Error("POST / is redirected")
	}
}

// TestClientClosedIs499: a client that goes away before the answer is
// logged as 499 client_closed at info level, not as an ERROR 500.
func TestClientClosedIs499(t *testing.T) {
	f := newFixture(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req := httptest.NewRequest("GET", "/v1/graduates?limit=50", nil).WithContext(ctx)
	req.Header.Set("Authorization", "Bearer "+f.keys["counselor"])
	rec := httptest.NewRecorder()
	f.srv.Handler().ServeHTTP(rec, req)
	logs := f.logs.String()
	var line string
	for _, l := range strings.Split(logs, "\n") {
		if strings.Contains(l, "route=/v1/graduates ") && strings.Contains(l, "msg=request") {
			line = l
		}
	}
	if line == "" {
		t.Fatalf("no access log line for the request:\n%s", logs)
	}
	if !strings.Contains(line, "status=499") || !strings.Contains(line, "code=client_closed") || !strings.Contains(line, "level=INFO") {
		t.Errorf("access log %q, want status=499 code=client_closed at INFO", line)
	}
	if strings.Contains(logs, "level=ERROR") {
		t.Errorf("a client going away is logged as an error:\n%s", logs)
	}
}

// TestCaseworkOnTheDataClock: with the data's date pinned (the demo's
// 2023-06-15) and the wall clock real, a contact and a registration made
// now are dated on the data's day, so the workspace never shows a contact
// years after the registration it answers.
func TestCaseworkOnTheDataClock(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.Clock = time.Now })
	g, _ := f.graduateIn("天山区")
	r := f.do("POST", "/v1/graduates/"+g.ID+"/contacts", "counselor", map[string]any{"method": "phone", "outcome": "reached"})
	if r.status != 201 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	var c struct {
		Items       []matcher.ContactEntry `json:"items"`
		ContactedAt *time.Time             `json:"contacted_at"`
	}
	if err := json.Unmarshal(r.body, &c); err != nil {
		t.Fatal(err)
	}
	day := testNow.Format(time.DateOnly)
	if len(c.Items) != 1 || c.Items[0].At.UTC().Format(time.DateOnly) != day {
		t.Fatalf("contact log %+v, want it dated %s", c.Items, day)
	}
	if c.ContactedAt == nil || c.ContactedAt.UTC().Format(time.DateOnly) != day {
		t.Errorf("contacted_at %v, want %s", c.ContactedAt, day)
	}
	// A graduate the counselor registers now is registered on the data's day.
	in, _ := f.graduateIn("天山区")
	in.ID, in.RegisteredAt, in.Status, in.ContactedAt = "", time.Time{}, matcher.StatusSeeking, time.Time{}
	in.NationalID = "650102200101017777"
	in.NationalID = in.NationalID[:17] + string(matcher.NationalIDCheckDigit(in.NationalID[:17]))
	in.UpdatedAt = time.Time{}
	r = f.do("POST", "/v1/graduates", "counselor", in)
	if r.status != 201 {
		t.Fatalf("register: %d %s", r.status, r.body)
	}
	var out struct {
		Graduate struct {
			RegisteredAt *time.Time `json:"registered_at"`
		} `json:"graduate"`
	}
	if err := json.Unmarshal(r.body, &out); err != nil {
		t.Fatal(err)
	}
	if out.Graduate.RegisteredAt == nil || out.Graduate.RegisteredAt.UTC().Format(time.DateOnly) != day {
		t.Errorf("registered_at %v, want %s: %s", out.Graduate.RegisteredAt, day, r.body)
	}
}
