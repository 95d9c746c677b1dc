package convert

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/urumqi-hrss/jobmatch/ingest/extract"
	"github.com/urumqi-hrss/jobmatch/ingest/normalize"
	"github.com/urumqi-hrss/jobmatch/ingest/occupation"
	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

const dateHint = "应为如 2024-06-30 的日期"

// postFields is the posts converter: one entry per column, in the order
// errors are reported.
var postFields = []field[matcher.Post]{
	{col: "title", what: "职位名称", required: true, set: text(func(p *matcher.Post) *string { return &p.Title })},
	{col: "employer", what: "单位名称", required: true, set: text(func(p *matcher.Post) *string { return &p.Employer })},
	{col: "employer_type", set: text(func(p *matcher.Post) *string { return &p.EmployerType })},
	{col: "district", set: district(func(p *matcher.Post) *string { return &p.District })},
	{col: "address", set: text(func(p *matcher.Post) *string { return &p.Address })},
	{col: "description", set: func(p *matcher.Post, v string) error { p.Description = normalize.Multiline(v); return nil }},
	{col: "kind", what: "岗位类型", hint: "应为 job（全职）或 internship（见习）",
		set: func(p *matcher.Post, v string) (err error) {
			p.Kind, err = normalize.Kind(v)
			return err
		},
		unset: func(p *matcher.Post) { p.Kind = matcher.KindJob }},
	{col: "channel", what: "渠道", hint: "应为 public_sector、state_owned、sme、grassroots、military、self_employed 之一或其中文名",
		set: func(p *matcher.Post, v string) (err error) {
			p.Channel, err = normalize.Channel(v)
			return err
		},
		// 单位性质 (read above) tells the channel when none is given.
		unset: func(p *matcher.Post) { p.Channel = channelFromEmployerType(p.EmployerType) }},
	{col: "majors", set: func(p *matcher.Post, v string) error { p.Majors, p.MajorCodes = normalize.Majors(v); return nil }},
	{col: "degree_min", what: "学历要求", hint: "应为 不限、中专、大专、本科、硕士、博士 之一",
		set: func(p *matcher.Post, v string) (err error) {
			p.DegreeMin, err = normalize.Degree(v)
			return err
		}},
	// Experience is optional and portals put anything in it (5天/周,
	// 可实习3个月): a value that cannot be read is kept as written, the
	// minimum years left unknown (0), and the row accepted with a note.
	{col: "experience", lenient: "工作经验要求无法识别，按原文保存，最低年限视为未知",
		set: func(p *matcher.Post, v string) error {
			p.Experience = normalize.Text(v)
			n, err := normalize.Experience(v)
			if err == nil {
				p.ExperienceMin = n
			}
			return err
		}},
	{col: "salary", what: "薪资", hint: "应为如 3000-5000元/月、8k-12k、200元/天 或 面议",
		set: func(p *matcher.Post, v string) (err error) {
			p.Salary, err = normalize.Salary(v)
			return err
		}},
	{col: "headcount", what: "招聘人数", hint: "应为一个整数", set: count("headcount", func(p *matcher.Post) *int { return &p.Headcount }),
		after: func(_ *rowErrs, p *matcher.Post) {
			if p.Headcount == 0 {
				p.Headcount = 1 // absent or 若干: at least one place
			}
		}},
	{col: "age_max", set: func(p *matcher.Post, v string) (err error) {
		p.AgeMin, p.AgeMax, err = parseAge(v)
		return err
	}},
	{col: "age_min", what: "最低年龄", hint: "应为一个整数", set: count("age_min", func(p *matcher.Post) *int { return &p.AgeMin })},
	{col: "hukou_required", set: func(p *matcher.Post, v string) error {
		switch normalize.Text(v) {
		case "不限", "无", "否", "无要求", "no", "none":
		default:
			p.HukouRequired = normalize.District(v)
		}
		return nil
	}},
	{col: "public_welfare", what: "是否公益性岗位", hint: "应为 是 或 否",
		set: func(p *matcher.Post, v string) (err error) {
			p.PublicWelfare, err = normalize.Bool(v)
			return err
		}},
	{col: "posted_at", what: "发布日期", hint: dateHint, set: date(func(p *matcher.Post) *time.Time { return &p.PostedAt })},
	{col: "deadline", what: "截止日期", hint: dateHint, set: date(func(p *matcher.Post) *time.Time { return &p.Deadline }),
		after: func(e *rowErrs, p *matcher.Post) {
			if !p.PostedAt.IsZero() && !p.Deadline.IsZero() && p.Deadline.Before(p.PostedAt) {
				e.add("deadline", e.r.Get("deadline"), fmt.Sprintf("截止日期 %s 早于发布日期 %s", p.Deadline.Format("2006-01-02"), p.PostedAt.Format("2006-01-02")))
			}
		}},
	{col: "status", set: func(p *matcher.Post, v string) error {
		st, ok := postStatus(v)
		if !ok {
			return reasonf("岗位状态无法识别：'%s'，应为 open（招聘中）、filled（已招满）或 closed（已关闭）", clip(v))
		}
		p.Status = st
		return nil
	}},
}

