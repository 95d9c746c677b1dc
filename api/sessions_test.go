package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// browserish is a client that keeps cookies, as a browser does, and sends
// the CSRF token when it has one.
type browserish struct {
	t    *testing.T
	f    *fixture
	c    *http.Client
	csrf string
}

func newBrowserish(t *testing.T, f *fixture) *browserish {
	jar, _ := cookiejar.New(nil)
	return &browserish{t: t, f: f, c: &http.Client{Jar: jar}}
}

func (b *browserish) do(method, path string, body any) resp {
	b.t.Helper()
	var rd io.Reader
	if body != nil {
		j, _ := json.Marshal(body)
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, b.f.ts.URL+path, rd)
	if err != nil {
		b.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if b.csrf != "" {
		req.Header.Set(CSRFHeader, b.csrf)
	}
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return resp{status: res.StatusCode, header: res.Header, body: out}
}

func (b *browserish) signIn(name, pw string) resp {
	b.t.Helper()
	r := b.do("POST", "/v1/session", map[string]any{"name": name, "password": pw})
	if r.status == 200 {
		b.csrf, _ = r.json(b.t)["csrf_token"].(string)
	}
	return r
}

// clockFixture is a fixture whose wall clock the test moves.
func clockFixture(t *testing.T) (*fixture, func(time.Duration)) {
	var mu sync.Mutex
	now := testNow
	f := newFixture(t, func(c *Config) {
		c.Clock = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	})
	return f, func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
}

func makeUser(t *testing.T, f *fixture, spec UserSpec) *matcher.User {
	t.Helper()
	u, err := CreateUser(context.Background(), f.st, spec)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestSessionSignInAndCookie: a right password gives an HttpOnly,
// SameSite=Strict cookie and a CSRF token; the session then reads the
// caseload as its counselor (only their district) without any key.
func TestSessionSignInAndCookie(t *testing.T) {
	f := newFixture(t)
	makeUser(t, f, UserSpec{Name: "wang", FullName: "王芳", Role: matcher.RoleCounselor, District: "天山区", Password: "correct horse battery"})
	b := newBrowserish(t, f)
	if r := b.do("GET", "/v1/me", nil); r.status != 401 {
		t.Fatalf("before sign-in /v1/me answered %d", r.status)
	}
	r := b.signIn("wang", "correct horse battery")
	if r.status != 200 {
		t.Fatalf("sign-in: %d %s", r.status, r.body)
	}
	me := r.json(t)
	if me["via"] != "session" || me["role"] != "counselor" || me["district"] != "天山区" || me["name"] != "王芳" || b.csrf == "" {
		t.Errorf("sign-in answer: %v", me)
	}
	cookie := r.header.Get("Set-Cookie")
	for _, want := range []string{SessionCookie + "=", "HttpOnly", "SameSite=Strict", "Path=/"} {
		if !strings.Contains(cookie, want) {
			t.Errorf("cookie %q lacks %s", cookie, want)
		}
	}
	if r.header.Get("Cache-Control") != "no-store" {
		t.Errorf("sign-in answer may be cached: %q", r.header.Get("Cache-Control"))
	}
	r = b.do("GET", "/v1/graduates?limit=100", nil)
	if r.status != 200 {
		t.Fatalf("caseload by session: %d %s", r.status, r.body)
	}
	var cl struct {
		Items []struct {
			HukouDistrict     string `json:"hukou_district"`
			ResidenceDistrict string `json:"residence_district"`
		} `json:"items"`
	}
	json.Unmarshal(r.body, &cl)
	if len(cl.Items) == 0 {
		t.Fatal("the session's caseload is empty")
	}
	for _, it := range cl.Items {
		if it.HukouDistrict != "天山区" && it.ResidenceDistrict != "天山区" {
			t.Errorf("a counselor of 天山区 saw a graduate of %s/%s", it.HukouDistrict, it.ResidenceDistrict)
		}
	}
	// The audit names the person's session, not a key.
	entries, err := f.st.AuditLog(context.Background(), "", 1000)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range entries {
		found = found || e.Action == "graduate.list" && strings.HasPrefix(e.KeyID, "user:")
	}
	if !found {
		t.Error("the caseload read by a session is not audited under the user")
	}
}

// TestSessionCSRF: a session's state-changing request without its CSRF
// token (what another site's form could send) is refused; with it, it
// passes. A key needs none.
func TestSessionCSRF(t *testing.T) {
	f := newFixture(t)
	makeUser(t, f, UserSpec{Name: "wang", Role: matcher.RoleCounselor, District: "天山区", Password: "correct horse battery"})
	var g matcher.Graduate
	for _, x := range f.grads {
		if x.HukouDistrict == "天山区" {
			g = x
			break
		}
	}
	b := newBrowserish(t, f)
	if r := b.signIn("wang", "correct horse battery"); r.status != 200 {
		t.Fatalf("sign-in: %d", r.status)
	}
	contact := map[string]any{"method": "phone", "outcome": "no_answer"}
	token := b.csrf
	b.csrf = ""
	if r := b.do("POST", "/v1/graduates/"+g.ID+"/contacts", contact); r.status != 403 || !strings.Contains(string(r.body), "CSRF") {
		t.Errorf("without the CSRF token: %d %s", r.status, r.body)
	}
	b.csrf = "wrong" + token[5:]
	if r := b.do("POST", "/v1/graduates/"+g.ID+"/contacts", contact); r.status != 403 {
		t.Errorf("with a wrong CSRF token: %d", r.status)
	}
	b.csrf = token
	if r := b.do("POST", "/v1/graduates/"+g.ID+"/contacts", contact); r.status != 201 {
		t.Errorf("with the CSRF token: %d %s", r.status, r.body)
	}
	if r := f.do("POST", "/v1/graduates/"+g.ID+"/contacts", "counselor", contact); r.status != 201 {
		t.Errorf("with a key: %d %s", r.status, r.body)
	}
}

// TestSessionTimeouts: idle for longer than 30 minutes ends a session;
// requests keep it alive, but not past 12 hours.
func TestSessionTimeouts(t *testing.T) {
	f, advance := clockFixture(t)
	makeUser(t, f, UserSpec{Name: "wang", Role: matcher.RoleCounselor, District: "天山区", Password: "correct horse battery"})
	b := newBrowserish(t, f)
	b.signIn("wang", "correct horse battery")
	advance(29 * time.Minute)
	if r := b.do("GET", "/v1/me", nil); r.status != 200 {
		t.Fatalf("29 min idle: %d", r.status)
	}
	advance(31 * time.Minute)
	if r := b.do("GET", "/v1/me", nil); r.status != 401 || !strings.Contains(string(r.body), "超时") {
		t.Errorf("31 min idle: %d %s", r.status, r.body)
	}
	b.signIn("wang", "correct horse battery")
	for range 12 * 60 / 20 {
		advance(20 * time.Minute)
		if r := b.do("GET", "/v1/me", nil); r.status != 200 {
			t.Fatalf("an active session ended early: %d", r.status)
		}
	}
	advance(20 * time.Minute) // 12 h 20 min after sign-in, 20 min idle
	if r := b.do("GET", "/v1/me", nil); r.status != 401 {
		t.Errorf("past the absolute timeout: %d", r.status)
	}
}

// TestSignInThrottle: wrong passwords are answered the same as unknown
// names, and after a few a name is refused for a while, even with the
// right password, from any address.
func TestSignInThrottle(t *testing.T) {
	f := newFixture(t)
	makeUser(t, f, UserSpec{Name: "wang", Role: matcher.RoleCounselor, District: "天山区", Password: "correct horse battery"})
	b := newBrowserish(t, f)
	wrong := b.signIn("wang", "wrong password!!")
	unknown := b.signIn("nobody", "wrong password!!")
	if wrong.status != 401 || unknown.status != 401 || wrong.json(t)["message"] != unknown.json(t)["message"] {
		t.Errorf("wrong password %d %s; unknown name %d %s", wrong.status, wrong.body, unknown.status, unknown.body)
	}
	var last resp
	for range 6 {
		last = b.signIn("wang", "wrong password!!")
	}
	if last.status != 429 || last.header.Get("Retry-After") == "" {
		t.Fatalf("after 7 wrong passwords: %d %s", last.status, last.body)
	}
	if r := b.signIn("wang", "correct horse battery"); r.status != 429 {
		t.Errorf("the right password while throttled: %d", r.status)
	}
}

// TestUserAdmin: the admin routes create, disable and reset accounts; a
// disabled account's session ends at once and it cannot sign in; a reset
// ends the old sessions and the new password works.
func TestUserAdmin(t *testing.T) {
	f := newFixture(t)
	req := map[string]any{"name": "li.na", "full_name": "李娜", "role": "counselor", "district": "米东区", "password": "a long enough one"}
	if r := f.do("POST", "/v1/users", "counselor", req); r.status != 403 {
		t.Errorf("a counselor created a user: %d", r.status)
	}
	r := f.do("POST", "/v1/users", "admin", req)
	if r.status != 201 || strings.Contains(string(r.body), "argon2") || strings.Contains(string(r.body), "password_hash") {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	for field, bad := range map[string]map[string]any{
		"role":     {"name": "x1", "role": "portal", "password": "a long enough one"},
		"district": {"name": "x2", "role": "counselor", "district": "朝阳区", "password": "a long enough one"},
		"password": {"name": "x3", "role": "admin", "password": "short"},
		"name":     {"name": "王 芳", "role": "admin", "password": "a long enough one"},
	} {
		if r := f.do("POST", "/v1/users", "admin", bad); r.status != 400 || r.json(t)["field"] != field {
			t.Errorf("bad %s: %d %s", field, r.status, r.body)
		}
	}
	if r := f.do("POST", "/v1/users", "admin", req); r.status != 409 {
		t.Errorf("a second li.na: %d", r.status)
	}
	b := newBrowserish(t, f)
	if r := b.signIn("li.na", "a long enough one"); r.status != 200 {
		t.Fatalf("sign-in: %d %s", r.status, r.body)
	}
	if r := f.do("POST", "/v1/users/li.na/disable", "admin", nil); r.status != 200 || r.json(t)["user"].(map[string]any)["status"] != "disabled" {
		t.Fatalf("disable: %d %s", r.status, r.body)
	}
	if r := b.do("GET", "/v1/me", nil); r.status != 401 {
		t.Errorf("a disabled account's session still answers: %d", r.status)
	}
	if r := b.signIn("li.na", "a long enough one"); r.status != 401 {
		t.Errorf("a disabled account signed in: %d", r.status)
	}
	if r := f.do("POST", "/v1/users/li.na/password", "admin", map[string]any{"password": "another long one"}); r.status != 200 {
		t.Fatalf("reset: %d %s", r.status, r.body)
	}
	if r := b.signIn("li.na", "a long enough one"); r.status != 401 {
		t.Errorf("the old password after a reset: %d", r.status)
	}
	if r := b.signIn("li.na", "another long one"); r.status != 200 {
		t.Errorf("the new password: %d %s", r.status, r.body)
	}
	if r := f.do("POST", "/v1/users/nobody/disable", "admin", nil); r.status != 404 {
		t.Errorf("disable an unknown user: %d", r.status)
	}
	list := f.do("GET", "/v1/users", "admin", nil)
	if list.status != 200 || !strings.Contains(string(list.body), `"li.na"`) || strings.Contains(string(list.body), "argon2") {
		t.Errorf("list: %d %s", list.status, list.body)
	}
}

// TestSignOut: sign-out ends the session in the store (the old cookie no
// longer works even if replayed), empties the cookie and tells the
// browser to clear the site's storage. A key has no session to end.
func TestSignOut(t *testing.T) {
	f := newFixture(t)
	makeUser(t, f, UserSpec{Name: "wang", Role: matcher.RoleAdmin, Password: "correct horse battery"})
	b := newBrowserish(t, f)
	b.signIn("wang", "correct horse battery")
	u, _ := http.NewRequest("GET", f.ts.URL+"/", nil)
	old := b.c.Jar.Cookies(u.URL)
	r := b.do("DELETE", "/v1/session", nil)
	if r.status != 204 || !strings.Contains(r.header.Get("Clear-Site-Data"), "storage") || !strings.Contains(r.header.Get("Set-Cookie"), "Max-Age=0") {
		t.Fatalf("sign-out: %d, Clear-Site-Data %q, Set-Cookie %q", r.status, r.header.Get("Clear-Site-Data"), r.header.Get("Set-Cookie"))
	}
	replay, _ := http.NewRequest("GET", f.ts.URL+"/v1/me", nil)
	for _, c := range old {
		replay.AddCookie(c)
	}
	res, err := http.DefaultClient.Do(replay)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 401 {
		t.Errorf("the old cookie replayed after sign-out: %d", res.StatusCode)
	}
	if r := f.do("DELETE", "/v1/session", "admin", nil); r.status != 400 {
		t.Errorf("sign-out with a key: %d", r.status)
	}
}
