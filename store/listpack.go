package store

import (
	"encoding/binary"
	"errors"
	"slices"

	"github.com/klauspost/compress/s2"
)

// A list's plain text is JSON, mostly Chinese reasons that repeat from
// item to item and list to list, and a sealed box does not compress: it
// went to disk at its full size (8.7 KB on average on the generated set,
// padded to 10 KB: PostgreSQL's TOAST cannot shrink it, and a run wrote
// 300 MB). So the plain text is compressed before it is sealed, and the
// padding is taken over the compressed bytes. S2 (klauspost/compress, a
// Snappy extension) compresses a list of 8.7 KB to 2.4 KB on average,
// zstd's fastest level to 2.0 KB, but S2 costs a third of zstd's CPU to
// compress and half to decompress (benchmarks/RESULTS.md, helper
// pgseal): the batch compresses every list on the two cores the lists
// are computed on, and the API decompresses one a request.
//
// The plain text's first byte says its form: '{' is the JSON itself,
// padded with spaces (every box sealed before; still read), packedS2 is
// an S2 block after its length (a uvarint), padded with zeros. Another
// compression would take another first byte.
const packedS2 = 0x01

// packPad is the size a compressed list's plain text is padded to a
// multiple of. The JSON was padded to 2 KB for lists of 5.5–17 KB; the
// compressed lists are 3.6 times smaller, and 512 bytes keeps the
// padding about as coarse relative to a list (docs/security.md).
const packPad = 512

// maxPlain bounds what a box may unpack to: a list is tens of KB (a
// --limit of 100 items about 100 KB); a box that claims more is refused
// rather than allocated.
const maxPlain = 64 << 20

// appendPacked appends plain's packed form to dst: packedS2, the block's
// length, the block, and zeros up to a multiple of packPad. The block is
// compressed into dst's spare room and moved down after its length.
func appendPacked(dst, plain []byte) []byte {
	start, max := len(dst), s2.MaxEncodedLen(len(plain))
	mark := start + 1 + binary.MaxVarintLen64
	dst = slices.Grow(dst, mark-start+max+packPad)
	block := s2.Encode(dst[mark:mark+max], plain)
	dst = append(dst, packedS2)
	dst = binary.AppendUvarint(dst, uint64(len(block)))
	dst = append(dst, block...) // append moves overlapping bytes as memmove does
	if r := (len(dst) - start) % packPad; r != 0 {
		dst = append(dst, make([]byte, packPad-r)...)
	}
	return dst
}

var errPacked = errors.New("the list's compressed text is damaged")

// unpack returns a box's JSON: plain itself in the form sealed before
// lists were compressed, or its block decompressed into dst's array when
// it has room (else a new one).
func unpack(dst, plain []byte) ([]byte, error) {
	if len(plain) == 0 || plain[0] != packedS2 {
		return plain, nil
	}
	n, w := binary.Uvarint(plain[1:])
	if w <= 0 || n > uint64(len(plain)-1-w) {
		return nil, errPacked
	}
	block := plain[1+w : 1+w+int(n)]
	if size, err := s2.DecodedLen(block); err != nil || size > maxPlain {
		return nil, errPacked
	}
	out, err := s2.Decode(dst[:cap(dst)], block)
	if err != nil {
		return nil, errors.Join(errPacked, err)
	}
	return out, nil
}
