package bolt

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store"
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

// put writes a record unless its body is unchanged and reports what it did.
func put(b *bbolt.Bucket, id string, body []byte, now time.Time) (matcher.UpsertOutcome, error) {
	old := b.Get([]byte(id))
	if old != nil && len(old) >= 8 && bytes.Equal(old[8:], body) {
		return matcher.Unchanged, nil
	}
	if err := b.Put([]byte(id), encodeRecord(now, body)); err != nil {
		return 0, fmt.Errorf("%s: %w", id, err)
	}
	if old == nil {
		return matcher.Inserted, nil
	}
	return matcher.Updated, nil
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

// ---- posts ----

type change struct {
	ID      string `json:"id"`
	Deleted bool   `json:"deleted,omitempty"`
}

// bumpPost gives post id a new change sequence, dropping its previous one so
// the feed holds each post once.
func bumpPost(tx *bbolt.Tx, id string, deleted bool) error {
	changes, seqs := tx.Bucket(bChanges), tx.Bucket(bPostSeq)
	if old := seqs.Get([]byte(id)); old != nil {
		if err := changes.Delete(old); err != nil {
			return err
		}
	}
	n, err := changes.NextSequence()
	if err != nil {
		return err
	}
	v, _ := json.Marshal(change{ID: id, Deleted: deleted})
	if err := changes.Put(u64(n), v); err != nil {
		return err
	}
	return seqs.Put([]byte(id), u64(n))
}

// UpsertPosts writes posts in one transaction.
func (s *Store) UpsertPosts(ctx context.Context, posts []matcher.Post) ([]matcher.UpsertOutcome, error) {
	var out []matcher.UpsertOutcome
	err := s.update(ctx, func(tx *bbolt.Tx) error {
		var err error
		out, err = upsertPosts(tx, posts, s.now())
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("upsert posts: %w", err)
	}
	return out, nil
}

func upsertPosts(tx *bbolt.Tx, posts []matcher.Post, now time.Time) ([]matcher.UpsertOutcome, error) {
	b := tx.Bucket(bPosts)
	out := make([]matcher.UpsertOutcome, len(posts))
	for i := range posts {
		p := posts[i]
		if err := store.PreparePost(&p); err != nil {
			return nil, err
		}
		p.UpdatedAt = time.Time{}
		body, err := json.Marshal(&p)
		if err != nil {
			return nil, fmt.Errorf("post %s: %w", p.ID, err)
		}
		if out[i], err = put(b, p.ID, body, now); err != nil {
			return nil, err
		}
		if out[i] != matcher.Unchanged {
			if err := bumpPost(tx, p.ID, false); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

func getPost(tx *bbolt.Tx, id string) (*matcher.Post, error) {
	v := tx.Bucket(bPosts).Get([]byte(id))
	if v == nil {
		return nil, matcher.ErrNotFound("岗位", id)
	}
	var p matcher.Post
	t, err := decodeRecord(v, &p)
	if err != nil {
		return nil, fmt.Errorf("post %s: %w", id, err)
	}
	p.UpdatedAt = t
	return &p, nil
}

// Post returns one post; ENOTFOUND when missing.
func (s *Store) Post(ctx context.Context, id string) (*matcher.Post, error) {
	var p *matcher.Post
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		var err error
		p, err = getPost(tx, id)
		return err
	})
	return p, err
}

// EachPost calls fn for the posts the filter selects, in ID order. A Source
// filter scans only that source's key range.
func (s *Store) EachPost(ctx context.Context, f matcher.PostFilter, fn func(*matcher.Post) error) error {
	prefix := []byte(nil)
	if f.Source != "" {
		prefix = []byte(f.Source + ":")
	}
	return s.scan(ctx, bPosts, prefix, func(k, v []byte) error {
		var p matcher.Post
		t, err := decodeRecord(v, &p)
		if err != nil {
			return fmt.Errorf("post %s: %w", k, err)
		}
		p.UpdatedAt = t
		if !store.MatchPost(&f, &p) {
			return nil
		}
		return fn(&p)
	})
}

// scan pages through bucket keys with the prefix, copying a page inside a
// read transaction and calling visit outside it, so visit (and the caller's
// callback) may use the store, even write to it.
func (s *Store) scan(ctx context.Context, bucket, prefix []byte, visit func(k, v []byte) error) error {
	var after []byte
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		type kv struct{ k, v []byte }
		var page []kv
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
			for ; k != nil && bytes.HasPrefix(k, prefix) && len(page) < pageSize; k, v = c.Next() {
				page = append(page, kv{slices.Clone(k), slices.Clone(v)})
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, e := range page {
			if err := visit(e.k, e.v); err != nil {
				return err
			}
		}
		if len(page) < pageSize {
			return nil
		}
		after = page[len(page)-1].k
	}
}

// DeletePost removes a post and records the deletion in the change feed.
func (s *Store) DeletePost(ctx context.Context, id string) error {
	return s.update(ctx, func(tx *bbolt.Tx) error {
		b := tx.Bucket(bPosts)
		if b.Get([]byte(id)) == nil {
			return matcher.ErrNotFound("岗位", id)
		}
		if err := b.Delete([]byte(id)); err != nil {
			return err
		}
		return bumpPost(tx, id, true)
	})
}

// PostSeq returns the latest change sequence.
func (s *Store) PostSeq(ctx context.Context) (int64, error) {
	var n int64
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		n = int64(tx.Bucket(bChanges).Sequence())
		return nil
	})
	return n, err
}

// PostChanges returns the changes after afterSeq, in sequence order.
func (s *Store) PostChanges(ctx context.Context, afterSeq int64, limit int) ([]matcher.Post, []string, int64, error) {
	if limit <= 0 {
		limit = 1000
	}
	var posts []matcher.Post
	var deleted []string
	last := afterSeq
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		c := tx.Bucket(bChanges).Cursor()
		n := 0
		for k, v := c.Seek(u64(uint64(afterSeq) + 1)); k != nil && n < limit; k, v = c.Next() {
			var ch change
			if err := json.Unmarshal(v, &ch); err != nil {
				return fmt.Errorf("change %x: %w", k, err)
			}
			if ch.Deleted {
				deleted = append(deleted, ch.ID)
			} else {
				p, err := getPost(tx, ch.ID)
				if err != nil {
					return err
				}
				posts = append(posts, *p)
			}
			last = int64(binary.BigEndian.Uint64(k))
			n++
		}
		return nil
	})
	if err != nil {
		return nil, nil, afterSeq, fmt.Errorf("post changes: %w", err)
	}
	return posts, deleted, last, nil
}

