// Package api is jobmatch's REST API for the other job portals and for
// counselors' tools: `jobmatch serve`.
//
// What it owns, and where:
//
//   - routes.go: THE route table (gorilla/mux). The router and the OpenAPI 3
//     document served at /v1/openapi.json are both built from it, and a test
//     walks the router to check the two agree.
//   - errors.go: THE mapping from matcher error codes to HTTP statuses, and
//     the application/problem+json body (RFC 9457 plus a Chinese "message"
//     and an English "message_en"). Errors that are not *matcher.Error are
//     internal: the client gets "internal server error" and a request id,
//     never the text, and never a stack trace.
//   - auth.go: API keys. A key is "jm_" plus 160 random bits (crypto/rand,
//     base32), shown once and stored only as its SHA-256 (a slow hash buys
//     nothing against 160 random bits). Keys have a role (portal, counselor,
//     admin), a scope (a counselor's district, a portal's post source), an
//     expiry and a revocation time. Looked-up keys are cached for two
//     seconds, the longest a revocation takes to bite on a replica.
//   - keys.go: making keys (KeySpec, CreateKey, shared with the command
//     line) and the admin key routes: POST /v1/keys, GET /v1/keys, DELETE
//     /v1/keys/{id}, so keys are managed while the service runs on either
//     store. A revocation through a server drops the key from its cache at
//     once; other replicas stop accepting it within KeyCacheTTL. Keys may
//     carry their own rate and burst (the server's are the default).
//   - ratelimit.go: token buckets (golang.org/x/time/rate) per key; an
//     empty bucket is a 429 with Retry-After, the wait a reservation
//     gives.
//   - decode.go, params.go: hard limits on input. Bodies must be JSON,
//     valid UTF-8 and under a size limit (413); they are decoded by
//     github.com/go-json-experiment/json (encoding/json/v2), in time linear
//     in their size: unknown fields, names differing from a field's only in
//     case, wrong types, duplicate names anywhere and nesting beyond 10,000
//     levels are 400s naming the field; unknown or repeated
//     query parameters are 400s; limit is clamped to 1..100; full-width
//     digits are folded.
//   - posts.go, graduates.go: the handlers. A portal writes only its own
//     source's posts; posts sent over the API go through the same converter
//     as imported rows (convert.PostFromRow), so they normalise identically.
//     POST /v1/recommendations reads the shared convert.Profile
//     (docs/profile.md, the CLI's --profile), its errors naming
//     "profile.<field>". Feedback must name a stored post or course; its
//     graduate_id is a stored graduate (a counselor's: of their district)
//     for people's keys, and a portal's own opaque id, stored as given
//     with the portal as source, for portal keys. Times that are not
//     known are absent from responses, never Go's zero time.
//     Counselors reach only their district's graduates. A record outside the
//     caller's scope is a 404, exactly like one that does not exist — on
//     writes too: a counselor's PUT updates only, so an unused ID and
//     another district's answer alike, and counselors register graduates
//     with POST /v1/graduates (the server picks the ID). Refused attempts
//     (failed authentication, a role or scope refusal) are audited with
//     the client's address. What each role sees is decided in masking.go
//     so that no field undoes the mask: counselors get the age instead of
//     the birth date and the national ID as 650102**********34, and ID-
//     and phone-shaped runs in notes are masked; hardship is shown only to
//     counselors and admin. The times the server keeps (registered_at,
//     contacted_at, placed_at, updated_at) are refused on input unless sent
//     back unchanged; IDs the API stores must be canonical (ids.go). Every
//     read of a graduate by a person (profile, recommendations, candidate
//     lists, writes, deletes) is written to the audit log before the data
//     is served — if the audit write fails, the data is not served.
//   - audit.go: the audit log's group commit, committed on demand. A
//     handler hands its entries in as soon as it knows whom it reads and
//     waits for them just before it answers; the first request to wait
//     commits every entry handed in so far as one group (one sync), and
//     entries arriving while every commit slot is in flight go in the next
//     group as soon as one returns. No response is written before the
//     commit holding its entries has returned: the acknowledgement follows
//     the sync of the group. The recommendations handler computes its list
//     between the two; a list of graduates (caseload, candidates) is one
//     group, written with the store's AuditBatch. PostgreSQL: one
//     transaction per group, one slot. Embedded: the group is appended to
//     the audit journal beside the bbolt file and fdatasynced once (two
//     slots: a group's sync may start while the previous one's is in
//     flight), and folded into bbolt in the background (store/bolt).
//   - recommend.go: GET /v1/graduates/{id}/recommendations. On PostgreSQL
//     the server holds each graduate it read with the row's version; the
//     request's audit commit reads the current version in the same
//     statement, and a copy written since (any replica) is read again
//     before anything is served.
//   - casework.go: the counselors' casework behind the workspace: the
//     caseload (GET /v1/graduates: a counselor's district, filters by
//     status or status group — looking: unregistered or seeking; settled:
//     placed, employed or studying —, hardship and "contact overdue" —
//     still looking, registered more than the policy's contact_sla_days
//     ago and never contacted; overdue first, then the others still
//     looking, then the settled), the district
//     dashboard against the policy's milestones (GET /v1/caseload/summary),
//     the 一人一策 shortlist (the fold of the stored edits, checked against
//     policy.Shortlist — a settled graduate is asked for nothing —, with
//     the subsidies whose rules apply) and the
//     contact log, whose first contact that reaches the graduate sets
//     contacted_at. Same scope, masking and audit rules as graduates.go.
//   - the workspace itself (package api/web, embedded HTML/CSS/JS) is
//     served at /workspace/ by Handler, outside the route table: static
//     files are not API operations and are not in the OpenAPI document.
//   - follow.go: replicas. Every replica keeps its own bleve index and
//     matching engine, derived from the shared store; Follow polls the
//     store's change feed (PostChanges) and applies what other replicas
//     wrote, so a post written through any replica is searchable on all of
//     them within about one poll interval.
//   - published.go: a stored graduate's default list (no filter) is read
//     from the published nightly batch run when the run is under 36 h old
//     and the graduate has not changed since it began; posts filled or
//     closed since are dropped, and whatever the run cannot answer exactly
//     is computed online (X-Recommendation-Source says which). Online
//     engine calls are bounded (4 × GOMAXPROCS in flight); a request that
//     cannot get a slot within 2 s is a 503 with Retry-After rather than
//     one more entry in a queue that makes every request slow.
//   - metrics.go: Prometheus metrics on a registry per Server (request
//     counts and latency histograms per route template, matcher and search
//     timings, index size, feed position), /healthz and /readyz.
//   - server.go: the middleware (request id, recover, the failed-
//     authentication throttle per client address — 429 with Retry-After —,
//     authentication, rate limit, role check, access log, metrics), the
//     http.Server timeouts against slow clients, and graceful shutdown.
//     headers.go sets the security headers of every response (nosniff,
//     no framing, no referrer, a CSP; HSTS over TLS); clientaddr.go finds
//     the client's address, believing X-Forwarded-For only from
//     Config.TrustedProxies. /metrics needs an admin key on the API's
//     address; MetricsHandler serves it keyless on a listener of its own.
//
// Personal data never reaches the logs: the access log holds the request
// id, client address, key id, method, route template, status and
// duration — never a raw
// path, a query string or a body — and validation errors about national
// IDs and phones do not echo the value.
//
// The package depends on matcher, index, store (for ids) and ingest (for
// the normalisers); nothing imports it but cmd/jobmatch and benchmarks.
package api
