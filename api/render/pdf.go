package render

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/go-pdf/fpdf"
)

// A4 geometry, in millimetres.
const (
	pageW, pageH = 210.0, 297.0
	marginX      = 15.0
	marginTop    = 14.0
	marginBottom = 12.0
	textW        = pageW - 2*marginX
	ptToMM       = 25.4 / 72
	lineFactor   = 1.35 // line height as a multiple of the font size
)

// block is one paragraph of a page: text at a size, indented, in a
// colour, with space before it; centred or not; a rule draws a line
// under it.
type block struct {
	text   string
	size   float64 // points, at scale 1
	indent float64 // mm
	gray   int     // 0 black … 255 white
	before float64 // mm, at scale 1
	center bool
	rule   bool
	footer bool // drawn at the foot of the page
}

// page is what one page holds: the blocks, and the blocks' wrapped
// lines at the scale that fits.
type page struct {
	blocks []block
}

// newPDF starts an A4 document with cjk (f's CJK font or a cut of it)
// embedded as family "cjk" and f's Latin font as "latin".
func newPDF(f *Font, cjk []byte, title string) *fpdf.Fpdf {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetMargins(marginX, marginTop, marginX)
	pdf.SetAutoPageBreak(false, marginBottom)
	pdf.AddUTF8FontFromBytes("cjk", "", cjk)
	pdf.AddUTF8FontFromBytes("latin", "", f.latin)
	pdf.SetFont("cjk", "", 10)
	pdf.SetTitle(drawableText(title), true) // fpdf's UTF-16 conversion indexes past the end of invalid UTF-8
	pdf.SetCreator("jobmatch", true)
	pdf.SetCompression(false) // deflateStreams compresses the pages, with one writer
	return pdf
}

// advances measures characters for Wrap and for centring, from the
// Font's table of advances, and keeps which family the page is set in.
type advances struct {
	f      *Font
	family string // what the page is set in now
}

// at returns the advance function for size points.
func (a *advances) at(size float64) func(rune) float64 {
	return func(r rune) float64 { return a.f.advance(r) * size }
}

// width is the advance of s at size points.
func (a *advances) width(s string, size float64) float64 {
	w := 0.0
	for _, r := range s {
		w += a.f.advance(r)
	}
	return w * size
}

// drawable is r as the PDF sets it: a character outside the Basic
// Multilingual Plane (an emoji, a rare ideograph of CJK Extension B) as
// □, since fpdf's font subsetter indexes a 65,536-entry table by code
// point and panics on anything above it.
func drawable(r rune) rune {
	if r > 0xFFFF {
		return '□'
	}
	return r
}

// drawableText is s with every character drawable and invalid UTF-8 as
// U+FFFD.
func drawableText(s string) string {
	return strings.Map(drawable, strings.ToValidUTF8(s, "\uFFFD"))
}

// family is the font r is set in: "latin" below U+2E80 (Latin, digits,
// Western punctuation, □), "cjk" from there up.
func family(r rune) string {
	if r < 0x2E80 {
		return "latin"
	}
	return "cjk"
}

// run is a stretch of text set in one font.
type run struct{ family, text string }

// runs splits s into stretches of one font each, every character made
// drawable (and invalid UTF-8 U+FFFD).
func runs(s string) []run {
	var out []run
	var b strings.Builder
	fam := ""
	for _, r := range s {
		r = drawable(r)
		if f := family(r); f != fam {
			if b.Len() > 0 {
				out = append(out, run{fam, b.String()})
				b.Reset()
			}
			fam = f
		}
		b.WriteRune(r)
	}
	if b.Len() > 0 {
		out = append(out, run{fam, b.String()})
	}
	return out
}

// text draws s at (x, y), each run in its font.
func text(pdf *fpdf.Fpdf, adv *advances, x, y, size float64, s string) {
	for _, r := range runs(s) {
		// fpdf writes a font change into the page even when it changes
		// nothing; a line often starts in the font the last one ended in.
		if pt, _ := pdf.GetFontSize(); r.family != adv.family || pt != size {
			pdf.SetFont(r.family, "", size)
			adv.family = r.family
		}
		pdf.Text(x, y, r.text)
		x += adv.width(r.text, size)
	}
}

// layout wraps the page's blocks at scale k and returns their lines and
// the height the body (blocks that are not footers) takes.
func (p *page) layout(adv *advances, k float64) ([][]string, float64) {
	lines := make([][]string, len(p.blocks))
	h := 0.0
	for i, b := range p.blocks {
		size := b.size * k
		lines[i] = Wrap(b.text, textW-b.indent, adv.at(size))
		if b.footer {
			continue
		}
		h += b.before*k + float64(len(lines[i]))*size*ptToMM*lineFactor
	}
	return lines, h
}

// scales are the sizes a page may be set at, largest first: 1 down by
// 0.05 to above 0.55 (summed as the loop that chose them before did, so
// pages keep their sizes), then 0.55.
var scales = func() []float64 {
	var ks []float64
	for k := 1.0; k > 0.55; k -= 0.05 {
		ks = append(ks, k)
	}
	return append(ks, 0.55)
}()

