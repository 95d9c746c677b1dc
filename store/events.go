package store

import (
	"encoding/json"
	"fmt"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store/seal"
)

// Feedback events and audit entries name a graduate beside what happened
// to them, and a post named beside a graduate tells what a batch list
// would: 公益性岗位 are offered only to graduates in hardship, so "graduate
// G clicked (or a counselor put on G's plan) post P", P a 公益性岗位, says
// G is in hardship. So does the action of an audit entry: handout.list
// entries name every graduate of a district's 一人一策 caseload (the
// hardship graduates still looking), as the plan boxes kept under
// PlanTag must not. Both stores therefore seal a feedback event's post
// (bound to its source and ID) and, for an audit entry naming a graduate,
// its action and detail together (bound to the entry's ID). The graduate's
// ID, the times, the event type, the key, role and client address stay
// readable: the deletion of a graduate and the audit log's per-graduate
// reads select on them. Entries naming no graduate (an account created, a
// key revoked, a policy reloaded) stay readable whole.

// FeedbackPostAAD binds a feedback event's sealed post to the event (its
// source and ID: IDs are unique per source).
func FeedbackPostAAD(source, id string) []byte {
	return []byte("feedback.post\x00" + source + "\x00" + id)
}

// AuditAAD binds an audit entry's sealed action and detail to the entry.
func AuditAAD(id string) []byte { return []byte("audit.entry\x00" + id) }

// AuditSealed reports whether a store keeps e's action and detail sealed:
// e names a graduate.
func AuditSealed(e matcher.AuditEntry) bool { return e.GraduateID != "" }

// auditSecret is what an audit entry's box holds.
type auditSecret struct {
	Action string `json:"a"`
	Detail string `json:"d,omitempty"`
}

// SealAudit returns the box a store keeps e's action and detail in, nil
// when they are kept readable (AuditSealed false) or there is no key (a
// store opened without one, a library use, keeps them readable like staff
// names). e must have its ID (PrepareAudit).
func SealAudit(keys *seal.Keyring, e matcher.AuditEntry) []byte {
	if keys == nil || !AuditSealed(e) {
		return nil
	}
	plain, _ := json.Marshal(auditSecret{e.Action, e.Detail}) // two strings: cannot fail
	return keys.Seal(plain, AuditAAD(e.ID))
}

// OpenAudit fills in e.Action and e.Detail from box (nil: they are the
// readable ones, of an entry naming no graduate or written by an older
// jobmatch).
func OpenAudit(keys *seal.Keyring, e *matcher.AuditEntry, box []byte) error {
	if box == nil {
		return nil
	}
	if keys == nil {
		return ErrNoDataKey
	}
	plain, err := keys.Open(box, AuditAAD(e.ID))
	if err != nil {
		return fmt.Errorf("audit entry %s: %w", e.ID, err)
	}
	var sec auditSecret
	if err := json.Unmarshal(plain, &sec); err != nil {
		return fmt.Errorf("audit entry %s: %w", e.ID, err)
	}
	e.Action, e.Detail = sec.Action, sec.Detail
	return nil
}
