package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/urumqi-hrss/jobmatch/ingest/convert"
	"github.com/urumqi-hrss/jobmatch/ingest/normalize"
	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/engine"
	"github.com/urumqi-hrss/jobmatch/store"
)

// graduateFor loads graduate id for the caller, answering 404 both when
// there is no such graduate and when the graduate is outside the caller's
// district: a counselor cannot tell the two apart.
func (s *Server) graduateFor(r *http.Request, id string) (*matcher.Graduate, error) {
	g, err := s.stores.Graduates.Graduate(r.Context(), id)
	return s.graduateScoped(r, id, g, err)
}

// graduateScoped is graduateFor's answer for the graduate g read (or the
// error err the read returned).
func (s *Server) graduateScoped(r *http.Request, id string, g *matcher.Graduate, err error) (*matcher.Graduate, error) {
	if err != nil {
		if matcher.ErrorCode(err) == matcher.ENOTFOUND {
			return nil, errHidden("毕业生", id)
		}
		return nil, err
	}
	if !inDistrict(keyFrom(r), g) {
		// Refused, and audited with the client's address: a counselor
		// probing other districts leaves a trace. The answer is the one
		// for a graduate that does not exist.
		s.auditRefusal(r, "graduate.refused", "outside the key's district", g.ID)
		return nil, errHidden("毕业生", id)
	}
	return g, nil
}

// auditTimeout bounds how long a request waits for its audit entry.
const auditTimeout = 5 * time.Second

// pathGraduate is the graduate the path's {id} names, for the caller: a
// malformed ID, one outside the caller's district and one that does not
// exist are the same 404.
func (s *Server) pathGraduate(r *http.Request) (*matcher.Graduate, error) {
	id, err := pathID(r, "毕业生")
	if err != nil {
		return nil, err
	}
	return s.graduateFor(r, id)
}

func (s *Server) getGraduate(w http.ResponseWriter, r *http.Request) error {
	g, err := s.caseGraduate(r, "graduate.read", "")
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, viewGraduate(*g, keyFrom(r).Role, s.now()))
}

// graduateInput is the body of PUT and POST /v1/graduates: a graduate as
// GET shows it. Age (derived from the birth date) may be sent back as it
// was read; the server-managed times are refused unless they equal the
// stored ones (see mergeManaged).
type graduateInput struct {
	matcher.Graduate
	Age *int `json:"age"`
}

// putGraduate updates a graduate; an admin may also create one under an
// ID of their choosing. A counselor cannot: a counselor's PUT to an ID
// that names no graduate of their district is a 404 whether the ID is
// unused or another district's, so a PUT cannot tell which IDs exist
// (counselors register graduates with POST /v1/graduates, which picks the
// ID).
func (s *Server) putGraduate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "毕业生")
	if err != nil {
		return err
	}
	var in graduateInput
	if err := s.readInput(w, r, &in); err != nil {
		return err
	}
	if in.ID == "" {
		in.ID = id
	}
	if in.ID != id {
		return invalidField("id", "请求体中的 id 与路径不一致", "the id in the body differs from the id in the path")
	}
	k := keyFrom(r)
	old, err := s.graduateFor(r, id)
	if err != nil && matcher.ErrorCode(err) != matcher.ENOTFOUND {
		return err
	}
	if old == nil {
		if k.Role != matcher.RoleAdmin {
			return errHidden("毕业生", id)
		}
		if !canonicalID(id) {
			return invalidField("id", "毕业生编号应为"+canonicalIDRuleZH, "a graduate id must be "+canonicalIDRuleEN)
		}
	}
	return s.writeGraduate(w, r, &in, old)
}

// createGraduate registers a new graduate under an ID the server picks
// (counselors: in their district).
func (s *Server) createGraduate(w http.ResponseWriter, r *http.Request) error {
	var in graduateInput
	if err := s.readInput(w, r, &in); err != nil {
		return err
	}
	if in.ID != "" {
		return errManaged("id")
	}
	in.ID = "G" + store.NewID()
	w.Header().Set("Location", "/v1/graduates/"+in.ID)
	return s.writeGraduate(w, r, &in, nil)
}

