package termcache

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/gob"
	"fmt"
	"hash/crc32"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/urumqi-hrss/jobmatch/store/cachefile"
)

func TestSaveOpenRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "terms.cache")
	c, err := Open(path, "gse-1")
	if err != nil {
		t.Fatalf("open a missing file: %v", err)
	}
	if _, ok := c.Terms("a"); ok {
		t.Fatal("an empty cache answered")
	}
	a := map[string]float64{"会计": 3, "财务": 1}
	b := map[string]float64{"java": 2, "会计": 1}
	c.Put("a", a)
	c.Put("b", b)
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}

	c, err = Open(path, "gse-1")
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]map[string]float64{"a": a, "b": b} {
		got, ok := c.Terms(k)
		if !ok || !maps.Equal(got, want) {
			t.Errorf("Terms(%q) = %v, %v; want %v", k, got, ok, want)
		}
	}
	if used, cut := c.Len(); used != 2 || cut != 0 {
		t.Errorf("Len = %d used, %d cut; want 2, 0", used, cut)
	}

	// Only what a build used is saved: a post gone is dropped.
	c, _ = Open(path, "gse-1")
	c.Terms("b")
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	c, _ = Open(path, "gse-1")
	if _, ok := c.Terms("a"); ok {
		t.Error("an entry no build used was kept")
	}
	if got, ok := c.Terms("b"); !ok || !maps.Equal(got, b) {
		t.Errorf("Terms(b) = %v, %v after a save; want %v", got, ok, b)
	}
}

func TestAnotherAnalyzersFileIsIgnored(t *testing.T) {
	path := filepath.Join(t.TempDir(), "terms.cache")
	c, _ := Open(path, "gse-1")
	c.Put("a", map[string]float64{"会计": 3})
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	c, err := Open(path, "gse-2")
	if err != nil {
		t.Fatalf("another analyzer's file: %v, want it ignored quietly", err)
	}
	if _, ok := c.Terms("a"); ok {
		t.Error("counts cut by another analyzer were used")
	}
}

func TestDamagedFileIsIgnored(t *testing.T) {
	path := filepath.Join(t.TempDir(), "terms.cache")
	c, _ := Open(path, "gse-1")
	c.Put("a", map[string]float64{"会计": 3})
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range [][]byte{b[:len(b)/2], []byte("not a cache")} {
		if err := os.WriteFile(path, bad, 0o600); err != nil {
			t.Fatal(err)
		}
		c, err := Open(path, "gse-1")
		if err == nil {
			t.Errorf("a damaged file (%d bytes) opened without an error", len(bad))
		}
		if _, ok := c.Terms("a"); ok {
			t.Error("a damaged file's counts were used")
		}
		// The build goes on and its save replaces the file.
		c.Put("a", map[string]float64{"会计": 3})
		if err := c.Save(); err != nil {
			t.Fatal(err)
		}
		if c, err = Open(path, "gse-1"); err != nil {
			t.Fatalf("after a save over a damaged file: %v", err)
		}
		if _, ok := c.Terms("a"); !ok {
			t.Error("the file saved over a damaged one lost its counts")
		}
	}
}

// A saved entry comes back sorted by term through SortedTerms, and an
// entry only asked that way is kept by the next save.
func TestSortedTerms(t *testing.T) {
	path := filepath.Join(t.TempDir(), "terms.cache")
	c, _ := Open(path, "gse-1")
	a := map[string]float64{"财务": 1, "java": 2, "会计": 3, "c++": 1}
	c.Put("a", a)
	if _, _, ok := c.SortedTerms("a"); ok {
		t.Error("SortedTerms answered for counts put, not read from the file")
	}
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	for round := range 2 {
		c, _ = Open(path, "gse-1")
		ts, ns, ok := c.SortedTerms("a")
		if !ok || !slices.IsSorted(ts) || len(ts) != len(a) {
			t.Fatalf("round %d: SortedTerms(a) = %q, %v", round, ts, ok)
		}
		if again, _, ok := c.SortedTerms("a"); !ok || !slices.Equal(again, ts) {
			t.Errorf("round %d: SortedTerms(a) asked again = %q, %v", round, again, ok)
		}
		for i, term := range ts {
			if ns[i] != a[term] {
				t.Errorf("round %d: %s counted %v, want %v", round, term, ns[i], a[term])
			}
		}
		if got, ok := c.Terms("a"); !ok || !maps.Equal(got, a) {
			t.Errorf("round %d: Terms after SortedTerms = %v, %v", round, got, ok)
		}
		c.Put("b", map[string]float64{"教师": 1}) // makes the save write
		if err := c.Save(); err != nil {
			t.Fatal(err)
		}
	}
}

