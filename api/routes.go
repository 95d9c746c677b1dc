package api

import (
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"sync"

	"github.com/gorilla/mux"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// route is one endpoint: the router and the OpenAPI document are both built
// from the table below, and TestOpenAPIMatchesRouter checks that what the
// router serves and what the document promises are the same set.
type route struct {
	Method  string
	Path    string // gorilla/mux template, also the OpenAPI path and the metrics label
	OpID    string
	Summary string
	Roles   []matcher.Role // nil: open (no key)
	Query   []param        // the query parameters accepted; any other is a 400
	Body    string         // components/schemas name of the request body, "" for none
	Resp    string         // components/schemas name of the 200/201 body, "" for none
	Status  int            // success status (default 200)
	// Produces is the media type of a success body that is not JSON
	// (a PDF, an XLSX download).
	Produces string
	Handler  func(s *Server, w http.ResponseWriter, r *http.Request) error
}

type param struct {
	Name, Type, Desc string
}

var (
	anyRole  = []matcher.Role{matcher.RolePortal, matcher.RoleCounselor, matcher.RoleAdmin}
	people   = []matcher.Role{matcher.RoleCounselor, matcher.RoleAdmin}
	writers  = []matcher.Role{matcher.RolePortal, matcher.RoleAdmin}
	admins   = []matcher.Role{matcher.RoleAdmin}
	limitP   = param{"limit", "integer", "items to return, 1–100 (larger values are clamped to 100)"}
	channelP = param{"channel", "string", "only this channel: public_sector, state_owned, sme, grassroots, military, self_employed (or its Chinese name)"}
	kindRecP = param{"kind", "string", "job, internship or course (default: jobs and internships)"}
	searchPs = []param{{"q", "string", "search text (≤ 200 characters)"}, channelP, {"district", "string", "only this district"}, {"degree", "string", "the searcher's degree: only posts it qualifies for"}, {"kind", "string", "job or internship"}, {"type", "string", "post (default) or course"}, limitP, {"offset", "integer", "results to skip, 0–10000"}}
	recPs    = []param{limitP, channelP, kindRecP}
	candPs   = []param{limitP}
)

// routes is THE list of endpoints.
func routes() []*route {
	return []*route{
		{Method: "GET", Path: "/healthz", OpID: "healthz", Summary: "Liveness: the process answers", Resp: "Health", Handler: (*Server).healthz},
		{Method: "GET", Path: "/readyz", OpID: "readyz", Summary: "Readiness: the store and the index are reachable", Resp: "Ready", Handler: (*Server).readyz},
		{Method: "GET", Path: "/metrics", OpID: "metrics", Summary: "Prometheus metrics (text exposition format); admin keys only here, or without a key on the separate --metrics-addr listener", Roles: admins, Handler: (*Server).metricsHandler},
		{Method: "GET", Path: "/v1/openapi.json", OpID: "openapi", Summary: "This document", Handler: (*Server).openapi},

		{Method: "GET", Path: "/v1/posts/search", OpID: "searchPosts", Summary: "Search open posts (or courses) with channel and district facets", Roles: anyRole, Query: searchPs, Resp: "SearchResult", Handler: (*Server).searchPosts},
		{Method: "POST", Path: "/v1/posts:batchUpsert", OpID: "batchUpsertPosts", Summary: "Create or update up to 1000 posts at once (a portal writes only its own source's posts)", Roles: writers, Body: "BatchUpsertRequest", Resp: "BatchUpsertResult", Handler: (*Server).batchUpsertPosts},
		{Method: "GET", Path: "/v1/posts/{id}", OpID: "getPost", Summary: "One post by id (source:external_id)", Roles: anyRole, Resp: "Post", Handler: (*Server).getPost},
		{Method: "PUT", Path: "/v1/posts/{id}", OpID: "putPost", Summary: "Create or update one post (a portal writes only its own source's posts)", Roles: writers, Body: "PostInput", Resp: "UpsertResult", Handler: (*Server).putPost},
		{Method: "GET", Path: "/v1/posts/{id}/candidates", OpID: "postCandidates", Summary: "The best-fitting graduates for a post (a counselor sees only their district's)", Roles: people, Query: candPs, Resp: "Candidates", Handler: (*Server).postCandidates},

		{Method: "GET", Path: "/v1/graduates/{id}", OpID: "getGraduate", Summary: "One graduate (masked by role; audited)", Roles: people, Resp: "Graduate", Handler: (*Server).getGraduate},
		{Method: "PUT", Path: "/v1/graduates/{id}", OpID: "putGraduate", Summary: "Update a graduate (admins may also create one under a canonical ID; audited)", Roles: people, Body: "Graduate", Resp: "GraduateUpsertResult", Handler: (*Server).putGraduate},
		{Method: "DELETE", Path: "/v1/graduates/{id}", OpID: "deleteGraduate", Summary: "Delete a graduate on request, with everything derived from them (audited)", Roles: people, Status: http.StatusNoContent, Handler: (*Server).deleteGraduate},
		{Method: "GET", Path: "/v1/graduates/{id}/recommendations", OpID: "graduateRecommendations", Summary: "Ranked, explained recommendations for a stored graduate (audited)", Roles: people, Query: recPs, Resp: "Recommendations", Handler: (*Server).graduateRecommendations},

		{Method: "GET", Path: "/v1/me", OpID: "whoami", Summary: "The calling key's role and scope (the workspace's sign-in check)", Roles: people, Resp: "Me", Handler: (*Server).whoami},
		{Method: "POST", Path: "/v1/graduates", OpID: "createGraduate", Summary: "Register a new graduate under an ID the server picks (counselors: in their district; audited)", Roles: people, Body: "Graduate", Resp: "GraduateUpsertResult", Status: http.StatusCreated, Handler: (*Server).createGraduate},
		{Method: "GET", Path: "/v1/graduates", OpID: "listGraduates", Summary: "The caseload: the caller's graduates, filtered and paged, overdue contacts first (masked by role; audited)", Roles: people, Query: caseloadPs, Resp: "Caseload", Handler: (*Server).listGraduates},
		{Method: "GET", Path: "/v1/caseload/summary", OpID: "caseloadSummary", Summary: "District dashboard: registration and placement rates against the plan's milestones, contacts overdue", Roles: people, Query: summaryPs, Resp: "CaseloadSummary", Handler: (*Server).caseloadSummary},
		{Method: "GET", Path: "/v1/graduates/{id}/shortlist", OpID: "getShortlist", Summary: "The graduate's 一人一策 shortlist, its check against the policy and the subsidies that apply (audited)", Roles: people, Resp: "Shortlist", Handler: (*Server).getShortlist},
		{Method: "POST", Path: "/v1/graduates/{id}/shortlist", OpID: "editShortlist", Summary: "Add, remove, pin or unpin a post, internship or course on the shortlist (audited)", Roles: people, Body: "ShortlistEdit", Resp: "Shortlist", Handler: (*Server).editShortlist},
		{Method: "GET", Path: "/v1/caseload/charts/milestones.svg", OpID: "chartMilestones", Summary: "Chart (SVG): each milestone's rate against its target, for the caller's scope", Roles: people, Query: chartPs, Produces: "image/svg+xml", Handler: (*Server).milestonesChart},
		{Method: "GET", Path: "/v1/caseload/charts/districts.svg", OpID: "chartDistricts", Summary: "Chart (SVG): the districts' registration and placement rates compared (a counselor: their own district)", Roles: people, Query: chartPs, Produces: "image/svg+xml", Handler: (*Server).districtsChart},
		{Method: "GET", Path: "/v1/caseload/charts/contacts.svg", OpID: "chartContacts", Summary: "Chart (SVG): first contacts overdue and due on each of the next 14 days", Roles: people, Query: chartPs, Produces: "image/svg+xml", Handler: (*Server).contactsChart},
		{Method: "GET", Path: "/v1/caseload/charts/plans.svg", OpID: "chartPlans", Summary: "Chart (SVG): 一人一策 plans complete against those missing posts or courses", Roles: people, Query: chartPs, Produces: "image/svg+xml", Handler: (*Server).plansChart},
		{Method: "GET", Path: "/v1/graduates/{id}/handout", OpID: "getHandout", Summary: "The graduate's 一人一策 handout: what they can act on, with the counselor and the bureau's header (audited); the print view renders it", Roles: people, Resp: "Handout", Handler: (*Server).getHandout},
		{Method: "GET", Path: "/v1/graduates/{id}/handout.pdf", OpID: "getHandoutPDF", Summary: "The handout as a PDF, A4, one page (audited); 503 when the server has no CJK font", Roles: people, Produces: "application/pdf", Handler: (*Server).getHandoutPDF},
		{Method: "GET", Path: "/v1/caseload/handouts", OpID: "listHandouts", Summary: "The handouts of the caller's 一人一策 caseload (hardship graduates still looking; each audited); 503 with Retry-After while another district document is being built", Roles: people, Query: handoutPs, Resp: "Handouts", Handler: (*Server).listHandouts},
		{Method: "GET", Path: "/v1/caseload/handouts.pdf", OpID: "listHandoutsPDF", Summary: "The caseload's handouts as one PDF, one graduate a page (each audited); 503 with Retry-After while another district document is being built", Roles: people, Query: handoutPs, Produces: "application/pdf", Handler: (*Server).listHandoutsPDF},
		{Method: "GET", Path: "/v1/caseload/plans.xlsx", OpID: "plansXLSX", Summary: "The caseload's 一人一策 plans as XLSX, one row a plan item; cells starting with = + - @ escaped (each graduate audited); 503 with Retry-After while another district document is being built", Roles: people, Query: handoutPs, Produces: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", Handler: (*Server).plansXLSX},
		{Method: "GET", Path: "/v1/graduates/{id}/contacts", OpID: "listContacts", Summary: "The graduate's contact log (audited)", Roles: people, Resp: "Contacts", Handler: (*Server).listContacts},
		{Method: "POST", Path: "/v1/graduates/{id}/contacts", OpID: "logContact", Summary: "Log a contact; the first one that reaches the graduate sets contacted_at (audited)", Roles: people, Body: "ContactInput", Resp: "Contacts", Status: http.StatusCreated, Handler: (*Server).logContact},

		{Method: "POST", Path: "/v1/session", OpID: "signIn", Summary: "Sign in with a name and password: sets the HttpOnly session cookie and answers the CSRF token to send as X-CSRF-Token (throttled per address and per name)", Body: "SignIn", Resp: "Me", Handler: (*Server).signIn},
		{Method: "DELETE", Path: "/v1/session", OpID: "signOut", Summary: "Sign out: ends the session and clears the cookie and the site's storage (audited)", Roles: people, Status: http.StatusNoContent, Handler: (*Server).signOut},
		{Method: "POST", Path: "/v1/users", OpID: "createUser", Summary: "Create a counselor's or an administrator's account (password hashed with argon2id; audited)", Roles: admins, Body: "UserRequest", Resp: "UserCreated", Status: http.StatusCreated, Handler: (*Server).createUser},
		{Method: "GET", Path: "/v1/users", OpID: "listUsers", Summary: "Every account, by name (never a password hash)", Roles: admins, Resp: "UserList", Handler: (*Server).listUsers},
		{Method: "POST", Path: "/v1/users/{name}/disable", OpID: "disableUser", Summary: "Disable an account: it cannot sign in and its sessions end (audited)", Roles: admins, Resp: "UserCreated", Handler: (*Server).disableUser},
		{Method: "POST", Path: "/v1/users/{name}/password", OpID: "resetPassword", Summary: "Set a new password (enables a disabled account; its sessions end; audited)", Roles: admins, Body: "PasswordReset", Resp: "UserCreated", Handler: (*Server).resetPassword},
		{Method: "GET", Path: "/v1/runs", OpID: "listRuns", Summary: "The nightly batch's runs, newest first, each with its report's summary in words and whether it is the run served", Roles: people, Query: runsPs, Resp: "RunList", Handler: (*Server).listRuns},
		{Method: "POST", Path: "/v1/runs/prune", OpID: "pruneRuns", Summary: "Delete the lists of the runs older than the newest keep published (at least 2; the served run, runs in progress, runs failed after the served one and runs being read keep theirs; every run's record and report stay), as `jobmatch runs prune` does; dry_run says what would go and deletes nothing (audited when lists are deleted)", Roles: admins, Body: "PruneRequest", Resp: "PruneResult", Handler: (*Server).pruneRuns},
		{Method: "GET", Path: "/v1/runs/{id}", OpID: "getRun", Summary: "One run (latest: the published one) and its report: the summary in words, coverage by channel and district, exposure before and after the capacity pass, the diff against the previous run", Roles: people, Resp: "RunDetail", Handler: (*Server).getRun},

		{Method: "POST", Path: "/v1/keys", OpID: "createKey", Summary: "Create an API key while the service runs (the secret is in this response only; audited)", Roles: admins, Body: "KeyRequest", Resp: "KeyCreated", Status: http.StatusCreated, Handler: (*Server).createKey},
		{Method: "GET", Path: "/v1/keys", OpID: "listKeys", Summary: "Every API key, oldest first, with its status and rate limit (never its hash)", Roles: admins, Resp: "KeyList", Handler: (*Server).listKeys},
		{Method: "POST", Path: "/v1/policy/reload", OpID: "reloadPolicy", Summary: "Read the policy again (the --policy file, or the embedded one), validate it and apply it to every request from now on: next year's plan without a restart (audited; a file that does not validate changes nothing)", Roles: admins, Resp: "PolicyReloaded", Handler: (*Server).reloadPolicy},
		{Method: "DELETE", Path: "/v1/keys/{id}", OpID: "revokeKey", Summary: "Revoke an API key: refused at once here, within seconds on other replicas (audited)", Roles: admins, Status: http.StatusNoContent, Handler: (*Server).revokeKey},

		{Method: "POST", Path: "/v1/recommendations", OpID: "profileRecommendations", Summary: "Recommendations for a profile that is not stored; personal data is refused", Roles: anyRole, Body: "ProfileRequest", Resp: "Recommendations", Handler: (*Server).profileRecommendations},
		{Method: "POST", Path: "/v1/feedback", OpID: "recordFeedback", Summary: "Record what a graduate did with a recommended post", Roles: anyRole, Body: "Feedback", Resp: "FeedbackAccepted", Status: http.StatusAccepted, Handler: (*Server).recordFeedback},
	}
}

// newRouter builds the gorilla/mux router from the route table.
func (s *Server) newRouter() *mux.Router {
	r := mux.NewRouter()
	// No path cleaning: "/v1/posts/../../etc" is answered 404 by the
	// router, not redirected somewhere else.
	r.SkipClean(true)
	for _, rt := range routes() {
		r.Methods(rt.Method).Path(rt.Path).Name(rt.OpID).Handler(s.wrap(rt))
	}
	notFound := &route{Path: "unmatched", Handler: func(s *Server, w http.ResponseWriter, r *http.Request) error {
		return matcher.Errorf(matcher.ENOTFOUND, "没有这个接口", "no such endpoint")
	}}
	r.NotFoundHandler = s.wrap(notFound)
	notAllowed := &route{Path: "method_not_allowed", Handler: func(s *Server, w http.ResponseWriter, r *http.Request) error {
		return matcher.Errorf(eMethodNotAllowed, "该接口不支持此方法", "method not allowed for this endpoint")
	}}
	r.MethodNotAllowedHandler = s.wrap(notAllowed)
	return r
}

// OpenAPI returns the OpenAPI 3 document of the API, built from the route
// table.
func OpenAPI() map[string]any {
	paths := map[string]any{}
	for _, rt := range routes() {
		item, _ := paths[rt.Path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[rt.Path] = item
		}
		op := map[string]any{"operationId": rt.OpID, "summary": rt.Summary}
		var params []any
		if strings.Contains(rt.Path, "{id}") {
			params = append(params, map[string]any{"name": "id", "in": "path", "required": true, "schema": map[string]any{"type": "string", "maxLength": 200}})
		}
		for _, p := range rt.Query {
			params = append(params, map[string]any{"name": p.Name, "in": "query", "description": p.Desc, "schema": map[string]any{"type": p.Type}})
		}
		if params != nil {
			op["parameters"] = params
		}
		if rt.Body != "" {
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{"schema": ref(rt.Body)}}}
		}
		status := rt.Status
		if status == 0 {
			status = http.StatusOK
		}
		ok := map[string]any{"description": http.StatusText(status)}
		switch {
		case rt.Resp != "":
			ok["content"] = map[string]any{"application/json": map[string]any{"schema": ref(rt.Resp)}}
		case rt.Produces != "":
			ok["content"] = map[string]any{rt.Produces: map[string]any{"schema": map[string]any{"type": "string", "format": "binary"}}}
		case rt.OpID == "metrics":
			ok["content"] = map[string]any{"text/plain": map[string]any{"schema": map[string]any{"type": "string"}}}
		}
		resps := map[string]any{itoa(status): ok, "default": problemResp("error")}
		if rt.Roles != nil {
			var roles []string
			for _, r := range rt.Roles {
				roles = append(roles, string(r))
			}
			op["security"] = []any{map[string]any{"bearer": []any{}}}
			op["x-roles"] = roles
			resps["401"] = problemResp("no key, or an unknown, expired or revoked key")
			resps["403"] = problemResp("the key's role may not use this endpoint")
			resps["429"] = problemResp("rate limit exceeded; see Retry-After")
		}
		if rt.Body != "" || rt.Query != nil {
			resps["400"] = problemResp("invalid request: the field is named")
		}
		if rt.Body != "" {
			resps["413"] = problemResp("request body too large")
		}
		switch {
		case strings.Contains(rt.Path, "{id}"):
			resps["404"] = problemResp("no such record, or one outside the caller's scope (the two are not told apart)")
		case rt.OpID == "recordFeedback":
			resps["404"] = problemResp("post_id names no stored post or course, or (counselor, admin) graduate_id no stored graduate of the caller's scope; the field is named")
		}
		op["responses"] = resps
		item[strings.ToLower(rt.Method)] = op
	}
	return map[string]any{
		"openapi": "3.0.3",
		"info": map[string]any{
			"title":       "jobmatch API",
			"version":     "1",
			"description": "Job matching for Urumqi's graduate-employment plan: posts search, recommendations for stored graduates and for portal-supplied profiles, reverse matching, feedback. Keys: Authorization: Bearer KEY, roles portal, counselor and admin.",
		},
		"paths": paths,
		"components": map[string]any{
			"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer"}},
			"schemas":         schemas,
		},
	}
}

