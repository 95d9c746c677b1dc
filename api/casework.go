package api

import (
	"maps"
	"net/http"
	"reflect"
	"strings"
	"time"

	"github.com/urumqi-hrss/jobmatch/ingest/normalize"
	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/casework"
	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
	"github.com/urumqi-hrss/jobmatch/store"
)

// This file holds the counselors' casework endpoints behind the workspace
// (api/web): the caseload and its dashboard, the 一人一策 plan and the
// contact log. Each handler decodes the request, calls one operation of
// matcher/casework (where the rules live) and encodes the answer. They
// follow the graduate endpoints' rules exactly: people only (counselor,
// admin), a counselor reaches only their district (another district's
// graduate is a 404), personal data masked by role, and every read or
// write of a graduate's data audited before it is served — one preamble,
// caseGraduate, does the last three for every per-graduate endpoint.

// caseGraduate is the preamble of every per-graduate endpoint that reads
// or deletes (GET and DELETE /v1/graduates/{id} and the casework): the
// {id} graduate for the caller (404 outside their scope, see
// pathGraduate), with the person's access audited (action, detail) before
// anything is served. A check that refuses the request on the graduate's
// own data (a contact dated before they registered) runs before the
// audit: a refused write is not an access.
func (s *Server) caseGraduate(r *http.Request, action, detail string, checks ...func(*matcher.Graduate) error) (*matcher.Graduate, error) {
	g, err := s.pathGraduate(r)
	if err != nil {
		return nil, err
	}
	for _, check := range checks {
		if err := check(g); err != nil {
			return nil, err
		}
	}
	if err := s.audit(r, action, detail, g.ID); err != nil {
		return nil, err
	}
	return g, nil
}

// ---------------------------------------------------------------- /v1/me

func (s *Server) whoami(w http.ResponseWriter, r *http.Request) error {
	info := infoFrom(r)
	return writeJSON(w, http.StatusOK, s.me(info.key, info.session))
}

// ------------------------------------------------------- caseload scope

// scopeDistrict returns the district a caseload request covers: a
// counselor's own (asking for another is a 403, not a silent switch), an
// admin's choice or "" for the whole city.
func scopeDistrict(k *matcher.APIKey, raw string) (string, error) {
	d := ""
	if raw != "" {
		d = normalize.District(raw)
		if !catalog.IsUrumqiDistrict(d) {
			return "", invalidField("district", "未知的区（县）：%s", "unknown district %q", clip(raw))
		}
	}
	if k.Role == matcher.RoleCounselor {
		if d != "" && d != k.District {
			return "", matcher.Errorf(matcher.EFORBIDDEN, "就业指导员只能查看本区（%s）的毕业生", "a counselor may only see graduates of their own district (%s)", k.District)
		}
		return k.District, nil
	}
	return d, nil
}

// yesNo reads a yes/no query parameter: "" when absent.
func yesNo(v, name string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "":
		return "", nil
	case "yes", "true", "1", "是":
		return "yes", nil
	case "no", "false", "0", "否":
		return "no", nil
	}
	return "", invalidField(name, "%s 应为 yes 或 no", "%s must be yes or no", name)
}

var (
	districtP   = param{"district", "string", "admin: only this district (a counselor always sees their own)"}
	caseloadPs  = []param{districtP, {"q", "string", "search: words that must all match a part of the name, school or major, or (four digits, the last may be X) the end of the national ID (counselors: the last two of the four, the characters their view shows); at most 6 words, 64 characters"}, {"status", "string", "unregistered, seeking, placed, employed or studying (or the Chinese name); or a group: looking (unregistered or seeking: still looking, 未落实去向) or settled (placed, employed or studying: 已落实去向). Default: all"}, {"hardship", "string", "yes: only 就业困难 graduates; no: only the others"}, {"overdue", "string", "yes: only graduates still looking, registered more than contact_sla_days days ago and never contacted"}, limitP, {"offset", "integer", "results to skip"}}
	summaryPs   = []param{districtP}
	caseListMax = 100
)

// statusGroup reads a status group's name (English or Chinese); "" when v
// is not one.
func statusGroup(v string) string {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case casework.GroupLooking, "未落实", "未落实去向", "尚未落实":
		return casework.GroupLooking
	case casework.GroupSettled, "已落实去向":
		return casework.GroupSettled
	}
	return ""
}

