package matcher

import (
	"context"
	"time"
)

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
