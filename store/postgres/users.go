package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store"
)

var _ matcher.UserStore = (*Store)(nil)

// CreateUser stores a new account; a name already taken is ECONFLICT.
func (s *Store) CreateUser(ctx context.Context, u *matcher.User) error {
	if err := store.PrepareUser(u, s.now()); err != nil {
		return err
	}
	doc, err := store.UserDoc(s.keys, u, nil)
	if err != nil {
		return err
	}
	return s.retry(ctx, "create user", func(ctx context.Context, _ int) error {
		var id string
		err := s.pool.QueryRow(ctx, `INSERT INTO users (id, name, doc) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING id`,
			u.ID, u.Name, doc).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			// A real conflict, or the retry of an insert that committed.
			var same bool
			if s.pool.QueryRow(ctx, `SELECT doc = $2 FROM users WHERE id = $1`, u.ID, doc).Scan(&same) == nil && same {
				return nil
			}
			return matcher.Errorf(matcher.ECONFLICT, "用户名已被使用：%s", "user name already taken: %s", u.Name)
		}
		return err
	})
}

func (s *Store) userWhere(ctx context.Context, what, where, arg string) (*matcher.User, error) {
	var u *matcher.User
	err := s.retry(ctx, what, func(ctx context.Context, _ int) error {
		var doc []byte
		err := s.pool.QueryRow(ctx, `SELECT doc FROM users WHERE `+where+` = $1`, arg).Scan(&doc)
		if errors.Is(err, pgx.ErrNoRows) {
			return matcher.ErrNotFound("用户", arg)
		} else if err != nil {
			return err
		}
		u, err = store.OpenUser(s.keys, doc)
		return err
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// UserByName finds an account by the name it signs in with.
func (s *Store) UserByName(ctx context.Context, name string) (*matcher.User, error) {
	return s.userWhere(ctx, "user by name", "name", name)
}

// User finds an account by ID.
func (s *Store) User(ctx context.Context, id string) (*matcher.User, error) {
	return s.userWhere(ctx, "user", "id", id)
}

// UpdateUser replaces an account (its name stays).
func (s *Store) UpdateUser(ctx context.Context, u *matcher.User) error {
	doc, err := store.UserDoc(s.keys, u, nil)
	if err != nil {
		return err
	}
	return s.retry(ctx, "update user", func(ctx context.Context, _ int) error {
		var name string
		err := s.pool.QueryRow(ctx, `SELECT name FROM users WHERE id = $1`, u.ID).Scan(&name)
		if errors.Is(err, pgx.ErrNoRows) {
			return matcher.ErrNotFound("用户", u.ID)
		} else if err != nil {
			return err
		}
		if name != u.Name {
			return matcher.Errorf(matcher.EINVALID, "用户名不能更改", "a user name cannot change")
		}
		_, err = s.pool.Exec(ctx, `UPDATE users SET doc = $2 WHERE id = $1`, u.ID, doc)
		return err
	})
}

// ListUsers returns every account by name.
func (s *Store) ListUsers(ctx context.Context) ([]matcher.User, error) {
	var us []matcher.User
	err := s.retry(ctx, "list users", func(ctx context.Context, _ int) error {
		us = nil
		rows, err := s.pool.Query(ctx, `SELECT doc FROM users ORDER BY name`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var doc []byte
			if err := rows.Scan(&doc); err != nil {
				return err
			}
			u, err := store.OpenUser(s.keys, doc)
			if err != nil {
				return err
			}
			us = append(us, *u)
		}
		return rows.Err()
	})
	return us, err
}

// CreateSession stores a session under its token's hash.
func (s *Store) CreateSession(ctx context.Context, se *matcher.Session) error {
	if len(se.Hash) == 0 || se.UserID == "" {
		return matcher.Errorf(matcher.EINVALID, "会话缺少哈希或用户", "a session needs a hash and a user")
	}
	return s.retry(ctx, "create session", func(ctx context.Context, _ int) error {
		_, err := s.pool.Exec(ctx, `INSERT INTO sessions (hash, user_id, csrf, created_at, seen_at) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (hash) DO NOTHING`, se.Hash, se.UserID, se.CSRF, se.CreatedAt, se.SeenAt)
		var pe *pgconn.PgError
		if errors.As(err, &pe) && pe.Code == "23503" {
			return matcher.ErrNotFound("用户", se.UserID)
		}
		return err
	})
}

// SessionByHash finds a session by its token's hash.
func (s *Store) SessionByHash(ctx context.Context, hash []byte) (*matcher.Session, error) {
	se := matcher.Session{Hash: hash}
	err := s.retry(ctx, "session", func(ctx context.Context, _ int) error {
		err := s.pool.QueryRow(ctx, `SELECT user_id, csrf, created_at, seen_at FROM sessions WHERE hash = $1`, hash).
			Scan(&se.UserID, &se.CSRF, &se.CreatedAt, &se.SeenAt)
		if errors.Is(err, pgx.ErrNoRows) {
			return matcher.ErrNotFound("会话", "")
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &se, nil
}

// TouchSession moves a session's idle clock.
func (s *Store) TouchSession(ctx context.Context, hash []byte, at time.Time) error {
	return s.retry(ctx, "touch session", func(ctx context.Context, _ int) error {
		_, err := s.pool.Exec(ctx, `UPDATE sessions SET seen_at = $2 WHERE hash = $1`, hash, at)
		return err
	})
}

// DeleteSession ends a session.
func (s *Store) DeleteSession(ctx context.Context, hash []byte) error {
	return s.retry(ctx, "delete session", func(ctx context.Context, _ int) error {
		_, err := s.pool.Exec(ctx, `DELETE FROM sessions WHERE hash = $1`, hash)
		return err
	})
}

// DeleteUserSessions ends every session of a user.
func (s *Store) DeleteUserSessions(ctx context.Context, userID string) (int, error) {
	n := 0
	err := s.retry(ctx, "delete user sessions", func(ctx context.Context, _ int) error {
		tag, err := s.pool.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID)
		n = int(tag.RowsAffected())
		return err
	})
	return n, err
}
