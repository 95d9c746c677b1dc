package store

import (
	"encoding/json"
	"errors"
	"strconv"
	"unicode/utf8"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// The nightly batch compares each new list with the graduate's list in
// the previous run: it needs the post IDs only, and decoding a whole list
// (each item's explanation: reasons, contributions, salary) with
// encoding/json to read them was 4% of a run's CPU. readPostRefs reads a
// list's plain text in one pass, keeping the four fields of each item
// ListPosts reads and skipping the rest without decoding it.
//
// It reads what json.Marshal wrote (a box opens only if the store sealed
// it, and lists in the clear were written the same way), and checks the
// syntax of the fields it keeps, not of what it skips. Anything beyond
// json.Marshal's plain form — an escape in a string it keeps, a key that
// is not lower case, null, a rank that is not a plain integer — and
// readPostRefs gives up (errSlowPath) and the caller decodes with
// encoding/json; on any valid JSON the two read the same
// (FuzzReadPostRefs).

var errSlowPath = errors.New("store: list not in json.Marshal's plain form")

// postRefReader is readPostRefs' position in the text.
type postRefReader struct {
	b []byte
	i int
}

// readPostRefs reads a box's items ({"items":[…],…}) or, when array is
// set, a list in the clear ([…]).
func readPostRefs(b []byte, array bool) ([]postRef, error) {
	r := &postRefReader{b: b}
	var refs []postRef
	var err error
	if array {
		refs, err = r.items()
	} else {
		err = r.object(func(key string) error {
			if key != "items" {
				return r.skip()
			}
			refs, err = r.items()
			return err
		})
	}
	if err == nil {
		r.space()
		if r.i != len(r.b) {
			err = errSlowPath
		}
	}
	return refs, err
}

func (r *postRefReader) items() ([]postRef, error) {
	r.space()
	if r.peek() == 'n' {
		return nil, errSlowPath // null: leave it to encoding/json
	}
	refs := []postRef{} // [] is an empty list, as encoding/json reads it
	err := r.array(func() error {
		var p postRef
		err := r.object(func(key string) error {
			var err error
			switch key {
			case "post_id":
				p.PostID, err = r.str()
			case "kind":
				var k string
				k, err = r.str()
				p.Kind = matcher.Kind(k)
			case "rank":
				p.Rank, err = r.integer()
			case "plan":
				p.Plan, err = r.boolean()
			default:
				err = r.skip()
			}
			return err
		})
		refs = append(refs, p)
		return err
	})
	return refs, err
}

func (r *postRefReader) space() {
	for r.i < len(r.b) && (r.b[r.i] == ' ' || r.b[r.i] == '\n' || r.b[r.i] == '\t' || r.b[r.i] == '\r') {
		r.i++
	}
}

func (r *postRefReader) peek() byte {
	if r.i < len(r.b) {
		return r.b[r.i]
	}
	return 0
}

// object reads {"key":value,…}, calling field for each key with the
// reader at its value.
func (r *postRefReader) object(field func(key string) error) error {
	r.space()
	if r.peek() != '{' {
		return errSlowPath
	}
	r.i++
	r.space()
	if r.peek() == '}' {
		r.i++
		return nil
	}
	for {
		r.space()
		key, err := r.str()
		if err != nil {
			return err
		}
		if !plainKey(key) {
			return errSlowPath // encoding/json matches keys case-insensitively
		}
		if r.space(); r.peek() != ':' {
			return errSlowPath
		}
		r.i++
		if err := field(key); err != nil {
			return err
		}
		r.space()
		switch r.peek() {
		case ',':
			r.i++
		case '}':
			r.i++
			return nil
		default:
			return errSlowPath
		}
	}
}

// plainKey: lower-case ASCII letters and underscores, as the struct tags
// are; a key with anything else might fold onto a wanted one.
func plainKey(k string) bool {
	for i := 0; i < len(k); i++ {
		if c := k[i]; (c < 'a' || c > 'z') && c != '_' {
			return false
		}
	}
	return true
}

// array reads […], calling elem with the reader at each element.
func (r *postRefReader) array(elem func() error) error {
	r.space()
	if r.peek() != '[' {
		return errSlowPath
	}
	r.i++
	r.space()
	if r.peek() == ']' {
		r.i++
		return nil
	}
	for {
		if err := elem(); err != nil {
			return err
		}
		r.space()
		switch r.peek() {
		case ',':
			r.i++
		case ']':
			r.i++
			return nil
		default:
			return errSlowPath
		}
	}
}

// str reads a string without escapes (json.Marshal escapes only quotes,
// backslashes, control characters, <, >, & and U+2028/9; one of those,
// or invalid UTF-8, sends the list to encoding/json).
func (r *postRefReader) str() (string, error) {
	r.space()
	if r.peek() != '"' {
		return "", errSlowPath
	}
	start := r.i + 1
	for j := start; j < len(r.b); j++ {
		switch c := r.b[j]; {
		case c == '"':
			r.i = j + 1
			s := r.b[start:j]
			if !utf8.Valid(s) {
				return "", errSlowPath
			}
			return string(s), nil
		case c == '\\' || c < 0x20:
			return "", errSlowPath
		}
	}
	return "", errSlowPath
}

func (r *postRefReader) integer() (int, error) {
	r.space()
	j := r.i
	if j < len(r.b) && r.b[j] == '-' {
		j++
	}
	for j < len(r.b) && r.b[j] >= '0' && r.b[j] <= '9' {
		j++
	}
	n, err := strconv.Atoi(string(r.b[r.i:j]))
	if err != nil || (j < len(r.b) && r.b[j] != ',' && r.b[j] != '}' && r.b[j] != ' ') {
		return 0, errSlowPath
	}
	if digits := r.b[r.i:j]; len(digits) > 1 && (digits[0] == '0' || (digits[0] == '-' && digits[1] == '0')) {
		return 0, errSlowPath // a leading zero is not JSON
	}
	r.i = j
	return n, nil
}

func (r *postRefReader) boolean() (bool, error) {
	r.space()
	switch {
	case len(r.b)-r.i >= 4 && string(r.b[r.i:r.i+4]) == "true":
		r.i += 4
		return true, nil
	case len(r.b)-r.i >= 5 && string(r.b[r.i:r.i+5]) == "false":
		r.i += 5
		return false, nil
	}
	return false, errSlowPath
}

// skip passes over one value (an item's explanation, most of the text)
// without checking it: the text is what json.Marshal wrote, so it is
// JSON.
func (r *postRefReader) skip() error {
	r.space()
	depth := 0
	for r.i < len(r.b) {
		switch r.b[r.i] {
		case '"':
			r.i++
			for r.i < len(r.b) && r.b[r.i] != '"' {
				if r.b[r.i] == '\\' {
					r.i++
				}
				r.i++
			}
			if r.i >= len(r.b) {
				return errSlowPath
			}
		case '{', '[':
			depth++
		case '}', ']':
			if depth == 0 {
				return nil
			}
			depth--
		case ',':
			if depth == 0 {
				return nil
			}
		}
		r.i++
	}
	if depth != 0 {
		return errSlowPath
	}
	return nil
}

// decodePostRefs reads the items' post fields of a list's plain text: the
// fast reader, or encoding/json when the text is not in its plain form.
func decodePostRefs(plain []byte, array bool) ([]postRef, error) {
	if refs, err := readPostRefs(plain, array); err == nil {
		return refs, nil
	}
	if array {
		var refs []postRef
		err := json.Unmarshal(plain, &refs)
		return refs, err
	}
	var b postsBox
	err := json.Unmarshal(plain, &b)
	return b.Items, err
}
