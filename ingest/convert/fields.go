package convert

import (
	"time"

	"github.com/urumqi-hrss/jobmatch/ingest/normalize"
)

// field converts one canonical column into a record of type T. The posts,
// courses and graduates converters are tables of fields (posts.go,
// courses.go, graduates.go) that apply runs in order, so every column is
// read, refused and reported the same way: a refusal names the column, the
// value (never a personal one) and what a good value looks like.
type field[T any] struct {
	col  string
	what string // the column's name in messages, e.g. 学历要求
	hint string // what a good value looks like, appended to a refusal
	// required: an empty cell (or one that normalises to nothing) rejects
	// the row, unless the mapping says the export lacks the column.
	required bool
	// set reads a non-empty, trimmed value into rec; an error rejects the
	// row (or, with lenient, only notes it).
	set func(rec *T, v string) error
	// unset, when not nil, fills rec for an empty cell: a default, or a
	// value derived from the columns before it.
	unset func(rec *T)
	// lenient is the note for a value set cannot read but keeps as
	// written: the row is accepted and the note reported as a warning.
	lenient string
	// each splits the cell as a list (normalize.List) and calls set once
	// per item, so every bad item is reported on its own.
	each bool
	// after, when not nil, runs once the column is done, empty or not: a
	// check across columns read so far (a deadline before the posting
	// date) or a value derived from them (a birth date from the national
	// ID).
	after func(e *rowErrs, rec *T)
}

// apply runs the table over the row.
func apply[T any](e *rowErrs, rec *T, fields []field[T]) {
	for i := range fields {
		f := &fields[i]
		v := e.r.Get(f.col)
		if v == "" || (f.required && normalize.Text(v) == "") {
			if f.required {
				e.required(f.col, f.what)
			}
			if f.unset != nil {
				f.unset(rec)
			}
		} else {
			items := []string{v}
			if f.each {
				items = normalize.List(v)
			}
			for _, it := range items {
				if err := f.set(rec, it); err != nil {
					if f.lenient != "" {
						e.note(f.col, it, f.lenient)
					} else {
						e.addErr(f.col, it, err, f.what, f.hint)
					}
				}
			}
		}
		if f.after != nil {
			f.after(e, rec)
		}
	}
}

// text is a field setter that keeps the normalised text.
func text[T any](dst func(*T) *string) func(*T, string) error {
	return func(rec *T, v string) error { *dst(rec) = normalize.Text(v); return nil }
}

// district is a field setter for a district of Urumqi (or the place as written).
func district[T any](dst func(*T) *string) func(*T, string) error {
	return func(rec *T, v string) error { *dst(rec) = normalize.District(v); return nil }
}

// count is a field setter for a whole number.
func count[T any](col string, dst func(*T) *int) func(*T, string) error {
	return func(rec *T, v string) error {
		n, err := normalize.Int(v, col)
		*dst(rec) = n
		return err
	}
}

// list is a field setter for a list cell (a;b、c).
func list[T any](dst func(*T) *[]string) func(*T, string) error {
	return func(rec *T, v string) error { *dst(rec) = normalize.List(v); return nil }
}

// date is a field setter for a date.
func date[T any](dst func(*T) *time.Time) func(*T, string) error {
	return func(rec *T, v string) error {
		t, err := normalize.Date(v)
		*dst(rec) = t
		return err
	}
}
