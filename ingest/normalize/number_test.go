package normalize

import (
	"strings"
	"testing"
)

func TestInt(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"", 0}, {"0", 0}, {"3", 3}, {"3人", 3}, {"10名", 10}, {"１０名", 10}, {"若干", 0}, {"若干名", 0}, {"不限", 0},
		{" 25 ", 25}, {"1,000", 1000}, {"3.0", 3}, {"约10人", 10}, {"10人左右", 10}, {"10余人", 10}, {"5+", 5},
		{"三人", 3}, {"十名", 10}, {"二十五", 25}, {"30天", 30}, {"35岁", 35},
	}
	for _, tt := range tests {
		got, err := Int(tt.in, "headcount")
		if err != nil || got != tt.want {
			t.Errorf("Int(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
}

func TestIntErrors(t *testing.T) {
	tests := []struct{ in, reason string }{
		{"-3", "负数"}, {"-3人", "负数"}, {"abc", "不是数字"}, {"3.5", "整数"}, {"99999999999999999999", "过大"},
		{"3-5人", "不是数字"},
	}
	for _, tt := range tests {
		got, err := Int(tt.in, "招聘人数")
		if err == nil {
			t.Errorf("Int(%q) = %d, want an error", tt.in, got)
			continue
		}
		me := asMatcherError(t, err)
		if !strings.Contains(me.Message, tt.reason) || !strings.Contains(me.Message, "招聘人数") || me.Field != "招聘人数" {
			t.Errorf("Int(%q): %q (field %q) does not name the field and say %q", tt.in, me.Message, me.Field, tt.reason)
		}
	}
}

func TestBool(t *testing.T) {
	for _, in := range []string{"是", "有", "true", "TRUE", "1", "Y", "yes", "√", "需要"} {
		if got, err := Bool(in); err != nil || !got {
			t.Errorf("Bool(%q) = %v, %v; want true", in, got, err)
		}
	}
	for _, in := range []string{"", "否", "无", "false", "0", "N", "no", "×", " "} {
		if got, err := Bool(in); err != nil || got {
			t.Errorf("Bool(%q) = %v, %v; want false", in, got, err)
		}
	}
	for _, in := range []string{"maybe", "2", "是否"} {
		if _, err := Bool(in); err == nil {
			t.Errorf("Bool(%q): want an error", in)
		}
	}
}

func TestExperience(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"", 0}, {"经验不限", 0}, {"无经验", 0}, {"应届生", 0}, {"应届毕业生", 0}, {"1年以内", 0}, {"1-3年", 1},
		{"3-5年", 3}, {"5-10年", 5}, {"3年以上", 3}, {"10年以上", 10}, {"1年", 1}, {"两年以上", 2}, {"三年", 3},
		{"十年以上", 10}, {"3年及以上工作经验", 3}, {"2", 2}, {"1~3年", 1}, {"6个月以上", 0}, {"18个月", 1},
		{"半年以上", 0}, {"3-5年学历不限", 3}, {"3+ years", 3}, {"不限", 0},
	}
	for _, tt := range tests {
		got, err := Experience(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("Experience(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
	for _, in := range []string{"5天/周", "#VALUE!", "很多", "-2年", "100年", "1-年"} {
		if got, err := Experience(in); err == nil {
			t.Errorf("Experience(%q) = %d, want an error", in, got)
		}
	}
}

func BenchmarkInt(b *testing.B) {
	in := []string{"3", "10名", "若干", "1,000"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := Int(in[i%len(in)], "headcount"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBool(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Bool("是"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkExperience(b *testing.B) {
	in := []string{"1-3年", "3年以上", "经验不限", "5-10年"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := Experience(in[i%len(in)]); err != nil {
			b.Fatal(err)
		}
	}
}
