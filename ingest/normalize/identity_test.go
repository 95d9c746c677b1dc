package normalize

import (
	"strings"
	"testing"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// validID builds a valid ID number from a 17-digit body.
func validID(body string) string { return body + string(matcher.NationalIDCheckDigit(body)) }

func TestNationalID(t *testing.T) {
	good := validID("65010220010101123")
	var withX string
	for i := 100; i < 1000; i++ { // find a body whose check character is X
		if id := validID("65010219990615" + strings.Repeat("0", 3-len(itoa(i))) + itoa(i)); id[17] == 'X' {
			withX = id
			break
		}
	}
	if withX == "" {
		t.Fatal("no body with check character X found")
	}
	fullwidth := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r + 0xFEE0
		}
		return r
	}, good)
	tests := []struct{ in, want string }{
		{good, good},
		{" " + good + " ", good},
		{fullwidth, good},
		{strings.ToLower(withX), withX},
		{withX[:17] + "ｘ", withX},
		{"'" + good, good},
		{good[:6] + " " + good[6:14] + " " + good[14:], good},
		{"", ""},
	}
	for _, tt := range tests {
		got, err := NationalID(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("NationalID(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
		if got != "" && !matcher.ValidNationalID(got) {
			t.Errorf("NationalID(%q) = %q is not valid by matcher.ValidNationalID", tt.in, got)
		}
	}
}

func TestNationalIDErrors(t *testing.T) {
	good := validID("65010220010101123")
	wrongCheck := good[:17] + string("0123456789X"[(strings.IndexByte("0123456789X", good[17])+1)%11])
	tests := []struct{ in, reason string }{
		{good[:17], "位数错误"},
		{good + "1", "位数错误"},
		{"650102200101011", "15位"},
		{wrongCheck, "校验码错误"},
		{validID("65010220010230123"), "出生日期无效"}, // 30 February
		{validID("65010218991231123"), "出生日期无效"}, // before 1900
		{validID("65010230000101123"), "出生日期无效"}, // in the future
		{validID("00000020010101123"), "地区码无效"},
		{validID("99010220010101123"), "地区码无效"},
		{"65010220010101123Y", "非法字符"},
		{"6.50102200101011E+17", "科学计数法"},
	}
	for _, tt := range tests {
		got, err := NationalID(tt.in)
		if err == nil {
			t.Errorf("NationalID(%q) = %q, want an error", tt.in, got)
			continue
		}
		me := asMatcherError(t, err)
		if !strings.Contains(me.Message, tt.reason) {
			t.Errorf("NationalID(%q): message %q does not say %q", tt.in, me.Message, tt.reason)
		}
		// Personal data must not reach reports: no run of 6+ digits of the
		// input may appear in the message.
		assertNoEcho(t, err, tt.in)
	}
}

// assertNoEcho fails when any 6-character piece of the input's digits
// appears in the error text.
func assertNoEcho(t *testing.T, err error, in string) {
	t.Helper()
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, Text(in))
	msg := err.Error()
	for i := 0; i+6 <= len(digits); i++ {
		if strings.Contains(msg, digits[i:i+6]) {
			t.Errorf("error %q repeats part of the personal value %q", msg, in)
			return
		}
	}
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}

func TestNationalIDBirthDate(t *testing.T) {
	d, ok := NationalIDBirthDate(validID("65010220010203123"))
	if !ok || d.Format("2006-01-02") != "2001-02-03" {
		t.Errorf("NationalIDBirthDate = %v, %v", d, ok)
	}
	if _, ok := NationalIDBirthDate("650102200102031230"); ok && !matcher.ValidNationalID("650102200102031230") {
		t.Error("birth date read from an invalid ID")
	}
}

func TestPhone(t *testing.T) {
	tests := []struct{ in, want string }{
		{"13800138000", "13800138000"},
		{"138 0013 8000", "13800138000"},
		{"138-0013-8000", "13800138000"},
		{"+86 138 0013 8000", "13800138000"},
		{"+8613800138000", "13800138000"},
		{"86-13800138000", "13800138000"},
		{"0086 13800138000", "13800138000"},
		{"１３８００１３８０００", "13800138000"},
		{"'19912345678", "19912345678"},
		{"0991-1234567", "0991-1234567"},
		{"09911234567", "0991-1234567"},
		{"(0991)1234567", "0991-1234567"},
		{"（0991）1234567", "0991-1234567"},
		{"0991 123 4567", "0991-1234567"},
		{"010-12345678", "010-12345678"},
		{"01012345678", "010-12345678"},
		{"021 8765 4321", "021-87654321"},
		{"", ""},
	}
	for _, tt := range tests {
		got, err := Phone(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("Phone(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestPhoneErrors(t *testing.T) {
	for _, in := range []string{"12345678901", "1380013800", "138001380001", "1234567", "0991-123", "0991-01234567",
		"abc", "138OO138000", "+1 415 555 0100", "0000-1234567", "电话：13800138000", "12"} {
		got, err := Phone(in)
		if err == nil {
			t.Errorf("Phone(%q) = %q, want an error", in, got)
			continue
		}
		if me := asMatcherError(t, err); me.Field != "phone" {
			t.Errorf("Phone(%q): field %q", in, me.Field)
		}
		assertNoEcho(t, err, in)
	}
}

func TestGender(t *testing.T) {
	tests := []struct{ in, want string }{
		{"男", "男"}, {"女", "女"}, {"M", "男"}, {"f", "女"}, {"Male", "男"}, {"FEMALE", "女"}, {"男性", "男"},
		{"女性", "女"}, {"1", "男"}, {"2", "女"}, {"", ""}, {"不限", ""}, {" 男 ", "男"},
	}
	for _, tt := range tests {
		got, err := Gender(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("Gender(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	for _, in := range []string{"x", "男女", "3"} {
		if _, err := Gender(in); err == nil {
			t.Errorf("Gender(%q): want an error", in)
		}
	}
}

func BenchmarkNationalID(b *testing.B) {
	id := validID("65010220010101123")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := NationalID(id); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPhone(b *testing.B) {
	in := []string{"13800138000", "+86 138 0013 8000", "0991-1234567"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := Phone(in[i%len(in)]); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGender(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Gender("女"); err != nil {
			b.Fatal(err)
		}
	}
}
