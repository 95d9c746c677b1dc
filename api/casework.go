package api

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/urumqi-hrss/jobmatch/ingest/normalize"
	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
	"github.com/urumqi-hrss/jobmatch/store"
)

// This file holds the counselors' casework endpoints behind the workspace
// (api/web): the caseload list and its dashboard, the 一人一策 shortlist and
// the contact log. They follow the graduate endpoints' rules exactly: people
// only (counselor, admin), a counselor reaches only their district (another
// district's graduate is a 404), personal data masked by role, and every
// read or write of a graduate's data audited before it is served.

// policy returns the plan's numbers. They are embedded and validated at
// build time, so failure here is a broken build, reported as internal.
func policy() (catalog.Policy, error) {
	p, err := catalog.LoadPolicy()
	if err != nil {
		return p, fmt.Errorf("load policy: %w", err)
	}
	return p, nil
}

// isRegistered reports whether g is registered (实名制登记): a status other
// than unregistered, or a registration date.
func isRegistered(g *matcher.Graduate) bool {
	return (g.Status != "" && g.Status != matcher.StatusUnregistered) || !g.RegisteredAt.IsZero()
}

// isPlaced reports whether g counts as placed (就业去向落实): placed,
// employed when registering, or in further study — the three outcomes the
// plan's placement rate counts.
func isPlaced(g *matcher.Graduate) bool {
	switch g.Status {
	case matcher.StatusPlaced, matcher.StatusEmployed, matcher.StatusStudying:
		return true
	}
	return false
}

// isLooking reports whether g is still looking for a destination: seeking,
// unregistered, or no status yet. These are the graduates the casework is
// for; the others (isPlaced) have a destination.
func isLooking(g *matcher.Graduate) bool {
	switch g.Status {
	case "", matcher.StatusUnregistered, matcher.StatusSeeking:
		return true
	}
	return false
}

// contactOverdue reports whether g breaks 5日内必联系 at now: still looking,
// registered more than slaDays days ago and never contacted. A graduate
// with a destination (placed, employed, studying) is owed no first contact,
// whatever the dates say: they are never overdue.
func contactOverdue(g *matcher.Graduate, now time.Time, slaDays int) bool {
	return isLooking(g) && !g.RegisteredAt.IsZero() && g.ContactedAt.IsZero() &&
		now.Sub(g.RegisteredAt) > time.Duration(slaDays)*24*time.Hour
}

// ---------------------------------------------------------------- /v1/me

func (s *Server) whoami(w http.ResponseWriter, r *http.Request) error {
	k := keyFrom(r)
	return writeJSON(w, http.StatusOK, map[string]any{"key_id": k.ID, "name": k.Name, "role": k.Role, "district": k.District})
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
			return "", matcher.Errorf(matcher.EFORBIDDEN, "辅导员只能查看本区（%s）的毕业生", "a counselor may only see graduates of their own district (%s)", k.District)
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
	caseloadPs  = []param{districtP, {"status", "string", "unregistered, seeking, placed, employed or studying (or the Chinese name); or a group: looking (unregistered or seeking: still looking, 未落实去向) or settled (placed, employed or studying: 已落实去向). Default: all"}, {"hardship", "string", "yes: only 就业困难 graduates; no: only the others"}, {"overdue", "string", "yes: only graduates still looking, registered more than contact_sla_days days ago and never contacted"}, limitP, {"offset", "integer", "results to skip"}}
	summaryPs   = []param{districtP}
	caseListMax = 100
)

// Status groups the caseload filters by, besides single statuses.
const (
	groupLooking = "looking" // unregistered or seeking (isLooking)
	groupSettled = "settled" // placed, employed or studying (isPlaced)
)

// statusGroup reads a status group's name (English or Chinese); "" when v
// is not one.
func statusGroup(v string) string {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case groupLooking, "未落实", "未落实去向", "尚未落实":
		return groupLooking
	case groupSettled, "已落实去向":
		return groupSettled
	}
	return ""
}

// caseloadFilter is a parsed caseload query.
type caseloadFilter struct {
	district string
	status   matcher.GraduateStatus
	group    string // "", looking, settled
	hardship string // "", yes, no
	overdue  string // "", yes, no
}

func (f *caseloadFilter) keep(g *matcher.Graduate, now time.Time, sla int) bool {
	if f.hardship == "yes" && !g.IsHardship() || f.hardship == "no" && g.IsHardship() {
		return false
	}
	if f.group == groupLooking && !isLooking(g) || f.group == groupSettled && !isPlaced(g) {
		return false
	}
	od := contactOverdue(g, now, sla)
	return !(f.overdue == "yes" && !od || f.overdue == "no" && od)
}

