package index

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/blevesearch/bleve/v2"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// journal records writes that arrive while Rebuild reads the store, so the
// new generation can replay them before it replaces the old one: a post
// ingested during a rebuild is in neither the store snapshot Rebuild read
// nor lost.
type journal struct {
	ops []func(bi bleve.Index, size int) error
}

// record adds an operation to the journal when a rebuild is running. make
// builds it from copies of the caller's data, which the caller may reuse
// once the write returns.
func (ix *Index) record(make func() func(bi bleve.Index, size int) error) {
	ix.jmu.Lock()
	if ix.journal != nil {
		ix.journal.ops = append(ix.journal.ops, make())
	}
	ix.jmu.Unlock()
}

// Rebuild builds a new generation of the index from the store — every post
// searchable at now and every course — and then switches to it atomically.
// Searches and writes keep using the old generation until the switch;
// writes made meanwhile are replayed onto the new one first.
func (ix *Index) Rebuild(ctx context.Context, st matcher.Store, now time.Time) error {
	ix.rebuildMu.Lock()
	defer ix.rebuildMu.Unlock()
	start := time.Now()
	gen, bi, err := ix.nextGeneration()
	if err != nil {
		return err
	}
	abandon := func(err error) error {
		forgetIndex(bi)
		bi.Close()
		os.RemoveAll(filepath.Join(ix.dir, gen))
		ix.jmu.Lock()
		ix.journal = nil
		ix.jmu.Unlock()
		return err
	}
	ix.jmu.Lock()
	ix.journal = &journal{}
	ix.jmu.Unlock()
	nPosts, nCourses, err := ix.fill(ctx, bi, st, now)
	if err != nil {
		return abandon(err)
	}
	replayed, err := ix.switchTo(gen, bi)
	if err != nil {
		return abandon(err)
	}
	ix.log.Info("index rebuilt", "gen", gen, "posts", nPosts, "courses", nCourses, "replayed", replayed, "elapsed", time.Since(start))
	return nil
}

// nextGeneration creates the generation after the current one.
func (ix *Index) nextGeneration() (string, bleve.Index, error) {
	ix.mu.RLock()
	cur, closed := ix.gen, ix.bi == nil
	ix.mu.RUnlock()
	if closed {
		return "", nil, errors.New("index: rebuild of a closed index")
	}
	var n int
	if _, err := fmt.Sscanf(cur, "gen-%d", &n); err != nil {
		return "", nil, fmt.Errorf("index: current generation %q: %w", cur, err)
	}
	gen := generationName(n + 1)
	bi, err := ix.create(gen)
	return gen, bi, err
}

// fill writes every post searchable at now and every course of st into bi,
// several batches per write so that they overlap (see commit).
func (ix *Index) fill(ctx context.Context, bi bleve.Index, st matcher.Store, now time.Time) (nPosts, nCourses int, err error) {
	size := ix.opts.BatchSize
	chunk := 10 * size
	posts := make([]matcher.Post, 0, chunk)
	err = st.EachPost(ctx, matcher.PostFilter{OpenAt: now}, func(p *matcher.Post) error {
		posts = append(posts, *p)
		return flushFull(ctx, &posts, chunk, &nPosts, func(ps []matcher.Post) error { return indexPosts(bi, size, ps, now, true) })
	})
	if err == nil {
		err = flushFull(ctx, &posts, 0, &nPosts, func(ps []matcher.Post) error { return indexPosts(bi, size, ps, now, true) })
	}
	if err != nil {
		return 0, 0, fmt.Errorf("index: rebuild posts: %w", err)
	}
	courses := make([]matcher.Course, 0, chunk)
	err = st.EachCourse(ctx, func(c *matcher.Course) error {
		courses = append(courses, *c)
		return flushFull(ctx, &courses, chunk, &nCourses, func(cs []matcher.Course) error { return indexCourses(bi, size, cs) })
	})
	if err == nil {
		err = flushFull(ctx, &courses, 0, &nCourses, func(cs []matcher.Course) error { return indexCourses(bi, size, cs) })
	}
	if err != nil {
		return 0, 0, fmt.Errorf("index: rebuild courses: %w", err)
	}
	return nPosts, nCourses, nil
}

// flushFull writes *buf with write once it holds full records (full 0:
// now, whatever it holds — the last flush), counting them in *n.
func flushFull[T any](ctx context.Context, buf *[]T, full int, n *int, write func([]T) error) error {
	if full > 0 {
		if len(*buf) < full {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	*n += len(*buf)
	err := write(*buf)
	*buf = (*buf)[:0]
	return err
}

// switchTo replays the writes journaled during the rebuild onto bi and
// makes it the current generation, under the write lock so that no writer
// runs in between, then retires the old generation. It returns how many
// writes it replayed.
func (ix *Index) switchTo(gen string, bi bleve.Index) (int, error) {
	size := ix.opts.BatchSize
	ix.mu.Lock()
	ix.jmu.Lock()
	ops := ix.journal.ops
	ix.journal = nil
	ix.jmu.Unlock()
	if ix.bi == nil {
		ix.mu.Unlock()
		return 0, errors.New("index: closed during rebuild")
	}
	for _, op := range ops {
		if err := op(bi, size); err != nil {
			ix.mu.Unlock()
			return 0, fmt.Errorf("index: rebuild replay: %w", err)
		}
	}
	if err := ix.writeCurrent(gen); err != nil {
		ix.mu.Unlock()
		return 0, err
	}
	old, oldGen := ix.bi, ix.gen
	ix.bi, ix.gen, ix.degreeTerms = bi, gen, hasDegreeTerms(bi)
	ix.mu.Unlock()

	forgetIndex(old)
	if err := old.Close(); err != nil {
		ix.log.Warn("index: closing the replaced generation", "gen", oldGen, "err", err)
	}
	if err := os.RemoveAll(filepath.Join(ix.dir, oldGen)); err != nil {
		ix.log.Warn("index: removing the replaced generation", "gen", oldGen, "err", err)
	}
	return len(ops), nil
}
