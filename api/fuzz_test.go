package api

import (
	"encoding/json"
	"net/url"
	"testing"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// FuzzDecodeStrict: no body makes the strict decoder panic, every refusal is
// a 400-class *matcher.Error, and what it accepts encoding/json accepts too.
func FuzzDecodeStrict(f *testing.F) {
	for _, s := range []string{
		`{"profile":{"major":"会计学"},"limit":8}`,
		`{"profile":{"major":"a","major":"b"}}`,
		`{"a":{"b":[{"c":1,"c":2}]}}`,
		`{"limit":"ten"}`,
		`[[[[[[]]]]]]`,
		`{"profile":{"national_id":"650102200301010001"}}`,
		"{\"channel\":\"\xff\"}",
		`{} {}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var req profileRequest
		err := decodeStrict(b, &req)
		if err == nil {
			var loose profileRequest
			if jerr := json.Unmarshal(b, &loose); jerr != nil {
				t.Fatalf("strict accepted what encoding/json refuses: %v", jerr)
			}
			return
		}
		me, ok := err.(*matcher.Error)
		if !ok || statusOf(me.Code) != 400 {
			t.Fatalf("refusal is not a 400 *matcher.Error: %T %v", err, err)
		}
	})
}

// FuzzIntParam: any limit value gives a number in range or a 400 naming
// the parameter.
func FuzzIntParam(f *testing.F) {
	for _, s := range []string{"8", "-1", "０", "１０", "99999999999999999999", "1e3", "0x10", "－５", " 7 ", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := intParam(url.Values{"limit": {s}}, "limit", 8, 1, maxLimit)
		if err != nil {
			if me, ok := err.(*matcher.Error); !ok || me.Field != "limit" || statusOf(me.Code) != 400 {
				t.Fatalf("%q: %v", s, err)
			}
			return
		}
		if n < 1 || n > maxLimit {
			t.Fatalf("%q gave %d, outside 1..%d", s, n, maxLimit)
		}
	})
}