// eachInScope calls fn for every graduate of the caller's scope that the
// filter keeps. The store filters by district and status; hardship and
// overdue are decided here.
func (s *Server) eachInScope(r *http.Request, f caseloadFilter, sla int, fn func(*matcher.Graduate)) error {
	k := keyFrom(r)
	now := s.now()
	return s.store.EachGraduate(r.Context(), matcher.GraduateFilter{District: f.district, Status: f.status}, func(g *matcher.Graduate) error {
		// Belt and braces: the store's district filter and the key's scope
		// must agree before anything is served.
		if inDistrict(k, g) && f.keep(g, now, sla) {
			fn(g)
		}
		return nil
	})
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
	OverdueDays    int  `json:"overdue_days,omitempty"` // days past the SLA
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func caseSummary(g matcher.Graduate, role matcher.Role, now time.Time, sla int) CaseSummary {
	m := maskGraduate(g, role)
	cs := CaseSummary{
		ID: m.ID, Name: m.Name, NationalID: m.NationalID, Phone: m.Phone, School: m.School, Major: m.Major,
		Degree: m.Degree, GraduationYear: m.GraduationYear, HukouDistrict: m.HukouDistrict, ResidenceDistrict: m.ResidenceDistrict,
		Status: m.Status, Hardship: m.Hardship,
		RegisteredAt: timePtr(m.RegisteredAt), ContactedAt: timePtr(m.ContactedAt), PlacedAt: timePtr(m.PlacedAt),
		Looking: isLooking(&g),
	}
	if contactOverdue(&g, now, sla) {
		cs.ContactOverdue = true
		cs.OverdueDays = int(now.Sub(g.RegisteredAt.Add(time.Duration(sla)*24*time.Hour)) / (24 * time.Hour))
	}
	return cs
}

func (s *Server) parseCaseload(r *http.Request, accepted []param) (caseloadFilter, map[string][]string, error) {
	var f caseloadFilter
	v, err := query(r, accepted)
	if err != nil {
		return f, nil, err
	}
	if f.district, err = scopeDistrict(keyFrom(r), v.Get("district")); err != nil {
		return f, nil, err
	}
	if st := v.Get("status"); st != "" {
		if f.group = statusGroup(st); f.group == "" {
			if f.status, err = normalize.GraduateStatus(st); err != nil {
				return f, nil, asField("status", err)
			}
		}
	}
	if f.hardship, err = yesNo(v.Get("hardship"), "hardship"); err != nil {
		return f, nil, err
	}
	if f.overdue, err = yesNo(v.Get("overdue"), "overdue"); err != nil {
		return f, nil, err
	}
	return f, v, nil
}

// caseRank orders the caseload: 0 for a graduate overdue for contact, 1
// for the others still looking, 2 for those with a destination. The work
// that breaks the SLA is at the top of page one, the work that is done at
// the end.
func caseRank(g *matcher.Graduate, now time.Time, sla int) int {
	switch {
	case contactOverdue(g, now, sla):
		return 0
	case isLooking(g):
		return 1
	}
	return 2
}

// listGraduates is the caseload: the caller's graduates, filtered and
// paged. Overdue graduates come first (longest overdue first), then the
// others still looking, then those with a destination, each by id. Every
// graduate on the page is audited as read: a caseload shows names.
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
	pol, err := policy()
	if err != nil {
		return err
	}
	now := s.now()
	var gs []matcher.Graduate
	if err := s.eachInScope(r, f, pol.ContactSLADays, func(g *matcher.Graduate) { gs = append(gs, *g) }); err != nil {
		return err
	}
	slices.SortFunc(gs, func(a, b matcher.Graduate) int {
		ra, rb := caseRank(&a, now, pol.ContactSLADays), caseRank(&b, now, pol.ContactSLADays)
		if ra != rb {
			return cmp.Compare(ra, rb)
		}
		if ra == 0 {
			if c := a.RegisteredAt.Compare(b.RegisteredAt); c != 0 {
				return c
			}
		}
		return cmp.Compare(a.ID, b.ID)
	})
	total := len(gs)
	page := gs[min(offset, total):min(offset+limit, total)]
	role := keyFrom(r).Role
	items := make([]CaseSummary, 0, len(page))
	ids := make([]string, len(page))
	for i, g := range page {
		ids[i] = g.ID
		items = append(items, caseSummary(g, role, now, pol.ContactSLADays))
	}
	// One entry per graduate listed, all in one commit.
	if err := s.audit(r, "graduate.list", "", ids...); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{
		"total": total, "limit": limit, "offset": offset, "district": f.district,
		"contact_sla_days": pol.ContactSLADays, "items": items,
	})
}

// MilestoneProgress is the caseload against one of the plan's milestones.
type MilestoneProgress struct {
	Date             string   `json:"date"` // YYYY-MM-DD in the current year
	Passed           bool     `json:"passed"`
	Next             bool     `json:"next"` // the first milestone not yet passed
	RegisteredTarget *float64 `json:"registered_target,omitempty"`
	RegisteredMet    *bool    `json:"registered_met,omitempty"`
	RegisteredGap    int      `json:"registered_gap,omitempty"` // graduates still to register to meet it
	PlacedTarget     *float64 `json:"placed_target,omitempty"`
	PlacedMet        *bool    `json:"placed_met,omitempty"`
	PlacedGap        int      `json:"placed_gap,omitempty"`
}

// gap is how many more of total must reach a state for the rate to reach
// target: ceil(target × total) − have, at least 0.
func gap(target float64, total, have int) int {
	need := int(math.Ceil(target*float64(total)-1e-9)) - have
	return max(need, 0)
}