// writeGraduate validates in against the stored old (nil: a new graduate),
// applies the server's own fields, audits and stores it, and answers with
// the caller's view.
func (s *Server) writeGraduate(w http.ResponseWriter, r *http.Request, in *graduateInput, old *matcher.Graduate) error {
	k := keyFrom(r)
	g := in.Graduate
	// The words first: mergeManaged reads the status (未登记 or not).
	if err := normalizeGraduateWords(&g); err != nil {
		return err
	}
	if err := s.mergeManaged(&g, in.Age, old); err != nil {
		return err
	}
	if err := validateGraduate(&g, old); err != nil {
		return err
	}
	if k.Role == matcher.RoleCounselor && !inDistrict(k, &g) {
		return matcher.Errorf(matcher.EFORBIDDEN, "就业指导员只能登记本区（%s）的毕业生", "a counselor may only record graduates of their own district (%s)", k.District)
	}
	if err := s.audit(r, "graduate.write", "", g.ID); err != nil {
		return err
	}
	out, err := s.stores.Graduates.UpsertGraduates(r.Context(), []matcher.Graduate{g})
	if err != nil {
		return err
	}
	stored, err := s.stores.Graduates.Graduate(r.Context(), g.ID)
	if err != nil {
		return err
	}
	s.casework.GraduateChanged(r.Context(), stored)
	status := http.StatusOK
	if out[0] == matcher.Inserted {
		status = http.StatusCreated
	}
	return writeJSON(w, status, map[string]any{"id": g.ID, "outcome": outcomeNames[out[0]], "graduate": viewGraduate(*stored, k.Role, s.now())})
}

// mergeManaged applies what the server keeps of a graduate written over
// the API. registered_at, contacted_at, placed_at and updated_at are the
// server's: sent, they must equal the stored value (a record read and
// sent back), or the field is refused by name — contacted_at is set by
// the first contact log entry that reaches the graduate, registered_at
// and placed_at by the status changes below, so the 5-day contact clock
// cannot be moved by hand. A birth date left out keeps the stored one
// (counselors are shown the age, never the date), and an age sent back
// must be the one the stored birth date gives.
func (s *Server) mergeManaged(g *matcher.Graduate, age *int, old *matcher.Graduate) error {
	var prev matcher.Graduate
	if old != nil {
		prev = *old
	}
	for _, f := range []struct {
		name      string
		got, keep *time.Time
	}{
		{"registered_at", &g.RegisteredAt, &prev.RegisteredAt},
		{"contacted_at", &g.ContactedAt, &prev.ContactedAt},
		{"placed_at", &g.PlacedAt, &prev.PlacedAt},
		{"updated_at", &g.UpdatedAt, &prev.UpdatedAt},
	} {
		if !f.got.IsZero() && !f.got.Equal(*f.keep) {
			return errManaged(f.name)
		}
		*f.got = *f.keep
	}
	g.UpdatedAt = time.Time{}
	if g.BirthDate.IsZero() {
		g.BirthDate = prev.BirthDate
	}
	if age != nil && (g.BirthDate.IsZero() || *age != g.AgeAt(s.now())) {
		return invalidField("age", "年龄由出生日期得出，不能单独写入", "age is derived from birth_date and cannot be written")
	}
	now := caseClock(s.now, s.wall)() // on the data's day, like contacts
	if g.RegisteredAt.IsZero() && g.Status != "" && g.Status != matcher.StatusUnregistered {
		g.RegisteredAt = now // 实名制登记: the contact clock starts now
	}
	if g.PlacedAt.IsZero() && (old == nil || old.Looking()) && g.Status != "" && !g.Looking() {
		g.PlacedAt = now // 去向落实
	}
	return nil
}

