package vectorcache

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"math"
	"os"
	"sync"

	"github.com/urumqi-hrss/jobmatch/matcher/engine"
	"github.com/urumqi-hrss/jobmatch/store/cachefile"
)

// format names the file's layout; a file of another is ignored.
const format = "jobmatch-vectorcache-1"

// Cache is one file's vectors, asked by an engine build (it satisfies
// engine.VectorStore) and then saved when the build computed others.
type Cache struct {
	path, analyzer string

	mu     sync.Mutex
	key    string // the file's key; "" when there is no usable file
	v      *engine.PostVectors
	putKey string
	put    *engine.PostVectors // what a build handed over since Open
	hits   int                 // Vectors calls answered
}

// Open reads the cache at path, made by analyzer. A missing, unreadable or
// foreign file (another format or analyzer) gives an empty cache and the
// reason it was not used (nil when the file is simply not there yet, or
// was made by another analyzer: another build of jobmatch).
func Open(path, analyzer string) (*Cache, error) {
	c := &Cache{path: path, analyzer: analyzer}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return c, nil
	}
	if err != nil {
		return c, fmt.Errorf("vector cache %s: %w", path, err)
	}
	a, key, v, err := decode(b)
	switch {
	case err != nil:
		return c, fmt.Errorf("vector cache %s: not readable, ignored: %w", path, err)
	case a != analyzer:
		return c, nil
	}
	c.key, c.v = key, v
	return c, nil
}

// Vectors returns the file's vectors when they were kept under key
// (engine.VectorStore).
func (c *Cache) Vectors(key string) (*engine.PostVectors, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.v == nil || c.key != key {
		return nil, false
	}
	c.hits++
	return c.v, true
}

// Hits is how many times Vectors answered since Open (for the command's
// log; the engine may still have found an answer unfit and computed the
// vectors: then it put them).
func (c *Cache) Hits() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.hits
}

// Put reports whether a build handed vectors over that are not saved yet.
func (c *Cache) Put() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.put != nil
}

// PutVectors takes a build's vectors for Save (engine.VectorStore).
func (c *Cache) PutVectors(key string, v *engine.PostVectors) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.putKey, c.put = key, v
}

// Save writes the vectors put since Open over the file, if any were.
func (c *Cache) Save() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.put == nil {
		return nil
	}
	if err := cachefile.Write(c.path, func(w *bufio.Writer) error { return encode(w, c.analyzer, c.putKey, c.put) }); err != nil {
		return fmt.Errorf("vector cache %s: %w", c.path, err)
	}
	c.key, c.v, c.put = c.putKey, c.put, nil
	return nil
}

// The layout, every integer an unsigned varint:
//
//	len(format) format  len(analyzer) analyzer  len(key) key
//	len(Terms) { len(term) term }…  DF…
//	len(Has) postings (the sum of the vectors' lengths)
//	{ 0 | 1+len(IDs[i]) [ id deltas… weights… ] }…
//	CRC-32C of everything before it (4 bytes, little-endian)
//
// A vector's ids ascend: the first is written as is, each next as its
// difference from the one before. A weight is its float32's 4 bytes
// (little-endian), so it comes back bit for bit.

var crcTable = crc32.MakeTable(crc32.Castagnoli)

func encode(w *bufio.Writer, analyzer, key string, v *engine.PostVectors) error {
	var postings int
	for _, ids := range v.IDs {
		postings += len(ids)
	}
	var buf []byte
	crc := uint32(0)
	var err error
	flush := func() {
		if err == nil {
			crc = crc32.Update(crc, crcTable, buf)
			_, err = w.Write(buf)
		}
		buf = buf[:0]
	}
	uv := func(x uint64) { buf = binary.AppendUvarint(buf, x) }
	str := func(s string) { uv(uint64(len(s))); buf = append(buf, s...) }
	str(format)
	str(analyzer)
	str(key)
	uv(uint64(len(v.Terms)))
	for _, t := range v.Terms {
		str(t)
		if len(buf) >= 1<<15 {
			flush()
		}
	}
	for _, df := range v.DF {
		uv(uint64(df))
	}
	uv(uint64(len(v.Has)))
	uv(uint64(postings))
	for i, has := range v.Has {
		if !has {
			uv(0)
			continue
		}
		ids := v.IDs[i]
		uv(1 + uint64(len(ids)))
		prev := uint32(0)
		for _, id := range ids {
			uv(uint64(id - prev))
			prev = id
		}
		for _, x := range v.Weights[i] {
			buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(x))
		}
		if len(buf) >= 1<<15 {
			flush()
		}
	}
	flush()
	if err != nil {
		return err
	}
	var sum [4]byte
	binary.LittleEndian.PutUint32(sum[:], crc)
	_, err = w.Write(sum[:])
	return err
}

