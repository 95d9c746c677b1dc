package render

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"sync"

	"github.com/go-pdf/fpdf"
)

// fpdf parses the whole TrueType font of every document it embeds, and
// Droid Sans Fallback is 4 MB of some 30,000 glyphs: a document paid about
// 40 ms of CPU and 30 MB of garbage for it before setting a character
// (BenchmarkHandoutPDF). So the process keeps a cut of the CJK font: the
// glyphs of every character its documents have set so far, cut by fpdf
// itself (a PDF's embedded subset is a whole TrueType font). A document
// whose characters the cut covers parses only the cut; one that brings a
// new character cuts the font again, with the new ones added. Each PDF
// still embeds only the glyphs it uses: fpdf subsets the cut as it
// subset the font, and sets the same glyphs (TestCutFontSetsTheSameGlyphs).
type cutFont struct {
	mu     sync.Mutex
	runes  map[rune]bool // the characters the cut holds
	data   []byte        // the cut; nil before the first document
	failed error         // the font could not be cut: documents use it whole
}

// cjkFor returns the CJK font data for a document setting runes: the cut,
// cut again first when runes has a character it lacks; the whole font when
// cutting fails.
func (f *Font) cjkFor(runes map[rune]bool) []byte {
	c := &f.cut
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.failed != nil {
		return f.data
	}
	missing := c.data == nil
	for r := range runes {
		if !c.runes[r] {
			missing = true
			break
		}
	}
	if !missing {
		return c.data
	}
	all := map[rune]bool{}
	for r := range c.runes {
		all[r] = true
	}
	for r := range runes {
		all[r] = true
	}
	data, err := cutTTF(f.data, all)
	if err != nil {
		c.failed = fmt.Errorf("render: cut font %s: %w", f.Path, err)
		return f.data
	}
	c.runes, c.data = all, data
	return data
}

// cutTTF is the TrueType subset of font holding runes' glyphs, as fpdf
// embeds it in a PDF that sets them.
func cutTTF(font []byte, runes map[rune]bool) ([]byte, error) {
	rs := make([]rune, 0, len(runes))
	for r := range runes {
		rs = append(rs, r)
	}
	slices.Sort(rs)
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCompression(false)
	pdf.AddUTF8FontFromBytes("cjk", "", font)
	pdf.SetFont("cjk", "", 10)
	pdf.AddPage()
	pdf.Text(10, 10, string(rs))
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, err
	}
	return embeddedFont(buf.Bytes())
}

var fontFileRef = regexp.MustCompile(`/FontFile2 (\d+) 0 R`)

// embeddedFont is the (inflated) TrueType font file fpdf embedded in pdf.
func embeddedFont(pdf []byte) ([]byte, error) {
	m := fontFileRef.FindSubmatch(pdf)
	if m == nil {
		return nil, fmt.Errorf("no /FontFile2 in fpdf's output")
	}
	objs, _, ok := fpdfObjects(pdf)
	if !ok {
		return nil, fmt.Errorf("fpdf's output has no xref table to read")
	}
	num, _ := strconv.Atoi(string(m[1]))
	i := slices.IndexFunc(objs, func(o object) bool { return o.num == num })
	if i < 0 {
		return nil, fmt.Errorf("font file object %d not in the xref table", num)
	}
	obj := pdf[objs[i].at:objs[i].end]
	head, after, ok := bytes.Cut(obj, []byte(">>\nstream\n"))
	lm := regexp.MustCompile(`/Length (\d+)\n`).FindSubmatch(head)
	if !ok || lm == nil || !bytes.Contains(head, []byte("/Filter /FlateDecode")) {
		return nil, fmt.Errorf("font file object %d is not a deflated stream", num)
	}
	n, _ := strconv.Atoi(string(lm[1]))
	if n > len(after) {
		return nil, fmt.Errorf("font file object %d is cut short", num)
	}
	z, err := zlib.NewReader(bytes.NewReader(after[:n]))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(z)
}
