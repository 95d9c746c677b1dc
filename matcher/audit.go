package matcher

import (
	"context"
	"time"
)

// AuditEntry records one access to personal data by a person.
type AuditEntry struct {
	ID         string    `json:"id"` // filled in when empty
	At         time.Time `json:"at"` // filled in when zero
	KeyID      string    `json:"key_id"`
	Role       Role      `json:"role"`
	Action     string    `json:"action"` // e.g. "graduate.read", "graduate.delete"
	GraduateID string    `json:"graduate_id,omitempty"`
	Detail     string    `json:"detail,omitempty"` // never personal data
	Client     string    `json:"client,omitempty"` // the caller's network address (refused attempts are audited too)
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
