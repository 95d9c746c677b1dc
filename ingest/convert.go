package ingest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/urumqi-hrss/jobmatch/ingest/normalize"
	"github.com/urumqi-hrss/jobmatch/ingest/occupation"
	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

// rowErrs collects the errors of one row; every problem is reported, not
// just the first, so a person fixes a row once.
type rowErrs struct {
	r    Row
	errs []matcher.RowError
	// notes are caveats of a row that is accepted all the same (a cell of
	// an optional column that cannot be read is kept as written and its
	// meaning left unknown); the importer sums them up as warnings.
	notes []matcher.RowError
}

// note records a caveat of an accepted row.
func (e *rowErrs) note(col, value, reason string) {
	if personalColumns[col] {
		value = ""
	}
	e.notes = append(e.notes, matcher.RowError{File: e.r.File, Sheet: e.r.Sheet, Line: e.r.Line, Column: col, Value: clip(value), Reason: reason})
}

func (e *rowErrs) add(col, value, reason string) {
	if personalColumns[col] {
		value = ""
	}
	e.errs = append(e.errs, matcher.RowError{File: e.r.File, Sheet: e.r.Sheet, Line: e.r.Line, Column: col, Value: clip(value), Reason: reason})
}

// addErr reports err from a normaliser. The normalisers' *matcher.Error
// messages are Chinese and actionable; hint is appended to say what a good
// value looks like. For personal columns the value is never echoed, and a
// message that happens to contain it is replaced by a generic one.
func (e *rowErrs) addErr(col, value string, err error, what, hint string) {
	reason := what + "无法识别"
	var me *matcher.Error
	if errors.As(err, &me) && me.Message != "" {
		reason = me.Message
	}
	if personalColumns[col] && value != "" && (strings.Contains(reason, value) || strings.Contains(reason, normalize.Text(value))) {
		reason = what + "格式不正确"
	} else if !personalColumns[col] && !strings.Contains(reason, normalize.Text(value)) {
		reason += fmt.Sprintf("：'%s'", clip(value))
	}
	if hint != "" {
		reason += "，" + hint
	}
	e.add(col, value, reason)
}

func (e *rowErrs) required(col, what string) {
	if e.r.Optional[col] {
		return
	}
	e.add(col, "", what+"为空（必填）")
}

func clip(s string) string {
	const max = 80
	if r := []rune(s); len(r) > max {
		return string(r[:max]) + "…"
	}
	return s
}

// sourceOf is the row's source: its column, the mapping default (already
// applied to Values), or the file's base name — so two portals' files never
// share IDs even without a source column.
func sourceOf(r Row) string {
	s := normalize.Text(r.Get("source"))
	if s == "" {
		base := filepath.Base(r.File)
		s = strings.TrimSuffix(base, filepath.Ext(base))
	}
	s = strings.ToLower(s)
	// ':' separates source from external id in an ID.
	s = strings.NewReplacer(":", "-", " ", "-").Replace(s)
	if s == "" {
		s = "unknown"
	}
	return s
}

// Key limits: IDs are keys in both stores, which refuse long ones; a row
// must fail here, alone, rather than fail a whole chunk in the store.
const (
	maxSourceLen     = 64
	maxExternalIDLen = 200
)

func (e *rowErrs) checkKey(col, v string, max int) {
	if len(v) > max {
		e.add(col, v, fmt.Sprintf("编号过长（%d 字节，最多 %d）", len(v), max))
	} else if strings.ContainsRune(v, 0) {
		e.add(col, "", "编号含有空字符")
	}
}

// contentID is the key of a post or course whose export gives it no ID of
// its own: a hash of every content field of the normalised record (v, with
// its ID fields still empty). Equal keys therefore mean equal content, so
// re-importing a file finds every such record unchanged, and two rows that
// differ in any field (scraped exports repeat a title at an employer with
// other salaries, duties or requirements) are two records that never
// overwrite each other. An edited row becomes a new record: without an ID
// there is nothing to say it is the same post.
//
// Fields derived from the content by the classifiers (occupation, skills
// and certificates found in the text) are not hashed: they follow from the
// hashed fields, and leaving them out keeps keys stable when a classifier
// improves.
func contentID(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		// Posts and courses are plain data; Marshal cannot fail on them.
		panic(fmt.Sprintf("ingest: content key: %v", err))
	}
	sum := sha256.Sum256(b)
	return "h" + hex.EncodeToString(sum[:8])
}

