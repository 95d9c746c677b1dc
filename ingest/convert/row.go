package convert

import (
	"errors"
	"fmt"
	"strings"

	"github.com/urumqi-hrss/jobmatch/ingest/normalize"
	"github.com/urumqi-hrss/jobmatch/matcher"
)

// Row is one data row, with its columns already mapped to canonical names
// (the readers of package ingest fill it from a file; the API builds one
// from a JSON body).
type Row struct {
	File   string
	Sheet  string // XLSX only
	Line   int    // 1-based: CSV the physical line the record starts on, JSONL the line, XLSX the row
	Values map[string]string
	// Optional holds required columns the mapping says this export lacks.
	Optional map[string]bool
}

// Get returns the trimmed value of a canonical column.
func (r Row) Get(col string) string { return strings.TrimSpace(r.Values[col]) }

// personalColumns never have their values echoed into a report or log.
var personalColumns = map[string]bool{
	"name": true, "national_id": true, "phone": true, "hardship": true, "birth_date": true,
}

// Personal reports whether a canonical column holds personal data, whose
// values are never echoed into a report, an error or a log.
func Personal(col string) bool { return personalColumns[col] }

// rowErrs collects the errors of one row; every problem is reported, not
// just the first, so a person fixes a row once.
type rowErrs struct {
	r    Row
	errs []matcher.RowError
	// notes are caveats of a row that is accepted all the same (a cell of
	// an optional column that cannot be read is kept as written and its
	// meaning left unknown); the importer sums them up as warnings.
	notes []matcher.RowError
}

// note records a caveat of an accepted row.
func (e *rowErrs) note(col, value, reason string) {
	if personalColumns[col] {
		value = ""
	}
	e.notes = append(e.notes, matcher.RowError{File: e.r.File, Sheet: e.r.Sheet, Line: e.r.Line, Column: col, Value: clip(value), Reason: reason})
}

func (e *rowErrs) add(col, value, reason string) {
	if personalColumns[col] {
		value = ""
	}
	e.errs = append(e.errs, matcher.RowError{File: e.r.File, Sheet: e.r.Sheet, Line: e.r.Line, Column: col, Value: clip(value), Reason: reason})
}

// addErr reports err from a normaliser. The normalisers' *matcher.Error
// messages are Chinese and actionable; hint is appended to say what a good
// value looks like. For personal columns the value is never echoed, and a
// message that happens to contain it is replaced by a generic one. A
// reasonError is the whole reason already and is reported as it is.
func (e *rowErrs) addErr(col, value string, err error, what, hint string) {
	var re reasonError
	if errors.As(err, &re) {
		e.add(col, value, string(re))
		return
	}
	reason := what + "无法识别"
	var me *matcher.Error
	if errors.As(err, &me) && me.Message != "" {
		reason = me.Message
	}
	if personalColumns[col] && value != "" && (strings.Contains(reason, value) || strings.Contains(reason, normalize.Text(value))) {
		reason = what + "格式不正确"
	} else if !personalColumns[col] && !strings.Contains(reason, normalize.Text(value)) {
		reason += fmt.Sprintf("：'%s'", clip(value))
	}
	if hint != "" {
		reason += "，" + hint
	}
	e.add(col, value, reason)
}

// reasonError is a converter's own complete reason for refusing a value
// (the message a person reads, value and hint included).
type reasonError string

func (r reasonError) Error() string { return string(r) }

func reasonf(format string, args ...any) error { return reasonError(fmt.Sprintf(format, args...)) }

func (e *rowErrs) required(col, what string) {
	if e.r.Optional[col] {
		return
	}
	e.add(col, "", what+"为空（必填）")
}

func clip(s string) string {
	const max = 80
	if r := []rune(s); len(r) > max {
		return string(r[:max]) + "…"
	}
	return s
}
