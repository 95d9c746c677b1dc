package render

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// cell measures a character as a terminal would: CJK two units, the rest
// one (a byte of invalid UTF-8, U+FFFD, two).
func cell(r rune) float64 {
	if r >= 0x2E80 {
		return 2
	}
	return 1
}

// cells is the width of s in cells.
func cells(s string) float64 {
	w := 0.0
	for _, r := range s {
		w += cell(r)
	}
	return w
}

func TestWrap(t *testing.T) {
	for _, c := range []struct {
		in   string
		max  float64
		want []string
	}{
		{"", 10, []string{""}},
		{"一二三四五六", 4, []string{"一二", "三四", "五六"}},
		// closing punctuation takes the previous character along
		{"一二三，四五", 6, []string{"一二", "三，四", "五"}},
		// opening punctuation does not end a line
		{"一二（三四）", 6, []string{"一二", "（三", "四）"}},
		// Latin words break at a space
		{"apply via email today", 10, []string{"apply via ", "email ", "today"}},
		{"a\n\nb", 10, []string{"a", "", "b"}},
		// one character wider than the line stays alone
		{"一二", 1, []string{"一", "二"}},
	} {
		got := Wrap(c.in, c.max, cell)
		if !slices.Equal(got, c.want) {
			t.Errorf("Wrap(%q, %v) = %q, want %q", c.in, c.max, got, c.want)
		}
	}
}

// FuzzWrap: for any text and width, the lines joined are the text without
// its newlines, and every line fits unless it is one character.
func FuzzWrap(f *testing.F) {
	for _, s := range []string{"", "要求：学历本科及以上；专业：会计学、财务管理", "（第3期）“一人一策”，。", "apply via email\nnow", "\xff\xfe一", "一，，，，二"} {
		f.Add(s, uint8(6))
	}
	f.Fuzz(func(t *testing.T, s string, max uint8) {
		lines := Wrap(s, float64(max), cell)
		if got, want := strings.Join(lines, ""), strings.ReplaceAll(s, "\n", ""); got != want {
			t.Fatalf("joined lines %q, want %q", got, want)
		}
		if len(lines) < strings.Count(s, "\n")+1 {
			t.Fatalf("%d lines for %d paragraphs", len(lines), strings.Count(s, "\n")+1)
		}
		for _, ln := range lines {
			if cells(ln) > float64(max) && utf8.RuneCountInString(ln) > 1 {
				t.Fatalf("line %q is %v wide, max %d", ln, cells(ln), max)
			}
		}
	})
}
