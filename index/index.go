package index

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// Document types. There is deliberately no type for graduates: the index
// holds only what anyone may search, never personal data.
const (
	TypePost   = "post"
	TypeCourse = "course"
)

// Field names of the index documents.
const (
	fieldType        = "type"
	fieldTitle       = "title"
	fieldEmployer    = "employer"       // analyzed: employer or course provider
	fieldEmployerKey = "employer_exact" // the employer as written, stored for hits
	fieldDescription = "description"
	fieldMajors      = "majors"
	fieldSkills      = "skills" // skills and certificates
	fieldOccupation  = "occupation"
	fieldChannel     = "channel"
	fieldDistrict    = "district"
	fieldKind        = "kind"
	fieldDegree      = "degree" // a post's minimum degree as a keyword, "0" to "5"
	// fieldDegreeMin is the numeric minimum degree of indexes built before
	// fieldDegree replaced it (see Index.degreeTerms).
	fieldDegreeMin = "degree_min"
)

// Boosts of the analyzed fields in a text search: a word in the title says
// more about what the post is than the same word in its description.
var textFields = []struct {
	name  string
	boost float64
}{
	{fieldTitle, 3},
	{fieldOccupation, 2},
	{fieldSkills, 1.5},
	{fieldMajors, 1.5},
	{fieldEmployer, 1},
	{fieldDescription, 1},
}

// Options tune indexing throughput; the zero value takes the defaults
// measured in doc.go.
type Options struct {
	// BatchSize is how many documents go into one bleve batch.
	BatchSize int
	// UnsafeBatch lets a batch return before scorch has persisted it;
	// every write still waits, once, for its last batch to be persisted
	// (see commit), so the saving is the overlap between batches.
	UnsafeBatch bool
	// Log hears about rebuilds and leftover generations; nil: nowhere.
	Log *slog.Logger
}

// DefaultOptions are the settings Open uses.
var DefaultOptions = Options{BatchSize: 1000, UnsafeBatch: true}

// Index is a persistent bleve index of searchable posts and courses. It is
// safe for concurrent use; Rebuild swaps the underlying bleve index while
// searches continue on the old one.
type Index struct {
	// Now is the clock IndexPosts uses to decide which posts are still
	// searchable; time.Now when nil.
	Now func() time.Time

	dir  string
	opts Options
	log  *slog.Logger

	mu  sync.RWMutex // guards bi, gen and degreeTerms; held for reading by every operation
	bi  bleve.Index
	gen string
	// degreeTerms is false for an index built before the keyword field
	// degree: its degree filter is a numeric range over degree_min. A
	// Rebuild brings it to the current mapping.
	degreeTerms bool

	rebuildMu sync.Mutex // one Rebuild at a time
	jmu       sync.Mutex // guards journal
	journal   *journal   // non-nil while a Rebuild runs
}

// currentFile names the generation directory holding the live bleve index.
// Rebuild writes a new generation beside it and renames a new currentFile
// over the old one, which is the atomic switch.
const currentFile = "CURRENT"

// Open opens the index in dir, creating it when dir holds none.
func Open(dir string) (*Index, error) { return OpenWith(dir, DefaultOptions) }

// OpenWith is Open with explicit tuning options.
func OpenWith(dir string, opts Options) (*Index, error) {
	if opts.BatchSize <= 0 {
		opts.BatchSize = DefaultOptions.BatchSize
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("index: %w", err)
	}
	ix := &Index{dir: dir, opts: opts, log: opts.Log}
	if ix.log == nil {
		ix.log = slog.New(slog.DiscardHandler)
	}
	gen, err := ix.readCurrent()
	if err != nil {
		return nil, err
	}
	if gen == "" {
		gen = generationName(1)
		bi, err := ix.create(gen)
		if err != nil {
			return nil, err
		}
		if err := ix.writeCurrent(gen); err != nil {
			bi.Close()
			return nil, err
		}
		ix.bi, ix.gen = bi, gen
	} else {
		bi, err := bleve.OpenUsing(filepath.Join(dir, gen), ix.runtimeConfig())
		if err != nil {
			return nil, fmt.Errorf("index: open %s: %w", filepath.Join(dir, gen), err)
		}
		ix.bi, ix.gen = bi, gen
	}
	ix.degreeTerms = hasDegreeTerms(ix.bi)
	if !hasCurrentMapping(ix.bi) {
		// It searches as it did; its writes go through bleve's mapping
		// by reflection, not the direct documents of fastdoc.go.
		ix.log.Info("index built by an earlier version: searches as before; `jobmatch reindex` rebuilds it with the current mapping, which imports faster",
			"dir", filepath.Join(dir, gen))
	}
	ix.removeStale()
	return ix, nil
}

