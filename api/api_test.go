package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/mux"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

func TestOpenAPIMatchesRouter(t *testing.T) {
	f := newFixture(t)
	// What the router serves, read from the router itself.
	var served []string
	err := f.srv.router.Walk(func(r *mux.Route, _ *mux.Router, _ []*mux.Route) error {
		tpl, err := r.GetPathTemplate()
		if err != nil {
			return err
		}
		ms, err := r.GetMethods()
		if err != nil {
			return fmt.Errorf("route %s has no methods: %w", tpl, err)
		}
		for _, m := range ms {
			served = append(served, m+" "+tpl)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(served)
	// What the document served at /v1/openapi.json promises.
	res := f.do("GET", "/v1/openapi.json", "", nil)
	if res.status != 200 {
		t.Fatalf("openapi.json: %d", res.status)
	}
	doc := res.json(t)
	if doc["openapi"] != "3.0.3" {
		t.Errorf("openapi = %v", doc["openapi"])
	}
	documented := openAPIPaths(doc)
	if !slices.Equal(served, documented) {
		t.Errorf("router and OpenAPI document differ:\nrouter:   %v\ndocument: %v", served, documented)
	}
	// Every $ref resolves.
	b, _ := json.Marshal(doc)
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	for _, part := range strings.Split(string(b), `"$ref":"#/components/schemas/`)[1:] {
		name := part[:strings.IndexByte(part, '"')]
		if _, ok := schemas[name]; !ok {
			t.Errorf("dangling $ref to %s", name)
		}
	}
	// The endpoints are all there.
	for _, want := range []string{
		"GET /v1/posts/search", "GET /v1/posts/{id}", "PUT /v1/posts/{id}", "POST /v1/posts:batchUpsert",
		"GET /v1/graduates/{id}", "PUT /v1/graduates/{id}", "DELETE /v1/graduates/{id}",
		"GET /v1/graduates/{id}/recommendations", "POST /v1/recommendations", "GET /v1/posts/{id}/candidates",
		"POST /v1/feedback", "GET /healthz", "GET /readyz", "GET /metrics",
	} {
		if !slices.Contains(documented, want) {
			t.Errorf("missing endpoint %s", want)
		}
	}
}

func TestAuthentication(t *testing.T) {
	f := newFixture(t)
	g, _ := f.graduateIn("天山区")
	gpath := "/v1/graduates/" + g.ID
	tests := []struct {
		name, method, path, auth string
		body                     any
		want                     int
	}{
		{"no key", "GET", "/v1/posts/search?q=会计", "", nil, 401},
		{"unknown key", "GET", "/v1/posts/search?q=会计", "jm_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", nil, 401},
		{"not a jobmatch key", "GET", "/v1/posts/search?q=会计", "hunter2", nil, 401},
		{"expired key", "GET", "/v1/posts/search", "expired", nil, 401},
		{"revoked key", "GET", "/v1/posts/search", "revoked", nil, 401},
		{"portal searches", "GET", "/v1/posts/search?q=会计", "portalA", nil, 200},
		{"portal may not read graduates", "GET", gpath, "portalA", nil, 403},
		{"portal may not ask for candidates", "GET", "/v1/posts/portal-a:P000001/candidates", "portalA", nil, 403},
		{"counselor may not write posts", "PUT", "/v1/posts/portal-a:P000001", "counselor", map[string]any{"title": "x"}, 403},
		{"counselor reads own district", "GET", gpath, "counselor", nil, 200},
		{"admin reads anyone", "GET", gpath, "admin", nil, 200},
		{"health needs no key", "GET", "/healthz", "", nil, 200},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := f.do(tc.method, tc.path, tc.auth, tc.body)
			if res.status != tc.want {
				t.Fatalf("status %d, want %d: %s", res.status, tc.want, res.body)
			}
			if tc.want == 401 && !strings.HasPrefix(res.header.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("401 without WWW-Authenticate: Bearer")
			}
		})
	}
	// Other schemes are refused.
	req, _ := http.NewRequest("GET", f.ts.URL+"/v1/posts/search", nil)
	req.Header.Set("Authorization", "Basic "+f.keys["admin"])
	if res := f.send(req); res.status != 401 {
		t.Errorf("Basic auth: %d, want 401", res.status)
	}
}

func TestScoping(t *testing.T) {
	f := newFixture(t)
	in, out := f.graduateIn("天山区")
	// A graduate of another district answers exactly like one that does not
	// exist, so a counselor cannot probe who is registered elsewhere.
	other := f.do("GET", "/v1/graduates/"+out.ID, "counselor", nil)
	missing := f.do("GET", "/v1/graduates/G9999999", "counselor", nil)
	if other.status != 404 || missing.status != 404 {
		t.Fatalf("other district %d, missing %d; want 404, 404", other.status, missing.status)
	}
	if o, m := other.json(t), missing.json(t); o["code"] != m["code"] || o["message_en"] == nil {
		t.Errorf("other-district and missing answers differ in code: %v vs %v", o, m)
	}
	for _, p := range []string{"/recommendations", ""} {
		if res := f.do("GET", "/v1/graduates/"+out.ID+p, "counselor", nil); res.status != 404 {
			t.Errorf("GET %s of another district: %d", p, res.status)
		}
	}
	if res := f.do("DELETE", "/v1/graduates/"+out.ID, "counselor", nil); res.status != 404 {
		t.Errorf("DELETE another district's graduate: %d", res.status)
	}
	if _, err := f.st.Graduate(context.Background(), out.ID); err != nil {
		t.Errorf("the other district's graduate was deleted: %v", err)
	}
	// Overwriting another district's graduate is also a 404, and changes nothing.
	body := out
	body.Name = "改名"
	if res := f.do("PUT", "/v1/graduates/"+out.ID, "counselor", body); res.status != 404 {
		t.Errorf("PUT another district's graduate: %d %s", res.status, res.body)
	}
	// Moving one's own graduate to another district is refused.
	moved := in
	moved.HukouDistrict, moved.ResidenceDistrict = "米东区", "米东区"
	if res := f.do("PUT", "/v1/graduates/"+in.ID, "counselor", moved); res.status != 403 {
		t.Errorf("PUT moving a graduate out of the district: %d %s", res.status, res.body)
	}
	if res := f.do("GET", "/v1/graduates/"+in.ID, "counselor", nil); res.status != 200 {
		t.Errorf("own district: %d", res.status)
	}
	// A counselor's candidates are their district's graduates only.
	res := f.do("GET", "/v1/posts/"+f.posts[0].ID+"/candidates?limit=100", "counselor", nil)
	if res.status != 200 {
		t.Fatalf("candidates: %d %s", res.status, res.body)
	}
	var cands struct{ Candidates []matcher.Candidate }
	json.Unmarshal(res.body, &cands)
	for _, c := range cands.Candidates {
		g := f.grads[c.GraduateID]
		if g.HukouDistrict != "天山区" && g.ResidenceDistrict != "天山区" {
			t.Errorf("candidate %s from %s/%s shown to a 天山区 counselor", g.ID, g.HukouDistrict, g.ResidenceDistrict)
		}
	}
	// Portals write only their own source's posts.
	post := map[string]any{"title": "出纳", "employer": "新疆某公司", "channel": "sme", "salary": "4000-6000元/月", "headcount": 2}
	if res := f.do("PUT", "/v1/posts/portal-b:NEW1", "portalA", post); res.status != 404 {
		t.Errorf("portal A writing portal B's post: %d %s", res.status, res.body)
	}
	if res := f.do("PUT", "/v1/posts/portal-b:P000041", "portalA", post); res.status != 404 {
		t.Errorf("portal A overwriting portal B's existing post: %d %s", res.status, res.body)
	}
	batch := map[string]any{"posts": []any{
		map[string]any{"external_id": "OK1", "title": "出纳", "employer": "甲", "channel": "sme"},
		map[string]any{"source": "portal-b", "external_id": "X", "title": "出纳", "employer": "乙", "channel": "sme"},
	}}
	if res := f.do("POST", "/v1/posts:batchUpsert", "portalA", batch); res.status != 404 {
		t.Errorf("batch with another portal's post: %d %s", res.status, res.body)
	}
	if _, err := f.st.Post(context.Background(), "portal-a:OK1"); matcher.ErrorCode(err) != matcher.ENOTFOUND {
		t.Errorf("a refused batch was partly written: %v", err)
	}
	if res := f.do("PUT", "/v1/posts/portal-a:NEW1", "portalA", post); res.status != 201 {
		t.Errorf("portal A writing its own post: %d %s", res.status, res.body)
	}
	if res := f.do("PUT", "/v1/posts/portal-b:NEW2", "admin", post); res.status != 201 {
		t.Errorf("admin writing any source: %d %s", res.status, res.body)
	}
}

func TestMaskingByRole(t *testing.T) {
	f := newFixture(t)
	g, _ := f.graduateIn("天山区")
	if g.NationalID == "" || g.Phone == "" || !g.IsHardship() {
		t.Fatalf("fixture graduate lacks personal data: %+v", g)
	}
	tests := []struct {
		key               string
		wantID, wantPhone string
		wantHardship      bool
	}{
		{"admin", g.NationalID, g.Phone, true},
		{"counselor", viewNationalID(g.NationalID), matcher.MaskPhone(g.Phone), true},
	}
	for _, tc := range tests {
		t.Run(tc.key, func(t *testing.T) {
			res := f.do("GET", "/v1/graduates/"+g.ID, tc.key, nil)
			if res.status != 200 {
				t.Fatalf("%d %s", res.status, res.body)
			}
			var got matcher.Graduate
			if err := json.Unmarshal(res.body, &got); err != nil {
				t.Fatal(err)
			}
			if got.NationalID != tc.wantID || got.Phone != tc.wantPhone {
				t.Errorf("national_id %q phone %q, want %q %q", got.NationalID, got.Phone, tc.wantID, tc.wantPhone)
			}
			if (len(got.Hardship) > 0) != tc.wantHardship {
				t.Errorf("hardship %v, want shown=%v", got.Hardship, tc.wantHardship)
			}
		})
	}
	if m := viewNationalID(g.NationalID); !strings.Contains(m, "**********") || m[:6] != g.NationalID[:6] || m[16:] != g.NationalID[16:] {
		t.Errorf("mask %q does not look like 650102**********34", m)
	}
	// Portals see no graduate at all, so no hardship through any route.
	if res := f.do("GET", "/v1/graduates/"+g.ID, "portalA", nil); res.status != 403 {
		t.Errorf("portal read a graduate: %d", res.status)
	}
	// Masking is per response: the store still holds the real values.
	stored, _ := f.st.Graduate(context.Background(), g.ID)
	if stored.NationalID != g.NationalID {
		t.Errorf("stored national ID changed")
	}
	// maskGraduate for a portal (not reachable over HTTP today) drops hardship.
	if pm := maskGraduate(g, matcher.RolePortal); pm.Hardship != nil || pm.NationalID == g.NationalID || pm.Phone == g.Phone {
		t.Errorf("portal view leaks: %+v", pm)
	}
}

func TestMaskedRoundTripKeepsStoredValues(t *testing.T) {
	f := newFixture(t)
	g, _ := f.graduateIn("天山区")
	res := f.do("GET", "/v1/graduates/"+g.ID, "counselor", nil)
	var got matcher.Graduate
	json.Unmarshal(res.body, &got)
	got.Skills = append(got.Skills, "Python")
	got.UpdatedAt = time.Time{}
	res = f.do("PUT", "/v1/graduates/"+g.ID, "counselor", got)
	if res.status != 200 {
		t.Fatalf("PUT back: %d %s", res.status, res.body)
	}
	stored, err := f.st.Graduate(context.Background(), g.ID)
	if err != nil {
		t.Fatal(err)
	}
	if stored.NationalID != g.NationalID || stored.Phone != g.Phone {
		t.Errorf("a masked read-modify-write changed personal data: %q %q", stored.NationalID, stored.Phone)
	}
	if !slices.Contains(stored.Skills, "Python") {
		t.Errorf("edit lost: %v", stored.Skills)
	}
	// A masked value that does not match is refused, not stored.
	got.NationalID = "110101********0000"
	if res := f.do("PUT", "/v1/graduates/"+g.ID, "counselor", got); res.status != 400 || res.json(t)["field"] != "national_id" {
		t.Errorf("mismatched mask: %d %s", res.status, res.body)
	}
}

func TestAuditLog(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	g, _ := f.graduateIn("天山区")
	steps := []struct {
		method, path, key, action string
	}{
		{"GET", "/v1/graduates/" + g.ID, "counselor", "graduate.read"},
		{"GET", "/v1/graduates/" + g.ID + "/recommendations", "admin", "graduate.recommendations"},
		{"DELETE", "/v1/graduates/" + g.ID, "counselor", "graduate.delete"},
	}
	for i, s := range steps {
		if res := f.do(s.method, s.path, s.key, nil); res.status >= 300 {
			t.Fatalf("%s %s: %d %s", s.method, s.path, res.status, res.body)
		}
		log, err := f.st.AuditLog(ctx, g.ID, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(log) != i+1 {
			t.Fatalf("after %s: %d audit entries, want %d", s.action, len(log), i+1)
		}
		e := log[0] // newest first
		if e.Action != s.action || e.KeyID != f.keyID[s.key] || e.GraduateID != g.ID || e.Role != fixtureKeys[s.key].Role {
			t.Errorf("entry %+v, want action %s by %s", e, s.action, f.keyID[s.key])
		}
	}
	// The graduate is gone; the audit trail (ids only) stays.
	if res := f.do("GET", "/v1/graduates/"+g.ID, "admin", nil); res.status != 404 {
		t.Errorf("deleted graduate still served: %d", res.status)
	}
	// A 404 is not a read and is not audited.
	if log, _ := f.st.AuditLog(ctx, g.ID, 10); len(log) != 3 {
		t.Errorf("%d entries after reading a deleted graduate, want 3", len(log))
	}
	// Candidates are reads of each candidate.
	res := f.do("GET", "/v1/posts/"+f.posts[1].ID+"/candidates?limit=3", "admin", nil)
	var cands struct{ Candidates []matcher.Candidate }
	json.Unmarshal(res.body, &cands)
	for _, c := range cands.Candidates {
		log, _ := f.st.AuditLog(ctx, c.GraduateID, 10)
		if len(log) == 0 || log[0].Action != "post.candidates" {
			t.Errorf("candidate %s not audited: %v", c.GraduateID, log)
		}
	}
}

func TestRateLimit(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.RateLimit, c.RateBurst = 0.5, 3 })
	for i := 0; i < 3; i++ {
		if res := f.do("GET", "/v1/posts/search?q=会计", "portalA", nil); res.status != 200 {
			t.Fatalf("request %d within the burst: %d", i, res.status)
		}
	}
	res := f.do("GET", "/v1/posts/search?q=会计", "portalA", nil)
	if res.status != 429 {
		t.Fatalf("over the limit: %d, want 429", res.status)
	}
	ra, err := strconv.Atoi(res.header.Get("Retry-After"))
	if err != nil || ra < 1 || ra > 2 {
		t.Errorf("Retry-After %q, want 1–2 seconds at 0.5 req/s", res.header.Get("Retry-After"))
	}
	if res.json(t)["code"] != matcher.ETOOMANY {
		t.Errorf("problem code %v", res.json(t)["code"])
	}
	// The limit is per key: another key is unaffected.
	if res := f.do("GET", "/v1/posts/search?q=会计", "portalB", nil); res.status != 200 {
		t.Errorf("another key: %d", res.status)
	}
}

