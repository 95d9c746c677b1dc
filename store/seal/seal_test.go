package seal

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"
)

func TestParseKey(t *testing.T) {
	key := bytes.Repeat([]byte{0xab}, 32)
	cases := []struct {
		name, value string
		ok          bool
	}{
		{"empty", "", false},
		{"hex", hex.EncodeToString(key), true},
		{"hex upper", strings.ToUpper(hex.EncodeToString(key)), true},
		{"base64", base64.StdEncoding.EncodeToString(key), true},
		{"base64 raw url", base64.RawURLEncoding.EncodeToString(key), true},
		{"short hex", hex.EncodeToString(key[:16]), false},
		{"long base64", base64.StdEncoding.EncodeToString(append(key, 1)), false},
		{"garbage", "not a key!", false},
	}
	for _, tc := range cases {
		got, err := ParseKey(tc.value)
		if tc.ok != (err == nil) {
			t.Fatalf("%s: err = %v", tc.name, err)
		}
		if tc.ok && !bytes.Equal(got, key) {
			t.Fatalf("%s: key = %x", tc.name, got)
		}
		if !tc.ok && tc.value != "" && strings.Contains(err.Error(), tc.value) {
			t.Fatalf("%s: the error echoes the value: %v", tc.name, err)
		}
	}
	if k, err := ParseKey(NewKey()); err != nil || len(k) != KeySize {
		t.Fatalf("NewKey does not parse: %v", err)
	}
}

func ring(t *testing.T, cur byte, prev ...byte) *Keyring {
	t.Helper()
	var ps [][]byte
	for _, p := range prev {
		ps = append(ps, bytes.Repeat([]byte{p}, 32))
	}
	r, err := New(bytes.Repeat([]byte{cur}, 32), ps...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestSealOpen(t *testing.T) {
	a := ring(t, 1)
	plain := []byte("650102200301010011 13800138000 阿依古丽")
	box := a.Seal(plain, []byte("G1"))
	if bytes.Contains(box, plain[:18]) || bytes.Contains(box, []byte("13800138000")) {
		t.Fatal("the box holds the plain text")
	}
	got, err := a.Open(box, []byte("G1"))
	if err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("open: %q %v", got, err)
	}
	if bytes.Equal(box, a.Seal(plain, []byte("G1"))) {
		t.Fatal("two seals of the same text are equal: the nonce is not random")
	}
	if _, err := a.Open(box, []byte("G2")); err != ErrOpen {
		t.Fatalf("box opened as another record's: %v", err)
	}
	tampered := bytes.Clone(box)
	tampered[len(tampered)-1] ^= 1
	if _, err := a.Open(tampered, []byte("G1")); err != ErrOpen {
		t.Fatalf("tampered box opened: %v", err)
	}
	for _, short := range [][]byte{nil, {2}, {2, 1, 2}, {1}, {9, 9, 9, 9, 9, 9}} {
		if _, err := a.Open(short, nil); err != ErrOpen {
			t.Fatalf("open %v: %v", short, err)
		}
	}
	if _, err := ring(t, 2).Open(box, []byte("G1")); err != ErrOpen {
		t.Fatalf("another key opened the box: %v", err)
	}
}

// TestOpenAppend: the plain text lands after dst's bytes, in dst's array
// when it has room, for either box version and either key of a ring mid
// rotation; a box that does not open returns nothing.
func TestOpenAppend(t *testing.T) {
	old, now := ring(t, 1), ring(t, 2, 1)
	k := old.current
	nonce := bytes.Repeat([]byte{5}, k.aead.NonceSize())
	v1box := k.aead.Seal(append([]byte{v1}, nonce...), nonce, []byte("legacy"), []byte("G1"))
	for _, c := range []struct {
		box  []byte
		want string
	}{{old.Seal([]byte("older key"), []byte("G1")), "older key"}, {now.Seal([]byte("current key"), []byte("G1")), "current key"}, {v1box, "legacy"}} {
		dst := make([]byte, 3, 64)
		copy(dst, "ab:")
		got, err := now.OpenAppend(dst, c.box, []byte("G1"))
		if err != nil || string(got) != "ab:"+c.want {
			t.Fatalf("OpenAppend: %q %v, want %q", got, err, "ab:"+c.want)
		}
		if &got[0] != &dst[0] {
			t.Fatal("OpenAppend allocated though dst had room")
		}
		if got, err := now.OpenAppend(dst, c.box, []byte("G2")); err != ErrOpen || got != nil {
			t.Fatalf("another record's box opened: %q %v", got, err)
		}
	}
}

// TestRotationRing: a ring with a new current key and the old one reads
// both keys' boxes, seals with the new one only, and tells them apart.
func TestRotationRing(t *testing.T) {
	old := ring(t, 1)
	both := ring(t, 2, 1)
	oldBox := old.Seal([]byte("x"), nil)
	if both.Current(oldBox) || !old.Current(oldBox) {
		t.Fatal("Current does not tell the keys apart")
	}
	if got, err := both.Open(oldBox, nil); err != nil || string(got) != "x" {
		t.Fatalf("rotating ring cannot open the old key's box: %v", err)
	}
	newBox := both.Seal([]byte("y"), nil)
	if !both.Current(newBox) {
		t.Fatal("the new box is not under the current key")
	}
	if _, err := old.Open(newBox, nil); err != ErrOpen {
		t.Fatal("the old key opened the new box")
	}
	if !both.Knows(old.Check()) || !both.IsCurrent(ring(t, 2).Check()) || both.IsCurrent(old.Check()) || old.Knows(both.Check()) {
		t.Fatal("check values do not identify the keys")
	}
	if macs := both.MACs("nid", []byte("1")); len(macs) != 2 || !bytes.Equal(macs[1], old.MAC("nid", []byte("1"))) {
		t.Fatal("MACs does not cover the previous key")
	}
	if bytes.Equal(old.MAC("nid", []byte("1")), old.MAC("phone", []byte("1"))) {
		t.Fatal("labels do not separate hashes")
	}
	if ring(t, 2, 2).previous != nil {
		t.Fatal("the current key repeated as previous is kept twice")
	}
	if _, err := New([]byte("short")); err == nil {
		t.Fatal("a short key was accepted")
	}
}

// TestVersion1Boxes: boxes store/postgres wrote before boxes carried a key
// id (version, nonce, ciphertext) still open, with any key of the ring.
func TestVersion1Boxes(t *testing.T) {
	old := ring(t, 1)
	k := old.current
	nonce := bytes.Repeat([]byte{3}, k.aead.NonceSize())
	box := append([]byte{v1}, nonce...)
	box = k.aead.Seal(box, nonce, []byte("legacy"), []byte("G1"))
	for _, r := range []*Keyring{old, ring(t, 2, 1)} {
		if got, err := r.Open(box, []byte("G1")); err != nil || string(got) != "legacy" {
			t.Fatalf("version 1 box: %q %v", got, err)
		}
		if r.Current(box) {
			t.Fatal("a version 1 box counts as current: rotation would skip it")
		}
	}
}

// FuzzParseKey: any text either decodes to exactly 32 bytes or is refused;
// nothing panics.
func FuzzParseKey(f *testing.F) {
	f.Add(strings.Repeat("ab", 32))
	f.Add("q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80=")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		k, err := ParseKey(s)
		if err == nil && len(k) != KeySize {
			t.Fatalf("ParseKey(%q) = %d bytes", s, len(k))
		}
	})
}

