package store

import (
	"encoding/json"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// A batch run seals every graduate's list (SealList), and json.Marshal of
// the box was 4–6% of the run's CPU: its items are already JSON
// (matcher/itemjson wrote them), and Marshal compacts and validates each
// one again through encoding/json's scanner, a function call per byte.
// appendBox writes the same bytes in one plain pass: it copies an item
// that is already in the form Marshal would leave it in (compact, valid,
// nothing to escape) and hands anything else back to json.Marshal, so
// what is sealed is always what encoding/json writes (FuzzAppendBox).

// marshalBox is json.Marshal(b), through appendBox when it can, into a
// buffer with room for the padding.
func marshalBox(b sealedBox) ([]byte, error) {
	return appendMarshalBox(nil, b)
}

// appendMarshalBox appends marshalBox(b) to dst, growing it once to
// about the box's size and room for the padding.
func appendMarshalBox(dst []byte, b sealedBox) ([]byte, error) {
	n := 32
	for i := range b.Items {
		n += 96 + len(b.Items[i].PostID) + len(b.Items[i].Item)
	}
	dst = slices.Grow(dst, n+listPad)
	if out, ok := appendBox(dst, b); ok {
		return out, nil
	}
	j, err := json.Marshal(b)
	if err != nil {
		return dst, err
	}
	return append(dst, j...), nil
}

// appendBox appends json.Marshal(b) to dst; false when some part of b is
// not in the plain form it copies (then dst is to be discarded).
func appendBox(dst []byte, b sealedBox) ([]byte, bool) {
	dst = append(dst, `{"items":`...)
	if b.Items == nil {
		dst = append(dst, "null"...)
	} else {
		dst = append(dst, '[')
		for i := range b.Items {
			if i > 0 {
				dst = append(dst, ',')
			}
			var ok bool
			if dst, ok = appendStored(dst, &b.Items[i], b.encoded); !ok {
				return dst, false
			}
		}
		dst = append(dst, ']')
	}
	if b.Plan {
		dst = append(dst, `,"plan":true`...)
	}
	return append(dst, '}'), true
}

// appendStored appends json.Marshal(*it); encoded: it.Item is in the form
// Marshal leaves it in, copied without the check.
func appendStored(dst []byte, it *matcher.StoredRecommendation, encoded bool) ([]byte, bool) {
	if !plainString(it.PostID) || !plainString(string(it.Kind)) {
		return dst, false
	}
	dst = append(dst, `{"post_id":"`...)
	dst = append(dst, it.PostID...)
	dst = append(dst, `","kind":"`...)
	dst = append(dst, it.Kind...)
	dst = append(dst, `","rank":`...)
	dst = strconv.AppendInt(dst, int64(it.Rank), 10)
	dst = append(dst, `,"score":`...)
	var err error
	if dst, err = matcher.AppendJSONFloat(dst, it.Score); err != nil {
		return dst, false // NaN or ±Inf: Marshal's error
	}
	if len(it.Item) > 0 {
		if !encoded && !canonicalJSON(it.Item) {
			return dst, false
		}
		dst = append(dst, `,"item":`...)
		dst = append(dst, it.Item...)
	}
	if it.Plan {
		dst = append(dst, `,"plan":true`...)
	}
	return append(dst, '}'), true
}

// plainString reports whether encoding/json writes s between quotes as it
// is: valid UTF-8 with nothing it escapes (quote, backslash, control
// characters, <, > and & as HTML, U+2028 and U+2029).
func plainString(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&':
			return false
		case c == 0xE2 && i+2 < len(s) && s[i+1] == 0x80 && s[i+2]&^1 == 0xA8:
			return false
		}
	}
	return utf8.ValidString(s)
}

// canonicalJSON reports whether raw is one valid JSON value that
// json.Marshal of a RawMessage copies unchanged: no whitespace outside
// strings (Marshal compacts), nothing it escapes for HTML (<, >, &,
// U+2028, U+2029), and valid UTF-8 (kept to the form encoding/json
// writes itself). False is not a verdict on validity: the caller then
// asks encoding/json.
func canonicalJSON(raw []byte) bool {
	if !utf8.Valid(raw) {
		return false
	}
	v := jsonChecker{b: raw}
	return v.value(0) && v.i == len(raw)
}

// jsonChecker walks the JSON grammar over b (RFC 8259), without
// whitespace.
type jsonChecker struct {
	b []byte
	i int
}

// maxDepth bounds nesting; deeper values go to encoding/json.
const maxDepth = 64

func (v *jsonChecker) value(depth int) bool {
	if v.i >= len(v.b) || depth > maxDepth {
		return false
	}
	switch c := v.b[v.i]; {
	case c == '{':
		v.i++
		if v.eat('}') {
			return true
		}
		for {
			if !v.str() || !v.eat(':') || !v.value(depth+1) {
				return false
			}
			if v.eat('}') {
				return true
			}
			if !v.eat(',') {
				return false
			}
		}
	case c == '[':
		v.i++
		if v.eat(']') {
			return true
		}
		for {
			if !v.value(depth + 1) {
				return false
			}
			if v.eat(']') {
				return true
			}
			if !v.eat(',') {
				return false
			}
		}
	case c == '"':
		return v.str()
	case c == '-' || (c >= '0' && c <= '9'):
		return v.number()
	default:
		return v.lit("true") || v.lit("false") || v.lit("null")
	}
}

func (v *jsonChecker) eat(c byte) bool {
	if v.i < len(v.b) && v.b[v.i] == c {
		v.i++
		return true
	}
	return false
}

func (v *jsonChecker) lit(s string) bool {
	if len(v.b)-v.i >= len(s) && string(v.b[v.i:v.i+len(s)]) == s {
		v.i += len(s)
		return true
	}
	return false
}

// str reads a string: no control characters, valid escapes, and none of
// what Marshal would escape for HTML.
func (v *jsonChecker) str() bool {
	if !v.eat('"') {
		return false
	}
	for v.i < len(v.b) {
		for v.i < len(v.b) && plainByte[v.b[v.i]] {
			v.i++
		}
		if v.i == len(v.b) {
			break
		}
		c := v.b[v.i]
		v.i++
		switch {
		case c == '"':
			return true
		case c < 0x20 || c == '<' || c == '>' || c == '&':
			return false
		case c == 0xE2:
			if v.i+1 < len(v.b) && v.b[v.i] == 0x80 && v.b[v.i+1]&^1 == 0xA8 {
				return false
			}
		case c == '\\':
			if v.i >= len(v.b) {
				return false
			}
			e := v.b[v.i]
			v.i++
			switch e {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if len(v.b)-v.i < 4 {
					return false
				}
				for _, h := range v.b[v.i : v.i+4] {
					if !(h >= '0' && h <= '9' || h >= 'a' && h <= 'f' || h >= 'A' && h <= 'F') {
						return false
					}
				}
				v.i += 4
			default:
				return false
			}
		}
	}
	return false
}

// plainByte marks the bytes a string holds with nothing to check: all but
// control characters, the quote, the backslash, the HTML characters and
// U+2028's and U+2029's lead byte.
var plainByte = func() (t [256]bool) {
	for c := 0x20; c < 256; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' && c != 0xE2
	}
	return t
}()

// number reads a number by the grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
// (numberEnd).
func (v *jsonChecker) number() bool {
	j, ok := numberEnd(v.b, v.i)
	v.i = j
	return ok
}