// decode reads a file written by encode. The terms share one copy of
// their part of b (a copy of the whole, 11 MB on the generated set, cost
// a few hundredths of a second in page faults alone).
// Nothing in b makes it allocate more than b's size allows, or panic; the
// vectors' consistency with one another and with the posts is the
// engine's to check.
func decode(b []byte) (analyzer, key string, v *engine.PostVectors, err error) {
	if len(b) < 4 {
		return "", "", nil, errors.New("too short")
	}
	body := b[:len(b)-4]
	if crc32.Checksum(body, crcTable) != binary.LittleEndian.Uint32(b[len(b)-4:]) {
		return "", "", nil, errors.New("checksum mismatch")
	}
	return decodeBody(body)
}

// decodeBody reads what the checksum covers.
func decodeBody(body []byte) (analyzer, key string, v *engine.PostVectors, err error) {
	r := cachefile.Reader[[]byte]{S: body}
	if f := r.Str(); r.Err == nil && f != format {
		return "", "", nil, fmt.Errorf("not a %s file", format)
	}
	analyzer, key = r.Str(), r.Str()
	v = &engine.PostVectors{Terms: make([]string, r.Length(1))}
	spans := make([][2]int, len(v.Terms)) // each term's bytes in body
	start := r.I
	for i := range v.Terms {
		n := r.Length(1)
		spans[i] = [2]int{r.I, r.I + n}
		r.I += n
	}
	if r.Err != nil {
		return "", "", nil, r.Err
	}
	terms := string(body[start:r.I])
	for i, sp := range spans {
		v.Terms[i] = terms[sp[0]-start : sp[1]-start]
	}
	v.DF = make([]int32, len(v.Terms))
	for i := range v.DF {
		v.DF[i] = int32(r.Bounded(math.MaxInt32))
	}
	n := r.Length(1)
	postings := r.Length(5) // a posting is an id (1 byte at least) and a weight (4)
	if r.Err != nil {
		return "", "", nil, r.Err
	}
	v.Has, v.IDs, v.Weights = make([]bool, n), make([][]uint32, n), make([][]float32, n)
	allIDs, allW := make([]uint32, postings), make([]float32, postings)
	for i := range n {
		k := r.Bounded(uint64(len(allIDs)) + 1)
		if k == 0 {
			continue
		}
		k--
		v.Has[i] = true
		ids, ws := allIDs[:k:k], allW[:k:k]
		allIDs, allW = allIDs[k:], allW[k:]
		prev := uint64(0)
		for j := range ids {
			prev += r.Uint()
			if prev > math.MaxUint32 {
				r.Fail("term id out of range")
			}
			ids[j] = uint32(prev)
		}
		if len(r.S)-r.I < 4*int(k) {
			r.Fail("weights beyond the file's end")
		}
		if r.Err != nil {
			return "", "", nil, r.Err
		}
		for j := range ws {
			s := r.S[r.I : r.I+4]
			ws[j] = math.Float32frombits(uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24)
			r.I += 4
		}
		v.IDs[i], v.Weights[i] = ids, ws
	}
	if r.Err == nil && (r.I != len(r.S) || len(allIDs) != 0) {
		r.Fail("trailing bytes or postings")
	}
	if r.Err != nil {
		return "", "", nil, r.Err
	}
	return analyzer, key, v, nil
}