// caseloadSummary is the district dashboard: registration and placement
// rates of the caller's caseload against the plan's milestones, and how
// many graduates are overdue for contact. It holds counts only, no
// personal data, so it reads no graduate "by a person" and is not audited.
func (s *Server) caseloadSummary(w http.ResponseWriter, r *http.Request) error {
	f, _, err := s.parseCaseload(r, summaryPs)
	if err != nil {
		return err
	}
	pol, err := policy()
	if err != nil {
		return err
	}
	now := s.now()
	var total, registered, placed, overdue, contacted, hardship int
	byStatus := map[string]int{}
	if err := s.eachInScope(r, f, pol.ContactSLADays, func(g *matcher.Graduate) {
		total++
		if isRegistered(g) {
			registered++
		}
		if isPlaced(g) {
			placed++
		}
		if contactOverdue(g, now, pol.ContactSLADays) {
			overdue++
		}
		if !g.ContactedAt.IsZero() {
			contacted++
		}
		if g.IsHardship() {
			hardship++
		}
		st := string(g.Status)
		if st == "" {
			st = string(matcher.StatusUnregistered)
		}
		byStatus[st]++
	}); err != nil {
		return err
	}
	rate := func(n int) float64 {
		if total == 0 {
			return 0
		}
		return math.Round(float64(n)/float64(total)*10000) / 10000
	}
	var ms []MilestoneProgress
	nextSet := false
	for _, m := range pol.Milestones {
		due, err := time.ParseInLocation("2006-01-02", fmt.Sprintf("%04d-%s", now.Year(), m.Date), now.Location())
		if err != nil {
			return fmt.Errorf("milestone %q: %w", m.Date, err)
		}
		mp := MilestoneProgress{Date: due.Format(time.DateOnly), Passed: now.After(matcher.EndOfDay(due))}
		if !mp.Passed && !nextSet {
			mp.Next, nextSet = true, true
		}
		if m.Registered > 0 {
			t, met := m.Registered, rate(registered) >= m.Registered
			mp.RegisteredTarget, mp.RegisteredMet, mp.RegisteredGap = &t, &met, gap(t, total, registered)
		}
		if m.Placed > 0 {
			t, met := m.Placed, rate(placed) >= m.Placed
			mp.PlacedTarget, mp.PlacedMet, mp.PlacedGap = &t, &met, gap(t, total, placed)
		}
		ms = append(ms, mp)
	}
	return writeJSON(w, http.StatusOK, map[string]any{
		"district": f.district, "as_of": now.UTC(), "total": total,
		"registered": registered, "placed": placed, "registration_rate": rate(registered), "placement_rate": rate(placed),
		"contacted": contacted, "contact_overdue": overdue, "contact_sla_days": pol.ContactSLADays,
		"hardship": hardship, "by_status": byStatus, "milestones": ms,
	})
}

// ------------------------------------------------------------ shortlist

// Shortlist actions. unpin is the inverse of pin; a pin on an item not in
// the list adds it pinned.
const (
	actAdd    = "add"
	actRemove = "remove"
	actPin    = "pin"
	actUnpin  = "unpin"
)

// shortlistEntry is one item of the folded shortlist.
type shortlistEntry struct {
	ID      string
	Pinned  bool
	AddedAt time.Time
	Note    string
}

// foldShortlist replays edits (oldest first) into the current shortlist:
// add appends an item not yet there, remove drops it, pin marks it (adding
// it when absent), unpin clears the mark; the latest note given with an
// add or pin is the item's note. The order is the order items were
// first added, pinned items first.
func foldShortlist(edits []matcher.ShortlistEdit) []shortlistEntry {
	var out []shortlistEntry
	find := func(id string) int {
		return slices.IndexFunc(out, func(e shortlistEntry) bool { return e.ID == id })
	}
	for _, e := range edits {
		i := find(e.PostID)
		switch e.Action {
		case actAdd, actPin:
			if i < 0 {
				out = append(out, shortlistEntry{ID: e.PostID, AddedAt: e.At, Note: e.Note})
				i = len(out) - 1
			}
			if e.Action == actPin {
				out[i].Pinned = true
			}
			if e.Note != "" {
				out[i].Note = e.Note
			}
		case actRemove:
			if i >= 0 {
				out = slices.Delete(out, i, i+1)
			}
		case actUnpin:
			if i >= 0 {
				out[i].Pinned = false
			}
		}
	}
	slices.SortStableFunc(out, func(a, b shortlistEntry) int {
		switch {
		case a.Pinned && !b.Pinned:
			return -1
		case b.Pinned && !a.Pinned:
			return 1
		}
		return 0
	})
	return out
}

