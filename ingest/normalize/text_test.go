package normalize

import (
	"reflect"
	"testing"
	"unicode/utf8"
)

func TestText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"Java", "Java"},
		{"  Java  工程师 ", "Java 工程师"},
		{"ＡＢＣ１２３", "ABC123"},
		{"３０００－５０００", "3000-5000"},
		{"\u3000会计\u3000学\u3000", "会计 学"},
		{"会计\u00a0学", "会计 学"},
		{"会\u200b计\u200d学\ufeff", "会计学"},
		{"\ufeff职位名称", "职位名称"},
		{"a\x00b\x07c", "abc"},
		{"\nweb前端\n\n\n", "web前端"},
		{"line1\r\nline2\tend", "line1 line2 end"},
		{"经济技术开发区（头屯河区）", "经济技术开发区（头屯河区）"}, // Chinese brackets stay
		{"你好，世界；是吗：好！真的？", "你好，世界；是吗：好！真的？"},
		{"C＃／Ｃ＋＋", "C#/C++"},
		{"１．５万／月", "1.5万/月"},
		{"￥5000", "¥5000"},
		{"ｶﾀｶﾅ", "カタカナ"},
		{"bad\xffbyte", "bad\ufffdbyte"},
		{"🎈9k销售代表/不限经验", "🎈9k销售代表/不限经验"},
	}
	for _, tt := range tests {
		if got := Text(tt.in); got != tt.want {
			t.Errorf("Text(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTextInvariants(t *testing.T) {
	for _, in := range []string{"  ａ　ｂ  ", "\u200b\u200b", "x\xff\xfe", "１２\u00a0３", "ｶﾞ"} {
		out := Text(in)
		if !utf8.ValidString(out) {
			t.Errorf("Text(%q) = %q is not valid UTF-8", in, out)
		}
		if again := Text(out); again != out {
			t.Errorf("Text is not idempotent on %q: %q then %q", in, out, again)
		}
	}
}

func TestMultiline(t *testing.T) {
	tests := []struct{ in, want string }{
		{"职位描述\n\n职位信息\n一、岗位职能：  \n 1、分析", "职位描述\n\n职位信息\n一、岗位职能：\n1、分析"},
		{"a\r\nb", "a\nb"},
		{"  a  b  ", "a b"},
		{"a\n\n\n\n\nb", "a\n\nb"},
	}
	for _, tt := range tests {
		if got := Multiline(tt.in); got != tt.want {
			t.Errorf("Multiline(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestList(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{" ; ；", nil},
		{"会计学;计算机科学与技术", []string{"会计学", "计算机科学与技术"}},
		{"会计、审计，财务管理, 金融/经济|统计", []string{"会计", "审计", "财务管理", "金融", "经济", "统计"}},
		{"Excel\nPython\r\nExcel", []string{"Excel", "Python"}},
		{" ａ ;a; Ａ ", []string{"a", "A"}},
		{"C＃／Java", []string{"C#", "Java"}},
	}
	for _, tt := range tests {
		if got := List(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("List(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func BenchmarkText(b *testing.B) {
	in := []string{"Java", "  Ｊａｖａ　工程师 ", "\nweb前端\n\n\n", "负责公司软件产品开发，有B/S或C/S开发经验并熟悉MVC优先"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		Text(in[i%len(in)])
	}
}

func BenchmarkList(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		List("会计、审计，财务管理; 金融/经济|统计")
	}
}
