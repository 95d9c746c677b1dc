package web

import (
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

func TestHandler(t *testing.T) {
	ts := httptest.NewServer(Handler("/workspace/"))
	defer ts.Close()
	tests := []struct {
		method, path string
		status       int
		ctype, body  string
	}{
		{"GET", "/workspace/", 200, "text/html", "一人一策"},
		{"GET", "/workspace/index.html", 200, "text/html", `<script src="app.js" defer></script>`},
		{"GET", "/workspace/app.js", 200, "text/javascript", "sessionStorage"},
		{"GET", "/workspace/app.css", 200, "text/css", ":root"},
		{"HEAD", "/workspace/app.js", 200, "text/javascript", ""},
		{"GET", "/workspace/missing.html", 404, "", ""},
		{"GET", "/workspace/.hidden", 404, "", ""},
		{"GET", "/workspace/static/app.js", 404, "", ""},
		{"GET", "/workspace/..%2fweb.go", 404, "", ""},
		{"GET", "/elsewhere/app.js", 404, "", ""},
		{"POST", "/workspace/app.js", 405, "", ""},
		{"DELETE", "/workspace/", 405, "", ""},
	}
	for _, tc := range tests {
		req, _ := http.NewRequest(tc.method, ts.URL+tc.path, nil)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != tc.status {
			t.Errorf("%s %s: %d, want %d", tc.method, tc.path, res.StatusCode, tc.status)
			continue
		}
		if tc.ctype != "" && !strings.HasPrefix(res.Header.Get("Content-Type"), tc.ctype) {
			t.Errorf("%s: content type %q", tc.path, res.Header.Get("Content-Type"))
		}
		if tc.body != "" && !strings.Contains(string(b), tc.body) {
			t.Errorf("%s: body lacks %q", tc.path, tc.body)
		}
		if tc.method == "HEAD" && len(b) != 0 {
			t.Errorf("HEAD returned a body")
		}
		for h, want := range map[string]string{"Content-Security-Policy": "default-src 'none'", "X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer"} {
			if !strings.Contains(res.Header.Get(h), want) {
				t.Errorf("%s %s: %s = %q", tc.method, tc.path, h, res.Header.Get(h))
			}
		}
	}
}

// TestAssetsSelfContained holds the workspace to its rules: nothing loaded
// from another origin (the machines are offline), no inline script (the CSP
// forbids it), no innerHTML (data must not become markup), and the key kept
// in sessionStorage, never localStorage or a cookie.
func TestAssetsSelfContained(t *testing.T) {
	files := Files()
	names, err := fs.Glob(files, "*")
	if err != nil || len(names) < 3 {
		t.Fatalf("embedded files %v, %v", names, err)
	}
	external := regexp.MustCompile(`(?i)(src|href)\s*=\s*["']?(https?:)?//`)
	for _, name := range names {
		b, err := fs.ReadFile(files, name)
		if err != nil {
			t.Fatal(err)
		}
		s := string(b)
		if m := external.FindString(s); m != "" {
			t.Errorf("%s loads from another origin: %s", name, m)
		}
		if strings.Contains(s, "@import") || strings.Contains(s, "url(http") {
			t.Errorf("%s imports a remote stylesheet or image", name)
		}
		switch {
		case strings.HasSuffix(name, ".html"):
			if regexp.MustCompile(`<script>|<script [^>]*>[^<]+</script>|\son[a-z]+=`).MatchString(s) {
				t.Errorf("%s has inline script or an inline event handler", name)
			}
		case strings.HasSuffix(name, ".js"):
			for _, bad := range []string{"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "localStorage.setItem", "document.cookie ="} {
				if strings.Contains(s, bad) {
					t.Errorf("%s uses %s", name, bad)
				}
			}
		}
	}
}
