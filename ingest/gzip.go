package ingest

import (
	"compress/gzip"
	"fmt"
	"io"
	"path/filepath"
	"strings"
)

// maxGunzipBytes bounds a gzip'd file's content, as MaxTextFileBytes
// bounds a plain one; a variable so a test can trip it with a small file.
var maxGunzipBytes int64 = MaxTextFileBytes

// isGzip says whether b starts with gzip's magic bytes.
func isGzip(b []byte) bool { return len(b) >= 2 && b[0] == 0x1f && b[1] == 0x8b }

// gzInnerName is the name of a gzip'd file's content: posts.csv.gz →
// posts.csv, so the inner extension picks the format.
func gzInnerName(name string) string {
	if ext := filepath.Ext(name); strings.EqualFold(ext, ".gz") || strings.EqualFold(ext, ".gzip") {
		return strings.TrimSuffix(name, ext)
	}
	return ""
}

// gunzip decompresses a gzip'd input whole, refusing content larger than
// maxGunzipBytes (a gzip bomb inflates a few kilobytes into gigabytes)
// and a damaged or truncated stream: a half-read file would import part
// of its rows and lose the rest silently.
func gunzip(name string, r io.Reader) ([]byte, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, &FileError{File: name, Reason: "gzip 压缩文件已损坏，无法解压 (damaged gzip file)", Err: err}
	}
	defer zr.Close()
	b, err := io.ReadAll(io.LimitReader(zr, maxGunzipBytes+1))
	if err != nil {
		return nil, &FileError{File: name, Reason: "gzip 压缩文件已损坏或不完整，无法解压 (damaged or truncated gzip file)", Err: err}
	}
	if int64(len(b)) > maxGunzipBytes {
		return nil, &FileError{File: name, Reason: fmt.Sprintf("解压后文件过大（超过 %d 字节）(decompressed file too large)", maxGunzipBytes)}
	}
	return b, nil
}
