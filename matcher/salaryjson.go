package matcher

import "strconv"

// AppendJSONSalary appends s as encoding/json encodes a Salary (its
// omitempty fields left out when zero); false when Min or Max is NaN or
// infinite, which encoding/json refuses (the caller then has b with a 0 in
// that place and must not use it). A recommendation item and a stored
// post both carry one.
func AppendJSONSalary(b []byte, s *Salary) ([]byte, bool) {
	ok := true
	b = append(b, '{')
	n := len(b)
	sep := func() {
		if len(b) > n {
			b = append(b, ',')
		}
	}
	num := func(f float64) {
		out, err := AppendJSONFloat(b, f)
		if err != nil {
			out, ok = append(b, '0'), false
		}
		b = out
	}
	if s.Raw != "" {
		b = append(b, `"raw":`...)
		b = AppendJSONString(b, s.Raw)
	}
	if s.Min != 0 {
		sep()
		b = append(b, `"min":`...)
		num(s.Min)
	}
	if s.Max != 0 {
		sep()
		b = append(b, `"max":`...)
		num(s.Max)
	}
	if s.Period != "" {
		sep()
		b = append(b, `"period":`...)
		b = AppendJSONString(b, string(s.Period))
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
