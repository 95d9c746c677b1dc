package api

import (
	"context"
	"net/http"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// TestSecurityHeadersOnEveryResponse: success, errors, the workspace, the
// router's own 404 and 405, and the metrics listener all carry them; HSTS
// only over TLS (here: a trusted proxy saying so).
func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	proxy := netip.MustParsePrefix("127.0.0.1/32")
	f := newFixture(t, func(c *Config) { c.TrustedProxies = []netip.Prefix{proxy} })
	cases := []struct{ method, path, key string }{
		{"GET", "/healthz", ""}, {"GET", "/v1/posts/search?q=会计", "portalA"}, {"GET", "/v1/posts/nope:1", "portalA"},
		{"GET", "/v1/posts/search", ""}, {"GET", "/v1/graduates/G1", "portalA"}, {"GET", "/workspace/", ""},
		{"GET", "/nowhere", ""}, {"PATCH", "/healthz", ""}, {"GET", "/v1/openapi.json", ""},
	}
	for _, tc := range cases {
		res := f.do(tc.method, tc.path, tc.key, nil)
		for h, want := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer"} {
			if got := res.header.Get(h); got != want {
				t.Errorf("%s %s (%d): %s %q, want %q", tc.method, tc.path, res.status, h, got, want)
			}
		}
		if res.header.Get("Content-Security-Policy") == "" || res.header.Get("Strict-Transport-Security") != "" {
			t.Errorf("%s %s: CSP %q, HSTS %q over plain HTTP", tc.method, tc.path, res.header.Get("Content-Security-Policy"), res.header.Get("Strict-Transport-Security"))
		}
	}
	req, _ := http.NewRequest("GET", f.ts.URL+"/healthz", nil)
	req.Header.Set("X-Forwarded-Proto", "https")
	if res := f.send(req); !strings.Contains(res.header.Get("Strict-Transport-Security"), "max-age=") {
		t.Errorf("no HSTS behind a TLS-terminating trusted proxy: %v", res.header)
	}
}

// TestFailedAuthThrottledPerAddress: wrong keys from one address meet a
// 429 with Retry-After after the burst, before any key is looked up —
// a right key from that address too, until the bucket refills — while
// other addresses are served. X-Forwarded-For counts only from a trusted
// proxy.
func TestFailedAuthThrottledPerAddress(t *testing.T) {
	now := testNow
	clock := func() time.Time { return now }
	proxy := netip.MustParsePrefix("127.0.0.1/32")
	f := newFixture(t, func(c *Config) {
		c.Clock, c.AuthFailRate, c.AuthFailBurst, c.TrustedProxies = clock, 1, 5, []netip.Prefix{proxy}
	})
	from := func(addr, key string) resp {
		req, _ := http.NewRequest("GET", f.ts.URL+"/v1/posts/search", nil)
		req.Header.Set("X-Forwarded-For", addr)
		if secret, ok := f.keys[key]; ok {
			key = secret
		}
		req.Header.Set("Authorization", "Bearer "+key)
		return f.send(req)
	}
	for i := 0; i < 5; i++ {
		if res := from("198.51.100.7", "jm_wrong"); res.status != 401 {
			t.Fatalf("attempt %d: %d", i, res.status)
		}
	}
	res := from("198.51.100.7", "jm_wrong")
	if res.status != 429 || res.header.Get("Retry-After") != "1" || res.json(t)["code"] != matcher.ETOOMANY {
		t.Fatalf("after the burst: %d %q %s", res.status, res.header.Get("Retry-After"), res.body)
	}
	if res := from("198.51.100.7", "portalA"); res.status != 429 {
		t.Errorf("a right key from the throttled address: %d", res.status)
	}
	if res := from("198.51.100.8", "portalA"); res.status != 200 {
		t.Errorf("another address: %d", res.status)
	}
	now = now.Add(1100 * time.Millisecond)
	if res := from("198.51.100.7", "portalA"); res.status != 200 {
		t.Errorf("after the bucket refilled: %d", res.status)
	}
	// Every refusal is in the audit log with its address.
	log, err := f.st.AuditLog(context.Background(), "", 100)
	if err != nil {
		t.Fatal(err)
	}
	refused := 0
	for _, e := range log {
		if e.Action == "auth.refused" && e.Client == "198.51.100.7" {
			refused++
		}
	}
	if refused != 5 {
		t.Errorf("%d refused authentications audited with the address, want 5", refused)
	}
	if !strings.Contains(f.logs.String(), "client=198.51.100.8") {
		t.Error("the access log has no client address")
	}

	// Without a trusted proxy the header is the client's own word: ignored.
	g := newFixture(t, func(c *Config) { c.AuthFailBurst = 2 })
	for i := 0; i < 2; i++ {
		req, _ := http.NewRequest("GET", g.ts.URL+"/v1/posts/search", nil)
		req.Header.Set("X-Forwarded-For", "203.0.113."+string(rune('1'+i)))
		req.Header.Set("Authorization", "Bearer jm_wrong")
		g.send(req)
	}
	if res := g.do("GET", "/v1/posts/search", "jm_wrong", nil); res.status != 429 {
		t.Errorf("a forged X-Forwarded-For escaped the throttle: %d", res.status)
	}
}

