package normalize

import (
	"errors"
	"strings"
	"testing"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

func TestSalary(t *testing.T) {
	type want struct {
		min, max   float64
		period     matcher.SalaryPeriod
		months     int
		negotiable bool
		inverted   bool
		open       bool
	}
	m, y, d, h := matcher.PerMonth, matcher.PerYear, matcher.PerDay, matcher.PerHour
	tests := []struct {
		in   string
		want want
	}{
		{"3000-5000元/月", want{min: 3000, max: 5000, period: m}},
		{"３０００－５０００", want{min: 3000, max: 5000, period: m}},
		{"8k-12k", want{min: 8000, max: 12000, period: m}},
		{"8K-12K", want{min: 8000, max: 12000, period: m}},
		{"1.5万/月", want{min: 15000, max: 15000, period: m}},
		{"15-30K·14薪", want{min: 15000, max: 30000, period: m, months: 14}},
		{"10-15K·13薪", want{min: 10000, max: 15000, period: m, months: 13}},
		{"200元/天", want{min: 200, max: 200, period: d}},
		{"20-40万/年", want{min: 200000, max: 400000, period: y}},
		{"35-49万 ", want{min: 350000, max: 490000, period: y}},
		{"18-30万\n      \n     \n        72小时反馈", want{min: 180000, max: 300000, period: y}},
		{"5000", want{min: 5000, max: 5000, period: m}},
		{"5000以上", want{min: 5000, max: 5000, period: m, open: true}},
		{"8k起", want{min: 8000, max: 8000, period: m, open: true}},
		{"3千-5千", want{min: 3000, max: 5000, period: m}},
		{"8千-1万", want{min: 8000, max: 10000, period: m}},
		{"1万-1.5万", want{min: 10000, max: 15000, period: m}},
		{"3.2千-5.8千", want{min: 3200, max: 5800, period: m}},
		{"100-150元/时", want{min: 100, max: 150, period: h}},
		{"120-150/天", want{min: 120, max: 150, period: d}},
		{"8-10k/月", want{min: 8000, max: 10000, period: m}},
		{"8000-5000", want{min: 5000, max: 8000, period: m, inverted: true}},
		{"12-8K", want{min: 8000, max: 12000, period: m, inverted: true}},
		{"3,000 - 5,000 元/月", want{min: 3000, max: 5000, period: m}},
		{"3000~5000", want{min: 3000, max: 5000, period: m}},
		{"月薪：6000-8000元（税前）", want{min: 6000, max: 8000, period: m}},
		{"年薪20万", want{min: 200000, max: 200000, period: y}},
		{"0.8-1.2万/月", want{min: 8000, max: 12000, period: m}},
		{"底薪3000+提成", want{min: 3000, max: 3000, period: m, open: true}},
		{"3500元/月+绩效", want{min: 3500, max: 3500, period: m, open: true}},
		{"2000-3000元/月(试用期)", want{min: 2000, max: 3000, period: m}},
		{"3000-5000元/月 包吃住", want{min: 3000, max: 5000, period: m}},
		{"4000-6000元/月，14薪", want{min: 4000, max: 6000, period: m, months: 14}},
		{"日结150元", want{min: 150, max: 150, period: d}},
		{"时薪25元", want{min: 25, max: 25, period: h}},
		{"面议", want{negotiable: true}},
		{"薪资面议", want{negotiable: true}},
		{"Negotiable", want{negotiable: true}},
		{"面议\n      \n         10天内反馈", want{negotiable: true}},
		{"", want{}},
		{"   ", want{}},
	}
	for _, tt := range tests {
		got, err := Salary(tt.in)
		if err != nil {
			t.Errorf("Salary(%q): %v", tt.in, err)
			continue
		}
		w := tt.want
		if got.Min != w.min || got.Max != w.max || got.Period != w.period || got.Months != w.months ||
			got.Negotiable != w.negotiable || got.Inverted != w.inverted || got.OpenEnded != w.open {
			t.Errorf("Salary(%q) = %+v, want %+v", tt.in, got, w)
		}
		if got.Raw != tt.in {
			t.Errorf("Salary(%q).Raw = %q", tt.in, got.Raw)
		}
	}
}

func TestSalaryErrors(t *testing.T) {
	tests := []struct{ in, reason string }{
		{"abc", "无法识别的薪资"},
		{"很高", "无法识别的薪资"},
		{"0-5000", "不能为0"},
		{"0", "不能为0"},
		{"2000000", "数额不合理"},
		{"8-12", "数额不合理"},          // no unit: 8–12 yuan a month is a missing "k"
		{"-5000", "不能为负数"},         // negative
		{"3000-5000-7000", "无法识别"}, // three numbers
		{"3000元/月/天", "周期矛盾"},
		{"15-30K·99薪", "月数不合理"},
		{"5000 USD", "无法识别"},
		{"三千到五千", "无法识别"},
	}
	for _, tt := range tests {
		got, err := Salary(tt.in)
		if err == nil {
			t.Errorf("Salary(%q) = %+v, want an error", tt.in, got)
			continue
		}
		var me *matcher.Error
		if !errors.As(err, &me) || me.Code != matcher.EINVALID || me.Field != "salary" {
			t.Errorf("Salary(%q): error %#v is not an EINVALID matcher.Error on field salary", tt.in, err)
			continue
		}
		if !strings.Contains(me.Message, tt.reason) {
			t.Errorf("Salary(%q): message %q does not say %q", tt.in, me.Message, tt.reason)
		}
		if got.Raw != tt.in {
			t.Errorf("Salary(%q).Raw = %q after an error", tt.in, got.Raw)
		}
	}
}

func TestSalaryErrorClipsHugeInput(t *testing.T) {
	in := strings.Repeat("无效", 10000)
	_, err := Salary(in)
	if err == nil {
		t.Fatal("no error")
	}
	if len(err.Error()) > 400 {
		t.Errorf("error message is %d bytes; it must quote only a clipped value", len(err.Error()))
	}
}

func TestSalaryMonthlyRoundTrip(t *testing.T) {
	// The normalised value must feed matcher.Salary.Monthly sensibly.
	s, err := Salary("20-40万/年")
	if err != nil {
		t.Fatal(err)
	}
	lo, hi, ok := s.Monthly()
	if !ok || lo < 16666 || lo > 16667 || hi < 33333 || hi > 33334 {
		t.Errorf("Monthly() = %v, %v, %v", lo, hi, ok)
	}
	if _, _, ok := (mustSalary(t, "面议")).Monthly(); ok {
		t.Error("a negotiable salary must have no monthly figure")
	}
}

func mustSalary(t *testing.T, s string) matcher.Salary {
	t.Helper()
	v, err := Salary(s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func BenchmarkSalary(b *testing.B) {
	in := []string{"3000-5000元/月", "15-30K·14薪", "18-30万\n    72小时反馈", "面议", "8千-1万", "200元/天"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := Salary(in[i%len(in)]); err != nil {
			b.Fatal(err)
		}
	}
}
