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
