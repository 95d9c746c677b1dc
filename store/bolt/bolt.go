package bolt

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store"
	"github.com/urumqi-hrss/jobmatch/store/seal"
)

// Bucket names. Values are JSON unless said otherwise.
var (
	bPosts      = []byte("posts")        // post ID → record (see encodeRecord)
	bPostSeq    = []byte("post_seq")     // post ID → 8-byte sequence of its latest change
	bChanges    = []byte("changes")      // 8-byte sequence → change
	bCourses    = []byte("courses")      // course ID → record
	bGraduates  = []byte("graduates")    // graduate ID → record
	bGradDist   = []byte("grad_dist")    // district \x00 graduate ID → nothing
	bGradNID    = []byte("grad_nid")     // keyed hash of the national ID → graduate ID
	bGradPII    = []byte("grad_pii")     // graduate ID → sealed personal data (store.SealGraduate)
	bImports    = []byte("imports")      // report ID → ImportReport
	bJobs       = []byte("import_jobs")  // job ID → ImportJob
	bJobErrors  = []byte("import_errs")  // job ID \x00 8-byte n → RowError
	bKeys       = []byte("keys")         // key ID → APIKey
	bKeyHash    = []byte("key_hash")     // hash → key ID
	bAudit      = []byte("audit")        // 8-byte sequence → AuditEntry
	bFeedback   = []byte("feedback")     // 8-byte At \x00 source \x00 event ID → FeedbackEvent
	bFeedbackID = []byte("feedback_id")  // source \x00 event ID → its key in feedback
	bRuns       = []byte("runs")         // run ID → Run
	bRecs       = []byte("recs")         // run ID \x00 graduate ID → sealed default list (store.SealList)
	bPlans      = []byte("plans")        // run ID \x00 store.PlanTag → sealed plan items of a list
	bDigests    = []byte("list_digests") // run ID \x00 graduate ID → keyed digest of the list's posts (store.ListDigest)
	bRunReports = []byte("run_reports")  // run ID → RunReport
	bMeta       = []byte("meta")         // "current_run" → run ID; the data key's check values (datakey.go)
	bContacts   = []byte("contacts")     // graduate ID \x00 8-byte sequence → sealed ContactEntry
	bShortlist  = []byte("shortlist")    // graduate ID \x00 8-byte sequence → sealed ShortlistEdit
	bUsers      = []byte("users")        // user ID → User
	bUserName   = []byte("user_name")    // name → user ID
	bSessions   = []byte("sessions")     // SHA-256 of the token → Session

	allBuckets = [][]byte{bPosts, bPostSeq, bChanges, bCourses, bGraduates, bGradDist, bGradNID, bGradPII,
		bImports, bJobs, bJobErrors, bKeys, bKeyHash, bAudit, bFeedback, bFeedbackID, bRuns, bRecs, bPlans,
		bDigests, bRunReports, bMeta, bContacts, bShortlist, bUsers, bUserName, bSessions}

	keyCurrentRun = []byte("current_run")
)

// pageSize is how many records Each* reads per read transaction. Callbacks
// run outside any transaction, so they may use the store themselves.
const pageSize = 512

// Store is the embedded store: one bbolt file.
type Store struct {
	db   *bbolt.DB
	now  func() time.Time
	keys *seal.Keyring // nil: personal data is refused (store.ErrNoDataKey)
	// reading counts this process's readers of each run's lists, which a
	// prune keeps (retention.go).
	reading runReaders
	log     *slog.Logger

	// The audit journal (journal.go) and its fold (audit.go). foldMu
	// keeps a fold and compact (which replaces db) apart.
	journal       *auditJournal
	journalRegion int64
	journalSyncs  int
	foldEvery     time.Duration
	foldMu        sync.Mutex
	foldStop      chan struct{}
	foldDone      chan struct{}
}

// Option configures a Store when it is opened.
type Option func(*Store)

// WithClock makes the store date what it writes by now instead of
// time.Now. The contract tests give each store a clock that never reads
// the same instant twice, so a rewrite is seen to move UpdatedAt without
// waiting.
func WithClock(now func() time.Time) Option {
	return func(s *Store) {
		if now != nil {
			s.now = now
		}
	}
}

// WithLogger sets where the store logs (the audit journal's replay and a
// torn record it ignored, a failed fold); by default nowhere.
func WithLogger(l *slog.Logger) Option {
	return func(s *Store) {
		if l != nil {
			s.log = l
		}
	}
}

// DefaultAuditSyncs is how many of the audit journal's syncs may be in
// flight at once by default: a second sync started while one is in flight
// costs no more than one alone on the disks measured, and keeps a
// request's wait to one sync (benchmarks/RESULTS.md, the journal's
// section). `serve --audit-syncs` sets another.
const DefaultAuditSyncs = 2

