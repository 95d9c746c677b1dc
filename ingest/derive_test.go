package ingest

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/urumqi-hrss/jobmatch/ingest/convert"
	"github.com/urumqi-hrss/jobmatch/ingest/synth"
)

// Converting a posts file in two steps — the base of every row, the plan,
// then the derived fields in the background chunk by chunk — gives every
// row the post convert.PostFromRowNotes gives it, whatever the chunk size,
// including the repeated rows the plan derives itself to compare them.
func TestDerivingMatchesPostFromRowNotes(t *testing.T) {
	dir := t.TempDir()
	o := synth.Options{Seed: 11, Posts: 300, Internships: 30, Courses: 1, Graduates: 1, DuplicateShare: 0.2}
	if err := synth.Generate(dir, o); err != nil {
		t.Fatal(err)
	}
	gen, err := os.ReadFile(filepath.Join(dir, "posts.csv"))
	if err != nil {
		t.Fatal(err)
	}
	path := writeFile(t, dir, "mixed.csv", string(withExtraRows(t, gen)))
	tab, err := ReadFile(path, EntityPosts, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(tab.Rows) < 300 {
		t.Fatalf("only %d rows read", len(tab.Rows))
	}
	for _, chunk := range []int{7, 64, 1000} {
		fr := convertFile(EntityPosts, tab.Rows)
		st := newRepeats().plan(fr)
		if st.same == 0 || st.superseded == 0 {
			t.Fatalf("the file should have repeated and superseded rows: %+v", st)
		}
		early := 0
		for _, d := range fr.derived {
			if d {
				early++
			}
		}
		if early == 0 {
			t.Fatal("the plan derived no row: its content sums would miss the derived fields")
		}
		d := startDeriving(fr, chunk)
		for start := 0; start < len(tab.Rows); start += chunk {
			if err := d.wait(context.Background(), start); err != nil {
				t.Fatal(err)
			}
		}
		d.stop()
		good := 0
		for i, row := range tab.Rows {
			want, errs, _ := convert.PostFromRowNotes(row)
			if len(errs) > 0 != !fr.good(i) {
				t.Fatalf("chunk %d, row %d: errors %v, two-step good %v", chunk, i, errs, fr.good(i))
			}
			if len(errs) > 0 {
				continue
			}
			good++
			a, _ := json.Marshal(want)
			b, _ := json.Marshal(fr.posts[i])
			if string(a) != string(b) {
				t.Fatalf("chunk %d, row %d (line %d):\n one step %s\n two steps %s", chunk, i, row.Line, a, b)
			}
		}
		if good < 300 {
			t.Errorf("chunk %d: only %d good rows compared", chunk, good)
		}
	}
}

// withExtraRows is the generated CSV with extraPostsCSV's rows (rejected,
// repeated and superseded ones) appended under the generated header, and
// its last row twice.
func withExtraRows(t *testing.T, gen []byte) []byte {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(gen)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	extra, err := csv.NewReader(strings.NewReader(extraPostsCSV)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	for _, e := range extra[1:] {
		row := make([]string, len(recs[0]))
		for i, h := range extra[0] {
			k, ok := col[h]
			if !ok {
				t.Fatalf("the generated header has no %s", h)
			}
			row[k] = e[i]
		}
		recs = append(recs, row)
	}
	recs = append(recs, recs[len(recs)-1]) // the edited version once more: a repeat
	var out bytes.Buffer
	w := csv.NewWriter(&out)
	if err := w.WriteAll(recs); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}
