package render

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/urumqi-hrss/jobmatch/matcher/casework"
)

// pageImages renders pdf's pages with poppler's pdftoppm (60 dpi) and
// returns them.
func pageImages(t *testing.T, pdf []byte) [][]byte {
	t.Helper()
	dir := t.TempDir()
	in := filepath.Join(dir, "d.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("pdftoppm", "-r", "60", in, filepath.Join(dir, "p")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v %s (install Debian's poppler-utils)", err, out)
	}
	names, _ := filepath.Glob(filepath.Join(dir, "p-*.ppm"))
	var imgs [][]byte
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		imgs = append(imgs, b)
	}
	return imgs
}

// TestCutFontSetsTheSameGlyphs: a document set with the process's cut of
// the CJK font looks exactly like one set with the whole font (the pages
// rendered pixel for pixel alike); a later document with characters the
// cut lacks cuts it again and sets them; the PDFs embed subsets either way.
func TestCutFontSetsTheSameGlyphs(t *testing.T) {
	whole := testFont(t)
	whole.cut.failed = errors.New("test: the whole font")
	cut := testFont(t)
	hs := []*casework.Handout{longHandout("张三", 1), handoutWith("会计😀岗位𠮷甲 Latin 3000-5000元（面议）“引号”")}
	render := func(f *Font, hs []*casework.Handout) []byte {
		var buf bytes.Buffer
		if err := HandoutsPDF(&buf, f, hs); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	same := func(what string, hs []*casework.Handout) []byte {
		a, b := render(whole, hs), render(cut, hs)
		ia, ib := pageImages(t, a), pageImages(t, b)
		if len(ia) != len(hs) || len(ib) != len(hs) {
			t.Fatalf("%s: %d and %d pages for %d handouts", what, len(ia), len(ib), len(hs))
		}
		for i := range ia {
			if !bytes.Equal(ia[i], ib[i]) {
				t.Errorf("%s: page %d set with the cut font differs from the whole font's", what, i+1)
			}
		}
		if len(b) > 2*len(a) {
			t.Errorf("%s: %d bytes with the cut, %d with the whole font", what, len(b), len(a))
		}
		return b
	}
	same("first document", hs)
	had := len(cut.cut.runes)
	if had == 0 || cut.cut.failed != nil {
		t.Fatalf("no cut made (%v)", cut.cut.failed)
	}
	// Characters no earlier document set (a rare surname among them).
	rare := handoutWith("龘爨齉鬯 赟堃喆")
	pdf := same("a document with new characters", []*casework.Handout{rare})
	if len(cut.cut.runes) <= had {
		t.Errorf("the cut holds %d characters after a document with new ones, %d before", len(cut.cut.runes), had)
	}
	txt, _ := pdfText(t, pdf)
	if !strings.Contains(strings.ReplaceAll(txt, " ", ""), "龘爨齉鬯赟堃喆") {
		t.Errorf("the new characters are not in the text:\n%s", txt)
	}
	// A document of characters the cut holds reuses it.
	data := cut.cut.data
	render(cut, []*casework.Handout{longHandout("张三", 2)})
	if &cut.cut.data[0] != &data[0] {
		t.Error("a document of characters the cut holds cut the font again")
	}
}

// FuzzEmbeddedFont: any input gives a font or an error, never a panic.
func FuzzEmbeddedFont(f *testing.F) {
	f.Add([]byte("/FontFile2 1 0 R\n1 0 obj\n<</Length 3\n/Filter /FlateDecode\n>>\nstream\nabc\nendstream\nendobj\nxref\n0 2\n0000000000 65535 f \n0000000017 00000 n \ntrailer\n<<>>\nstartxref\n90\n%%EOF\n"))
	f.Add([]byte("/FontFile2 9 0 R"))
	f.Add([]byte("/FontFile2 1 0 R\n1 0 obj\n<</Length 99999999999999999999\n/Filter /FlateDecode\n>>\nstream\n"))
	f.Fuzz(func(t *testing.T, pdf []byte) {
		embeddedFont(pdf)
	})
}
