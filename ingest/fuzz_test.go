package ingest

import (
	"errors"
	"testing"
	"unicode/utf8"

	"github.com/urumqi-hrss/jobmatch/ingest/convert"
	"github.com/urumqi-hrss/jobmatch/matcher"
)

// checkTable asserts what every reader result must satisfy, then runs the
// row → domain layer over it.
func checkTable(t *testing.T, tbl *Table, err error, entity string) {
	if err != nil {
		var fe *FileError
		if !errors.As(err, &fe) {
			t.Fatalf("reader error is not a FileError: %v", err)
		}
		if fe.RowError().Reason == "" {
			t.Fatal("refusal without a reason")
		}
		return
	}
	for _, e := range tbl.RowErrors {
		if e.Reason == "" || e.Line <= 0 {
			t.Fatalf("row error without reason or line: %+v", e)
		}
	}
	for _, r := range tbl.Rows {
		if r.Line <= 0 {
			t.Fatalf("row without a line: %+v", r)
		}
		for col, v := range r.Values {
			if !utf8.ValidString(v) {
				t.Fatalf("column %s is not valid UTF-8: %q", col, v)
			}
		}
		var errs []matcher.RowError
		switch entity {
		case EntityPosts:
			p, es := convert.PostFromRow(r)
			errs = es
			if len(es) == 0 && (p.ID == "" || p.Title == "" || p.Headcount < 1) {
				t.Fatalf("accepted post is incomplete: %+v", p)
			}
		case EntityGraduates:
			g, es := convert.GraduateFromRow(r)
			errs = es
			if len(es) == 0 && g.ID == "" {
				t.Fatalf("accepted graduate without ID: %+v", g)
			}
			for _, e := range es {
				if convert.Personal(e.Column) && e.Value != "" {
					t.Fatalf("personal value echoed: %+v", e)
				}
			}
		}
		for _, e := range errs {
			if e.Reason == "" {
				t.Fatal("row error without a reason")
			}
		}
	}
}

func FuzzCSVRow(f *testing.F) {
	f.Add([]byte("职位名称,单位名称,薪资\n会计,甲公司,3000-5000元/月\n"))
	f.Add([]byte("title,employer,salary,headcount,deadline\n\"a\nb\",x,面议,若干,2024-06-30\n"))
	f.Add(gz(f, []byte("职位,公司,学历,最低薪资,最高薪资\n会计,甲公司,本科,4000,6000\n"))) // a .csv.gz export
	f.Fuzz(func(t *testing.T, data []byte) {
		tbl, err := ReadBytes("fuzz.csv", FormatCSV, data, EntityPosts, nil)
		checkTable(t, tbl, err, EntityPosts)
		tbl, err = ReadBytes("fuzz.csv", FormatCSV, data, EntityGraduates, nil)
		checkTable(t, tbl, err, EntityGraduates)
	})
}

func FuzzJSONLine(f *testing.F) {
	f.Add([]byte(`{"title":"会计","employer":"甲公司","headcount":3,"majors":["会计学"]}`))
	f.Add([]byte(`{"name":"张三","national_id":"650102200205171234","phone":"13800138000"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		tbl, err := ReadBytes("fuzz.jsonl", FormatJSONL, data, EntityPosts, nil)
		checkTable(t, tbl, err, EntityPosts)
		tbl, err = ReadBytes("fuzz.jsonl", FormatJSONL, data, EntityGraduates, nil)
		checkTable(t, tbl, err, EntityGraduates)
	})
}

func FuzzDetectEncoding(f *testing.F) {
	f.Add([]byte("职位名称,薪资\n"))
	f.Add([]byte{0xD6, 0xB0, 0xCE, 0xBB}) // 职位 in GBK
	f.Add([]byte{0xFF, 0xFE, 'a', 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		out, enc, err := DecodeText(data)
		if err != nil {
			if !errors.Is(err, ErrEncoding) {
				t.Fatalf("refusal does not wrap ErrEncoding: %v", err)
			}
			return
		}
		if !utf8.Valid(out) || enc == "" {
			t.Fatalf("DecodeText returned invalid UTF-8 (%s): %q", enc, out)
		}
		if utf8.Valid(data) && enc == EncUTF8 && string(out) != string(data) {
			t.Fatal("valid UTF-8 was changed")
		}
	})
}

func FuzzXLSX(f *testing.F) {
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, data []byte) {
		tbl, err := ReadBytes("fuzz.xlsx", FormatXLSX, data, EntityPosts, nil)
		checkTable(t, tbl, err, EntityPosts)
	})
}