// A post's shown words are kept with its counts: absent until put, kept
// (an empty list too) by a save, and carried over by a later save that did
// not ask for them.
func TestShownWordsRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "terms.cache")
	c, _ := Open(path, "gse-1")
	c.Put("a", map[string]float64{"会计": 3, "财务": 1, "会计学": 1})
	c.Put("b", map[string]float64{"java": 2})
	if _, ok := c.Shown("a"); ok {
		t.Fatal("shown words before any were put")
	}
	c.PutShown("a", []string{"会计", "财务"})
	c.PutShown("b", []string{})
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	for range 2 { // the second time: after a save that only asked for the counts
		c, err := Open(path, "gse-1")
		if err != nil {
			t.Fatal(err)
		}
		c.Terms("a")
		c.Terms("b")
		if ws, ok := c.Shown("a"); !ok || !slices.Equal(ws, []string{"会计", "财务"}) {
			t.Errorf("Shown(a) = %q, %v", ws, ok)
		}
		if ws, ok := c.Shown("b"); !ok || len(ws) != 0 {
			t.Errorf("Shown(b) = %q, %v; want none, known", ws, ok)
		}
		c.Put("c", map[string]float64{"教师": 1}) // makes the save write
		if err := c.Save(); err != nil {
			t.Fatal(err)
		}
	}
	// A save with only shown words new writes them.
	c, _ = Open(path, "gse-1")
	c.Terms("c")
	c.PutShown("c", []string{"教师"})
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	c, _ = Open(path, "gse-1")
	if ws, ok := c.Shown("c"); !ok || !slices.Equal(ws, []string{"教师"}) {
		t.Errorf("shown words put alone were not saved: %q, %v", ws, ok)
	}
}

// A file whose shown words point outside its vocabulary is damaged:
// ignored, like one whose counts do.
func TestDamagedShownWordsAreIgnored(t *testing.T) {
	path := filepath.Join(t.TempDir(), "terms.cache")
	d := file{Format: format, Analyzer: "gse-1", Vocab: []string{"会计"}, Keys: []string{"a"},
		Entries: []entry{{Terms: []uint32{0}, Counts: []float64{1}, HasShown: true, Shown: []uint32{7}}}}
	if err := cachefile.Write(path, func(w *bufio.Writer) error { return encode(w, &d) }); err != nil {
		t.Fatal(err)
	}
	c, err := Open(path, "gse-1")
	if err == nil {
		t.Error("a file with shown words out of its vocabulary opened without an error")
	}
	if _, ok := c.Shown("a"); ok {
		t.Error("a damaged file's shown words were used")
	}
	if _, ok := c.Terms("a"); ok {
		t.Error("a damaged file's counts were used")
	}
}

// FuzzOpen: no file content makes Open panic, and whatever it reads is
// safe to look up.
func FuzzOpen(f *testing.F) {
	dir := f.TempDir()
	path := filepath.Join(dir, "seed.cache")
	c, _ := Open(path, "gse-1")
	c.Put("a", map[string]float64{"会计": 3, "财务": 1})
	c.Put("b", map[string]float64{"java": 1})
	c.PutShown("a", []string{"会计"})
	c.PutShown("b", nil)
	if err := c.Save(); err != nil {
		f.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(t.TempDir(), "terms.cache")
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		c, _ := Open(p, "gse-1")
		c.Terms("a")
		c.Terms("")
		c.Shown("a")
		c.Shown("b")
		// The checksum turns away almost every mutation: the layout behind
		// it gets the same bytes with a checksum that matches them.
		if len(data) >= 4 {
			body := data[:len(data)-4]
			decode(binary.LittleEndian.AppendUint32(slices.Clone(body), crc32.Checksum(body, crcTable)))
		}
	})
}

// Counts put sorted are answered at once (sorted and as a map), count as
// cut, and come back from the file in the same order with the same counts,
// beside counts put as a map.
func TestPutSorted(t *testing.T) {
	path := filepath.Join(t.TempDir(), "terms.cache")
	c, _ := Open(path, "gse-1")
	ts, ns := []string{"c++", "java", "会计", "财务"}, []float64{1, 2, 3, 1}
	want := map[string]float64{"c++": 1, "java": 2, "会计": 3, "财务": 1}
	c.PutSorted("a", ts, ns)
	c.Put("b", map[string]float64{"教师": 1})
	if used, cut := c.Len(); used != 2 || cut != 2 {
		t.Errorf("Len after two puts = %d used, %d cut", used, cut)
	}
	if got, gotN, ok := c.SortedTerms("a"); !ok || !slices.Equal(got, ts) || !slices.Equal(gotN, ns) {
		t.Errorf("SortedTerms(a) before a save = %q %v %v", got, gotN, ok)
	}
	if got, ok := c.Terms("a"); !ok || !maps.Equal(got, want) {
		t.Errorf("Terms(a) before a save = %v, %v", got, ok)
	}
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	c, err := Open(path, "gse-1")
	if err != nil {
		t.Fatal(err)
	}
	if got, gotN, ok := c.SortedTerms("a"); !ok || !slices.Equal(got, ts) || !slices.Equal(gotN, ns) {
		t.Errorf("SortedTerms(a) from the file = %q %v %v", got, gotN, ok)
	}
	if got, ok := c.Terms("b"); !ok || !maps.Equal(got, map[string]float64{"教师": 1}) {
		t.Errorf("Terms(b) from the file = %v, %v", got, ok)
	}
}

