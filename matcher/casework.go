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

// ContactLog keeps the contact log (实名制 follow-up), oldest first per
// graduate, deleted with the graduate.
type ContactLog interface {
	LogContact(ctx context.Context, e ContactEntry) error
	Contacts(ctx context.Context, graduateID string) ([]ContactEntry, error)
}

// ShortlistLog keeps counselors' edits of 一人一策 shortlists, oldest first
// per graduate, deleted with the graduate.
type ShortlistLog interface {
	EditShortlist(ctx context.Context, e ShortlistEdit) error
	ShortlistEdits(ctx context.Context, graduateID string) ([]ShortlistEdit, error)
}

// CaseStore keeps counselors' casework: the contact log and shortlist edits.
type CaseStore interface {
	ContactLog
	ShortlistLog
}
