package api

import (
	"context"
	"errors"
	"fmt"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/casework"
)

// Stores are what each part of the API reads and writes, one narrow
// interface a part, so that a reader sees which handler needs what and a
// test about HTTP alone can hand in small fakes instead of a database.
// Both stores (store/bolt, store/postgres) implement every one of them;
// StoresOf fills all from one.
type Stores struct {
	// Keys: authentication (auth.go) and the key routes (keys.go).
	Keys matcher.KeyStore
	// Audit: the group commit of audit entries (audit.go).
	Audit AuditWriter
	// Posts: the post routes (posts.go).
	Posts PostStore
	// Graduates: the ledger's routes and reverse matching (graduates.go).
	Graduates matcher.GraduateStore
	// Feedback: feedback events and the items they name (graduates.go).
	Feedback FeedbackStore
	// Feed: readiness and following other replicas' writes (follow.go,
	// metrics.go).
	Feed matcher.ChangeFeed
	// Runs: a stored graduate's published nightly list (published.go),
	// the runs and their reports (runs.go).
	Runs RunReader
	// Retention: pruning the lists of old runs (runs.go, POST
	// /v1/runs/prune), the store call of `jobmatch runs prune`.
	Retention matcher.RunPruner
	// Casework: the counselors' casework, run by matcher/casework
	// (casework.go).
	Casework casework.Store
	// Users: people's accounts and sessions (users.go, sessions.go).
	Users matcher.UserStore
}

// AuditWriter appends audit entries, a group in one transaction.
type AuditWriter interface {
	AuditBatch(ctx context.Context, entries []matcher.AuditEntry) error
}

// PostStore is what the post routes write and read back.
type PostStore interface {
	UpsertPosts(ctx context.Context, posts []matcher.Post) ([]matcher.UpsertOutcome, error)
	Post(ctx context.Context, id string) (*matcher.Post, error)
}

// FeedbackStore records feedback events; Post and Course check that the
// item an event names exists.
type FeedbackStore interface {
	RecordFeedback(ctx context.Context, e matcher.FeedbackEvent) error
	Post(ctx context.Context, id string) (*matcher.Post, error)
	Course(ctx context.Context, id string) (*matcher.Course, error)
}

// StoresOf is every part served by one store.
func StoresOf(st matcher.FullStore) Stores {
	return Stores{Keys: st, Audit: st, Posts: st, Graduates: st, Feedback: st, Feed: st, Runs: st, Retention: st, Casework: st, Users: st}
}

// check names every part left nil.
func (s Stores) check() error {
	var missing []error
	for _, p := range []struct {
		name string
		nil  bool
	}{
		{"Keys", s.Keys == nil}, {"Audit", s.Audit == nil}, {"Posts", s.Posts == nil}, {"Graduates", s.Graduates == nil},
		{"Feedback", s.Feedback == nil}, {"Feed", s.Feed == nil}, {"Runs", s.Runs == nil}, {"Retention", s.Retention == nil}, {"Casework", s.Casework == nil}, {"Users", s.Users == nil},
	} {
		if p.nil {
			missing = append(missing, fmt.Errorf("api: Config.Stores.%s is nil", p.name))
		}
	}
	return errors.Join(missing...)
}
