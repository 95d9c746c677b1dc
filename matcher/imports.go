package matcher

import (
	"context"
	"time"
)

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

// ImportJob is the progress of one resumable import: which rows of which
// files are committed, and the counts so far.
type ImportJob struct {
	ID          string    `json:"id"`
	Entity      string    `json:"entity"` // posts, courses or graduates
	Files       []string  `json:"files"`
	Fingerprint string    `json:"fingerprint"` // e.g. SHA-256 of the files' contents: the same input resumes the same job
	LastRow     int       `json:"last_row"`    // the last input row committed (an ordinal over all files); 0 before any
	Accepted    int       `json:"accepted"`
	Updated     int       `json:"updated"`
	Unchanged   int       `json:"unchanged"`
	Duplicate   int       `json:"duplicate"`
	Rejected    int       `json:"rejected"`
	StartedAt   time.Time `json:"started_at"`
	FinishedAt  time.Time `json:"finished_at,omitempty"` // zero while unfinished
}

// ImportChunk is what one chunk of an import commits: the good records of
// one entity (only the slice matching the job's entity is read), the rows
// rejected in the chunk, and the last input row it covers. A post with
// DuplicateOf set that is new counts as Duplicate, not Accepted.
type ImportChunk struct {
	LastRow   int
	Posts     []Post
	Courses   []Course
	Graduates []Graduate
	Rejected  []RowError
}

// ResumableImportStore commits an import in chunks together with its
// progress, so an import killed at any point resumes without duplicates or
// gaps: records and progress are in one transaction.
type ResumableImportStore interface {
	// BeginImport returns the unfinished job with the same entity and
	// fingerprint when there is one (resume after LastRow), else a new job
	// with LastRow 0.
	BeginImport(ctx context.Context, entity string, files []string, fingerprint string) (*ImportJob, error)
	// CommitChunk upserts the chunk's records, records its rejected rows and
	// advances the job to c.LastRow, in one transaction. A chunk whose
	// LastRow is not after the job's (already committed: a retry after an
	// ambiguous failure) changes nothing and returns nil outcomes.
	CommitChunk(ctx context.Context, jobID string, c ImportChunk) ([]UpsertOutcome, error)
	// FinishImport marks the job finished and returns its report (counts,
	// row errors, elapsed time since the job began).
	FinishImport(ctx context.Context, jobID string) (*ImportReport, error)
	// Import returns a saved report (SaveImport or FinishImport) by ID.
	Import(ctx context.Context, id string) (*ImportReport, error)
}