// ShortlistItem is one post, internship or course on a shortlist.
type ShortlistItem struct {
	ID       string          `json:"id"`
	Kind     matcher.Kind    `json:"kind"` // job, internship or course
	Title    string          `json:"title"`
	Employer string          `json:"employer,omitempty"` // the provider for a course
	Channel  matcher.Channel `json:"channel,omitempty"`
	District string          `json:"district,omitempty"`
	Salary   *matcher.Salary `json:"salary,omitempty"`
	Category string          `json:"category,omitempty"` // courses: skills or entrepreneurship
	Pinned   bool            `json:"pinned"`
	AddedAt  time.Time       `json:"added_at"`
	Note     string          `json:"note,omitempty"`
	// Open is false for a post filled, closed or past its deadline since it
	// was added, or deleted: it no longer counts towards the policy.
	Open bool `json:"open"`
}

// ShortlistCheck is the shortlist against policy.Shortlist.
type ShortlistCheck struct {
	// Settled is true for a graduate with a destination (placed, employed,
	// studying): the plan's 一人一策 is for graduates still looking, so
	// nothing is missing and Complete is true whatever the list holds.
	Settled        bool   `json:"settled"`
	Complete       bool   `json:"complete"`
	Message        string `json:"message"` // 中文, for the workspace
	PostsMin       int    `json:"posts_min"`
	PostsMax       int    `json:"posts_max"`
	CoursesMin     int    `json:"courses_min"` // for this graduate: policy's courses_min when 就业困难, else 0
	Posts          int    `json:"posts"`       // open jobs on the list
	Courses        int    `json:"courses"`
	MissingPosts   int    `json:"missing_posts"`
	ExcessPosts    int    `json:"excess_posts"`
	MissingCourses int    `json:"missing_courses"`
	Closed         int    `json:"closed"` // items no longer open
}

// SubsidyView is a subsidy that applies to the graduate, and why.
type SubsidyView struct {
	Code       string  `json:"code"`
	Name       string  `json:"name"`
	Amount     float64 `json:"amount"`
	Unit       string  `json:"unit"`
	AmountText string  `json:"amount_text"` // 1700元/月, 按规定 …
	Payee      string  `json:"payee"`
	For        string  `json:"for"`
	Conditions string  `json:"conditions,omitempty"`
	Why        string  `json:"why"` // the rule that made it apply, in Chinese
}

// Shortlist is a graduate's 一人一策: targeted posts, internships and
// courses, its check against the policy, and the subsidies that apply.
type Shortlist struct {
	GraduateID  string          `json:"graduate_id"`
	Posts       []ShortlistItem `json:"posts"`
	Internships []ShortlistItem `json:"internships"`
	Courses     []ShortlistItem `json:"courses"`
	Check       ShortlistCheck  `json:"check"`
	Subsidies   []SubsidyView   `json:"subsidies"`
	Edits       int             `json:"edits"`
}

// resolveItem looks id up as a post, then as a course. ok is false when
// it is neither.
func (s *Server) resolveItem(r *http.Request, id string) (ShortlistItem, bool, error) {
	it := ShortlistItem{ID: id}
	p, err := s.store.Post(r.Context(), id)
	switch matcher.ErrorCode(err) {
	case "":
		it.Kind, it.Title, it.Employer, it.Channel, it.District = p.Kind, p.Title, p.Employer, p.Channel, p.District
		if it.Kind == "" {
			it.Kind = matcher.KindJob
		}
		sal := p.Salary
		it.Salary = &sal
		it.Open = p.Searchable(s.now())
		return it, true, nil
	case matcher.ENOTFOUND:
	default:
		return it, false, err
	}
	c, err := s.store.Course(r.Context(), id)
	switch matcher.ErrorCode(err) {
	case "":
		it.Kind, it.Title, it.Employer, it.District, it.Category = matcher.KindCourse, c.Title, c.Provider, c.District, string(c.Category)
		it.Open = true
		return it, true, nil
	case matcher.ENOTFOUND:
		return it, false, nil
	}
	return it, false, err
}

// shortlistOf builds g's shortlist from its stored edits.
func (s *Server) shortlistOf(r *http.Request, g *matcher.Graduate) (*Shortlist, error) {
	edits, err := s.store.ShortlistEdits(r.Context(), g.ID)
	if err != nil {
		return nil, err
	}
	pol, err := policy()
	if err != nil {
		return nil, err
	}
	sl := &Shortlist{GraduateID: g.ID, Posts: []ShortlistItem{}, Internships: []ShortlistItem{}, Courses: []ShortlistItem{}, Edits: len(edits)}
	for _, e := range foldShortlist(edits) {
		it, ok, err := s.resolveItem(r, e.ID)
		if err != nil {
			return nil, err
		}
		if !ok {
			it.Kind, it.Title = matcher.KindJob, "（岗位已删除）"
		}
		it.Pinned, it.AddedAt, it.Note = e.Pinned, e.AddedAt, maskNote(e.Note, keyFrom(r).Role)
		switch it.Kind {
		case matcher.KindCourse:
			sl.Courses = append(sl.Courses, it)
		case matcher.KindInternship:
			sl.Internships = append(sl.Internships, it)
		default:
			sl.Posts = append(sl.Posts, it)
		}
	}
	sl.Check = checkShortlist(g, sl, pol)
	sl.Subsidies = applicableSubsidies(g, sl, pol)
	return sl, nil
}

