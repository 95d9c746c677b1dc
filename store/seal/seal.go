package seal

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
)

// KeySize is the length of a data key in bytes.
const KeySize = 32

// ParseKey decodes a data key written as 64 hex digits or as base64
// (standard or URL alphabet, padded or not). Errors never echo the value.
func ParseKey(v string) ([]byte, error) {
	if len(v) == 2*KeySize {
		if k, err := hex.DecodeString(v); err == nil {
			return k, nil
		}
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if k, err := enc.DecodeString(v); err == nil {
			if len(k) != KeySize {
				return nil, fmt.Errorf("data key decodes to %d bytes, want %d", len(k), KeySize)
			}
			return k, nil
		}
	}
	return nil, fmt.Errorf("data key is neither 64 hex digits nor base64 of %d bytes", KeySize)
}

// NewKey returns a fresh random data key, hex-encoded.
func NewKey() string {
	b := make([]byte, KeySize)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go ≥ 1.24)
	return hex.EncodeToString(b)
}

// key is one data key's derived material.
type key struct {
	id     [4]byte
	check  []byte
	aead   cipher.AEAD
	macKey []byte
}

func derive(master []byte, label string) []byte {
	m := hmac.New(sha256.New, master)
	m.Write([]byte("jobmatch/v1/" + label))
	return m.Sum(nil)
}

func newKey(master []byte) (*key, error) {
	if len(master) != KeySize {
		return nil, fmt.Errorf("data key is %d bytes, want %d", len(master), KeySize)
	}
	block, err := aes.NewCipher(derive(master, "encrypt"))
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	k := &key{aead: aead, macKey: derive(master, "mac")}
	// The check value is the keyed hash of nothing under the label
	// "key-check": what store/postgres has kept since its first version.
	k.check = k.mac("key-check", nil)
	copy(k.id[:], k.check)
	return k, nil
}

func (k *key) mac(label string, data []byte) []byte {
	m := hmac.New(sha256.New, k.macKey)
	m.Write([]byte(label))
	m.Write([]byte{0})
	m.Write(data)
	return m.Sum(nil)
}

// Keyring seals with its current key and opens boxes of the current key or
// of any previous key it was given. It is safe for concurrent use.
type Keyring struct {
	current  *key
	previous []*key
}

// New returns a keyring sealing with current, able to open what any of
// previous sealed (a rotation in progress).
func New(current []byte, previous ...[]byte) (*Keyring, error) {
	c, err := newKey(current)
	if err != nil {
		return nil, err
	}
	r := &Keyring{current: c}
	for i, p := range previous {
		k, err := newKey(p)
		if err != nil {
			return nil, fmt.Errorf("previous data key %d: %w", i+1, err)
		}
		if k.id == c.id {
			continue // the same key given twice
		}
		r.previous = append(r.previous, k)
	}
	return r, nil
}

// Check is the current key's check value: a store keeps the check of the
// key its data is under and compares it at open.
func (r *Keyring) Check() []byte { return bytes.Clone(r.current.check) }

// ID names the current key in logs and messages: 8 hex digits, derived from
// the key but revealing nothing of it.
func (r *Keyring) ID() string { return hex.EncodeToString(r.current.id[:]) }

// Knows reports whether check is the check value of one of the ring's keys.
func (r *Keyring) Knows(check []byte) bool {
	if bytes.Equal(check, r.current.check) {
		return true
	}
	for _, k := range r.previous {
		if bytes.Equal(check, k.check) {
			return true
		}
	}
	return false
}

// IsCurrent reports whether check is the current key's check value.
func (r *Keyring) IsCurrent(check []byte) bool { return bytes.Equal(check, r.current.check) }

const (
	v1 = 1 // version, nonce, box (store/postgres before rotation)
	v2 = 2 // version, key id, nonce, box
)

// Seal encrypts plain with the current key, bound to aad.
func (r *Keyring) Seal(plain, aad []byte) []byte {
	k := r.current
	n := k.aead.NonceSize()
	out := make([]byte, 1+4+n, 1+4+n+len(plain)+k.aead.Overhead())
	out[0] = v2
	copy(out[1:5], k.id[:])
	_, _ = rand.Read(out[5:])
	return k.aead.Seal(out, out[5:], plain, aad)
}

// ErrOpen is the error of a box that does not open: another key, another
// record's box, or tampering. It names nothing of the box.
var ErrOpen = errors.New("personal data does not decrypt with this data key")

// Open decrypts a box sealed by any key of the ring, checking aad.
func (r *Keyring) Open(box, aad []byte) ([]byte, error) {
	return r.OpenAppend(nil, box, aad)
}

// OpenAppend is Open appending the plain text to dst (which must not
// overlap box) and returning the extended slice: a reader that only parses
// the plain text reuses one buffer (a batch run's diff opened the previous
// run's 300 MB of lists, each into a buffer of its own).
func (r *Keyring) OpenAppend(dst, box, aad []byte) ([]byte, error) {
	if len(box) == 0 {
		return nil, ErrOpen
	}
	switch box[0] {
	case v2:
		if len(box) < 5 {
			return nil, ErrOpen
		}
		for _, k := range r.keys() {
			if bytes.Equal(k.id[:], box[1:5]) {
				return openWith(k, dst, box[5:], aad)
			}
		}
		return nil, ErrOpen
	case v1:
		for _, k := range r.keys() {
			if plain, err := openWith(k, dst, box[1:], aad); err == nil {
				return plain, nil
			}
		}
	}
	return nil, ErrOpen
}

func openWith(k *key, dst, body, aad []byte) ([]byte, error) {
	n := k.aead.NonceSize()
	if len(body) < n {
		return nil, ErrOpen
	}
	plain, err := k.aead.Open(dst, body[:n], body[n:], aad)
	if err != nil {
		return nil, ErrOpen
	}
	return plain, nil
}

// Current reports whether box was sealed by the current key: a rotation
// re-seals every box for which it is false (and only those, so a rotation
// cut off anywhere resumes where it stopped).
func (r *Keyring) Current(box []byte) bool {
	return len(box) >= 5 && box[0] == v2 && bytes.Equal(box[1:5], r.current.id[:])
}

// Prefix is how every box sealed by the current key begins (the version
// and the key id): a store can select the boxes a rotation still has to
// re-seal without opening them.
func (r *Keyring) Prefix() []byte { return append([]byte{v2}, r.current.id[:]...) }

// Subkeys returns a 32-byte key derived for label from each key of the
// ring, the current key's first: a secret of its own for another use
// (the API's device cookies) that every process holding the data key
// derives alike, so it outlives a restart and is shared by replicas,
// while revealing nothing of the data key. What the first signs, a ring
// holding it as a previous key still verifies (through a rotation).
func (r *Keyring) Subkeys(label string) [][]byte {
	var out [][]byte
	for _, k := range r.keys() {
		out = append(out, k.mac("subkey/"+label, nil))
	}
	return out
}

// MAC is the current key's keyed hash of data under label (labels keep
// hashes of different fields apart).
func (r *Keyring) MAC(label string, data []byte) []byte { return r.current.mac(label, data) }

// MACs are the keyed hashes of data under every key of the ring, current
// first: a look-up during a rotation tries each.
func (r *Keyring) MACs(label string, data []byte) [][]byte {
	var out [][]byte
	for _, k := range r.keys() {
		out = append(out, k.mac(label, data))
	}
	return out
}

func (r *Keyring) keys() []*key { return append([]*key{r.current}, r.previous...) }