// fitScale is the largest of scales at which the body fits the page above
// the footer; 0.55 when none does (the page is then cut at the bottom
// margin, never spilled onto the next graduate's). A smaller scale never
// makes the body taller, so it searches by halves: three or four layouts
// a page instead of up to ten.
func (p *page) fitScale(adv *advances) (float64, [][]string) {
	footer := 0.0
	for _, b := range p.blocks {
		if b.footer {
			footer += b.before + b.size*ptToMM*lineFactor*2
		}
	}
	avail := pageH - marginTop - marginBottom - footer
	if lines, h := p.layout(adv, scales[0]); h <= avail {
		return scales[0], lines
	}
	// scales[lo] does not fit; scales[hi] fits or is the last.
	lo, hi := 0, len(scales)-1
	var fits [][]string
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		if lines, h := p.layout(adv, scales[mid]); h <= avail {
			hi, fits = mid, lines
		} else {
			lo = mid
		}
	}
	if fits == nil {
		fits, _ = p.layout(adv, scales[hi])
	}
	return scales[hi], fits
}

// draw puts the page on a new PDF page.
func (p *page) draw(pdf *fpdf.Fpdf, adv *advances) {
	pdf.AddPage()
	k, lines := p.fitScale(adv)
	y := marginTop
	var feet []int
	for i, b := range p.blocks {
		if b.footer {
			feet = append(feet, i)
			continue
		}
		y += b.before * k
		y = drawLines(pdf, adv, b, lines[i], b.size*k, y, pageH-marginBottom)
	}
	// Footers sit at the foot, last one lowest.
	fy := pageH - marginBottom
	for j := len(feet) - 1; j >= 0; j-- {
		b := p.blocks[feet[j]]
		fy -= float64(len(lines[feet[j]])) * b.size * k * ptToMM * lineFactor
	}
	for _, i := range feet {
		fy = drawLines(pdf, adv, p.blocks[i], lines[i], p.blocks[i].size*k, fy, pageH)
	}
}

// drawLines draws a block's lines from y and returns the y below them;
// lines that would pass limit are not drawn.
func drawLines(pdf *fpdf.Fpdf, adv *advances, b block, lines []string, size, y, limit float64) float64 {
	lh := size * ptToMM * lineFactor
	// Text and fill share PDF's one non-stroking colour: with both set,
	// fpdf writes the colour once instead of around every Text call.
	pdf.SetTextColor(b.gray, b.gray, b.gray)
	pdf.SetFillColor(b.gray, b.gray, b.gray)
	for _, ln := range lines {
		if y+lh > limit {
			return y + lh
		}
		x := marginX + b.indent
		if b.center {
			x = (pageW - adv.width(ln, size)) / 2
		}
		// The baseline sits at about 80% of the line box.
		text(pdf, adv, x, y+lh*0.78, size, ln)
		y += lh
	}
	if b.rule {
		pdf.SetDrawColor(120, 120, 120)
		pdf.SetLineWidth(0.3)
		pdf.Line(marginX, y+0.8, pageW-marginX, y+0.8)
		y += 1.6
	}
	return y
}

// cjkRunes are the characters pages set in the CJK font.
func cjkRunes(pages []page) map[rune]bool {
	rs := map[rune]bool{}
	for _, p := range pages {
		for _, b := range p.blocks {
			for _, r := range drawableText(b.text) {
				if family(r) == "cjk" {
					rs[r] = true
				}
			}
		}
	}
	return rs
}

// rawPDFs hold fpdf's uncompressed output until deflateStreams has read
// it: some 40 KB a page, 4 MB for a district's 100 pages, allocated and
// cleared once per process instead of once per document.
var rawPDFs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// putRawPDF gives b back unless it grew past maxRawPDF (a 2,000-graduate
// document), which is left to the collector rather than kept.
func putRawPDF(b *bytes.Buffer) {
	const maxRawPDF = 16 << 20
	if b.Cap() <= maxRawPDF {
		b.Reset()
		rawPDFs.Put(b)
	}
}

// writePages draws pages, one PDF page each, to w.
func writePages(w io.Writer, f *Font, title string, pages []page) error {
	if f == nil {
		return ErrNoFont
	}
	if err := f.measure(); err != nil {
		return err
	}
	pdf := newPDF(f, f.cjkFor(cjkRunes(pages)), title)
	if err := pdf.Error(); err != nil {
		return fmt.Errorf("render: font %s: %w", f.Path, err)
	}
	adv := &advances{f: f}
	for i := range pages {
		pages[i].draw(pdf, adv)
	}
	if len(pages) == 0 {
		pdf.AddPage()
	}
	raw := rawPDFs.Get().(*bytes.Buffer)
	defer putRawPDF(raw)
	if err := pdf.Output(raw); err != nil {
		return fmt.Errorf("render: write PDF: %w", err)
	}
	if err := deflateStreams(w, raw.Bytes()); err != nil {
		return fmt.Errorf("render: write PDF: %w", err)
	}
	return nil
}