// Counts put as ids into a shared vocabulary (PutRanked) read back as the
// same terms and counts, before a save and from the file, beside counts
// put sorted and as a map; a post with no terms too.
func TestPutRanked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "terms.cache")
	c, _ := Open(path, "gse-1")
	vocab := []string{"c++", "java", "会计", "教师", "财务"}
	other := []string{"会计", "出纳"}
	c.PutRanked("a", vocab, []uint32{0, 1, 2, 4}, []float64{1, 2, 3, 1})
	c.PutRanked("b", vocab, []uint32{2, 3}, []float64{2, 1})
	c.PutRanked("c", other, []uint32{0, 1}, []float64{1, 4})
	c.PutRanked("d", nil, []uint32{}, []float64{})
	c.PutSorted("e", []string{"java", "出纳"}, []float64{1, 1})
	c.Put("f", map[string]float64{"教师": 2})
	want := map[string]map[string]float64{
		"a": {"c++": 1, "java": 2, "会计": 3, "财务": 1},
		"b": {"会计": 2, "教师": 1},
		"c": {"会计": 1, "出纳": 4},
		"d": {},
		"e": {"java": 1, "出纳": 1},
		"f": {"教师": 2},
	}
	if used, cut := c.Len(); used != len(want) || cut != len(want) {
		t.Errorf("Len after %d puts = %d used, %d cut", len(want), used, cut)
	}
	check := func(when string, c *Cache) {
		t.Helper()
		for _, k := range []string{"a", "b", "c", "d", "e"} {
			ts, ns, ok := c.SortedTerms(k)
			got := map[string]float64{}
			for i, term := range ts {
				if i > 0 && ts[i-1] >= term {
					t.Errorf("%s: SortedTerms(%s) out of order: %q", when, k, ts)
				}
				got[term] = ns[i]
			}
			if !ok || len(ts) != len(ns) || !maps.Equal(got, want[k]) {
				t.Errorf("%s: SortedTerms(%s) = %q %v %v, want %v", when, k, ts, ns, ok, want[k])
			}
		}
		for _, k := range []string{"b", "f"} {
			if got, ok := c.Terms(k); !ok || !maps.Equal(got, want[k]) {
				t.Errorf("%s: Terms(%s) = %v %v, want %v", when, k, got, ok, want[k])
			}
		}
	}
	check("before a save", c)
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	c, err := Open(path, "gse-1")
	if err != nil {
		t.Fatal(err)
	}
	check("from the file", c)
}

// Every count comes back bit for bit: whole ones are written as numbers,
// the rest as their float64 bits.
func TestCountsRoundTripExactly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "terms.cache")
	c, _ := Open(path, "gse-1")
	ns := []float64{1, 2, 3, 0.5, 1.25, 0, -1, 1 << 53, 1<<53 + 2, math.MaxFloat64, math.Inf(1), math.SmallestNonzeroFloat64, 7}
	ts := make([]string, len(ns))
	for i := range ts {
		ts[i] = fmt.Sprintf("t%02d", i)
	}
	c.PutSorted("a", ts, slices.Clone(ns))
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	c, err := Open(path, "gse-1")
	if err != nil {
		t.Fatal(err)
	}
	gotT, gotN, ok := c.SortedTerms("a")
	if !ok || !slices.Equal(gotT, ts) {
		t.Fatalf("SortedTerms(a) = %q, %v", gotT, ok)
	}
	for i := range ns {
		if math.Float64bits(gotN[i]) != math.Float64bits(ns[i]) {
			t.Errorf("count %d came back %v (%#x), want %v (%#x)", i, gotN[i], math.Float64bits(gotN[i]), ns[i], math.Float64bits(ns[i]))
		}
	}
}

// A file of the previous layout (gob's encoding) is ignored with the
// reason, and one with a byte changed anywhere is not read.
func TestOlderLayoutAndFlippedBytesAreIgnored(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "terms.cache")
	old := file{Format: "jobmatch-termcache-2", Analyzer: "gse-1", Vocab: []string{"会计"}, Keys: []string{"a"},
		Entries: []entry{{Terms: []uint32{0}, Counts: []float64{1}}}}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(&old); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Open(path, "gse-1")
	if err == nil || !strings.Contains(err.Error(), "another layout") {
		t.Errorf("a gob file of layout 2 opened with %v, want it ignored as another layout", err)
	}
	if _, ok := c.Terms("a"); ok {
		t.Error("a file of another layout was used")
	}

	c, _ = Open(path, "gse-1")
	c.PutSorted("a", []string{"会计", "财务"}, []float64{3, 1})
	c.PutShown("a", []string{"会计"})
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := range good {
		bad := slices.Clone(good)
		bad[i] ^= 0x10
		if err := os.WriteFile(path, bad, 0o600); err != nil {
			t.Fatal(err)
		}
		c, err := Open(path, "gse-1")
		if err == nil {
			t.Errorf("byte %d of %d changed: the file opened without an error", i, len(good))
		}
		if _, ok := c.Terms("a"); ok {
			t.Errorf("byte %d of %d changed: the file's counts were used", i, len(good))
		}
	}
}
