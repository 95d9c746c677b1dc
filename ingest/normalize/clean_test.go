package normalize

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// refClean is clean as it was before its fast path for CJK ideographs
// (cjk): every rune decoded, folded and encoded again. clean must give
// exactly what it gives.
func refClean(s string, lines bool) string {
	var b strings.Builder
	inSpace := false
	breaks := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		r, ok := fold(r)
		if !ok {
			continue
		}
		if unicode.IsSpace(r) {
			inSpace = true
			if lines && isLineBreak(r) {
				if !(r == '\n' && i-size > 0 && s[i-size-1] == '\r') {
					breaks++
				}
			}
			continue
		}
		if inSpace && b.Len() > 0 {
			switch {
			case !lines || breaks == 0:
				b.WriteByte(' ')
			case breaks == 1:
				b.WriteByte('\n')
			default:
				b.WriteString("\n\n")
			}
		}
		inSpace, breaks = false, 0
		b.WriteRune(r)
	}
	return b.String()
}

var cleanSeeds = []string{
	"", "岗位职责：\r\n  负责 数据分析。\n\n\n任职要求：本科", "\u4000\u9fff\u3fff\ua000　全角ＡＢＣ１２３",
	"\xe4\xb8", "\xe9\xbf\xbf\xe4", "\xe4\x80\x80 \xe9\xbf", "人\u200b工\ufeff智能\u2028能", "Java、Python\t\tSQL",
}

func checkClean(t *testing.T, s string) {
	t.Helper()
	for _, lines := range []bool{false, true} {
		if got, want := clean(s, lines), refClean(s, lines); got != want {
			t.Fatalf("clean(%q, %v) = %q, before %q", s, lines, got, want)
		}
	}
}

func TestCleanMatchesReference(t *testing.T) {
	for _, s := range cleanSeeds {
		checkClean(t, s)
	}
	// Every lead byte of the fast path with every continuation pair's edges.
	for lead := 0xE3; lead <= 0xEA; lead++ {
		for _, c1 := range []byte{0x7F, 0x80, 0xBF, 0xC0} {
			for _, c2 := range []byte{0x7F, 0x80, 0xBF, 0xC0} {
				checkClean(t, string([]byte{'a', byte(lead), c1, c2, ' ', byte(lead), c1}))
			}
		}
	}
}

func FuzzCleanMatchesReference(f *testing.F) {
	for _, s := range cleanSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkClean(t, s) })
}
