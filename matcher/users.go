package matcher

import (
	"context"
	"time"
)

// User is a person who signs in to the workspace with a name and a
// password: a counselor of one district, or an administrator. API keys
// stay for portals and scripts; people get accounts, so what they do is
// theirs and a password can be reset without handing out a new key.
type User struct {
	ID       string `json:"id"`
	Name     string `json:"name"`                // what they sign in with; unique
	FullName string `json:"full_name,omitempty"` // shown on handouts and in the workspace
	Role     Role   `json:"role"`                // counselor or admin
	District string `json:"district,omitempty"`  // counselors: the district they serve
	Contact  string `json:"contact,omitempty"`   // the office phone on the handout
	// PasswordHash is the password's argon2id hash in PHC form
	// ($argon2id$v=19$m=…,t=…,p=…$salt$hash); never the password.
	PasswordHash string    `json:"password_hash"`
	CreatedAt    time.Time `json:"created_at"`
	DisabledAt   time.Time `json:"disabled_at,omitzero"` // zero: may sign in
	PasswordAt   time.Time `json:"password_at,omitzero"` // last set or reset
}

// Disabled reports whether u may no longer sign in.
func (u *User) Disabled() bool { return !u.DisabledAt.IsZero() }

// Session is a signed-in person's session. Only the SHA-256 of its token
// is stored (the token travels in an HttpOnly cookie); CSRF is the token
// every state-changing request of the session must echo in a header.
type Session struct {
	Hash      []byte    `json:"hash"`
	UserID    string    `json:"user_id"`
	CSRF      string    `json:"csrf"`
	CreatedAt time.Time `json:"created_at"` // the absolute timeout runs from here
	SeenAt    time.Time `json:"seen_at"`    // the idle timeout runs from here
}

// UserStore persists accounts and sessions.
type UserStore interface {
	// CreateUser stores u; ID and CreatedAt are filled in when empty. A
	// name already taken is ECONFLICT.
	CreateUser(ctx context.Context, u *User) error
	// UserByName and User return ENOTFOUND when there is no such user.
	UserByName(ctx context.Context, name string) (*User, error)
	User(ctx context.Context, id string) (*User, error)
	// UpdateUser replaces the stored user with u (same ID; the name cannot
	// change); ENOTFOUND for an unknown ID.
	UpdateUser(ctx context.Context, u *User) error
	// ListUsers returns every user, by name.
	ListUsers(ctx context.Context) ([]User, error)

	CreateSession(ctx context.Context, s *Session) error
	// SessionByHash returns ENOTFOUND when there is none.
	SessionByHash(ctx context.Context, hash []byte) (*Session, error)
	// TouchSession sets a session's SeenAt.
	TouchSession(ctx context.Context, hash []byte, at time.Time) error
	DeleteSession(ctx context.Context, hash []byte) error
	// DeleteUserSessions ends every session of a user (disabled, or a new
	// password); it returns how many there were.
	DeleteUserSessions(ctx context.Context, userID string) (int, error)
}
