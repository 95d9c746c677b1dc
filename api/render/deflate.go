package render

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"io"
	"slices"
	"strconv"
	"sync"
)

// fpdf compresses each page with a zlib writer of its own, and a flate
// writer is some 650 KB of tables to allocate and clear: for a district's
// 100 pages that was a quarter of the document's CPU (BenchmarkDistrictPDF's
// profile). So the pages are written uncompressed and deflateStreams then
// compresses every unfiltered stream with a pooled writer, Reset between
// streams, at fpdf's level (BestSpeed).
var zlibWriters = sync.Pool{New: func() any {
	w, _ := zlib.NewWriterLevel(nil, zlib.BestSpeed) // the level is valid: no error
	return w
}}

// streamHead is how fpdf opens a stream it has not compressed.
var streamHead = []byte("<</Length ")

// deflateStreams writes pdf (fpdf's output) to w with every stream that
// has no filter (the pages) deflated, and the cross-reference table
// rewritten for the new offsets. When pdf is not laid out as fpdf writes
// it (one xref section, objects that end where the next begins), it is
// written unchanged: a valid, larger PDF (TestPDFPagesDeflated keeps the
// layout checked).
func deflateStreams(w io.Writer, pdf []byte) error {
	objs, xref, ok := fpdfObjects(pdf)
	if !ok {
		_, err := w.Write(pdf)
		return err
	}
	out := bytes.NewBuffer(make([]byte, 0, len(pdf)/3))
	out.Write(pdf[:objs[0].at])
	offsets := make([]int, len(objs))
	zw := zlibWriters.Get().(*zlib.Writer)
	defer zlibWriters.Put(zw)
	var z bytes.Buffer
	for i, o := range objs {
		offsets[i] = out.Len()
		obj := pdf[o.at:o.end]
		head, data, tail, ok := plainStream(obj)
		if !ok {
			out.Write(obj)
			continue
		}
		z.Reset()
		zw.Reset(&z)
		if _, err := zw.Write(data); err != nil {
			return fmt.Errorf("render: deflate page: %w", err)
		}
		if err := zw.Close(); err != nil {
			return fmt.Errorf("render: deflate page: %w", err)
		}
		out.Write(head)
		out.WriteString("<</Filter /FlateDecode /Length ")
		out.WriteString(strconv.Itoa(z.Len()))
		out.WriteString(">>\nstream\n")
		out.Write(z.Bytes())
		out.Write(tail)
	}
	writeXref(out, pdf, objs, offsets, xref)
	_, err := w.Write(out.Bytes())
	return err
}

// object is one indirect object of fpdf's output: its number and where
// it starts and ends.
type object struct{ num, at, end int }

// xrefAt is where the cross-reference section is and where its trailer
// (after the table) starts and the startxref line starts.
type xrefAt struct{ at, trailer, startxref int }

// fpdfObjects reads the xref table of pdf and returns its objects in file
// order, each ending where the next begins (the last where the table
// begins). ok is false when the table is not fpdf's single section.
func fpdfObjects(pdf []byte) ([]object, xrefAt, bool) {
	var x xrefAt
	x.startxref = bytes.LastIndex(pdf, []byte("\nstartxref\n")) + 1
	if x.startxref <= 0 {
		return nil, x, false
	}
	rest := pdf[x.startxref+len("startxref\n"):]
	at, err := strconv.Atoi(string(rest[:max(bytes.IndexByte(rest, '\n'), 0)]))
	if err != nil || at <= 0 || at >= x.startxref {
		return nil, x, false
	}
	x.at = at
	table := pdf[at:x.startxref]
	var n int
	if _, err := fmt.Sscanf(string(table[:min(len(table), 32)]), "xref\n0 %d\n", &n); err != nil || n < 2 {
		return nil, x, false
	}
	start := bytes.Index(table, []byte("0000000000 65535 f \n"))
	if start < 0 || len(table) < start+20*n {
		return nil, x, false
	}
	x.trailer = at + start + 20*n
	objs := make([]object, 0, n-1)
	for i := 1; i < n; i++ {
		e := table[start+20*i : start+20*i+20]
		off, err := strconv.Atoi(string(e[:10]))
		if err != nil || string(e[10:]) != " 00000 n \n" || off <= 0 || off >= at {
			return nil, x, false
		}
		objs = append(objs, object{num: i, at: off})
	}
	slices.SortFunc(objs, func(a, b object) int { return a.at - b.at })
	for i := range objs {
		objs[i].end = at
		if i+1 < len(objs) {
			objs[i].end = objs[i+1].at
		}
		if i > 0 && objs[i].at == objs[i-1].at {
			return nil, x, false
		}
	}
	return objs, x, true
}

// plainStream splits an object "N 0 obj\n<</Length L>>\nstream\n…" into
// its first line, its L bytes of data and what follows them; ok is false
// for any other object (a dictionary with more than a length, a filter,
// no stream).
func plainStream(obj []byte) (head, data, tail []byte, ok bool) {
	nl := bytes.IndexByte(obj, '\n')
	if nl < 0 || !bytes.HasPrefix(obj[nl+1:], streamHead) {
		return nil, nil, nil, false
	}
	head = obj[:nl+1]
	rest := obj[nl+1+len(streamHead):]
	end := bytes.Index(rest, []byte(">>\nstream\n"))
	if end < 0 {
		return nil, nil, nil, false
	}
	n, err := strconv.Atoi(string(rest[:end]))
	rest = rest[end+len(">>\nstream\n"):]
	if err != nil || n < 0 || n > len(rest) || !bytes.HasPrefix(rest[n:], []byte("\nendstream")) {
		return nil, nil, nil, false
	}
	return head, rest[:n], rest[n:], true
}

// writeXref writes the cross-reference table with the objects' new
// offsets, the trailer as it was, and startxref.
func writeXref(out *bytes.Buffer, pdf []byte, objs []object, offsets []int, x xrefAt) {
	byNum := make([]int, len(objs)+1)
	for i, o := range objs {
		byNum[o.num] = offsets[i]
	}
	at := out.Len()
	fmt.Fprintf(out, "xref\n0 %d\n0000000000 65535 f \n", len(byNum))
	for _, off := range byNum[1:] {
		fmt.Fprintf(out, "%010d 00000 n \n", off)
	}
	out.Write(pdf[x.trailer:x.startxref])
	fmt.Fprintf(out, "startxref\n%d\n%%%%EOF\n", at)
}
