package matcher

import (
	"context"
	"time"
)

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

// ShortlistEdit is one counselor edit of a graduate's 一人一策 plan.
type ShortlistEdit struct {
	ID         string    `json:"id"` // filled in when empty
	GraduateID string    `json:"graduate_id"`
	PostID     string    `json:"post_id"` // "" for confirm
	Action     string    `json:"action"`  // add, add_override, remove, pin, unpin, confirm
	KeyID      string    `json:"key_id"`
	At         time.Time `json:"at"` // filled in when zero
	Note       string    `json:"note,omitempty"`
}

// ContactLog keeps the contact log (实名制 follow-up), oldest first per
// graduate, deleted with the graduate.
type ContactLog interface {
	LogContact(ctx context.Context, e ContactEntry) error
	Contacts(ctx context.Context, graduateID string) ([]ContactEntry, error)
}

// Shortlist edit actions (see matcher/casework for what each does).
const (
	EditAdd         = "add"
	EditAddOverride = "add_override" // an admin's add of an item the rules exclude, with a note
	EditRemove      = "remove"
	EditPin         = "pin"
	EditUnpin       = "unpin"
	EditConfirm     = "confirm" // the counselor confirms the proposed plan
)

// ShortlistLog keeps counselors' edits of 一人一策 plans, oldest first per
// graduate, deleted with the graduate.
type ShortlistLog interface {
	// EditShortlist appends one edit unconditionally.
	EditShortlist(ctx context.Context, e ShortlistEdit) error
	ShortlistEdits(ctx context.Context, graduateID string) ([]ShortlistEdit, error)
	// UpdateShortlist runs decide on the graduate's edits (oldest first)
	// and appends the edits it returns, in one transaction that no other
	// UpdateShortlist of the same graduate interleaves with: a check made
	// in decide (the plan's post limit) still holds when its edits land.
	// decide must not touch the store (it may run more than once, on a
	// retried transaction); an error from it aborts with nothing written.
	// ENOTFOUND for an unknown graduate.
	UpdateShortlist(ctx context.Context, graduateID string, decide func(edits []ShortlistEdit) ([]ShortlistEdit, error)) error
}

// PlanBatches is what the district documents and the dashboard's figures
// read for many graduates' plans at once: on PostgreSQL a query per kind
// instead of one per plan item (a plan looks up 15 to 30 items, a
// district document builds hundreds of plans).
type PlanBatches interface {
	// PostsAndCourses returns those of ids that are posts and those that
	// are courses; an ID that is neither is in neither map.
	PostsAndCourses(ctx context.Context, ids []string) (map[string]*Post, map[string]*Course, error)
	// ShortlistEditsOf returns the shortlist edits of each of graduateIDs
	// that has any, oldest first (as ShortlistLog.ShortlistEdits).
	ShortlistEditsOf(ctx context.Context, graduateIDs []string) (map[string][]ShortlistEdit, error)
}

// CaseStore keeps counselors' casework: the contact log and shortlist edits.
type CaseStore interface {
	ContactLog
	ShortlistLog
}
