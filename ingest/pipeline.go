package ingest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// run imports through BeginImport / CommitChunk / FinishImport:
// rows up to the job's LastRow were committed by an earlier run and are
// only read again (for the counts and the index), the rest are committed
// chunk by chunk, each chunk's records, rejected rows and progress in one
// transaction, and indexed once committed.
//
// Near-duplicate linking reads the store's open originals first, which after
// a crash include the rows already committed; the deduper mirrors the store
// as it is written (see deduper), so a resumed run links exactly as an
// uninterrupted one.
func (im *Importer) run(ctx context.Context, entity string, files []string, log *slog.Logger, chunk int) (*matcher.ImportReport, error) {
	fp, err := im.Fingerprint(entity, files)
	if err != nil {
		return nil, err
	}
	rs := im.Store
	job, err := rs.BeginImport(ctx, entity, append([]string(nil), files...), fp)
	if err != nil {
		return nil, fmt.Errorf("开始导入: %w", err)
	}
	r := &importRun{im: im, ctx: ctx, rs: rs, entity: entity, log: log, chunk: chunk,
		job: job, prior: *job, after: job.LastRow, committed: job.LastRow, exact: true,
		repeats: newRepeats(), vis: visibility{now: im.now()}}
	if job.LastRow > 0 {
		log.Info("resuming import", "id", job.ID, "entity", entity, "after_row", job.LastRow)
	}
	r.progress = progress{fn: im.Progress}
	if im.Index != nil && entity != EntityGraduates {
		r.ixq = newIndexQueue()
		r.indexPosts = im.Index.IndexPosts
		if u, ok := im.Index.(UnpersistedIndexer); ok {
			r.indexPosts, r.persist = u.IndexPostsUnpersisted, u.Persist
		}
	}
	if entity == EntityPosts {
		if r.dedup, err = im.loadDeduper(ctx); err != nil {
			return r.fail(err)
		}
		// Posts go to the index right after linking: segment each one
		// while linking, where the index's tokenizer finds the tokens.
		r.dedup.eager = r.ixq != nil && reusedByIndex(im.Analyzer)
	}
	for k, path := range files {
		if err := ctx.Err(); err != nil {
			return r.fail(err)
		}
		if err := r.file(path); err != nil {
			return r.fail(err)
		}
		if k < len(files)-1 {
			r.repeats.settle() // before the file's records can go
		}
	}
	if err := r.flushReplay(); err != nil {
		return r.fail(err)
	}
	// Searchable when Import returns: every queued index write is done,
	// and on disk before the import is recorded as finished (a finished
	// import is not indexed again).
	err = r.ixq.wait()
	r.ixq = nil
	if err == nil {
		err = r.persistIndex()
	}
	if err != nil {
		return r.fail(err)
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
	im.recordFinished(entity, files, fp, rep)
	return rep, nil
}

// Rows of an import are numbered by one ordinal over all its files, in
// order: each file takes one ordinal for itself (its refusal, or the rows
// that could not even be read) and then one per data row. A job's LastRow
// is such an ordinal. Because the input is fingerprinted, a resumed run
// numbers the rows exactly as the run that was killed did.
//
// importRun is one run of an import: the first run of a job, or a
// run that resumes it after rows an earlier run committed.
type importRun struct {
	im       *Importer
	ctx      context.Context
	rs       matcher.ResumableImportStore
	entity   string
	log      *slog.Logger
	progress progress
	chunk    int
	dedup    *deduper

	job       *matcher.ImportJob
	prior     matcher.ImportJob // the job's counts when this run began
	after     int               // rows up to this ordinal were committed by earlier runs
	ord       int               // the ordinal of the last row read
	committed int               // the last ordinal committed (by any run)

	// counts holds this run's outcomes, counted as a report counts them
	// (an updated near-duplicate is a duplicate).
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
	// indexPosts writes a chunk's posts from the index queue; persist,
	// when set, waits until those writes are on disk (UnpersistedIndexer).
	indexPosts func([]matcher.Post) error
	persist    func() error
}

// persistIndex waits until the index writes made so far are on disk.
func (r *importRun) persistIndex() error {
	if r.persist == nil {
		return nil
	}
	if err := r.persist(); err != nil {
		return fmt.Errorf("写入索引: %w", err)
	}
	return nil
}

func (r *importRun) file(path string) error {
	read := ReadFile
	if r.im.Read != nil {
		read = r.im.Read
	}
	t, err := read(path, r.entity, r.im.Map)
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
	fr := t.records(r.entity)
	r.warnings = append(r.warnings, fileWarnings(path, fr, r.repeats.plan(fr))...)
	r.ord++ // the file's own ordinal carries the rows that could not be read
	r.rejected += len(t.RowErrors)
	var pending []matcher.RowError
	if r.ord > r.after {
		pending = t.RowErrors
	}
	der := startDeriving(fr, r.chunk)
	defer der.stop()
	r.progress.grow(len(t.Rows))
	if len(t.Rows) == 0 && r.ord > r.after {
		return r.commit(matcher.ImportChunk{LastRow: r.ord, Rejected: pending})
	}
	before := r.rejected
	for start := 0; start < len(t.Rows); start += r.chunk {
		if err := r.ctx.Err(); err != nil {
			return err
		}
		end := min(start+r.chunk, len(t.Rows))
		if err := der.wait(r.ctx, start); err != nil {
			return err
		}
		first := r.ord + 1
		r.ord += end - start
		if err := r.rows(fr, start, end, first, pending); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		pending = nil
		r.progress.add(end - start)
	}
	r.log.Info("file read", "file", path, "format", t.Format, "encoding", t.Encoding,
		"rows", len(t.Rows), "rejected", r.rejected-before+len(t.RowErrors), "ignored_columns", len(t.Unknown))
	return nil
}

// rowState is what becomes of one converted row.
type rowState int

// classify counts a converted row and files its errors into the chunk
// when the row is not yet committed.
func (r *importRun) classify(ord int, errs []matcher.RowError, skip bool, c *matcher.ImportChunk) rowState {
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
func (r *importRun) rows(fr *fileRecords, start, end, first int, pending []matcher.RowError) error {
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
		if len(live) > 0 {
			c.Posts = make([]matcher.Post, 0, len(live))
		}
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
func (r *importRun) commit(c matcher.ImportChunk) error {
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
		return r.ixq.add(func() error { return r.indexPosts(c.Posts) })
	}
	if len(c.Courses) > 0 {
		return r.ixq.add(func() error { return r.im.Index.IndexCourses(c.Courses) })
	}
	// A chunk of rejected rows only: still report an earlier index failure.
	return r.ixq.failed()
}

// flushReplay indexes again, as the store holds them, the posts earlier
// runs committed.
func (r *importRun) flushReplay() error {
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
		if err := r.ixq.add(func() error { return r.indexPosts(batch) }); err != nil {
			return err
		}
	}
	r.log.Info("indexed posts committed before the resume", "id", r.job.ID, "posts", len(posts))
	r.replay = nil
	return nil
}

// addCounts sets rep's outcome counts to the job's at the start of this run
// plus this run's.
func (r *importRun) addCounts(rep *matcher.ImportReport) {
	rep.Accepted = r.prior.Accepted + r.counts.Accepted
	rep.Updated = r.prior.Updated + r.counts.Updated
	rep.Unchanged = r.prior.Unchanged + r.counts.Unchanged
	rep.Duplicate = r.prior.Duplicate + r.counts.Duplicate
}

// settle makes the store's report count as people read it: a row rejected
// for several reasons is one rejected row (the store counts errors), an
// updated near-duplicate is a duplicate, repeated rows are duplicates. The report is saved
// again when that changes it or it has warnings to keep.
func (r *importRun) settle(rep *matcher.ImportReport) error {
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

func (r *importRun) fail(err error) (*matcher.ImportReport, error) {
	// Chunks committed so far still go to the index, on disk (and a
	// resumed run indexes them again anyway).
	if r.ixq != nil {
		ierr := r.ixq.wait()
		if ierr == nil {
			ierr = r.persistIndex()
		}
		if ierr != nil && !errors.Is(err, ierr) {
			r.log.Warn("index writes after the interruption failed", "id", r.job.ID, "err", ierr)
		}
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

// progress reports the rows done against the rows known to
// Importer.Progress.
type progress struct {
	fn          func(done, total int)
	done, total int
}

func (p *progress) grow(n int) { p.total += n; p.report() }

func (p *progress) add(n int) { p.done += n; p.report() }

func (p *progress) report() {
	if p.fn != nil {
		p.fn(p.done, p.total)
	}
}
