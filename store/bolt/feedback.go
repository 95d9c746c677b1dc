package bolt

import (
	"bytes"
	"context"
	"encoding/json"
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
// source is kept once.
func (s *Store) RecordFeedback(ctx context.Context, e matcher.FeedbackEvent) error {
	if err := store.PrepareFeedback(&e, s.now()); err != nil {
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
		return putJSON(tx.Bucket(bFeedback), k, &e)
	})
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
				var e matcher.FeedbackEvent
				if err := json.Unmarshal(v, &e); err != nil {
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
