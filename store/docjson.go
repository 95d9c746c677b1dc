package store

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// A batch run reads every open post and every graduate before it starts,
// and encoding/json's reflection was most of that read (4% of a run's
// CPU, and on the path to "matching engine ready"). UnmarshalPost,
// UnmarshalGraduate and the personal data's decoder read the records the
// stores wrote (json.Marshal of the same structs) in one plain pass with
// postRefReader: keys exactly as the struct tags spell them, each at most
// once, strings with json.Marshal's escapes, numbers as strconv reads
// them for encoding/json, times through time.Time.UnmarshalJSON as
// encoding/json calls it. Anything else — an unknown or repeated key,
// null, invalid UTF-8, a surrogate escape, a number out of range — and
// the reader gives up (errSlowPath) and the record is decoded by
// encoding/json into a fresh value: on any input the two agree
// (FuzzDecodeDocs).

// UnmarshalPost is json.Unmarshal(b, p) for a post as the stores write it.
func UnmarshalPost(b []byte, p *matcher.Post) error {
	var fast matcher.Post
	if readWhole(b, func(r *postRefReader) error { return r.post(&fast) }) == nil {
		*p = fast
		return nil
	}
	*p = matcher.Post{} // encoding/json merges into what is there; the fast path replaces it
	return json.Unmarshal(b, p)
}

// UnmarshalGraduate is json.Unmarshal(b, g) for a graduate's document as
// the stores write it.
func UnmarshalGraduate(b []byte, g *matcher.Graduate) error {
	var fast matcher.Graduate
	if readWhole(b, func(r *postRefReader) error { return r.graduate(&fast) }) == nil {
		*g = fast
		return nil
	}
	*g = matcher.Graduate{}
	return json.Unmarshal(b, g)
}

// ReadGraduateDoc decodes the graduate document at the start of b (a
// record that embeds it reads the rest itself) and returns the bytes it
// took; errSlowPath-like failure (ok false) leaves the record to
// encoding/json.
func ReadGraduateDoc(b []byte, g *matcher.Graduate) (n int, ok bool) {
	r := &postRefReader{b: b}
	if err := r.graduate(g); err != nil {
		return 0, false
	}
	return r.i, true
}

func unmarshalPersonal(b []byte, p *Personal) error {
	var fast Personal
	if readWhole(b, func(r *postRefReader) error { return r.personal(&fast) }) == nil {
		*p = fast
		return nil
	}
	*p = Personal{}
	return json.Unmarshal(b, p)
}

// readWhole runs read over b and checks that nothing but white space
// follows the value.
func readWhole(b []byte, read func(*postRefReader) error) error {
	r := &postRefReader{b: b}
	if err := read(r); err != nil {
		return err
	}
	if r.space(); r.i != len(r.b) {
		return errSlowPath
	}
	return nil
}

// text reads a string, with json.Marshal's escapes (\" \\ \/ \b \f \n \r
// \t \uXXXX outside the surrogates).
func (r *postRefReader) text() (string, error) {
	r.space()
	if r.peek() != '"' {
		return "", errSlowPath
	}
	start := r.i + 1
	j := start
	for ; j < len(r.b); j++ {
		if c := r.b[j]; c == '"' {
			s := r.b[start:j]
			if !utf8.Valid(s) {
				return "", errSlowPath
			}
			r.i = j + 1
			return string(s), nil
		} else if c == '\\' {
			break
		} else if c < 0x20 {
			return "", errSlowPath
		}
	}
	return r.escaped(start, j)
}

