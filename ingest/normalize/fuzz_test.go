package normalize

import (
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

// Fuzz targets: every parser must survive any input, and what it accepts
// must satisfy the invariants the rest of jobmatch relies on. Seeds live in
// testdata/fuzz/FuzzXxx/. Run one with e.g.
//
//	go test ./ingest/normalize -run '^$' -fuzz '^FuzzSalary$' -fuzztime 20s

// checkError asserts the error contract on a failure.
func checkError(t *testing.T, err error, field string) {
	t.Helper()
	var me *matcher.Error
	if !errors.As(err, &me) {
		t.Fatalf("error %v (%T) is not a *matcher.Error", err, err)
	}
	if me.Code != matcher.EINVALID || me.Message == "" || me.MessageEN == "" {
		t.Fatalf("error %#v lacks code EINVALID or a message", me)
	}
	if field != "" && me.Field != field {
		t.Fatalf("error field %q, want %q", me.Field, field)
	}
	// Offending values are quoted clipped: a message stays short however
	// large the cell.
	if n := utf8.RuneCountInString(me.Message); n > 160 {
		t.Fatalf("error message has %d characters: %q", n, me.Message)
	}
	if !utf8.ValidString(me.Message) || !utf8.ValidString(me.MessageEN) {
		t.Fatalf("error message is not valid UTF-8: %q", me.Message)
	}
}

func FuzzSalary(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		got, err := Salary(s)
		if got.Raw != s {
			t.Fatalf("Raw = %q, want the input", got.Raw)
		}
		if err != nil {
			checkError(t, err, "salary")
			return
		}
		if got.Negotiable {
			if got.Min != 0 || got.Max != 0 || got.Period != "" || got.Inverted || got.OpenEnded {
				t.Fatalf("negotiable salary with numbers: %+v", got)
			}
			return
		}
		if got.Min < 0 || got.Min > got.Max {
			t.Fatalf("Min/Max out of order: %+v", got)
		}
		if !got.Known() {
			if got != (matcher.Salary{Raw: s}) {
				t.Fatalf("unknown salary with fields set: %+v", got)
			}
			return
		}
		lim, ok := salaryLimits[got.Period]
		if !ok || got.Min < lim[0] || got.Max > lim[1] {
			t.Fatalf("implausible salary accepted: %+v", got)
		}
		if got.Months != 0 && (got.Months < 12 || got.Months > 24) {
			t.Fatalf("months = %d", got.Months)
		}
		if lo, hi, ok := got.Monthly(); !ok || lo <= 0 || lo > hi {
			t.Fatalf("Monthly() = %v, %v, %v for %+v", lo, hi, ok, got)
		}
	})
}

func FuzzDegree(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		d, err := Degree(s)
		if err != nil {
			checkError(t, err, "degree")
			return
		}
		if d < matcher.DegreeNone || d > matcher.DegreeDoctor {
			t.Fatalf("Degree(%q) = %d, out of range", s, d)
		}
		if back, err := Degree(d.String()); err != nil || back != d {
			t.Fatalf("Degree(%q) = %v does not read back from its code: %v, %v", s, d, back, err)
		}
	})
}

func FuzzNationalID(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		id, err := NationalID(s)
		if err != nil {
			checkError(t, err, "national_id")
			assertNoEcho(t, err, s)
			return
		}
		if id == "" {
			if Text(strings.NewReplacer(" ", "", "-", "", "'", "").Replace(s)) != "" && Text(s) != "'" {
				t.Fatalf("NationalID(%q) = \"\" without an error", s)
			}
			return
		}
		if !matcher.ValidNationalID(id) {
			t.Fatalf("NationalID(%q) = %q, not valid by matcher.ValidNationalID", s, id)
		}
		if again, err := NationalID(id); err != nil || again != id {
			t.Fatalf("NationalID is not idempotent: %q → %q, %v", id, again, err)
		}
		if b, ok := NationalIDBirthDate(id); !ok || b.After(time.Now()) || b.Year() < 1900 {
			t.Fatalf("accepted %q with birth date %v, %v", id, b, ok)
		}
	})
}

var phoneForm = regexp.MustCompile(`^(1[3-9][0-9]{9}|0[1-9][0-9]{1,2}-[1-9][0-9]{6,7})$`)

func FuzzPhone(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		p, err := Phone(s)
		if err != nil {
			checkError(t, err, "phone")
			assertNoEcho(t, err, s)
			return
		}
		if p == "" {
			if Text(s) != "" && Text(s) != "'" {
				t.Fatalf("Phone(%q) = \"\" without an error", s)
			}
			return
		}
		if !phoneForm.MatchString(p) {
			t.Fatalf("Phone(%q) = %q, not a normalised number", s, p)
		}
		if again, err := Phone(p); err != nil || again != p {
			t.Fatalf("Phone is not idempotent: %q → %q, %v", p, again, err)
		}
	})
}