// parseCaseload reads a caseload query into the domain's filter, with the
// caller's scope.
func (s *Server) parseCaseload(r *http.Request, accepted []param) (casework.CaseFilter, map[string][]string, error) {
	k := keyFrom(r)
	f := casework.CaseFilter{Allow: func(g *matcher.Graduate) bool { return inDistrict(k, g) }}
	v, err := query(r, accepted)
	if err != nil {
		return f, nil, err
	}
	if f.District, err = scopeDistrict(k, v.Get("district")); err != nil {
		return f, nil, err
	}
	if st := v.Get("status"); st != "" {
		if f.Group = statusGroup(st); f.Group == "" {
			if f.Status, err = normalize.GraduateStatus(st); err != nil {
				return f, nil, asField("status", err)
			}
		}
	}
	if f.Hardship, err = yesNo(v.Get("hardship"), "hardship"); err != nil {
		return f, nil, err
	}
	// Widths folded first (全角 digits and letters), then parsed; the
	// search is never logged or indexed (casework.CaseQuery).
	if f.Query, err = casework.ParseCaseQuery(normalize.Text(v.Get("q"))); err != nil {
		return f, nil, err
	}
	if k.Role != matcher.RoleAdmin {
		// An ID tail matches on what the role's mask shows (viewNationalID:
		// the last two characters), else the search is an oracle for the
		// two the mask hides (masking.go).
		f.Query.ShownTail(2)
	}
	if f.Overdue, err = yesNo(v.Get("overdue"), "overdue"); err != nil {
		return f, nil, err
	}
	return f, v, nil
}

// maxCaseloadOffset bounds caseload paging far above any city's ledger.
const maxCaseloadOffset = 10_000_000

// CaseSummary is one graduate as the caseload lists them: masked like the
// profile, with the dates a counselor works from and the overdue flag.
type CaseSummary struct {
	ID                string                 `json:"id"`
	Name              string                 `json:"name"`
	NationalID        string                 `json:"national_id,omitempty"`
	Phone             string                 `json:"phone,omitempty"`
	School            string                 `json:"school,omitempty"`
	Major             string                 `json:"major,omitempty"`
	Degree            matcher.Degree         `json:"degree"`
	GraduationYear    int                    `json:"graduation_year,omitempty"`
	HukouDistrict     string                 `json:"hukou_district,omitempty"`
	ResidenceDistrict string                 `json:"residence_district,omitempty"`
	Status            matcher.GraduateStatus `json:"status,omitempty"`
	Hardship          []matcher.Hardship     `json:"hardship,omitempty"`
	RegisteredAt      *time.Time             `json:"registered_at,omitempty"`
	ContactedAt       *time.Time             `json:"contacted_at,omitempty"`
	PlacedAt          *time.Time             `json:"placed_at,omitempty"`
	// Looking is true while the graduate has no destination (unregistered
	// or seeking); false once placed, employed or studying (已落实去向).
	Looking        bool `json:"looking"`
	ContactOverdue bool `json:"contact_overdue"`
	// OverdueDays is the days past the SLA, 0 included: an overdue
	// graduate on the SLA's last day is 超期 0 天, never a missing field.
	OverdueDays int `json:"overdue_days"`
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func caseSummary(g matcher.Graduate, role matcher.Role, now time.Time, sla int) CaseSummary {
	m := maskGraduate(g, role)
	return CaseSummary{
		ID: m.ID, Name: m.Name, NationalID: m.NationalID, Phone: m.Phone, School: m.School, Major: m.Major,
		Degree: m.Degree, GraduationYear: m.GraduationYear, HukouDistrict: m.HukouDistrict, ResidenceDistrict: m.ResidenceDistrict,
		Status: m.Status, Hardship: m.Hardship,
		RegisteredAt: timePtr(m.RegisteredAt), ContactedAt: timePtr(m.ContactedAt), PlacedAt: timePtr(m.PlacedAt),
		Looking: g.Looking(), ContactOverdue: g.ContactOverdue(now, sla), OverdueDays: g.OverdueDays(now, sla),
	}
}

// listGraduates is the caseload: the caller's graduates, filtered and
// paged (casework.Caseload orders them). Every graduate on the page is
// audited as read: a caseload shows names.
func (s *Server) listGraduates(w http.ResponseWriter, r *http.Request) error {
	f, v, err := s.parseCaseload(r, caseloadPs)
	if err != nil {
		return err
	}
	limit, err := intParam(v, "limit", 20, 1, caseListMax)
	if err != nil {
		return err
	}
	// The caseload is walked from the store, not the search index, so it
	// has no search-style depth limit: every graduate of a district must be
	// reachable, and a page past the end is empty.
	offset, err := intParam(v, "offset", 0, 0, maxCaseloadOffset)
	if err != nil {
		return err
	}
	total, page, err := s.casework.Caseload(r.Context(), f, offset, limit)
	if err != nil {
		return err
	}
	sla, now, role := s.casework.Policy().ContactSLADays, s.now(), keyFrom(r).Role
	items := make([]CaseSummary, 0, len(page))
	ids := make([]string, len(page))
	for i, g := range page {
		ids[i] = g.ID
		items = append(items, caseSummary(g, role, now, sla))
	}
	// One entry per graduate listed, all in one commit.
	if err := s.audit(r, "graduate.list", "", ids...); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{
		"total": total, "limit": limit, "offset": offset, "district": f.District,
		"contact_sla_days": sla, "items": items,
	})
}