// escaped continues text from j, the first backslash of the string that
// begins at start. The text is built once in a buffer of the quoted
// length (an escape never decodes longer than it is written) that becomes
// the string: a buffer twice the unescaped prefix, grown by append and
// copied into the string at the end, was two to three allocations and
// copies of every description read.
func (r *postRefReader) escaped(start, j int) (string, error) {
	if !utf8.Valid(r.b[start:j]) {
		return "", errSlowPath
	}
	end := j
	for end < len(r.b) && r.b[end] != '"' {
		if r.b[end] == '\\' {
			end++
		}
		end++
	}
	var out strings.Builder
	out.Grow(min(end, len(r.b)) - start)
	out.Write(r.b[start:j])
	for j < len(r.b) {
		c := r.b[j]
		switch {
		case c == '"':
			r.i = j + 1
			return out.String(), nil
		case c < 0x20:
			return "", errSlowPath
		case c != '\\':
			k := j
			for k < len(r.b) && r.b[k] != '"' && r.b[k] != '\\' && r.b[k] >= 0x20 {
				k++
			}
			if !utf8.Valid(r.b[j:k]) {
				return "", errSlowPath
			}
			out.Write(r.b[j:k])
			j = k
			continue
		}
		if j+1 >= len(r.b) {
			return "", errSlowPath
		}
		j += 2
		switch r.b[j-1] {
		case '"', '\\', '/':
			out.WriteByte(r.b[j-1])
		case 'b':
			out.WriteByte('\b')
		case 'f':
			out.WriteByte('\f')
		case 'n':
			out.WriteByte('\n')
		case 'r':
			out.WriteByte('\r')
		case 't':
			out.WriteByte('\t')
		case 'u':
			if j+4 > len(r.b) {
				return "", errSlowPath
			}
			v, err := strconv.ParseUint(string(r.b[j:j+4]), 16, 16)
			if err != nil || (v >= 0xD800 && v < 0xE000) {
				return "", errSlowPath // a surrogate: encoding/json pairs or replaces it
			}
			out.WriteRune(rune(v))
			j += 4
		default:
			return "", errSlowPath
		}
	}
	return "", errSlowPath
}

// texts reads an array of strings; [] is an empty slice, as encoding/json
// reads it, null gives up.
func texts[T ~string](r *postRefReader) ([]T, error) {
	r.space()
	if r.peek() != '[' {
		return nil, errSlowPath
	}
	out := []T{}
	err := r.array(func() error {
		s, err := r.text()
		out = append(out, T(s))
		return err
	})
	return out, err
}

// number reads a JSON number (numberEnd's grammar) and checks that a
// delimiter follows it.
func (r *postRefReader) number() (string, error) {
	r.space()
	b := r.b
	j, ok := numberEnd(b, r.i)
	if !ok {
		return "", errSlowPath
	}
	if j < len(b) {
		switch b[j] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
		default:
			return "", errSlowPath
		}
	}
	s := string(b[r.i:j])
	r.i = j
	return s, nil
}

// whole reads an int as encoding/json does (strconv.ParseInt: a fraction
// or an exponent is its error).
func (r *postRefReader) whole() (int, error) {
	s, err := r.number()
	if err != nil {
		return 0, err
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, errSlowPath
	}
	return int(n), nil
}

func (r *postRefReader) float() (float64, error) {
	s, err := r.number()
	if err != nil {
		return 0, err
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, errSlowPath
	}
	return f, nil
}

// when reads a time as encoding/json does: time.Time.UnmarshalJSON of the
// quoted string.
func (r *postRefReader) when() (time.Time, error) {
	r.space()
	if r.peek() != '"' {
		return time.Time{}, errSlowPath
	}
	for j := r.i + 1; j < len(r.b); j++ {
		if c := r.b[j]; c == '"' {
			var t time.Time
			if err := t.UnmarshalJSON(r.b[r.i : j+1]); err != nil {
				return time.Time{}, errSlowPath
			}
			r.i = j + 1
			return t, nil
		} else if c == '\\' || c < 0x20 || c >= utf8.RuneSelf {
			return time.Time{}, errSlowPath
		}
	}
	return time.Time{}, errSlowPath
}

// str1 reads a string into a string-typed field.
func str1[T ~string](r *postRefReader, dst *T) error {
	s, err := r.text()
	*dst = T(s)
	return err
}

func strs1[T ~string](r *postRefReader, dst *[]T) error {
	var err error
	*dst, err = texts[T](r)
	return err
}

func (r *postRefReader) int1(dst *int) error {
	var err error
	*dst, err = r.whole()
	return err
}

func (r *postRefReader) float1(dst *float64) error {
	var err error
	*dst, err = r.float()
	return err
}

func (r *postRefReader) bool1(dst *bool) error {
	var err error
	*dst, err = r.boolean()
	return err
}

func (r *postRefReader) time1(dst *time.Time) error {
	var err error
	*dst, err = r.when()
	return err
}

func (r *postRefReader) degree1(dst *matcher.Degree) error {
	n, err := r.whole()
	*dst = matcher.Degree(n)
	return err
}
