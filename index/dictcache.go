package index

import (
	"bufio"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"runtime/debug"
	"sync"
	"time"
	"unsafe"

	"github.com/go-ego/gse"
	"github.com/vcaesar/cedar"
)

// The compiled dictionary. Loading DefaultSegmenter from its text (gse's
// AddToken for ~120,000 words: a trie insert, a split into units and a few
// allocations each) costs 0.3–0.5 CPU-s, at the start of every command
// that segments: ingest, serve, batch, recommend --local. What the load
// builds — gse's double-array trie, its token list and this package's side
// table — is plain data, so it is written once to a file of the data
// directory and read back on the next start, straight into the arrays.
//
// gse and cedar keep those fields unexported, so they are read and written
// through reflect and unsafe, guarded three ways: the fields must be
// found with the types expected (else no compiled form is used or made);
// the file's key hashes the dictionary's text and domain words, the load's
// constants, gse's global settings, both modules' versions, every field's
// name, type and offset, and the binary's identity (the code that builds
// what is stored — the text's parsing, the side table, the barriers — is
// in no other part of the key, so every new binary loads the text once and
// writes the file again, as the engine's term cache does); a file from
// another build or layout is not read; and the file is checksummed. A file
// that fails any of it is ignored, the text is loaded as before and the
// file written anew; a read that panics (a file forged with a valid
// checksum) is such a failure too.
// TestCompiledDictionaryMatchesText holds the read-back dictionary to the
// text-loaded one field by field (reflect.DeepEqual over the trie's arrays
// and every token).

// DictionaryCacheFile is the compiled dictionary's file in the directory
// SetDictionaryCache names. It holds the embedded dictionary's and the
// catalog's words, nothing of the data.
const DictionaryCacheFile = "segmenter-dict.cache"

// errOtherDictionary is a compiled dictionary whose key is not this load's.
var errOtherDictionary = errors.New("made from another dictionary, gse or build")

// dictCacheMagic starts the file; its last byte is the format's version.
const dictCacheMagic = "jobmatch/gse-dictionary\x00\x01"

var dictCache struct {
	mu                 sync.Mutex
	dataDir, sharedDir string
	build              string
	log                *slog.Logger
}

// staleTempAge is how old a temporary file of an unfinished write must be
// before a writer removes it: a write takes well under a second, so one
// that old was left by a killed process, not made by a running one.
const staleTempAge = 10 * time.Minute

// SetDictionaryCache names the directories where DefaultSegmenter reads its
// compiled dictionary from, the data directory's first, and writes it to
// after a load from the text: dataDir when it exists (none is made for
// it), and sharedDir, a cache of the user's that every data directory
// shares (made when missing; not making or writing it is only logged at
// DEBUG), so the first command in a new data directory reads the compiled
// form too. The file is the same for every data directory (the embedded
// dictionary and catalog's words, nothing of the data). Either may be
// empty: not used. It takes effect only before DefaultSegmenter's first
// call. build is the binary's identity (its VCS revision, or its size and
// time when built from a modified tree): a file another binary wrote is
// not read. log hears why a file was not used or not written (nil:
// nowhere).
func SetDictionaryCache(dataDir, sharedDir, build string, log *slog.Logger) {
	dictCache.mu.Lock()
	defer dictCache.mu.Unlock()
	dictCache.dataDir, dictCache.sharedDir = dataDir, sharedDir
	dictCache.build, dictCache.log = build, log
}