func TestProblemShape(t *testing.T) {
	f := newFixture(t)
	res := f.do("GET", "/v1/posts/search?limit=abc", "portalA", nil)
	if res.status != 400 {
		t.Fatalf("status %d", res.status)
	}
	if ct := res.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		t.Errorf("Content-Type %q", ct)
	}
	p := res.json(t)
	for _, k := range []string{"type", "title", "status", "detail", "code", "message", "message_en", "field", "request_id"} {
		if p[k] == nil || p[k] == "" {
			t.Errorf("problem lacks %q: %s", k, res.body)
		}
	}
	if p["status"].(float64) != 400 || p["field"] != "limit" || p["code"] != matcher.EINVALID {
		t.Errorf("problem %v", p)
	}
	if !strings.ContainsFunc(p["message"].(string), func(r rune) bool { return r >= 0x4e00 && r <= 0x9fff }) {
		t.Errorf("message is not Chinese: %q", p["message"])
	}
	if p["request_id"] != res.header.Get("X-Request-ID") {
		t.Errorf("request_id %v differs from X-Request-ID %q", p["request_id"], res.header.Get("X-Request-ID"))
	}
}

func TestPanicIsA500WithoutStack(t *testing.T) {
	f := newFixture(t)
	rt := &route{Path: "/boom", Handler: func(*Server, http.ResponseWriter, *http.Request) error { panic("secret detail 650102200301010001") }}
	f.srv.router.Handle("/boom", f.srv.wrap(rt))
	res := f.do("GET", "/boom", "", nil)
	if res.status != 500 {
		t.Fatalf("status %d", res.status)
	}
	body := string(res.body)
	if strings.Contains(body, "secret") || strings.Contains(body, "goroutine") || strings.Contains(body, ".go:") {
		t.Errorf("500 leaks internals: %s", body)
	}
	if res.json(t)["code"] != matcher.EINTERNAL {
		t.Errorf("code %v", res.json(t)["code"])
	}
	// The server keeps serving.
	if res := f.do("GET", "/healthz", "", nil); res.status != 200 {
		t.Errorf("after a panic: %d", res.status)
	}
}

