package ingest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// PostIndexer is what the importer needs of the search index: it is handed
// every upserted chunk and decides itself what is searchable (open, places
// left, not a duplicate).
type PostIndexer interface {
	IndexPosts([]matcher.Post) error
	IndexCourses([]matcher.Course) error
}

// UnpersistedIndexer is a PostIndexer whose post writes may return before
// they are on disk, Persist waiting for all of them (index.Index). An
// import does not need each chunk's posts on disk before the next: a run
// that resumes indexes every post earlier runs committed again (see
// flushReplay), so it writes its chunks unpersisted and persists once,
// before it records the import as finished.
type UnpersistedIndexer interface {
	PostIndexer
	IndexPostsUnpersisted([]matcher.Post) error
	Persist() error
}

// Store is what an import writes through: each chunk's records, rejected
// rows and progress in one transaction (matcher.ResumableImportStore), the
// open posts near-duplicates are linked against, and the report. Both real
// stores implement it.
type Store interface {
	EachPost(ctx context.Context, f matcher.PostFilter, fn func(*matcher.Post) error) error
	SaveImport(ctx context.Context, r *matcher.ImportReport) error
	matcher.ResumableImportStore
}

// Importer reads files of one entity and writes their valid rows to the
// store (and posts and courses to the index).
type Importer struct {
	Store Store
	// Index may be nil: the store is the source of truth, the index is
	// rebuilt from it by reindex.
	Index PostIndexer
	// Analyzer supplies the tokens compared for near-duplicates; nil falls
	// back to character bigrams.
	Analyzer matcher.Analyzer
	Map      *Mapping
	// Progress, when set, hears the rows done so far and the rows known so
	// far (the total grows as each file is read); cmd draws it. It is
	// called from the importing goroutine.
	Progress func(done, total int)
	Log      *slog.Logger
	// ChunkSize is how many input rows go to the store per transaction
	// (default 1000).
	ChunkSize int
	Now       func() time.Time
	// ChunkHook, when set, is called after each chunk is committed to the
	// store and before it is indexed, with the ordinal of the last input row
	// committed. An error stops the import there, as a crash would: tests use
	// it to interrupt an import at a chosen point.
	ChunkHook func(lastRow int) error
	// Finished, when set, records each finished import (see
	// FinishedImports and AlreadyImported).
	Finished *FinishedImports
	// Read, when set, reads each input file instead of ReadFile, with the
	// same arguments and results: cmd parses the first file ahead, while
	// the index and the segmenter's dictionary load.
	Read func(path, entity string, m *Mapping) (*Table, error)
}

// DefaultChunkSize is the number of records per store upsert.
const DefaultChunkSize = 1000

// Import reads files (each parsed completely before any of its rows is
// written, so a refused file leaves nothing behind), rejects bad rows with
// their reasons, upserts the good ones in chunks, links near-duplicate posts
// and saves the report. The error is fatal (store or index failure, bad
// arguments); rejected rows and refused files are in the report instead.
//
// Each chunk's records, rejected rows and progress commit in one
// transaction, and an import that was killed or failed resumes after its
// last committed row when it is run again on the same input (see run).
func (im *Importer) Import(ctx context.Context, entity string, files []string) (*matcher.ImportReport, error) {
	if _, ok := canonicalColumns[entity]; !ok {
		return nil, fmt.Errorf("未知的导入类型 %q（应为 posts、courses 或 graduates）: unknown entity", entity)
	}
	if im.Store == nil {
		return nil, errors.New("ingest: Importer.Store is nil")
	}
	if err := im.Map.Validate(entity); err != nil {
		return nil, err
	}
	if err := CheckInputs(files); err != nil {
		return nil, err
	}
	now := im.Now
	if now == nil {
		now = time.Now
	}
	log := im.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	chunk := im.ChunkSize
	if chunk <= 0 {
		chunk = DefaultChunkSize
	}
	return im.run(ctx, entity, files, log, chunk)
}

// CheckInputs makes sure every input file can be opened before anything is
// imported: a file named wrongly is a mistake in the command, not a
// rejected row, and the call then imports nothing (so it can simply be run
// again, corrected). Files that open but cannot be parsed are refused one
// by one in the report instead.
func CheckInputs(files []string) error {
	for _, path := range files {
		st, err := os.Stat(path)
		if err == nil && st.IsDir() {
			return fmt.Errorf("%s: 是一个目录，不是文件；本次未导入任何文件 (a directory, not a file; nothing was imported)", path)
		}
		if err == nil {
			var f *os.File
			if f, err = os.Open(path); err == nil {
				f.Close()
				continue
			}
		}
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return fmt.Errorf("%s: 无法打开输入文件，本次未导入任何文件 (cannot open the input file; nothing was imported): %w", path, err)
	}
	return nil
}

func (im *Importer) now() time.Time {
	if im.Now != nil {
		return im.Now()
	}
	return time.Now()
}

// loadDeduper starts near-duplicate detection from the open originals
// already in the store.
func (im *Importer) loadDeduper(ctx context.Context) (*deduper, error) {
	d := newDeduper(im.Analyzer)
	err := im.Store.EachPost(ctx, matcher.PostFilter{Status: matcher.PostOpen}, func(p *matcher.Post) error {
		d.add(p)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("读取已有岗位用于查重: %w", err)
	}
	return d, nil
}

func newImportID(t time.Time) string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return "imp-" + t.UTC().Format("20060102T150405") + "-" + hex.EncodeToString(b[:])
}

// importFingerprintVersion changes when the ordinal numbering changes, so a
// job left by an older numbering is never resumed by a newer one.
const importFingerprintVersion = "jobmatch-import/1"

// Fingerprint identifies an import's input: the entity, the column mapping
// and every file's content, in order (SHA-256). The same input resumes the
// same unfinished job; a file that cannot be read counts by its name, so it
// is refused now and makes another input once it can be read.
func (im *Importer) Fingerprint(entity string, files []string) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00", importFingerprintVersion, entity)
	m, err := json.Marshal(im.Map)
	if err != nil {
		return "", fmt.Errorf("fingerprint the column mapping: %w", err)
	}
	h.Write(m)
	for _, path := range files {
		fh := sha256.New()
		n, err := hashFile(fh, path)
		if err != nil {
			fmt.Fprintf(h, "\x00unreadable\x00%s", path)
			continue
		}
		fmt.Fprintf(h, "\x00%d\x00%x", n, fh.Sum(nil))
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil)), nil
}

func hashFile(w io.Writer, path string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	return io.Copy(w, f)
}

const (
	rowRejected rowState = iota
	rowRepeat            // good, but repeats another row: not written
	rowReplayed          // good, committed by an earlier run
	rowLive              // good, to be committed now
)
