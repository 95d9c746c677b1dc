package store

import (
	"bytes"
	"encoding/json"
	"strconv"
	"unicode/utf8"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// A published run's list is read on every request the run answers, and
// reading it with encoding/json was 12% of the server's CPU on that path
// (benchmarks/RESULTS.md, "Served load … helper online, second session"):
// reflection over the fields, a validity scan of the whole box, a copy of
// each item. decodeBox reads what json.Marshal of a sealedBox writes — no
// whitespace but the padding, fields in their order, plain strings — in
// one pass, and hands anything else to encoding/json, so what it returns
// is always what encoding/json would (FuzzDecodeBox).

// decodeBox reads the JSON of a sealedBox as encoding/json does.
func decodeBox(plain []byte) (sealedBox, error) {
	if b, ok := fastBox(plain); ok {
		return b, nil
	}
	var b sealedBox
	err := json.Unmarshal(plain, &b)
	return b, err
}

// boxReader reads the canonical form; ok turns false at anything else.
type boxReader struct {
	b  []byte
	ok bool
}

func (r *boxReader) lit(s string) {
	if r.ok && bytes.HasPrefix(r.b, []byte(s)) {
		r.b = r.b[len(s):]
		return
	}
	r.ok = false
}

func (r *boxReader) peek(c byte) bool { return r.ok && len(r.b) > 0 && r.b[0] == c }

// str reads a string without escapes or control characters, valid UTF-8
// (encoding/json would rewrite an invalid byte).
func (r *boxReader) str() string {
	if !r.peek('"') {
		r.ok = false
		return ""
	}
	for i := 1; i < len(r.b); i++ {
		switch c := r.b[i]; {
		case c == '"':
			s := r.b[1:i]
			r.b = r.b[i+1:]
			if !utf8.Valid(s) {
				r.ok = false
			}
			return string(s)
		case c == '\\' || c < 0x20:
			r.ok = false
			return ""
		}
	}
	r.ok = false
	return ""
}

// number reads a JSON number's token (the grammar exactly: numberEnd).
func (r *boxReader) number() string {
	i, ok := numberEnd(r.b, 0)
	if !ok {
		r.ok = false
		return ""
	}
	tok := string(r.b[:i])
	r.b = r.b[i:]
	return tok
}

// value reads an object's or an array's bytes as they are (a
// RawMessage), checked valid as encoding/json would in one pass
// (jsonValidator): an item sits in the box's object, its items array and
// its own object, nested 3 deep.
func (r *boxReader) value() json.RawMessage {
	if !r.peek('{') && !r.peek('[') {
		r.ok = false
		return nil
	}
	v := jsonValidator{b: r.b}
	end, ok := v.container(0, 4)
	if !ok {
		r.ok = false
		return nil
	}
	raw := r.b[:end]
	r.b = r.b[end:]
	return raw
}

// fastBox reads the canonical form of a sealedBox; false when plain is
// not in it.
func fastBox(plain []byte) (sealedBox, bool) {
	r := &boxReader{b: bytes.TrimRight(plain, " "), ok: true}
	box := sealedBox{Items: []matcher.StoredRecommendation{}}
	r.lit(`{"items":[`)
	for r.ok && !r.peek(']') {
		if len(box.Items) > 0 {
			r.lit(",")
		}
		var it matcher.StoredRecommendation
		r.lit(`{"post_id":`)
		it.PostID = r.str()
		r.lit(`,"kind":`)
		it.Kind = matcher.Kind(r.str())
		r.lit(`,"rank":`)
		rank, err := strconv.Atoi(r.number())
		r.ok = r.ok && err == nil
		it.Rank = rank
		r.lit(`,"score":`)
		score, err := strconv.ParseFloat(r.number(), 64)
		r.ok = r.ok && err == nil
		it.Score = score
		if r.peek(',') && bytes.HasPrefix(r.b, []byte(`,"item":`)) {
			r.lit(`,"item":`)
			it.Item = r.value()
		}
		if r.peek(',') {
			r.lit(`,"plan":true`)
			it.Plan = true
		}
		r.lit("}")
		box.Items = append(box.Items, it)
	}
	r.lit("]")
	if r.peek(',') {
		r.lit(`,"plan":true`)
		box.Plan = true
	}
	r.lit("}")
	return box, r.ok && len(r.b) == 0
}
