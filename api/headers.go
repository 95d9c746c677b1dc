package api

import "net/http"

// setSecurityHeaders sets the headers every response carries, errors and
// the workspace included (the workspace's handler replaces the
// Content-Security-Policy with its own, which allows its script and
// style): no content sniffing, no framing, no referrer, no cross-origin
// reads of the responses, no browser features. Strict-Transport-Security
// is sent when the client came over TLS (here or at a trusted proxy), so
// a browser that has once spoken TLS to the service never falls back.
func (s *Server) setSecurityHeaders(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
	if s.viaHTTPS(r) {
		h.Set("Strict-Transport-Security", "max-age=31536000")
	}
}
