package ingest

import (
	"encoding/json"
	"hash/fnv"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/urumqi-hrss/jobmatch/ingest/convert"
	"github.com/urumqi-hrss/jobmatch/matcher"
)

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
	// derived marks the post rows whose derived fields are filled (see
	// deriving); nil for courses and graduates, which have none.
	derived []bool
}

// convertFile converts a whole file before any of it is written, so that
// repeats of a key can be found across its chunks (see repeats.plan);
// posts without their derived fields (see deriving).
func convertFile(entity string, rows []Row) *fileRecords {
	fr := &fileRecords{entity: entity, rows: rows, skip: make([]bool, len(rows))}
	switch entity {
	case EntityPosts:
		fr.posts, fr.errs, fr.notes = convertAll(rows, convert.PostBaseFromRowNotes)
		fr.derived = make([]bool, len(rows))
	case EntityCourses:
		fr.courses, fr.errs, fr.notes = convertAll(rows, withoutNotes(convert.CourseFromRow))
	default:
		fr.grads, fr.errs, fr.notes = convertAll(rows, convert.GraduateFromRowNotes)
	}
	return fr
}

// convertAll runs conv over rows on every core, keeping row order.
func convertAll[T any](rows []Row, conv func(Row) (T, []matcher.RowError, []matcher.RowError)) ([]T, [][]matcher.RowError, [][]matcher.RowError) {
	out := make([]T, len(rows))
	errs := make([][]matcher.RowError, len(rows))
	notes := make([][]matcher.RowError, len(rows))
	eachIndex(len(rows), func(i int) { out[i], errs[i], notes[i] = conv(rows[i]) })
	return out, errs, notes
}

// eachIndex calls fn for every i in [0, n) on every core, so fn must only
// touch index i. Workers take the next block of indexes as they finish one
// (eachBlock), rather than a fixed share each: on a shared machine, or
// while the other core still finishes a previous step, a fixed split left
// the slower worker's share to run alone at the end.
func eachIndex(n int, fn func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				end := int(next.Add(eachBlock))
				start := end - eachBlock
				if start >= n {
					return
				}
				for i := start; i < min(end, n); i++ {
					fn(i)
				}
			}
		}()
	}
	wg.Wait()
}

// eachBlock is how many indexes an eachIndex worker takes at a time: few
// enough that the workers end together (a post converts in about 0.2 ms),
// enough that taking them costs nothing.
const eachBlock = 8

func withoutNotes[T any](conv func(Row) (T, []matcher.RowError)) func(Row) (T, []matcher.RowError, []matcher.RowError) {
	return func(r Row) (T, []matcher.RowError, []matcher.RowError) {
		v, errs := conv(r)
		return v, errs, nil
	}
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