// TestRefusalsAudited: a counselor reaching for another district's
// graduate (read or write) and a key used on a route its role may not use
// are refused and audited with the client's address.
func TestRefusalsAudited(t *testing.T) {
	f := newFixture(t)
	_, out := f.graduateIn("天山区")
	f.do("GET", "/v1/graduates/"+out.ID, "counselor", nil)
	f.do("PUT", "/v1/graduates/"+out.ID, "counselor", map[string]any{"name": "x"})
	f.do("GET", "/v1/graduates/"+out.ID, "portalA", nil)
	if res := f.do("PUT", "/v1/posts/portal-b:X1", "portalA", map[string]any{"title": "出纳", "employer": "x"}); res.status != 404 {
		t.Errorf("a portal writing another source's post: %d", res.status)
	}
	log, err := f.st.AuditLog(context.Background(), "", 100)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, e := range log {
		if e.Client != "127.0.0.1" {
			t.Errorf("entry without the client's address: %+v", e)
		}
		got[e.Action]++
	}
	if got["graduate.refused"] != 2 || got["role.refused"] != 1 || got["post.refused"] != 1 {
		t.Errorf("refusals audited: %v", got)
	}
}

// TestWritesCannotProbe: a counselor's PUT answers the same for an unused
// ID and for another district's graduate; counselors register graduates
// with POST, which picks a canonical ID.
func TestWritesCannotProbe(t *testing.T) {
	f := newFixture(t)
	_, out := f.graduateIn("天山区")
	body := map[string]any{"name": "新人", "hukou_district": "天山区", "status": "seeking"}
	other := f.do("PUT", "/v1/graduates/"+out.ID, "counselor", body)
	unused := f.do("PUT", "/v1/graduates/G7777777", "counselor", body)
	if other.status != 404 || unused.status != 404 {
		t.Fatalf("other district %d, unused %d; want 404 both", other.status, unused.status)
	}
	o, u := other.json(t), unused.json(t)
	if o["code"] != u["code"] || strings.ReplaceAll(o["message_en"].(string), out.ID, "X") != strings.ReplaceAll(u["message_en"].(string), "G7777777", "X") {
		t.Errorf("the answers differ: %v vs %v", o, u)
	}
	res := f.do("POST", "/v1/graduates", "counselor", body)
	if res.status != 201 || !strings.HasPrefix(res.header.Get("Location"), "/v1/graduates/G") {
		t.Fatalf("POST: %d %s", res.status, res.body)
	}
	id := res.json(t)["id"].(string)
	if !canonicalID(id) {
		t.Errorf("the server picked a non-canonical ID %q", id)
	}
	g, err := f.st.Graduate(context.Background(), id)
	if err != nil || !g.RegisteredAt.Equal(testNow) || !g.ContactedAt.IsZero() {
		t.Fatalf("created graduate: %+v %v (registered_at must be the server's now)", g, err)
	}
	if res := f.do("POST", "/v1/graduates", "counselor", map[string]any{"name": "外区", "hukou_district": "米东区"}); res.status != 403 {
		t.Errorf("POST into another district: %d", res.status)
	}
}

// TestServerManagedFieldsRefused: the times the server keeps are refused
// on input, naming the field, unless sent back unchanged; so is an age
// that is not the birth date's.
func TestServerManagedFieldsRefused(t *testing.T) {
	f := newFixture(t)
	in, _ := f.graduateIn("天山区")
	var view map[string]any
	res := f.do("GET", "/v1/graduates/"+in.ID, "counselor", nil)
	view = res.json(t)
	if view["birth_date"] != nil || view["age"] == nil {
		t.Fatalf("counselor's view: birth_date %v age %v", view["birth_date"], view["age"])
	}
	if res := f.do("PUT", "/v1/graduates/"+in.ID, "counselor", view); res.status != 200 {
		t.Fatalf("the view sent back unchanged: %d %s", res.status, res.body)
	}
	for field, v := range map[string]any{
		"contacted_at":  "2026-06-30T10:00:00Z",
		"placed_at":     "2026-06-30T10:00:00Z",
		"registered_at": "2020-01-01T00:00:00Z",
		"updated_at":    "2020-01-01T00:00:00Z",
		"age":           99,
	} {
		body := map[string]any{}
		for k, x := range view {
			body[k] = x
		}
		body[field] = v
		res := f.do("PUT", "/v1/graduates/"+in.ID, "counselor", body)
		if res.status != 400 || res.json(t)["field"] != field {
			t.Errorf("%s sent: %d %s", field, res.status, res.body)
		}
	}
	stored, _ := f.st.Graduate(context.Background(), in.ID)
	if !stored.ContactedAt.Equal(in.ContactedAt) || !stored.BirthDate.Equal(in.BirthDate) {
		t.Errorf("stored graduate changed: %+v", stored)
	}
	// A post's server-kept fields too.
	if res := f.do("PUT", "/v1/posts/portal-a:M1", "portalA", map[string]any{"title": "出纳", "employer": "x", "filled": 3}); res.status != 400 || res.json(t)["field"] != "filled" || !strings.Contains(res.json(t)["message_en"].(string), "kept by the server") {
		t.Errorf("filled sent: %d %s", res.status, res.body)
	}
}

