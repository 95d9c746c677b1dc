package store

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os"
	"reflect"
	"slices"
	"testing"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// realBoxes are the JSON of the boxes SealList makes of the batch's real
// list (testdata/stored-list.json): the default list, padded as sealed,
// and the plan items.
func realBoxes(t testing.TB) [][]byte {
	b, err := os.ReadFile("testdata/stored-list.json")
	if err != nil {
		t.Fatal(err)
	}
	var all []matcher.StoredRecommendation
	if err := json.Unmarshal(b, &all); err != nil {
		t.Fatal(err)
	}
	var def, plan sealedBox
	for _, it := range all {
		if it.Plan {
			plan.Items = append(plan.Items, it)
		} else {
			def.Items = append(def.Items, it)
		}
	}
	def.Plan = true
	var out [][]byte
	for _, box := range []sealedBox{def, plan, {Items: []matcher.StoredRecommendation{}}} {
		j, err := json.Marshal(box)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, j, append(j, bytes.Repeat([]byte{' '}, 37)...))
	}
	return out
}

// checkDecodeBox: decodeBox returns what encoding/json returns, value and
// error alike.
func checkDecodeBox(t *testing.T, in []byte) {
	t.Helper()
	var want sealedBox
	werr := json.Unmarshal(in, &want)
	got, gerr := decodeBox(in)
	if (werr == nil) != (gerr == nil) {
		t.Fatalf("%q: encoding/json error %v, decodeBox error %v", in, werr, gerr)
	}
	if werr == nil && !reflect.DeepEqual(got, want) {
		t.Fatalf("%q:\ndecodeBox     %+v\nencoding/json %+v", in, got, want)
	}
}

// TestDecodeBoxFastPath: what SealList writes is read by the fast path
// (not handed to encoding/json), and read as encoding/json reads it; a
// box in another form is read by encoding/json.
func TestDecodeBoxFastPath(t *testing.T) {
	for i, in := range realBoxes(t) {
		if _, ok := fastBox(in); !ok {
			t.Errorf("box %d: the fast path refused what json.Marshal wrote: %.200s", i, in)
		}
		checkDecodeBox(t, in)
	}
	for _, in := range []string{
		`{"plan":true,"items":[]}`, // another order
		`{"items":[{"post_id":"a\u0062","kind":"job","rank":1,"score":2}]}`,
		`{"items":[{"post_id":"a","kind":"job","rank":1.5,"score":2}]}`,
		`{"items":[{"post_id":"a","kind":"job","rank":1,"score":01}]}`,
		`{"items":[{"post_id":"a","kind":"job","rank":1,"score":2,"item":{"x":[1,"}"]}}]}`,
		`{"items":[{"post_id":"a","kind":"job","rank":1,"score":2,"item":{"x":}}]}`,
		`{"items":[{"post_id":"a","kind":"job","rank":1,"score":1e999}]}`,
		"{\"items\":[{\"post_id\":\"\xff\",\"kind\":\"job\",\"rank\":1,\"score\":2}]}",
		`{"items":null}`, ` {"items":[]}`, `{"items":[]}x`, `{"items":[]`,
	} {
		checkDecodeBox(t, []byte(in))
	}
	// Real boxes damaged at random: a byte changed, dropped or repeated.
	rng := rand.New(rand.NewPCG(7, 9))
	boxes := realBoxes(t)
	bytesOf := []byte(`{}[],:"\ 0123456789.eE+-tfnlu` + "\x00\xff")
	for range 20000 {
		in := slices.Clone(boxes[rng.IntN(len(boxes))])
		for range 1 + rng.IntN(3) {
			i := rng.IntN(len(in))
			switch rng.IntN(3) {
			case 0:
				in[i] = bytesOf[rng.IntN(len(bytesOf))]
			case 1:
				in = slices.Delete(in, i, i+1)
			default:
				in = slices.Insert(in, i, in[i])
			}
		}
		checkDecodeBox(t, in)
	}
	if _, ok := fastBox([]byte(`{"items":[{"post_id":"a","kind":"job","rank":1,"score":2,"item":{"x":[1,"}"]}}]}`)); !ok {
		t.Error(`the fast path refused an item holding "}" in a string`)
	}
}

// FuzzDecodeBox: for any input, decodeBox returns what encoding/json
// returns.
func FuzzDecodeBox(f *testing.F) {
	for _, in := range realBoxes(f) {
		f.Add(in)
	}
	f.Add([]byte(`{"items":[{"post_id":"a","kind":"job","rank":-0,"score":-2.5E+3,"item":{"a":"\"}"},"plan":true}],"plan":true}`))
	f.Add([]byte(`{"items":[]}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		checkDecodeBox(t, in)
	})
}