func generationName(n int) string { return fmt.Sprintf("gen-%06d", n) }

// hasDegreeTerms reports whether bi's mapping indexes the degree keyword
// (every index this version creates) rather than the numeric degree_min.
func hasDegreeTerms(bi bleve.Index) bool {
	im, ok := bi.Mapping().(*mapping.IndexMappingImpl)
	if !ok {
		return false
	}
	dm := im.TypeMapping[TypePost]
	if dm == nil {
		return false
	}
	_, ok = dm.Properties[fieldDegree]
	return ok
}

func (ix *Index) runtimeConfig() map[string]interface{} {
	// bolt_timeout: scorch locks its root.bolt file; a second process (a
	// `jobmatch search` while `jobmatch serve` holds the index) would
	// otherwise wait for the lock for ever instead of failing with an error.
	return map[string]interface{}{"unsafe_batch": ix.opts.UnsafeBatch, "bolt_timeout": "5s",
		"scorchMergePlanOptions": map[string]interface{}{"FloorSegmentSize": floorSegmentSize}}
}

// floorSegmentSize is the smallest segment size (in documents) scorch's
// merge planner counts with. An import's chunk of 1,000 posts arrives as
// two segments of about 500 (indexPosts); with scorch's default floor of
// 2,000 the planner budgeted the index as if each were four times its
// size, merged them a few at a time as they came and then merged the
// merges again. With the floor at the size the segments come in, ten of
// them merge once into one of the next tier: BenchmarkIndexPosts with
// JOBMATCH_BENCH_CHUNK=1000 (chunks as an import sends them) has the
// merger write 12 MB instead of 26, and leaves 12-13 segments instead of
// 10; an import of the generated set leaves 6-14 where it left 4-11,
// and searches the same (TestSegmentLayoutKeepsResults, and `jobmatch
// search --json` on both: benchmarks/RESULTS.md). The segments of later
// small writes are counted as 500 documents rather than 2,000, so a few
// more of them wait before a merge. It first raised an import's peak RSS
// by ~90 MiB, over issue 2's 1 GiB; since `ingest` collects against a heap
// floor (cmd/jobmatch/ingestgc.go) the peak is 0.69–0.71 GB with it and
// without it, and the import's CPU 5% lower (four alternated imports of the
// generated set, benchmarks/RESULTS.md, 2026-12-07 lead).
const floorSegmentSize = 500

func (ix *Index) create(gen string) (bleve.Index, error) {
	path := filepath.Join(ix.dir, gen)
	// A directory left by a rebuild that died half-way is garbage.
	if err := os.RemoveAll(path); err != nil {
		return nil, fmt.Errorf("index: %w", err)
	}
	bi, err := bleve.NewUsing(path, newMapping(), scorch.Name, scorch.Name, ix.runtimeConfig())
	if err != nil {
		return nil, fmt.Errorf("index: create %s: %w", path, err)
	}
	// bleve stores the mapping in the new index with an internal batch,
	// and under unsafe_batch that batch returns before scorch has
	// persisted it. Scorch's Close does not persist what is still in
	// memory: an index closed before its persister ran (no writes, a
	// loaded machine) reopened without a mapping ("error parsing mapping
	// JSON: unexpected end of JSON input"). An empty batch whose persisted
	// callback has fired proves the mapping is on disk.
	if err := commit(bi, bi.NewBatch()); err != nil {
		bi.Close()
		return nil, fmt.Errorf("index: create %s: persist the mapping: %w", path, err)
	}
	// bleve writes index_meta.json without fsync; CURRENT will name this
	// generation only once its metadata would survive a power cut.
	if err := syncPaths(filepath.Join(path, "index_meta.json"), path, ix.dir); err != nil {
		bi.Close()
		return nil, fmt.Errorf("index: create %s: %w", path, err)
	}
	return bi, nil
}

// syncPaths fsyncs files and directories (a directory's fsync makes the
// names in it durable).
func syncPaths(paths ...string) error {
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		err = f.Sync()
		f.Close()
		if err != nil {
			return fmt.Errorf("sync %s: %w", p, err)
		}
	}
	return nil
}