// FuzzOpen: no box, however malformed, panics or opens.
func FuzzOpen(f *testing.F) {
	r, _ := New(bytes.Repeat([]byte{1}, 32))
	f.Add(r.Seal([]byte("x"), []byte("G1")), []byte("G1"))
	f.Add([]byte{1, 2, 3}, []byte(nil))
	f.Fuzz(func(t *testing.T, box, aad []byte) {
		if plain, err := r.Open(box, aad); err == nil && string(plain) != "x" {
			t.Fatalf("a forged box opened: %q", plain)
		}
	})
}

// TestSubkeys: a derived key is the same for the same data key and label
// (every process, every replica), differs by label and by data key, is
// never the data key itself, and a ring mid-rotation lists the current
// key's first and the previous key's after it.
func TestSubkeys(t *testing.T) {
	a, b := bytes.Repeat([]byte{0xa1}, 32), bytes.Repeat([]byte{0xb2}, 32)
	ra, _ := New(a)
	ra2, _ := New(a)
	rb, _ := New(b)
	rba, _ := New(b, a)
	x, y := ra.Subkeys("api/device-cookie"), ra2.Subkeys("api/device-cookie")
	if len(x) != 1 || len(x[0]) != 32 || !bytes.Equal(x[0], y[0]) {
		t.Fatalf("the same key and label derive %x and %x", x, y)
	}
	if bytes.Equal(x[0], ra.Subkeys("other")[0]) || bytes.Equal(x[0], rb.Subkeys("api/device-cookie")[0]) || bytes.Equal(x[0], a) {
		t.Fatal("a derived key equals another label's, another data key's, or the data key")
	}
	mid := rba.Subkeys("api/device-cookie")
	if len(mid) != 2 || !bytes.Equal(mid[0], rb.Subkeys("api/device-cookie")[0]) || !bytes.Equal(mid[1], x[0]) {
		t.Fatal("a ring mid-rotation does not list the current key's subkey first and the previous key's after it")
	}
}