// WithAuditJournal sets the size of each of the audit journal's two
// regions (bytes; the file is twice that) and how many of its syncs may
// be in flight at once. Zero keeps the default (8 MiB, DefaultAuditSyncs).
// Tests use small regions to make folds and full regions happen.
func WithAuditJournal(region int64, syncs int) Option {
	return func(s *Store) {
		if region > 0 {
			s.journalRegion = region
		}
		if syncs > 0 {
			s.journalSyncs = syncs
		}
	}
}

var (
	_ matcher.FullStore = (*Store)(nil)
	_ matcher.UserStore = (*Store)(nil)
)

// Open opens (creating when needed) the store file at path, e.g.
// DIR/jobmatch.db. bbolt locks the file exclusively: a second process
// opening the same file waits up to 5 s and then fails with a clear error.
//
// keys seal personal data (store/seal). Open refuses keys that are not the
// ones the file's personal data is under. With nil keys the store opens
// but refuses to read or write personal data (graduates, casework). A file
// written before personal data was sealed is sealed on its first Open with
// keys, and compacted so that no page keeps the clear text.
func Open(path string, keys *seal.Keyring, opts ...Option) (*Store, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("bolt store: %w", err)
	}
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{Timeout: 5 * time.Second, FreelistType: bbolt.FreelistMapType})
	if errors.Is(err, bbolt.ErrTimeout) {
		return nil, fmt.Errorf("bolt store %s: locked by another process (the embedded store is single-process; use --db for PostgreSQL to run several): %w", path, err)
	} else if err != nil {
		return nil, fmt.Errorf("bolt store %s: %w", path, err)
	}
	err = db.Update(func(tx *bbolt.Tx) error {
		for _, b := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("bolt store %s: create buckets: %w", path, err)
	}
	s := &Store{db: db, now: time.Now, keys: keys, log: slog.New(slog.DiscardHandler), journalRegion: defaultJournalRegion, journalSyncs: DefaultAuditSyncs, foldEvery: foldEvery}
	for _, o := range opts {
		o(s)
	}
	if err := s.openJournal(path + ".audit"); err != nil {
		db.Close()
		return nil, fmt.Errorf("bolt store %s: %w", path, err)
	}
	if keys == nil {
		return s, nil
	}
	legacy, err := s.checkDataKey()
	if err == nil && legacy {
		_, err = s.RotateDataKey(context.Background(), nil)
	}
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("bolt store %s: %w", path, err)
	}
	return s, nil
}

// Close folds the audit journal into the file, closes both and releases
// the file's lock.
func (s *Store) Close() error { return errors.Join(s.closeJournal(), s.db.Close()) }

// Path returns the file's path.
func (s *Store) Path() string { return s.db.Path() }

func u64(n uint64) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], n)
	return b[:]
}

func join(a string, b []byte) []byte {
	k := make([]byte, 0, len(a)+1+len(b))
	k = append(k, a...)
	k = append(k, 0)
	return append(k, b...)
}

// A record is 8 bytes of UpdatedAt (Unix nanoseconds, 0 for zero) followed
// by the JSON of the value with UpdatedAt zeroed, so "unchanged" is a byte
// comparison of the JSON part.
func encodeRecord(updated time.Time, body []byte) []byte {
	var n uint64
	if !updated.IsZero() {
		n = uint64(updated.UnixNano())
	}
	out := make([]byte, 8, 8+len(body))
	binary.BigEndian.PutUint64(out, n)
	return append(out, body...)
}

// recordTime is the write time of an encoded record (zero when unknown).
func recordTime(v []byte) time.Time {
	if len(v) < 8 {
		return time.Time{}
	}
	if n := binary.BigEndian.Uint64(v[:8]); n != 0 {
		return time.Unix(0, int64(n))
	}
	return time.Time{}
}

// decodeRecord decodes a record's JSON body into dst with encoding/json
// and returns its write time.
func decodeRecord(v []byte, dst any) (time.Time, error) {
	if len(v) < 8 {
		return time.Time{}, fmt.Errorf("corrupt record (%d bytes)", len(v))
	}
	if err := json.Unmarshal(v[8:], dst); err != nil {
		return time.Time{}, err
	}
	return recordTime(v), nil
}

// decodePostRecord is decodeRecord of a post, through store.UnmarshalPost
// (every open post is read before a batch run starts). The callers know
// their type: no switch on it per record.
func decodePostRecord(v []byte, p *matcher.Post) (time.Time, error) {
	if len(v) < 8 {
		return time.Time{}, fmt.Errorf("corrupt record (%d bytes)", len(v))
	}
	if err := store.UnmarshalPost(v[8:], p); err != nil {
		return time.Time{}, err
	}
	return recordTime(v), nil
}

