package postgres

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
)

// DataKeyEnv names the environment variable holding the data key.
const DataKeyEnv = "JOBMATCH_DATA_KEY"

// KeyFromEnv reads the 32-byte data key from JOBMATCH_DATA_KEY, written as
// 64 hex digits or as base64 (standard or URL alphabet, padded or not).
// It is an error when the variable is unset or not exactly 32 bytes: the
// PostgreSQL store refuses to start without it.
func KeyFromEnv() ([]byte, error) {
	v := strings.TrimSpace(os.Getenv(DataKeyEnv))
	if v == "" {
		return nil, fmt.Errorf("%s is not set: PostgreSQL needs a 32-byte data key to encrypt personal data (generate one with `openssl rand -hex 32`)", DataKeyEnv)
	}
	return ParseKey(v)
}

// ParseKey decodes a data key written as hex or base64.
func ParseKey(v string) ([]byte, error) {
	if len(v) == 64 {
		if k, err := hex.DecodeString(v); err == nil {
			return k, nil
		}
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if k, err := enc.DecodeString(v); err == nil {
			if len(k) != 32 {
				return nil, fmt.Errorf("%s: decodes to %d bytes, want 32", DataKeyEnv, len(k))
			}
			return k, nil
		}
	}
	return nil, fmt.Errorf("%s: neither 64 hex digits nor base64 of 32 bytes", DataKeyEnv)
}

// sealer encrypts personal data and computes keyed hashes. Two sub-keys are
// derived from the data key, so the encryption key never doubles as a MAC
// key.
type sealer struct {
	aead   cipher.AEAD
	macKey []byte
}

func derive(master []byte, label string) []byte {
	m := hmac.New(sha256.New, master)
	m.Write([]byte("jobmatch/v1/" + label))
	return m.Sum(nil)
}

func newSealer(master []byte) (*sealer, error) {
	if len(master) != 32 {
		return nil, fmt.Errorf("data key is %d bytes, want 32", len(master))
	}
	block, err := aes.NewCipher(derive(master, "encrypt"))
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &sealer{aead: aead, macKey: derive(master, "mac")}, nil
}

const sealVersion = 1

// seal encrypts plain, binding it to aad (the record's ID, so a ciphertext
// copied onto another row does not decrypt). Layout: version, nonce, box.
func (s *sealer) seal(plain, aad []byte) []byte {
	out := make([]byte, 1+s.aead.NonceSize(), 1+s.aead.NonceSize()+len(plain)+s.aead.Overhead())
	out[0] = sealVersion
	_, _ = rand.Read(out[1:])
	return s.aead.Seal(out, out[1:], plain, aad)
}

var errOpen = errors.New("personal data does not decrypt with this data key")

func (s *sealer) open(box, aad []byte) ([]byte, error) {
	n := s.aead.NonceSize()
	if len(box) < 1+n || box[0] != sealVersion {
		return nil, errOpen
	}
	plain, err := s.aead.Open(nil, box[1:1+n], box[1+n:], aad)
	if err != nil {
		return nil, errOpen
	}
	return plain, nil
}

// mac is a keyed hash: equal inputs give equal outputs, and without the key
// nobody can test a guess (a plain hash of an 18-digit ID with a check digit
// and a birth date inside would fall to brute force).
func (s *sealer) mac(label string, data []byte) []byte {
	m := hmac.New(sha256.New, s.macKey)
	m.Write([]byte(label))
	m.Write([]byte{0})
	m.Write(data)
	return m.Sum(nil)
}