// loadDefaultSegmenter is DefaultSegmenter's load: from the compiled form
// when a directory SetDictionaryCache named holds a valid one, else from
// the text, writing the compiled form for the next start.
func loadDefaultSegmenter(dict string, domain []string) (*Segmenter, error) {
	dictCache.mu.Lock()
	dataDir, sharedDir := dictCache.dataDir, dictCache.sharedDir
	build, log := dictCache.build, dictCache.log
	dictCache.mu.Unlock()
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if dataDir == "" && sharedDir == "" {
		return NewSegmenter(dict, domain)
	}
	lay, err := gseLayoutOf()
	if err != nil {
		log.Debug("segmenter: no compiled dictionary", "reason", err)
		return NewSegmenter(dict, domain)
	}
	key := lay.key(dict, domain, build)
	if dataDir != "" {
		path := filepath.Join(dataDir, DictionaryCacheFile)
		s, err := readCompiledDictionary(path, lay, key)
		switch {
		case err == nil:
			return s, nil
		case errors.Is(err, os.ErrNotExist):
		case errors.Is(err, errOtherDictionary):
			// Another build's (a new binary, a changed catalog): expected
			// once. Removed, so that a start served from the shared cache
			// below does not find it again on every command; a load from
			// the text writes this build's in its place.
			log.Info("segmenter: compiled dictionary made by another build; not used", "file", path)
			os.Remove(path)
		default:
			log.Warn("segmenter: compiled dictionary not used", "file", path, "err", err)
			os.Remove(path)
		}
	}
	if sharedDir != "" {
		// Not copied into the data directory: read from here, it serves
		// that directory's later commands as well, without 14 MB more.
		path := filepath.Join(sharedDir, DictionaryCacheFile)
		s, err := readCompiledDictionary(path, lay, key)
		if err == nil {
			return s, nil
		}
		if !errors.Is(err, os.ErrNotExist) {
			// Another binary's, as often as not: the user may run several.
			log.Debug("segmenter: shared compiled dictionary not used", "file", path, "err", err)
		}
	}
	s, err := NewSegmenter(dict, domain)
	if err != nil {
		return nil, err
	}
	if fi, err := os.Stat(dataDir); dataDir != "" && err == nil && fi.IsDir() {
		path := filepath.Join(dataDir, DictionaryCacheFile)
		if err := writeCompiledDictionary(path, s, lay, key); err != nil {
			log.Warn("segmenter: compiled dictionary not written", "file", path, "err", err)
		}
	}
	if sharedDir != "" {
		path := filepath.Join(sharedDir, DictionaryCacheFile)
		err := os.MkdirAll(sharedDir, 0o700)
		if err == nil {
			err = writeCompiledDictionary(path, s, lay, key)
		}
		if err != nil {
			log.Debug("segmenter: shared compiled dictionary not written", "file", path, "err", err)
		}
	}
	return s, nil
}

// removeStaleTemps removes the temporary files of writes to dir that a
// killed process left (writeCompiledDictionary's, by their name) once
// they are older than staleTempAge; a younger one may be another
// process's write under way.
func removeStaleTemps(dir string, now time.Time) {
	temps, _ := filepath.Glob(filepath.Join(dir, DictionaryCacheFile+".*"))
	for _, p := range temps {
		if fi, err := os.Lstat(p); err == nil && fi.Mode().IsRegular() && now.Sub(fi.ModTime()) > staleTempAge {
			os.Remove(p)
		}
	}
}

// key is what a compiled dictionary must have been made from to be used:
// the dictionary's text and domain words, the load's constants and gse's
// global settings, the modules' versions, the layout and the machine's word
// order (the arrays are written as they lie in memory).
func (lay *gseLayout) key(dict string, domain []string, build string) [sha256.Size]byte {
	h := sha256.New()
	writeLenString(h, build)
	fmt.Fprintf(h, "%s%s %s %d %v %v %v\n", dictCacheMagic, runtime.GOARCH, runtime.Version(), domainFreq, singleCharFreq, gse.ToLower, lay.signature)
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == "github.com/go-ego/gse" || d.Path == "github.com/vcaesar/cedar" {
				fmt.Fprintf(h, "%s %s %s\n", d.Path, d.Version, d.Sum)
			}
		}
	}
	writeLenString(h, dict)
	binary.Write(h, binary.LittleEndian, uint64(len(domain)))
	for _, w := range domain {
		writeLenString(h, w)
	}
	var k [sha256.Size]byte
	h.Sum(k[:0])
	return k
}

func writeLenString(h hash.Hash, s string) {
	var n [binary.MaxVarintLen64]byte
	h.Write(n[:binary.PutUvarint(n[:], uint64(len(s)))])
	io.WriteString(h, s)
}

// bytesOf is the memory of a slice of plain values (plainType), to copy
// from or into.
func bytesOf(v reflect.Value) []byte {
	n := v.Len() * int(v.Type().Elem().Size())
	if n == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(v.UnsafePointer()), n)
}

// at is the field of type T at offset off of the struct at p.
func at[T any](p unsafe.Pointer, off uintptr) *T { return (*T)(unsafe.Add(p, off)) }

