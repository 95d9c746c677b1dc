package matcher

import (
	"context"
	"time"
)

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
	// Rate and Burst are the key's own request limit (requests a second,
	// requests at once); zero: the server's default (`serve --rate/--burst`).
	Rate  float64 `json:"rate,omitempty"`
	Burst int     `json:"burst,omitempty"`
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
