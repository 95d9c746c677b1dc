package matcher

import "fmt"

// Query selects and shapes a recommendation list.
type Query struct {
	Limit             int     // default 8
	Channel           Channel // only this channel
	Kind              Kind    // job, internship, course; "" = jobs and internships
	ExplainExclusions bool    // list which rule excluded which post
	PerEmployer       int     // diversity: at most this many items per employer (default 2)
}

// MaxLimit is the longest list a query may ask for.
const MaxLimit = 1000

// Normalize fills in the defaults and refuses what no list can satisfy.
func (q *Query) Normalize() error {
	if q.Limit < 0 || q.PerEmployer < 0 {
		return &Error{Code: EINVALID, Field: "limit", Message: "limit 和 per_employer 不能为负数", MessageEN: "limit and per_employer must not be negative"}
	}
	if q.Limit == 0 {
		q.Limit = 8
	}
	q.Limit = min(q.Limit, MaxLimit)
	if q.PerEmployer == 0 {
		q.PerEmployer = 2
	}
	if q.Kind != "" && q.Kind != KindJob && q.Kind != KindInternship && q.Kind != KindCourse {
		return &Error{Code: EINVALID, Field: "kind", Message: fmt.Sprintf("未知类型 %q（job、internship、course）", q.Kind), MessageEN: fmt.Sprintf("unknown kind %q (job, internship, course)", q.Kind)}
	}
	if q.Channel != "" && !q.Channel.Valid() {
		return &Error{Code: EINVALID, Field: "channel", Message: fmt.Sprintf("未知渠道 %q", q.Channel), MessageEN: fmt.Sprintf("unknown channel %q", q.Channel)}
	}
	return nil
}

// Item is one recommendation: a post or course, its score, its reasons in
// Chinese and each feature's share of the score.
type Item struct {
	PostID        string        `json:"post_id"`
	Rank          int           `json:"rank"`
	Score         float64       `json:"score"`
	Kind          Kind          `json:"kind"`
	Channel       Channel       `json:"channel,omitempty"`
	Title         string        `json:"title"`
	Employer      string        `json:"employer"`
	District      string        `json:"district"`
	Salary        Salary        `json:"salary"`
	Reasons       []string      `json:"reasons"`
	Contributions Contributions `json:"contributions"`
	Missing       []string      `json:"missing,omitempty"` // skills and certificates the post asks for that the graduate lacks
	Opens         []string      `json:"opens,omitempty"`   // courses: the recommended posts the course would open
}

// Exclusion says which rule excluded which post.
type Exclusion struct {
	PostID  string `json:"post_id"`
	Rule    string `json:"rule"`
	Message string `json:"message"`
}

// Result is a ranked recommendation list.
type Result struct {
	GraduateID string         `json:"graduate_id"`
	Items      []Item         `json:"items"`
	Excluded   map[string]int `json:"excluded"`
	Exclusions []Exclusion    `json:"exclusions,omitempty"`
}

// Candidate is a graduate recommended for a post (reverse matching).
type Candidate struct {
	GraduateID    string        `json:"graduate_id"`
	Rank          int           `json:"rank"`
	Score         float64       `json:"score"`
	Reasons       []string      `json:"reasons"`
	Contributions Contributions `json:"contributions"`
	Missing       []string      `json:"missing,omitempty"`
}