// stableID hashes the fields that identify a record (a graduate's national
// ID) when the export has no id of its own.
func stableID(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(normalize.Text(p)))
		h.Write([]byte{0})
	}
	return "h" + hex.EncodeToString(h.Sum(nil))[:16]
}

var (
	ageRange   = regexp.MustCompile(`(\d{1,3})\s*(?:岁)?\s*[-~—–至到]\s*(\d{1,3})`)
	ageNumber  = regexp.MustCompile(`\d{1,3}`)
	ageAtLeast = regexp.MustCompile(`(以上|及以上|起|\+)`)
)

// parseAge reads an age requirement: "35", "35岁以下", "35周岁及以下",
// "25-40岁", "18岁以上", "年龄不限".
func parseAge(s string) (min, max int, err error) {
	t := normalize.Text(s)
	if t == "" || strings.Contains(t, "不限") || t == "无" {
		return 0, 0, nil
	}
	if m := ageRange.FindStringSubmatch(t); m != nil {
		a, _ := strconv.Atoi(m[1])
		b, _ := strconv.Atoi(m[2])
		if a > b {
			a, b = b, a
		}
		return a, b, checkAge(a, b)
	}
	nums := ageNumber.FindAllString(t, -1)
	if len(nums) != 1 {
		return 0, 0, fmt.Errorf("年龄要求无法识别：'%s'，应为如 35、35岁以下、18-35岁 或 不限", clip(s))
	}
	n, _ := strconv.Atoi(nums[0])
	if ageAtLeast.MatchString(t) && !strings.Contains(t, "以下") {
		return n, 0, checkAge(n, 0)
	}
	return 0, n, checkAge(0, n)
}

func checkAge(min, max int) error {
	if min > 80 || max > 80 || (max > 0 && max < 16) {
		return fmt.Errorf("年龄要求不合理：%d-%d 岁", min, max)
	}
	return nil
}

// channelFromEmployerType infers a channel from 单位性质 when no channel is
// given: the plan counts 机关/事业单位 and 国企 posts in their own channels.
func channelFromEmployerType(t string) matcher.Channel {
	switch {
	case t == "":
		return matcher.ChannelSME
	case strings.Contains(t, "事业单位") || strings.Contains(t, "机关") || strings.Contains(t, "党政") || strings.Contains(t, "政府"):
		return matcher.ChannelPublicSector
	case strings.Contains(t, "国企") || strings.Contains(t, "国有") || strings.Contains(t, "央企"):
		return matcher.ChannelStateOwned
	}
	return matcher.ChannelSME
}

func (e *rowErrs) date(col, what string) time.Time {
	v := e.r.Get(col)
	if v == "" {
		return time.Time{}
	}
	t, err := normalize.Date(v)
	if err != nil {
		e.addErr(col, v, err, what, "应为如 2024-06-30 的日期")
	}
	return t
}

func (e *rowErrs) count(col, what string) int {
	v := e.r.Get(col)
	if v == "" {
		return 0
	}
	n, err := normalize.Int(v, col)
	if err != nil {
		e.addErr(col, v, err, what, "应为一个整数")
	}
	return n
}

