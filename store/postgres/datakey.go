package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// Settings rows of the data key: the check value of the key the data is
// under, and while a rotation runs, the check value of the key it moves to.
const (
	settingKeyCheck  = "data_key_check"
	settingRotatesTo = "data_key_rotating_to"
)

// checkDataKey refuses a store opened without the key its data is under. A
// fresh database takes the current key. A database whose key is one of the
// ring's previous keys opens too (a rotation is due or under way: reads
// open both keys' boxes, writes use the current one); one that is moving
// to a key this process does not hold does not, since the rows already
// moved would not decrypt.
func (s *Store) checkDataKey(ctx context.Context) error {
	var stored []byte
	err := s.pool.QueryRow(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2)
		ON CONFLICT (key) DO UPDATE SET key = settings.key RETURNING value`, settingKeyCheck, s.keys.Check()).Scan(&stored)
	if err != nil {
		return err
	}
	if !s.keys.Knows(stored) {
		return errors.New("the data key is not the one this database was written with: personal data would not decrypt")
	}
	var target []byte
	err = s.pool.QueryRow(ctx, `SELECT value FROM settings WHERE key = $1`, settingRotatesTo).Scan(&target)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	} else if err != nil {
		return err
	}
	if !s.keys.Knows(target) {
		return fmt.Errorf("a data key rotation to another key is under way: open with the new key as the data key and this one as the old key")
	}
	return nil
}
