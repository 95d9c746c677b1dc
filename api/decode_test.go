package api

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"syscall"
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

// cpuTime is the process's CPU time (user and system, every thread, the
// garbage collector's included). Timing by CPU rather than by the wall
// clock keeps other processes on the shared cores out of the figures.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// measure decodes body into a profileRequest and returns the CPU time
// taken and the bytes allocated.
func measure(body []byte) (time.Duration, uint64, error) {
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	start := cpuTime()
	var req profileRequest
	err := decodeStrict(body, &req)
	el := cpuTime() - start
	runtime.ReadMemStats(&m1)
	return el, m1.TotalAlloc - m0.TotalAlloc, err
}

// baseline decodes body with encoding/json into an empty interface: a
// parser known to be linear, with a working set of the same kind (a map
// of every name), timed in the same process.
func baseline(body []byte) time.Duration {
	runtime.GC()
	start := cpuTime()
	var v any
	_ = json.Unmarshal(body, &v)
	return cpuTime() - start
}

// TestDecodeBounded is the property the old hand-written pass broke: for
// every shape, parsing costs time linear in the body and memory within a
// small multiple of it. Time is judged against a baseline parser in the
// same process (encoding/json into an interface, known to be linear):
// the ratio of the two at 4 MiB is compared with the ratio at 256 KiB, so neither the shared machine's load nor the
// processor's caches (a map of distinct names that outgrows them costs
// several times more per name, for both parsers) decide the outcome.
// Quadratic cost would make the ratio grow 16×.
func TestDecodeBounded(t *testing.T) {
	r := rand.New(rand.NewPCG(10, 10))
	small, large := 256<<10, 4<<20
	for name, gen := range bodyShapes {
		t.Run(name, func(t *testing.T) {
			bodies := [2][]byte{[]byte(gen(small, r)), []byte(gen(large, r))}
			best := [2]time.Duration{1 << 62, 1 << 62}
			base := [2]time.Duration{1 << 62, 1 << 62}
			var alloc [2]uint64
			// Interleaved, the best of three each: other engineers' builds
			// share the two cores.
			for k := range 3 {
				for i, body := range bodies {
					el, a, _ := measure(body)
					best[i], alloc[i] = min(best[i], el), max(alloc[i], a)
					if k < 2 {
						base[i] = min(base[i], baseline(body))
					}
				}
			}
			var ratio [2]float64
			for i, body := range bodies {
				ratio[i] = float64(best[i]+time.Millisecond) / float64(base[i]+time.Millisecond)
				if limit := uint64(40*len(body) + 4<<20); alloc[i] > limit {
					t.Errorf("%d-byte body allocated %d bytes (limit %d)", len(body), alloc[i], limit)
				}
				t.Logf("%8d bytes: %v (%.1f ns/byte; baseline %v), %d bytes allocated", len(body), best[i],
					float64(best[i])/float64(len(body)), base[i], alloc[i])
			}
			g := ratio[1] / ratio[0]
			t.Logf("time per byte against the baseline grew %.2f×", g)
			if g > 4 {
				t.Errorf("time against the baseline grew %.1f× from %d to %d bytes: not linear", g, small, large)
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
