package main

import (
	"sync"

	"github.com/urumqi-hrss/jobmatch/ingest"
)

// readAhead parses path in the background, and converts its rows as the
// import of entity will (ingest.Table.Convert), and returns an
// ingest.Importer.Read that hands over that table when the importer asks
// for the same file, and reads any other file itself.
func readAhead(path, entity string, mp *ingest.Mapping) func(string, string, *ingest.Mapping) (*ingest.Table, error) {
	type result struct {
		t   *ingest.Table
		err error
	}
	ch := make(chan result, 1)
	go func() {
		t, err := ingest.ReadFile(path, entity, mp)
		if err == nil {
			t.Convert(entity)
		}
		ch <- result{t, err}
	}()
	var once sync.Once
	return func(p, e string, m *ingest.Mapping) (*ingest.Table, error) {
		var r *result
		once.Do(func() {
			if p == path && e == entity && m == mp {
				x := <-ch
				r = &x
			}
		})
		if r != nil {
			return r.t, r.err
		}
		return ingest.ReadFile(p, e, m)
	}
}
