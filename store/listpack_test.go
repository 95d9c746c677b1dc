package store

import (
	"bytes"
	"errors"
	"testing"
)

// TestUnpack: a packed text round-trips, is padded to packPad, passes the
// old form (JSON padded with spaces) through as it is, and refuses a
// damaged one with errPacked, without a panic.
func TestUnpack(t *testing.T) {
	json := []byte(`{"items":[{"post_id":"p1","kind":"job","rank":1,"score":1,"item":{"reasons":["专业对口专业对口专业对口"]}}]}`)
	packed := appendPacked(nil, json)
	if len(packed)%packPad != 0 || packed[0] != packedS2 {
		t.Fatalf("packed text of %d bytes, first byte %#x", len(packed), packed[0])
	}
	if got, err := unpack(nil, packed); err != nil || !bytes.Equal(got, json) {
		t.Fatalf("unpacked %q, %v", got, err)
	}
	old := padSpaces(bytes.Clone(json))
	if got, err := unpack(nil, old); err != nil || !bytes.Equal(got, old) {
		t.Fatalf("the old form unpacked to %q, %v", got, err)
	}
	for name, bad := range map[string][]byte{
		"no length":         {packedS2},
		"length too long":   append([]byte{packedS2, 0xff, 0x7f}, packed[2:]...),
		"block cut short":   append([]byte{packedS2, 10}, packed[2:12]...),
		"block overwritten": append([]byte{packedS2, 8}, bytes.Repeat([]byte{0x5a}, 20)...),
	} {
		if _, err := unpack(nil, bad); !errors.Is(err, errPacked) {
			t.Errorf("%s: %v, want errPacked", name, err)
		}
	}
}
