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
	"github.com/urumqi-hrss/jobmatch/ingest/convert"
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
	// Finished, when set, records each finished import (see
	// FinishedImports and AlreadyImported).
	Finished *FinishedImports
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
	if rs, ok := im.Store.(matcher.ResumableImportStore); ok {
		return im.importResumable(ctx, rs, entity, files, log, chunk)
	}
	rep := &matcher.ImportReport{ID: newImportID(now()), Entity: entity, Files: append([]string(nil), files...), StartedAt: now()}
	run := &importRun{im: im, ctx: ctx, rep: rep, log: log, chunk: chunk, repeats: newRepeats(), vis: visibility{now: now()}}
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
	run.bar.end()
	run.finish(now())
	rep.Warnings = append(rep.Warnings, run.vis.warnings()...)
	if err := im.Store.SaveImport(ctx, rep); err != nil {
		return rep, fmt.Errorf("保存导入报告: %w", err)
	}
	log.Info("import finished", "id", rep.ID, "entity", entity, "files", len(files),
		"accepted", rep.Accepted, "updated", rep.Updated, "unchanged", rep.Unchanged,
		"duplicate", rep.Duplicate, "rejected", rep.Rejected, "elapsed", rep.Elapsed)
	im.recordFinished(entity, files, "", rep)
	return rep, nil
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

// progress is an import's progress bar (nil: none). The bar shares the
// terminal with the log: clear erases it before a log line, and end
// completes it and ends its line, so whatever is written next starts on a
// line of its own.
type progress struct {
	bar   *progressbar.ProgressBar
	w     io.Writer
	drawn bool // drawn since created or last cleared
}

func (p *progress) addMax(n int) {
	if p != nil {
		p.bar.AddMax(n)
	}
}

func (p *progress) add(n int) {
	if p != nil {
		_ = p.bar.Add(n)
		p.drawn = true
	}
}

func (p *progress) clear() {
	if p != nil && p.drawn {
		_ = p.bar.Clear()
		p.drawn = false
	}
}

func (p *progress) end() {
	if p != nil && p.drawn {
		_ = p.bar.Finish()
		fmt.Fprintln(p.w)
		p.drawn = false
	}
}

func (im *Importer) now() time.Time {
	if im.Now != nil {
		return im.Now()
	}
	return time.Now()
}

func (im *Importer) progressBar(entity string) *progress {
	if im.Progress == nil {
		return nil
	}
	return &progress{w: im.Progress, bar: progressbar.NewOptions(0,
		progressbar.OptionSetWriter(im.Progress),
		progressbar.OptionSetDescription(entity),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("rows"),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionSetPredictTime(true),
	)}
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
	bar   *progress
	chunk int
	dedup *deduper
	// repeats decides which good rows are written (see repeats).
	repeats *repeats
	vis     visibility
}

func (r *importRun) fail(err error) (*matcher.ImportReport, error) {
	r.bar.end()
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
		r.rep.Warnings = append(r.rep.Warnings, unknownColumnsWarning(path, t.Unknown))
	}
	r.reject(t.RowErrors...)
	r.rep.Rejected += len(t.RowErrors)
	r.bar.addMax(len(t.Rows))
	fr := convertFile(r.rep.Entity, t.Rows)
	r.rep.Warnings = append(r.rep.Warnings, fileWarnings(path, fr, r.repeats.plan(fr))...)
	before := r.rep.Rejected
	for start := 0; start < len(t.Rows); start += r.chunk {
		if err := r.ctx.Err(); err != nil {
			return err
		}
		end := min(start+r.chunk, len(t.Rows))
		if err := r.rows(fr, start, end); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		r.bar.add(end - start)
	}
	r.bar.clear()
	r.log.Info("file read", "file", path, "format", t.Format, "encoding", t.Encoding,
		"rows", len(t.Rows), "rejected", r.rep.Rejected-before+len(t.RowErrors), "ignored_columns", len(t.Unknown))
	return nil
}

