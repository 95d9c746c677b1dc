package api

import (
	"context"
	"time"
)

// feedPage is how many changes one poll of the change feed fetches.
const feedPage = 500

// FeedSeq returns the last change-feed sequence number this server applied.
func (s *Server) FeedSeq() int64 { return s.feedSeq.Load() }

// Follow keeps this replica's index and engine fresh from the store's
// change feed until ctx is cancelled. It starts after sequence number from
// (read PostSeq before building the index and engine, so nothing written
// meanwhile is missed; applying a change twice is harmless) and polls
// every interval. Each replica sharing a PostgreSQL database runs one, so a
// post written through any replica is searchable on all of them within
// about one interval. saved, when not nil, is called with each new
// sequence number after it is applied (cmd persists it beside the index,
// so a restart resumes instead of rebuilding).
//
// A failed poll or application is logged and retried from the same
// sequence number on the next tick: the feed is never skipped past.
func (s *Server) Follow(ctx context.Context, from int64, interval time.Duration, saved func(seq int64) error) error {
	if interval <= 0 {
		interval = time.Second
	}
	s.feedSeq.Store(from)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		s.pollFeed(ctx, saved)
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// pollFeed applies every change after the current sequence number.
func (s *Server) pollFeed(ctx context.Context, saved func(int64) error) {
	for ctx.Err() == nil {
		seq := s.feedSeq.Load()
		posts, deleted, last, err := s.stores.Feed.PostChanges(ctx, seq, feedPage)
		if err != nil {
			if ctx.Err() == nil {
				s.metrics.feedErrors.Inc()
				s.log.Warn("change feed poll failed; retrying", "after_seq", seq, "err", err)
			}
			return
		}
		if last <= seq {
			return
		}
		if err := s.applyPosts(posts, deleted); err != nil {
			s.metrics.feedErrors.Inc()
			s.log.Warn("applying change feed failed; retrying", "after_seq", seq, "err", err)
			return
		}
		s.feedSeq.Store(last)
		s.metrics.feedApplied.Add(float64(len(posts) + len(deleted)))
		s.log.Debug("change feed applied", "posts", len(posts), "deleted", len(deleted), "seq", last)
		if saved != nil {
			if err := saved(last); err != nil {
				s.log.Warn("saving the change feed position failed", "seq", last, "err", err)
			}
		}
		if len(posts)+len(deleted) < feedPage {
			return
		}
	}
}

// LoadCaseload reads the graduate ledger into the caseload's memory, so
// the first counselor's request does not wait for it; it returns how many
// graduates it holds.
func (s *Server) LoadCaseload(ctx context.Context) (int, error) {
	return s.casework.LoadLedger(ctx)
}
