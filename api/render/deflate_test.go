package render

import (
	"bytes"
	"compress/zlib"
	"io"
	"strconv"
	"testing"

	"github.com/urumqi-hrss/jobmatch/matcher/casework"
)

// TestPDFPagesDeflated: every page of a handouts PDF is deflated (fpdf's
// layout is what deflateStreams expects: were it to change, the pages
// would go out uncompressed and this fails), every xref entry points at
// its object, and each stream inflates to its page.
func TestPDFPagesDeflated(t *testing.T) {
	hs := []*casework.Handout{longHandout("张三", 1), longHandout("李四", 2), longHandout("王五", 3)}
	var buf bytes.Buffer
	if err := HandoutsPDF(&buf, testFont(t), hs); err != nil {
		t.Fatal(err)
	}
	pdf := buf.Bytes()
	objs, _, ok := fpdfObjects(pdf)
	if !ok {
		t.Fatal("the output's xref table does not read back")
	}
	pages := 0
	for _, o := range objs {
		obj := pdf[o.at:o.end]
		if !bytes.HasPrefix(obj, []byte(strconv.Itoa(o.num)+" 0 obj\n")) {
			t.Fatalf("xref entry %d points at %.20q", o.num, obj)
		}
		if _, _, _, plain := plainStream(obj); plain {
			t.Errorf("object %d is a stream left uncompressed", o.num)
		}
		if !bytes.Contains(obj, []byte("/Type /Page\n")) {
			continue
		}
		pages++
	}
	if pages != len(hs) {
		t.Errorf("%d pages, want %d", pages, len(hs))
	}
	if _, n := pdfText(t, pdf); n != len(hs) {
		t.Errorf("pdfinfo reads %d pages, want %d", n, len(hs))
	}
}

// TestDeflateStreamsRoundTrip: a stream deflated by deflateStreams
// inflates back to its bytes, the objects around it are kept, and input
// not laid out as fpdf writes it passes through unchanged.
func TestDeflateStreamsRoundTrip(t *testing.T) {
	data := "BT /F1 10.00 Tf ET\nendstream inside the data\n"
	pdf := "%PDF-1.3\n1 0 obj\n<</Type /Pages>>\nendobj\n2 0 obj\n<</Length " + strconv.Itoa(len(data)) + ">>\nstream\n" + data + "\nendstream\nendobj\n"
	at := len(pdf)
	pdf += "xref\n0 3\n0000000000 65535 f \n0000000009 00000 n \n0000000041 00000 n \ntrailer\n<<\n/Size 3\n>>\nstartxref\n" + strconv.Itoa(at) + "\n%%EOF\n"
	var out bytes.Buffer
	if err := deflateStreams(&out, []byte(pdf)); err != nil {
		t.Fatal(err)
	}
	objs, _, ok := fpdfObjects(out.Bytes())
	if !ok || len(objs) != 2 {
		t.Fatalf("output does not read back: %q", out.String())
	}
	if got := string(out.Bytes()[objs[0].at:objs[0].end]); got != "1 0 obj\n<</Type /Pages>>\nendobj\n" {
		t.Errorf("object 1 = %q", got)
	}
	obj := out.Bytes()[objs[1].at:objs[1].end]
	_, after, _ := bytes.Cut(obj, []byte(">>\nstream\n"))
	z, err := zlib.NewReader(bytes.NewReader(after))
	if err != nil {
		t.Fatalf("object 2 %q: %v", obj, err)
	}
	got, _ := io.ReadAll(z)
	if string(got) != data || !bytes.HasPrefix(obj, []byte("2 0 obj\n<</Filter /FlateDecode /Length ")) {
		t.Errorf("object 2 = %q inflating to %q", obj, got)
	}
	for _, bad := range []string{pdf[:at], pdf[:len(pdf)-10], "", "startxref\n0\n"} {
		out.Reset()
		if err := deflateStreams(&out, []byte(bad)); err != nil || out.String() != bad {
			t.Errorf("%q: changed to %q (%v)", bad, out.String(), err)
		}
	}
}

// FuzzDeflateStreams: any input gives no panic, and output that differs
// from the input reads back as a PDF of as many objects.
func FuzzDeflateStreams(f *testing.F) {
	f.Add([]byte("%PDF-1.3\n1 0 obj\n<</Length 3>>\nstream\nabc\nendstream\nendobj\nxref\n0 2\n0000000000 65535 f \n0000000009 00000 n \ntrailer\n<<>>\nstartxref\n58\n%%EOF\n"))
	f.Add([]byte("xref\n0 2\n0000000000 65535 f \nstartxref\n0\n"))
	f.Add([]byte("1 0 obj\n<</Length 99>>\nstream\n"))
	f.Fuzz(func(t *testing.T, pdf []byte) {
		var out bytes.Buffer
		if err := deflateStreams(&out, pdf); err != nil {
			t.Fatal(err)
		}
		if bytes.Equal(out.Bytes(), pdf) {
			return
		}
		in, _, _ := fpdfObjects(pdf)
		got, _, ok := fpdfObjects(out.Bytes())
		if !ok || len(got) != len(in) {
			t.Fatalf("output of %d objects (ok %v), input had %d", len(got), ok, len(in))
		}
	})
}
