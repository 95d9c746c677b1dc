package normalize

import (
	"strings"
	"unicode/utf8"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// maxEcho is how many characters of an offending value an error message
// repeats: enough for a person to find the cell, never a whole hostile blob.
const maxEcho = 32

// echo returns a cleaned, clipped copy of v for an error message.
func echo(v string) string {
	v = Text(v)
	if utf8.RuneCountInString(v) <= maxEcho {
		return v
	}
	r := []rune(v)
	return string(r[:maxEcho]) + "…"
}

// invalid builds the package's error: an *matcher.Error with code EINVALID,
// so an import report can show the Chinese reason and an API can map it to
// 400 without string matching.
func invalid(field, zh, en string, args ...any) error {
	e := matcher.Errorf(matcher.EINVALID, zh, en, args...)
	e.Field = field
	return e
}

// unrecognised is the common "cannot read this value" error. The value is
// echoed (clipped) because it is not personal data; callers handling
// personal data must not use it.
func unrecognised(field, zhWhat, enWhat, v string) error {
	if excelErrors[strings.ToUpper(Text(v))] {
		return invalid(field, "%s单元格是 Excel 错误值 %s：请在源表中修正公式后重新导出",
			"the %s cell holds the Excel error value %s: fix the formula in the source sheet and export again", zhWhat, Text(v))
	}
	return invalid(field, "无法识别的"+zhWhat+"：%s", "unrecognised "+enWhat+" %q", echo(v))
}

// excelErrors are the values a spreadsheet writes where a formula failed.
var excelErrors = map[string]bool{
	"#VALUE!": true, "#N/A": true, "#REF!": true, "#DIV/0!": true, "#NAME?": true, "#NUM!": true, "#NULL!": true,
	"#SPILL!": true, "#CALC!": true, "#GETTING_DATA": true,
}

// key is the form values are looked up by: cleaned, ASCII lower-cased and
// without any spaces, so "Bachelor ", "本 科" and "ＢＡＣＨＥＬＯＲ" meet.
func key(s string) string {
	s = Text(s)
	if strings.IndexByte(s, ' ') >= 0 {
		s = strings.ReplaceAll(s, " ", "")
	}
	return asciiLower(s)
}

func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'A' <= c && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}