// postStatus reads a post's status, in the API's words or a portal's.
func postStatus(v string) (matcher.PostStatus, bool) {
	switch st := matcher.PostStatus(strings.ToLower(normalize.Text(v))); st {
	case matcher.PostOpen, matcher.PostFilled, matcher.PostClosed:
		return st, true
	}
	switch normalize.Text(v) {
	case "招聘中", "开放", "有效":
		return matcher.PostOpen, true
	case "已招满", "已满":
		return matcher.PostFilled, true
	case "已关闭", "已结束", "停止招聘", "已下线":
		return matcher.PostClosed, true
	}
	return "", false
}

// PostFromRow builds a post from a row of a posts file. A row with any
// error returns them all and must be rejected whole.
func PostFromRow(r Row) (matcher.Post, []matcher.RowError) {
	p, errs, _ := PostFromRowNotes(r)
	return p, errs
}

// PostFromRowNotes is PostFromRow with the caveats of an accepted row: a
// cell of an optional column that cannot be read is kept as written and
// noted, and the importer sums the notes up as warnings.
func PostFromRowNotes(r Row) (matcher.Post, []matcher.RowError, []matcher.RowError) {
	p, errs, notes := PostBaseFromRowNotes(r)
	if len(errs) == 0 {
		DerivePost(r, &p)
	}
	return p, errs, notes
}

// PostBaseFromRowNotes is PostFromRowNotes without the fields derived from
// the post's text (DerivePost): its errors, notes and ID are already
// final, since the derived fields can neither fail nor change the ID. An
// importer converts a whole file this way first, to plan which rows it
// writes, and derives the rest (most of the cost: the requirement
// extraction and the occupation) chunk by chunk, beside the index.
func PostBaseFromRowNotes(r Row) (matcher.Post, []matcher.RowError, []matcher.RowError) {
	e := &rowErrs{r: r}
	p := matcher.Post{Status: matcher.PostOpen, Source: sourceOf(r)}
	apply(e, &p, postFields)
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
	return p, nil, e.notes
}

// DerivePost fills the fields of a good row's post (from
// PostBaseFromRowNotes) that are derived from its text.
func DerivePost(r Row, p *matcher.Post) {
	// The occupation from the title's words, and from the description's
	// duties when the title names no field (生产技术人员, 专员, 助理); none
	// when the classifier is not confident (the engine then gives the post
	// no occupation credit rather than a guessed one).
	if m, ok := occupation.Default().ClassifyPost(p.Title, p.Description); ok {
		p.Occupation = m.Code
	}
	fromText(r, p)
}

// fromText fills what the row leaves empty from the post's text — the
// minimum degree, the years of experience and the required majors (real
// exports often have no such columns) — raises a degree or years the text
// states above the column's, and adds the skills and certificates the
// title and requirements name to those the row lists.
// Like the occupation, these are derived after the content ID.
func fromText(r Row, p *matcher.Post) {
	x := extractor()
	if x == nil {
		skills, certs := catalog.FindSkills(p.Title + "\n" + p.Description)
		p.Skills = mergeUnique(p.Skills, skills...)
		p.Certificates = mergeUnique(p.Certificates, certs...)
		return
	}
	// The row's title and description are stored normalised (postFields).
	req := x.ExtractNormalized(p.Title, p.Description)
	// Where the column and the text both state a degree or years, the
	// stricter holds: portals fill the columns from a menu (学历 不限,
	// 经验 "1") while the text the employer wrote asks 本科及以上 or
	// 3年以上, and a graduate who meets only the looser one is refused.
	if req.DegreeFound && (r.Get("degree_min") == "" || req.Degree > p.DegreeMin) {
		p.DegreeMin = req.Degree
	}
	if req.ExperienceFound && (r.Get("experience") == "" || req.ExperienceMin > p.ExperienceMin) {
		p.ExperienceMin, p.Experience = req.ExperienceMin, req.ExperienceText
	}
	if r.Get("majors") == "" && len(req.MajorCodes) > 0 {
		p.Majors, p.MajorCodes = req.Majors, req.MajorCodes
	}
	p.Skills = mergeUnique(p.Skills, req.Skills...)
	p.Certificates = mergeUnique(p.Certificates, req.Certificates...)
}

var (
	extractorOnce sync.Once
	textExtractor *extract.Extractor
)

// extractor is the requirements reader on the shared gse segmenter, or nil
// when the segmenter cannot load (its dictionaries are embedded, so only a
// broken build gets here; the substring scan then stands in for terms).
func extractor() *extract.Extractor {
	extractorOnce.Do(func() {
		textExtractor, _ = extract.Default()
	})
	return textExtractor
}
