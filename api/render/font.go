package render

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"

	"github.com/go-pdf/fpdf"
)

// FontPaths are where FindFont looks for a CJK font when no path is
// given: Debian's fonts-droid-fallback first, then Noto CJK and WenQuanYi.
// fpdf reads TrueType outlines only (glyf), not the CFF of an .otf or the
// collection of a .ttc.
var FontPaths = []string{
	"/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
	"/usr/share/fonts-droid-fallback/truetype/DroidSansFallback.ttf",
	"/usr/share/fonts/truetype/wqy/wqy-microhei.ttf",
	"/usr/share/fonts/truetype/arphic/uming.ttf",
}

// LatinFontPaths are where FindFont looks for the font of Latin letters,
// digits and Western punctuation, which CJK fallback fonts such as Droid
// Sans Fallback do not carry (Debian's fonts-dejavu-core).
var LatinFontPaths = []string{
	"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
	"/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
}

// Font is the pair of TrueType fonts a PDF is set in: one with CJK glyphs
// and one for everything below U+2E80 (Latin, digits, “”—…). Each is read
// once; every PDF embeds the subset of glyphs it uses.
type Font struct {
	Path, LatinPath string
	data, latin     []byte

	// units are the advances of every character of the Basic Multilingual
	// Plane, in mm at 1 pt, in the font family sets it in: measured once
	// per Font (a CJK font's metrics take fpdf some 15 ms to parse, and a
	// district's PDF measures its characters hundreds of thousands of
	// times while it fits each page).
	unitsOnce sync.Once
	units     []float64
	unitsErr  error

	cut cutFont // the CJK font cut to the characters set so far (cutfont.go)
}

// advance is r's advance in mm at 1 pt (r made drawable first).
func (f *Font) advance(r rune) float64 {
	return f.units[drawable(r)]
}

// measure fills f.units, asking fpdf for each character's width as it
// sets it.
func (f *Font) measure() error {
	f.unitsOnce.Do(func() {
		pdf := fpdf.New("P", "mm", "A4", "")
		pdf.AddUTF8FontFromBytes("cjk", "", f.data)
		pdf.AddUTF8FontFromBytes("latin", "", f.latin)
		if f.unitsErr = pdf.Error(); f.unitsErr != nil {
			f.unitsErr = fmt.Errorf("render: font %s: %w", f.Path, f.unitsErr)
			return
		}
		units := make([]float64, 0x10000)
		for _, fam := range []string{"latin", "cjk"} {
			pdf.SetFont(fam, "", 1)
			for r := range rune(len(units)) {
				if family(r) == fam {
					units[r] = pdf.GetStringWidth(string(r))
				}
			}
		}
		f.units = units
	})
	return f.unitsErr
}

// ErrNoFont: no CJK font was found.
var ErrNoFont = errors.New("render: no CJK TrueType font found")

// FindFont reads the CJK font at path (or when path is "" the first of
// FontPaths that exists) and the first of LatinFontPaths. The error names
// every path tried.
func FindFont(path string) (*Font, error) {
	p, b, err := readFont(path, FontPaths)
	if err != nil {
		return nil, err
	}
	lp, lb, err := readFont("", LatinFontPaths)
	if err != nil {
		return nil, err
	}
	return &Font{Path: p, LatinPath: lp, data: b, latin: lb}, nil
}

// readFont reads the font at path, or the first of paths that exists.
func readFont(path string, paths []string) (string, []byte, error) {
	tried := paths
	if path != "" {
		tried = []string{path}
	}
	for _, p := range tried {
		b, err := os.ReadFile(p)
		if errors.Is(err, os.ErrNotExist) && path == "" {
			continue
		}
		if err != nil {
			return "", nil, fmt.Errorf("render: read font %s: %w", p, err)
		}
		if len(b) < 12 || string(b[:4]) != "\x00\x01\x00\x00" && string(b[:4]) != "true" {
			return "", nil, fmt.Errorf("render: font %s: not a TrueType font (fpdf needs glyf outlines: a .ttf, not .otf or .ttc)", p)
		}
		return p, b, nil
	}
	return "", nil, fmt.Errorf("%w (looked for %s; install Debian's fonts-droid-fallback and fonts-dejavu-core, or give a CJK .ttf with --pdf-font or JOBMATCH_PDF_FONT)", ErrNoFont, strings.Join(tried, ", "))
}