// checkShortlist holds the list to policy.Shortlist: posts_min..posts_max
// open jobs (internships are listed beside them: the plan names them
// separately from the 5–8 targeted posts) and, for 就业困难 graduates,
// at least courses_min courses.
func checkShortlist(g *matcher.Graduate, sl *Shortlist, pol catalog.Policy) ShortlistCheck {
	c := ShortlistCheck{PostsMin: pol.Shortlist.PostsMin, PostsMax: pol.Shortlist.PostsMax}
	if g.IsHardship() {
		c.CoursesMin = pol.Shortlist.CoursesMin
	}
	for _, it := range sl.Posts {
		if it.Open {
			c.Posts++
		} else {
			c.Closed++
		}
	}
	for _, it := range sl.Internships {
		if !it.Open {
			c.Closed++
		}
	}
	c.Courses = len(sl.Courses)
	if isPlaced(g) {
		c.Settled, c.Complete = true, true
		c.Message = "已落实去向（" + statusChinese(g.Status) + "），无需补足一人一策名单"
		return c
	}
	c.MissingPosts = max(c.PostsMin-c.Posts, 0)
	c.ExcessPosts = max(c.Posts-c.PostsMax, 0)
	c.MissingCourses = max(c.CoursesMin-c.Courses, 0)
	var todo []string
	if c.MissingPosts > 0 {
		todo = append(todo, fmt.Sprintf("还需添加 %d 个岗位", c.MissingPosts))
	}
	if c.ExcessPosts > 0 {
		todo = append(todo, fmt.Sprintf("岗位超出上限，请移除 %d 个", c.ExcessPosts))
	}
	if c.MissingCourses > 0 {
		todo = append(todo, fmt.Sprintf("还需添加 %d 门培训课程", c.MissingCourses))
	}
	c.Complete = len(todo) == 0
	if c.Complete {
		c.Message = fmt.Sprintf("一人一策已达标：%d 个岗位", c.Posts)
		if c.Courses > 0 {
			c.Message += fmt.Sprintf("、%d 门培训课程", c.Courses)
		}
	} else {
		c.Message = strings.Join(todo, "；")
	}
	if c.Closed > 0 {
		c.Message += fmt.Sprintf("（%d 项已满员或截止，不计入，请替换）", c.Closed)
	}
	return c
}

// statusChinese is a status as the workspace names it.
func statusChinese(st matcher.GraduateStatus) string {
	switch st {
	case matcher.StatusPlaced:
		return "已落实"
	case matcher.StatusEmployed:
		return "已就业"
	case matcher.StatusStudying:
		return "升学"
	case matcher.StatusSeeking:
		return "求职中"
	}
	return "未登记"
}

// applicableSubsidies picks the plan's subsidies that apply to g and this
// shortlist. policy.json describes who qualifies in the policy's own words
// ("for"); the rules below read those words as follows, by subsidy code:
//
//   - job_search_startup (一次性求职创业补贴, for 贫困家庭、低收入家庭、
//     残疾等毕业生): any 就业困难 category — the "等" covers the plan's
//     other hardship groups (零就业家庭, 长期未就业).
//   - internship (就业见习补贴, graduate) and internship_post (见习岗位补助,
//     paid to the employer): the shortlist holds an open internship (the
//     matcher only recommends internships the graduate is eligible for:
//     应届, ≤2 years out, or aged 16–24).
//   - skills_training, skills_assessment (离校未就业 graduates in skills
//     training): the shortlist holds a skills course and g is not placed.
//   - entrepreneurship_training: the shortlist holds an entrepreneurship
//     course.
//   - startup_one_time, startup_guarantee_loan, startup_pension,
//     incubator_rent (大学生创业): g prefers the self_employed channel or the
//     shortlist holds a self_employed post.
//   - internship_retention and incubator_services are paid to employers and
//     incubators for their own acts, never because of one graduate's plan.
//
// A subsidy code the rules do not know never applies: a new subsidy needs a
// rule here before the workspace offers it.
func applicableSubsidies(g *matcher.Graduate, sl *Shortlist, pol catalog.Policy) []SubsidyView {
	hasOpen := func(items []ShortlistItem, ok func(ShortlistItem) bool) bool {
		return slices.ContainsFunc(items, func(it ShortlistItem) bool { return it.Open && ok(it) })
	}
	internship := hasOpen(sl.Internships, func(ShortlistItem) bool { return true })
	skills := hasOpen(sl.Courses, func(it ShortlistItem) bool { return it.Category != string(matcher.CourseEntrepreneurship) })
	startupCourse := hasOpen(sl.Courses, func(it ShortlistItem) bool { return it.Category == string(matcher.CourseEntrepreneurship) })
	selfEmployed := slices.Contains(g.PreferredChannels, matcher.ChannelSelfEmployed) ||
		hasOpen(sl.Posts, func(it ShortlistItem) bool { return it.Channel == matcher.ChannelSelfEmployed })
	out := []SubsidyView{}
	for _, sub := range pol.Subsidies {
		why := ""
		switch sub.Code {
		case "job_search_startup":
			if g.IsHardship() {
				names := make([]string, 0, len(g.Hardship))
				for _, h := range g.Hardship {
					names = append(names, h.Chinese())
				}
				why = "就业困难毕业生（" + strings.Join(names, "、") + "）"
			}
		case "internship", "internship_post":
			if internship {
				why = "名单中有就业见习岗位"
			}
		case "skills_training", "skills_assessment":
			if skills && !isPlaced(g) {
				why = "名单中有职业技能培训，且尚未落实去向"
			}
		case "entrepreneurship_training":
			if startupCourse {
				why = "名单中有创业培训"
			}
		case "startup_one_time", "startup_guarantee_loan", "startup_pension", "incubator_rent":
			if selfEmployed {
				why = "有自主创业、灵活就业意向"
			}
		}
		if why == "" {
			continue
		}
		out = append(out, SubsidyView{
			Code: sub.Code, Name: sub.Name, Amount: sub.Amount, Unit: sub.Unit, AmountText: amountText(sub),
			Payee: sub.Payee, For: sub.For, Conditions: sub.Conditions, Why: why,
		})
	}
	return out
}

