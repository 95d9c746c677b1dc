package matcher

import (
	"regexp"
	"strings"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

// CourseCategory says what kind of training a course is: job skills,
// entrepreneurship, or the plan's 就业引导性培训 (measure 14: training in
// the job market and a sound view of work, which the plan tells every
// graduate to take, whatever their field).
type CourseCategory string

const (
	CourseSkills           CourseCategory = "skills"           // 职业技能培训
	CourseEntrepreneurship CourseCategory = "entrepreneurship" // 创业培训
	CourseGuidance         CourseCategory = "guidance"         // 就业引导性培训
)

// CourseCategories lists the categories, in the order forms show them.
var CourseCategories = []CourseCategory{CourseSkills, CourseEntrepreneurship, CourseGuidance}

// Label is the category in Chinese, as the plan names it.
func (c CourseCategory) Label() string {
	switch c {
	case CourseSkills:
		return "职业技能培训"
	case CourseEntrepreneurship:
		return "创业培训"
	case CourseGuidance:
		return "就业引导性培训"
	}
	return string(c)
}

// Course is a training course.
type Course struct {
	ID           string         `json:"id"`
	Source       string         `json:"source"`
	ExternalID   string         `json:"external_id"`
	Title        string         `json:"title"`
	Provider     string         `json:"provider"`
	Category     CourseCategory `json:"category"`
	District     string         `json:"district,omitempty"`
	Description  string         `json:"description,omitempty"`
	Majors       []string       `json:"majors,omitempty"`
	StartDate    time.Time      `json:"start_date,omitzero"`
	DurationDays int            `json:"duration_days,omitempty"`
	Places       int            `json:"places"`
	Skills       []string       `json:"skills,omitempty"`       // what it teaches
	Certificates []string       `json:"certificates,omitempty"` // what it prepares for
	UpdatedAt    time.Time      `json:"updated_at,omitzero"`
}

// sessionWords match what a course's title says about one session of it:
// the session number (（第3期）, 第三期) and the year (2023年).
var sessionWords = regexp.MustCompile(`[（(]?第[0-9０-９一二三四五六七八九十百]+期[）)]?|^\s*20[0-9]{2}年(度)?|[（(]\s*[）)]`)

// CourseKey identifies a course across its sessions: a course is its title
// and its provider, and sessions are dates of it, so "低压电工作业培训班（第
// 3期）" and "2023年低压电工作业培训班（第5期）" of one provider are one
// course.
func CourseKey(c *Course) string {
	t := sessionWords.ReplaceAllString(c.Title, "")
	return strings.Join(strings.Fields(t), "") + "|" + strings.Join(strings.Fields(c.Provider), "")
}

// subjectWords are what a course title says besides its subject: who it
// is for, where, and what kind of class it is ("2023年天山区低压电工作业培
// 训班（第3期）", "高校毕业生低压电工作业专项培训班" and "低压电工作业职业
// 技能培训" are all 低压电工作业).
var subjectWords = regexp.MustCompile(`^(高校毕业生|大学生|毕业生)|(专项)?(职业技能)?(培训)?(班|课程|项目)?$|职业技能培训$|专项培训班$|培训班$|培训$`)

// CourseSubject is what a course teaches, as its title names it without
// sessions, year, district, audience or class words: two courses of one
// subject (from different providers) teach the same thing, so a plan's
// courses are of different subjects where it can be.
func CourseSubject(c *Course) string {
	t := strings.Join(strings.Fields(sessionWords.ReplaceAllString(c.Title, "")), "")
	t = strings.TrimPrefix(t, "乌鲁木齐市")
	for _, d := range catalog.UrumqiDistricts {
		t = strings.TrimPrefix(t, d.Name)
	}
	for {
		u := subjectWords.ReplaceAllString(t, "")
		if u == t || u == "" {
			break
		}
		t = u
	}
	return t
}

// ForRunningBusiness reports whether the course is for people who already
// run a business: the national IYB programme (改善你的企业, Improve Your
// Business), as against GYB (产生你的企业想法) and SYB (创办你的企业)
// for those who want to start one.
func (c *Course) ForRunningBusiness() bool {
	return strings.Contains(strings.ToUpper(c.Title), "IYB") || strings.Contains(c.Title, "改善你的企业")
}

// EndDate is the course's last day; zero when the start is unknown.
func (c *Course) EndDate() time.Time {
	if c.StartDate.IsZero() {
		return time.Time{}
	}
	return c.StartDate.AddDate(0, 0, max(c.DurationDays-1, 0))
}

// Open reports whether a graduate can still join the course at now: it has
// places and has not started (a course starting today can still be
// joined; one whose date is unknown is taken as open).
func (c *Course) Open(now time.Time) bool {
	if c.Places <= 0 {
		return false
	}
	if c.StartDate.IsZero() {
		return true
	}
	y, m, d := now.Date()
	return !c.StartDate.Before(time.Date(y, m, d, 0, 0, 0, 0, c.StartDate.Location()))
}