// ---- courses ----

// UpsertCourses writes courses in one transaction.
func (s *Store) UpsertCourses(ctx context.Context, courses []matcher.Course) ([]matcher.UpsertOutcome, error) {
	var out []matcher.UpsertOutcome
	err := s.update(ctx, func(tx *bbolt.Tx) error {
		var err error
		out, err = upsertCourses(tx, courses, s.now())
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("upsert courses: %w", err)
	}
	return out, nil
}

func upsertCourses(tx *bbolt.Tx, courses []matcher.Course, now time.Time) ([]matcher.UpsertOutcome, error) {
	b := tx.Bucket(bCourses)
	out := make([]matcher.UpsertOutcome, len(courses))
	for i := range courses {
		c := courses[i]
		if err := store.PrepareCourse(&c); err != nil {
			return nil, err
		}
		c.UpdatedAt = time.Time{}
		body, err := json.Marshal(&c)
		if err != nil {
			return nil, fmt.Errorf("course %s: %w", c.ID, err)
		}
		if out[i], err = put(b, c.ID, body, now); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Course returns one course; ENOTFOUND when missing.
func (s *Store) Course(ctx context.Context, id string) (*matcher.Course, error) {
	var c matcher.Course
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		v := tx.Bucket(bCourses).Get([]byte(id))
		if v == nil {
			return matcher.ErrNotFound("课程", id)
		}
		t, err := decodeRecord(v, &c)
		c.UpdatedAt = t
		return err
	})
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// EachCourse calls fn for every course in ID order.
func (s *Store) EachCourse(ctx context.Context, fn func(*matcher.Course) error) error {
	return s.scan(ctx, bCourses, nil, func(k, v []byte) error {
		var c matcher.Course
		t, err := decodeRecord(v, &c)
		if err != nil {
			return fmt.Errorf("course %s: %w", k, err)
		}
		c.UpdatedAt = t
		return fn(&c)
	})
}

// ---- graduates ----

func nidKey(nid string) []byte {
	h := sha256.Sum256([]byte("jobmatch-nid\x00" + nid))
	return h[:]
}

func gradDistricts(g *matcher.Graduate) []string {
	var ds []string
	for _, d := range []string{g.HukouDistrict, g.ResidenceDistrict} {
		if d != "" && !slices.Contains(ds, d) {
			ds = append(ds, d)
		}
	}
	return ds
}

// unindexGraduate removes the index entries of a stored graduate.
func unindexGraduate(tx *bbolt.Tx, g *matcher.Graduate) error {
	for _, d := range gradDistricts(g) {
		if err := tx.Bucket(bGradDist).Delete(join(d, []byte(g.ID))); err != nil {
			return err
		}
	}
	if g.NationalID != "" {
		nb := tx.Bucket(bGradNID)
		if string(nb.Get(nidKey(g.NationalID))) == g.ID {
			return nb.Delete(nidKey(g.NationalID))
		}
	}
	return nil
}

func indexGraduate(tx *bbolt.Tx, g *matcher.Graduate) error {
	for _, d := range gradDistricts(g) {
		if err := tx.Bucket(bGradDist).Put(join(d, []byte(g.ID)), nil); err != nil {
			return err
		}
	}
	if g.NationalID != "" {
		return tx.Bucket(bGradNID).Put(nidKey(g.NationalID), []byte(g.ID))
	}
	return nil
}

func getGraduate(tx *bbolt.Tx, id string) (*matcher.Graduate, error) {
	v := tx.Bucket(bGraduates).Get([]byte(id))
	if v == nil {
		return nil, matcher.ErrNotFound("毕业生", id)
	}
	var g matcher.Graduate
	t, err := decodeRecord(v, &g)
	if err != nil {
		return nil, fmt.Errorf("graduate %s: %w", id, err)
	}
	g.UpdatedAt = t
	return &g, nil
}

// UpsertGraduates writes graduates in one transaction, keeping the district
// and national-ID indexes in step.
func (s *Store) UpsertGraduates(ctx context.Context, gs []matcher.Graduate) ([]matcher.UpsertOutcome, error) {
	var out []matcher.UpsertOutcome
	err := s.update(ctx, func(tx *bbolt.Tx) error {
		var err error
		out, err = upsertGraduates(tx, gs, s.now())
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("upsert graduates: %w", err)
	}
	return out, nil
}

func upsertGraduates(tx *bbolt.Tx, gs []matcher.Graduate, now time.Time) ([]matcher.UpsertOutcome, error) {
	b := tx.Bucket(bGraduates)
	out := make([]matcher.UpsertOutcome, len(gs))
	for i := range gs {
		g := gs[i]
		if err := store.PrepareGraduate(&g); err != nil {
			return nil, err
		}
		g.UpdatedAt = time.Time{}
		body, err := json.Marshal(&g)
		if err != nil {
			return nil, fmt.Errorf("graduate %s: %w", g.ID, err)
		}
		old := b.Get([]byte(g.ID))
		if old != nil && bytes.Equal(old[8:], body) {
			out[i] = matcher.Unchanged
			continue
		}
		if old != nil {
			prev, err := getGraduate(tx, g.ID)
			if err != nil {
				return nil, err
			}
			if err := unindexGraduate(tx, prev); err != nil {
				return nil, err
			}
		}
		if out[i], err = put(b, g.ID, body, now); err != nil {
			return nil, err
		}
		if err := indexGraduate(tx, &g); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Graduate returns one graduate; ENOTFOUND when missing.
func (s *Store) Graduate(ctx context.Context, id string) (*matcher.Graduate, error) {
	var g *matcher.Graduate
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		var err error
		g, err = getGraduate(tx, id)
		return err
	})
	return g, err
}

// GraduateByNationalID finds a graduate by national ID (an index of
// SHA-256 hashes, not of plain IDs).
func (s *Store) GraduateByNationalID(ctx context.Context, nid string) (*matcher.Graduate, error) {
	var g *matcher.Graduate
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		id := tx.Bucket(bGradNID).Get(nidKey(nid))
		if id == nil {
			return matcher.ErrNotFound("毕业生", matcher.MaskNationalID(nid))
		}
		var err error
		g, err = getGraduate(tx, string(id))
		return err
	})
	return g, err
}

// EachGraduate calls fn for the graduates the filter selects, in ID order.
// A District filter reads only that district's index range.
func (s *Store) EachGraduate(ctx context.Context, f matcher.GraduateFilter, fn func(*matcher.Graduate) error) error {
	if f.District == "" {
		return s.scan(ctx, bGraduates, nil, func(k, v []byte) error {
			var g matcher.Graduate
			t, err := decodeRecord(v, &g)
			if err != nil {
				return fmt.Errorf("graduate %s: %w", k, err)
			}
			g.UpdatedAt = t
			if !store.MatchGraduate(&f, &g) {
				return nil
			}
			return fn(&g)
		})
	}
	prefix := join(f.District, nil)
	var ids []string
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		c := tx.Bucket(bGradDist).Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			ids = append(ids, string(k[len(prefix):]))
		}
		return nil
	})
	if err != nil {
		return err
	}
	for len(ids) > 0 {
		n := min(len(ids), pageSize)
		var page []*matcher.Graduate
		err := s.view(ctx, func(tx *bbolt.Tx) error {
			for _, id := range ids[:n] {
				g, err := getGraduate(tx, id)
				if matcher.ErrorCode(err) == matcher.ENOTFOUND {
					continue // deleted since the index was read
				} else if err != nil {
					return err
				}
				page = append(page, g)
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, g := range page {
			if store.MatchGraduate(&f, g) {
				if err := fn(g); err != nil {
					return err
				}
			}
		}
		ids = ids[n:]
	}
	return nil
}

// DeleteGraduate removes a graduate and everything derived from them:
// indexes, every run's recommendations, feedback, contact log and
// shortlist edits. Audit entries (graduate ID only) remain.
func (s *Store) DeleteGraduate(ctx context.Context, id string) error {
	return s.update(ctx, func(tx *bbolt.Tx) error {
		g, err := getGraduate(tx, id)
		if err != nil {
			return err
		}
		if err := unindexGraduate(tx, g); err != nil {
			return err
		}
		if err := tx.Bucket(bGraduates).Delete([]byte(id)); err != nil {
			return err
		}
		recs := tx.Bucket(bRecs)
		if err := tx.Bucket(bRuns).ForEach(func(runID, _ []byte) error {
			return recs.Delete(join(string(runID), []byte(id)))
		}); err != nil {
			return err
		}
		for _, b := range [][]byte{bContacts, bShortlist} {
			if err := deletePrefix(tx.Bucket(b), join(id, nil)); err != nil {
				return err
			}
		}
		fb, fbID := tx.Bucket(bFeedback), tx.Bucket(bFeedbackID)
		var doomed [][]byte
		err = fb.ForEach(func(k, v []byte) error {
			var e matcher.FeedbackEvent
			if err := json.Unmarshal(v, &e); err != nil {
				return err
			}
			if e.GraduateID == id {
				doomed = append(doomed, slices.Clone(k))
				if err := fbID.Delete([]byte(e.ID)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, k := range doomed {
			if err := fb.Delete(k); err != nil {
				return err
			}
		}
		return nil
	})
}

func deletePrefix(b *bbolt.Bucket, prefix []byte) error {
	var doomed [][]byte
	c := b.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		doomed = append(doomed, slices.Clone(k))
	}
	for _, k := range doomed {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// ---- helpers for the small JSON buckets ----

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
