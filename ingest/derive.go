package ingest

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/urumqi-hrss/jobmatch/ingest/convert"
)

// A posts file is converted in two steps. convertFile does what planning
// the file needs (errors, notes, IDs: convert.PostBaseFromRowNotes) for
// every row at once; the fields derived from a post's text (the
// requirement extraction and the occupation, convert.DerivePost: most of
// a post's conversion) are filled by a deriving in the background, in row
// order, while the chunk loop links, commits and indexes the chunks
// already derived. Converting the whole file first left the index idle
// for the conversion (a second or more of the import on two cores), and
// the chunk loop then left a core idle whenever bleve built a segment on
// one goroutine; the derivation now fills both. The records are the same:
// DerivePost after PostBaseFromRowNotes is PostFromRowNotes.

// derive fills row i's derived fields, once; only for a good post row.
// Callers must not derive the same row at the same time.
func (fr *fileRecords) derive(i int) {
	if fr.derived == nil || fr.derived[i] || !fr.good(i) {
		return
	}
	convert.DerivePost(fr.rows[i], &fr.posts[i])
	fr.derived[i] = true
}

// deriving derives every row of a file in the background. The rows of
// the chunk starting at row start are ready once wait(ctx, start) returns.
type deriving struct {
	fr    *fileRecords
	chunk int
	left  []atomic.Int32 // rows of each chunk not derived yet
	ready []chan struct{}
	next  atomic.Int64
	quit  atomic.Bool

	mu    sync.Mutex
	moved *sync.Cond // limit grew or quit was set
	limit int        // rows before this may be derived now
}

// deriveAhead is how many chunks past the one the import waits for the
// workers may derive: the next chunk is ready when the loop comes to it,
// and the derivation keeps pace with the writes instead of taking both
// cores for the whole file first. Traces of 2, 4 and unbounded (with the
// index's split writes) left a core idle for 4.3%, 2.9% and 2.9% of a run:
// no difference this machine's noise could show.
const deriveAhead = 2

// startDeriving starts deriving fr's rows on every core; nil when the
// file has nothing to derive (not posts). Rows fr.derived already marks
// (plan derived them to compare their content) are not derived again.
func startDeriving(fr *fileRecords, chunk int) *deriving {
	if fr.derived == nil || len(fr.rows) == 0 {
		return nil
	}
	n := len(fr.rows)
	chunks := (n + chunk - 1) / chunk
	d := &deriving{fr: fr, chunk: chunk, left: make([]atomic.Int32, chunks), ready: make([]chan struct{}, chunks),
		limit: (1 + deriveAhead) * chunk}
	d.moved = sync.NewCond(&d.mu)
	for k := range chunks {
		d.left[k].Store(int32(min(chunk, n-k*chunk)))
		d.ready[k] = make(chan struct{})
	}
	for range runtime.GOMAXPROCS(0) {
		go d.work()
	}
	return d
}

// work takes blocks of rows in order, as eachIndex does, so that the
// chunk the import needs next is the one being derived.
func (d *deriving) work() {
	n := len(d.fr.rows)
	for !d.quit.Load() {
		end := int(d.next.Add(eachBlock))
		start := end - eachBlock
		if start >= n || !d.allowed(start) {
			return
		}
		for i := start; i < min(end, n); i++ {
			d.fr.derive(i)
			if k := i / d.chunk; d.left[k].Add(-1) == 0 {
				close(d.ready[k])
			}
		}
	}
}

// allowed waits until row start may be derived (see deriveAhead); false
// when the import stopped.
func (d *deriving) allowed(start int) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	for start >= d.limit && !d.quit.Load() {
		d.moved.Wait()
	}
	return !d.quit.Load()
}

// wait blocks until the rows of the chunk starting at row start are
// derived, or ctx ends.
func (d *deriving) wait(ctx context.Context, start int) error {
	if d == nil {
		return nil
	}
	d.mu.Lock()
	d.limit = max(d.limit, start+(1+deriveAhead)*d.chunk)
	d.mu.Unlock()
	d.moved.Broadcast()
	select {
	case <-d.ready[start/d.chunk]:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// stop lets the workers end after their current block: the import no
// longer needs the rest (it failed, or the file is done).
func (d *deriving) stop() {
	if d != nil {
		d.mu.Lock()
		d.quit.Store(true)
		d.mu.Unlock()
		d.moved.Broadcast()
	}
}