// The file: the magic, the key, then sections, each a uvarint length and
// its bytes; a CRC-32C of everything after the key ends it.
//
//	trie:    each of cedar.Cedar's fields in order, a slice as its length
//	         (uvarint) and its elements' memory, any other as its memory
//	dict:    maxTokenLen, totalFreq's bits, words, domain words (uvarints, 8 bytes)
//	tokens:  their count; per token: units, each unit's length; freq's
//	         bits; its part of speech's index
//	text:    every token's units' bytes, in order
//	pos:     the distinct parts of speech, each length and bytes
//	info:    the side table ([]tokenInfo's memory)
//	barrier: the barrier bitmap's memory

// writeCompiledDictionary writes s's dictionary to path, through a
// temporary file renamed over it (a reader never sees half a file).
func writeCompiledDictionary(path string, s *Segmenter, lay *gseLayout, key [sha256.Size]byte) error {
	if !s.fast {
		return errors.New("the side table failed its check")
	}
	removeStaleTemps(filepath.Dir(path), time.Now())
	f, err := os.CreateTemp(filepath.Dir(path), DictionaryCacheFile+".*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	bw := bufio.NewWriterSize(f, 1<<20)
	bw.WriteString(dictCacheMagic)
	bw.Write(key[:])
	crc := crc32.New(crc32.MakeTable(crc32.Castagnoli))
	w := bufio.NewWriterSize(io.MultiWriter(bw, crc), 1<<16)
	var scratch []byte
	section := func(parts ...[]byte) {
		n := 0
		for _, p := range parts {
			n += len(p)
		}
		scratch = binary.AppendUvarint(scratch[:0], uint64(n))
		w.Write(scratch)
		for _, p := range parts {
			w.Write(p)
		}
	}

	d := s.seg.Dict
	dp := unsafe.Pointer(d)
	section(lay.trieParts(d)...)
	var meta []byte
	meta = binary.AppendUvarint(meta, uint64(*at[int](dp, lay.dictMaxLen)))
	meta = binary.LittleEndian.AppendUint64(meta, math.Float64bits(*at[float64](dp, lay.dictTotal)))
	meta = binary.AppendUvarint(meta, uint64(s.words))
	meta = binary.AppendUvarint(meta, uint64(s.domain))
	section(meta)
	toks, text, pos := lay.encodeTokens(d.Tokens)
	section(toks)
	section(text)
	section(pos)
	section(bytesOf(reflect.ValueOf(s.info)))
	section(bytesOf(reflect.ValueOf(s.barrier[:])))
	if err := w.Flush(); err != nil {
		return err
	}
	bw.Write(binary.LittleEndian.AppendUint32(nil, crc.Sum32()))
	if err := bw.Flush(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// trieParts is the trie's section: each field of cedar.Cedar in order, a
// slice as its length and its elements' memory, any other as its memory.
func (lay *gseLayout) trieParts(d *gse.Dictionary) [][]byte {
	trie := reflect.NewAt(reflect.TypeFor[cedar.Cedar](), unsafe.Pointer(*at[*cedar.Cedar](unsafe.Pointer(d), lay.dictTrie))).Elem()
	var parts [][]byte
	for i, f := range lay.trie {
		p := unsafe.Pointer(trie.Field(i).UnsafeAddr())
		if f.Type.Kind() == reflect.Slice {
			fv := reflect.NewAt(f.Type, p).Elem()
			parts = append(parts, binary.AppendUvarint(nil, uint64(fv.Len())), bytesOf(fv))
			continue
		}
		parts = append(parts, unsafe.Slice((*byte)(p), f.Type.Size()))
	}
	return parts
}

// encodeTokens is the tokens' sections: the tokens (their count, then per
// token its units' count and lengths, its frequency's bits and its part of
// speech's index), the units' bytes, the distinct parts of speech.
func (lay *gseLayout) encodeTokens(tokens []gse.Token) (toks, text, pos []byte) {
	posIDs := map[string]int{}
	var posList []string
	toks = binary.AppendUvarint(toks, uint64(len(tokens)))
	for i := range tokens {
		tp := unsafe.Pointer(&tokens[i])
		units := *at[[]gse.Text](tp, lay.tokText)
		toks = binary.AppendUvarint(toks, uint64(len(units)))
		for _, u := range units {
			toks = binary.AppendUvarint(toks, uint64(len(u)))
			text = append(text, u...)
		}
		toks = binary.LittleEndian.AppendUint64(toks, math.Float64bits(*at[float64](tp, lay.tokFreq)))
		p := *at[string](tp, lay.tokPos)
		id, ok := posIDs[p]
		if !ok {
			id = len(posList)
			posIDs[p] = id
			posList = append(posList, p)
		}
		toks = binary.AppendUvarint(toks, uint64(id))
	}
	pos = binary.AppendUvarint(pos, uint64(len(posList)))
	for _, p := range posList {
		pos = binary.AppendUvarint(pos, uint64(len(p)))
		pos = append(pos, p...)
	}
	return toks, text, pos
}

// readTrie reads the trie's section (trieParts) into a new trie.
func (lay *gseLayout) readTrie(r *dictReader, limit uint64) *cedar.Cedar {
	trieP := new(cedar.Cedar)
	trie := reflect.NewAt(reflect.TypeFor[cedar.Cedar](), unsafe.Pointer(trieP)).Elem()
	r.section(limit)
	for i, f := range lay.trie {
		p := unsafe.Pointer(trie.Field(i).UnsafeAddr())
		if f.Type.Kind() == reflect.Slice {
			n := int(r.uvarint(limit / uint64(max(f.Type.Elem().Size(), 1))))
			sv := reflect.MakeSlice(f.Type, n, n)
			r.full(bytesOf(sv))
			reflect.NewAt(f.Type, p).Elem().Set(sv)
			continue
		}
		r.full(unsafe.Slice((*byte)(p), f.Type.Size()))
	}
	return trieP
}

// decodeTokens makes the tokens of encodeTokens' sections; every token's
// units are slices of text, in order.
func (lay *gseLayout) decodeTokens(toksSec, posSec *sectionParser, text []byte, limit uint64) ([]gse.Token, error) {
	np := posSec.uvarint(math.MaxUint16)
	posList := make([]string, 0, np)
	for range np {
		posList = append(posList, string(posSec.bytes(posSec.uvarint(limit))))
	}
	n := int(toksSec.uvarint(limit / 10)) // a token takes ten bytes at least
	toks := make([]gse.Token, n)
	units := make([]gse.Text, 0, 4*n)
	off := uint64(0)
	for i := range toks {
		if toksSec.err != nil {
			break
		}
		u0 := len(units)
		for range toksSec.uvarint(limit) {
			l := toksSec.uvarint(uint64(len(text)) - off)
			units = append(units, text[off:off+l:off+l])
			off += l
		}
		tp := unsafe.Pointer(&toks[i])
		*at[[]gse.Text](tp, lay.tokText) = units[u0:len(units):len(units)]
		*at[float64](tp, lay.tokFreq) = math.Float64frombits(toksSec.uint64())
		p := toksSec.uvarint(uint64(len(posList)))
		if p == uint64(len(posList)) {
			toksSec.err = errors.New("a part of speech past its table")
			break
		}
		*at[string](tp, lay.tokPos) = posList[p]
	}
	if err := errors.Join(toksSec.err, posSec.err); err != nil {
		return nil, err
	}
	if off != uint64(len(text)) {
		return nil, errors.New("the tokens' units do not cover their text")
	}
	return toks, nil
}

// dictReader reads a compiled dictionary's sections, checksumming them.
type dictReader struct {
	r   io.Reader // the file, through the checksum
	one [1]byte
	err error
}

func (r *dictReader) ReadByte() (byte, error) {
	_, err := io.ReadFull(r.r, r.one[:])
	return r.one[0], err
}

// uvarint reads a uvarint no larger than max.
func (r *dictReader) uvarint(max uint64) uint64 {
	if r.err != nil {
		return 0
	}
	v, err := binary.ReadUvarint(r)
	if err == nil && v > max {
		err = fmt.Errorf("a length of %d past %d", v, max)
	}
	if err != nil {
		r.err = err
		return 0
	}
	return v
}

// full reads exactly len(p) bytes.
func (r *dictReader) full(p []byte) {
	if r.err == nil {
		_, r.err = io.ReadFull(r.r, p)
	}
}

// section reads a section's length, at most max.
func (r *dictReader) section(max uint64) int { return int(r.uvarint(max)) }

// bytes reads a section whole.
func (r *dictReader) bytes(max uint64) []byte {
	b := make([]byte, r.section(max))
	r.full(b)
	return b
}

// sectionParser reads the values of a section read whole.
type sectionParser struct {
	b   []byte
	err error
}

func (p *sectionParser) uvarint(max uint64) uint64 {
	v, n := binary.Uvarint(p.b)
	if n <= 0 || v > max {
		if p.err == nil {
			p.err = errors.New("a section's value is damaged")
		}
		p.b = nil
		return 0
	}
	p.b = p.b[n:]
	return v
}

func (p *sectionParser) uint64() uint64 {
	if len(p.b) < 8 {
		if p.err == nil {
			p.err = errors.New("a section ends early")
		}
		p.b = nil
		return 0
	}
	v := binary.LittleEndian.Uint64(p.b)
	p.b = p.b[8:]
	return v
}

func (p *sectionParser) bytes(n uint64) []byte {
	if uint64(len(p.b)) < n {
		if p.err == nil {
			p.err = errors.New("a section ends early")
		}
		p.b = nil
		return nil
	}
	b := p.b[:n:n]
	p.b = p.b[n:]
	return b
}

// readCompiledDictionary reads a segmenter whose dictionary was written by
// writeCompiledDictionary with the same key; the side table's check then
// runs as after a text load.
func readCompiledDictionary(path string, lay *gseLayout, key [sha256.Size]byte) (s *Segmenter, err error) {
	// The checksum finds damage, not forgery: a file made to pass it with
	// values out of range would panic in the read or the self-check, and
	// is then a file not used like any other.
	defer func() {
		if r := recover(); r != nil {
			s, err = nil, fmt.Errorf("unreadable: %v", r)
		}
	}()
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	// No length in the file is trusted past the file's own size.
	limit := uint64(fi.Size())
	br := bufio.NewReaderSize(f, 1<<16)
	head := make([]byte, len(dictCacheMagic)+len(key))
	if _, err := io.ReadFull(br, head); err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	if string(head[:len(dictCacheMagic)]) != dictCacheMagic {
		return nil, errors.New("not a compiled dictionary of this format")
	}
	if string(head[len(dictCacheMagic):]) != string(key[:]) {
		return nil, errOtherDictionary
	}
	crc := crc32.New(crc32.MakeTable(crc32.Castagnoli))
	r := &dictReader{r: io.TeeReader(br, crc)}

	s = newSegmenterShell()
	d := s.seg.Dict
	dp := unsafe.Pointer(d)
	trie := lay.readTrie(r, limit)
	meta := sectionParser{b: r.bytes(limit)}
	toksSec := sectionParser{b: r.bytes(limit)}
	text := r.bytes(limit)
	posSec := sectionParser{b: r.bytes(limit)}
	info := make([]tokenInfo, r.section(limit)/int(unsafe.Sizeof(tokenInfo{})))
	r.full(bytesOf(reflect.ValueOf(info)))
	if r.section(limit) != len(s.barrier)*8 && r.err == nil {
		r.err = errors.New("the barrier bitmap's size differs")
	}
	r.full(bytesOf(reflect.ValueOf(s.barrier[:])))
	if r.err != nil {
		return nil, r.err
	}
	var sum [4]byte
	if _, err := io.ReadFull(br, sum[:]); err != nil || binary.LittleEndian.Uint32(sum[:]) != crc.Sum32() {
		return nil, errors.New("checksum mismatch")
	}

	*at[*cedar.Cedar](dp, lay.dictTrie) = trie
	*at[int](dp, lay.dictMaxLen) = int(meta.uvarint(math.MaxInt32))
	*at[float64](dp, lay.dictTotal) = math.Float64frombits(meta.uint64())
	s.words = int(meta.uvarint(limit))
	s.domain = int(meta.uvarint(limit))
	toks, err := lay.decodeTokens(&toksSec, &posSec, text, limit)
	if err != nil {
		return nil, err
	}
	if meta.err != nil || len(info) != len(toks) {
		return nil, errors.New("sections of different sizes")
	}
	d.Tokens = toks
	s.dictTokens = toks
	s.info = info
	s.fast = s.selfCheck()
	if !s.fast {
		return nil, errors.New("the side table failed its check")
	}
	s.finishLoad()
	return s, nil
}