func unknownColumnsWarning(path string, cols []string) string {
	return fmt.Sprintf("%s：忽略了无法识别的列 %s (columns ignored: not recognised)", path, strings.Join(cols, "、"))
}

// convertAll runs conv over rows on every core, keeping row order.
func convertAll[T any](rows []Row, conv func(Row) (T, []matcher.RowError, []matcher.RowError)) ([]T, [][]matcher.RowError, [][]matcher.RowError) {
	out := make([]T, len(rows))
	errs := make([][]matcher.RowError, len(rows))
	notes := make([][]matcher.RowError, len(rows))
	workers := min(runtime.GOMAXPROCS(0), len(rows))
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < len(rows); i += workers {
				out[i], errs[i], notes[i] = conv(rows[i])
			}
		}(w)
	}
	wg.Wait()
	return out, errs, notes
}

func withoutNotes[T any](conv func(Row) (T, []matcher.RowError)) func(Row) (T, []matcher.RowError, []matcher.RowError) {
	return func(r Row) (T, []matcher.RowError, []matcher.RowError) {
		v, errs := conv(r)
		return v, errs, nil
	}
}

// fileRecords is one file's rows converted, in row order: the records of
// the import's entity (one slice is set), and per row its errors (none: a
// good row), its notes, and whether it is a repeat that is not written.
type fileRecords struct {
	entity  string
	rows    []Row
	posts   []matcher.Post
	courses []matcher.Course
	grads   []matcher.Graduate
	errs    [][]matcher.RowError
	notes   [][]matcher.RowError
	skip    []bool
}

// convertFile converts a whole file before any of it is written, so that
// repeats of a key can be found across its chunks (see repeats.plan).
func convertFile(entity string, rows []Row) *fileRecords {
	fr := &fileRecords{entity: entity, rows: rows, skip: make([]bool, len(rows))}
	switch entity {
	case EntityPosts:
		fr.posts, fr.errs, fr.notes = convertAll(rows, convert.PostFromRowNotes)
	case EntityCourses:
		fr.courses, fr.errs, fr.notes = convertAll(rows, withoutNotes(convert.CourseFromRow))
	default:
		fr.grads, fr.errs, fr.notes = convertAll(rows, withoutNotes(convert.GraduateFromRow))
	}
	return fr
}

func (fr *fileRecords) good(i int) bool { return len(fr.errs[i]) == 0 }

func (fr *fileRecords) id(i int) string {
	switch fr.entity {
	case EntityPosts:
		return fr.posts[i].ID
	case EntityCourses:
		return fr.courses[i].ID
	}
	return fr.grads[i].ID
}

// sum is a hash of row i's record as converted (before linking).
func (fr *fileRecords) sum(i int) uint64 {
	var v any
	switch fr.entity {
	case EntityPosts:
		v = &fr.posts[i]
	case EntityCourses:
		v = &fr.courses[i]
	default:
		v = &fr.grads[i]
	}
	b, _ := json.Marshal(v)
	h := fnv.New64a()
	h.Write(b)
	return h.Sum64()
}

// repeats decides which good rows of an import are written, so that an
// import writes each key once and importing the same files again finds
// every record unchanged:
//
//   - Within a file, only the last row of each key is written. Earlier rows
//     with the same content (a scrape that lists a post twice) are repeats;
//     earlier rows with other content under the same explicit key (an
//     export that lists a post before and after an edit) are superseded.
//     Both count as duplicate and are summed up in a warning. Writing them
//     would make every import of the file update the record twice.
//   - A row identical to one an earlier file of the same import wrote is a
//     repeat too. A row that changes such a record is written (the later
//     file wins) and reported: importing the same files again updates that
//     record again, since its earlier version is written first.
//
// Posts and courses without an ID are keyed by their content (contentID),
// so for them only exact repeats exist.
type repeats struct {
	written map[string]uint64 // key → content hash of the version this import writes
}

func newRepeats() *repeats { return &repeats{written: map[string]uint64{}} }