// amountText is how the workspace shows a subsidy's amount: the figure and
// unit, or the rule when the plan sets no figure (an Amount of 0 there is
// not "nothing").
func amountText(s catalog.Subsidy) string {
	switch {
	case s.Amount > 0:
		t := fmt.Sprintf("%s%s", trimFloat(s.Amount), s.Unit)
		if s.MaxMonths > 0 {
			t += fmt.Sprintf("，最长 %d 个月", s.MaxMonths)
		}
		if s.MaxArea > 0 {
			t += fmt.Sprintf("，最多 %s 平方米", trimFloat(s.MaxArea))
		}
		return t
	case s.Basis != "":
		return s.Basis
	default:
		return "按规定"
	}
}

func trimFloat(f float64) string {
	if f == math.Trunc(f) {
		return fmt.Sprintf("%.0f", f)
	}
	return fmt.Sprintf("%g", f)
}

func (s *Server) getShortlist(w http.ResponseWriter, r *http.Request) error {
	g, err := s.caseGraduate(r)
	if err != nil {
		return err
	}
	if err := s.audit(r, "shortlist.read", "", g.ID); err != nil {
		return err
	}
	sl, err := s.shortlistOf(r, g)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, sl)
}

type shortlistEditRequest struct {
	Action string `json:"action"`
	PostID string `json:"post_id"`
	Note   string `json:"note"`
}

// editShortlist applies one edit. An edit that would change nothing (add
// an item already there, remove or pin one that is not) is a 409, so the
// log holds only real changes; an add past posts_max is a 409 too. Only
// open posts can be added: a filled or expired post is no plan for anyone.
func (s *Server) editShortlist(w http.ResponseWriter, r *http.Request) error {
	b, err := readBody(w, r, s.cfg.MaxBody)
	if err != nil {
		return err
	}
	var req shortlistEditRequest
	if err := decodeStrict(b, &req); err != nil {
		return err
	}
	switch req.Action {
	case actAdd, actRemove, actPin, actUnpin:
	case "":
		return invalidField("action", "缺少 action（add、remove、pin 或 unpin）", "action is required: add, remove, pin or unpin")
	default:
		return invalidField("action", "未知操作：%s（应为 add、remove、pin 或 unpin）", "unknown action %q: want add, remove, pin or unpin", clip(req.Action))
	}
	if req.PostID == "" {
		return invalidField("post_id", "缺少 post_id", "post_id is required")
	}
	if _, _, ok := splitPostID(req.PostID); !ok {
		return invalidField("post_id", "post_id 格式应为 来源:编号", "post_id must be source:external_id")
	}
	note, err := cleanNote(req.Note, "note", 200)
	if err != nil {
		return err
	}
	g, err := s.caseGraduate(r)
	if err != nil {
		return err
	}
	pol, err := policy()
	if err != nil {
		return err
	}
	edits, err := s.store.ShortlistEdits(r.Context(), g.ID)
	if err != nil {
		return err
	}
	cur := foldShortlist(edits)
	i := slices.IndexFunc(cur, func(e shortlistEntry) bool { return e.ID == req.PostID })
	switch req.Action {
	case actAdd, actPin:
		if req.Action == actAdd && i >= 0 {
			return matcher.Errorf(matcher.ECONFLICT, "该项已在名单中", "already on the shortlist")
		}
		if req.Action == actPin && i >= 0 && cur[i].Pinned {
			return matcher.Errorf(matcher.ECONFLICT, "该项已置顶", "already pinned")
		}
		if i < 0 {
			it, ok, err := s.resolveItem(r, req.PostID)
			if err != nil {
				return err
			}
			if !ok {
				return errHidden("岗位", req.PostID)
			}
			if !it.Open {
				return invalidField("post_id", "该岗位已满员、关闭或过了截止日期", "the post is filled, closed or past its deadline")
			}
			if it.Kind == matcher.KindJob {
				jobs := 0
				for _, e := range cur {
					if x, ok, err := s.resolveItem(r, e.ID); err != nil {
						return err
					} else if ok && x.Kind == matcher.KindJob && x.Open {
						jobs++
					}
				}
				if jobs >= pol.Shortlist.PostsMax {
					return matcher.Errorf(matcher.ECONFLICT, "岗位已达上限（%d 个），请先移除一个", "the shortlist already holds the maximum of %d posts", pol.Shortlist.PostsMax)
				}
			}
		}
	case actRemove, actUnpin:
		if i < 0 {
			return matcher.Errorf(matcher.ECONFLICT, "该项不在名单中", "not on the shortlist")
		}
		if req.Action == actUnpin && !cur[i].Pinned {
			return matcher.Errorf(matcher.ECONFLICT, "该项未置顶", "not pinned")
		}
	}
	k := keyFrom(r)
	if err := s.audit(r, "shortlist.edit", req.Action+" "+req.PostID, g.ID); err != nil {
		return err
	}
	if err := s.store.EditShortlist(r.Context(), matcher.ShortlistEdit{
		GraduateID: g.ID, PostID: req.PostID, Action: req.Action, KeyID: k.ID, At: s.wall().UTC(), Note: note,
	}); err != nil {
		return err
	}
	sl, err := s.shortlistOf(r, g)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, sl)
}