// caseloadSummary is the district dashboard (casework.Dashboard). It holds
// counts only, no personal data, so it reads no graduate "by a person" and
// is not audited.
func (s *Server) caseloadSummary(w http.ResponseWriter, r *http.Request) error {
	f, _, err := s.parseCaseload(r, summaryPs)
	if err != nil {
		return err
	}
	d, err := s.casework.Dashboard(r.Context(), f)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, d)
}

// ----------------------------------------------------------------- plan

func (s *Server) getShortlist(w http.ResponseWriter, r *http.Request) error {
	g, err := s.caseGraduate(r, "shortlist.read", "")
	if err != nil {
		return err
	}
	p, err := s.casework.Plan(r.Context(), g)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, maskPlan(p, keyFrom(r).Role))
}

// maskPlan masks the personal data counselors' notes may hold, by role.
func maskPlan(p *matcher.Plan, role matcher.Role) *matcher.Plan {
	for _, items := range [][]matcher.PlanItem{p.Posts, p.Internships, p.Courses} {
		for i := range items {
			items[i].Note, items[i].Override = maskNote(items[i].Note, role), maskNote(items[i].Override, role)
		}
	}
	return p
}

// maskContacts masks the notes of a contact log, by role.
func maskContacts(cl *casework.ContactLog, role matcher.Role) *casework.ContactLog {
	for i := range cl.Items {
		cl.Items[i].Note = maskNote(cl.Items[i].Note, role)
	}
	if cl.Added != nil {
		a := *cl.Added
		a.Note = maskNote(a.Note, role)
		cl.Added = &a
	}
	return cl
}

type shortlistEditRequest struct {
	Action   string `json:"action"`
	PostID   string `json:"post_id"`
	Note     string `json:"note"`
	Override bool   `json:"override"`
}

// editShortlist applies one edit of the plan (casework.Service.Edit). An
// admin's override of the eligibility rules is audited as such.
func (s *Server) editShortlist(w http.ResponseWriter, r *http.Request) error {
	b, err := readBody(w, r, s.cfg.MaxBody)
	if err != nil {
		return err
	}
	var req shortlistEditRequest
	if err := decodeStrict(b, &req); err != nil {
		return err
	}
	if req.PostID != "" {
		if _, _, ok := splitPostID(req.PostID); !ok {
			return invalidField("post_id", "post_id 格式应为 来源:编号", "post_id must be source:external_id")
		}
	}
	k := keyFrom(r)
	edit := casework.EditRequest{Action: req.Action, PostID: req.PostID, Note: req.Note, Override: req.Override, KeyID: k.ID, Role: k.Role}
	if err := edit.Validate(); err != nil {
		return err
	}
	action := "shortlist.edit"
	if req.Override {
		action = "shortlist.override"
	}
	g, err := s.caseGraduate(r, action, strings.TrimSpace(req.Action+" "+req.PostID))
	if err != nil {
		return err
	}
	p, err := s.casework.Edit(r.Context(), g, edit)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, maskPlan(p, k.Role))
}

// ------------------------------------------------------------- contacts

type contactRequest struct {
	Method  string     `json:"method"`
	Outcome string     `json:"outcome"`
	Note    string     `json:"note"`
	At      *time.Time `json:"at"`
}

func (s *Server) listContacts(w http.ResponseWriter, r *http.Request) error {
	g, err := s.caseGraduate(r, "contacts.read", "")
	if err != nil {
		return err
	}
	cl, err := s.casework.Contacts(r.Context(), g)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, maskContacts(cl, keyFrom(r).Role))
}

