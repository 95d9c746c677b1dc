package api

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
)

// TestHostileRequests sends what an attacker or a broken client sends and
// checks the status of each; none may be a 5xx.
func TestHostileRequests(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.MaxBody = 64 << 10 })
	g, _ := f.graduateIn("天山区")
	okPost := `{"title":"出纳","employer":"新疆某公司","channel":"sme","salary":"4000-6000元/月","headcount":2}`
	big := `{"title":"` + strings.Repeat("长", 40000) + `","employer":"x","channel":"sme"}`
	tests := []struct {
		name, method, path, key string
		rawQuery                string // appended verbatim, unescaped
		body                    string
		contentType             string
		want                    int
		field                   string // the problem must name this field
	}{
		// injection strings in q and ids
		{name: "SQL injection in q", method: "GET", path: "/v1/posts/search", key: "portalA", rawQuery: "q=%27%20OR%201%3D1%20--", want: 200},
		{name: "bleve query syntax in q", method: "GET", path: "/v1/posts/search", key: "portalA", rawQuery: "q=%2Btitle%3A*%20-employer%3A%5B*%20TO%20*%5D", want: 200},
		{name: "regexp bomb in q", method: "GET", path: "/v1/posts/search", key: "portalA", rawQuery: "q=%2F(a%2B)%2B%24%2F", want: 200},
		{name: "script in q", method: "GET", path: "/v1/posts/search", key: "portalA", rawQuery: "q=%3Cscript%3Ealert(1)%3C%2Fscript%3E", want: 200},
		{name: "overlong q", method: "GET", path: "/v1/posts/search", key: "portalA", rawQuery: "q=" + strings.Repeat("会", 201), want: 400, field: "q"},
		{name: "SQL injection in post id", method: "GET", path: "/v1/posts/x'%3B%20DROP%20TABLE%20posts%3B--", key: "portalA", want: 404},
		{name: "SQL injection in graduate id", method: "GET", path: "/v1/graduates/1'%20OR%20'1'%3D'1", key: "admin", want: 404},
		{name: "NUL in id", method: "GET", path: "/v1/posts/a%00b", key: "portalA", want: 404},
		{name: "overlong id", method: "GET", path: "/v1/posts/" + strings.Repeat("a", 300), key: "portalA", want: 404},
		// path traversal
		{name: "dot-dot path", method: "GET", path: "/v1/posts/../../etc/passwd", key: "portalA", want: 404},
		{name: "encoded dot-dot", method: "GET", path: "/v1/posts/..%2F..%2Fetc%2Fpasswd", key: "portalA", want: 404},
		{name: "encoded backslash", method: "GET", path: "/v1/graduates/..%5C..%5Cwin.ini", key: "admin", want: 404},
		{name: "dot-dot to an admin route", method: "GET", path: "/v1/posts/../graduates/" + g.ID, key: "portalA", want: 404},
		// limits
		{name: "huge limit clamped", method: "GET", path: "/v1/posts/search", key: "portalA", rawQuery: "limit=1000000000", want: 200},
		{name: "overflowing limit clamped", method: "GET", path: "/v1/posts/search", key: "portalA", rawQuery: "limit=99999999999999999999999", want: 200},
		{name: "negative limit", method: "GET", path: "/v1/posts/search", key: "portalA", rawQuery: "limit=-5", want: 400, field: "limit"},
		{name: "zero limit", method: "GET", path: "/v1/graduates/" + g.ID + "/recommendations", key: "admin", rawQuery: "limit=0", want: 400, field: "limit"},
		{name: "negative offset", method: "GET", path: "/v1/posts/search", key: "portalA", rawQuery: "offset=-1", want: 400, field: "offset"},
		{name: "float limit", method: "GET", path: "/v1/posts/search", key: "portalA", rawQuery: "limit=1.5", want: 400, field: "limit"},
		{name: "hex limit", method: "GET", path: "/v1/posts/search", key: "portalA", rawQuery: "limit=0x10", want: 400, field: "limit"},
		{name: "full-width digits in limit", method: "GET", path: "/v1/posts/search", key: "portalA", rawQuery: "limit=%EF%BC%93", want: 200},
		{name: "full-width digits in id", method: "GET", path: "/v1/graduates/G%EF%BC%90%EF%BC%90%EF%BC%90%EF%BC%90%EF%BC%90%EF%BC%90%EF%BC%91", key: "admin", want: 404},
		{name: "repeated parameter", method: "GET", path: "/v1/posts/search", key: "portalA", rawQuery: "channel=sme&channel=military", want: 400, field: "channel"},
		{name: "unknown parameter", method: "GET", path: "/v1/posts/search", key: "portalA", rawQuery: "chanel=sme", want: 400, field: "chanel"},
		{name: "unknown channel", method: "GET", path: "/v1/posts/search", key: "portalA", rawQuery: "channel=moon", want: 400, field: "channel"},
		// invalid UTF-8
		{name: "invalid UTF-8 in q", method: "GET", path: "/v1/posts/search", key: "portalA", rawQuery: "q=%FF%FE%FD", want: 400, field: "q"},
		{name: "invalid UTF-8 in id", method: "GET", path: "/v1/posts/%C3%28", key: "portalA", want: 404},
		{name: "invalid UTF-8 in body", method: "PUT", path: "/v1/posts/portal-a:U1", key: "portalA", body: "{\"title\":\"\xff\xfe\",\"employer\":\"x\",\"channel\":\"sme\"}", want: 400},
		// bodies
		{name: "oversized body", method: "PUT", path: "/v1/posts/portal-a:BIG", key: "portalA", body: big, want: 413},
		{name: "empty body", method: "PUT", path: "/v1/posts/portal-a:E1", key: "portalA", body: " ", want: 400},
		{name: "not JSON content type", method: "PUT", path: "/v1/posts/portal-a:E1", key: "portalA", body: okPost, contentType: "text/plain", want: 415},
		{name: "truncated JSON", method: "PUT", path: "/v1/posts/portal-a:E1", key: "portalA", body: `{"title":"出纳"`, want: 400},
		{name: "trailing garbage", method: "PUT", path: "/v1/posts/portal-a:E1", key: "portalA", body: okPost + `{}`, want: 400},
		{name: "duplicate JSON keys", method: "PUT", path: "/v1/posts/portal-a:D1", key: "portalA", body: `{"title":"出纳","employer":"x","channel":"sme","source":"portal-a","source":"portal-b"}`, want: 400, field: "source"},
		{name: "duplicate nested keys", method: "POST", path: "/v1/recommendations", key: "portalA", body: `{"profile":{"major":"会计学","major":"法学"}}`, want: 400, field: "profile.major"},
		{name: "unknown field", method: "PUT", path: "/v1/posts/portal-a:F1", key: "portalA", body: `{"title":"出纳","employer":"x","channel":"sme","salry":"1"}`, want: 400, field: "salry"},
		{name: "wrong type", method: "PUT", path: "/v1/posts/portal-a:F2", key: "portalA", body: `{"title":"出纳","employer":"x","channel":"sme","headcount":"three"}`, want: 400, field: "headcount"},
		{name: "wrong type nested", method: "POST", path: "/v1/recommendations", key: "portalA", body: `{"profile":{"age":"twenty"}}`, want: 400, field: "profile.age"},
		{name: "JSON array instead of object", method: "PUT", path: "/v1/posts/portal-a:F3", key: "portalA", body: `[1,2,3]`, want: 400},
		{name: "deeply nested JSON", method: "POST", path: "/v1/recommendations", key: "portalA", body: strings.Repeat("[", 20000) + strings.Repeat("]", 20000), want: 400},
		{name: "bad salary", method: "PUT", path: "/v1/posts/portal-a:F4", key: "portalA", body: `{"title":"出纳","employer":"x","channel":"sme","salary":"很多钱"}`, want: 400, field: "salary"},
		{name: "full-width digits in salary", method: "PUT", path: "/v1/posts/portal-a:FW", key: "portalA", body: `{"title":"出纳","employer":"x","channel":"sme","salary":"３０００－５０００元/月"}`, want: 201},
		{name: "personal data in a profile", method: "POST", path: "/v1/recommendations", key: "portalA", body: `{"profile":{"major":"会计学","national_id":"650102200301010001"}}`, want: 400, field: "profile.national_id"},
		{name: "phone in a profile", method: "POST", path: "/v1/recommendations", key: "portalA", body: `{"profile":{"phone":"13800138000"}}`, want: 400, field: "profile.phone"},
		{name: "negative limit in body", method: "POST", path: "/v1/recommendations", key: "portalA", body: `{"profile":{"major":"会计学"},"limit":-1}`, want: 400, field: "limit"},
		{name: "huge limit in body", method: "POST", path: "/v1/recommendations", key: "portalA", body: `{"profile":{"major":"会计学"},"limit":100000000}`, want: 200},
		{name: "batch over 1000", method: "POST", path: "/v1/posts:batchUpsert", key: "admin", body: `{"posts":[` + strings.TrimSuffix(strings.Repeat(`{"source":"s","external_id":"x","title":"t","employer":"e","channel":"sme"},`, 1001), ",") + `]}`, want: 400, field: "posts"},
		{name: "slash in external id", method: "PUT", path: "/v1/posts/portal-a:a%2Fb", key: "portalA", body: okPost, want: 404},
		// methods and routes
		{name: "unknown route", method: "GET", path: "/v1/nope", key: "admin", want: 404},
		{name: "wrong method", method: "PATCH", path: "/v1/posts/portal-a:P000001", key: "admin", want: 405},
		{name: "header injection attempt in key", method: "GET", path: "/v1/posts/search", key: "jm_x\tadmin", want: 401},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			url := f.ts.URL + tc.path
			if tc.rawQuery != "" {
				url += "?" + tc.rawQuery
			}
			var body *bytes.Reader
			if tc.body != "" {
				body = bytes.NewReader([]byte(tc.body))
			} else {
				body = bytes.NewReader(nil)
			}
			req, err := http.NewRequest(tc.method, url, body)
			if err != nil {
				t.Fatal(err)
			}
			if tc.body != "" {
				ct := tc.contentType
				if ct == "" {
					ct = "application/json"
				}
				req.Header.Set("Content-Type", ct)
			}
			if secret, ok := f.keys[tc.key]; ok {
				req.Header.Set("Authorization", "Bearer "+secret)
			} else if tc.key != "" {
				req.Header.Set("Authorization", "Bearer "+tc.key)
			}
			res := f.send(req)
			if res.status != tc.want {
				t.Fatalf("status %d, want %d: %s", res.status, tc.want, res.body)
			}
			if res.status >= 400 {
				if ct := res.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
					t.Errorf("error with Content-Type %q", ct)
				}
				if tc.field != "" {
					if got := res.json(t)["field"]; got != tc.field {
						t.Errorf("field %v, want %q: %s", got, tc.field, res.body)
					}
				}
			}
		})
	}
	// Personal data sent in a profile was refused without being echoed.
	if strings.Contains(f.logs.String(), "650102200301010001") || strings.Contains(f.logs.String(), "13800138000") {
		t.Errorf("personal data in the log")
	}
}