func ref(name string) map[string]any { return map[string]any{"$ref": "#/components/schemas/" + name} }

func problemResp(desc string) map[string]any {
	return map[string]any{"description": desc, "content": map[string]any{"application/problem+json": map[string]any{"schema": ref("Problem")}}}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// openAPIPaths lists "METHOD path" for every operation in doc, sorted.
func openAPIPaths(doc map[string]any) []string {
	var out []string
	for p, item := range doc["paths"].(map[string]any) {
		for m := range item.(map[string]any) {
			out = append(out, strings.ToUpper(m)+" "+p)
		}
	}
	sort.Strings(out)
	return out
}

func obj(props map[string]any, required ...string) map[string]any {
	o := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		o["required"] = required
	}
	return o
}

var (
	str     = map[string]any{"type": "string"}
	integer = map[string]any{"type": "integer"}
	number  = map[string]any{"type": "number"}
	boolean = map[string]any{"type": "boolean"}
	strs    = map[string]any{"type": "array", "items": str}
	date    = map[string]any{"type": "string", "format": "date"}
	stamp   = map[string]any{"type": "string", "format": "date-time"}
	// stampOpt is a time that may be unknown: then the field is absent,
	// never Go's zero time (0001-01-01T00:00:00Z).
	stampOpt = map[string]any{"type": "string", "format": "date-time", "description": "absent when unknown"}
)