// caseGraduate loads the {id} graduate for the caller (404 outside scope).
func (s *Server) caseGraduate(r *http.Request) (*matcher.Graduate, error) {
	id, err := pathID(r, "毕业生")
	if err != nil {
		return nil, err
	}
	return s.graduateFor(r, id)
}

// cleanNote checks free text: valid, at most max characters, no control
// characters but line breaks. It may hold personal data, so it is stored
// but never logged and never echoed in an error.
func cleanNote(s, field string, max int) (string, error) {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > max {
		return "", invalidField(field, "%s 不能超过 %d 个字", "%s must be at most %d characters", field, max)
	}
	if strings.ContainsFunc(s, func(c rune) bool { return unicode.IsControl(c) && c != '\n' && c != '\r' && c != '\t' }) {
		return "", invalidField(field, "%s 含控制字符", "%s contains control characters", field)
	}
	return s, nil
}

// ------------------------------------------------------------- contacts

// Contact methods and outcomes the log accepts. An attempt that does not
// reach the graduate (no answer, wrong number) is logged but is not the
// contact 5日内必联系 asks for: only reached and declined set contacted_at.
var (
	contactMethods  = []string{"phone", "sms", "wechat", "visit", "meeting", "email", "other"}
	contactOutcomes = map[string]bool{"reached": true, "declined": true, "no_answer": false, "wrong_number": false}
)

type contactRequest struct {
	Method  string     `json:"method"`
	Outcome string     `json:"outcome"`
	Note    string     `json:"note"`
	At      *time.Time `json:"at"`
}

func (s *Server) listContacts(w http.ResponseWriter, r *http.Request) error {
	g, err := s.caseGraduate(r)
	if err != nil {
		return err
	}
	if err := s.audit(r, "contacts.read", "", g.ID); err != nil {
		return err
	}
	cs, err := s.store.Contacts(r.Context(), g.ID)
	if err != nil {
		return err
	}
	return s.writeContacts(w, keyFrom(r).Role, http.StatusOK, g, cs, nil)
}

func (s *Server) writeContacts(w http.ResponseWriter, role matcher.Role, status int, g *matcher.Graduate, cs []matcher.ContactEntry, added *matcher.ContactEntry) error {
	pol, err := policy()
	if err != nil {
		return err
	}
	if cs == nil {
		cs = []matcher.ContactEntry{}
	}
	for i := range cs {
		cs[i].Note = maskNote(cs[i].Note, role)
	}
	if added != nil {
		a := *added
		a.Note = maskNote(a.Note, role)
		added = &a
	}
	body := map[string]any{
		"graduate_id": g.ID, "items": cs, "registered_at": timePtr(g.RegisteredAt), "contacted_at": timePtr(g.ContactedAt),
		"contact_overdue": contactOverdue(g, s.now(), pol.ContactSLADays), "contact_sla_days": pol.ContactSLADays,
	}
	if added != nil {
		body["added"] = added
	}
	return writeJSON(w, status, body)
}

