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
	// UpdatedSince, when set, keeps only graduates written at or after it
	// (UpdatedAt): what an in-memory copy of the ledger reads to catch up.
	UpdatedSince time.Time
	// IDFrom and IDTo, when set, keep only IDs in [IDFrom, IDTo) in byte
	// order (IDTo "" is unbounded): a shard of a batch run reads its own
	// slice of the ledger through the ID index, not the whole ledger.
	IDFrom, IDTo string
}

// LedgerStamp says where the graduate ledger stands: how many graduates
// it holds and when the latest was written. Any insert, update or delete
// changes it (an update moves Latest, a delete moves Count).
type LedgerStamp struct {
	Count  int
	Latest time.Time
}

// LedgerStamper is a store that can say cheaply whether its ledger changed
// (both stores implement it): the caseload keeps the ledger in memory and
// asks before every read.
type LedgerStamper interface {
	GraduateStamp(ctx context.Context) (LedgerStamp, error)
}

// GraduateKey is what a batch run's fingerprint takes of a graduate: the
// ID, the version (UpdatedAt, the store's write time) and the status. It
// holds no personal data and needs no document opened.
type GraduateKey struct {
	ID        string
	Status    GraduateStatus
	UpdatedAt time.Time
}

// GraduateKeyReader is a store that walks the ledger's keys without
// opening a graduate's document or personal data (both stores implement
// it): the coordinator of a sharded batch run cuts and fingerprints the
// ledger from them, where reading every document was one long
// single-process read before any worker could start.
type GraduateKeyReader interface {
	// EachGraduateKey calls fn for every graduate whose status is one of
	// statuses (nil: every graduate), in ID order, with the UpdatedAt and
	// Status that EachGraduate would give the same graduate.
	EachGraduateKey(ctx context.Context, statuses []GraduateStatus, fn func(GraduateKey) error) error
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

// GraduateLookup finds a graduate by national ID without the store holding
// an index of plain IDs (PostgreSQL keeps a keyed hash).
type GraduateLookup interface {
	GraduateByNationalID(ctx context.Context, nationalID string) (*Graduate, error)
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
	RunPruner
	ResumableImportStore
	GraduateLookup
	CaseStore
	PlanBatches
	UserStore
}