// repeatStats is what plan found in one file.
type repeatStats struct {
	same, superseded, earlierFile, changedAcross int
	// example lines for the warnings
	sameEx, supersededEx, changedEx []string
}

const maxExamples = 3

func example(ex []string, s string) []string {
	if len(ex) < maxExamples {
		ex = append(ex, s)
	}
	return ex
}

func rowPlace(r Row) string {
	if r.Sheet != "" {
		return fmt.Sprintf("[%s]:%d", r.Sheet, r.Line)
	}
	return strconv.Itoa(r.Line)
}

// plan marks the rows of fr that are not written (fr.skip).
func (rp *repeats) plan(fr *fileRecords) repeatStats {
	var st repeatStats
	n := len(fr.errs)
	ids := make([]string, n)
	sums := make([]uint64, n)
	last := map[string]int{}
	for i := range n {
		if fr.good(i) {
			ids[i], sums[i] = fr.id(i), fr.sum(i)
			last[ids[i]] = i
		}
	}
	for i := range n {
		if !fr.good(i) {
			continue
		}
		if j := last[ids[i]]; j != i {
			fr.skip[i] = true
			if sums[i] == sums[j] {
				st.same++
				st.sameEx = example(st.sameEx, rowPlace(fr.rows[i])+"="+rowPlace(fr.rows[j]))
			} else {
				st.superseded++
				st.supersededEx = example(st.supersededEx, rowPlace(fr.rows[i])+"→"+rowPlace(fr.rows[j]))
			}
			continue
		}
		if old, ok := rp.written[ids[i]]; ok {
			if old == sums[i] {
				fr.skip[i] = true
				st.earlierFile++
				continue
			}
			st.changedAcross++
			st.changedEx = example(st.changedEx, rowPlace(fr.rows[i]))
		}
		rp.written[ids[i]] = sums[i]
	}
	return st
}

// fileWarnings sums up a file's repeats and the caveats of its accepted
// rows, one line each.
func fileWarnings(path string, fr *fileRecords, st repeatStats) []string {
	var w []string
	if st.same > 0 {
		w = append(w, fmt.Sprintf("%s：%d 行与本文件中另一行完全相同，只导入一次，计为 duplicate（如第 %s 行）(%d rows repeat an earlier row of the same file)",
			path, st.same, strings.Join(st.sameEx, "、"), st.same))
	}
	if st.superseded > 0 {
		w = append(w, fmt.Sprintf("%s：%d 行与本文件中后面一行编号相同但内容不同，以后一行为准，计为 duplicate（如第 %s 行）(%d rows are superseded by a later row with the same key)",
			path, st.superseded, strings.Join(st.supersededEx, "、"), st.superseded))
	}
	if st.earlierFile > 0 {
		w = append(w, fmt.Sprintf("%s：%d 行与本次导入中前面文件的一行完全相同，只导入一次，计为 duplicate (%d rows repeat a row of an earlier file of this import)",
			path, st.earlierFile, st.earlierFile))
	}
	if st.changedAcross > 0 {
		w = append(w, fmt.Sprintf("%s：%d 行修改了本次导入中前面文件写入的记录（编号相同、内容不同），以本文件为准（如第 %s 行）(%d rows change a record an earlier file of this import wrote; the later file wins)",
			path, st.changedAcross, strings.Join(st.changedEx, "、"), st.changedAcross))
	}
	// Notes, grouped by column.
	type group struct {
		n  int
		ex []string
	}
	var cols []string
	groups := map[string]*group{}
	for i, ns := range fr.notes {
		if !fr.good(i) {
			continue
		}
		for _, nt := range ns {
			g := groups[nt.Column]
			if g == nil {
				g = &group{}
				groups[nt.Column] = g
				cols = append(cols, nt.Column)
			}
			g.n++
			g.ex = example(g.ex, fmt.Sprintf("%s '%s'", rowPlace(fr.rows[i]), nt.Value))
		}
	}
	for _, c := range cols {
		g := groups[c]
		w = append(w, fmt.Sprintf("%s：%d 行的 %s 无法识别，按原文保存、含义视为未知，行已导入（如第 %s 行）(%d rows have a value in column %s that cannot be read: kept as written, its meaning unknown; the rows are imported)",
			path, g.n, c, strings.Join(g.ex, "、"), g.n, c))
	}
	return w
}