// putDocs is the one put-document path (posts, courses, graduates): encode
// gives each document's ID and JSON body (UpdatedAt zeroed), a body equal
// to the stored one is Unchanged and not rewritten, before runs with the
// stored record of a document about to be replaced (to drop its index
// entries) and after for each document written (indexes, change feed).
// before and after may be nil.
func putDocs[T any](b *bbolt.Bucket, docs []T, now time.Time, encode func(*T) (string, []byte, error),
	before func(id string, old []byte) error, after func(d *T, id string) error) ([]matcher.UpsertOutcome, error) {
	out := make([]matcher.UpsertOutcome, len(docs))
	for i := range docs {
		d := docs[i]
		id, body, err := encode(&d)
		if err != nil {
			return nil, err
		}
		old := b.Get([]byte(id))
		if old != nil && len(old) >= 8 && bytes.Equal(old[8:], body) {
			out[i] = matcher.Unchanged
			continue
		}
		if old != nil && before != nil {
			if err := before(id, old); err != nil {
				return nil, err
			}
		}
		if err := b.Put([]byte(id), encodeRecord(now, body)); err != nil {
			return nil, fmt.Errorf("%s: %w", id, err)
		}
		out[i] = matcher.Updated
		if old == nil {
			out[i] = matcher.Inserted
		}
		if after != nil {
			if err := after(&d, id); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// scan pages through bucket keys with the prefix, copying a page inside a
// read transaction and calling visit outside it, so visit (and the caller's
// callback) may use the store, even write to it.
func (s *Store) scan(ctx context.Context, bucket, prefix []byte, visit func(k, v []byte) error) error {
	return s.scanTx(ctx, bucket, prefix, func(_ *bbolt.Tx, k, v []byte) (func() error, error) {
		k, v = slices.Clone(k), slices.Clone(v)
		return func() error { return visit(k, v) }, nil
	})
}

// scanTx is scan for records that need their transaction to be read (a
// graduate's sealed personal data is in another bucket): read runs inside
// the page's read transaction (k and v are valid only there) and returns
// what to call outside it, nil to skip the record.
func (s *Store) scanTx(ctx context.Context, bucket, prefix []byte, read func(tx *bbolt.Tx, k, v []byte) (func() error, error)) error {
	var after []byte
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		var page []func() error
		var last []byte
		n := 0
		err := s.db.View(func(tx *bbolt.Tx) error {
			c := tx.Bucket(bucket).Cursor()
			var k, v []byte
			if after == nil {
				k, v = c.Seek(prefix)
			} else {
				k, v = c.Seek(after)
				if bytes.Equal(k, after) {
					k, v = c.Next()
				}
			}
			for ; k != nil && bytes.HasPrefix(k, prefix) && n < pageSize; k, v = c.Next() {
				call, err := read(tx, k, v)
				if err != nil {
					return err
				}
				if call != nil {
					page = append(page, call)
				}
				n, last = n+1, slices.Clone(k)
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, call := range page {
			if err := call(); err != nil {
				return err
			}
		}
		if n < pageSize {
			return nil
		}
		after = last
	}
}

// docEncoder is putDocs' encode for a record kept whole as JSON: prepare
// checks it and fills in its ID, key gives the ID and the UpdatedAt that
// is zeroed before encoding (the record keeps its time beside the JSON),
// marshal is json.Marshal or what writes the same bytes (store.MarshalPost).
func docEncoder[T any](what string, prepare func(*T) error, key func(*T) (string, *time.Time), marshal func(*T) ([]byte, error)) func(*T) (string, []byte, error) {
	return func(d *T) (string, []byte, error) {
		if err := prepare(d); err != nil {
			return "", nil, err
		}
		id, updated := key(d)
		*updated = time.Time{}
		body, err := marshal(d)
		if err != nil {
			return "", nil, fmt.Errorf("%s %s: %w", what, id, err)
		}
		return id, body, nil
	}
}

// upsertTx runs write, an upsert of docs, in one write transaction.
func upsertTx[T any](s *Store, ctx context.Context, what string, docs []T,
	write func(*bbolt.Tx, []T, time.Time) ([]matcher.UpsertOutcome, error)) ([]matcher.UpsertOutcome, error) {
	var out []matcher.UpsertOutcome
	err := s.update(ctx, func(tx *bbolt.Tx) error {
		var err error
		out, err = write(tx, docs, s.now())
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("upsert %s: %w", what, err)
	}
	return out, nil
}

func (s *Store) update(ctx context.Context, fn func(tx *bbolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.Update(fn)
}

func (s *Store) view(ctx context.Context, fn func(tx *bbolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.View(fn)
}

func putJSON(b *bbolt.Bucket, k []byte, v any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put(k, body)
}

func getJSON(b *bbolt.Bucket, k []byte, v any) (bool, error) {
	body := b.Get(k)
	if body == nil {
		return false, nil
	}
	return true, json.Unmarshal(body, v)
}