// logContact records one contact. The first contact that reaches the
// graduate sets their contacted_at (the 5日内必联系 clock stops there);
// later ones leave it.
func (s *Server) logContact(w http.ResponseWriter, r *http.Request) error {
	b, err := readBody(w, r, s.cfg.MaxBody)
	if err != nil {
		return err
	}
	var req contactRequest
	if err := decodeStrict(b, &req); err != nil {
		return err
	}
	if req.Method == "" {
		return invalidField("method", "缺少联系方式（method）", "method is required")
	}
	if !slices.Contains(contactMethods, req.Method) {
		return invalidField("method", "未知联系方式：%s（应为 %s）", "unknown method %q: want %s", clip(req.Method), strings.Join(contactMethods, "、"))
	}
	reached, ok := contactOutcomes[req.Outcome]
	if req.Outcome == "" {
		return invalidField("outcome", "缺少联系结果（outcome）", "outcome is required")
	}
	if !ok {
		return invalidField("outcome", "未知联系结果：%s（应为 reached、no_answer、wrong_number 或 declined）", "unknown outcome %q: want reached, no_answer, wrong_number or declined", clip(req.Outcome))
	}
	note, err := cleanNote(req.Note, "note", 1000)
	if err != nil {
		return err
	}
	now := s.wall().UTC()
	at := now
	if req.At != nil {
		at = req.At.UTC()
		if at.After(now.Add(5 * time.Minute)) {
			return invalidField("at", "联系时间在未来", "the contact time is in the future")
		}
	}
	g, err := s.caseGraduate(r)
	if err != nil {
		return err
	}
	if !g.RegisteredAt.IsZero() && at.Before(g.RegisteredAt.Add(-24*time.Hour)) {
		// A day's slack: registration dates are days, contacts instants.
		return invalidField("at", "联系时间早于登记时间", "the contact time is before the graduate registered")
	}
	if err := s.audit(r, "contacts.write", req.Method+" "+req.Outcome, g.ID); err != nil {
		return err
	}
	e := matcher.ContactEntry{ID: store.NewID(), GraduateID: g.ID, At: at, KeyID: keyFrom(r).ID, Method: req.Method, Outcome: req.Outcome, Note: note}
	if err := s.store.LogContact(r.Context(), e); err != nil {
		return err
	}
	if reached && g.ContactedAt.IsZero() {
		g.ContactedAt = at
		if _, err := s.store.UpsertGraduates(r.Context(), []matcher.Graduate{*g}); err != nil {
			return fmt.Errorf("set contacted_at: %w", err)
		}
	}
	cs, err := s.store.Contacts(r.Context(), g.ID)
	if err != nil {
		return err
	}
	return s.writeContacts(w, keyFrom(r).Role, http.StatusCreated, g, cs, &e)
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
	item := obj(map[string]any{
		"id": str, "kind": map[string]any{"type": "string", "enum": []string{"job", "internship", "course"}}, "title": str, "employer": str,
		"channel": str, "district": str, "salary": ref("Salary"), "category": str, "pinned": boolean, "added_at": stamp, "note": str, "open": boolean,
	})
	maybe := func(v any) map[string]any { return map[string]any{"oneOf": []any{v}, "nullable": true} }
	maps.Copy(schemas, map[string]any{
		"Me":       obj(map[string]any{"key_id": str, "name": str, "role": str, "district": str}),
		"Caseload": obj(map[string]any{"total": integer, "limit": integer, "offset": integer, "district": str, "contact_sla_days": integer, "items": arrayOf(summary)}),
		"CaseloadSummary": obj(map[string]any{
			"district": str, "as_of": stamp, "total": integer, "registered": integer, "placed": integer,
			"registration_rate": number, "placement_rate": number, "contacted": integer, "contact_overdue": integer,
			"contact_sla_days": integer, "hardship": integer, "by_status": map[string]any{"type": "object", "additionalProperties": integer},
			"milestones": arrayOf(obj(map[string]any{
				"date": date, "passed": boolean, "next": boolean, "registered_target": number, "registered_met": boolean,
				"registered_gap": integer, "placed_target": number, "placed_met": boolean, "placed_gap": integer,
			})),
		}),
		"Shortlist": obj(map[string]any{
			"graduate_id": str, "posts": arrayOf(item), "internships": arrayOf(item), "courses": arrayOf(item), "edits": integer,
			"check": obj(map[string]any{
				"settled":  map[string]any{"type": "boolean", "description": "the graduate has a destination (placed, employed, studying): nothing is missing"},
				"complete": boolean, "message": str, "posts_min": integer, "posts_max": integer, "courses_min": integer,
				"posts": integer, "courses": integer, "missing_posts": integer, "excess_posts": integer, "missing_courses": integer, "closed": integer,
			}),
			"subsidies": arrayOf(obj(map[string]any{
				"code": str, "name": str, "amount": number, "unit": str, "amount_text": str, "payee": str, "for": str, "conditions": str, "why": str,
			})),
		}),
		"ShortlistEdit": obj(map[string]any{
			"action":  map[string]any{"type": "string", "enum": []string{actAdd, actRemove, actPin, actUnpin}},
			"post_id": map[string]any{"type": "string", "description": "a post, internship or course id (source:external_id)"},
			"note":    map[string]any{"type": "string", "maxLength": 200},
		}, "action", "post_id"),
		"ContactInput": obj(map[string]any{
			"method":  map[string]any{"type": "string", "enum": contactMethods},
			"outcome": map[string]any{"type": "string", "enum": []string{"reached", "no_answer", "wrong_number", "declined"}},
			"note":    map[string]any{"type": "string", "maxLength": 1000},
			"at":      stamp,
		}, "method", "outcome"),
		"Contacts": obj(map[string]any{
			"graduate_id": str, "registered_at": maybe(stamp), "contacted_at": maybe(stamp), "contact_overdue": boolean, "contact_sla_days": integer,
			"items": arrayOf(obj(map[string]any{"id": str, "graduate_id": str, "at": stamp, "key_id": str, "method": str, "outcome": str, "note": str})),
			"added": map[string]any{"type": "object"},
		}),
	})
}
