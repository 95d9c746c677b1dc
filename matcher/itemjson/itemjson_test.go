package itemjson

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/engine"
)

// strs are strings encoding/json escapes in every way it does; floats,
// numbers whose encodings differ in form.
var (
	strs   = []string{"", "plain", "会计 <b>&amp;</b>", `quote " and \ backslash`, "tab\tnew\nline\rret\bback\fform", "\x00\x1f\x7f", "bad \xff end", "sep \u2028 \u2029", "\xe4\xb8"}
	floats = []float64{0, math.Copysign(0, -1), 1, -0.5, 8.7232, 1e-6, 9.99e-7, 1e-7, -1.5e-10, 1e20, 1e21, 1.5e300, 12345678.9}
)

func checkItem(t *testing.T, it *matcher.Item) {
	t.Helper()
	want, werr := json.Marshal(it)
	got, ok := AppendItem([]byte("x"), it)
	if (werr == nil) != ok {
		t.Fatalf("encoding/json error %v, AppendItem ok %v", werr, ok)
	}
	if ok && !bytes.Equal(got, append([]byte("x"), want...)) {
		t.Fatalf("AppendItem %s\nencoding/json %s", got, want)
	}
	if !ok && string(got) != "x" {
		// A refused item leaves nothing behind: no half-written object.
		t.Fatalf("refused item left %q after the prefix", got[1:])
	}
}

// TestItemJSONIsEncodingJSON: AppendItem writes encoding/json's bytes for
// items with every field set in turn (nil, empty and filled lists and
// maps, the engine's contributions and others, every escape and number
// form), and refuses NaN and infinities as encoding/json does.
func TestItemJSONIsEncodingJSON(t *testing.T) {
	features := matcher.Contributions{}
	for i, k := range engine.FeatureNames {
		features = append(features, matcher.Contribution{Feature: k, Value: floats[i%len(floats)]})
	}
	for i := range 400 {
		s := func(k int) string { return strs[(i*7+k)%len(strs)] }
		f := func(k int) float64 { return floats[(i*5+k)%len(floats)] }
		it := matcher.Item{PostID: s(0), Rank: i - 3, Score: f(0), Kind: matcher.Kind(s(1)), Channel: matcher.Channel(s(2)),
			Title: s(3), Employer: s(4), District: s(5),
			Salary: matcher.Salary{Raw: s(6), Min: f(1), Max: f(2), Period: matcher.SalaryPeriod(s(7)), Months: i % 3,
				Negotiable: i%2 == 0, Inverted: i%3 == 0, OpenEnded: i%5 == 0}}
		switch i % 4 {
		case 1:
			it.Reasons, it.Missing, it.Opens, it.Contributions = []string{}, []string{}, []string{}, matcher.Contributions{}
		case 2:
			it.Reasons, it.Missing, it.Opens, it.Contributions = []string{s(1), s(2)}, []string{s(3)}, []string{s(4)}, features
		case 3:
			it.Reasons, it.Contributions = []string{s(8)}, contributions(map[string]float64{s(1): f(3), s(2): f(4)})
		}
		checkItem(t, &it)
	}
	checkItem(t, &matcher.Item{Score: math.NaN()})
	checkItem(t, &matcher.Item{Contributions: matcher.Contributions{{Feature: "text", Value: math.Inf(-1)}}})
}

// FuzzItemJSON: for any strings and numbers, AppendItem writes
// encoding/json's bytes, or refuses what it refuses.
func FuzzItemJSON(f *testing.F) {
	f.Add("wlmqrs:WL1", "会计 <助理>", "\xff\u2028", 8.75, 1e-7, 3)
	f.Add("", "", "", 0.0, math.Inf(1), 0)
	f.Fuzz(func(t *testing.T, id, title, reason string, score, contrib float64, n int) {
		it := matcher.Item{PostID: id, Rank: n, Score: score, Kind: matcher.Kind(reason), Channel: matcher.Channel(title), Title: title,
			Employer: reason, District: id, Salary: matcher.Salary{Raw: reason, Min: contrib, Max: score, Months: n},
			Reasons: []string{reason, title}, Contributions: contributions(map[string]float64{title: contrib, reason: score}), Missing: []string{id}}
		checkItem(t, &it)
	})
}

// contributions makes a map's pairs an item's contributions, in the map's
// (random) order: the writer must sort them as MarshalJSON does.
func contributions(m map[string]float64) matcher.Contributions {
	var c matcher.Contributions
	for k, v := range m {
		c = append(c, matcher.Contribution{Feature: k, Value: v})
	}
	return c
}
