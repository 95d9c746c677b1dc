package render

import (
	"bytes"
	"strings"
	"sync"
	"testing"

	"github.com/urumqi-hrss/jobmatch/matcher/casework"
)

var (
	fuzzFontOnce sync.Once
	fuzzFont     *Font
)

// sharedFont reads the test font once for the fuzz targets.
func sharedFont(t testing.TB) *Font {
	fuzzFontOnce.Do(func() { fuzzFont = testFont(t) })
	if fuzzFont == nil {
		t.Skip("no font")
	}
	return fuzzFont
}

// handoutWith is a short handout whose graduate's name, post title and
// requirement are s.
func handoutWith(s string) *casework.Handout {
	h := longHandout("张三", 1)
	h.Graduate.Name = s
	h.Posts = h.Posts[:1]
	h.Posts[0].Title = s
	h.Posts[0].Requirements = []string{s}
	h.Subsidies = h.Subsidies[:1]
	h.Subsidies[0].Quote = s
	return h
}

// TestPDFOutsideBMP: characters above U+FFFF (emoji, CJK Extension B),
// which fpdf's subsetter cannot index, are set as □ instead of panicking,
// and the text around them is kept.
func TestPDFOutsideBMP(t *testing.T) {
	f := testFont(t)
	var buf bytes.Buffer
	if err := HandoutsPDF(&buf, f, []*casework.Handout{handoutWith("会计😀岗位𠮷甲\U0010FFFF乙")}); err != nil {
		t.Fatal(err)
	}
	txt, pages := pdfText(t, buf.Bytes())
	txt = strings.ReplaceAll(txt, " ", "")
	if pages != 1 || !strings.Contains(txt, "会计□岗位□甲□乙") {
		t.Errorf("%d pages, text lacks 会计□岗位□甲□乙:\n%s", pages, txt)
	}
}

// FuzzPDFText: any text in a handout (invalid UTF-8, controls, characters
// outside the BMP, long runs without a break) gives a one-page PDF and no
// panic.
func FuzzPDFText(f *testing.F) {
	for _, s := range []string{"", "会计😀岗位", "\xff\xfe一", "\x00\t\r\n", strings.Repeat("长", 3000), "𠀀𠀁𠀂", "\U0010FFFF", "（《“", "e\u0301\u200b\ufeff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var buf bytes.Buffer
		if err := HandoutsPDF(&buf, sharedFont(t), []*casework.Handout{handoutWith(s)}); err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) || bytes.Count(buf.Bytes(), []byte("/Type /Page\n")) != 1 {
			t.Fatalf("not a one-page PDF (%d bytes)", buf.Len())
		}
	})
}
