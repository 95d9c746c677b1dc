package matcher

import (
	"context"
	"encoding/json"
	"time"
)

// This file holds the persistence interfaces beyond the ingest core
// (store.go): API keys, the access audit log, feedback, the change feed that
// keeps replicas' indexes fresh, batch runs, resumable imports, the contact
// log and shortlist edits. Both store/bolt and store/postgres implement
// FullStore, and store/storetest holds them to one contract.

// Role is what an API key may do.
type Role string

const (
	RolePortal    Role = "portal"    // other job sites: search posts, recommend for a profile they send
	RoleCounselor Role = "counselor" // their district's graduates, shortlists, contact log
	RoleAdmin     Role = "admin"     // everything: ingest, keys, batch
)

// Valid reports whether r is one of the three roles.
func (r Role) Valid() bool { return r == RolePortal || r == RoleCounselor || r == RoleAdmin }

// APIKey is a stored API key. Only a hash of the secret is kept; the secret
// itself is shown once at creation and never stored.
type APIKey struct {
	ID        string    `json:"id"`
	Name      string    `json:"name,omitempty"`
	Role      Role      `json:"role"`
	District  string    `json:"district,omitempty"` // counselors: the district whose graduates they serve
	Source    string    `json:"source,omitempty"`   // portals: the post source they may write
	Hash      []byte    `json:"hash"`               // e.g. SHA-256 of the secret; unique
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at,omitempty"` // zero: never expires
	RevokedAt time.Time `json:"revoked_at,omitempty"` // zero: not revoked
}

// Active reports whether the key may be used at time now: not revoked and
// not expired.
func (k *APIKey) Active(now time.Time) bool {
	return k.RevokedAt.IsZero() && (k.ExpiresAt.IsZero() || now.Before(k.ExpiresAt))
}

// KeyStore persists API keys.
type KeyStore interface {
	// CreateKey stores k. ID and CreatedAt are filled in when empty. A
	// duplicate ID or hash is ECONFLICT.
	CreateKey(ctx context.Context, k *APIKey) error
	// KeyByHash returns the key with that hash, ENOTFOUND when there is none.
	// Revoked and expired keys are returned too (so a caller can say why a
	// key is refused): callers must check Active.
	KeyByHash(ctx context.Context, hash []byte) (*APIKey, error)
	// RevokeKey sets RevokedAt to now (once; revoking again keeps the first
	// time). ENOTFOUND for an unknown ID.
	RevokeKey(ctx context.Context, id string) error
	// ListKeys returns every key, oldest first.
	ListKeys(ctx context.Context) ([]APIKey, error)
}

// AuditEntry records one access to personal data by a person.
type AuditEntry struct {
	ID         string    `json:"id"` // filled in when empty
	At         time.Time `json:"at"` // filled in when zero
	KeyID      string    `json:"key_id"`
	Role       Role      `json:"role"`
	Action     string    `json:"action"` // e.g. "graduate.read", "graduate.delete"
	GraduateID string    `json:"graduate_id,omitempty"`
	Detail     string    `json:"detail,omitempty"` // never personal data
}

// AuditStore is the append-only access audit log. Entries outlive the
// graduate they refer to (they hold no personal data, only the ID).
type AuditStore interface {
	Audit(ctx context.Context, e AuditEntry) error
	// AuditBatch appends entries in one transaction, in order, filling in
	// each empty ID and zero At like Audit: all are written or none. The
	// API's group commit (api/audit.go) writes a page of reads with it.
	AuditBatch(ctx context.Context, entries []AuditEntry) error
	// AuditLog returns up to limit entries about graduateID ("" for every
	// entry), newest first.
	AuditLog(ctx context.Context, graduateID string, limit int) ([]AuditEntry, error)
}

// FeedbackType is what a graduate did with a recommended post.
type FeedbackType string

const (
	FeedbackImpression FeedbackType = "impression"
	FeedbackClick      FeedbackType = "click"
	FeedbackApply      FeedbackType = "apply"
	FeedbackInterview  FeedbackType = "interview"
	FeedbackHire       FeedbackType = "hire"
	FeedbackDismiss    FeedbackType = "dismiss"
)

// FeedbackTypes lists every feedback type, weakest signal first.
var FeedbackTypes = []FeedbackType{FeedbackImpression, FeedbackClick, FeedbackApply, FeedbackInterview, FeedbackHire, FeedbackDismiss}

// Valid reports whether t is a known feedback type.
func (t FeedbackType) Valid() bool {
	for _, v := range FeedbackTypes {
		if v == t {
			return true
		}
	}
	return false
}

// FeedbackEvent is one outcome signal, the training data of the weights.
type FeedbackEvent struct {
	ID         string       `json:"id"` // filled in when empty; recording the same ID twice keeps one
	GraduateID string       `json:"graduate_id"`
	PostID     string       `json:"post_id"`
	Type       FeedbackType `json:"type"`
	At         time.Time    `json:"at"`               // filled in when zero
	Source     string       `json:"source,omitempty"` // the portal or tool that reported it
}

// FeedbackStore persists feedback events.
type FeedbackStore interface {
	// RecordFeedback stores e; an invalid Type is EINVALID.
	RecordFeedback(ctx context.Context, e FeedbackEvent) error
	// EachFeedback calls fn for every event at or after since, oldest first.
	EachFeedback(ctx context.Context, since time.Time, fn func(FeedbackEvent) error) error
}