// visibility counts the posts of an import that are stored but not
// searchable as of the import's clock, so the summary can say why a fresh
// import finds nothing (a 2019 export imported in 2026 is all past its
// deadline).
type visibility struct {
	now          time.Time
	pastDeadline int
	notOpen      int // filled or closed
}

func (v *visibility) add(p *matcher.Post) {
	switch {
	case p.Status != matcher.PostOpen && p.Status != "":
		v.notOpen++
	case !p.Deadline.IsZero() && matcher.EndOfDay(p.Deadline).Before(v.now):
		v.pastDeadline++
	}
}

func (v *visibility) warnings() []string {
	if v.pastDeadline+v.notOpen == 0 {
		return nil
	}
	day := v.now.Format(time.DateOnly)
	zh := fmt.Sprintf("%d 个岗位已保存但不可搜索（截至 %s）：", v.pastDeadline+v.notOpen, day)
	en := fmt.Sprintf("%d posts are stored but not searchable as of %s:", v.pastDeadline+v.notOpen, day)
	var zp, ep []string
	if v.pastDeadline > 0 {
		zp = append(zp, fmt.Sprintf("%d 个已过截止日期（如需按其他日期导入，用 --now 指定）", v.pastDeadline))
		ep = append(ep, fmt.Sprintf("%d past their deadline as of %s — use --now to import as of another date", v.pastDeadline, day))
	}
	if v.notOpen > 0 {
		zp = append(zp, fmt.Sprintf("%d 个已招满或已关闭", v.notOpen))
		ep = append(ep, fmt.Sprintf("%d filled or closed", v.notOpen))
	}
	return []string{zh + strings.Join(zp, "，") + " (" + en + " " + strings.Join(ep, ", ") + ")"}
}