// TestCanonicalIDs: IDs the API stores are refused when they hold
// anything but the documented characters.
func TestCanonicalIDs(t *testing.T) {
	f := newFixture(t)
	body := map[string]any{"name": "x", "hukou_district": "天山区"}
	for _, id := range []string{"G1%E2%80%8B", "G%E2%80%AE1", "G%201", "%3Cb%3EG1", "G1%EF%BC%91", "-G1", strings.Repeat("G", 65)} {
		if res := f.do("PUT", "/v1/graduates/"+id, "admin", body); res.status != 400 || res.json(t)["field"] != "id" {
			t.Errorf("graduate id %s: %d %s", id, res.status, res.body)
		}
	}
	if res := f.do("PUT", "/v1/graduates/G-1.a_b", "admin", body); res.status != 201 {
		t.Errorf("a canonical id: %d %s", res.status, res.body)
	}
	for _, ext := range []string{"a%E2%80%8Bb", "%3Cscript%3E", "a%20b", "%E5%B2%97"} {
		if res := f.do("PUT", "/v1/posts/portal-a:"+ext, "portalA", map[string]any{"title": "出纳", "employer": "x"}); res.status != 400 {
			t.Errorf("external id %s: %d %s", ext, res.status, res.body)
		}
	}
	fb := map[string]any{"id": "e\u200b1", "graduate_id": "u1", "post_id": f.posts[0].ID, "type": "click"}
	if res := f.do("POST", "/v1/feedback", "portalA", fb); res.status != 400 || res.json(t)["field"] != "id" {
		t.Errorf("feedback id: %d %s", res.status, res.body)
	}
	fb["id"], fb["graduate_id"] = "e1", "<u1>"
	if res := f.do("POST", "/v1/feedback", "portalA", fb); res.status != 400 || res.json(t)["field"] != "graduate_id" {
		t.Errorf("portal graduate_id: %d %s", res.status, res.body)
	}
}

// TestFeedbackIDsPerCaller: two portals using the same event ID write two
// events; the same portal repeating one writes it once.
func TestFeedbackIDsPerCaller(t *testing.T) {
	f := newFixture(t)
	post := f.posts[0].ID
	for _, k := range []string{"portalA", "portalB", "portalA"} {
		res := f.do("POST", "/v1/feedback", k, map[string]any{"id": "evt-1", "graduate_id": "u1", "post_id": post, "type": "click"})
		if res.status != 202 {
			t.Fatalf("%s: %d %s", k, res.status, res.body)
		}
	}
	var sources []string
	f.st.EachFeedback(context.Background(), time.Time{}, func(e matcher.FeedbackEvent) error {
		if e.ID == "evt-1" {
			sources = append(sources, e.Source)
		}
		return nil
	})
	if len(sources) != 2 || sources[0] == sources[1] {
		t.Errorf("events evt-1 stored from %v, want one per portal", sources)
	}
}

// TestMetricsNeedAKey: /metrics on the API's address answers admins only;
// MetricsHandler (the --metrics-addr listener) needs none.
func TestMetricsNeedAKey(t *testing.T) {
	f := newFixture(t)
	for key, want := range map[string]int{"": 401, "counselor": 403, "portalA": 403, "admin": 200} {
		if res := f.do("GET", "/metrics", key, nil); res.status != want {
			t.Errorf("/metrics with %q: %d, want %d", key, res.status, want)
		}
	}
	rec := &recorder{h: http.Header{}}
	f.srv.MetricsHandler().ServeHTTP(rec, httptestRequest("GET", "/metrics"))
	if rec.status != 200 || !strings.Contains(rec.body.String(), "jobmatch_http_requests_total") || rec.h.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("metrics listener: %d %.80s", rec.status, rec.body.String())
	}
}

type recorder struct {
	h      http.Header
	status int
	body   strings.Builder
}

func (r *recorder) Header() http.Header { return r.h }
func (r *recorder) WriteHeader(s int) {
	if r.status == 0 {
		r.status = s
	}
}
func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = 200
	}
	return r.body.Write(b)
}

func httptestRequest(method, path string) *http.Request {
	req, _ := http.NewRequest(method, "http://localhost"+path, nil)
	return req
}
