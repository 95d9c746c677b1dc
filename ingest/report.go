package ingest

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// Summary is the one line every import ends with.
func Summary(r *matcher.ImportReport) string {
	total := r.Accepted + r.Updated + r.Unchanged + r.Duplicate + r.Rejected
	rate := 0.0
	if s := r.Elapsed.Seconds(); s > 0 {
		rate = float64(total) / s
	}
	return fmt.Sprintf("accepted %d, updated %d, unchanged %d, duplicate %d, rejected %d — %.0f rows/s",
		r.Accepted, r.Updated, r.Unchanged, r.Duplicate, r.Rejected, rate)
}

// FormatRowError renders one report line for people:
// "file[sheet]:line: column: reason", or "file: reason" for a whole file
// (and "file[sheet]: reason" for a whole sheet).
func FormatRowError(e matcher.RowError) string {
	loc := e.File
	if e.Sheet != "" {
		loc += "[" + e.Sheet + "]"
	}
	if e.Line > 0 {
		loc += ":" + strconv.Itoa(e.Line)
	}
	if e.Column != "" {
		return loc + ": " + e.Column + ": " + e.Reason
	}
	return loc + ": " + e.Reason
}

// csvCell escapes a cell a spreadsheet would read as a formula (one
// starting with = + - @, a tab or a carriage return) with a leading
// apostrophe, as api/render.Escape does for the district documents: the
// report is made for Excel (byte-order mark) and echoes rejected values
// of partners' exports, which an attacker may have written.
func csvCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// ErrorsCSVHeader is the header row of the --errors report.
var ErrorsCSVHeader = []string{"file", "sheet", "line", "column", "value", "reason"}

// WriteErrorsCSV writes rejected rows as CSV (UTF-8 with a byte-order mark
// so that Excel shows the Chinese reasons correctly), one line per problem.
func WriteErrorsCSV(w io.Writer, errs []matcher.RowError) error {
	if _, err := w.Write([]byte{0xEF, 0xBB, 0xBF}); err != nil {
		return fmt.Errorf("write errors report: %w", err)
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(ErrorsCSVHeader); err != nil {
		return fmt.Errorf("write errors report: %w", err)
	}
	for _, e := range errs {
		if err := cw.Write([]string{csvCell(e.File), csvCell(e.Sheet), strconv.Itoa(e.Line), csvCell(e.Column), csvCell(e.Value), csvCell(e.Reason)}); err != nil {
			return fmt.Errorf("write errors report: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write errors report: %w", err)
	}
	return nil
}
