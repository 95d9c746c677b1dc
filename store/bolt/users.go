package bolt

import (
	"context"
	"encoding/json"
	"sort"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store"
)

// CreateUser stores a new account; a name already taken is ECONFLICT.
func (s *Store) CreateUser(ctx context.Context, u *matcher.User) error {
	if err := store.PrepareUser(u, s.now()); err != nil {
		return err
	}
	return s.update(ctx, func(tx *bbolt.Tx) error {
		ub, nb := tx.Bucket(bUsers), tx.Bucket(bUserName)
		if nb.Get([]byte(u.Name)) != nil || ub.Get([]byte(u.ID)) != nil {
			return matcher.Errorf(matcher.ECONFLICT, "用户名已被使用：%s", "user name already taken: %s", u.Name)
		}
		if err := nb.Put([]byte(u.Name), []byte(u.ID)); err != nil {
			return err
		}
		doc, err := store.UserDoc(s.keys, u, nil)
		if err != nil {
			return err
		}
		return ub.Put([]byte(u.ID), doc)
	})
}

func (s *Store) getUser(tx *bbolt.Tx, id []byte) (*matcher.User, error) {
	doc := tx.Bucket(bUsers).Get(id)
	if doc == nil {
		return nil, matcher.ErrNotFound("用户", string(id))
	}
	return store.OpenUser(s.keys, doc)
}

// UserByName finds an account by the name it signs in with.
func (s *Store) UserByName(ctx context.Context, name string) (*matcher.User, error) {
	var u *matcher.User
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		id := tx.Bucket(bUserName).Get([]byte(name))
		if id == nil || name == "" {
			return matcher.ErrNotFound("用户", name)
		}
		var err error
		u, err = s.getUser(tx, id)
		return err
	})
	return u, err
}

// User finds an account by ID.
func (s *Store) User(ctx context.Context, id string) (*matcher.User, error) {
	var u *matcher.User
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		if id == "" {
			return matcher.ErrNotFound("用户", id)
		}
		var err error
		u, err = s.getUser(tx, []byte(id))
		return err
	})
	return u, err
}

// UpdateUser replaces an account (its name stays).
func (s *Store) UpdateUser(ctx context.Context, u *matcher.User) error {
	return s.update(ctx, func(tx *bbolt.Tx) error {
		old, err := s.getUser(tx, []byte(u.ID))
		if err != nil {
			return err
		}
		if old.Name != u.Name {
			return matcher.Errorf(matcher.EINVALID, "用户名不能更改", "a user name cannot change")
		}
		doc, err := store.UserDoc(s.keys, u, tx.Bucket(bUsers).Get([]byte(u.ID)))
		if err != nil {
			return err
		}
		return tx.Bucket(bUsers).Put([]byte(u.ID), doc)
	})
}

// ListUsers returns every account by name.
func (s *Store) ListUsers(ctx context.Context) ([]matcher.User, error) {
	var us []matcher.User
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		return tx.Bucket(bUsers).ForEach(func(_, v []byte) error {
			u, err := store.OpenUser(s.keys, v)
			if err != nil {
				return err
			}
			us = append(us, *u)
			return nil
		})
	})
	sort.Slice(us, func(i, j int) bool { return us[i].Name < us[j].Name })
	return us, err
}

// CreateSession stores a session under its token's hash.
func (s *Store) CreateSession(ctx context.Context, se *matcher.Session) error {
	if len(se.Hash) == 0 || se.UserID == "" {
		return matcher.Errorf(matcher.EINVALID, "会话缺少哈希或用户", "a session needs a hash and a user")
	}
	return s.update(ctx, func(tx *bbolt.Tx) error {
		return putJSON(tx.Bucket(bSessions), se.Hash, se)
	})
}

// SessionByHash finds a session by its token's hash.
func (s *Store) SessionByHash(ctx context.Context, hash []byte) (*matcher.Session, error) {
	var se matcher.Session
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		if len(hash) == 0 {
			return matcher.ErrNotFound("会话", "")
		}
		ok, err := getJSON(tx.Bucket(bSessions), hash, &se)
		if err == nil && !ok {
			err = matcher.ErrNotFound("会话", "")
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
	return s.update(ctx, func(tx *bbolt.Tx) error {
		var se matcher.Session
		ok, err := getJSON(tx.Bucket(bSessions), hash, &se)
		if err != nil || !ok {
			return err // gone meanwhile: nothing to touch
		}
		se.SeenAt = at
		return putJSON(tx.Bucket(bSessions), hash, &se)
	})
}

// DeleteSession ends a session (no error when it is gone already).
func (s *Store) DeleteSession(ctx context.Context, hash []byte) error {
	return s.update(ctx, func(tx *bbolt.Tx) error { return tx.Bucket(bSessions).Delete(hash) })
}

// DeleteUserSessions ends every session of a user.
func (s *Store) DeleteUserSessions(ctx context.Context, userID string) (int, error) {
	n := 0
	err := s.update(ctx, func(tx *bbolt.Tx) error {
		b := tx.Bucket(bSessions)
		var doomed [][]byte
		err := b.ForEach(func(k, v []byte) error {
			var se matcher.Session
			if err := json.Unmarshal(v, &se); err != nil {
				return err
			}
			if se.UserID == userID {
				doomed = append(doomed, append([]byte(nil), k...))
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, k := range doomed {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		n = len(doomed)
		return nil
	})
	return n, err
}