// validateGraduate checks and normalises a graduate sent to PUT. A masked
// national ID or phone (what non-admin roles read) sent back means "keep
// the stored value", so a counselor's read-edit-write cycle cannot
// overwrite a real ID with asterisks.
func validateGraduate(g, old *matcher.Graduate) error {
	if strings.TrimSpace(g.Name) == "" {
		return invalidField("name", "缺少姓名", "name is required")
	}
	g.Name = normalize.Text(g.Name)
	var err error
	switch {
	case strings.Contains(g.NationalID, "*"):
		if old == nil || old.NationalID == "" || viewNationalID(old.NationalID) != g.NationalID {
			return invalidField("national_id", "身份证号是打码值，但与已存的不符", "the national ID is masked but does not match the stored one")
		}
		g.NationalID = old.NationalID
	case g.NationalID != "":
		if g.NationalID, err = normalize.NationalID(g.NationalID); err != nil {
			// The normaliser's message may echo the value: personal data
			// must not come back in an error (it may be logged by a proxy).
			return invalidField("national_id", "身份证号无效", "invalid national ID")
		}
	}
	switch {
	case strings.Contains(g.Phone, "*"):
		if old == nil || old.Phone == "" || matcher.MaskPhone(old.Phone) != g.Phone {
			return invalidField("phone", "手机号是打码值，但与已存的不符", "the phone number is masked but does not match the stored one")
		}
		g.Phone = old.Phone
	case g.Phone != "":
		if g.Phone, err = normalize.Phone(g.Phone); err != nil {
			return invalidField("phone", "手机号无效", "invalid phone number")
		}
	}
	if g.Degree < matcher.DegreeNone || g.Degree > matcher.DegreeDoctor {
		return invalidField("degree", "学历应为 0–5", "degree must be 0 to 5")
	}
	if g.ExpectedSalary < 0 || g.ExpectedSalary > 1e6 {
		return invalidField("expected_salary", "期望薪资应在 0–1000000 元/月之间", "expected_salary must be between 0 and 1,000,000 yuan a month")
	}
	if g.GraduationYear != 0 && (g.GraduationYear < 1950 || g.GraduationYear > 2100) {
		return invalidField("graduation_year", "毕业年份无效", "invalid graduation year")
	}
	g.HukouDistrict = normalize.District(g.HukouDistrict)
	g.ResidenceDistrict = normalize.District(g.ResidenceDistrict)
	for i, d := range g.PreferredDistricts {
		g.PreferredDistricts[i] = normalize.District(d)
	}
	return nil
}

