package index

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// TestOpenCloseReopen creates an index, closes it without a single write
// and opens it again, many times, in several goroutines at once so that
// they compete for the CPU as on a loaded machine. bleve writes the mapping
// into a new index as an internal batch; with unsafe_batch that batch used
// to return before scorch persisted it, and a Close that came before the
// persister lost the mapping, so the next Open failed with "error parsing
// mapping JSON: unexpected end of JSON input" (`jobmatch ingest graduates`
// on a fresh data directory does exactly this). Each reopened index must
// also answer.
func TestOpenCloseReopen(t *testing.T) {
	const workers = 4
	perWorker := 30
	if testing.Short() {
		perWorker = 8
	}
	root := t.TempDir()
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWorker {
				if err := openCloseReopen(filepath.Join(root, fmt.Sprintf("ix-%d-%03d", w, i))); err != nil {
					errs <- fmt.Errorf("worker %d, iteration %d: %w", w, i, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func openCloseReopen(dir string) error {
	ix, err := Open(dir)
	if err != nil {
		return fmt.Errorf("create: %w", err)
	}
	if err := ix.Close(); err != nil {
		return fmt.Errorf("close: %w", err)
	}
	ix, err = Open(dir)
	if err != nil {
		return fmt.Errorf("reopen of an index closed without writes: %w", err)
	}
	n, err := ix.DocCount()
	if cerr := ix.Close(); cerr != nil && err == nil {
		err = cerr
	}
	if err != nil || n != 0 {
		return fmt.Errorf("reopened index: %d documents, %v", n, err)
	}
	// Keep the test's disk use flat.
	return os.RemoveAll(dir)
}
