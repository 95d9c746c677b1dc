package ingest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"log/slog"
	"os"
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
	// ChunkSize is how many input rows go to the store per transaction
	// (default 1000).
	ChunkSize int
	Now       func() time.Time
	// ChunkHook, when set, is called after each chunk is committed to the
	// store and before it is indexed, with the ordinal of the last input row
	// committed. An error stops the import there, as a crash would: tests use
	// it to interrupt an import at a chosen point.
	ChunkHook func(lastRow int) error
}

// DefaultChunkSize is the number of records per store upsert.
const DefaultChunkSize = 1000

// Import reads files (each parsed completely before any of its rows is
// written, so a refused file leaves nothing behind), rejects bad rows with
// their reasons, upserts the good ones in chunks, links near-duplicate posts
// and saves the report. The error is fatal (store or index failure, bad
// arguments); rejected rows and refused files are in the report instead.
//
// When the store is a matcher.ResumableImportStore (both real stores are),
// each chunk's records, rejected rows and progress commit in one
// transaction, and an import that was killed or failed resumes after its
// last committed row when it is run again on the same input (see
// importResumable). Other stores get plain chunked upserts.
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
	if rs, ok := im.Store.(matcher.ResumableImportStore); ok {
		return im.importResumable(ctx, rs, entity, files, log, chunk)
	}
	rep := &matcher.ImportReport{ID: newImportID(now()), Entity: entity, Files: append([]string(nil), files...), StartedAt: now()}
	run := &importRun{im: im, ctx: ctx, rep: rep, log: log, chunk: chunk, seen: map[string]uint64{}}
	run.bar = im.progressBar(entity)
	if entity == EntityPosts {
		var err error
		if run.dedup, err = im.loadDeduper(ctx); err != nil {
			return run.fail(err)
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

func (im *Importer) progressBar(entity string) *progressbar.ProgressBar {
	if im.Progress == nil {
		return nil
	}
	return progressbar.NewOptions(0,
		progressbar.OptionSetWriter(im.Progress),
		progressbar.OptionSetDescription(entity),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("rows"),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionSetPredictTime(true),
	)
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

// ---- resumable imports ----

// Rows of an import are numbered by one ordinal over all its files, in
// order: each file takes one ordinal for itself (its refusal, or the rows
// that could not even be read) and then one per data row. A job's LastRow
// is such an ordinal. Because the input is fingerprinted, a resumed run
// numbers the rows exactly as the run that was killed did.

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

// resumeRun is one run of a resumable import: the first run of a job, or a
// run that resumes it after rows an earlier run committed.
type resumeRun struct {
	im     *Importer
	ctx    context.Context
	rs     matcher.ResumableImportStore
	entity string
	log    *slog.Logger
	bar    *progressbar.ProgressBar
	chunk  int
	dedup  *deduper

	job       *matcher.ImportJob
	prior     matcher.ImportJob // the job's counts when this run began
	after     int               // rows up to this ordinal were committed by earlier runs
	ord       int               // the ordinal of the last row read
	committed int               // the last ordinal committed (by any run)

	// counts holds this run's outcomes, counted as the plain path counts
	// them (an updated near-duplicate is a duplicate).
	counts matcher.ImportReport
	// exact is false once a chunk turns out to have been committed by
	// someone else (a concurrent run of the same job): its outcomes are
	// then unknown here and the store's counts are reported.
	exact bool
	// rejected counts rejected units over the whole input, earlier runs'
	// rows included: rejection depends only on the (fingerprinted) input.
	rejected int
	errs     []matcher.RowError // row errors committed by this run
	warnings []string
	// replay holds the IDs of good posts committed by earlier runs: they
	// are indexed again from the store, since a run killed between commit
	// and index left its last chunk out of the index.
	replay map[string]struct{}
	ixq    *indexQueue
}

// indexQueue writes committed chunks to the index in a goroutine of its
// own, in commit order, so that indexing one chunk (analysis, then waiting
// for bleve to persist) overlaps reading, linking and committing the next.
// The store stays the source of truth: a chunk committed but not yet
// indexed when the process dies is indexed again when the import resumes.
type indexQueue struct {
	ch   chan func() error
	done chan struct{}
	mu   sync.Mutex
	err  error
}

func newIndexQueue() *indexQueue {
	q := &indexQueue{ch: make(chan func() error, 1), done: make(chan struct{})}
	go func() {
		defer close(q.done)
		for write := range q.ch {
			if q.failed() != nil {
				continue // drain: the import stops at its next chunk
			}
			if err := write(); err != nil {
				q.mu.Lock()
				q.err = fmt.Errorf("写入索引: %w", err)
				q.mu.Unlock()
			}
		}
	}()
	return q
}

func (q *indexQueue) failed() error {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.err
}

// add queues a write, or returns the error an earlier write failed with.
func (q *indexQueue) add(write func() error) error {
	if err := q.failed(); err != nil {
		return err
	}
	q.ch <- write
	return nil
}

// wait lets queued writes finish and returns the first error; the queue
// takes no more writes.
func (q *indexQueue) wait() error {
	if q == nil {
		return nil
	}
	close(q.ch)
	<-q.done
	return q.failed()
}

// importResumable imports through BeginImport / CommitChunk / FinishImport:
// rows up to the job's LastRow were committed by an earlier run and are
// only read again (for the counts and the index), the rest are committed
// chunk by chunk, each chunk's records, rejected rows and progress in one
// transaction, and indexed once committed.
//
// Near-duplicate linking reads the store's open originals first, which after
// a crash include the rows already committed; the deduper mirrors the store
// as it is written (see deduper), so a resumed run links exactly as an
// uninterrupted one.
func (im *Importer) importResumable(ctx context.Context, rs matcher.ResumableImportStore, entity string, files []string, log *slog.Logger, chunk int) (*matcher.ImportReport, error) {
	fp, err := im.Fingerprint(entity, files)
	if err != nil {
		return nil, err
	}
	job, err := rs.BeginImport(ctx, entity, append([]string(nil), files...), fp)
	if err != nil {
		return nil, fmt.Errorf("开始导入: %w", err)
	}
	r := &resumeRun{im: im, ctx: ctx, rs: rs, entity: entity, log: log, chunk: chunk,
		job: job, prior: *job, after: job.LastRow, committed: job.LastRow, exact: true}
	if job.LastRow > 0 {
		log.Info("resuming import", "id", job.ID, "entity", entity, "after_row", job.LastRow)
	}
	r.bar = im.progressBar(entity)
	if im.Index != nil && entity != EntityGraduates {
		r.ixq = newIndexQueue()
	}
	if entity == EntityPosts {
		if r.dedup, err = im.loadDeduper(ctx); err != nil {
			return r.fail(err)
		}
		// Posts go to the index right after linking: segment each one
		// while linking, where the index's tokenizer finds the tokens.
		r.dedup.eager = r.ixq != nil && reusedByIndex(im.Analyzer)
	}
	for _, path := range files {
		if err := ctx.Err(); err != nil {
			return r.fail(err)
		}
		if err := r.file(path); err != nil {
			return r.fail(err)
		}
	}
	if err := r.flushReplay(); err != nil {
		return r.fail(err)
	}
	// Searchable when Import returns: every queued index write is done.
	err = r.ixq.wait()
	r.ixq = nil
	if err != nil {
		return r.fail(err)
	}
	if r.bar != nil {
		_ = r.bar.Finish()
		fmt.Fprintln(im.Progress)
	}
	rep, err := rs.FinishImport(ctx, job.ID)
	if err != nil {
		return r.fail(fmt.Errorf("结束导入: %w", err))
	}
	if err := r.settle(rep); err != nil {
		return rep, err
	}
	log.Info("import finished", "id", rep.ID, "entity", entity, "files", len(files), "resumed_after", r.after,
		"accepted", rep.Accepted, "updated", rep.Updated, "unchanged", rep.Unchanged,
		"duplicate", rep.Duplicate, "rejected", rep.Rejected, "elapsed", rep.Elapsed)
	return rep, nil
}

// addCounts sets rep's outcome counts to the job's at the start of this run
// plus this run's.
func (r *resumeRun) addCounts(rep *matcher.ImportReport) {
	rep.Accepted = r.prior.Accepted + r.counts.Accepted
	rep.Updated = r.prior.Updated + r.counts.Updated
	rep.Unchanged = r.prior.Unchanged + r.counts.Unchanged
	rep.Duplicate = r.prior.Duplicate + r.counts.Duplicate
}

// settle makes the store's report count as the plain path counts: a row
// rejected for several reasons is one rejected row (the store counts
// errors), an updated near-duplicate is a duplicate. The report is saved
// again when that changes it or it has warnings to keep.
func (r *resumeRun) settle(rep *matcher.ImportReport) error {
	before := *rep
	if r.exact {
		r.addCounts(rep)
	}
	rep.Rejected = r.rejected
	rep.Warnings = r.warnings
	if rep.Accepted == before.Accepted && rep.Updated == before.Updated && rep.Unchanged == before.Unchanged &&
		rep.Duplicate == before.Duplicate && rep.Rejected == before.Rejected && len(rep.Warnings) == 0 {
		return nil
	}
	if err := r.im.Store.SaveImport(r.ctx, rep); err != nil {
		return fmt.Errorf("保存导入报告: %w", err)
	}
	return nil
}

func (r *resumeRun) fail(err error) (*matcher.ImportReport, error) {
	// Chunks committed so far still go to the index (and a resumed run
	// indexes them again anyway).
	if ierr := r.ixq.wait(); ierr != nil && !errors.Is(err, ierr) {
		r.log.Warn("index writes after the interruption failed", "id", r.job.ID, "err", ierr)
	}
	r.ixq = nil
	rep := &matcher.ImportReport{ID: r.job.ID, Entity: r.entity, Files: r.job.Files, StartedAt: r.job.StartedAt,
		Rejected: r.rejected, Errors: r.errs, Warnings: r.warnings}
	r.addCounts(rep)
	rep.FinishedAt = time.Now()
	if r.im.Now != nil {
		rep.FinishedAt = r.im.Now()
	}
	rep.Elapsed = rep.FinishedAt.Sub(rep.StartedAt)
	r.log.Error("import interrupted", "id", r.job.ID, "committed_rows", r.committed, "err", err)
	return rep, fmt.Errorf("导入 %s 中断，已提交到第 %d 行；再次运行同一导入即从中断处继续: %w", r.job.ID, r.committed, err)
}

func (r *resumeRun) file(path string) error {
	t, err := ReadFile(path, r.entity, r.im.Map)
	if err != nil {
		var fe *FileError
		if !errors.As(err, &fe) {
			return err
		}
		r.ord++
		r.rejected++ // the file counts as one rejected unit: its rows were never read
		r.log.Warn("file refused", "file", path, "reason", fe.Reason)
		if r.ord <= r.after {
			return nil
		}
		return r.commit(matcher.ImportChunk{LastRow: r.ord, Rejected: []matcher.RowError{fe.RowError()}})
	}
	if len(t.Unknown) > 0 {
		r.warnings = append(r.warnings, fmt.Sprintf("%s：忽略了无法识别的列 %s", path, strings.Join(t.Unknown, "、")))
	}
	r.ord++ // the file's own ordinal carries the rows that could not be read
	r.rejected += len(t.RowErrors)
	var pending []matcher.RowError
	if r.ord > r.after {
		pending = t.RowErrors
	}
	if r.bar != nil {
		r.bar.AddMax(len(t.Rows))
	}
	if len(t.Rows) == 0 && r.ord > r.after {
		return r.commit(matcher.ImportChunk{LastRow: r.ord, Rejected: pending})
	}
	before := r.rejected
	for start := 0; start < len(t.Rows); start += r.chunk {
		if err := r.ctx.Err(); err != nil {
			return err
		}
		end := min(start+r.chunk, len(t.Rows))
		first := r.ord + 1
		r.ord += end - start
		if err := r.rows(t.Rows[start:end], first, pending); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		pending = nil
		if r.bar != nil {
			_ = r.bar.Add(end - start)
		}
	}
	r.log.Info("file read", "file", path, "format", t.Format, "encoding", t.Encoding,
		"rows", len(t.Rows), "rejected", r.rejected-before+len(t.RowErrors), "ignored_columns", len(t.Unknown))
	return nil
}

// rowState is what becomes of one converted row.
type rowState int

const (
	rowRejected rowState = iota
	rowReplayed          // good, committed by an earlier run
	rowLive              // good, to be committed now
)

// classify counts a converted row and files its errors into the chunk
// when the row is not yet committed.
func (r *resumeRun) classify(ord int, errs []matcher.RowError, c *matcher.ImportChunk) rowState {
	if len(errs) > 0 {
		r.rejected++
		if ord > r.after {
			c.Rejected = append(c.Rejected, errs...)
		}
		return rowRejected
	}
	if ord <= r.after {
		return rowReplayed
	}
	return rowLive
}

// rows converts one chunk of rows numbered from first and commits the part
// not yet committed.
func (r *resumeRun) rows(rows []Row, first int, pending []matcher.RowError) error {
	c := matcher.ImportChunk{LastRow: first + len(rows) - 1, Rejected: pending}
	switch r.entity {
	case EntityPosts:
		posts, errs := convertAll(rows, PostFromRow)
		var live []*matcher.Post
		for i := range posts {
			p := &posts[i]
			switch r.classify(first+i, errs[i], &c) {
			case rowLive:
				live = append(live, p)
			case rowReplayed:
				if r.ixq != nil {
					if r.replay == nil {
						r.replay = map[string]struct{}{}
					}
					r.replay[p.ID] = struct{}{}
				}
			}
		}
		terms := r.dedup.prepare(live)
		for i, p := range live {
			p.DuplicateOf = r.dedup.findWith(p, terms[i])
			r.dedup.add(p)
			c.Posts = append(c.Posts, *p)
		}
	case EntityCourses:
		courses, errs := convertAll(rows, CourseFromRow)
		var replayed []matcher.Course
		for i := range courses {
			switch r.classify(first+i, errs[i], &c) {
			case rowLive:
				c.Courses = append(c.Courses, courses[i])
			case rowReplayed:
				replayed = append(replayed, courses[i])
			}
		}
		// Courses are written as converted (no linking), so the converted
		// records are what an earlier run committed.
		if len(replayed) > 0 && r.ixq != nil {
			if err := r.ixq.add(func() error { return r.im.Index.IndexCourses(replayed) }); err != nil {
				return err
			}
		}
	default:
		grads, errs := convertAll(rows, GraduateFromRow)
		for i := range grads {
			if r.classify(first+i, errs[i], &c) == rowLive {
				c.Graduates = append(c.Graduates, grads[i])
			}
		}
	}
	if c.LastRow <= r.after {
		return nil
	}
	return r.commit(c)
}

// commit writes a chunk with its progress, counts its outcomes and indexes
// it.
func (r *resumeRun) commit(c matcher.ImportChunk) error {
	// Posts an earlier run committed reach the index before anything this
	// run writes, which may be a newer version of one of them.
	if err := r.flushReplay(); err != nil {
		return err
	}
	out, err := r.rs.CommitChunk(r.ctx, r.job.ID, c)
	if err != nil {
		return fmt.Errorf("写入存储: %w", err)
	}
	r.committed = c.LastRow
	r.errs = append(r.errs, c.Rejected...)
	n := len(c.Posts) + len(c.Courses) + len(c.Graduates)
	switch {
	case out == nil && n > 0:
		r.exact = false
		r.log.Warn("import chunk was already committed by another run", "id", r.job.ID, "last_row", c.LastRow)
	case len(out) != n:
		return fmt.Errorf("写入存储: store returned %d outcomes for %d records", len(out), n)
	default:
		for i, o := range out {
			switch {
			case o == matcher.Unchanged:
				r.counts.Unchanged++
			case i < len(c.Posts) && c.Posts[i].DuplicateOf != "":
				r.counts.Duplicate++
			case o == matcher.Inserted:
				r.counts.Accepted++
			case o == matcher.Updated:
				r.counts.Updated++
			default:
				return fmt.Errorf("写入存储: unknown upsert outcome %d", o)
			}
		}
	}
	if r.im.ChunkHook != nil {
		if err := r.im.ChunkHook(c.LastRow); err != nil {
			return err
		}
	}
	if r.ixq == nil {
		return nil
	}
	if len(c.Posts) > 0 {
		return r.ixq.add(func() error { return r.im.Index.IndexPosts(c.Posts) })
	}
	if len(c.Courses) > 0 {
		return r.ixq.add(func() error { return r.im.Index.IndexCourses(c.Courses) })
	}
	// A chunk of rejected rows only: still report an earlier index failure.
	return r.ixq.failed()
}

// flushReplay indexes again, as the store holds them, the posts earlier
// runs committed.
func (r *resumeRun) flushReplay() error {
	if len(r.replay) == 0 {
		return nil
	}
	var posts []matcher.Post
	err := r.im.Store.EachPost(r.ctx, matcher.PostFilter{}, func(p *matcher.Post) error {
		if _, ok := r.replay[p.ID]; ok {
			posts = append(posts, *p)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("读取已提交的岗位以重建索引: %w", err)
	}
	for start := 0; start < len(posts); start += r.chunk {
		batch := posts[start:min(start+r.chunk, len(posts))]
		if err := r.ixq.add(func() error { return r.im.Index.IndexPosts(batch) }); err != nil {
			return err
		}
	}
	r.log.Info("indexed posts committed before the resume", "id", r.job.ID, "posts", len(posts))
	r.replay = nil
	return nil
}
