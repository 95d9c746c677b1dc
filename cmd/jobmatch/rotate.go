package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// keysRotateDataKey moves the store's personal data to a new data key:
//
//	JOBMATCH_OLD_DATA_KEY=<the current key> JOBMATCH_DATA_KEY=<the new key> jobmatch keys rotate-data-key
//
// The store opens with both keys (reading what either sealed), re-seals a
// batch of records per transaction and finally records the new key as the
// store's; from then on the new key alone opens it and the old one is
// refused. Interrupted (Ctrl-C, a crash, a lost connection), it resumes
// when run again: every sealed record names its key, so it re-seals only
// what is not yet under the new one. The embedded store is rewritten
// (compacted) at the end so that no freed page keeps the old key's boxes;
// on PostgreSQL, VACUUM reclaims the old row versions.
func (m *Main) keysRotateDataKey(ctx context.Context, args []string) error {
	fs := m.flags("keys rotate-data-key")
	pos, err := m.parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return &usageError{fmt.Sprintf("keys rotate-data-key: unexpected argument %q (the keys come from %s and %s)", pos[0], dataKeyEnv, oldDataKeyEnv)}
	}
	if v, err := keyFromEnv(dataKeyEnv); err != nil || v == nil {
		return &usageError{fmt.Sprintf("keys rotate-data-key: set %s to the new data key and %s to the current one", dataKeyEnv, oldDataKeyEnv)}
	}
	st, err := m.openStore(ctx)
	if err != nil {
		return err
	}
	r, ok := st.(matcher.DataKeyRotator)
	if !ok {
		return errors.New("keys rotate-data-key: this store keeps no sealed data")
	}
	start, last := time.Now(), time.Now()
	n, err := r.RotateDataKey(ctx, func(done int) {
		if time.Since(last) >= time.Second {
			fmt.Fprintf(m.Stderr, "re-sealed %d records…\n", done)
			last = time.Now()
		}
	})
	if err != nil {
		return fmt.Errorf("rotate the data key (run the command again to resume): %w", err)
	}
	fmt.Fprintf(m.Stdout, "re-sealed %d records in %s; the store is under the new data key: keep %s, drop %s\n",
		n, time.Since(start).Round(time.Millisecond), dataKeyEnv, oldDataKeyEnv)
	return nil
}
