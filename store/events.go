package store

import (
	"fmt"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store/seal"
)

// Feedback events and audit entries name a graduate beside what happened
// to them, and a post named beside a graduate tells what a batch list
// would: 公益性岗位 are offered only to graduates in hardship, so "graduate
// G clicked (or a counselor put on G's plan) post P", P a 公益性岗位, says
// G is in hardship. Both stores therefore seal what is said beside the
// graduate's ID: a feedback event's post (bound to its source and ID) and
// an audit entry's detail when the entry names a graduate (bound to the
// entry's ID; post.candidates writes "post P" beside every candidate,
// shortlist.write "add P", feedback.write "click P"). The graduate's ID,
// the time, the event type and the audit action stay readable: the
// deletion of a graduate and the audit log's per-graduate reads select on
// them. Entries naming no graduate (an account created, a key revoked, a
// policy reloaded) keep their detail readable.

// FeedbackPostAAD binds a feedback event's sealed post to the event (its
// source and ID: IDs are unique per source).
func FeedbackPostAAD(source, id string) []byte {
	return []byte("feedback.post\x00" + source + "\x00" + id)
}

// AuditDetailAAD binds an audit entry's sealed detail to the entry.
func AuditDetailAAD(id string) []byte { return []byte("audit.detail\x00" + id) }

// AuditDetailSealed reports whether a store keeps e's detail sealed: a
// detail beside a graduate's ID.
func AuditDetailSealed(e matcher.AuditEntry) bool { return e.GraduateID != "" && e.Detail != "" }

// SealAuditDetail returns the box a store keeps e's detail in, nil when
// the detail is kept readable (AuditDetailSealed false) or there is no
// key (a store opened without one, a library use, keeps it readable like
// staff names). e must have its ID (PrepareAudit).
func SealAuditDetail(keys *seal.Keyring, e matcher.AuditEntry) []byte {
	if keys == nil || !AuditDetailSealed(e) {
		return nil
	}
	return keys.Seal([]byte(e.Detail), AuditDetailAAD(e.ID))
}

// OpenAuditDetail fills in e.Detail from its box (nil: e.Detail is the
// readable one, written by an older jobmatch or naming no graduate).
func OpenAuditDetail(keys *seal.Keyring, e *matcher.AuditEntry, box []byte) error {
	if box == nil {
		return nil
	}
	if keys == nil {
		return ErrNoDataKey
	}
	plain, err := keys.Open(box, AuditDetailAAD(e.ID))
	if err != nil {
		return fmt.Errorf("audit entry %s: detail: %w", e.ID, err)
	}
	e.Detail = string(plain)
	return nil
}
