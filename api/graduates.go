package api

import (
	"net/http"
	"strings"
	"time"

	"github.com/urumqi-hrss/jobmatch/ingest/normalize"
	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store"
)

// graduateFor loads graduate id for the caller, answering 404 both when
// there is no such graduate and when the graduate is outside the caller's
// district: a counselor cannot tell the two apart.
func (s *Server) graduateFor(r *http.Request, id string) (*matcher.Graduate, error) {
	g, err := s.store.Graduate(r.Context(), id)
	if err != nil {
		if matcher.ErrorCode(err) == matcher.ENOTFOUND {
			return nil, errHidden("毕业生", id)
		}
		return nil, err
	}
	if !inDistrict(keyFrom(r), g) {
		return nil, errHidden("毕业生", id)
	}
	return g, nil
}

// auditTimeout bounds how long a request waits for its audit entry.
const auditTimeout = 5 * time.Second

func (s *Server) getGraduate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "毕业生")
	if err != nil {
		return err
	}
	g, err := s.graduateFor(r, id)
	if err != nil {
		return err
	}
	if err := s.audit(r, "graduate.read", "", g.ID); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, maskGraduate(*g, keyFrom(r).Role))
}

func (s *Server) putGraduate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "毕业生")
	if err != nil {
		return err
	}
	b, err := readBody(w, r, s.cfg.MaxBody)
	if err != nil {
		return err
	}
	var g matcher.Graduate
	if err := decodeStrict(b, &g); err != nil {
		return err
	}
	if g.ID == "" {
		g.ID = id
	}
	if g.ID != id {
		return invalidField("id", "请求体中的 id 与路径不一致", "the id in the body differs from the id in the path")
	}
	k := keyFrom(r)
	old, err := s.graduateFor(r, id)
	if err != nil && matcher.ErrorCode(err) != matcher.ENOTFOUND {
		return err
	}
	if old == nil {
		// 404 from graduateFor: either new, or someone else's. Someone
		// else's must stay hidden, and must not be overwritten.
		if existing, err := s.store.Graduate(r.Context(), id); err == nil && existing != nil {
			return errHidden("毕业生", id)
		} else if err != nil && matcher.ErrorCode(err) != matcher.ENOTFOUND {
			return err
		}
	}
	if err := validateGraduate(&g, old); err != nil {
		return err
	}
	if k.Role == matcher.RoleCounselor && !inDistrict(k, &g) {
		return matcher.Errorf(matcher.EFORBIDDEN, "辅导员只能登记本区（%s）的毕业生", "a counselor may only record graduates of their own district (%s)", k.District)
	}
	if err := s.audit(r, "graduate.write", "", g.ID); err != nil {
		return err
	}
	out, err := s.store.UpsertGraduates(r.Context(), []matcher.Graduate{g})
	if err != nil {
		return err
	}
	stored, err := s.store.Graduate(r.Context(), id)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if out[0] == matcher.Inserted {
		status = http.StatusCreated
	}
	return writeJSON(w, status, map[string]any{"id": id, "outcome": outcomeNames[out[0]], "graduate": maskGraduate(*stored, k.Role)})
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
		if old == nil || old.NationalID == "" || matcher.MaskNationalID(old.NationalID) != g.NationalID {
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
	for _, h := range g.Hardship {
		if !h.Valid() {
			return invalidField("hardship", "未知的就业困难类别：%s", "unknown hardship category %q", clip(string(h)))
		}
	}
	for _, c := range g.PreferredChannels {
		if !c.Valid() {
			return invalidField("preferred_channels", "未知渠道：%s", "unknown channel %q", clip(string(c)))
		}
	}
	switch g.Status {
	case "", matcher.StatusUnregistered, matcher.StatusSeeking, matcher.StatusPlaced, matcher.StatusEmployed, matcher.StatusStudying:
	default:
		return invalidField("status", "未知状态：%s", "unknown status %q", clip(string(g.Status)))
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
	id, err := pathID(r, "毕业生")
	if err != nil {
		return err
	}
	g, err := s.graduateFor(r, id)
	if err != nil {
		return err
	}
	if err := s.audit(r, "graduate.delete", "", g.ID); err != nil {
		return err
	}
	if err := s.store.DeleteGraduate(r.Context(), g.ID); err != nil {
		return err
	}
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

func (s *Server) graduateRecommendations(w http.ResponseWriter, r *http.Request) error {
	v, err := query(r, recPs)
	if err != nil {
		return err
	}
	limit, err := intParam(v, "limit", defaultLimit, 1, maxLimit)
	if err != nil {
		return err
	}
	q, err := recQuery(limit, v.Get("channel"), v.Get("kind"))
	if err != nil {
		return err
	}
	id, err := pathID(r, "毕业生")
	if err != nil {
		return err
	}
	g, err := s.graduateFor(r, id)
	if err != nil {
		return err
	}
	// The audit entry goes to disk while the list is computed; nothing is
	// written to the client until it is durable (and nothing at all if it
	// cannot be written).
	audited := s.auditStart(r, "graduate.recommendations", "", g.ID)
	if body, runID, ok := s.fromRun(r.Context(), g, q); ok {
		if err := audited(); err != nil {
			return err
		}
		h := w.Header()
		h.Set("X-Recommendation-Source", "run:"+runID)
		h.Set("Content-Type", "application/json; charset=utf-8")
		_, err := w.Write(body)
		return err
	}
	res, err := s.recommend(w, r, "recommend", g, q)
	if aerr := audited(); aerr != nil {
		return aerr
	}
	if err != nil {
		return err
	}
	w.Header().Set("X-Recommendation-Source", "online")
	return writeJSON(w, http.StatusOK, res)
}

// recommend runs the engine for g within the concurrency bound, timed.
func (s *Server) recommend(w http.ResponseWriter, r *http.Request, op string, g *matcher.Graduate, q matcher.Query) (*matcher.Result, error) {
	release, err := s.matchSlot(w, r)
	if err != nil {
		return nil, err
	}
	defer release()
	start := time.Now()
	res, err := s.engine.Recommend(g, q)
	s.metrics.matcherSeconds.WithLabelValues(op).Observe(time.Since(start).Seconds())
	return res, err
}

// Profile is a graduate as a portal describes one of its users: what
// matching needs and nothing that identifies a person. Age stands in for
// the birth date.
type Profile struct {
	School             string   `json:"school"`
	Major              string   `json:"major"`
	MajorCode          string   `json:"major_code"`
	Degree             string   `json:"degree"`
	GraduationYear     int      `json:"graduation_year"`
	Age                int      `json:"age"`
	Gender             string   `json:"gender"`
	HukouDistrict      string   `json:"hukou_district"`
	ResidenceDistrict  string   `json:"residence_district"`
	Skills             []string `json:"skills"`
	Certificates       []string `json:"certificates"`
	PreferredChannels  []string `json:"preferred_channels"`
	PreferredDistricts []string `json:"preferred_districts"`
	ExpectedSalary     float64  `json:"expected_salary"`
	Status             string   `json:"status"`
}

type profileRequest struct {
	Profile *Profile `json:"profile"`
	Limit   *int     `json:"limit"`
	Channel string   `json:"channel"`
	Kind    string   `json:"kind"`
}

// personalFields are refused in a profile by name, with a message that
// says why, rather than as merely unknown fields.
var personalFields = map[string]bool{"name": true, "national_id": true, "phone": true, "hardship": true, "birth_date": true, "id": true}

func (s *Server) profileRecommendations(w http.ResponseWriter, r *http.Request) error {
	b, err := readBody(w, r, s.cfg.MaxBody)
	if err != nil {
		return err
	}
	var req profileRequest
	if err := decodeStrict(b, &req); err != nil {
		if me, ok := err.(*matcher.Error); ok {
			if f := strings.TrimPrefix(me.Field, "profile."); personalFields[f] && me.Code == matcher.EINVALID {
				return invalidField(me.Field, "此接口不接受个人信息（%s）", "personal data not accepted here (%s)", f)
			}
		}
		return err
	}
	if req.Profile == nil {
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
	g, err := s.profileGraduate(req.Profile)
	if err != nil {
		return err
	}
	res, err := s.recommend(w, r, "profile", g, q)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, res)
}

// profileGraduate turns a profile into the graduate the engine scores.
func (s *Server) profileGraduate(p *Profile) (*matcher.Graduate, error) {
	g := &matcher.Graduate{
		ID: "profile", School: normalize.Text(p.School), Major: normalize.Text(p.Major), MajorCode: strings.TrimSpace(p.MajorCode),
		GraduationYear: p.GraduationYear, HukouDistrict: normalize.District(p.HukouDistrict),
		ResidenceDistrict: normalize.District(p.ResidenceDistrict), Skills: p.Skills, Certificates: p.Certificates,
		ExpectedSalary: p.ExpectedSalary, Status: matcher.StatusSeeking,
	}
	var err error
	if p.Degree != "" {
		if g.Degree, err = normalize.Degree(p.Degree); err != nil {
			return nil, asField("profile.degree", err)
		}
	}
	if p.Gender != "" {
		if g.Gender, err = normalize.Gender(p.Gender); err != nil {
			return nil, asField("profile.gender", err)
		}
	}
	if p.Status != "" {
		if g.Status, err = normalize.GraduateStatus(p.Status); err != nil {
			return nil, asField("profile.status", err)
		}
	}
	if p.Age != 0 {
		if p.Age < 14 || p.Age > 80 {
			return nil, invalidField("profile.age", "年龄应在 14–80 之间", "age must be between 14 and 80")
		}
		// The day before the birthday that makes them Age today.
		g.BirthDate = s.now().UTC().AddDate(-p.Age, 0, -1)
	}
	if p.GraduationYear != 0 && (p.GraduationYear < 1950 || p.GraduationYear > 2100) {
		return nil, invalidField("profile.graduation_year", "毕业年份无效", "invalid graduation year")
	}
	if p.ExpectedSalary < 0 || p.ExpectedSalary > 1e6 {
		return nil, invalidField("profile.expected_salary", "期望薪资应在 0–1000000 元/月之间", "expected_salary must be between 0 and 1,000,000 yuan a month")
	}
	for _, c := range p.PreferredChannels {
		ch, err := normalize.Channel(c)
		if err != nil {
			return nil, asField("profile.preferred_channels", err)
		}
		g.PreferredChannels = append(g.PreferredChannels, ch)
	}
	for _, d := range p.PreferredDistricts {
		g.PreferredDistricts = append(g.PreferredDistricts, normalize.District(d))
	}
	return g, nil
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
	if err := s.store.EachGraduate(r.Context(), f, func(g *matcher.Graduate) error {
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
	cands, err := s.engine.Candidates(id, matcher.Graduates(gs), limit)
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
	b, err := readBody(w, r, s.cfg.MaxBody)
	if err != nil {
		return err
	}
	var req feedbackRequest
	if err := decodeStrict(b, &req); err != nil {
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
	t := matcher.FeedbackType(req.Type)
	if !t.Valid() {
		return invalidField("type", "未知反馈类型（impression、click、apply、interview、hire、dismiss）", "unknown feedback type: want impression, click, apply, interview, hire or dismiss")
	}
	now := s.wall().UTC()
	if req.At.After(now.Add(time.Hour)) {
		return invalidField("at", "反馈时间在未来", "the feedback time is in the future")
	}
	k := keyFrom(r)
	src := k.Source
	if src == "" {
		src = "key:" + k.ID
	}
	e := matcher.FeedbackEvent{ID: req.ID, GraduateID: req.GraduateID, PostID: req.PostID, Type: t, At: req.At, Source: src}
	if e.ID == "" {
		e.ID = store.NewID()
	}
	if err := s.store.RecordFeedback(r.Context(), e); err != nil {
		return err
	}
	return writeJSON(w, http.StatusAccepted, map[string]any{"id": e.ID})
}
