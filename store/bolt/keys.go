package bolt

import (
	"context"
	"encoding/json"
	"sort"

	bbolt "go.etcd.io/bbolt"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store"
)

// CreateKey stores a new API key.
func (s *Store) CreateKey(ctx context.Context, k *matcher.APIKey) error {
	if err := store.PrepareKey(k, s.now()); err != nil {
		return err
	}
	return s.update(ctx, func(tx *bbolt.Tx) error {
		kb, hb := tx.Bucket(bKeys), tx.Bucket(bKeyHash)
		if kb.Get([]byte(k.ID)) != nil || hb.Get(k.Hash) != nil {
			return matcher.Errorf(matcher.ECONFLICT, "密钥已存在：%s", "key already exists: %s", k.ID)
		}
		if err := hb.Put(k.Hash, []byte(k.ID)); err != nil {
			return err
		}
		return putJSON(kb, []byte(k.ID), k)
	})
}

// KeyByHash returns the key with that hash, revoked or expired keys included.
func (s *Store) KeyByHash(ctx context.Context, hash []byte) (*matcher.APIKey, error) {
	var k matcher.APIKey
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		if len(hash) == 0 {
			return matcher.ErrNotFound("密钥", "")
		}
		id := tx.Bucket(bKeyHash).Get(hash)
		if id == nil {
			return matcher.ErrNotFound("密钥", "")
		}
		_, err := getJSON(tx.Bucket(bKeys), id, &k)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &k, nil
}

// RevokeKey revokes a key (keeping the first revocation time).
func (s *Store) RevokeKey(ctx context.Context, id string) error {
	return s.update(ctx, func(tx *bbolt.Tx) error {
		var k matcher.APIKey
		ok, err := getJSON(tx.Bucket(bKeys), []byte(id), &k)
		if err != nil {
			return err
		} else if !ok {
			return matcher.ErrNotFound("密钥", id)
		}
		if !k.RevokedAt.IsZero() {
			return nil
		}
		k.RevokedAt = s.now()
		return putJSON(tx.Bucket(bKeys), []byte(id), &k)
	})
}

// ListKeys returns every key, oldest first.
func (s *Store) ListKeys(ctx context.Context) ([]matcher.APIKey, error) {
	var keys []matcher.APIKey
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		return tx.Bucket(bKeys).ForEach(func(_, v []byte) error {
			var k matcher.APIKey
			if err := json.Unmarshal(v, &k); err != nil {
				return err
			}
			keys = append(keys, k)
			return nil
		})
	})
	sort.SliceStable(keys, func(i, j int) bool {
		if !keys[i].CreatedAt.Equal(keys[j].CreatedAt) {
			return keys[i].CreatedAt.Before(keys[j].CreatedAt)
		}
		return keys[i].ID < keys[j].ID
	})
	return keys, err
}
