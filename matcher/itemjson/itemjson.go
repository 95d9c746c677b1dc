package itemjson

import (
	"slices"
	"strconv"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// AppendItem appends it as encoding/json encodes it; false when a number
// is NaN or infinite (which encoding/json refuses), and then b as it was
// given: a caller never holds half an item.
func AppendItem(b []byte, it *matcher.Item) ([]byte, bool) {
	ok := true
	start := len(b)
	b = append(b, `{"post_id":`...)
	b = AppendString(b, it.PostID)
	b = append(b, `,"rank":`...)
	b = strconv.AppendInt(b, int64(it.Rank), 10)
	b = append(b, `,"score":`...)
	b, ok = AppendFloat(b, it.Score, ok)
	b = append(b, `,"kind":`...)
	b = AppendString(b, string(it.Kind))
	if it.Channel != "" {
		b = append(b, `,"channel":`...)
		b = AppendString(b, string(it.Channel))
	}
	b = append(b, `,"title":`...)
	b = AppendString(b, it.Title)
	b = append(b, `,"employer":`...)
	b = AppendString(b, it.Employer)
	b = append(b, `,"district":`...)
	b = AppendString(b, it.District)
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
	if !ok {
		return b[:start], false
	}
	return append(b, '}'), true
}

// appendSalary is matcher.AppendJSONSalary (shared with the stores'
// post records); ok turns false on a NaN or infinite bound.
func appendSalary(b []byte, s *matcher.Salary, ok bool) ([]byte, bool) {
	b, fine := matcher.AppendJSONSalary(b, s)
	return b, ok && fine
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
		b = AppendString(b, s)
	}
	return append(b, ']')
}

// appendContributions writes c as matcher.Contributions.MarshalJSON does
// (an object, keys in byte order), without allocating when c is in order,
// as the engine makes it.
func appendContributions(b []byte, c matcher.Contributions, ok bool) ([]byte, bool) {
	b, err := c.AppendJSON(b)
	return b, ok && err == nil
}

// AppendIntMap appends m as encoding/json encodes it (keys in byte order).
func AppendIntMap(b []byte, m map[string]int) []byte {
	if m == nil {
		return append(b, "null"...)
	}
	b = append(b, '{')
	for i, k := range sortedKeys(m) {
		if i > 0 {
			b = append(b, ',')
		}
		b = AppendString(b, k)
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

// AppendFloat is encoding/json's encoding of a float64 (shortest
// representation; exponent form below 1e-6 and from 1e21, as "1e-07" →
// "1e-7"); ok turns false on NaN and ±Inf.
func AppendFloat(b []byte, f float64, ok bool) ([]byte, bool) {
	out, err := matcher.AppendJSONFloat(b, f)
	if err != nil {
		return append(b, '0'), false
	}
	return out, ok
}

// AppendString is encoding/json's encoding of a string, HTML-safe
// (matcher.AppendJSONString, which Contributions write their names with
// too).
func AppendString(b []byte, s string) []byte { return matcher.AppendJSONString(b, s) }
