package store

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// checkValidRaw: validRaw agrees with encoding/json.Valid on in (at the
// top level) and on in nested as a list item is.
func checkValidRaw(t *testing.T, in []byte) {
	t.Helper()
	if got, want := validRaw(in, 0), json.Valid(in); got != want {
		t.Fatalf("%q: validRaw %v, json.Valid %v", in, got, want)
	}
	doc := append(append([]byte(`{"a":[{"b":`), in...), "}]}"...)
	if got, want := validRaw(in, 3), json.Valid(doc); got != want {
		t.Fatalf("%q nested 3 deep: validRaw %v, json.Valid of the document %v", in, got, want)
	}
}

func TestValidRaw(t *testing.T) {
	for _, in := range []string{
		`{}`, `[]`, ` { } `, `{"a":1}`, `{"a":1,}`, `{"a" : [1, 2.5e-3, -0, true, false, null, "x"]}`,
		`{"a":01}`, `{"a":1.}`, `{"a":.5}`, `{"a":-}`, `{"a":1e}`, `{"a":1E+}`, `{"a":tru}`, `{"a":nul}`,
		`{a:1}`, `{"a" 1}`, `{"a":1 "b":2}`, `[1,]`, `[,1]`, `[1 2]`, `{"a":"\u00e9\n\"\\\/"}`,
		`{"a":"\u00g0"}`, `{"a":"\x"}`, "{\"a\":\"\x01\"}", "{\"a\":\"\xff\"}", `{"a":"unterminated}`,
		`{"a":1}x`, `{"a":1}}`, `{"a":{"b":[{}]}}`, `"s"`, `1`, ``, ` `, `{`, `[`, `{"a":"\u12`,
		"{\"a\":1}\n", "\t[1]\r\n", `[1]]`, `{"a":1}{"b":2}`,
		strings.Repeat("[", 9996) + strings.Repeat("]", 9996),
		strings.Repeat("[", 9997) + strings.Repeat("]", 9997),
		strings.Repeat("[", 10001) + strings.Repeat("]", 10001),
	} {
		checkValidRaw(t, []byte(in))
	}
	for _, in := range realBoxes(t) {
		checkValidRaw(t, bytes.TrimRight(in, " "))
	}
}

func FuzzValidRaw(f *testing.F) {
	f.Add([]byte(`{"a" : [1, 2.5e-3, -0, true, false, null, "x\u00e9"]}`))
	f.Add([]byte(`{"a":01}`))
	f.Add([]byte(`[[[["\""]]]]`))
	f.Fuzz(func(t *testing.T, in []byte) {
		checkValidRaw(t, in)
	})
}

func BenchmarkValidRaw(b *testing.B) {
	var items [][]byte
	for _, box := range realBoxes(b) {
		var sb sealedBox
		if err := json.Unmarshal(box, &sb); err != nil {
			b.Fatal(err)
		}
		for _, it := range sb.Items {
			if len(it.Item) > 0 {
				items = append(items, it.Item)
			}
		}
	}
	if len(items) == 0 {
		b.Skip("no items")
	}
	b.Run("encoding/json", func(b *testing.B) {
		for i := range b.N {
			if !json.Valid(items[i%len(items)]) {
				b.Fatal("invalid")
			}
		}
	})
	b.Run("validRaw", func(b *testing.B) {
		for i := range b.N {
			if !validRaw(items[i%len(items)], 3) {
				b.Fatal("invalid")
			}
		}
	})
}
