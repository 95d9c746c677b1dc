package store

// validRaw reports whether b is one JSON value, as encoding/json.Valid
// does, with the value nested depth deep in the document it sits in
// (encoding/json refuses nesting past maxNestingDepth, counted from the
// document's top).
//
// A published run's list item is checked with it on every request the
// run answers: encoding/json's byte-at-a-time state machine took ~45 µs a
// list of 8 items (6.5 KB, mostly Chinese text in strings), 40% of
// reading the list; this one skips a string's bytes in a tight loop.
// FuzzDecodeBox and FuzzValidRaw hold it to encoding/json.
func validRaw(b []byte, depth int) bool {
	v := jsonValidator{b: b}
	i, ok := v.value(v.ws(0), depth)
	return ok && v.ws(i) == len(b)
}

// maxNestingDepth is encoding/json's bound on nesting.
const maxNestingDepth = 10000

type jsonValidator struct{ b []byte }

// ws skips whitespace from i.
func (v *jsonValidator) ws(i int) int {
	for i < len(v.b) {
		switch v.b[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// value reads one value at i (no leading whitespace) in a container
// nested depth deep; it returns the index after it.
func (v *jsonValidator) value(i, depth int) (int, bool) {
	b := v.b
	if i >= len(b) {
		return i, false
	}
	switch c := b[i]; {
	case c == '{' || c == '[':
		return v.container(i, depth+1)
	case c == '"':
		return v.str(i)
	case c == 't':
		return v.lit(i, "true")
	case c == 'f':
		return v.lit(i, "false")
	case c == 'n':
		return v.lit(i, "null")
	default:
		return v.number(i)
	}
}

// container reads an object or an array at i, at nesting depth.
func (v *jsonValidator) container(i, depth int) (int, bool) {
	b := v.b
	if depth > maxNestingDepth {
		return i, false
	}
	obj := b[i] == '{'
	closing := byte(']')
	if obj {
		closing = '}'
	}
	i = v.ws(i + 1)
	if i < len(b) && b[i] == closing {
		return i + 1, true
	}
	for {
		var ok bool
		if obj {
			if i >= len(b) || b[i] != '"' {
				return i, false
			}
			if i, ok = v.str(i); !ok {
				return i, false
			}
			if i = v.ws(i); i >= len(b) || b[i] != ':' {
				return i, false
			}
			i = v.ws(i + 1)
		}
		if i, ok = v.value(i, depth); !ok {
			return i, false
		}
		i = v.ws(i)
		switch {
		case i >= len(b):
			return i, false
		case b[i] == ',':
			i = v.ws(i + 1)
		case b[i] == closing:
			return i + 1, true
		default:
			return i, false
		}
	}
}

// str reads a string at i (at its opening quote).
func (v *jsonValidator) str(i int) (int, bool) {
	b := v.b
	for i++; i < len(b); i++ {
		switch c := b[i]; {
		case c == '"':
			return i + 1, true
		case c < 0x20:
			return i, false
		case c == '\\':
			i++
			if i >= len(b) {
				return i, false
			}
			switch b[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if i+4 >= len(b) || !isHex(b[i+1]) || !isHex(b[i+2]) || !isHex(b[i+3]) || !isHex(b[i+4]) {
					return i, false
				}
				i += 4
			default:
				return i, false
			}
		}
	}
	return i, false
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func (v *jsonValidator) lit(i int, word string) (int, bool) {
	if len(v.b)-i >= len(word) && string(v.b[i:i+len(word)]) == word {
		return i + len(word), true
	}
	return i, false
}

// number reads a number at i (the grammar exactly, as boxReader.number
// without making the token).
func (v *jsonValidator) number(i int) (int, bool) { return numberEnd(v.b, i) }

// numberEnd is where the JSON number starting at b[i] ends, the grammar
// exactly (encoding/json's): false when b[i:] does not start with one.
// The validator and boxReader read their numbers through it.
func numberEnd(b []byte, i int) (int, bool) {
	digits := func() int {
		n := 0
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
			n++
		}
		return n
	}
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case digits() == 0:
		return i, false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if digits() == 0 {
			return i, false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if digits() == 0 {
			return i, false
		}
	}
	return i, true
}