func mergeUnique(a []string, b ...string) []string {
	seen := make(map[string]bool, len(a)+len(b))
	out := a[:0:0]
	for _, s := range append(append([]string(nil), a...), b...) {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// PostFromRow builds a post from a row of a posts file. A row with any
// error returns them all and must be rejected whole.
func PostFromRow(r Row) (matcher.Post, []matcher.RowError) {
	p, errs, _ := postFromRow(r)
	return p, errs
}

// postFromRow is PostFromRow with the caveats of an accepted row (see
// rowErrs.note).
func postFromRow(r Row) (matcher.Post, []matcher.RowError, []matcher.RowError) {
	e := &rowErrs{r: r}
	p := matcher.Post{Status: matcher.PostOpen}
	p.Source = sourceOf(r)
	p.Title = normalize.Text(r.Get("title"))
	if p.Title == "" {
		e.required("title", "职位名称")
	}
	p.Employer = normalize.Text(r.Get("employer"))
	if p.Employer == "" {
		e.required("employer", "单位名称")
	}
	p.EmployerType = normalize.Text(r.Get("employer_type"))
	p.District = normalize.District(r.Get("district"))
	p.Address = normalize.Text(r.Get("address"))
	p.Description = normalize.Multiline(r.Get("description"))

	if v := r.Get("kind"); v == "" {
		p.Kind = matcher.KindJob
	} else if k, err := normalize.Kind(v); err != nil {
		e.addErr("kind", v, err, "岗位类型", "应为 job（全职）或 internship（见习）")
	} else {
		p.Kind = k
	}
	if v := r.Get("channel"); v == "" {
		p.Channel = channelFromEmployerType(p.EmployerType)
	} else if c, err := normalize.Channel(v); err != nil {
		e.addErr("channel", v, err, "渠道", "应为 public_sector、state_owned、sme、grassroots、military、self_employed 之一或其中文名")
	} else {
		p.Channel = c
	}
	if v := r.Get("majors"); v != "" {
		p.Majors, p.MajorCodes = normalize.Majors(v)
	}
	if v := r.Get("degree_min"); v != "" {
		d, err := normalize.Degree(v)
		if err != nil {
			e.addErr("degree_min", v, err, "学历要求", "应为 不限、中专、大专、本科、硕士、博士 之一")
		}
		p.DegreeMin = d
	}
	if v := r.Get("experience"); v != "" {
		// Experience is optional and portals put anything in it (5天/周,
		// 可实习3个月): a value that cannot be read is kept as written, the
		// minimum years left unknown (0), and the row accepted with a note.
		p.Experience = normalize.Text(v)
		if n, err := normalize.Experience(v); err != nil {
			e.note("experience", v, "工作经验要求无法识别，按原文保存，最低年限视为未知")
		} else {
			p.ExperienceMin = n
		}
	}
	if v := r.Get("salary"); v != "" {
		s, err := normalize.Salary(v)
		if err != nil {
			e.addErr("salary", v, err, "薪资", "应为如 3000-5000元/月、8k-12k、200元/天 或 面议")
		}
		p.Salary = s
	}
	p.Headcount = e.count("headcount", "招聘人数")
	if p.Headcount == 0 {
		p.Headcount = 1 // absent or 若干: at least one place
	}
	if v := r.Get("age_max"); v != "" {
		lo, hi, err := parseAge(v)
		if err != nil {
			e.add("age_max", v, err.Error())
		}
		p.AgeMin, p.AgeMax = lo, hi
	}
	if v := r.Get("age_min"); v != "" {
		p.AgeMin = e.count("age_min", "最低年龄")
	}
	if v := r.Get("hukou_required"); v != "" {
		switch normalize.Text(v) {
		case "不限", "无", "否", "无要求", "no", "none":
		default:
			p.HukouRequired = normalize.District(v)
		}
	}
	if v := r.Get("public_welfare"); v != "" {
		b, err := normalize.Bool(v)
		if err != nil {
			e.addErr("public_welfare", v, err, "是否公益性岗位", "应为 是 或 否")
		}
		p.PublicWelfare = b
	}
	p.PostedAt = e.date("posted_at", "发布日期")
	p.Deadline = e.date("deadline", "截止日期")
	if !p.PostedAt.IsZero() && !p.Deadline.IsZero() && p.Deadline.Before(p.PostedAt) {
		e.add("deadline", r.Get("deadline"), fmt.Sprintf("截止日期 %s 早于发布日期 %s", p.Deadline.Format("2006-01-02"), p.PostedAt.Format("2006-01-02")))
	}
	if v := r.Get("status"); v != "" {
		switch st := matcher.PostStatus(strings.ToLower(normalize.Text(v))); st {
		case matcher.PostOpen, matcher.PostFilled, matcher.PostClosed:
			p.Status = st
		default:
			switch normalize.Text(v) {
			case "招聘中", "开放", "有效":
				p.Status = matcher.PostOpen
			case "已招满", "已满":
				p.Status = matcher.PostFilled
			case "已关闭", "已结束", "停止招聘", "已下线":
				p.Status = matcher.PostClosed
			default:
				e.add("status", v, fmt.Sprintf("岗位状态无法识别：'%s'，应为 open（招聘中）、filled（已招满）或 closed（已关闭）", clip(v)))
			}
		}
	}
	if len(e.errs) > 0 {
		return matcher.Post{}, e.errs, nil
	}

	p.ExternalID = normalize.Text(r.Get("external_id"))
	e.checkKey("source", p.Source, maxSourceLen)
	e.checkKey("external_id", p.ExternalID, maxExternalIDLen)
	if len(e.errs) > 0 {
		return matcher.Post{}, e.errs, nil
	}
	p.Skills = normalize.List(r.Get("skills"))
	p.Certificates = normalize.List(r.Get("certificates"))
	if p.ExternalID == "" {
		p.ExternalID = contentID(&p) // before the derived fields (see contentID)
	}
	p.ID = matcher.PostID(p.Source, p.ExternalID)
	if m, ok := occupation.Default().Classify(p.Title); ok {
		p.Occupation = m.Code
	}
	skills, certs := catalog.FindSkills(p.Title + "\n" + p.Description)
	p.Skills = mergeUnique(p.Skills, skills...)
	p.Certificates = mergeUnique(p.Certificates, certs...)
	return p, nil, e.notes
}

// CourseFromRow builds a training course from a row of a courses file.
func CourseFromRow(r Row) (matcher.Course, []matcher.RowError) {
	e := &rowErrs{r: r}
	c := matcher.Course{Source: sourceOf(r)}
	c.Title = normalize.Text(r.Get("title"))
	if c.Title == "" {
		e.required("title", "课程名称")
	}
	c.Provider = normalize.Text(r.Get("provider"))
	if c.Provider == "" {
		e.required("provider", "培训机构")
	}
	c.Category = matcher.CourseSkills
	if v := r.Get("category"); v != "" {
		cat, err := normalize.CourseCategory(v)
		if err != nil {
			e.addErr("category", v, err, "培训类别", "应为 skills（职业技能培训）或 entrepreneurship（创业培训）")
		} else if cat != "" {
			c.Category = cat
		}
	}
	c.District = normalize.District(r.Get("district"))
	c.Description = normalize.Multiline(r.Get("description"))
	if v := r.Get("majors"); v != "" {
		c.Majors, _ = normalize.Majors(v)
	}
	c.StartDate = e.date("start_date", "开班日期")
	c.DurationDays = e.count("duration_days", "培训天数")
	c.Places = e.count("places", "招生人数")
	if len(e.errs) > 0 {
		return matcher.Course{}, e.errs
	}
	c.ExternalID = normalize.Text(r.Get("external_id"))
	e.checkKey("source", c.Source, maxSourceLen)
	e.checkKey("external_id", c.ExternalID, maxExternalIDLen)
	if len(e.errs) > 0 {
		return matcher.Course{}, e.errs
	}
	c.Skills = normalize.List(r.Get("skills"))
	c.Certificates = normalize.List(r.Get("certificates"))
	if c.ExternalID == "" {
		c.ExternalID = contentID(&c) // before the derived fields (see contentID)
	}
	c.ID = matcher.PostID(c.Source, c.ExternalID)
	skills, certs := catalog.FindSkills(c.Title + "\n" + c.Description)
	c.Skills = mergeUnique(c.Skills, skills...)
	c.Certificates = mergeUnique(c.Certificates, certs...)
	return c, nil
}

var yearIn = regexp.MustCompile(`(19|20)\d{2}`)

// GraduateFromRow builds a graduate from a row of the graduate ledger.
// Personal values (name, national ID, phone, birth date, hardship) are never
// copied into the returned errors.
func GraduateFromRow(r Row) (matcher.Graduate, []matcher.RowError) {
	e := &rowErrs{r: r}
	g := matcher.Graduate{}
	g.ID = normalize.Text(r.Get("id"))
	e.checkKey("id", g.ID, maxExternalIDLen)
	g.Name = normalize.Text(r.Get("name"))
	if g.Name == "" {
		e.required("name", "姓名")
	}
	if v := r.Get("national_id"); v != "" {
		id, err := normalize.NationalID(v)
		if err != nil {
			e.addErr("national_id", v, err, "身份证号", "")
		}
		g.NationalID = id
	}
	if g.ID == "" && g.NationalID == "" && len(e.errs) == 0 {
		e.add("id", "", "编号和身份证号都为空：至少需要其中一个来识别这名毕业生")
	}
	if v := r.Get("phone"); v != "" {
		ph, err := normalize.Phone(v)
		if err != nil {
			e.addErr("phone", v, err, "手机号", "")
		}
		g.Phone = ph
	}
	if v := r.Get("gender"); v != "" {
		s, err := normalize.Gender(v)
		if err != nil {
			e.addErr("gender", v, err, "性别", "应为 男 或 女")
		}
		g.Gender = s
	}
	if v := r.Get("birth_date"); v != "" {
		t, err := normalize.Date(v)
		if err != nil {
			e.addErr("birth_date", v, err, "出生日期", "应为如 2002-05-17 的日期")
		}
		g.BirthDate = t
	}
	if g.NationalID != "" {
		if bd, ok := normalize.NationalIDBirthDate(g.NationalID); ok {
			if g.BirthDate.IsZero() {
				g.BirthDate = bd
			} else if !sameDay(bd, g.BirthDate) {
				e.add("birth_date", "", "出生日期与身份证号中的出生日期不一致，请核对")
			}
		}
		if g.Gender == "" {
			if (g.NationalID[16]-'0')%2 == 1 {
				g.Gender = "男"
			} else {
				g.Gender = "女"
			}
		}
	}
	g.School = normalize.Text(r.Get("school"))
	if v := r.Get("major"); v != "" {
		names, codes := normalize.Majors(v)
		g.Major = normalize.Text(v)
		if len(names) > 0 {
			g.Major = names[0]
		}
		if len(codes) > 0 {
			g.MajorCode = codes[0]
		}
	}
	if v := r.Get("degree"); v != "" {
		d, err := normalize.Degree(v)
		if err != nil {
			e.addErr("degree", v, err, "学历", "应为 中专、大专、本科、硕士、博士 之一")
		}
		g.Degree = d
	}
	if v := r.Get("graduation_year"); v != "" {
		n, err := normalize.Int(v, "graduation_year")
		if err != nil || n < 1950 || n > 2100 {
			// "2024年6月", "2024-06": the year is what matters.
			if y := yearIn.FindString(normalize.Text(v)); y != "" {
				n, _ = strconv.Atoi(y)
			} else {
				e.add("graduation_year", v, fmt.Sprintf("毕业年份无法识别：'%s'，应为如 2024 的四位年份", clip(v)))
			}
		}
		g.GraduationYear = n
	}
	g.HukouDistrict = normalize.District(r.Get("hukou_district"))
	g.ResidenceDistrict = normalize.District(r.Get("residence_district"))
	g.Skills = normalize.List(r.Get("skills"))
	g.Certificates = normalize.List(r.Get("certificates"))
	for _, v := range normalize.List(r.Get("preferred_channels")) {
		c, err := normalize.Channel(v)
		if err != nil {
			e.addErr("preferred_channels", v, err, "意向渠道", "应为 public_sector、state_owned、sme、grassroots、military、self_employed 或其中文名，用 ; 分隔")
			continue
		}
		g.PreferredChannels = append(g.PreferredChannels, c)
	}
	for _, v := range normalize.List(r.Get("preferred_districts")) {
		g.PreferredDistricts = mergeUnique(g.PreferredDistricts, normalize.District(v))
	}
	if v := r.Get("expected_salary"); v != "" {
		s, err := normalize.Salary(v)
		if err != nil {
			e.addErr("expected_salary", v, err, "期望薪资", "应为如 4000、4000-6000 或 面议")
		} else if lo, _, ok := s.Monthly(); ok {
			g.ExpectedSalary = lo
		}
	}
	if v := r.Get("hardship"); v != "" {
		h, err := normalize.Hardships(v)
		if err != nil {
			e.add("hardship", "", "就业困难类别无法识别，应为 脱贫家庭、低保/低收入家庭、零就业家庭、残疾、长期未就业 之一，多个用 ; 分隔")
		}
		g.Hardship = h
	}
	if v := r.Get("status"); v != "" {
		st, err := normalize.GraduateStatus(v)
		if err != nil {
			e.addErr("status", v, err, "毕业生状态", "应为 未登记、求职中、已落实、在职、升学 之一")
		}
		g.Status = st
	}
	g.RegisteredAt = e.date("registered_at", "登记日期")
	g.ContactedAt = e.date("contacted_at", "联系日期")
	g.PlacedAt = e.date("placed_at", "落实日期")
	if g.Status == "" {
		switch {
		case !g.PlacedAt.IsZero():
			g.Status = matcher.StatusPlaced
		case !g.RegisteredAt.IsZero():
			g.Status = matcher.StatusSeeking
		}
	}
	if len(e.errs) > 0 {
		return matcher.Graduate{}, e.errs
	}
	if g.ID == "" {
		// Keyed by the ID number so a re-import updates the same person;
		// hashed so the key itself does not spell out the number.
		g.ID = stableID("national_id", g.NationalID)
	}
	return g, nil
}

func sameDay(a, b time.Time) bool {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	return ay == by && am == bm && ad == bd
}
