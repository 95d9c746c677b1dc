package api

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// bodyShapes generate JSON bodies of about n bytes, each shape one an
// attacker would send: deep nesting of objects and of arrays (the shape
// that cost the old duplicate-key pass quadratic time and memory), wide
// objects (many distinct names: the duplicate detector's set), wide arrays,
// one long string, and a duplicate hidden at the end of a wide object.
var bodyShapes = map[string]func(n int, r *rand.Rand) string{
	// Deep trees of 5,000 levels (the library refuses 10,000), as many as
	// fit: the body grows, the depth stays near the limit.
	"nested objects": func(n int, r *rand.Rand) string {
		tree := strings.Repeat(`{"a":`, 5000) + "1" + strings.Repeat("}", 5000)
		return `{"profile":[` + strings.TrimSuffix(strings.Repeat(tree+",", n/len(tree)+1), ",") + "]}"
	},
	"nested arrays": func(n int, r *rand.Rand) string {
		tree := strings.Repeat("[", 5000) + strings.Repeat("]", 5000)
		return `{"profile":[` + strings.TrimSuffix(strings.Repeat(tree+",", n/len(tree)+1), ",") + "]}"
	},
	"too deep": func(n int, r *rand.Rand) string {
		d := n / 2
		return strings.Repeat("[", d) + strings.Repeat("]", d)
	},
	"wide object": func(n int, r *rand.Rand) string {
		var b strings.Builder
		b.WriteString(`{"profile":{`)
		for i := 0; b.Len() < n; i++ {
			fmt.Fprintf(&b, `"k%d_%d":%d,`, i, r.IntN(1000), i)
		}
		return strings.TrimSuffix(b.String(), ",") + "}}"
	},
	"wide array": func(n int, r *rand.Rand) string {
		return `{"profile":[` + strings.TrimSuffix(strings.Repeat(`{"a":[1,2,{"b":null}]},`, n/22+1), ",") + "]}"
	},
	"long string": func(n int, r *rand.Rand) string {
		return `{"channel":"` + strings.Repeat("会", n/3) + `"}`
	},
	"duplicate at the end": func(n int, r *rand.Rand) string {
		var b strings.Builder
		b.WriteString(`{"profile":{`)
		for i := 0; b.Len() < n; i++ {
			fmt.Fprintf(&b, `"k%d":{"x":[%d]},`, i, i)
		}
		return b.String() + `"k0":1}}`
	},
}

// measure decodes body into a profileRequest and returns the time taken
// and the bytes allocated.
func measure(body []byte) (time.Duration, uint64, error) {
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	start := time.Now()
	var req profileRequest
	err := decodeStrict(body, &req)
	el := time.Since(start)
	runtime.ReadMemStats(&m1)
	return el, m1.TotalAlloc - m0.TotalAlloc, err
}

// TestDecodeBounded is the property the old hand-written pass broke: for
// every shape, the cost of parsing grows linearly with the body. Time per
// byte at 4 MiB is compared with time per byte at 256 KiB in the same
// process (a ratio, not an absolute threshold: the machine is shared), and
// the bytes allocated stay under a small multiple of the body.
func TestDecodeBounded(t *testing.T) {
	r := rand.New(rand.NewPCG(10, 10))
	small, large := 256<<10, 4<<20
	for name, gen := range bodyShapes {
		t.Run(name, func(t *testing.T) {
			var perByte [2]float64
			for i, n := range []int{small, large} {
				body := []byte(gen(n, r))
				best := time.Duration(1 << 62)
				var alloc uint64
				for range 3 { // the best of three: other engineers' builds share the cores
					el, a, _ := measure(body)
					best, alloc = min(best, el), max(alloc, a)
				}
				perByte[i] = float64(best) / float64(len(body))
				if limit := uint64(40*len(body) + 4<<20); alloc > limit {
					t.Errorf("%d-byte body allocated %d bytes (limit %d)", len(body), alloc, limit)
				}
				t.Logf("%8d bytes: %v (%.1f ns/byte), %d bytes allocated", len(body), best, perByte[i], alloc)
			}
			// Quadratic cost would make the 16× larger body 16× dearer per
			// byte; linear keeps the ratio near 1.
			if ratio := perByte[1] / perByte[0]; ratio > 4 {
				t.Errorf("time per byte grew %.1f× from %d to %d bytes: not linear", ratio, small, large)
			}
		})
	}
}

// TestDecodeRefusals: the refusals the strict decoder owes, each naming
// its field.
func TestDecodeRefusals(t *testing.T) {
	cases := []struct{ body, field string }{
		{`{"profile":{"major":"a","major":"b"}}`, "profile.major"},
		{`{"profile":{"a":[{"c":1,"c":2}]}}`, "profile.a[0].c"},
		{`{"channel":"sme","Channel":"military"}`, "Channel"},
		{`{"limit":"ten"}`, "limit"},
		{`{"limt":3}`, "limt"},
		{`{"kind":"job","kind":"course"}`, "kind"},
	}
	for _, tc := range cases {
		var req profileRequest
		err := decodeStrict([]byte(tc.body), &req)
		if err == nil {
			t.Errorf("%s: accepted", tc.body)
			continue
		}
		if f := fieldOfErr(err); f != tc.field {
			t.Errorf("%s: field %q, want %q (%v)", tc.body, f, tc.field, err)
		}
	}
	for _, body := range []string{`{"profile":{}} {}`, `{"profile":`, strings.Repeat("[", 10001) + strings.Repeat("]", 10001), `nul`} {
		var req profileRequest
		if err := decodeStrict([]byte(body), &req); err == nil || statusOf(codeOf(err)) != 400 {
			t.Errorf("%.40q: %v, want a 400", body, err)
		}
	}
}

func fieldOfErr(err error) string {
	if me, ok := err.(*matcher.Error); ok {
		return me.Field
	}
	return ""
}

func codeOf(err error) string { return matcher.ErrorCode(err) }