func (s *Server) deleteGraduate(w http.ResponseWriter, r *http.Request) error {
	g, err := s.caseGraduate(r, "graduate.delete", "")
	if err != nil {
		return err
	}
	if err := s.stores.Graduates.DeleteGraduate(r.Context(), g.ID); err != nil {
		return err
	}
	s.casework.GraduateRemoved(g.ID)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// recQuery reads limit, channel and kind for a recommendation list.
func recQuery(limit int, channel, kind string) (matcher.Query, error) {
	q := matcher.Query{Limit: limit}
	var err error
	if channel != "" {
		if q.Channel, err = normalize.Channel(channel); err != nil {
			return q, asField("channel", err)
		}
	}
	switch kind {
	case "", "job", "internship", "course":
		q.Kind = matcher.Kind(kind)
	default:
		return q, invalidField("kind", "kind 应为 job、internship 或 course", "kind must be job, internship or course")
	}
	return q, nil
}

// recommend runs the engine for g within the concurrency bound, timed.
func (s *Server) recommend(w http.ResponseWriter, r *http.Request, op string, g *matcher.Graduate, q matcher.Query) (*matcher.Result, error) {
	release, err := s.matchSlot(w, r)
	if err != nil {
		return nil, err
	}
	defer release()
	return s.runEngine(op, g, q)
}

// runEngine runs the engine for g, timed; the caller holds a slot.
func (s *Server) runEngine(op string, g *matcher.Graduate, q matcher.Query) (*matcher.Result, error) {
	start := time.Now()
	res, err := s.engine.Recommend(g, q)
	since := time.Since(start).Seconds()
	if op == "recommend" {
		m := s.metrics
		m.recommendOnce.Do(func() { m.recommendSeconds = m.matcherSeconds.WithLabelValues("recommend") })
		m.recommendSeconds.Observe(since)
	} else {
		s.metrics.matcherSeconds.WithLabelValues(op).Observe(since)
	}
	return res, err
}

// profileRequest is the body of POST /v1/recommendations. The profile is
// the shared convert.Profile (docs/profile.md) — the CLI's
// `jobmatch recommend --profile FILE` reads the same object — decoded by
// convert.DecodeProfile, so both doors accept and refuse the same fields and
// values. It is kept raw here: decodeStrict checks the envelope (unknown
// fields, duplicate keys anywhere in the body, types of limit, channel and
// kind), DecodeProfile the profile.
type profileRequest struct {
	Profile json.RawMessage `json:"profile"`
	Limit   *int            `json:"limit"`
	Channel string          `json:"channel"`
	Kind    string          `json:"kind"`
}

func (s *Server) profileRecommendations(w http.ResponseWriter, r *http.Request) error {
	var req profileRequest
	if err := s.readInput(w, r, &req); err != nil {
		return err
	}
	if len(req.Profile) == 0 || string(req.Profile) == "null" {
		return invalidField("profile", "缺少 profile", "profile is required")
	}
	limit := defaultLimit
	if req.Limit != nil {
		if *req.Limit < 1 {
			return invalidField("limit", "limit 不能小于 1", "limit must be at least 1")
		}
		limit = min(*req.Limit, maxLimit)
	}
	q, err := recQuery(limit, req.Channel, req.Kind)
	if err != nil {
		return err
	}
	p, err := convert.DecodeProfile(req.Profile)
	if err != nil {
		return profileFieldError(err)
	}
	g, err := p.Graduate(s.now())
	if err != nil {
		return profileFieldError(err)
	}
	res, err := s.recommend(w, r, "profile", &g, q)
	if err != nil {
		return err
	}
	return writeResult(w, http.StatusOK, res)
}

// profileFieldError places ingest's profile errors in the request body:
// their Field is relative to the profile ("major"), the API names it from
// the body's root ("profile.major"). An error naming no field names the
// profile itself. The message is ingest's own (it names the field too, in
// both languages, and never echoes personal data: personal fields are
// refused by name, not by value).
func profileFieldError(err error) error {
	var me *matcher.Error
	if !errors.As(err, &me) {
		return err
	}
	c := *me
	if c.Code == "" {
		c.Code = matcher.EINVALID
	}
	if c.Field == "" {
		c.Field = "profile"
	} else {
		c.Field = "profile." + c.Field
	}
	return &c
}

func (s *Server) postCandidates(w http.ResponseWriter, r *http.Request) error {
	v, err := query(r, candPs)
	if err != nil {
		return err
	}
	limit, err := intParam(v, "limit", 20, 1, maxLimit)
	if err != nil {
		return err
	}
	id, err := pathID(r, "岗位")
	if err != nil {
		return err
	}
	k := keyFrom(r)
	var f matcher.GraduateFilter
	if k.Role == matcher.RoleCounselor {
		f.District = k.District
	}
	var gs []matcher.Graduate
	if err := s.stores.Graduates.EachGraduate(r.Context(), f, func(g *matcher.Graduate) error {
		if inDistrict(k, g) {
			gs = append(gs, *g)
		}
		return nil
	}); err != nil {
		return err
	}
	release, err := s.matchSlot(w, r)
	if err != nil {
		return err
	}
	start := time.Now()
	cands, err := s.engine.Candidates(id, engine.Graduates(gs), limit)
	release()
	s.metrics.matcherSeconds.WithLabelValues("candidates").Observe(time.Since(start).Seconds())
	if err != nil {
		return err
	}
	// A shortlist of graduates is a read of each of them by a person.
	// One entry per graduate, all in one commit.
	ids := make([]string, len(cands))
	for i, c := range cands {
		ids[i] = c.GraduateID
	}
	if err := s.audit(r, "post.candidates", "post "+id, ids...); err != nil {
		return err
	}
	if cands == nil {
		cands = []matcher.Candidate{}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"post_id": id, "candidates": cands})
}

type feedbackRequest struct {
	ID         string    `json:"id"`
	GraduateID string    `json:"graduate_id"`
	PostID     string    `json:"post_id"`
	Type       string    `json:"type"`
	At         time.Time `json:"at"`
}

