package matcher

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Contribution is one feature's share of an item's score.
type Contribution struct {
	Feature string
	Value   float64
}

// Contributions are each feature's share of a score, in byte order of the
// feature names. In JSON they are an object, {"feature": value, …},
// written exactly as encoding/json writes a map[string]float64 (keys in
// byte order) and read from one. A slice and not a map: an item's 15
// contributions in a map were the largest allocation of a served
// recommendation request (about 2.3 KB an item, 15% of the request's
// bytes; benchmarks/RESULTS.md, "Served load … helper online, second
// session"), and encoding a map sorted its keys each time.
type Contributions []Contribution

// Get returns feature's contribution (0 when absent).
func (c Contributions) Get(feature string) float64 {
	for _, x := range c {
		if x.Feature == feature {
			return x.Value
		}
	}
	return 0
}

// Sorted returns c in byte order of the feature names, without duplicates
// (the last value of a name wins, as a map's assignment would): c itself
// when it already is, else a sorted copy.
func (c Contributions) Sorted() Contributions {
	ok := true
	for i := 1; i < len(c) && ok; i++ {
		ok = c[i-1].Feature < c[i].Feature
	}
	if ok {
		return c
	}
	m := make(map[string]float64, len(c))
	for _, x := range c {
		m[x.Feature] = x.Value
	}
	return contributionsOf(m)
}

// contributionsOf is m as Contributions (non-nil for a non-nil m).
func contributionsOf(m map[string]float64) Contributions {
	out := make(Contributions, 0, len(m))
	for k, v := range m {
		out = append(out, Contribution{k, v})
	}
	slices.SortFunc(out, func(a, b Contribution) int { return strings.Compare(a.Feature, b.Feature) })
	return out
}

// MarshalJSON writes c as encoding/json writes the map of the same
// features and values: nil as null, keys in byte order, numbers in
// encoding/json's float64 form. A NaN or infinite value is an error, as
// it is for encoding/json.
func (c Contributions) MarshalJSON() ([]byte, error) {
	b, err := c.AppendJSON(make([]byte, 0, 24*len(c)+2))
	if err != nil {
		return nil, err
	}
	return b, nil
}

// AppendJSON appends c as MarshalJSON writes it, without allocating when c
// is in order, as the engine makes it (matcher/itemjson writes items'
// contributions with it). On a NaN or infinite value it returns the error
// and b as it was given: never an object left open.
func (c Contributions) AppendJSON(b []byte) ([]byte, error) {
	if c == nil {
		return append(b, "null"...), nil
	}
	c = c.Sorted()
	start := len(b)
	b = append(b, '{')
	for i, x := range c {
		if i > 0 {
			b = append(b, ',')
		}
		b = AppendJSONString(b, x.Feature)
		b = append(b, ':')
		var err error
		if b, err = AppendJSONFloat(b, x.Value); err != nil {
			return b[:start], err
		}
	}
	return append(b, '}'), nil
}

// UnmarshalJSON reads an object of numbers (or null).
func (c *Contributions) UnmarshalJSON(b []byte) error {
	if string(bytes.TrimSpace(b)) == "null" {
		return nil // as for a map: null leaves it as it is
	}
	var m map[string]float64
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	*c = contributionsOf(m)
	return nil
}

// errNotFinite is AppendJSONFloat's refusal of NaN and ±Inf.
var errNotFinite = errors.New("json: unsupported value: NaN or infinite number")

// AppendJSONFloat appends f as encoding/json encodes a float64: the
// shortest representation, in exponent form below 1e-6 and from 1e21
// ("1e-07" written "1e-7"); NaN and ±Inf are an error.
func AppendJSONFloat(b []byte, f float64) ([]byte, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return b, errNotFinite
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b, nil
}

const hexDigits = "0123456789abcdef"

// threeByteLead marks the lead bytes of three-byte UTF-8 sequences that
// any two continuation bytes complete into a valid character.
var threeByteLead = func() (t [256]bool) {
	for c := 0xE1; c <= 0xEF; c++ {
		t[c] = c != 0xED
	}
	return t
}()

// AppendJSONString appends s as encoding/json encodes a string, HTML-safe:
// <, > and & as \u003c, \u003e and \u0026, control characters escaped,
// invalid UTF-8 as \ufffd, U+2028 and U+2029 escaped. Here, not in
// matcher/itemjson, so that Contributions (which itemjson imports) write
// their names with it too.
func AppendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		// The three-byte characters of Chinese text (lead bytes E1–EC and
		// EE–EF, whose every continuation pair is valid) are copied without
		// decoding: DecodeRuneInString per character was a third of this
		// function in a batch run. E0 and ED (overlong and surrogate
		// ranges) and E2 80 A8/A9 (U+2028, U+2029) take the full path.
		if c := s[i]; i+2 < len(s) && threeByteLead[c] && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80 &&
			(c != 0xE2 || s[i+1] != 0x80 || s[i+2]&^1 != 0xA8) {
			i += 3
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
