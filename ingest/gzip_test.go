package ingest

import (
	"bytes"
	"compress/gzip"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/urumqi-hrss/jobmatch/ingest/convert"
)

func gz(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	if _, err := w.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestReadGzip: a gzip'd export reads like the file inside it (the real
// job-hunting export ships as .csv.gz), in UTF-8 and in GBK, and its format
// comes from the inner name or, failing that, from the content.
func TestReadGzip(t *testing.T) {
	const csvText = "职位,公司,学历\n会计,新疆某公司,本科\n\"出纳\n（兼职）\",乙公司,大专\n"
	dir := t.TempDir()
	cases := []struct {
		name    string
		content []byte
		format  string
		enc     string
	}{
		{"posts.csv.gz", gz(t, []byte(csvText)), FormatCSV, EncUTF8},
		{"posts-gbk.csv.gz", gz(t, gbk(t, csvText)), FormatCSV, EncGB18030},
		{"posts.gz", gz(t, []byte(csvText)), FormatCSV, EncUTF8},
		{"posts.jsonl.gz", gz(t, []byte(`{"职位":"会计","公司":"新疆某公司","学历":"本科"}`+"\n"+`{"职位":"出纳\n（兼职）","公司":"乙公司","学历":"大专"}`+"\n")), FormatJSONL, EncUTF8},
		{"noext-json", gz(t, []byte(`{"职位":"会计","公司":"新疆某公司","学历":"本科"}`+"\n"+`{"职位":"出纳\n（兼职）","公司":"乙公司","学历":"大专"}`+"\n")), FormatJSONL, EncUTF8},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(dir, c.name)
			if err := os.WriteFile(path, c.content, 0o644); err != nil {
				t.Fatal(err)
			}
			tbl, err := ReadFile(path, EntityPosts, nil)
			if err != nil {
				t.Fatal(err)
			}
			if tbl.Format != c.format || tbl.Encoding != c.enc || tbl.File != path {
				t.Errorf("read as %s/%s named %s, want %s/%s named %s", tbl.Format, tbl.Encoding, tbl.File, c.format, c.enc, path)
			}
			if len(tbl.Rows) != 2 || len(tbl.RowErrors) != 0 {
				t.Fatalf("rows %+v, errors %+v", tbl.Rows, tbl.RowErrors)
			}
			if got := tbl.Rows[1].Values["title"]; got != "出纳\n（兼职）" {
				t.Errorf("second title %q", got)
			}
			p, errs := convert.PostFromRow(tbl.Rows[0])
			if len(errs) > 0 || p.Title != "会计" || p.Employer != "新疆某公司" {
				t.Errorf("post %+v, errors %v", p, errs)
			}
			// ReadBytes takes the same compressed bytes.
			tb2, err := ReadBytes(c.name, "", c.content, EntityPosts, nil)
			if err != nil || len(tb2.Rows) != 2 || tb2.Format != c.format {
				t.Errorf("ReadBytes: %v, %+v", err, tb2)
			}
		})
	}
}

// TestReadGzipRefusals: a damaged, truncated or oversized gzip'd file is
// refused whole with a reason, never read in part.
func TestReadGzipRefusals(t *testing.T) {
	defer func(n int64) { maxGunzipBytes = n }(maxGunzipBytes)
	maxGunzipBytes = 1 << 20
	good := gz(t, []byte(strings.Repeat("职位,公司\n会计,甲公司\n", 2000)))
	bomb := gz(t, bytes.Repeat([]byte("a"), 2<<20))
	damaged := append([]byte(nil), good...)
	damaged[len(damaged)/2] ^= 0xff
	cases := []struct {
		name    string
		content []byte
		reason  string
	}{
		{"truncated.csv.gz", good[:len(good)/2], "不完整"},
		{"damaged.csv.gz", damaged, "损坏"},
		{"header-only.csv.gz", good[:5], "损坏"},
		{"bomb.csv.gz", bomb, "过大"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), c.name)
			if err := os.WriteFile(path, c.content, 0o644); err != nil {
				t.Fatal(err)
			}
			tbl, err := ReadFile(path, EntityPosts, nil)
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("not refused: %v, %+v", err, tbl)
			}
			if fe.File != path || !strings.Contains(fe.Reason, c.reason) {
				t.Errorf("refusal %v: want the file and %q", fe, c.reason)
			}
			if _, err := ReadBytes(c.name, FormatCSV, c.content, EntityPosts, nil); !errors.As(err, &fe) {
				t.Errorf("ReadBytes did not refuse: %v", err)
			}
		})
	}
	if len(bomb) > 64<<10 {
		t.Fatalf("the bomb should be small compressed, is %d bytes", len(bomb))
	}
}
