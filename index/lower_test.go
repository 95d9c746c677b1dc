package index

import (
	"bytes"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
)

// checkLowerMatches holds lowerFilter to bleve's to_lower on one term.
func checkLowerMatches(t *testing.T, term []byte) {
	t.Helper()
	want := lowercase.NewLowerCaseFilter().Filter(analysis.TokenStream{{Term: bytes.Clone(term)}})
	got := lowerFilter{lower: lowercase.NewLowerCaseFilter()}.Filter(analysis.TokenStream{{Term: bytes.Clone(term)}})
	if !bytes.Equal(got[0].Term, want[0].Term) {
		t.Fatalf("lowerFilter(%q) = %q, to_lower %q", term, got[0].Term, want[0].Term)
	}
}

// Every character alone and between ASCII letters, and broken UTF-8 around
// the caseless lead bytes: lowerFilter's terms are to_lower's.
func TestLowerFilterMatchesToLower(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if !utf8.ValidRune(r) {
			continue
		}
		c := utf8.AppendRune(nil, r)
		checkLowerMatches(t, c)
		if r%7 == 0 {
			checkLowerMatches(t, append(append([]byte("Ab"), c...), 'Z'))
		}
	}
	for _, s := range [][]byte{
		{0xE4, 'A', 'B'}, {0xE4, 0x80, 'A'}, {0xE9, 0xBF}, {0xE3, 0x80, 0x80, 'Q'}, {0xFF, 'X'},
		[]byte("会计Java"), []byte("ΣΑΣ"), []byte("ǅ证书Ⅱ"), []byte("ＡＢ计算机"),
	} {
		checkLowerMatches(t, s)
	}
}

func FuzzLowerFilterMatchesToLower(f *testing.F) {
	for _, s := range []string{"会计", "Java开发", "ΣΑΣ", "ǅⅡ", "\xe4AB", "\xe9\xbf"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, term []byte) { checkLowerMatches(t, term) })
}

// hasUpperBefore is hasUpper as it was before it shared mayLower's walk
// (cased): the reference it must still agree with on valid UTF-8.
func hasUpperBefore(b []byte) bool {
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		if caselessLead(b[i]) {
			i += 3
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		if unicode.IsUpper(r) {
			return true
		}
		i += n
	}
	return false
}

// TestHasUpperEveryCharacter: hasUpper answers as it did before the walk
// was shared, for every character alone and among others (ASCII capitals,
// which the cutter has lower-cased already, do not count; title case
// ǅ does not either), and that answer is unicode.IsUpper's.
func TestHasUpperEveryCharacter(t *testing.T) {
	for r := rune(0x80); r <= unicode.MaxRune; r++ {
		if !utf8.ValidRune(r) {
			continue
		}
		c := utf8.AppendRune(nil, r)
		for _, b := range [][]byte{c, append(append([]byte("Ab会"), c...), "计Z"...)} {
			if got, want := hasUpper(b), hasUpperBefore(b); got != want || got != unicode.IsUpper(r) {
				t.Fatalf("hasUpper(%q) = %v, before %v, unicode.IsUpper %v", b, got, want, unicode.IsUpper(r))
			}
		}
	}
	for _, s := range []string{"", "ABC", "会计Java", "ΣΑΣ", "ǅ证书", "ＡＢ计算机", "计算机Ä"} {
		if got, want := hasUpper([]byte(s)), hasUpperBefore([]byte(s)); got != want {
			t.Errorf("hasUpper(%q) = %v, before %v", s, got, want)
		}
	}
}
