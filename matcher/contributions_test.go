package matcher

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"
)

// checkContributionsJSON: c is written as encoding/json writes the map of
// the same features and values (the last value of a repeated name), and
// read back as that map is.
func checkContributionsJSON(t *testing.T, c Contributions) {
	t.Helper()
	var m map[string]float64
	if c != nil {
		m = map[string]float64{}
		for _, x := range c {
			m[x.Feature] = x.Value
		}
	}
	want, werr := json.Marshal(m)
	got, gerr := json.Marshal(c)
	if (werr == nil) != (gerr == nil) || !bytes.Equal(got, want) {
		t.Fatalf("%v: got %s (%v), encoding/json of the map %s (%v)", c, got, gerr, want, werr)
	}
	if werr != nil {
		return
	}
	// The bytes themselves, not re-escaped by encoding/json (which
	// compacts what a MarshalJSON returns): what matcher/itemjson stores.
	direct, derr := c.MarshalJSON()
	appended, aerr := c.AppendJSON([]byte("x"))
	if derr != nil || aerr != nil || !bytes.Equal(direct, want) || string(appended) != "x"+string(want) {
		t.Fatalf("%v: MarshalJSON %s (%v), AppendJSON %s (%v), encoding/json of the map %s", c, direct, derr, appended, aerr, want)
	}
	var back Contributions
	if err := json.Unmarshal(got, &back); err != nil {
		t.Fatalf("%s: %v", got, err)
	}
	m = nil // read back as the map is (invalid UTF-8 in a name comes back as U+FFFD)
	if err := json.Unmarshal(got, &m); err != nil {
		t.Fatalf("%s: %v", got, err)
	}
	if (back == nil) != (m == nil) || len(back) != len(m) {
		t.Fatalf("%s read back as %v", got, back)
	}
	for i, x := range back {
		if i > 0 && back[i-1].Feature >= x.Feature {
			t.Fatalf("%s read back out of order: %v", got, back)
		}
		if v, ok := m[x.Feature]; !ok || (v != x.Value && !(math.IsNaN(v) && math.IsNaN(x.Value))) || back.Get(x.Feature) != x.Value {
			t.Fatalf("%s read back as %v", got, back)
		}
	}
}

func TestContributionsJSONIsAMapsJSON(t *testing.T) {
	names := []string{"text", "major", "a", "", "<b>&", "乌鲁木齐", "\xff", "text"}
	floats := []float64{0, 1, -0.25, 1e-7, 1e21, 12345.678, math.Copysign(0, -1), 9.99e-7}
	rng := rand.New(rand.NewPCG(5, 8))
	checkContributionsJSON(t, nil)
	checkContributionsJSON(t, Contributions{})
	for range 2000 {
		c := make(Contributions, rng.IntN(6))
		for i := range c {
			c[i] = Contribution{names[rng.IntN(len(names))], floats[rng.IntN(len(floats))]}
		}
		checkContributionsJSON(t, c)
	}
	if _, err := json.Marshal(Contributions{{"x", math.NaN()}}); err == nil {
		t.Error("NaN written without an error")
	}
	// A refused value leaves b as it was, never an object left open.
	if b, err := (Contributions{{"a", 1}, {"b", math.Inf(1)}}).AppendJSON([]byte("x")); err == nil || string(b) != "x" {
		t.Errorf("AppendJSON of +Inf: %q, %v", b, err)
	}
	var c Contributions
	if err := json.Unmarshal([]byte(`{"a":"x"}`), &c); err == nil {
		t.Error(`{"a":"x"} read without an error`)
	}
}

// TestAppendJSONString: every character alone and between others, the
// escapes, invalid UTF-8 and the line separators, written as encoding/json
// writes the string.
func TestAppendJSONString(t *testing.T) {
	check := func(s string) {
		t.Helper()
		want, _ := json.Marshal(s)
		if got := AppendJSONString([]byte("x"), s); string(got) != "x"+string(want) {
			t.Fatalf("%q: %s, encoding/json %s", s, got[1:], want)
		}
	}
	for r := rune(0); r <= 0x10FFFF; r++ {
		check(string(r))
		if r%97 == 0 {
			check("a<" + string(r) + "\xff>&")
		}
	}
	for _, s := range []string{"", "plain", "会计 <b>&amp;</b>", `quote " and \ backslash`, "tab\tnew\nline\rret\bback\fform", "\x00\x1f\x7f", "bad \xff end", "sep \u2028 \u2029", "\xe4\xb8", "\xed\xa0\x80",
		"\xe0\x80\x80", "\xe0\xa0\x80", "\xef\xbf\xbf", "会计\xe4\xb8", "\xe4\xb8会", "\xe2\x80\xa7\xe2\x80\xaa", "岗位\xe4\xc0\x80要求"} {
		check(s)
	}
}

// FuzzContributionsJSON: any input is read as a map[string]float64 would
// be (the same refusals), and what is read is written back as the map.
func FuzzContributionsJSON(f *testing.F) {
	f.Add([]byte(`{"text":0.25,"major":1e-7,"text":2}`))
	f.Add([]byte(`null`))
	f.Add([]byte(`{}`))
	f.Add([]byte(`[1]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var m map[string]float64
		merr := json.Unmarshal(b, &m)
		var c Contributions
		cerr := json.Unmarshal(b, &c)
		if (merr == nil) != (cerr == nil) {
			t.Fatalf("%q: map error %v, Contributions error %v", b, merr, cerr)
		}
		if cerr == nil {
			checkContributionsJSON(t, c)
			if len(c) != len(m) {
				t.Fatalf("%q: %d contributions, map of %d", b, len(c), len(m))
			}
		}
	})
}

// BenchmarkAppendJSONString: an item's reasons as the engine writes them
// (Chinese text with ASCII punctuation and digits), the strings a batch
// run writes most.
func BenchmarkAppendJSONString(b *testing.B) {
	ss := []string{"专业对口：会计学 → 会计专业人员（同类岗位常招此专业）", "内容相关：财务、会计、报表", "薪资：4000-6000元/月，符合期望",
		"地点：天山区（您的户籍所在区）", "技能匹配：Excel、财务软件（您有用友U8）", "wlmqrs:WL-2023-001234"}
	n := 0
	for _, s := range ss {
		n += len(s)
	}
	b.SetBytes(int64(n))
	buf := make([]byte, 0, 4*n)
	for b.Loop() {
		buf = buf[:0]
		for _, s := range ss {
			buf = AppendJSONString(buf, s)
		}
	}
}
