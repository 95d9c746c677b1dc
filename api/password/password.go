package password

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Params are argon2id's cost parameters.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes
	Threads uint8
}

// Default is OWASP's recommended minimum for argon2id (19 MiB, 2 passes,
// 1 lane): about 30 ms on one core here, which bounds what a sign-in costs
// the server as much as what a guess costs an attacker.
var Default = Params{Memory: 19 * 1024, Time: 2, Threads: 1}

const (
	saltLen = 16
	keyLen  = 32
	// Bounds on what a stored string may ask for: a forged hash must not
	// make a sign-in allocate gigabytes or spin for minutes.
	maxMemory  = 1 << 20 // KiB: 1 GiB
	maxTime    = 64
	maxThreads = 64
	// MinLength and MaxLength bound a password in characters; the upper
	// bound keeps hashing cheap for whoever sends a megabyte.
	MinLength = 10
	MaxLength = 256
)

var b64 = base64.RawStdEncoding

// ErrMismatch is a wrong password.
var ErrMismatch = errors.New("password does not match")

// ErrWeak is a password too easy to guess (CheckStrength).
var ErrWeak = errors.New("the password is too easy to guess")

// Check reports why pw cannot be a password, nil when it can.
func Check(pw string) error {
	n := utf8.RuneCountInString(pw)
	switch {
	case !utf8.ValidString(pw):
		return errors.New("the password is not valid UTF-8")
	case n < MinLength:
		return fmt.Errorf("the password has %d characters, at least %d are needed", n, MinLength)
	case n > MaxLength:
		return fmt.Errorf("the password has %d characters, at most %d are allowed", n, MaxLength)
	}
	return nil
}

// Hash returns pw's argon2id hash under p with a fresh random salt.
func Hash(pw string, p Params) (string, error) {
	if err := Check(pw); err != nil {
		return "", err
	}
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("password salt: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, keyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// Verify checks pw against a stored PHC string: nil when it matches,
// ErrMismatch when it does not, another error when the string is not an
// argon2id hash this package can read.
func Verify(phc, pw string) error {
	p, salt, key, err := Parse(phc)
	if err != nil {
		return err
	}
	if len(pw) > 4*MaxLength {
		return ErrMismatch // longer than any password Hash accepts
	}
	got := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, uint32(len(key)))
	if subtle.ConstantTimeCompare(got, key) != 1 {
		return ErrMismatch
	}
	return nil
}

// NeedsRehash reports whether a stored hash is below the parameters p
// (so it is replaced the next time its password is given).
func NeedsRehash(phc string, p Params) bool {
	q, _, _, err := Parse(phc)
	return err != nil || q.Memory < p.Memory || q.Time < p.Time
}

// Parse reads a PHC string: $argon2id$v=19$m=M,t=T,p=P$salt$hash. Its
// errors say which part is wrong.
func Parse(phc string) (Params, []byte, []byte, error) {
	var p Params
	parts := strings.Split(phc, "$")
	if len(parts) != 6 || parts[0] != "" {
		return p, nil, nil, fmt.Errorf("password hash: want 5 fields $argon2id$v=…$m=…,t=…,p=…$salt$hash, got %d", len(parts)-1)
	}
	if parts[1] != "argon2id" {
		return p, nil, nil, fmt.Errorf("password hash: algorithm %q, want argon2id", parts[1])
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return p, nil, nil, fmt.Errorf("password hash: version field %q, want v=%d", parts[2], argon2.Version)
	}
	if err := parseParams(parts[3], &p); err != nil {
		return p, nil, nil, fmt.Errorf("password hash: parameters %q: %w", parts[3], err)
	}
	salt, err := b64.DecodeString(parts[4])
	if err != nil || len(salt) < 8 || len(salt) > 64 {
		return p, nil, nil, fmt.Errorf("password hash: salt is not 8–64 bytes of unpadded base64")
	}
	key, err := b64.DecodeString(parts[5])
	if err != nil || len(key) < 16 || len(key) > 64 {
		return p, nil, nil, fmt.Errorf("password hash: hash is not 16–64 bytes of unpadded base64")
	}
	return p, salt, key, nil
}

func parseParams(s string, p *Params) error {
	fields := strings.Split(s, ",")
	if len(fields) != 3 {
		return errors.New("want m=…,t=…,p=…")
	}
	for i, name := range []string{"m", "t", "p"} {
		v, ok := strings.CutPrefix(fields[i], name+"=")
		if !ok {
			return fmt.Errorf("field %d: want %s=", i+1, name)
		}
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil || n == 0 || len(v) > 1 && v[0] == '0' {
			return fmt.Errorf("%s: %q is not a positive number", name, v)
		}
		switch name {
		case "m":
			if n > maxMemory {
				return fmt.Errorf("m: %d KiB is more than %d", n, maxMemory)
			}
			p.Memory = uint32(n)
		case "t":
			if n > maxTime {
				return fmt.Errorf("t: %d passes is more than %d", n, maxTime)
			}
			p.Time = uint32(n)
		case "p":
			if n > maxThreads {
				return fmt.Errorf("p: %d lanes is more than %d", n, maxThreads)
			}
			p.Threads = uint8(n)
		}
	}
	if p.Memory < 8*uint32(p.Threads) {
		return fmt.Errorf("m: %d KiB is less than 8 × p", p.Memory)
	}
	return nil
}