func (ix *Index) readCurrent() (string, error) {
	b, err := os.ReadFile(filepath.Join(ix.dir, currentFile))
	if errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("index: %w", err)
	}
	gen := strings.TrimSpace(string(b))
	if !strings.HasPrefix(gen, "gen-") || strings.ContainsAny(gen, `/\`) {
		return "", fmt.Errorf("index: %s: not a generation name: %q", filepath.Join(ix.dir, currentFile), gen)
	}
	return gen, nil
}

func (ix *Index) writeCurrent(gen string) error {
	tmp := filepath.Join(ix.dir, currentFile+".tmp")
	f, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("index: %w", err)
	}
	if _, err := f.WriteString(gen + "\n"); err != nil {
		f.Close()
		return fmt.Errorf("index: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("index: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("index: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(ix.dir, currentFile)); err != nil {
		return fmt.Errorf("index: %w", err)
	}
	return nil
}

// removeStale deletes generation directories other than the current one:
// old generations a crash kept from being removed, and unfinished rebuilds.
func (ix *Index) removeStale() {
	entries, err := os.ReadDir(ix.dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if e.IsDir() && strings.HasPrefix(e.Name(), "gen-") && e.Name() != ix.gen {
			if err := os.RemoveAll(filepath.Join(ix.dir, e.Name())); err != nil {
				ix.log.Warn("index: removing stale generation", "dir", e.Name(), "err", err)
			}
		}
	}
}

func (ix *Index) now() time.Time {
	if ix.Now != nil {
		return ix.Now()
	}
	return time.Now()
}

// IndexPosts indexes posts that are searchable now (Index.Now) and removes
// the others from the index. It satisfies the ingest package's indexer.
func (ix *Index) IndexPosts(posts []matcher.Post) error { return ix.IndexPostsAt(posts, ix.now()) }

// IndexPostsAt indexes the posts searchable at now and deletes the rest
// (expired, filled, closed, duplicates) from the index, in batches.
func (ix *Index) IndexPostsAt(posts []matcher.Post, now time.Time) error {
	return ix.indexPostsAt(posts, now, true)
}

// IndexPostsUnpersisted is IndexPosts returning once the posts are
// searchable, before scorch has written them to disk: Persist waits for
// that, once, after many such writes. It is for a writer that can write
// again what a crash lost — an import, which indexes every post it
// committed again when it resumes (ingest's importer) — and spares it a
// wait for the persister's writes and fsyncs per chunk (about seven
// syncs), in which its index goroutine held the next chunk back.
func (ix *Index) IndexPostsUnpersisted(posts []matcher.Post) error {
	return ix.indexPostsAt(posts, ix.now(), false)
}

// Persist waits until scorch has written to disk every write that returned
// before it was called (IndexPostsUnpersisted's included).
func (ix *Index) Persist() error {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.bi == nil {
		return errClosed
	}
	if err := commit(ix.bi, ix.bi.NewBatch()); err != nil {
		return fmt.Errorf("index: persist: %w", err)
	}
	return nil
}

func (ix *Index) indexPostsAt(posts []matcher.Post, now time.Time, persist bool) error {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.bi == nil {
		return errClosed
	}
	// A Rebuild replays the write into its new generation, persisted.
	ix.record(func() func(bleve.Index, int) error {
		cp := slices.Clone(posts)
		return func(bi bleve.Index, size int) error { return indexPosts(bi, size, cp, now, true) }
	})
	return indexPosts(ix.bi, ix.opts.BatchSize, posts, now, persist)
}

// indexPosts writes posts in batches of size. A write of at least
// 2·minSplit posts with distinct IDs goes in two halves at once: scorch
// builds a batch's segment on the goroutine that calls Batch, so the two
// halves' segments build on two cores, where one batch left a core idle
// for the whole build (the larger part of indexing). The halves hold no
// ID in common, so the order in which scorch introduces them changes
// nothing; with a repeated ID the write stays in order, one goroutine.
func indexPosts(bi bleve.Index, size int, posts []matcher.Post, now time.Time, persist bool) error {
	if len(posts) < 2*minSplit || !distinctIDs(posts) {
		return indexPostsInOrder(bi, size, posts, now, persist)
	}
	half := len(posts) / 2
	errc := make(chan error, 1)
	go func() { errc <- indexPostsInOrder(bi, size, posts[half:], now, persist) }()
	err := indexPostsInOrder(bi, size, posts[:half], now, persist)
	if err2 := <-errc; err == nil {
		err = err2
	}
	return err
}

// minSplit is the smallest half indexPosts builds on its own goroutine:
// below it the second segment costs more (merging it later) than the
// overlap saves.
const minSplit = 256

func distinctIDs(posts []matcher.Post) bool {
	seen := make(map[string]struct{}, len(posts))
	for i := range posts {
		if _, ok := seen[posts[i].ID]; ok {
			return false
		}
		seen[posts[i].ID] = struct{}{}
	}
	return true
}

// indexPostsInOrder writes posts in batches of size; with persist it
// returns once scorch has persisted them (commit), else once they are
// searchable.
func indexPostsInOrder(bi bleve.Index, size int, posts []matcher.Post, now time.Time, persist bool) error {
	b := bi.NewBatch()
	direct := builderFor(bi)
	for i := range posts {
		p := &posts[i]
		if p.ID == "" {
			return fmt.Errorf("index: post %d of %d has no ID", i+1, len(posts))
		}
		if p.Searchable(now) {
			if err := addDoc(b, direct, p.ID, postDoc(p)); err != nil {
				return fmt.Errorf("index: post %s: %w", p.ID, err)
			}
		} else {
			b.Delete(p.ID)
		}
		if b.Size() >= size {
			if err := bi.Batch(b); err != nil {
				return fmt.Errorf("index: batch of posts: %w", err)
			}
			b.Reset()
		}
	}
	var err error
	switch {
	case persist:
		err = commit(bi, b)
	case b.Size() > 0:
		err = bi.Batch(b)
	}
	if err != nil {
		return fmt.Errorf("index: batch of posts: %w", err)
	}
	return nil
}

// addDoc adds d to b: built directly when direct is not nil (the index
// has this version's mapping, see docBuilder), through bleve's mapping
// otherwise.
func addDoc(b *bleve.Batch, direct *docBuilder, id string, d doc) error {
	if direct == nil {
		return b.Index(id, d)
	}
	return b.IndexAdvanced(direct.document(id, &d))
}

// persistTimeout bounds the wait for scorch to write a batch to disk.
const persistTimeout = 2 * time.Minute

// commit applies the last batch of a write and waits until scorch has
// persisted everything before it. With unsafe_batch the earlier batches
// of the write return as soon as they are searchable, so analysis of one
// batch overlaps the disk writes of the previous; waiting once at the end
// keeps the promise that a write that returned survives a crash or Close.
func commit(bi bleve.Index, b *bleve.Batch) error {
	done := make(chan error, 1)
	b.SetPersistedCallback(func(err error) { done <- err })
	if err := bi.Batch(b); err != nil {
		return err
	}
	select {
	case err := <-done:
		return err
	case <-time.After(persistTimeout):
		return fmt.Errorf("not persisted after %v", persistTimeout)
	}
}

// IndexCourses indexes (or re-indexes) training courses.
func (ix *Index) IndexCourses(cs []matcher.Course) error {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.bi == nil {
		return errClosed
	}
	ix.record(func() func(bleve.Index, int) error {
		cp := slices.Clone(cs)
		return func(bi bleve.Index, size int) error { return indexCourses(bi, size, cp) }
	})
	return indexCourses(ix.bi, ix.opts.BatchSize, cs)
}

func indexCourses(bi bleve.Index, size int, cs []matcher.Course) error {
	b := bi.NewBatch()
	direct := builderFor(bi)
	for i := range cs {
		c := &cs[i]
		if c.ID == "" {
			return fmt.Errorf("index: course %d of %d has no ID", i+1, len(cs))
		}
		if err := addDoc(b, direct, c.ID, courseDoc(c)); err != nil {
			return fmt.Errorf("index: course %s: %w", c.ID, err)
		}
		if b.Size() >= size {
			if err := bi.Batch(b); err != nil {
				return fmt.Errorf("index: batch of courses: %w", err)
			}
			b.Reset()
		}
	}
	if err := commit(bi, b); err != nil {
		return fmt.Errorf("index: batch of courses: %w", err)
	}
	return nil
}

// Delete removes documents (posts or courses) by ID; unknown IDs are no error.
func (ix *Index) Delete(ids ...string) error {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.bi == nil {
		return errClosed
	}
	ix.record(func() func(bleve.Index, int) error {
		cp := slices.Clone(ids)
		return func(bi bleve.Index, _ int) error { return deleteIDs(bi, cp) }
	})
	return deleteIDs(ix.bi, ids)
}

func deleteIDs(bi bleve.Index, ids []string) error {
	b := bi.NewBatch()
	for _, id := range ids {
		b.Delete(id)
	}
	if err := commit(bi, b); err != nil {
		return fmt.Errorf("index: delete: %w", err)
	}
	return nil
}

var errClosed = errors.New("index: the index is closed")

// DocCount returns the number of documents in the index.
func (ix *Index) DocCount() (uint64, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.bi == nil {
		return 0, errClosed
	}
	n, err := ix.bi.DocCount()
	if err != nil {
		return 0, fmt.Errorf("index: %w", err)
	}
	return n, nil
}

// Close closes the index, persisting what is still in memory.
func (ix *Index) Close() error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.bi == nil {
		return nil
	}
	err := ix.bi.Close()
	forgetIndex(ix.bi)
	ix.bi = nil
	if err != nil {
		return fmt.Errorf("index: close: %w", err)
	}
	return nil
}