func (s *Server) recordFeedback(w http.ResponseWriter, r *http.Request) error {
	var req feedbackRequest
	if err := s.readInput(w, r, &req); err != nil {
		return err
	}
	for _, f := range []struct{ name, v string }{{"graduate_id", req.GraduateID}, {"post_id", req.PostID}} {
		if strings.TrimSpace(f.v) == "" {
			return invalidField(f.name, "缺少 %s", "%s is required", f.name)
		}
		if len(f.v) > maxIDLen || strings.ContainsFunc(f.v, func(c rune) bool { return c < ' ' }) {
			return invalidField(f.name, "%s 无效", "invalid %s", f.name)
		}
	}
	if req.ID != "" && !canonicalID(req.ID) {
		return invalidField("id", "反馈编号应为"+canonicalIDRuleZH, "a feedback id must be "+canonicalIDRuleEN)
	}
	t := matcher.FeedbackType(req.Type)
	if !t.Valid() {
		return invalidField("type", "未知反馈类型（impression、click、apply、interview、hire、dismiss）", "unknown feedback type: want impression, click, apply, interview, hire or dismiss")
	}
	now := s.wall().UTC()
	if req.At.After(now.Add(time.Hour)) {
		return invalidField("at", "反馈时间在未来", "the feedback time is in the future")
	}
	if err := s.feedbackItemExists(r, req.PostID); err != nil {
		return err
	}
	k := keyFrom(r)
	// Event IDs are the caller's own: unique per source (the portal, or
	// the person's key), so another caller's ID is never confused with
	// this one's (matcher/feedbacksource.go).
	src := k.Source
	if k.Role != matcher.RolePortal {
		src = matcher.LedgerSource(k.ID)
	} else if !canonicalID(req.GraduateID) {
		// A portal's own user ID, stored as given.
		return invalidField("graduate_id", "graduate_id 应为"+canonicalIDRuleZH, "graduate_id must be "+canonicalIDRuleEN)
	}
	// Whose graduate_id it is depends on who reports it. A portal reports
	// for its own users, whom this service does not store (it sends
	// profiles): the id is opaque, meaningful only together with the
	// event's source, and is stored as given. A counselor or an admin
	// reports for graduates of the ledger: the id must be a stored graduate,
	// and a counselor's must be of their district — one outside it is a 404,
	// exactly like one that does not exist.
	if k.Role != matcher.RolePortal {
		g, err := s.graduateFor(r, req.GraduateID)
		if err != nil {
			return withField(err, "graduate_id")
		}
		if err := s.audit(r, "feedback.write", string(t)+" "+req.PostID, g.ID); err != nil {
			return err
		}
	}
	e := matcher.FeedbackEvent{ID: req.ID, GraduateID: req.GraduateID, PostID: req.PostID, Type: t, At: req.At, Source: src}
	if e.ID == "" {
		e.ID = store.NewID()
	}
	if err := s.stores.Feedback.RecordFeedback(r.Context(), e); err != nil {
		return err
	}
	return writeJSON(w, http.StatusAccepted, map[string]any{"id": e.ID})
}

// feedbackItemExists answers 404 naming post_id unless id is a stored post
// or course (recommendation lists hold both, and feedback is about an item
// of such a list). A post filled or closed since is still a post: a hire is
// often reported after the post is filled.
func (s *Server) feedbackItemExists(r *http.Request, id string) error {
	_, err := s.stores.Feedback.Post(r.Context(), id)
	if matcher.ErrorCode(err) == matcher.ENOTFOUND {
		_, err = s.stores.Feedback.Course(r.Context(), id)
	}
	if matcher.ErrorCode(err) == matcher.ENOTFOUND {
		return withField(errHidden("岗位", id), "post_id")
	}
	return err
}

// withField names field on a coded error (a 404 for an id sent in a body
// says which id); other errors pass through.
func withField(err error, field string) error {
	var me *matcher.Error
	if !errors.As(err, &me) {
		return err
	}
	c := *me
	c.Field = field
	return &c
}
