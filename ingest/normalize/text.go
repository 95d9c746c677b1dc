package normalize

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"
)

// Text cleans any cell: full-width ASCII letters, digits and symbols become
// their half-width forms (half-width katakana become full-width, as NFKC
// would), while the full-width punctuation Chinese prose is written with
// (，；：！？（）) stays; every kind of space (U+3000, NBSP, tabs, line
// breaks) counts as whitespace, runs of it collapse to one space and the ends
// are trimmed; zero-width, format and control characters are dropped.
// Invalid UTF-8 comes out as U+FFFD, so the result is always valid UTF-8.
// Text is idempotent: Text(Text(s)) == Text(s).
func Text(s string) string {
	if cleanASCII(s) {
		return s
	}
	return clean(s, false)
}

// Multiline is Text for long free text (descriptions): it keeps line
// structure, turning a whitespace run with one line break into "\n" and one
// with several into a single blank line, and trims each line.
func Multiline(s string) string {
	return clean(s, true)
}

// cleanASCII reports whether s is already clean printable ASCII: the common
// case for codes, numbers and English headers, which then cost no allocation.
func cleanASCII(s string) bool {
	if s == "" {
		return true
	}
	if s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	prevSpace := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ':
			if prevSpace {
				return false
			}
			prevSpace = true
		case c > ' ' && c < 0x7f:
			prevSpace = false
		default:
			return false
		}
	}
	return true
}

// keptFullwidth are the full-width forms that are the normal punctuation of
// Chinese text rather than wide ASCII; folding them would change prose.
func keptFullwidth(r rune) bool {
	switch r {
	case '，', '；', '：', '！', '？', '（', '）':
		return true
	}
	return false
}

// fold maps one rune to its cleaned form; ok is false for runes to drop.
func fold(r rune) (out rune, ok bool) {
	switch {
	case r < 0x80:
		if r < ' ' || r == 0x7f {
			if r == '\t' || r == '\n' || r == '\v' || r == '\f' || r == '\r' {
				return r, true
			}
			return 0, false
		}
		return r, true
	case r >= 0xFF01 && r <= 0xFF5E:
		if keptFullwidth(r) {
			return r, true
		}
		return r - 0xFEE0, true
	case r >= 0xFF5F && r <= 0xFFEE:
		p := width.LookupRune(r)
		switch p.Kind() {
		case width.EastAsianFullwidth:
			if n := p.Narrow(); n != 0 {
				return n, true
			}
		case width.EastAsianHalfwidth:
			if w := p.Wide(); w != 0 {
				return w, true
			}
		}
		return r, true
	case unicode.IsSpace(r):
		return r, true
	case unicode.Is(unicode.Cf, r), unicode.IsControl(r):
		// Zero-width spaces and joiners, BOMs, bidi marks, soft hyphens:
		// invisible in a spreadsheet, fatal to an exact match.
		return 0, false
	}
	return r, true
}

func isLineBreak(r rune) bool {
	return r == '\n' || r == '\r' || r == '\v' || r == '\f' || r == 0x85 || r == 0x2028 || r == 0x2029
}

func clean(s string, lines bool) string {
	var b strings.Builder
	b.Grow(len(s))
	inSpace := false
	breaks := 0
	for i := 0; i < len(s); {
		if cjk(s, i) {
			// Most of a Chinese text: kept as it is (fold keeps it, it
			// is no space), without decoding and encoding it again.
			if inSpace && b.Len() > 0 {
				writeSpace(&b, lines, breaks)
			}
			inSpace, breaks = false, 0
			b.WriteString(s[i : i+3])
			i += 3
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		r, ok := fold(r)
		if !ok {
			continue
		}
		if unicode.IsSpace(r) {
			inSpace = true
			if lines && isLineBreak(r) {
				// \r\n is one break, not two.
				if !(r == '\n' && i-size > 0 && s[i-size-1] == '\r') {
					breaks++
				}
			}
			continue
		}
		if inSpace && b.Len() > 0 {
			writeSpace(&b, lines, breaks)
		}
		inSpace, breaks = false, 0
		b.WriteRune(r)
	}
	return b.String()
}

// writeSpace writes what a run of whitespace with breaks line breaks
// becomes between two characters.
func writeSpace(b *strings.Builder, lines bool, breaks int) {
	switch {
	case !lines || breaks == 0:
		b.WriteByte(' ')
	case breaks == 1:
		b.WriteByte('\n')
	default:
		b.WriteString("\n\n")
	}
}

// cjk reports whether s[i:] starts with a character of U+4000–U+9FFF (the
// CJK ideographs, with the end of Extension A and the Yijing hexagrams): a
// lead byte E4–E9 and two continuation bytes, always valid UTF-8, never a
// space, a control or a format character, and kept by fold as it is.
func cjk(s string, i int) bool {
	return i+2 < len(s) && s[i] >= 0xE4 && s[i] <= 0xE9 && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80
}

// isListSep reports whether r separates the values of a multi-valued cell.
func isListSep(r rune) bool {
	switch r {
	case ';', '；', '、', '､', ',', '，', '/', '／', '|', '｜', '\n', '\r', 0x85, 0x2028, 0x2029:
		return true
	}
	return false
}

// List splits a multi-valued cell on ; ； 、 , ， / | and line breaks,
// cleans each value with Text and returns them in order, without empties or
// repeats. It returns nil for a cell with no values.
func List(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, isListSep) {
		f = Text(f)
		if f == "" || contains(out, f) {
			continue
		}
		out = append(out, f)
	}
	return out
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}
