package extract

import (
	"bytes"
	"encoding/csv"
	"testing"

	"github.com/urumqi-hrss/jobmatch/ingest/synth"
)

// generatedPosts writes the generator's posts as CSV and reads them back:
// the rows (header first) and each column's index by its header.
func generatedPosts(tb testing.TB, opt synth.Options) ([][]string, map[string]int) {
	tb.Helper()
	var buf bytes.Buffer
	if err := synth.WritePosts(&buf, opt); err != nil {
		tb.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		tb.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	return rows, col
}
