package api

import "net/http"

// securityHeaders are the headers every response carries, keyed in
// canonical form: no content sniffing, no framing, no referrer, no
// cross-origin reads of the responses, no browser features.
//
// Their values are shared by every response rather than made per request
// (Header.Set canonicalises the key and allocates a one-string slice each
// time: eight allocations a request, ~1.5% of a served list's CPU). That
// is safe because a header's slice is only ever replaced (Set, Del) or
// appended to (Add) — and a one-element slice literal has no spare
// capacity, so an append copies it — never written through.
var securityHeaders = [...]struct {
	key string
	val []string
}{
	{"X-Content-Type-Options", []string{"nosniff"}},
	{"X-Frame-Options", []string{"DENY"}},
	{"Referrer-Policy", []string{"no-referrer"}},
	{"Content-Security-Policy", []string{"default-src 'none'; frame-ancestors 'none'"}},
	{"Cross-Origin-Resource-Policy", []string{"same-origin"}},
	{"Cross-Origin-Opener-Policy", []string{"same-origin"}},
	{"Permissions-Policy", []string{"camera=(), microphone=(), geolocation=(), payment=()"}},
}

var hstsHeader = []string{"max-age=31536000"}

// noStore is the Cache-Control of every authenticated answer, one slice
// shared by all responses (as securityHeaders).
var noStore = []string{"no-store"}

// setSecurityHeaders sets the headers every response carries, errors and
// the workspace included (the workspace's handler replaces the
// Content-Security-Policy with its own, which allows its script and
// style). Strict-Transport-Security is sent when the client came over TLS
// (here or at a trusted proxy), so a browser that has once spoken TLS to
// the service never falls back.
func (s *Server) setSecurityHeaders(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	for _, sh := range securityHeaders {
		h[sh.key] = sh.val
	}
	if s.viaHTTPS(r) {
		h["Strict-Transport-Security"] = hstsHeader
	}
}

// sourceOnline is X-Recommendation-Source of a list the engine computed
// for the request (shared, as securityHeaders).
var sourceOnline = []string{"online"}
