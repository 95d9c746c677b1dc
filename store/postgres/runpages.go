package postgres

import (
	"context"
)

// listPageSize is how many lists a query of runListPages reads (a
// variable for the tests of pages).
var listPageSize = 1000

// runListPages calls fn with the stored lists of a run as query reads
// them (listPage, digestPage), a page of page
// graduates at a time in graduate ID order, reading the next page while fn
// works on the one before: a page is ~9 MB of sealed lists that the server
// reads out of TOAST and sends, and fn opens (decrypts and parses) them,
// so the two overlap instead of taking turns. Each page's query is
// retried on its own; fn runs in the caller's goroutine.
func (s *Store) runListPages(ctx context.Context, query, runID string, page int, fn func([]listRow) error) error {
	ctx, cancel := context.WithCancel(ctx)
	type result struct {
		rows []listRow
		err  error
	}
	pages := make(chan result, 1)
	defer func() {
		cancel()
		// Wait for the reader to stop: the caller's read lock on the run
		// goes when this returns, and no query of the run may outlive it.
		for range pages {
		}
	}()
	go func() {
		defer close(pages)
		after := ""
		for {
			var rows []listRow
			err := s.retry(ctx, "lists of run "+runID, func(ctx context.Context, _ int) error {
				var err error
				rows, err = s.runListPage(ctx, query, runID, after, page)
				return err
			})
			select {
			case pages <- result{rows, err}:
			case <-ctx.Done():
				return
			}
			if err != nil || len(rows) < page {
				return
			}
			after = rows[len(rows)-1].graduate
		}
	}()
	for p := range pages {
		if p.err != nil {
			return p.err
		}
		if err := fn(p.rows); err != nil {
			return err
		}
	}
	return ctx.Err()
}
