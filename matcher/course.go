package matcher

import (
	"regexp"
	"strings"
	"time"
)

// CourseCategory says whether a course teaches job skills or entrepreneurship.
type CourseCategory string

const (
	CourseSkills           CourseCategory = "skills"           // 职业技能培训
	CourseEntrepreneurship CourseCategory = "entrepreneurship" // 创业培训
)

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
