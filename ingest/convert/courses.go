package convert

import (
	"time"

	"github.com/urumqi-hrss/jobmatch/ingest/normalize"
	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

// courseFields is the courses converter (see field).
var courseFields = []field[matcher.Course]{
	{col: "title", what: "课程名称", required: true, set: text(func(c *matcher.Course) *string { return &c.Title })},
	{col: "provider", what: "培训机构", required: true, set: text(func(c *matcher.Course) *string { return &c.Provider })},
	{col: "category", what: "培训类别", hint: "应为 skills（职业技能培训）、entrepreneurship（创业培训）或 guidance（就业引导性培训）",
		set: func(c *matcher.Course, v string) error {
			cat, err := normalize.CourseCategory(v)
			if err == nil && cat != "" {
				c.Category = cat
			}
			return err
		}},
	{col: "district", set: district(func(c *matcher.Course) *string { return &c.District })},
	{col: "description", set: func(c *matcher.Course, v string) error { c.Description = normalize.Multiline(v); return nil }},
	{col: "majors", set: func(c *matcher.Course, v string) error { c.Majors, _ = normalize.Majors(v); return nil }},
	{col: "start_date", what: "开班日期", hint: dateHint, set: date(func(c *matcher.Course) *time.Time { return &c.StartDate })},
	{col: "duration_days", what: "培训天数", hint: "应为一个整数", set: count("duration_days", func(c *matcher.Course) *int { return &c.DurationDays })},
	{col: "places", what: "招生人数", hint: "应为一个整数", set: count("places", func(c *matcher.Course) *int { return &c.Places })},
}

// CourseFromRow builds a training course from a row of a courses file.
func CourseFromRow(r Row) (matcher.Course, []matcher.RowError) {
	e := &rowErrs{r: r}
	c := matcher.Course{Source: sourceOf(r), Category: matcher.CourseSkills}
	apply(e, &c, courseFields)
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
	skills, certs := courseTerms(c.Title + "\n" + c.Description)
	c.Skills = mergeUnique(c.Skills, skills...)
	c.Certificates = mergeUnique(c.Certificates, certs...)
	return c, nil
}

// courseTerms are the skills and certificates a course's text names: all
// of it, a course's description being what it teaches.
func courseTerms(text string) (skills, certs []string) {
	if x := extractor(); x != nil {
		return x.Terms(text)
	}
	return catalog.FindSkills(text)
}