func FuzzDate(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		d, err := Date(s)
		if err != nil {
			checkError(t, err, "date")
			return
		}
		if d.IsZero() {
			return
		}
		if d.Location() != time.UTC || d.Hour() != 0 || d.Minute() != 0 || d.Second() != 0 || d.Nanosecond() != 0 {
			t.Fatalf("Date(%q) = %v, not midnight UTC", s, d)
		}
		if d.Year() < 1900 || d.Year() > 2199 {
			t.Fatalf("Date(%q) = %v, out of range", s, d)
		}
		canon := d.Format("2006-01-02")
		if back, err := Date(canon); err != nil || !back.Equal(d) {
			t.Fatalf("Date(%q) = %v does not read back from %s: %v, %v", s, d, canon, back, err)
		}
	})
}

func FuzzMajors(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		names, codes := Majors(s)
		if len(codes) > len(names) {
			t.Fatalf("Majors(%q): %d codes for %d names", s, len(codes), len(names))
		}
		seen := map[string]bool{}
		for _, n := range names {
			if n == "" || seen[n] || n != strings.TrimSpace(n) || !utf8.ValidString(n) {
				t.Fatalf("Majors(%q) names %q: empty, repeated or unclean", s, names)
			}
			seen[n] = true
		}
		for _, c := range codes {
			if c == "" || seen["code:"+c] {
				t.Fatalf("Majors(%q) codes %q: empty or repeated", s, codes)
			}
			seen["code:"+c] = true
		}
		if len(names) == 0 && !MajorsAny(s) {
			t.Fatalf("Majors(%q) names no major but MajorsAny is false", s)
		}
	})
}

func FuzzText(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		out := Text(s)
		if !utf8.ValidString(out) {
			t.Fatalf("Text(%q) = %q, invalid UTF-8", s, out)
		}
		if Text(out) != out {
			t.Fatalf("Text not idempotent: %q → %q → %q", s, out, Text(out))
		}
		if strings.TrimSpace(out) != out || strings.Contains(out, "  ") {
			t.Fatalf("Text(%q) = %q keeps outer or double spaces", s, out)
		}
		m := Multiline(s)
		if !utf8.ValidString(m) || Multiline(m) != m {
			t.Fatalf("Multiline not idempotent or invalid: %q → %q → %q", s, m, Multiline(m))
		}
		for _, v := range List(s) {
			if v == "" || Text(v) != v {
				t.Fatalf("List(%q) has an unclean value %q", s, v)
			}
		}
	})
}

func FuzzDistrict(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		d := District(s)
		if District(d) != d {
			t.Fatalf("District not idempotent: %q → %q → %q", s, d, District(d))
		}
		if Text(d) != d {
			t.Fatalf("District(%q) = %q, not clean", s, d)
		}
		if _, ok := urumqiDistrict(Text(s)); ok && !catalog.IsUrumqiDistrict(d) {
			t.Fatalf("District(%q) = %q, not one of the eight", s, d)
		}
		if catalog.IsUrumqiDistrict(d) && !IsUrumqi(s) {
			t.Fatalf("District(%q) = %q but IsUrumqi is false", s, d)
		}
	})
}

func FuzzNumbers(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		if n, err := Int(s, "headcount"); err != nil {
			checkError(t, err, "headcount")
		} else if n < 0 {
			t.Fatalf("Int(%q) = %d", s, n)
		}
		if n, err := Experience(s); err != nil {
			checkError(t, err, "experience")
		} else if n < 0 || n > 50 {
			t.Fatalf("Experience(%q) = %d", s, n)
		}
		if _, err := Bool(s); err != nil {
			checkError(t, err, "")
		}
		if g, err := Gender(s); err != nil {
			checkError(t, err, "gender")
		} else if g != "" && g != "男" && g != "女" {
			t.Fatalf("Gender(%q) = %q", s, g)
		}
	})
}

func FuzzCodes(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		if c, err := Channel(s); err != nil {
			checkError(t, err, "channel")
		} else if c != "" && !c.Valid() {
			t.Fatalf("Channel(%q) = %q", s, c)
		}
		if k, err := Kind(s); err != nil {
			checkError(t, err, "kind")
		} else if !k.Valid() {
			t.Fatalf("Kind(%q) = %q", s, k)
		}
		if hs, err := Hardships(s); err != nil {
			checkError(t, err, "hardship")
		} else {
			for _, h := range hs {
				if !h.Valid() {
					t.Fatalf("Hardships(%q) = %v", s, hs)
				}
			}
		}
		if st, err := GraduateStatus(s); err != nil {
			checkError(t, err, "status")
		} else if st != "" && st != matcher.StatusUnregistered && st != matcher.StatusSeeking && st != matcher.StatusPlaced &&
			st != matcher.StatusEmployed && st != matcher.StatusStudying {
			t.Fatalf("GraduateStatus(%q) = %q", s, st)
		}
		if c, err := CourseCategory(s); err != nil {
			checkError(t, err, "category")
		} else if c != "" && c != matcher.CourseSkills && c != matcher.CourseEntrepreneurship {
			t.Fatalf("CourseCategory(%q) = %q", s, c)
		}
	})
}