func (r *importRun) rows(fr *fileRecords, start, end int) error {
	keep := func(i int) bool {
		if !fr.good(i) {
			r.reject(fr.errs[i]...)
			r.rep.Rejected++
			return false
		}
		if fr.skip[i] {
			r.rep.Duplicate++
			return false
		}
		return true
	}
	switch r.rep.Entity {
	case EntityPosts:
		var out []matcher.Post
		for i := start; i < end; i++ {
			if !keep(i) {
				continue
			}
			p := &fr.posts[i]
			p.DuplicateOf = r.dedup.find(p)
			r.dedup.add(p)
			r.vis.add(p)
			out = append(out, *p)
		}
		return writeChunk(r, out, r.im.Store.UpsertPosts, indexPosts(r.im.Index),
			func(p *matcher.Post) bool { return p.DuplicateOf != "" })
	case EntityCourses:
		var out []matcher.Course
		for i := start; i < end; i++ {
			if keep(i) {
				out = append(out, fr.courses[i])
			}
		}
		return writeChunk(r, out, r.im.Store.UpsertCourses, indexCourses(r.im.Index), nil)
	default:
		var out []matcher.Graduate
		for i := start; i < end; i++ {
			if keep(i) {
				out = append(out, fr.grads[i])
			}
		}
		return writeChunk(r, out, r.im.Store.UpsertGraduates, nil, nil)
	}
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

// FormatRowError renders one report line for people:
// "file[sheet]:line: column: reason", or "file: reason" for a whole file
// (and "file[sheet]: reason" for a whole sheet).
func FormatRowError(e matcher.RowError) string {
	loc := e.File
	if e.Sheet != "" {
		loc += "[" + e.Sheet + "]"
	}
	if e.Line > 0 {
		loc += ":" + strconv.Itoa(e.Line)
	}
	if e.Column != "" {
		return loc + ": " + e.Column + ": " + e.Reason
	}
	return loc + ": " + e.Reason
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
	bar    *progress
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
	// repeated counts, the same way, the good rows not written because
	// they repeat another (see repeats): they never reach the store, so
	// its counts lack them.
	repeated int
	repeats  *repeats
	vis      visibility
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
		job: job, prior: *job, after: job.LastRow, committed: job.LastRow, exact: true,
		repeats: newRepeats(), vis: visibility{now: im.now()}}
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
	r.bar.end()
	r.bar = nil
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
	im.recordFinished(entity, files, fp, rep)
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
	rep.Duplicate += r.repeated
	rep.Rejected = r.rejected
	rep.Warnings = append(r.warnings, r.vis.warnings()...)
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
	r.bar.end()
	// Chunks committed so far still go to the index (and a resumed run
	// indexes them again anyway).
	if ierr := r.ixq.wait(); ierr != nil && !errors.Is(err, ierr) {
		r.log.Warn("index writes after the interruption failed", "id", r.job.ID, "err", ierr)
	}
	r.ixq = nil
	rep := &matcher.ImportReport{ID: r.job.ID, Entity: r.entity, Files: r.job.Files, StartedAt: r.job.StartedAt,
		Rejected: r.rejected, Errors: r.errs, Warnings: r.warnings}
	r.addCounts(rep)
	rep.Duplicate += r.repeated
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
		r.warnings = append(r.warnings, unknownColumnsWarning(path, t.Unknown))
	}
	fr := convertFile(r.entity, t.Rows)
	r.warnings = append(r.warnings, fileWarnings(path, fr, r.repeats.plan(fr))...)
	r.ord++ // the file's own ordinal carries the rows that could not be read
	r.rejected += len(t.RowErrors)
	var pending []matcher.RowError
	if r.ord > r.after {
		pending = t.RowErrors
	}
	r.bar.addMax(len(t.Rows))
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
		if err := r.rows(fr, start, end, first, pending); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		pending = nil
		r.bar.add(end - start)
	}
	r.bar.clear()
	r.log.Info("file read", "file", path, "format", t.Format, "encoding", t.Encoding,
		"rows", len(t.Rows), "rejected", r.rejected-before+len(t.RowErrors), "ignored_columns", len(t.Unknown))
	return nil
}

// rowState is what becomes of one converted row.
type rowState int

const (
	rowRejected rowState = iota
	rowRepeat            // good, but repeats another row: not written
	rowReplayed          // good, committed by an earlier run
	rowLive              // good, to be committed now
)

// classify counts a converted row and files its errors into the chunk
// when the row is not yet committed.
func (r *resumeRun) classify(ord int, errs []matcher.RowError, skip bool, c *matcher.ImportChunk) rowState {
	if len(errs) > 0 {
		r.rejected++
		if ord > r.after {
			c.Rejected = append(c.Rejected, errs...)
		}
		return rowRejected
	}
	if skip {
		r.repeated++
		return rowRepeat
	}
	if ord <= r.after {
		return rowReplayed
	}
	return rowLive
}

// rows takes rows [start, end) of a converted file, numbered from first,
// and commits the part not yet committed.
func (r *resumeRun) rows(fr *fileRecords, start, end, first int, pending []matcher.RowError) error {
	c := matcher.ImportChunk{LastRow: first + (end - start) - 1, Rejected: pending}
	state := func(i int) rowState { return r.classify(first+i-start, fr.errs[i], fr.skip[i], &c) }
	switch r.entity {
	case EntityPosts:
		var live []*matcher.Post
		for i := start; i < end; i++ {
			p := &fr.posts[i]
			switch state(i) {
			case rowLive:
				live = append(live, p)
				r.vis.add(p)
			case rowReplayed:
				r.vis.add(p)
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
		var replayed []matcher.Course
		for i := start; i < end; i++ {
			switch state(i) {
			case rowLive:
				c.Courses = append(c.Courses, fr.courses[i])
			case rowReplayed:
				replayed = append(replayed, fr.courses[i])
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
		for i := start; i < end; i++ {
			if state(i) == rowLive {
				c.Graduates = append(c.Graduates, fr.grads[i])
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
