package api

import (
	"net/http"
	"strconv"
	"sync"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/itemjson"
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
// Salary gain a field it does not write. The items are written by
// matcher/itemjson, which the nightly batch stores them with too.

// jsonContentType is the Content-Type of every JSON body, one slice
// shared by all responses (see securityHeaders for why that is safe).
var jsonContentType = []string{"application/json; charset=utf-8"}

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
	h["Content-Type"] = jsonContentType // shared, as securityHeaders (headers.go)
	h["Content-Length"] = []string{strconv.Itoa(len(b))}
	w.WriteHeader(status)
	_, err := w.Write(b)
	return err
}

// appendResult appends res as encoding/json encodes it; false when a
// number is NaN or infinite (which encoding/json refuses).
func appendResult(b []byte, res *matcher.Result) ([]byte, bool) {
	ok := true
	b = append(b, `{"graduate_id":`...)
	b = itemjson.AppendString(b, res.GraduateID)
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
			b, iok = itemjson.AppendItem(b, &res.Items[i])
			ok = ok && iok
		}
		b = append(b, ']')
	}
	b = append(b, `,"excluded":`...)
	b = itemjson.AppendIntMap(b, res.Excluded)
	if len(res.Exclusions) > 0 {
		b = append(b, `,"exclusions":[`...)
		for i, x := range res.Exclusions {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"post_id":`...)
			b = itemjson.AppendString(b, x.PostID)
			b = append(b, `,"rule":`...)
			b = itemjson.AppendString(b, x.Rule)
			b = append(b, `,"message":`...)
			b = itemjson.AppendString(b, x.Message)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	return append(b, '}'), ok
}
