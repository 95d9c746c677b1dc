package vectorcache

import (
	"bufio"
	"encoding/binary"
	"hash/crc32"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/urumqi-hrss/jobmatch/matcher/engine"
)

func sampleVectors() *engine.PostVectors {
	return &engine.PostVectors{
		Terms:   []string{"会计", "财务", "excel", "", "出纳"},
		DF:      []int32{2, 1, 1, 1, 0},
		Has:     []bool{true, false, true, true},
		IDs:     [][]uint32{{0, 1, 2}, nil, {0}, {3}},
		Weights: [][]float32{{0.5, float32(math.Sqrt(0.5)), math.SmallestNonzeroFloat32}, nil, {1}, {-0}},
	}
}

// What Save writes, Open reads back bit for bit, under its key only.
func TestSaveThenOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vectors.cache")
	c, err := Open(path, "jm 1")
	if err != nil {
		t.Fatalf("a missing file: %v", err)
	}
	if _, ok := c.Vectors("k"); ok {
		t.Fatal("an empty cache found vectors")
	}
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("Save with nothing put wrote a file (%v)", err)
	}
	want := sampleVectors()
	c.PutVectors("k", want)
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	c, err = Open(path, "jm 1")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := c.Vectors("other"); ok {
		t.Fatal("vectors found under another key")
	}
	got, ok := c.Vectors("k")
	if !ok || c.Hits() != 1 {
		t.Fatalf("the saved vectors were not found (%v, %d hits)", ok, c.Hits())
	}
	for i := range want.Weights {
		for j := range want.Weights[i] {
			if math.Float32bits(got.Weights[i][j]) != math.Float32bits(want.Weights[i][j]) {
				t.Fatalf("weight %d/%d read back as %v, want %v", i, j, got.Weights[i][j], want.Weights[i][j])
			}
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("read back\n%+v\nwant\n%+v", got, want)
	}
	if c2, err := Open(path, "jm 2"); err != nil {
		t.Fatalf("another analyzer's file is ignored without an error: %v", err)
	} else if _, ok := c2.Vectors("k"); ok {
		t.Fatal("another analyzer's vectors were used")
	}
	ents, err := os.ReadDir(filepath.Dir(path))
	if err != nil || len(ents) != 1 {
		t.Fatalf("the directory holds %v (%v), want the cache file only", ents, err)
	}
}

// A damaged file of any kind is reported and ignored, never read.
func TestDamagedFileIsIgnored(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "vectors.cache")
	c, _ := Open(path, "jm")
	c.PutVectors("k", sampleVectors())
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	flipped := func(i int) []byte {
		b := []byte(string(good))
		b[i] ^= 0x10
		return b
	}
	cases := map[string][]byte{
		"empty":          {},
		"truncated":      good[:len(good)-7],
		"no checksum":    good[:len(good)-4],
		"flipped header": flipped(3),
		"flipped weight": flipped(len(good) - 6),
		"flipped sum":    flipped(len(good) - 1),
		"other format":   []byte(strings.Replace(string(good), format, "jobmatch-vectorcache-0", 1)),
	}
	for i := 0; i < len(good); i += 7 {
		cases["flipped byte "+strconv.Itoa(i)] = flipped(i)
	}
	for name, b := range cases {
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		c, err := Open(path, "jm")
		if err == nil {
			t.Errorf("%s: no error", name)
		}
		if _, ok := c.Vectors("k"); ok {
			t.Errorf("%s: vectors read from a damaged file", name)
		}
	}
}

// Counts that the checksum cannot catch (a file made to be read) do not
// make decode allocate past the file's size or panic.
func TestForgedCountsAreBounded(t *testing.T) {
	var b []byte
	for _, n := range []uint64{1 << 40, 1 << 20, 3} {
		b = b[:0]
		enc := func(x uint64) {
			for x >= 0x80 {
				b = append(b, byte(x)|0x80)
				x >>= 7
			}
			b = append(b, byte(x))
		}
		str := func(s string) { enc(uint64(len(s))); b = append(b, s...) }
		str(format)
		str("jm")
		str("k")
		enc(0) // terms
		enc(n) // posts
		enc(n) // postings
		b = append(b, 0, 0, 0, 0)
		sum := crcOf(b[:len(b)-4])
		copy(b[len(b)-4:], sum)
		if _, _, _, err := decode(b); err == nil {
			t.Errorf("%d posts in a file of %d bytes: no error", n, len(b))
		}
	}
}

func crcOf(b []byte) []byte {
	var s [4]byte
	binary.LittleEndian.PutUint32(s[:], crc32.Checksum(b, crcTable))
	return s[:]
}

// FuzzDecodeBody: past the checksum (a file made to be read), any bytes
// are read or refused without a panic, and what is read has as many
// vectors as weights lists, each as long as its ids.
func FuzzDecodeBody(f *testing.F) {
	var buf strings.Builder
	w := bufio.NewWriter(&buf)
	if err := encode(w, "jm", "k", sampleVectors()); err != nil {
		f.Fatal(err)
	}
	w.Flush()
	good := []byte(buf.String())
	f.Add(good[:len(good)-4])
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, body []byte) {
		_, _, v, err := decodeBody(body)
		if err != nil {
			return
		}
		if len(v.IDs) != len(v.Has) || len(v.Weights) != len(v.Has) || len(v.DF) != len(v.Terms) {
			t.Fatalf("read %d posts' ids, %d weights lists, %d marks; %d frequencies for %d terms", len(v.IDs), len(v.Weights), len(v.Has), len(v.DF), len(v.Terms))
		}
		for i := range v.IDs {
			if len(v.IDs[i]) != len(v.Weights[i]) || (!v.Has[i] && len(v.IDs[i]) > 0) {
				t.Fatalf("post %d: %d ids, %d weights, counted %v", i, len(v.IDs[i]), len(v.Weights[i]), v.Has[i])
			}
		}
	})
}
