package matcher

import (
	"context"
	"time"
)

// UpsertOutcome says what an upsert did to one record.
type UpsertOutcome int

const (
	Inserted UpsertOutcome = iota + 1
	Updated
	Unchanged
)

// PostFilter selects posts. Zero fields select everything.
type PostFilter struct {
	IDs      []string
	Source   string
	Channel  Channel
	Kind     Kind
	District string
	Status   PostStatus
	// OpenAt, when set, keeps only posts that are Searchable at that time.
	OpenAt time.Time
}

// GraduateFilter selects graduates. Zero fields select everything.
type GraduateFilter struct {
	IDs      []string
	District string // hukou or residence district
	Status   GraduateStatus
}

// PostStore persists posts. Upserts are keyed by ID (source:external_id):
// writing the same post twice is Unchanged, an edited one is Updated in place.
type PostStore interface {
	UpsertPosts(ctx context.Context, posts []Post) ([]UpsertOutcome, error)
	Post(ctx context.Context, id string) (*Post, error)
	// EachPost calls fn for every post the filter selects, in ID order,
	// stopping at the first error fn returns.
	EachPost(ctx context.Context, f PostFilter, fn func(*Post) error) error
	DeletePost(ctx context.Context, id string) error
}

// CourseStore persists training courses, keyed like posts.
type CourseStore interface {
	UpsertCourses(ctx context.Context, courses []Course) ([]UpsertOutcome, error)
	Course(ctx context.Context, id string) (*Course, error)
	EachCourse(ctx context.Context, fn func(*Course) error) error
}

// GraduateStore persists the graduate ledger, keyed by graduate ID.
type GraduateStore interface {
	UpsertGraduates(ctx context.Context, gs []Graduate) ([]UpsertOutcome, error)
	Graduate(ctx context.Context, id string) (*Graduate, error)
	EachGraduate(ctx context.Context, f GraduateFilter, fn func(*Graduate) error) error
	// DeleteGraduate removes a graduate on request, with everything derived
	// from them.
	DeleteGraduate(ctx context.Context, id string) error
}

// RowError is one rejected input row: where it is and why it was refused.
type RowError struct {
	File   string `json:"file"`
	Line   int    `json:"line"` // 1-based line (CSV, JSONL) or row (XLSX) in the file
	Sheet  string `json:"sheet,omitempty"`
	Column string `json:"column,omitempty"`
	Value  string `json:"value,omitempty"`
	Reason string `json:"reason"`
}

// ImportReport summarises one import of one or more files.
type ImportReport struct {
	ID         string        `json:"id"`
	Entity     string        `json:"entity"` // posts, courses or graduates
	Files      []string      `json:"files"`
	StartedAt  time.Time     `json:"started_at"`
	FinishedAt time.Time     `json:"finished_at"`
	Accepted   int           `json:"accepted"` // new records
	Updated    int           `json:"updated"`
	Unchanged  int           `json:"unchanged"`
	Duplicate  int           `json:"duplicate"` // near-duplicates of another portal's post, linked
	Rejected   int           `json:"rejected"`
	Errors     []RowError    `json:"errors,omitempty"`
	Warnings   []string      `json:"warnings,omitempty"` // e.g. columns a file had that were ignored
	Elapsed    time.Duration `json:"elapsed"`
}

// ImportStore keeps the record of imports and their row reports.
type ImportStore interface {
	SaveImport(ctx context.Context, r *ImportReport) error
}

// Store is everything jobmatch persists. The embedded store and PostgreSQL
// both implement it, and one contract test suite holds them to it.
type Store interface {
	PostStore
	CourseStore
	GraduateStore
	ImportStore
	Close() error
}
