package postgres

import (
	"bytes"
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store"
)

const keyColumns = `id, name, role, district, source, hash, created_at, expires_at, revoked_at, rate, burst`

func scanKey(row pgx.Row) (*matcher.APIKey, error) {
	var k matcher.APIKey
	var role string
	var expires, revoked *time.Time
	if err := row.Scan(&k.ID, &k.Name, &role, &k.District, &k.Source, &k.Hash, &k.CreatedAt, &expires, &revoked, &k.Rate, &k.Burst); err != nil {
		return nil, err
	}
	k.Role, k.ExpiresAt, k.RevokedAt = matcher.Role(role), timeOf(expires), timeOf(revoked)
	return &k, nil
}

// CreateKey stores a new API key (its hash only).
func (s *Store) CreateKey(ctx context.Context, k *matcher.APIKey) error {
	if err := store.PrepareKey(k, s.now()); err != nil {
		return err
	}
	return s.retry(ctx, "create key", func(ctx context.Context, _ int) error {
		var id string
		var hash []byte
		err := s.pool.QueryRow(ctx, `INSERT INTO api_keys (`+keyColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
			ON CONFLICT DO NOTHING RETURNING id, hash`,
			k.ID, k.Name, string(k.Role), k.District, k.Source, k.Hash, k.CreatedAt, nullTime(k.ExpiresAt), nullTime(k.RevokedAt), k.Rate, k.Burst).Scan(&id, &hash)
		if errors.Is(err, pgx.ErrNoRows) {
			// Either a real conflict, or this is a retry of an insert that
			// committed: the row is then exactly ours.
			other, err := scanKey(s.pool.QueryRow(ctx, `SELECT `+keyColumns+` FROM api_keys WHERE id = $1`, k.ID))
			if err == nil && bytes.Equal(other.Hash, k.Hash) && other.CreatedAt.Equal(k.CreatedAt) {
				return nil
			}
			return matcher.Errorf(matcher.ECONFLICT, "密钥已存在：%s", "key already exists: %s", k.ID)
		}
		return err
	})
}

// KeyByHash returns the key with that hash, revoked or expired keys included.
func (s *Store) KeyByHash(ctx context.Context, hash []byte) (*matcher.APIKey, error) {
	var k *matcher.APIKey
	err := s.retry(ctx, "key by hash", func(ctx context.Context, _ int) error {
		var err error
		k, err = scanKey(s.pool.QueryRow(ctx, `SELECT `+keyColumns+` FROM api_keys WHERE hash = $1`, hash))
		if errors.Is(err, pgx.ErrNoRows) {
			return matcher.ErrNotFound("密钥", "")
		}
		return err
	})
	return k, err
}

// RevokeKey revokes a key, keeping the first revocation time.
func (s *Store) RevokeKey(ctx context.Context, id string) error {
	return s.retry(ctx, "revoke key", func(ctx context.Context, _ int) error {
		tag, err := s.pool.Exec(ctx, `UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1`, id)
		if err == nil && tag.RowsAffected() == 0 {
			return matcher.ErrNotFound("密钥", id)
		}
		return err
	})
}

// ListKeys returns every key, oldest first.
func (s *Store) ListKeys(ctx context.Context) ([]matcher.APIKey, error) {
	return queryAll(ctx, s, "list keys", func(rows pgx.Rows) (matcher.APIKey, error) {
		k, err := scanKey(rows)
		if err != nil {
			return matcher.APIKey{}, err
		}
		return *k, nil
	}, `SELECT `+keyColumns+` FROM api_keys ORDER BY created_at, id`)
}
