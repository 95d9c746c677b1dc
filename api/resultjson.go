package api

import (
	"math"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"unicode/utf8"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// A recommendation list is the body the API writes most. Encoding an
// engine's 8-item list (6.5 KB) with encoding/json took 41–51 µs and 252
// allocations (the contributions' maps sorted by key through reflect),
// about 5% of a served request's ~0.9 ms CPU before its garbage; the kept
// library's encoding/json-compatible mode (go-json-experiment/json/v1,
// whose bytes are the same) took 40–47 µs with 139 allocations, so it does
// not serve here. appendResult writes the same bytes in 14–16 µs with no
// allocation (2026-12-06, 2-core AMD EPYC; BenchmarkResultJSON compares the
// three on random results). TestResultJSONIsEncodingJSON and FuzzResultJSON
// hold it to encoding/json's output, and fail when matcher.Result, Item or
// Salary gain a field it does not write.

// resultBufs recycles the buffers lists are encoded into.
var resultBufs = sync.Pool{New: func() any { b := make([]byte, 0, 16<<10); return &b }}

// writeResult writes res as writeJSON would.
func writeResult(w http.ResponseWriter, status int, res *matcher.Result) error {
	bp := resultBufs.Get().(*[]byte)
	defer resultBufs.Put(bp)
	b, ok := appendResult((*bp)[:0], res)
	if !ok {
		return writeJSON(w, status, res) // NaN or ±Inf: encoding/json's error
	}
	b = append(b, '\n')
	*bp = b
	return writeBody(w, status, b)
}

// writeBody writes a whole JSON body with its length: net/http then sends
// it as it is, where a body past its 2 KB buffer without a length went out
// chunked (a list of 8 items is about 6.5 KB).
func writeBody(w http.ResponseWriter, status int, b []byte) error {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, err := w.Write(b)
	return err
}

// appendResult appends res as encoding/json encodes it; false when a
// number is NaN or infinite (which encoding/json refuses).
func appendResult(b []byte, res *matcher.Result) ([]byte, bool) {
	ok := true
	b = append(b, `{"graduate_id":`...)
	b = appendJSONString(b, res.GraduateID)
	b = append(b, `,"items":`...)
	if res.Items == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range res.Items {
			if i > 0 {
				b = append(b, ',')
			}
			var iok bool
			b, iok = appendItem(b, &res.Items[i])
			ok = ok && iok
		}
		b = append(b, ']')
	}
	b = append(b, `,"excluded":`...)
	b = appendIntMap(b, res.Excluded)
	if len(res.Exclusions) > 0 {
		b = append(b, `,"exclusions":[`...)
		for i, x := range res.Exclusions {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"post_id":`...)
			b = appendJSONString(b, x.PostID)
			b = append(b, `,"rule":`...)
			b = appendJSONString(b, x.Rule)
			b = append(b, `,"message":`...)
			b = appendJSONString(b, x.Message)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	return append(b, '}'), ok
}

func appendItem(b []byte, it *matcher.Item) ([]byte, bool) {
	ok := true
	b = append(b, `{"post_id":`...)
	b = appendJSONString(b, it.PostID)
	b = append(b, `,"rank":`...)
	b = strconv.AppendInt(b, int64(it.Rank), 10)
	b = append(b, `,"score":`...)
	b, ok = appendFloat(b, it.Score, ok)
	b = append(b, `,"kind":`...)
	b = appendJSONString(b, string(it.Kind))
	if it.Channel != "" {
		b = append(b, `,"channel":`...)
		b = appendJSONString(b, string(it.Channel))
	}
	b = append(b, `,"title":`...)
	b = appendJSONString(b, it.Title)
	b = append(b, `,"employer":`...)
	b = appendJSONString(b, it.Employer)
	b = append(b, `,"district":`...)
	b = appendJSONString(b, it.District)
	b = append(b, `,"salary":`...)
	b, ok = appendSalary(b, &it.Salary, ok)
	b = append(b, `,"reasons":`...)
	b = appendStrings(b, it.Reasons)
	b = append(b, `,"contributions":`...)
	b, ok = appendContributions(b, it.Contributions, ok)
	if len(it.Missing) > 0 {
		b = append(b, `,"missing":`...)
		b = appendStrings(b, it.Missing)
	}
	if len(it.Opens) > 0 {
		b = append(b, `,"opens":`...)
		b = appendStrings(b, it.Opens)
	}
	return append(b, '}'), ok
}

func appendSalary(b []byte, s *matcher.Salary, ok bool) ([]byte, bool) {
	b = append(b, '{')
	n := len(b)
	sep := func() {
		if len(b) > n {
			b = append(b, ',')
		}
	}
	if s.Raw != "" {
		b = append(b, `"raw":`...)
		b = appendJSONString(b, s.Raw)
	}
	if s.Min != 0 {
		sep()
		b = append(b, `"min":`...)
		b, ok = appendFloat(b, s.Min, ok)
	}
	if s.Max != 0 {
		sep()
		b = append(b, `"max":`...)
		b, ok = appendFloat(b, s.Max, ok)
	}
	if s.Period != "" {
		sep()
		b = append(b, `"period":`...)
		b = appendJSONString(b, string(s.Period))
	}
	if s.Months != 0 {
		sep()
		b = append(b, `"months":`...)
		b = strconv.AppendInt(b, int64(s.Months), 10)
	}
	for _, f := range [...]struct {
		on   bool
		name string
	}{{s.Negotiable, `"negotiable":true`}, {s.Inverted, `"inverted":true`}, {s.OpenEnded, `"open_ended":true`}} {
		if f.on {
			sep()
			b = append(b, f.name...)
		}
	}
	return append(b, '}'), ok
}

func appendStrings(b []byte, ss []string) []byte {
	if ss == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, s)
	}
	return append(b, ']')
}

// appendContributions writes c as matcher.Contributions.MarshalJSON does
// (an object, keys in byte order), without allocating when c is in order,
// as the engine makes it.
func appendContributions(b []byte, c matcher.Contributions, ok bool) ([]byte, bool) {
	if c == nil {
		return append(b, "null"...), ok
	}
	c = c.Sorted()
	b = append(b, '{')
	for i, x := range c {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, x.Feature)
		b = append(b, ':')
		b, ok = appendFloat(b, x.Value, ok)
	}
	return append(b, '}'), ok
}

func appendIntMap(b []byte, m map[string]int) []byte {
	if m == nil {
		return append(b, "null"...)
	}
	b = append(b, '{')
	for i, k := range sortedKeys(m) {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, k)
		b = append(b, ':')
		b = strconv.AppendInt(b, int64(m[k]), 10)
	}
	return append(b, '}')
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// appendFloat is encoding/json's encoding of a float64 (shortest
// representation; exponent form below 1e-6 and from 1e21, as "1e-07" →
// "1e-7"); ok turns false on NaN and ±Inf.
func appendFloat(b []byte, f float64, ok bool) ([]byte, bool) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(b, '0'), false
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b, ok
}

const hexDigits = "0123456789abcdef"

// appendJSONString is encoding/json's encoding of a string, HTML-safe:
// <, > and & as \u003c, \u003e and \u0026, control characters escaped,
// invalid UTF-8 as \ufffd, U+2028 and U+2029 escaped.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
