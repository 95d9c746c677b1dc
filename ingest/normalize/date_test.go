package normalize

import (
	"strings"
	"testing"
	"time"
)

func TestDate(t *testing.T) {
	tests := []struct{ in, want string }{
		{"2023-07-01", "2023-07-01"},
		{"2023-7-1", "2023-07-01"},
		{"2023/07/01", "2023-07-01"},
		{"2023/7/1", "2023-07-01"},
		{"2023.07.01", "2023-07-01"},
		{"2023年7月1日", "2023-07-01"},
		{"2023年07月01号", "2023-07-01"},
		{"20230701", "2023-07-01"},
		{"２０２３－０７－０１", "2023-07-01"},
		{"2023-07-01 00:00:00", "2023-07-01"},
		{"2023-07-01T08:30:00Z", "2023-07-01"},
		{"2024-02-29", "2024-02-29"},
		{"45108", "2023-07-01"}, // Excel serial
		{"45123", "2023-07-16"},
		{"45108.75", "2023-07-01"}, // serial with a time of day
		{"'2023-07-01", "2023-07-01"},
	}
	for _, tt := range tests {
		got, err := Date(tt.in)
		if err != nil {
			t.Errorf("Date(%q): %v", tt.in, err)
			continue
		}
		if got.Format("2006-01-02") != tt.want || got.Location() != time.UTC || got.Hour() != 0 || got.Minute() != 0 {
			t.Errorf("Date(%q) = %v, want %s midnight UTC", tt.in, got, tt.want)
		}
	}
	if got, err := Date(""); err != nil || !got.IsZero() {
		t.Errorf("Date(\"\") = %v, %v; want the zero time", got, err)
	}
}

func TestDateErrors(t *testing.T) {
	tests := []struct{ in, reason string }{
		{"2023-02-30", "日期不存在"},
		{"2023-02-29", "日期不存在"},
		{"2023-13-01", "日期不存在"},
		{"2023-00-10", "日期不存在"},
		{"20230230", "日期不存在"},
		{"1899-12-31", "年份超出范围"},
		{"01/07/2023", "有歧义"},
		{"2023年7月", "不完整"},
		{"2023", "不完整"},
		{"2023-07", "不完整"},
		{"123", "无法识别"},
		{"9999999", "无法识别"},
		{"明天", "无法识别"},
		{"2023-07/01", "无法识别"},
		{"2023-007-01", "无法识别"},
	}
	for _, tt := range tests {
		got, err := Date(tt.in)
		if err == nil {
			t.Errorf("Date(%q) = %v, want an error", tt.in, got)
			continue
		}
		if me := asMatcherError(t, err); !strings.Contains(me.Message, tt.reason) || me.Field != "date" {
			t.Errorf("Date(%q): %q (field %q) does not say %q", tt.in, me.Message, me.Field, tt.reason)
		}
	}
}

func BenchmarkDate(b *testing.B) {
	in := []string{"2023-07-01", "2023年7月1日", "45123", "2023/7/1 00:00:00"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := Date(in[i%len(in)]); err != nil {
			b.Fatal(err)
		}
	}
}
