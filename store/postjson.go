package store

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// MarshalPost is json.Marshal(p) for a post record, written field by field
// without encoding/json's reflection: the stores encode every post of an
// import (25,000 on the generated set), and the reflection was a third of
// the embedded store's commit. The bytes are encoding/json's (field order,
// omitempty/omitzero, HTML-safe string escapes, float and time formats);
// a post it cannot write the same way — a NaN or infinite salary bound, a
// time MarshalJSON refuses — goes to json.Marshal, which gives its error
// (TestMarshalPostIsJSON, FuzzMarshalPost).
func MarshalPost(p *matcher.Post) ([]byte, error) {
	if b, ok := appendPost(make([]byte, 0, postJSONSize(p)), p); ok {
		return b, nil
	}
	return json.Marshal(p)
}

// postJSONSize is room for p's record: its strings and a margin for the
// keys and numbers, so that appendPost mostly writes into one buffer.
func postJSONSize(p *matcher.Post) int {
	n := 400 + len(p.ID) + len(p.Source) + len(p.ExternalID) + len(p.Title) + len(p.Employer) + len(p.EmployerType) +
		len(p.District) + len(p.Address) + len(p.Description) + len(p.Experience) + len(p.HukouRequired) +
		len(p.Occupation) + len(p.DuplicateOf) + len(p.Salary.Raw)
	for _, l := range [...][]string{p.Majors, p.MajorCodes, p.Skills, p.Certificates} {
		for _, s := range l {
			n += len(s) + 3
		}
	}
	return n
}

func appendPost(b []byte, p *matcher.Post) ([]byte, bool) {
	str := func(key, v string) {
		b = append(b, key...)
		b = matcher.AppendJSONString(b, v)
	}
	opt := func(key, v string) {
		if v != "" {
			str(key, v)
		}
	}
	num := func(key string, v int) {
		b = append(b, key...)
		b = strconv.AppendInt(b, int64(v), 10)
	}
	optNum := func(key string, v int) {
		if v != 0 {
			num(key, v)
		}
	}
	list := func(key string, vs []string) {
		if len(vs) == 0 {
			return
		}
		b = append(b, key...)
		b = append(b, '[')
		for i, v := range vs {
			if i > 0 {
				b = append(b, ',')
			}
			b = matcher.AppendJSONString(b, v)
		}
		b = append(b, ']')
	}
	ok := true
	tm := func(key string, t time.Time) {
		if t.IsZero() {
			return
		}
		b = append(b, key...)
		var fine bool
		b, fine = appendJSONTime(b, t)
		ok = ok && fine
	}
	b = appendPostHead(b, p)
	opt(`,"employer_type":`, p.EmployerType)
	opt(`,"district":`, p.District)
	opt(`,"address":`, p.Address)
	opt(`,"description":`, p.Description)
	list(`,"majors":`, p.Majors)
	list(`,"major_codes":`, p.MajorCodes)
	num(`,"degree_min":`, int(p.DegreeMin))
	opt(`,"experience":`, p.Experience)
	optNum(`,"experience_min":`, p.ExperienceMin)
	b = append(b, `,"salary":`...)
	var fine bool
	b, fine = matcher.AppendJSONSalary(b, &p.Salary)
	ok = ok && fine
	num(`,"headcount":`, p.Headcount)
	optNum(`,"filled":`, p.Filled)
	optNum(`,"age_max":`, p.AgeMax)
	optNum(`,"age_min":`, p.AgeMin)
	opt(`,"hukou_required":`, p.HukouRequired)
	if p.PublicWelfare {
		b = append(b, `,"public_welfare":true`...)
	}
	tm(`,"posted_at":`, p.PostedAt)
	tm(`,"deadline":`, p.Deadline)
	opt(`,"occupation":`, p.Occupation)
	list(`,"skills":`, p.Skills)
	list(`,"certificates":`, p.Certificates)
	str(`,"status":`, string(p.Status))
	opt(`,"duplicate_of":`, p.DuplicateOf)
	tm(`,"updated_at":`, p.UpdatedAt)
	return append(b, '}'), ok
}

// appendPostHead writes the post's first fields, none of them omitempty.
func appendPostHead(b []byte, p *matcher.Post) []byte {
	for _, f := range [...]struct{ key, v string }{{`{"id":`, p.ID}, {`,"source":`, p.Source},
		{`,"external_id":`, p.ExternalID}, {`,"kind":`, string(p.Kind)}, {`,"channel":`, string(p.Channel)},
		{`,"title":`, p.Title}, {`,"employer":`, p.Employer}} {
		b = append(b, f.key...)
		b = matcher.AppendJSONString(b, f.v)
	}
	return b
}

// appendJSONTime appends t as time.Time.MarshalJSON writes it (RFC 3339
// with nanoseconds, quoted); false for what MarshalJSON refuses (a year
// outside 0–9999, a zone offset of a day or more), which encoding/json
// then reports.
func appendJSONTime(b []byte, t time.Time) ([]byte, bool) {
	if y := t.Year(); y < 0 || y > 9999 {
		return b, false
	}
	if _, off := t.Zone(); off <= -24*60*60 || off >= 24*60*60 {
		return b, false
	}
	b = append(b, '"')
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b, '"'), true
}
