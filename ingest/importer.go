package ingest

import (
	"context"
	"crypto/rand"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"log/slog"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/urumqi-hrss/jobmatch/matcher"
)

// PostIndexer is what the importer needs of the search index: it is handed
// every upserted chunk and decides itself what is searchable (open, places
// left, not a duplicate).
type PostIndexer interface {
	IndexPosts([]matcher.Post) error
	IndexCourses([]matcher.Course) error
}

// Importer reads files of one entity and writes their valid rows to the
// store (and posts and courses to the index).
type Importer struct {
	Store matcher.Store
	// Index may be nil: the store is the source of truth, the index is
	// rebuilt from it by reindex.
	Index PostIndexer
	// Analyzer supplies the tokens compared for near-duplicates; nil falls
	// back to character bigrams.
	Analyzer matcher.Analyzer
	Map      *Mapping
	// Progress receives a progress bar of rows written; nil shows none.
	Progress io.Writer
	Log      *slog.Logger
	// ChunkSize is how many records go to the store per upsert (default 1000).
	ChunkSize int
	Now       func() time.Time
}

// DefaultChunkSize is the number of records per store upsert.
const DefaultChunkSize = 1000

// Import reads files (each parsed completely before any of its rows is
// written, so a refused file leaves nothing behind), rejects bad rows with
// their reasons, upserts the good ones in chunks, links near-duplicate posts
// and saves the report. The error is fatal (store or index failure, bad
// arguments); rejected rows and refused files are in the report instead.
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
	rep := &matcher.ImportReport{ID: newImportID(now()), Entity: entity, Files: append([]string(nil), files...), StartedAt: now()}
	run := &importRun{im: im, ctx: ctx, rep: rep, log: log, chunk: chunk, seen: map[string]uint64{}}
	if im.Progress != nil {
		run.bar = progressbar.NewOptions(0,
			progressbar.OptionSetWriter(im.Progress),
			progressbar.OptionSetDescription(entity),
			progressbar.OptionShowCount(),
			progressbar.OptionShowIts(),
			progressbar.OptionSetItsString("rows"),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionSetPredictTime(true),
		)
	}
	if entity == EntityPosts {
		run.dedup = newDeduper(im.Analyzer)
		err := im.Store.EachPost(ctx, matcher.PostFilter{Status: matcher.PostOpen}, func(p *matcher.Post) error {
			run.dedup.add(p)
			return nil
		})
		if err != nil {
			return run.fail(fmt.Errorf("读取已有岗位用于查重: %w", err))
		}
	}
	for _, path := range files {
		if err := ctx.Err(); err != nil {
			return run.fail(err)
		}
		if err := run.file(path); err != nil {
			return run.fail(err)
		}
	}
	if run.bar != nil {
		_ = run.bar.Finish()
		fmt.Fprintln(im.Progress)
	}
	run.finish(now())
	if err := im.Store.SaveImport(ctx, rep); err != nil {
		return rep, fmt.Errorf("保存导入报告: %w", err)
	}
	log.Info("import finished", "id", rep.ID, "entity", entity, "files", len(files),
		"accepted", rep.Accepted, "updated", rep.Updated, "unchanged", rep.Unchanged,
		"duplicate", rep.Duplicate, "rejected", rep.Rejected, "elapsed", rep.Elapsed)
	return rep, nil
}

type importRun struct {
	im    *Importer
	ctx   context.Context
	rep   *matcher.ImportReport
	log   *slog.Logger
	bar   *progressbar.ProgressBar
	chunk int
	dedup *deduper
	// seen holds a content hash per ID written in this import, so a row
	// repeated within the import is counted unchanged and not rewritten.
	seen map[string]uint64
}

func (r *importRun) fail(err error) (*matcher.ImportReport, error) {
	r.finish(r.now())
	// Keep the record of what was written before the failure, if the store
	// still answers.
	if serr := r.im.Store.SaveImport(context.WithoutCancel(r.ctx), r.rep); serr != nil {
		r.log.Warn("could not save the report of a failed import", "id", r.rep.ID, "err", serr)
	}
	r.log.Error("import failed", "id", r.rep.ID, "err", err)
	return r.rep, err
}

