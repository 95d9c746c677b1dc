package matcher

import (
	"slices"
	"time"
)

// Plan is a graduate's 一人一策 plan as the plan's item 22–23 describe it:
// 5–8 targeted posts across channels, the internships they may take, at
// least 3 training courses (entrepreneurship training for those who want
// to start a business), and the subsidies that apply, each with why. It is
// a value a print view or a spreadsheet renders without further lookups:
// every post carries its employer, address, deadline, salary, requirements
// and how to apply; every course its provider, dates and places.
type Plan struct {
	GraduateID string `json:"graduate_id"`
	// Status: proposed (items proposed by the nightly run are on it and the
	// counselor has not confirmed it), confirmed, or draft (a plan the
	// counselor builds by hand: the graduate is not in a hardship category
	// the plan names, or is placed).
	Status PlanStatus `json:"status"`
	// PlanGraduate: the graduate gets a 一人一策 plan (hardship, looking).
	PlanGraduate bool `json:"plan_graduate"`
	// ProposedBy says where proposed items come from: "run:<id>" for the
	// published nightly run, "online" when computed at the request.
	ProposedBy  string        `json:"proposed_by,omitempty"`
	Posts       []PlanItem    `json:"posts"`
	Internships []PlanItem    `json:"internships"`
	Courses     []PlanItem    `json:"courses"`
	Check       PlanCheck     `json:"check"`
	Subsidies   []Subsidy     `json:"subsidies"` // applies or to_verify; never one that does not apply
	Edits       int           `json:"edits"`     // counselor edits so far
	AsOf        time.Time     `json:"as_of"`
	Policy      PlanPolicyRef `json:"policy"`
}

// PlanPolicyRef names the plan a 一人一策 rests on, for the printed header.
type PlanPolicyRef struct {
	Year   int    `json:"year"`
	Source string `json:"source"`
	Quote  string `json:"quote"` // 为每人至少提供5—8个针对性岗位信息…
}

// PlanStatus is where a plan is.
type PlanStatus string

const (
	PlanProposed  PlanStatus = "proposed"
	PlanConfirmed PlanStatus = "confirmed"
	PlanDraft     PlanStatus = "draft"
)

// Origin says who put an item on a plan.
type Origin string

const (
	OriginCounselor Origin = "counselor" // added or pinned by a counselor
	OriginProposed  Origin = "proposed"  // proposed by the run, not yet confirmed
)

// PlanItem is one post, internship or course on a plan.
type PlanItem struct {
	ID       string  `json:"id"`
	Kind     Kind    `json:"kind"` // job, internship or course
	Title    string  `json:"title"`
	Employer string  `json:"employer,omitempty"` // the provider for a course
	Channel  Channel `json:"channel,omitempty"`
	District string  `json:"district,omitempty"`
	Address  string  `json:"address,omitempty"`
	Salary   *Salary `json:"salary,omitempty"`
	// SalaryText is the salary as a person reads it (面议 when negotiable).
	SalaryText string     `json:"salary_text,omitempty"`
	Deadline   *time.Time `json:"deadline,omitempty"`
	// Requirements are what the post asks, in Chinese (学历、专业、年龄、
	// 户籍、经验、技能与证书).
	Requirements []string `json:"requirements,omitempty"`
	// HowToApply says where and how to apply.
	HowToApply string `json:"how_to_apply,omitempty"`
	// Courses: category, dates, duration and places; Sessions lists other
	// dates of the same course (a course is its title and provider).
	Category  CourseCategory `json:"category,omitempty"`
	StartDate *time.Time     `json:"start_date,omitempty"`
	EndDate   *time.Time     `json:"end_date,omitempty"`
	Places    int            `json:"places,omitempty"`
	Sessions  []string       `json:"sessions,omitempty"`
	// Reasons say why it is on the plan (the matcher's reasons; for a
	// course, which gap it fills).
	Reasons []string  `json:"reasons,omitempty"`
	Origin  Origin    `json:"origin"`
	Pinned  bool      `json:"pinned"`
	AddedAt time.Time `json:"added_at,omitzero"`
	Note    string    `json:"note,omitempty"`
	// Override is the note of an admin who added an item the rules
	// exclude (audited); Ineligible the rule's reason it is excluded.
	Override   string `json:"override,omitempty"`
	Ineligible string `json:"ineligible,omitempty"`
	// Open is false for a post filled, closed or past its deadline (or a
	// course started or full) since it was added, or deleted: it no longer
	// counts towards the plan.
	Open bool `json:"open"`
}

// PlanCheck is a plan against the policy: complete, or exactly what is
// missing.
type PlanCheck struct {
	// Settled: the graduate has a destination (placed, employed,
	// studying); nothing is missing.
	Settled    bool   `json:"settled"`
	Complete   bool   `json:"complete"`
	Message    string `json:"message"` // 中文
	PostsMin   int    `json:"posts_min"`
	PostsMax   int    `json:"posts_max"`
	CoursesMin int    `json:"courses_min"` // for this graduate: the policy's when in hardship, else 0
	Posts      int    `json:"posts"`       // open jobs on the plan
	Channels   int    `json:"channels"`    // distinct channels among them
	// ChannelNote says, in Chinese, how the posts span the plan's
	// channels (跨渠道): which channel a post was added from for the
	// spread, or why all posts are of one channel.
	ChannelNote string `json:"channel_note,omitempty"`
	Courses     int    `json:"courses"` // distinct open courses
	// EntrepreneurshipCourse: the plan has entrepreneurship training (the
	// plan asks for it for graduates who want to start a business).
	EntrepreneurshipCourse bool `json:"entrepreneurship_course"`
	MissingPosts           int  `json:"missing_posts"`
	ExcessPosts            int  `json:"excess_posts"`
	MissingCourses         int  `json:"missing_courses"`
	Closed                 int  `json:"closed"`     // items no longer open
	Ineligible             int  `json:"ineligible"` // items the rules exclude (admin overrides)
	// Missing lists, in Chinese, exactly what is missing and why it could
	// not be proposed.
	Missing []string `json:"missing,omitempty"`
}

// Proposal is what the nightly run (or an online request) proposes for a
// 一人一策 plan: ranked candidates, more than the plan needs, so that a
// counselor's removals are filled from the next ones.
type Proposal struct {
	Posts       []Item `json:"posts"`
	Internships []Item `json:"internships"`
	Courses     []Item `json:"courses"`
	// Alternates are the best eligible post of each channel the posts do
	// not span (the plan asks for posts across channels), ranked after
	// them; a plan of one channel takes one of them.
	Alternates []Item `json:"alternates,omitempty"`
	// Notes say why a part is short (no fitting course, no internship the
	// graduate may take), in Chinese.
	Notes []string `json:"notes,omitempty"`
}

// Items returns every item of the plan, posts first.
func (p *Plan) Items() []PlanItem {
	return slices.Concat(p.Posts, p.Internships, p.Courses)
}
