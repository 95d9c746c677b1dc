package termcache

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math"

	"github.com/urumqi-hrss/jobmatch/store/cachefile"
)

// The file is the package's own encoding of a file value, not gob's: gob
// wrote the generated set's 11 MB through reflection into one buffer that
// grew by doubling, a third of a second of the single core `jobmatch
// ingest posts` ends on, and decoding it was a few tenths of a second of
// every `recommend --local` and batch. The layout, every integer an
// unsigned varint:
//
//	len(Format) Format len(Analyzer) Analyzer
//	len(Vocab) { len(term) term }…
//	len(Keys) { len(key) key }…
//	len(Entries) { len(Terms) id… count… hasShown [len(Shown) id…] }…
//	CRC-32C of everything before it (4 bytes, little-endian)
//
// A count is its value when that is a whole number from 1 to 2^53 (every
// count the engine puts is one: a sum of its texts' weights), else 0 and
// the float64's 8 bytes (little-endian): any count comes back bit for bit.
// The checksum makes a damaged file one that is not read, rather than
// counts read wrong.

// errFormat is a file of another layout (an older jobmatch's, or not a
// term cache at all).
var errFormat = errors.New("another layout")

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// maxExactCount is the largest whole count a varint carries (2^53: every
// whole number up to it is a float64 exactly).
const maxExactCount = 1 << 53

// encode writes d to w.
func encode(w *bufio.Writer, d *file) error {
	e := encoder{w: w}
	e.str(d.Format)
	e.str(d.Analyzer)
	e.uint(uint64(len(d.Vocab)))
	for _, t := range d.Vocab {
		e.str(t)
	}
	e.uint(uint64(len(d.Keys)))
	for _, k := range d.Keys {
		e.str(k)
	}
	e.uint(uint64(len(d.Entries)))
	for i := range d.Entries {
		en := &d.Entries[i]
		e.uint(uint64(len(en.Terms)))
		for _, id := range en.Terms {
			e.uint(uint64(id))
		}
		for _, n := range en.Counts {
			e.count(n)
		}
		if !en.HasShown {
			e.uint(0)
			continue
		}
		e.uint(1)
		e.uint(uint64(len(en.Shown)))
		for _, id := range en.Shown {
			e.uint(uint64(id))
		}
	}
	e.flush()
	var sum [4]byte
	binary.LittleEndian.PutUint32(sum[:], e.crc)
	_, err := w.Write(sum[:])
	if e.err != nil {
		return e.err
	}
	return err
}

// encoder appends to a small buffer, handing it to the writer (and the
// checksum) when it fills.
type encoder struct {
	w   *bufio.Writer
	buf []byte
	crc uint32
	err error
}

func (e *encoder) uint(v uint64) {
	e.buf = binary.AppendUvarint(e.buf, v)
	if len(e.buf) >= 1<<15 {
		e.flush()
	}
}

func (e *encoder) str(s string) {
	e.uint(uint64(len(s)))
	e.buf = append(e.buf, s...)
	if len(e.buf) >= 1<<15 {
		e.flush()
	}
}

func (e *encoder) count(n float64) {
	if n >= 1 && n <= maxExactCount && n == math.Trunc(n) {
		e.uint(uint64(n))
		return
	}
	e.uint(0)
	e.buf = binary.LittleEndian.AppendUint64(e.buf, math.Float64bits(n))
}

func (e *encoder) flush() {
	if e.err == nil {
		e.crc = crc32.Update(e.crc, crcTable, e.buf)
		_, e.err = e.w.Write(e.buf)
	}
	e.buf = e.buf[:0]
}

// decode reads a file written by encode. Its strings share one copy of b
// (a term is a substring of it, not an allocation of its own). Nothing in
// b makes it allocate more than b's size allows, or panic.
func decode(b []byte) (*file, error) {
	if len(b) < 4 {
		return nil, errors.New("too short")
	}
	body := b[:len(b)-4]
	if crc32.Checksum(body, crcTable) != binary.LittleEndian.Uint32(b[len(b)-4:]) {
		// A file of another layout fails here too: tell which it is.
		if !hasHead(body) {
			return nil, fmt.Errorf("%w: not a %s file", errFormat, format)
		}
		return nil, errors.New("checksum mismatch")
	}
	r := reader{cachefile.Reader[string]{S: string(body)}}
	d := &file{Format: r.Str()}
	if r.Err == nil && d.Format != format {
		return nil, fmt.Errorf("%w: not a %s file", errFormat, format)
	}
	d.Analyzer = r.Str()
	d.Vocab = r.strs()
	d.Keys = r.strs()
	n := r.Length(2) // an entry is at least two bytes: no terms, no shown words
	if r.Err != nil {
		return nil, r.Err
	}
	// The count is checked against the bytes left, but an entry takes some
	// 80 bytes in memory for its 2 on disk: the slice grows as entries are
	// read, so a forged count costs no more than the entries really there.
	d.Entries = make([]entry, 0, min(n, 1<<16))
	for range n {
		d.Entries = append(d.Entries, entry{})
		en := &d.Entries[len(d.Entries)-1]
		k := r.Length(2) // an id and a count, one byte each at least
		en.Terms, en.Counts = make([]uint32, k), make([]float64, k)
		for j := range k {
			en.Terms[j] = r.id()
		}
		for j := range k {
			en.Counts[j] = r.count()
		}
		switch r.Uint() {
		case 0:
		case 1:
			en.HasShown = true
			en.Shown = make([]uint32, r.Length(1))
			for j := range en.Shown {
				en.Shown[j] = r.id()
			}
		default:
			r.Fail("bad shown-words mark")
		}
		if r.Err != nil {
			return nil, r.Err
		}
	}
	if r.Err == nil && r.I != len(r.S) {
		r.Fail("trailing bytes")
	}
	return d, r.Err
}

// hasHead reports whether b starts as this layout's files do.
func hasHead(b []byte) bool {
	r := reader{cachefile.Reader[string]{S: string(b[:min(len(b), len(format)+binary.MaxVarintLen64)])}}
	return r.Str() == format && r.Err == nil
}

// reader is a cachefile.Reader with this format's own reads.
type reader struct{ cachefile.Reader[string] }

func (r *reader) strs() []string {
	out := make([]string, r.Length(1))
	for i := range out {
		out[i] = r.Str()
	}
	return out
}

func (r *reader) id() uint32 {
	v := r.Uint()
	if v > math.MaxUint32 {
		r.Fail("term id out of range")
		return 0
	}
	return uint32(v)
}

func (r *reader) count() float64 {
	v := r.Uint()
	if v != 0 {
		return float64(v)
	}
	if len(r.S)-r.I < 8 {
		r.Fail("count beyond the file's end")
		return 0
	}
	var b [8]byte
	copy(b[:], r.S[r.I:r.I+8])
	r.I += 8
	return math.Float64frombits(binary.LittleEndian.Uint64(b[:]))
}
