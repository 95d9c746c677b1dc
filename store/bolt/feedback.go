package bolt

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store"
)

func timeKey(t time.Time, id string) []byte {
	return append(u64(uint64(t.UnixNano())), append([]byte{0}, id...)...)
}

// feedbackIDKey is an event's key in bFeedbackID: IDs are unique per
// source.
func feedbackIDKey(source, id string) []byte { return join(source, []byte(id)) }

// RecordFeedback stores a feedback event; the same ID twice from the same
// source is kept once. The event is sealed whole, bound to its key (as a
// casework entry is): beside the graduate's ID its post can say the
// graduate is in hardship (store/events.go).
func (s *Store) RecordFeedback(ctx context.Context, e matcher.FeedbackEvent) error {
	if s.keys == nil {
		return store.ErrNoDataKey
	}
	if err := store.PrepareFeedback(&e, s.now()); err != nil {
		return err
	}
	plain, err := json.Marshal(&e)
	if err != nil {
		return err
	}
	return s.update(ctx, func(tx *bbolt.Tx) error {
		ib := tx.Bucket(bFeedbackID)
		idKey := feedbackIDKey(e.Source, e.ID)
		if ib.Get(idKey) != nil {
			return nil
		}
		k := timeKey(e.At, e.Source+"\x00"+e.ID)
		if err := ib.Put(idKey, k); err != nil {
			return err
		}
		return tx.Bucket(bFeedback).Put(k, s.keys.Seal(plain, caseAAD(bFeedback, k)))
	})
}

// openFeedback opens a stored event: sealed, or plain JSON written before
// events were sealed (a data-key pass seals those).
func (s *Store) openFeedback(k, v []byte) (matcher.FeedbackEvent, error) {
	var e matcher.FeedbackEvent
	if len(v) == 0 || v[0] != '{' {
		if s.keys == nil {
			return e, store.ErrNoDataKey
		}
	}
	plain, err := s.openCase(bFeedback, k, v)
	if err != nil {
		return e, fmt.Errorf("feedback %x: %w", k, err)
	}
	return e, json.Unmarshal(plain, &e)
}

// EachFeedback calls fn for every event at or after since, oldest first.
func (s *Store) EachFeedback(ctx context.Context, since time.Time, fn func(matcher.FeedbackEvent) error) error {
	start := []byte(nil)
	if !since.IsZero() && since.UnixNano() > 0 {
		start = u64(uint64(since.UnixNano()))
	}
	var after []byte
	for {
		var page []matcher.FeedbackEvent
		var lastKey []byte
		err := s.view(ctx, func(tx *bbolt.Tx) error {
			c := tx.Bucket(bFeedback).Cursor()
			var k, v []byte
			if after == nil {
				k, v = c.Seek(start)
			} else if k, v = c.Seek(after); bytes.Equal(k, after) {
				k, v = c.Next()
			}
			for ; k != nil && len(page) < pageSize; k, v = c.Next() {
				e, err := s.openFeedback(k, v)
				if err != nil {
					return err
				}
				page = append(page, e)
				lastKey = slices.Clone(k)
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, e := range page {
			if err := fn(e); err != nil {
				return err
			}
		}
		if len(page) < pageSize {
			return nil
		}
		after = lastKey
	}
}