// ChangeFeed lets replicas keep their search index fresh from the shared
// store. Every post upsert that changes a post (Inserted or Updated, not
// Unchanged) and every DeletePost takes a new, larger sequence number; a
// sequence number is never handed out twice and changes become visible in
// sequence order, so polling PostChanges(lastSeq) misses nothing.
type ChangeFeed interface {
	// PostSeq returns the current (largest) sequence number, 0 when none:
	// a replica that rebuilds its index from EachPost reads it first and
	// then follows PostChanges from it.
	PostSeq(ctx context.Context) (int64, error)
	// PostChanges returns, in sequence order, up to limit changes after
	// afterSeq: posts as they are now, the IDs of deleted posts, and the
	// sequence number to pass next time (afterSeq when nothing changed).
	// A post changed several times appears once, at its latest sequence.
	PostChanges(ctx context.Context, afterSeq int64, limit int) (posts []Post, deleted []string, lastSeq int64, err error)
}

// RunStatus is where a batch run is.
type RunStatus string

const (
	RunRunning   RunStatus = "running"
	RunPublished RunStatus = "published"
	RunFailed    RunStatus = "failed"
)

// Run is one nightly batch: every active graduate × every open post.
type Run struct {
	ID         string    `json:"id"` // filled in when empty
	StartedAt  time.Time `json:"started_at"`
	FinishedAt time.Time `json:"finished_at,omitempty"`
	Status     RunStatus `json:"status"`
	Graduates  int       `json:"graduates"` // graduates with saved recommendations
	Note       string    `json:"note,omitempty"`
}

// StoredRecommendation is one item of a graduate's list in a run. Item is
// the full recommendation as the matcher produced it (JSON), so stores need
// not know its shape; the other fields are what stores query on.
type StoredRecommendation struct {
	PostID string          `json:"post_id"` // post or course ID
	Kind   Kind            `json:"kind"`
	Rank   int             `json:"rank"` // 1-based
	Score  float64         `json:"score"`
	Item   json.RawMessage `json:"item,omitempty"`
}

// GraduateRecommendations is one graduate's list in a run.
type GraduateRecommendations struct {
	GraduateID string                 `json:"graduate_id"`
	Items      []StoredRecommendation `json:"items"`
}

// RunStore persists batch runs. Readers only ever see the published run:
// PublishRun flips one pointer in one transaction, so a half-written run is
// never visible and the previous run serves until the flip.
type RunStore interface {
	// CreateRun stores a new run with Status running (ID and StartedAt are
	// filled in when empty).
	CreateRun(ctx context.Context, r *Run) error
	// SaveRecommendations stores the lists of several graduates in one
	// transaction, replacing any earlier list of the same graduate in that
	// run (so re-saving a chunk after a crash is harmless). ENOTFOUND for
	// an unknown run, ECONFLICT for a run that is no longer running.
	SaveRecommendations(ctx context.Context, runID string, recs []GraduateRecommendations) error
	// RunGraduateIDs returns the IDs of graduates already saved in the run,
	// sorted, so a killed run can resume where it stopped.
	RunGraduateIDs(ctx context.Context, runID string) ([]string, error)
	// PublishRun marks the run published and makes it the current run, in
	// one transaction.
	PublishRun(ctx context.Context, runID string) error
	// FailRun marks a running run failed, with a note why.
	FailRun(ctx context.Context, runID, note string) error
	// Run returns a run by ID; LatestRun the current (published) one.
	// ENOTFOUND when there is none.
	Run(ctx context.Context, id string) (*Run, error)
	LatestRun(ctx context.Context) (*Run, error)
	// RecommendationsFor returns the graduate's list in the current run,
	// in rank order, and the run's ID. An empty list (not an error) when
	// the graduate has none; ENOTFOUND when no run is published.
	RecommendationsFor(ctx context.Context, graduateID string) (runID string, items []StoredRecommendation, err error)
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

// GraduateLookup finds a graduate by national ID without the store holding
// an index of plain IDs (PostgreSQL keeps a keyed hash).
type GraduateLookup interface {
	GraduateByNationalID(ctx context.Context, nationalID string) (*Graduate, error)
}

// ContactEntry is one contact with a graduate (实名制 follow-up, 5日内必联系).
type ContactEntry struct {
	ID         string    `json:"id"` // filled in when empty
	GraduateID string    `json:"graduate_id"`
	At         time.Time `json:"at"`     // filled in when zero
	KeyID      string    `json:"key_id"` // the counselor's key
	Method     string    `json:"method"` // phone, sms, visit, wechat, …
	Outcome    string    `json:"outcome,omitempty"`
	Note       string    `json:"note,omitempty"`
}

// ShortlistEdit is one counselor edit of a graduate's 一人一策 shortlist.
type ShortlistEdit struct {
	ID         string    `json:"id"` // filled in when empty
	GraduateID string    `json:"graduate_id"`
	PostID     string    `json:"post_id"`
	Action     string    `json:"action"` // add, remove, pin
	KeyID      string    `json:"key_id"`
	At         time.Time `json:"at"` // filled in when zero
	Note       string    `json:"note,omitempty"`
}

// CaseStore keeps counselors' casework: the contact log and shortlist edits,
// oldest first per graduate. Both are deleted with the graduate.
type CaseStore interface {
	LogContact(ctx context.Context, e ContactEntry) error
	Contacts(ctx context.Context, graduateID string) ([]ContactEntry, error)
	EditShortlist(ctx context.Context, e ShortlistEdit) error
	ShortlistEdits(ctx context.Context, graduateID string) ([]ShortlistEdit, error)
}

// FullStore is everything both store backends implement. DeleteGraduate on
// a FullStore removes the graduate from the ledger, from every run's
// recommendations (so from the current run and anything exported later),
// from feedback and from casework; audit entries (IDs only) remain.
type FullStore interface {
	Store
	KeyStore
	AuditStore
	FeedbackStore
	ChangeFeed
	RunStore
	ResumableImportStore
	GraduateLookup
	CaseStore
}
