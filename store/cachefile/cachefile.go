package cachefile

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
)

// Write writes path through encode, into a temporary file beside it that
// is renamed over path once complete. Without fsync: a cache lost to a
// power cut is rebuilt, and the commands that write these files are timed
// by their users.
func Write(path string, encode func(*bufio.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after the rename, there is nothing to remove
	w := bufio.NewWriterSize(tmp, 1<<16)
	if err := encode(w); err != nil {
		tmp.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// Reader takes a cache file's encoding apart: unsigned varints and
// length-prefixed strings over S (the file as a string, whose strings
// then share its memory, or as bytes). The first error sticks, and every
// read after it gives zero values, so a decoder checks Err once at its
// end; a count larger than the bytes left could hold is damage, not a
// reason to allocate.
type Reader[S ~string | ~[]byte] struct {
	S   S
	I   int // the next byte to read
	Err error
}

// Fail records the first damage, at the byte read now, and ends reading.
func (r *Reader[S]) Fail(what string) {
	if r.Err == nil {
		r.Err = fmt.Errorf("damaged at byte %d: %s", r.I, what)
	}
	r.I = len(r.S)
}

// Uint reads an unsigned varint (encoding/binary's).
func (r *Reader[S]) Uint() uint64 {
	var v uint64
	for shift := uint(0); r.I < len(r.S); shift += 7 {
		c := r.S[r.I]
		r.I++
		if shift == 63 && c > 1 {
			break
		}
		v |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return v
		}
	}
	r.Fail("bad number")
	return 0
}

// Bounded reads a number no greater than max.
func (r *Reader[S]) Bounded(max uint64) uint64 {
	v := r.Uint()
	if v > max {
		r.Fail("number out of range")
		return 0
	}
	return v
}

// Length reads a count of items of at least min bytes each.
func (r *Reader[S]) Length(min int) int {
	n := r.Uint()
	if n > uint64((len(r.S)-r.I)/min) {
		r.Fail("count beyond the file's end")
		return 0
	}
	return int(n)
}

// Str reads a length-prefixed string.
func (r *Reader[S]) Str() string {
	n := r.Length(1)
	s := string(r.S[r.I : r.I+n])
	r.I += n
	return s
}