func (r *importRun) now() time.Time {
	if r.im.Now != nil {
		return r.im.Now()
	}
	return time.Now()
}

func (r *importRun) finish(end time.Time) {
	r.rep.FinishedAt = end
	r.rep.Elapsed = end.Sub(r.rep.StartedAt)
}

func (r *importRun) reject(errs ...matcher.RowError) {
	r.rep.Errors = append(r.rep.Errors, errs...)
}

func (r *importRun) file(path string) error {
	t, err := ReadFile(path, r.rep.Entity, r.im.Map)
	if err != nil {
		var fe *FileError
		if !errors.As(err, &fe) {
			return err
		}
		r.reject(fe.RowError())
		r.rep.Rejected++ // the file counts as one rejected unit: its rows were never read
		r.log.Warn("file refused", "file", path, "reason", fe.Reason)
		return nil
	}
	if len(t.Unknown) > 0 {
		r.rep.Warnings = append(r.rep.Warnings, fmt.Sprintf("%s：忽略了无法识别的列 %s", path, strings.Join(t.Unknown, "、")))
	}
	r.reject(t.RowErrors...)
	r.rep.Rejected += len(t.RowErrors)
	if r.bar != nil {
		r.bar.AddMax(len(t.Rows))
	}
	before := r.rep.Rejected
	for start := 0; start < len(t.Rows); start += r.chunk {
		if err := r.ctx.Err(); err != nil {
			return err
		}
		end := min(start+r.chunk, len(t.Rows))
		if err := r.rows(t.Rows[start:end]); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		if r.bar != nil {
			_ = r.bar.Add(end - start)
		}
	}
	r.log.Info("file read", "file", path, "format", t.Format, "encoding", t.Encoding,
		"rows", len(t.Rows), "rejected", r.rep.Rejected-before+len(t.RowErrors), "ignored_columns", len(t.Unknown))
	return nil
}

// convertAll runs conv over rows on every core, keeping row order.
func convertAll[T any](rows []Row, conv func(Row) (T, []matcher.RowError)) ([]T, [][]matcher.RowError) {
	out := make([]T, len(rows))
	errs := make([][]matcher.RowError, len(rows))
	workers := min(runtime.GOMAXPROCS(0), len(rows))
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < len(rows); i += workers {
				out[i], errs[i] = conv(rows[i])
			}
		}(w)
	}
	wg.Wait()
	return out, errs
}

func (r *importRun) rows(rows []Row) error {
	switch r.rep.Entity {
	case EntityPosts:
		posts, errs := convertAll(rows, PostFromRow)
		var keep []matcher.Post
		for i := range posts {
			if len(errs[i]) > 0 {
				r.reject(errs[i]...)
				r.rep.Rejected++
				continue
			}
			p := &posts[i]
			p.DuplicateOf = r.dedup.find(p)
			if r.repeat(p.ID, p) {
				continue
			}
			r.dedup.add(p)
			keep = append(keep, *p)
		}
		return writeChunk(r, keep, r.im.Store.UpsertPosts, indexPosts(r.im.Index),
			func(p *matcher.Post) bool { return p.DuplicateOf != "" })
	case EntityCourses:
		courses, errs := convertAll(rows, CourseFromRow)
		var keep []matcher.Course
		for i := range courses {
			if len(errs[i]) > 0 {
				r.reject(errs[i]...)
				r.rep.Rejected++
				continue
			}
			if !r.repeat(courses[i].ID, &courses[i]) {
				keep = append(keep, courses[i])
			}
		}
		return writeChunk(r, keep, r.im.Store.UpsertCourses, indexCourses(r.im.Index), nil)
	default:
		grads, errs := convertAll(rows, GraduateFromRow)
		var keep []matcher.Graduate
		for i := range grads {
			if len(errs[i]) > 0 {
				r.reject(errs[i]...)
				r.rep.Rejected++
				continue
			}
			if !r.repeat(grads[i].ID, &grads[i]) {
				keep = append(keep, grads[i])
			}
		}
		return writeChunk(r, keep, r.im.Store.UpsertGraduates, nil, nil)
	}
}

