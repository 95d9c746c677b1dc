package api

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	jsonv1 "github.com/go-json-experiment/json/v1"
	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/engine"
)

// jsonStrings are strings encoding/json escapes in every way it does.
var jsonStrings = []string{"", "plain", "会计 <b>&amp;</b>", `quote " and \ backslash`, "tab\tnew\nline\rret\bback\fform",
	"\x00\x01\x1f\x7f", "bad utf-8 \xff\xfe end", "line sep \u2028 para sep \u2029", "emoji 😀 and 乌鲁木齐", "\xe4\xb8"}

// jsonFloats are floats whose encodings differ in form.
var jsonFloats = []float64{0, math.Copysign(0, -1), 1, -1, 0.5, 1.2345, 8.7232, 1e-6, 9.99e-7, 1e-7, 1.5e-10, 1e20, 1e21, 1.5e300, -2.5e-8, 12345678.9, 3e6}

// fill sets every field of v (a pointer) at random: strings and floats
// from the tables above, slices and maps nil, empty or filled. A field
// added to matcher.Result, Item or Salary is filled too, so a field
// appendResult does not write fails the comparison.
func fill(rng *rand.Rand, v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		fill(rng, v.Elem())
	case reflect.Struct:
		for i := range v.NumField() {
			fill(rng, v.Field(i))
		}
	case reflect.String:
		v.SetString(jsonStrings[rng.IntN(len(jsonStrings))])
	case reflect.Float64:
		f := jsonFloats[rng.IntN(len(jsonFloats))]
		if rng.IntN(2) == 0 {
			f = -f
		}
		v.SetFloat(f)
	case reflect.Int, reflect.Int64, reflect.Int32:
		v.SetInt(int64(rng.IntN(3)) * int64(rng.IntN(1000)-500))
	case reflect.Bool:
		v.SetBool(rng.IntN(2) == 0)
	case reflect.Slice:
		switch rng.IntN(3) {
		case 0:
			v.SetZero()
		case 1:
			v.Set(reflect.MakeSlice(v.Type(), 0, 0))
		default:
			s := reflect.MakeSlice(v.Type(), 1+rng.IntN(3), 3)
			for i := range s.Len() {
				fill(rng, s.Index(i))
			}
			v.Set(s)
		}
	case reflect.Map:
		switch rng.IntN(4) {
		case 0:
			v.SetZero()
		case 1:
			v.Set(reflect.MakeMap(v.Type()))
		case 2: // the engine's contributions: every feature
			m := reflect.MakeMap(v.Type())
			for _, k := range engine.FeatureNames {
				e := reflect.New(v.Type().Elem()).Elem()
				fill(rng, e)
				m.SetMapIndex(reflect.ValueOf(k), e)
			}
			v.Set(m)
		default:
			m := reflect.MakeMap(v.Type())
			for range 1 + rng.IntN(4) {
				e := reflect.New(v.Type().Elem()).Elem()
				fill(rng, e)
				m.SetMapIndex(reflect.ValueOf(jsonStrings[rng.IntN(len(jsonStrings))]), e)
			}
			v.Set(m)
		}
	default:
		panic("fill: no case for " + v.Type().String())
	}
}

// TestResultJSONIsEncodingJSON: appendResult writes encoding/json's bytes
// for random results with every field set, and for the engine's own.
func TestResultJSONIsEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 3000 {
		var res matcher.Result
		fill(rng, reflect.ValueOf(&res))
		checkResultJSON(t, i, &res)
	}
	f := newFixture(t)
	g, _ := f.graduateIn("天山区")
	for _, q := range []matcher.Query{{Limit: 8}, {Limit: 3, ExplainExclusions: true}} {
		res, err := f.eng.Recommend(&g, q)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Items) == 0 {
			t.Fatal("the engine recommended nothing: the comparison would check no item")
		}
		checkResultJSON(t, -1, res)
	}
}

func checkResultJSON(t *testing.T, i int, res *matcher.Result) {
	t.Helper()
	want, werr := json.Marshal(res)
	got, ok := appendResult(nil, res)
	if (werr == nil) != ok {
		t.Fatalf("result %d: encoding/json error %v, appendResult ok %v", i, werr, ok)
	}
	if ok && !bytes.Equal(got, want) {
		t.Fatalf("result %d:\nappendResult %s\nencoding/json %s", i, got, want)
	}
}

// FuzzResultJSON: for any strings and numbers, appendResult writes
// encoding/json's bytes, or refuses what it refuses.
func FuzzResultJSON(f *testing.F) {
	f.Add("G1", "会计 <助理>", "\xff\u2028", 8.75, 1e-7, 3)
	f.Add("", "", "", 0.0, math.Inf(1), 0)
	f.Fuzz(func(t *testing.T, id, title, reason string, score, contrib float64, n int) {
		it := matcher.Item{PostID: id, Rank: n, Score: score, Kind: matcher.Kind(reason), Channel: matcher.Channel(title), Title: title,
			Employer: reason, District: id, Salary: matcher.Salary{Raw: reason, Min: contrib, Max: score, Months: n},
			Reasons: []string{reason, title}, Contributions: map[string]float64{title: contrib, reason: score}, Missing: []string{id}}
		res := &matcher.Result{GraduateID: id, Items: []matcher.Item{it, it}, Excluded: map[string]int{reason: n, id: 1},
			Exclusions: []matcher.Exclusion{{PostID: id, Rule: reason, Message: title}}}
		checkResultJSON(t, 0, res)
	})
}

// BenchmarkResultJSON: appendResult against encoding/json and against the
// kept library's encoding/json-compatible mode (go-json-experiment's v1
// package), on the same random results; the reason appendResult exists
// (see its doc comment).
func BenchmarkResultJSON(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	results := make([]matcher.Result, 64)
	for i := range results {
		fill(rng, reflect.ValueOf(&results[i]))
	}
	b.Run("encoding_json", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			json.Marshal(&results[i%len(results)])
		}
	})
	b.Run("go_json_experiment_v1", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			jsonv1.Marshal(&results[i%len(results)])
		}
	})
	b.Run("appendResult", func(b *testing.B) {
		b.ReportAllocs()
		var buf []byte
		for i := 0; b.Loop(); i++ {
			buf, _ = appendResult(buf[:0], &results[i%len(results)])
		}
	})
}
