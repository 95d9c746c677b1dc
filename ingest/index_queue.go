package ingest

import (
	"fmt"
	"sync"
)

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