// logContact records one contact (casework.Service.LogContact).
func (s *Server) logContact(w http.ResponseWriter, r *http.Request) error {
	b, err := readBody(w, r, s.cfg.MaxBody)
	if err != nil {
		return err
	}
	var req contactRequest
	if err := decodeStrict(b, &req); err != nil {
		return err
	}
	in := casework.ContactInput{Method: req.Method, Outcome: req.Outcome, Note: req.Note, At: req.At, KeyID: keyFrom(r).ID}
	if err := s.casework.CheckContact(&in); err != nil {
		return err
	}
	g, err := s.caseGraduate(r, "contacts.write", in.Method+" "+in.Outcome, func(g *matcher.Graduate) error {
		return s.casework.CheckContactFor(g, &in)
	})
	if err != nil {
		return err
	}
	cl, err := s.casework.LogContact(r.Context(), g, in, store.NewID())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, maskContacts(cl, keyFrom(r).Role))
}

// The casework endpoints' shapes, added to the document's components.
func init() {
	summary := obj(map[string]any{
		"id": str, "name": str, "national_id": map[string]any{"type": "string", "description": "masked (650102**********34) for every role but admin"},
		"phone":  map[string]any{"type": "string", "description": "masked for every role but admin"},
		"school": str, "major": str, "degree": integer, "graduation_year": integer, "hukou_district": str, "residence_district": str,
		"status": str, "hardship": strs, "registered_at": stampOpt, "contacted_at": stampOpt, "placed_at": stampOpt,
		"looking":         map[string]any{"type": "boolean", "description": "still looking (unregistered or seeking); false once placed, employed or studying"},
		"contact_overdue": map[string]any{"type": "boolean", "description": "still looking, registered more than contact_sla_days days ago and never contacted"},
		"overdue_days":    integer,
	})
	refs := map[reflect.Type]string{reflect.TypeFor[matcher.Salary](): "Salary"}
	maps.Copy(schemas, map[string]any{
		"Me": obj(map[string]any{"key_id": str, "name": str, "role": str, "district": str,
			"via":                  map[string]any{"type": "string", "enum": []string{"key", "session"}},
			"csrf_token":           map[string]any{"type": "string", "description": "sessions: send it as X-CSRF-Token on every POST, PUT and DELETE"},
			"idle_timeout_seconds": integer, "expires_at": stampOpt}),
		"Caseload":        obj(map[string]any{"total": integer, "limit": integer, "offset": integer, "district": str, "contact_sla_days": integer, "items": arrayOf(summary)}),
		"CaseloadSummary": schemaOf(reflect.TypeFor[casework.Dashboard](), refs),
		"Shortlist":       schemaOf(reflect.TypeFor[matcher.Plan](), refs),
		"ShortlistEdit": obj(map[string]any{
			"action":   map[string]any{"type": "string", "enum": []string{matcher.EditAdd, matcher.EditRemove, matcher.EditPin, matcher.EditUnpin, matcher.EditConfirm}, "description": "confirm: the counselor confirms the proposed plan (no post_id)"},
			"post_id":  map[string]any{"type": "string", "description": "a post, internship or course id (source:external_id); absent for confirm"},
			"note":     map[string]any{"type": "string", "maxLength": 200},
			"override": map[string]any{"type": "boolean", "description": "admin only: add or pin an item the eligibility rules exclude; note must say why (audited)"},
		}, "action"),
		"ContactInput": obj(map[string]any{
			"method":  map[string]any{"type": "string", "enum": casework.ContactMethods},
			"outcome": map[string]any{"type": "string", "enum": []string{"reached", "no_answer", "wrong_number", "declined"}},
			"note":    map[string]any{"type": "string", "maxLength": 1000},
			"at":      stamp,
		}, "method", "outcome"),
		"Contacts": schemaOf(reflect.TypeFor[casework.ContactLog](), refs),
	})
}

// caseClock is the clock of what a counselor records (contacts, plan
// edits, registration and placement dates): the business clock's day at
// the wall clock's time of day. On real time it is the wall clock; when
// the data's date is pinned (the demo's 2023-06-15), a contact logged
// today is dated on the data's day, so everything the workspace shows
// runs on one clock and "contacted 3 years after registering" never
// appears.
func caseClock(now, wall func() time.Time) func() time.Time {
	return func() time.Time {
		w := wall().UTC()
		y, m, d := now().UTC().Date()
		return time.Date(y, m, d, w.Hour(), w.Minute(), w.Second(), w.Nanosecond(), time.UTC)
	}
}
