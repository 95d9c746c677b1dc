package store

import (
	"bytes"
	"encoding/json"
	"errors"

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
// syntax of the fields it keeps, not of what it skips. It shares its
// reading of objects, strings and numbers with docjson.go's documents.
// Anything beyond json.Marshal's plain form — a key that is not lower
// case, null, a rank that is not an integer — and readPostRefs gives up
// (errSlowPath) and the caller decodes with encoding/json; on any valid
// JSON the two read the same (FuzzReadPostRefs).

var errSlowPath = errors.New("store: list not in json.Marshal's plain form")

// postRefReader is readPostRefs' position in the text.
type postRefReader struct {
	b []byte
	i int
}

// readPostRefs reads a box's items ({"items":[…],…}) or, when array is
// set, a list in the clear ([…]).
func readPostRefs(b []byte, array bool) ([]postRef, error) {
	var refs []postRef
	err := readWhole(b, func(r *postRefReader) error {
		if array {
			var err error
			refs, err = r.items()
			return err
		}
		return r.object(func(key []byte) error {
			if string(key) != "items" {
				return r.skip()
			}
			var err error
			refs, err = r.items()
			return err
		})
	})
	return refs, err
}

func (r *postRefReader) items() ([]postRef, error) {
	r.space()
	if r.peek() == 'n' {
		return nil, errSlowPath // null: leave it to encoding/json
	}
	// [] is an empty list, as encoding/json reads it; a batch's list is
	// 8 posts and a plan's few more: one allocation, not append's four.
	refs := make([]postRef, 0, 16)
	err := r.array(func() error {
		var p postRef
		err := r.object(func(key []byte) error {
			switch string(key) {
			case "post_id":
				return str1(r, &p.PostID)
			case "kind":
				return r.kind1(&p.Kind)
			case "rank":
				return r.int1(&p.Rank)
			case "plan":
				return r.bool1(&p.Plan)
			}
			return r.skip()
		})
		refs = append(refs, p)
		return err
	})
	return refs, err
}

// kind1 reads a kind: one of matcher's kinds written plainly is that
// constant, not a string made for each item; anything else (an escape,
// another word) is read as any string.
func (r *postRefReader) kind1(dst *matcher.Kind) error {
	r.space()
	for _, k := range [...]matcher.Kind{matcher.KindJob, matcher.KindInternship, matcher.KindCourse} {
		if n := len(k) + 2; len(r.b)-r.i >= n && r.b[r.i] == '"' && r.b[r.i+n-1] == '"' && string(r.b[r.i+1:r.i+n-1]) == string(k) {
			*dst = k
			r.i += n
			return nil
		}
	}
	return str1(r, dst)
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
// reader at its value. A key must be lower-case ASCII letters and
// underscores, as the struct tags are (encoding/json matches keys
// case-insensitively: any other key might fold onto a wanted one, and is
// left to it); the key is not copied.
func (r *postRefReader) object(field func(key []byte) error) error {
	if r.space(); r.peek() != '{' {
		return errSlowPath
	}
	r.i++
	if r.space(); r.peek() == '}' {
		r.i++
		return nil
	}
	for {
		key, err := r.plainKey()
		if err != nil {
			return err
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

// plainKey reads a key of lower-case ASCII letters and underscores.
func (r *postRefReader) plainKey() ([]byte, error) {
	if r.space(); r.peek() != '"' {
		return nil, errSlowPath
	}
	for j := r.i + 1; j < len(r.b); j++ {
		switch c := r.b[j]; {
		case c == '"':
			k := r.b[r.i+1 : j]
			r.i = j + 1
			return k, nil
		case (c < 'a' || c > 'z') && c != '_':
			return nil, errSlowPath
		}
	}
	return nil, errSlowPath
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
			// The closing quote is the next one not escaped: found a
			// quote at a time (the reasons' Chinese text is most of an
			// item), not a byte at a time.
			start := r.i + 1
			for {
				q := bytes.IndexByte(r.b[r.i+1:], '"')
				if q < 0 {
					r.i = len(r.b)
					return errSlowPath
				}
				r.i += 1 + q
				if escapedAt(r.b[start:r.i]) {
					continue
				}
				break
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

// escapedAt reports whether the quote after s is escaped: s, a string's
// text up to it, ends in an odd number of backslashes.
func escapedAt(s []byte) bool {
	n := 0
	for n < len(s) && s[len(s)-1-n] == '\\' {
		n++
	}
	return n%2 == 1
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
