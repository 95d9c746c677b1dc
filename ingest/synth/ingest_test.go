package synth_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/urumqi-hrss/jobmatch/ingest"
	"github.com/urumqi-hrss/jobmatch/ingest/convert"
	"github.com/urumqi-hrss/jobmatch/ingest/synth"
)

// The generated files are the canonical format: the ingest readers and
// converters must accept every row, and every salary must parse (or be 面议).
func TestIngestAcceptsGeneratedRows(t *testing.T) {
	dir := t.TempDir()
	o := synth.DefaultOptions()
	o.Seed, o.Posts, o.Internships, o.Courses, o.Graduates = 11, 4000, 200, 80, 4000
	o.DuplicateShare = 0.05
	if err := synth.Generate(dir, o); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		entity  string
		convert func(convert.Row) int
	}{
		{"posts", func(r convert.Row) int {
			p, errs := convert.PostFromRow(r)
			if !p.Salary.Known() && !p.Salary.Negotiable {
				t.Errorf("%s: salary %q not understood", p.ID, p.Salary.Raw)
			}
			return len(errs)
		}},
		{"courses", func(r convert.Row) int { _, errs := convert.CourseFromRow(r); return len(errs) }},
		{"graduates", func(r convert.Row) int { _, errs := convert.GraduateFromRow(r); return len(errs) }},
	}
	for _, c := range cases {
		t.Run(c.entity, func(t *testing.T) {
			path := filepath.Join(dir, c.entity+".csv")
			if _, err := os.Stat(path); err != nil {
				t.Fatal(err)
			}
			tb, err := ingest.ReadFile(path, c.entity, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(tb.RowErrors) > 0 {
				t.Fatalf("read: %d row errors, first %v", len(tb.RowErrors), tb.RowErrors[0])
			}
			if len(tb.Unknown) > 0 {
				t.Fatalf("read: unknown headers %v", tb.Unknown)
			}
			rejected := 0
			for _, r := range tb.Rows {
				if c.convert(r) > 0 {
					rejected++
				}
			}
			if rejected > 0 {
				t.Errorf("%d of %d %s rejected", rejected, len(tb.Rows), c.entity)
			}
		})
	}
}
