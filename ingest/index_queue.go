package ingest

import (
	"fmt"
	"sync"
)

// writeQueue runs an import's writes in a goroutine of its own, in the
// order they were queued, so that they overlap the import's next chunk.
// Two are used: the commit queue writes each linked chunk to the store
// (records, rejected rows and progress: a transaction and its fsyncs),
// while the chunk loop links the next; the index queue writes committed
// chunks to the index, in commit order, while the next commits. The
// store stays the source of truth: a chunk committed but not yet indexed
// when the process dies is indexed again when the import resumes. The
// first failed write fails every later add; the writes queued after it
// are dropped.
type writeQueue struct {
	what string // prefixed to a write's error; "" leaves it as it is
	ch   chan func() error
	done chan struct{}
	mu   sync.Mutex
	err  error
}

func newWriteQueue(what string) *writeQueue {
	q := &writeQueue{what: what, ch: make(chan func() error, 1), done: make(chan struct{})}
	go func() {
		defer close(q.done)
		for write := range q.ch {
			if q.failed() != nil {
				continue // drain: the import stops at its next chunk
			}
			if err := write(); err != nil {
				if q.what != "" {
					err = fmt.Errorf("%s: %w", q.what, err)
				}
				q.mu.Lock()
				q.err = err
				q.mu.Unlock()
			}
		}
	}()
	return q
}

func (q *writeQueue) failed() error {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.err
}

// add queues a write, or returns the error an earlier write failed with.
func (q *writeQueue) add(write func() error) error {
	if err := q.failed(); err != nil {
		return err
	}
	q.ch <- write
	return nil
}

// wait lets queued writes finish and returns the first error; the queue
// takes no more writes.
func (q *writeQueue) wait() error {
	if q == nil {
		return nil
	}
	close(q.ch)
	<-q.done
	return q.failed()
}
