package matcher

import "time"

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
