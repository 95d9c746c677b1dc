package bolt

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// Bucket names. Values are JSON unless said otherwise.
var (
	bPosts      = []byte("posts")       // post ID → record (see encodeRecord)
	bPostSeq    = []byte("post_seq")    // post ID → 8-byte sequence of its latest change
	bChanges    = []byte("changes")     // 8-byte sequence → change
	bCourses    = []byte("courses")     // course ID → record
	bGraduates  = []byte("graduates")   // graduate ID → record
	bGradDist   = []byte("grad_dist")   // district \x00 graduate ID → nothing
	bGradNID    = []byte("grad_nid")    // SHA-256(national ID) → graduate ID
	bImports    = []byte("imports")     // report ID → ImportReport
	bJobs       = []byte("import_jobs") // job ID → ImportJob
	bJobErrors  = []byte("import_errs") // job ID \x00 8-byte n → RowError
	bKeys       = []byte("keys")        // key ID → APIKey
	bKeyHash    = []byte("key_hash")    // hash → key ID
	bAudit      = []byte("audit")       // 8-byte sequence → AuditEntry
	bFeedback   = []byte("feedback")    // 8-byte At \x00 event ID → FeedbackEvent
	bFeedbackID = []byte("feedback_id") // event ID → its key in feedback
	bRuns       = []byte("runs")        // run ID → Run
	bRecs       = []byte("recs")        // run ID \x00 graduate ID → []StoredRecommendation
	bMeta       = []byte("meta")        // "current_run" → run ID
	bContacts   = []byte("contacts")    // graduate ID \x00 8-byte sequence → ContactEntry
	bShortlist  = []byte("shortlist")   // graduate ID \x00 8-byte sequence → ShortlistEdit

	allBuckets = [][]byte{bPosts, bPostSeq, bChanges, bCourses, bGraduates, bGradDist, bGradNID,
		bImports, bJobs, bJobErrors, bKeys, bKeyHash, bAudit, bFeedback, bFeedbackID, bRuns, bRecs,
		bMeta, bContacts, bShortlist}

	keyCurrentRun = []byte("current_run")
)

// pageSize is how many records Each* reads per read transaction. Callbacks
// run outside any transaction, so they may use the store themselves.
const pageSize = 512

// Store is the embedded store: one bbolt file.
type Store struct {
	db  *bbolt.DB
	now func() time.Time
}

var _ matcher.FullStore = (*Store)(nil)

// Open opens (creating when needed) the store file at path, e.g.
// DIR/jobmatch.db. bbolt locks the file exclusively: a second process
// opening the same file waits up to 5 s and then fails with a clear error.
func Open(path string) (*Store, error) {
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
	return &Store{db: db, now: time.Now}, nil
}

// Close closes the file and releases its lock.
func (s *Store) Close() error { return s.db.Close() }

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

func decodeRecord(v []byte, dst any) (time.Time, error) {
	if len(v) < 8 {
		return time.Time{}, fmt.Errorf("corrupt record (%d bytes)", len(v))
	}
	if err := json.Unmarshal(v[8:], dst); err != nil {
		return time.Time{}, err
	}
	n := binary.BigEndian.Uint64(v[:8])
	if n == 0 {
		return time.Time{}, nil
	}
	return time.Unix(0, int64(n)), nil
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