// repeat reports whether id was already written in this import with the
// same content (then it counts as unchanged and is not written again). A
// repeat with different content is written: the later row wins, as it
// would in a later import.
func (r *importRun) repeat(id string, v any) bool {
	b, _ := json.Marshal(v)
	h := fnv.New64a()
	h.Write(b)
	sum := h.Sum64()
	old, ok := r.seen[id]
	r.seen[id] = sum
	if ok && old == sum {
		r.rep.Unchanged++
		return true
	}
	return false
}

func indexPosts(ix PostIndexer) func([]matcher.Post) error {
	if ix == nil {
		return nil
	}
	return ix.IndexPosts
}

func indexCourses(ix PostIndexer) func([]matcher.Course) error {
	if ix == nil {
		return nil
	}
	return ix.IndexCourses
}

// writeChunk upserts records, splitting where an ID repeats so that no
// upsert holds the same key twice, counts outcomes and hands each written
// batch to the index.
func writeChunk[T any](r *importRun, recs []T,
	upsert func(context.Context, []T) ([]matcher.UpsertOutcome, error),
	index func([]T) error, isDup func(*T) bool) error {
	ids := map[string]bool{}
	start := 0
	flush := func(end int) error {
		if end <= start {
			return nil
		}
		batch := recs[start:end]
		out, err := upsert(r.ctx, batch)
		if err != nil {
			return fmt.Errorf("写入存储: %w", err)
		}
		if len(out) != len(batch) {
			return fmt.Errorf("写入存储: store returned %d outcomes for %d records", len(out), len(batch))
		}
		for i, o := range out {
			switch {
			case o == matcher.Unchanged:
				r.rep.Unchanged++
			case isDup != nil && isDup(&batch[i]):
				r.rep.Duplicate++
			case o == matcher.Inserted:
				r.rep.Accepted++
			case o == matcher.Updated:
				r.rep.Updated++
			default:
				return fmt.Errorf("写入存储: unknown upsert outcome %d", o)
			}
		}
		if index != nil {
			if err := index(batch); err != nil {
				return fmt.Errorf("写入索引: %w", err)
			}
		}
		start = end
		clear(ids)
		return nil
	}
	for i := range recs {
		id := recordID(&recs[i])
		if ids[id] {
			if err := flush(i); err != nil {
				return err
			}
		}
		ids[id] = true
	}
	return flush(len(recs))
}

func recordID(v any) string {
	switch x := v.(type) {
	case *matcher.Post:
		return x.ID
	case *matcher.Course:
		return x.ID
	case *matcher.Graduate:
		return x.ID
	}
	return ""
}

func newImportID(t time.Time) string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return "imp-" + t.UTC().Format("20060102T150405") + "-" + hex.EncodeToString(b[:])
}

// Summary is the one line every import ends with.
func Summary(r *matcher.ImportReport) string {
	total := r.Accepted + r.Updated + r.Unchanged + r.Duplicate + r.Rejected
	rate := 0.0
	if s := r.Elapsed.Seconds(); s > 0 {
		rate = float64(total) / s
	}
	return fmt.Sprintf("accepted %d, updated %d, unchanged %d, duplicate %d, rejected %d — %.0f rows/s",
		r.Accepted, r.Updated, r.Unchanged, r.Duplicate, r.Rejected, rate)
}

// ErrorsCSVHeader is the header row of the --errors report.
var ErrorsCSVHeader = []string{"file", "sheet", "line", "column", "value", "reason"}

// WriteErrorsCSV writes rejected rows as CSV (UTF-8 with a byte-order mark
// so that Excel shows the Chinese reasons correctly), one line per problem.
func WriteErrorsCSV(w io.Writer, errs []matcher.RowError) error {
	if _, err := w.Write([]byte{0xEF, 0xBB, 0xBF}); err != nil {
		return fmt.Errorf("write errors report: %w", err)
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(ErrorsCSVHeader); err != nil {
		return fmt.Errorf("write errors report: %w", err)
	}
	for _, e := range errs {
		if err := cw.Write([]string{e.File, e.Sheet, strconv.Itoa(e.Line), e.Column, e.Value, e.Reason}); err != nil {
			return fmt.Errorf("write errors report: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write errors report: %w", err)
	}
	return nil
}