func arrayOf(v any) map[string]any { return map[string]any{"type": "array", "items": v} }

// schemas are the components of the document: the JSON shapes the
// handlers read and write.
var schemas = map[string]any{
	"Problem": obj(map[string]any{
		"type": str, "title": str, "status": integer, "detail": str,
		"code": str, "message": map[string]any{"type": "string", "description": "中文"}, "message_en": str,
		"field": str, "request_id": str,
	}, "type", "title", "status", "code", "message", "message_en"),
	"Health": obj(map[string]any{"status": str}),
	"Ready":  obj(map[string]any{"status": str, "store": str, "index": str, "index_documents": integer, "feed_seq": integer}),
	"Salary": obj(map[string]any{"raw": str, "min": number, "max": number, "period": map[string]any{"type": "string", "enum": []string{"month", "day", "hour", "year"}}, "months": integer, "negotiable": boolean, "inverted": boolean, "open_ended": boolean}),
	"Post": obj(map[string]any{
		"id": str, "source": str, "external_id": str, "kind": str, "channel": str, "title": str, "employer": str,
		"employer_type": str, "district": str, "address": str, "description": str, "majors": strs, "major_codes": strs,
		"degree_min": map[string]any{"type": "integer", "description": "0 不限, 1 中专/高中, 2 大专, 3 本科, 4 硕士, 5 博士"},
		"experience": str, "experience_min": integer, "salary": ref("Salary"), "headcount": integer, "filled": integer,
		"age_max": integer, "age_min": integer, "hukou_required": str, "public_welfare": boolean, "posted_at": stampOpt,
		"deadline": stampOpt, "occupation": str, "skills": strs, "certificates": strs, "status": str, "duplicate_of": str, "updated_at": stampOpt,
	}),
	"PostInput": postInputSchema(false),
	"BatchUpsertRequest": obj(map[string]any{
		"posts": map[string]any{"type": "array", "maxItems": maxBatch, "items": postInputSchema(true)},
	}, "posts"),
	"UpsertResult":      obj(map[string]any{"id": str, "outcome": map[string]any{"type": "string", "enum": []string{"inserted", "updated", "unchanged"}}, "post": ref("Post")}),
	"BatchUpsertResult": obj(map[string]any{"inserted": integer, "updated": integer, "unchanged": integer, "results": arrayOf(obj(map[string]any{"id": str, "outcome": str}))}),
	"SearchResult": obj(map[string]any{
		"total": integer, "limit": integer, "offset": integer, "took_ms": number,
		"hits":   arrayOf(map[string]any{"type": "object", "description": "a post or course hit: id, score, title, employer, district, channel, …"}),
		"facets": map[string]any{"type": "object", "additionalProperties": arrayOf(obj(map[string]any{"term": str, "count": integer}))},
	}),
	"Graduate": obj(map[string]any{
		"name":        str,
		"id":          map[string]any{"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", "description": "canonical: letters, digits, '.', '_', '-' (a record imported from a file keeps its own)"},
		"national_id": map[string]any{"type": "string", "description": "masked (650102**********34: region and the last two characters) for every role but admin; a masked value sent back keeps the stored one"},
		"phone":       map[string]any{"type": "string", "description": "masked (138****8000) for every role but admin; a masked value sent back keeps the stored one"},
		"gender":      str, "school": str, "major": str, "major_code": str,
		"birth_date":      map[string]any{"type": "string", "format": "date-time", "description": "shown to admins only; may be written by counselors; left out, the stored one is kept"},
		"age":             map[string]any{"type": "integer", "description": "years, as of the service's date; read-only (sent back, it must be what birth_date gives)"},
		"degree":          map[string]any{"type": "integer", "description": "0 不限, 1 中专/高中, 2 大专, 3 本科, 4 硕士, 5 博士"},
		"graduation_year": integer, "hukou_district": str, "residence_district": str, "skills": strs, "certificates": strs,
		"preferred_channels": strs, "preferred_districts": strs, "expected_salary": number,
		"hardship":      map[string]any{"type": "array", "items": str, "description": "counselors and admin only"},
		"status":        str,
		"registered_at": map[string]any{"type": "string", "format": "date-time", "description": "kept by the server (set when the status first leaves unregistered); refused on input unless unchanged"},
		"contacted_at":  map[string]any{"type": "string", "format": "date-time", "description": "kept by the server (the first contact that reaches the graduate); refused on input unless unchanged"},
		"placed_at":     map[string]any{"type": "string", "format": "date-time", "description": "kept by the server (set when the status becomes placed, employed or studying); refused on input unless unchanged"},
		"updated_at":    map[string]any{"type": "string", "format": "date-time", "description": "kept by the server; refused on input unless unchanged"},
	}),
	"KeyRequest": obj(map[string]any{
		"role": map[string]any{"type": "string", "enum": []string{"portal", "counselor", "admin"}}, "name": str,
		"district":   map[string]any{"type": "string", "description": "counselor keys: one of Urumqi's districts"},
		"source":     map[string]any{"type": "string", "description": "portal keys: the post source they write"},
		"expires_in": map[string]any{"type": "string", "description": "a duration such as 720h; absent: never expires"},
		"rate":       map[string]any{"type": "number", "minimum": 0, "description": "requests a second for this key; 0: the server's default"},
		"burst":      map[string]any{"type": "integer", "minimum": 0, "description": "requests at once; 0: the server's default"},
	}, "role"),
	"Key": obj(map[string]any{
		"id": str, "name": str, "role": str, "district": str, "source": str, "created_at": stamp, "expires_at": stampOpt, "revoked_at": stampOpt,
		"status": map[string]any{"type": "string", "enum": []string{"active", "expired", "revoked"}}, "rate": number, "burst": integer,
	}),
	"PolicyReloaded":       obj(map[string]any{"year": map[string]any{"type": "integer"}, "source": map[string]any{"type": "string", "description": "the plan's title"}}),
	"KeyCreated":           obj(map[string]any{"secret": map[string]any{"type": "string", "description": "shown once; only its hash is stored"}, "key": ref("Key")}),
	"KeyList":              obj(map[string]any{"keys": arrayOf(ref("Key")), "default_rate": number, "default_burst": integer}),
	"GraduateUpsertResult": obj(map[string]any{"id": str, "outcome": str, "graduate": ref("Graduate")}),
	"Profile":              profileSchema(),
	"ProfileRequest":       obj(map[string]any{"profile": ref("Profile"), "limit": integer, "channel": str, "kind": str}, "profile"),
	"Item": obj(map[string]any{
		"post_id": str, "rank": integer, "score": number, "kind": str, "channel": str, "title": str, "employer": str,
		"district": str, "salary": ref("Salary"), "reasons": strs,
		"contributions": map[string]any{"type": "object", "additionalProperties": number},
	}),
	"Recommendations": obj(map[string]any{
		"graduate_id": str, "items": arrayOf(ref("Item")),
		"excluded": map[string]any{"type": "object", "additionalProperties": integer},
	}),
	"Candidates": obj(map[string]any{"post_id": str, "candidates": arrayOf(map[string]any{"type": "object"})}),
	"Feedback": obj(map[string]any{
		"id":          str,
		"graduate_id": map[string]any{"type": "string", "maxLength": maxIDLen, "description": "counselor and admin keys: a stored graduate (a counselor's: of their district), else 404 naming graduate_id. Portal keys: the portal's own opaque id for its user, stored as given and meaningful only with the event's source (the portal)"},
		"post_id":     map[string]any{"type": "string", "maxLength": maxIDLen, "description": "a stored post or course (source:external_id), else 404 naming post_id"},
		"type":        map[string]any{"type": "string", "enum": []string{"impression", "click", "apply", "interview", "hire", "dismiss"}},
		"at":          stamp,
	}, "graduate_id", "post_id", "type"),
	"FeedbackAccepted": obj(map[string]any{"id": str}),
}

