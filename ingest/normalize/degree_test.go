package normalize

import (
	"strings"
	"testing"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

func TestDegree(t *testing.T) {
	tests := []struct {
		in   string
		want matcher.Degree
	}{
		{"", matcher.DegreeNone},
		{"不限", matcher.DegreeNone},
		{"学历不限", matcher.DegreeNone},
		{"中专", matcher.DegreeSecondary},
		{"高中", matcher.DegreeSecondary},
		{"中技", matcher.DegreeSecondary},
		{"职高", matcher.DegreeSecondary},
		{"中专/中技", matcher.DegreeSecondary},
		{"技工学校", matcher.DegreeSecondary}, // the 广东人社 export's spelling
		{"中专/中技及以上", matcher.DegreeSecondary},
		{"大专", matcher.DegreeAssociate},
		{"专科", matcher.DegreeAssociate},
		{"高职", matcher.DegreeAssociate},
		{"大专及以上", matcher.DegreeAssociate},
		{"本科", matcher.DegreeBachelor},
		{"学士", matcher.DegreeBachelor},
		{"统招本科", matcher.DegreeBachelor},
		{"本科及以上", matcher.DegreeBachelor},
		{"全日制本科以上学历", matcher.DegreeBachelor},
		{"本 科", matcher.DegreeBachelor},
		{"大专/本科", matcher.DegreeAssociate}, // the lowest named is the minimum
		{"本科及以上，硕士优先", matcher.DegreeBachelor},
		{"硕士", matcher.DegreeMaster},
		{"研究生", matcher.DegreeMaster},
		{"硕士研究生", matcher.DegreeMaster},
		{"硕士及以上", matcher.DegreeMaster},
		{"博士", matcher.DegreeDoctor},
		{"博士研究生", matcher.DegreeDoctor}, // not also a 研究生 (master)
		{"5个月,本科", matcher.DegreeBachelor},
		{"none", matcher.DegreeNone},
		{"secondary", matcher.DegreeSecondary},
		{"associate", matcher.DegreeAssociate},
		{"bachelor", matcher.DegreeBachelor},
		{"Bachelor's", matcher.DegreeBachelor},
		{"MASTER", matcher.DegreeMaster},
		{"PhD", matcher.DegreeDoctor},
		{"doctor", matcher.DegreeDoctor},
	}
	for _, tt := range tests {
		got, err := Degree(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("Degree(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	// Every code Degree.String writes reads back.
	for d := matcher.DegreeNone; d <= matcher.DegreeDoctor; d++ {
		if got, err := Degree(d.String()); err != nil || got != d {
			t.Errorf("Degree(%q) = %v, %v; want %v", d.String(), got, err, d)
		}
		if got, err := Degree(d.Chinese()); err != nil || got != d {
			t.Errorf("Degree(%q) = %v, %v; want %v", d.Chinese(), got, err, d)
		}
	}
}

func TestDegreeErrors(t *testing.T) {
	for _, in := range []string{"#VALUE!", "3-5年", "优秀", "大学生?", "x"} {
		if got, err := Degree(in); err == nil {
			t.Errorf("Degree(%q) = %v, want an error", in, got)
		} else if me := asMatcherError(t, err); me.Field != "degree" {
			t.Errorf("Degree(%q): field %q", in, me.Field)
		}
	}
}

func TestColumnSwapHints(t *testing.T) {
	// Cells from a swapped column get a reason that points at the mapping.
	_, err := Degree("3-5年")
	if me := asMatcherError(t, err); !strings.Contains(me.Message, "列是否错位") {
		t.Errorf("Degree(3-5年): %q does not suggest swapped columns", me.Message)
	}
	_, err = Experience("本科")
	if me := asMatcherError(t, err); !strings.Contains(me.Message, "列是否错位") {
		t.Errorf("Experience(本科): %q does not suggest swapped columns", me.Message)
	}
	_, err = Degree("#VALUE!")
	if me := asMatcherError(t, err); !strings.Contains(me.Message, "Excel 错误值") {
		t.Errorf("Degree(#VALUE!): %q does not name the Excel error", me.Message)
	}
}

func BenchmarkDegree(b *testing.B) {
	in := []string{"本科", "本科及以上", "统招本科", "大专/本科", "bachelor", "学历不限"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := Degree(in[i%len(in)]); err != nil {
			b.Fatal(err)
		}
	}
}