func TestStatusMappingIsTotal(t *testing.T) {
	codes := map[string]int{
		matcher.EINVALID: 400, matcher.EUNAUTHORIZED: 401, matcher.EFORBIDDEN: 403, matcher.ENOTFOUND: 404,
		matcher.ECONFLICT: 409, matcher.ETOOMANY: 429, matcher.EUNAVAILABLE: 503, matcher.EINTERNAL: 500, matcher.EGONE: 410,
		eTooLarge: 413, eMethodNotAllowed: 405, eUnsupportedMedia: 415, "something_new": 500,
	}
	for code, want := range codes {
		if got := statusOf(code); got != want {
			t.Errorf("statusOf(%q) = %d, want %d", code, got, want)
		}
	}
	// A plain error's text never reaches the client.
	p := problemFor(fmt.Errorf("pq: relation users at /srv/db: %w", context.DeadlineExceeded))
	if p.Status != 500 || strings.Contains(p.Detail, "/srv") || strings.Contains(p.Message, "relation") {
		t.Errorf("internal error leaked: %+v", p)
	}
}

// TestRateLimitRunsOnTheWallClock: with the business clock pinned (the demo
// matches as of its data's date), the rate limit must refill with the wall
// clock (Config.Clock), or a key once limited would stay limited for ever.
// The wall clock is the test's own, moved by hand: the business clock
// (Config.Now) stays at testNow throughout.
func TestRateLimitRunsOnTheWallClock(t *testing.T) {
	var wall atomic.Int64
	wall.Store(testNow.UnixNano())
	clock := func() time.Time { return time.Unix(0, wall.Load()) }
	f := newFixture(t, func(c *Config) { c.RateLimit, c.RateBurst, c.Clock = 10, 2, clock })
	for i := 0; i < 2; i++ {
		if res := f.do("GET", "/v1/posts/search?q=会计", "portalA", nil); res.status != 200 {
			t.Fatalf("request %d within the burst: %d", i, res.status)
		}
	}
	if res := f.do("GET", "/v1/posts/search?q=会计", "portalA", nil); res.status != 429 {
		t.Fatalf("over the limit: %d, want 429", res.status)
	}
	wall.Add(int64(50 * time.Millisecond)) // 10 req/s refills a token every 100 ms
	if res := f.do("GET", "/v1/posts/search?q=会计", "portalA", nil); res.status != 429 {
		t.Fatalf("50 ms later, half a token: %d, want 429", res.status)
	}
	wall.Add(int64(60 * time.Millisecond))
	if res := f.do("GET", "/v1/posts/search?q=会计", "portalA", nil); res.status != 200 {
		t.Fatalf("after the bucket refilled on the wall clock: %d, want 200", res.status)
	}
}