// postInputSchema is a post as PUT (withID false: the id is the path's)
// and batchUpsert (withID true) take it. Required is what the handler
// requires: title and employer (convert.PostFromRow), and in a batch the
// external_id. channel is optional in both: when absent it is derived
// from employer_type.
func postInputSchema(withID bool) map[string]any {
	props := map[string]any{
		"kind":    map[string]any{"type": "string", "enum": []string{"job", "internship"}},
		"channel": map[string]any{"type": "string", "description": "public_sector, state_owned, sme, grassroots, military, self_employed or its Chinese name; when absent, derived from employer_type (机关、事业单位 → public_sector, 国企、国有 → state_owned, else sme)"},
		"title":   str, "employer": str, "employer_type": str, "district": str, "address": str, "description": str,
		"majors": strs, "degree_min": map[string]any{"type": "string", "description": "不限, 中专, 大专, 本科, 硕士, 博士 or the codes none … doctor"},
		"experience": str, "salary": map[string]any{"type": "string", "description": "as published: 3000-5000元/月, 8k-12k, 面议 …"},
		"headcount": integer, "filled": integer, "age_min": integer, "age_max": integer, "hukou_required": str,
		"public_welfare": boolean, "posted_at": date, "deadline": date, "occupation": str, "skills": strs, "certificates": strs,
		"status": map[string]any{"type": "string", "enum": []string{"open", "filled", "closed"}},
	}
	props["source"] = map[string]any{"type": "string", "description": "a portal's key writes only its own source, the default; an admin must give it"}
	props["external_id"] = str
	req := []string{"title", "employer"}
	if withID {
		req = append(req, "external_id")
	}
	return obj(props, req...)
}

