package store

import (
	"bytes"
	"encoding/json"
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// everyFieldSet is a post with every field, and every field of its salary,
// away from its zero value (filled by reflection, so that a field added to
// Post is set here too and MarshalPost must write it).
func everyFieldSet(t testing.TB) matcher.Post {
	var p matcher.Post
	var fill func(v reflect.Value)
	fill = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.String:
			v.SetString("值<&>\"" + v.Type().Name())
		case reflect.Int:
			v.SetInt(-7)
		case reflect.Float64:
			v.SetFloat(1.5e-7)
		case reflect.Bool:
			v.SetBool(true)
		case reflect.Slice:
			v.Set(reflect.ValueOf([]string{"a", "乙\u2028"}).Convert(v.Type()))
		case reflect.Struct:
			if v.Type() == reflect.TypeFor[time.Time]() {
				v.Set(reflect.ValueOf(time.Date(2023, 6, 1, 9, 30, 0, 500, cst)))
				return
			}
			for i := range v.NumField() {
				fill(v.Field(i))
			}
		default:
			t.Fatalf("no value for a %s field", v.Type())
		}
	}
	fill(reflect.ValueOf(&p).Elem())
	return p
}

func marshalBoth(t *testing.T, p matcher.Post) {
	t.Helper()
	want, wantErr := json.Marshal(&p)
	got, err := MarshalPost(&p)
	if (err != nil) != (wantErr != nil) || !bytes.Equal(got, want) {
		t.Fatalf("MarshalPost\n%s (%v)\njson.Marshal\n%s (%v)", got, err, want, wantErr)
	}
}

// TestMarshalPostIsJSON: MarshalPost writes json.Marshal's bytes, or
// fails where it fails.
func TestMarshalPostIsJSON(t *testing.T) {
	full := everyFieldSet(t)
	marshalBoth(t, full)
	marshalBoth(t, samplePost())
	marshalBoth(t, matcher.Post{})
	for name, change := range map[string]func(p *matcher.Post){
		"NaN min":       func(p *matcher.Post) { p.Salary.Min = math.NaN() },
		"infinite max":  func(p *matcher.Post) { p.Salary.Max = math.Inf(-1) },
		"big number":    func(p *matcher.Post) { p.Salary.Max = 1e21; p.Salary.Min = -123456789.25 },
		"year 10000":    func(p *matcher.Post) { p.Deadline = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) },
		"year -1":       func(p *matcher.Post) { p.UpdatedAt = time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC) },
		"zone of a day": func(p *matcher.Post) { p.PostedAt = time.Date(2023, 1, 1, 0, 0, 0, 0, time.FixedZone("x", 24*3600)) },
		"zone just under": func(p *matcher.Post) {
			p.PostedAt = time.Date(2023, 1, 1, 0, 0, 0, 0, time.FixedZone("x", -24*3600+60))
		},
		"invalid UTF-8": func(p *matcher.Post) { p.Title = "a\xffb\xe4\xb8"; p.Skills = []string{"\xed\xa0\x80"} },
		"empty lists":   func(p *matcher.Post) { p.Majors, p.Skills = []string{}, nil },
	} {
		t.Run(name, func(t *testing.T) {
			p := full
			change(&p)
			marshalBoth(t, p)
		})
	}
}

// FuzzMarshalPost: for any post encoding/json can read, MarshalPost
// writes what json.Marshal writes.
func FuzzMarshalPost(f *testing.F) {
	for _, p := range []matcher.Post{everyFieldSet(f), samplePost(), {}} {
		b, err := json.Marshal(&p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, text []byte) {
		var p matcher.Post
		if json.Unmarshal(text, &p) != nil {
			return
		}
		marshalBoth(t, p)
	})
}

func BenchmarkMarshalPost(b *testing.B) {
	p := samplePost()
	b.Run("json", func(b *testing.B) {
		for b.Loop() {
			if _, err := json.Marshal(&p); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("MarshalPost", func(b *testing.B) {
		for b.Loop() {
			if _, err := MarshalPost(&p); err != nil {
				b.Fatal(err)
			}
		}
	})
}