// profileSchema is convert.Profile (docs/profile.md), the one form of a
// profile; TestProfileSchemaMatchesIngest holds the two to the same fields.
func profileSchema() map[string]any {
	o := obj(map[string]any{
		"school":              str,
		"major":               map[string]any{"type": "string", "description": "a major by name or alias at any catalogue level (会计学, 计科, 护理, 计算机类); a name the catalogues do not know is accepted, its 专业类 inferred from its words where they point to one"},
		"major_code":          map[string]any{"type": "string", "description": "a catalogue code (120203K); must agree with major when both are given"},
		"degree":              map[string]any{"type": "string", "description": "中专/高中, 大专/专科, 本科, 硕士, 博士 (or secondary, associate, bachelor, master, doctor)"},
		"graduation_year":     map[string]any{"type": "integer", "minimum": 1950, "maximum": 2100},
		"age":                 map[string]any{"type": "integer", "minimum": 14, "maximum": 80, "description": "stands in for the birth date"},
		"gender":              map[string]any{"type": "string", "description": "男/女 (male/female)"},
		"hukou_district":      str,
		"residence_district":  str,
		"skills":              strs,
		"certificates":        strs,
		"preferred_channels":  map[string]any{"type": "array", "items": str, "description": "public_sector, state_owned, sme, grassroots, military, self_employed or their Chinese names"},
		"preferred_districts": strs,
		"expected_salary":     map[string]any{"type": "number", "minimum": 0, "maximum": 1000000, "description": "yuan a month"},
		"status":              map[string]any{"type": "string", "description": "seeking (default), unregistered, placed, employed, studying, or 求职中, 未登记, 已落实, 在职, 升学"},
	})
	o["additionalProperties"] = false
	o["description"] = "A graduate described for matching only (docs/profile.md). Personal data (id, name, national_id, phone, birth_date, hardship) is refused with a 400 naming the field, as are unknown fields and values the normalisers cannot read."
	return o
}

func (s *Server) openapi(w http.ResponseWriter, r *http.Request) error {
	openAPIOnce.Do(func() { openAPIJSON, _ = json.Marshal(OpenAPI()) })
	w.Header().Set("Content-Type", "application/json")
	_, err := w.Write(openAPIJSON)
	return err
}

// The document is built on first request: building it at package
// initialisation would make the route table depend on itself.
var (
	openAPIOnce sync.Once
	openAPIJSON []byte
)
