package ingest

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	xunicode "golang.org/x/text/encoding/unicode"
)

func gbk(t testing.TB, s string) []byte {
	t.Helper()
	b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDecodeText(t *testing.T) {
	const zh = "职位名称,薪资\n会计,3000-5000元/月\n"
	utf16le, _ := xunicode.UTF16(xunicode.LittleEndian, xunicode.UseBOM).NewEncoder().Bytes([]byte(zh))
	utf16be, _ := xunicode.UTF16(xunicode.BigEndian, xunicode.UseBOM).NewEncoder().Bytes([]byte(zh))
	latin1 := []byte("caf\xe9 cr\xe8me br\xfbl\xe9e, na\xefve r\xe9sum\xe9\n")
	tests := []struct {
		name    string
		in      []byte
		want    string
		enc     string
		wantErr bool
	}{
		{"utf8", []byte(zh), zh, EncUTF8, false},
		{"utf8 bom", append([]byte{0xEF, 0xBB, 0xBF}, zh...), zh, EncUTF8BOM, false},
		{"gbk", gbk(t, zh), zh, EncGB18030, false},
		{"utf16le bom", utf16le, zh, EncUTF16LE, false},
		{"utf16be bom", utf16be, zh, EncUTF16BE, false},
		{"empty", nil, "", EncUTF8, false},
		{"latin1 refused", latin1, "", "", true},
		{"bom then invalid", []byte("\xEF\xBB\xBFabc\xff\n"), "", "", true},
		{"truncated gbk", gbk(t, "会计")[:3], "", "", true},
		{"binary refused", []byte{0x00, 0x01, 0x02, 0x80, 0x81, 0xfe, 0xff, 0x10}, "", "", true},
		{"utf32 refused", []byte{0xFF, 0xFE, 0, 0, 'a', 0, 0, 0}, "", "", true},
		{"odd utf16", []byte{0xFF, 0xFE, 'a'}, "", "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, enc, err := DecodeText(tc.in)
			if tc.wantErr {
				if err == nil {
					t.Fatalf("want refusal, got %q as %s", got, enc)
				}
				if !errors.Is(err, ErrEncoding) || !strings.Contains(err.Error(), "not valid UTF-8 or GBK") {
					t.Errorf("refusal should name the problem: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want || enc != tc.enc {
				t.Errorf("got %q (%s), want %q (%s)", got, enc, tc.want, tc.enc)
			}
		})
	}
}

func TestHeaderKey(t *testing.T) {
	tests := []struct{ in, want string }{
		{"职位名称", "职位名称"},
		{" 职位名称（必填）", "职位名称"},
		{"职位名称(必填)*", "职位名称"},
		{"Job_Title", "job_title"},
		{"ＴＩＴＬＥ", "title"},
		{"薪资：", "薪资"},
		{"截止日期 (YYYY-MM-DD)", "截止日期"},
		{"工 作 地 点", "工作地点"},
		{"【备注】", "【备注】"}, // a header that is only a note stays
	}
	for _, tc := range tests {
		if got := HeaderKey(tc.in); got != tc.want {
			t.Errorf("HeaderKey(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestReadCSV(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		m         string // mapping JSON
		rows      int
		lines     []int
		check     map[string]string // canonical → value of the first row
		rowErrs   int
		refused   string // substring of the refusal
		unknown   []string
		wantSheet string
	}{
		{name: "aliases and multi-line", in: "职位名称,单位名称,职位描述,岗位职责,福利\n会计,甲公司,\"第一行\n第二行\",做账,五险\n出纳,乙公司,,,\n",
			rows: 2, lines: []int{2, 4}, check: map[string]string{"title": "会计", "employer": "甲公司", "description": "第一行\n第二行\n做账"}, unknown: []string{"福利"}},
		{name: "junk rows before header", in: "乌鲁木齐市岗位信息表,,\n导出时间 2024-05-01,,\n岗位名称（必填）,公司名称,薪资\n司机,丙公司,面议\n",
			rows: 1, lines: []int{4}, check: map[string]string{"title": "司机", "salary": "面议"}},
		{name: "canonical english", in: "title,employer,salary,district\nclerk,ACME,3000,天山区\n", rows: 1, check: map[string]string{"district": "天山区"}},
		{name: "tsv", in: "title\temployer\nclerk\tACME\n", rows: 1, check: map[string]string{"employer": "ACME"}},
		{name: "blank lines skipped", in: "title,employer\n\n,\nclerk,ACME\n", rows: 1, lines: []int{4}},
		{name: "mapping", in: "岗位,公司,Pay,Foo\nclerk,ACME,3k,x\n", m: `{"columns":{"Pay":"salary","Foo":"-"},"defaults":{"source":"boss","kind":"job"}}`,
			rows: 1, check: map[string]string{"salary": "3k", "source": "boss", "kind": "job"}},
		{name: "mapping clean and discard", in: "title,employer,district\nclerk,北京市 海淀区 某大厦 点击查看地图,北京海淀区点击查看地图\n",
			m: `{"clean":{"district":["点击查看地图"]},"discard":{"employer":"大厦"}}`, rows: 1, check: map[string]string{"employer": "", "district": "北京海淀区"}},
		{name: "mapping join", in: "职位,公司,最低薪资,最高薪资\nclerk,ACME,6000.00,7000.00\n",
			m: `{"columns":{"最低薪资":"salary","最高薪资":"salary"},"join":{"salary":"-"}}`, rows: 1, check: map[string]string{"salary": "6000.00-7000.00"}},
		{name: "mapping join skips a discarded part", in: "职位,公司,最低薪资,最高薪资\nclerk,ACME,0.00,7000.00\n",
			m: `{"columns":{"最低薪资":"salary","最高薪资":"salary"},"join":{"salary":"-"},"discard":{"salary":"^0(\\.0*)?$"}}`, rows: 1, check: map[string]string{"salary": "7000.00"}},
		{name: "bare quote is a row error", in: "title,employer\nab\"c,ACME\nclerk,ACME\n", rows: 1, rowErrs: 1},
		{name: "unterminated quote refuses file", in: "title,employer\nclerk,\"ACME\nnext,row\n", refused: "引号"},
		{name: "no header", in: "a,b\n1,2\n", refused: "找不到表头"},
		{name: "empty file", in: "", refused: "空"},
		{name: "oversized cell", in: "title,employer\n" + strings.Repeat("x", MaxCellBytes+1) + ",A\n", refused: "oversized cell at line 2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var m *Mapping
			if tc.m != "" {
				var err error
				if m, err = ParseMapping([]byte(tc.m)); err != nil {
					t.Fatal(err)
				}
			}
			tbl, err := ReadBytes("in.csv", FormatCSV, []byte(tc.in), EntityPosts, m)
			if tc.refused != "" {
				var fe *FileError
				if !errors.As(err, &fe) {
					t.Fatalf("want file refusal, got %v", err)
				}
				if !strings.Contains(err.Error(), tc.refused) {
					t.Errorf("refusal %q does not mention %q", err, tc.refused)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(tbl.Rows) != tc.rows || len(tbl.RowErrors) != tc.rowErrs {
				t.Fatalf("got %d rows, %d row errors (%v); want %d, %d", len(tbl.Rows), len(tbl.RowErrors), tbl.RowErrors, tc.rows, tc.rowErrs)
			}
			for i, l := range tc.lines {
				if tbl.Rows[i].Line != l {
					t.Errorf("row %d line = %d, want %d", i, tbl.Rows[i].Line, l)
				}
			}
			for col, want := range tc.check {
				if got := tbl.Rows[0].Values[col]; got != want {
					t.Errorf("%s = %q, want %q", col, got, want)
				}
			}
			if tc.unknown != nil && strings.Join(tbl.Unknown, ",") != strings.Join(tc.unknown, ",") {
				t.Errorf("unknown = %v, want %v", tbl.Unknown, tc.unknown)
			}
			for _, e := range tbl.RowErrors {
				if e.Line == 0 || e.Reason == "" {
					t.Errorf("row error without line or reason: %+v", e)
				}
			}
		})
	}
}

func TestReadGBKFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "posts.csv")
	if err := os.WriteFile(path, gbk(t, "职位名称,单位名称,薪资\n会计,新疆某公司,3000-5000元/月\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tbl, err := ReadFile(path, EntityPosts, nil)
	if err != nil {
		t.Fatal(err)
	}
	if tbl.Encoding != EncGB18030 || len(tbl.Rows) != 1 || tbl.Rows[0].Values["employer"] != "新疆某公司" {
		t.Fatalf("got %s %+v", tbl.Encoding, tbl.Rows)
	}
}

func TestReadJSONL(t *testing.T) {
	in := strings.Join([]string{
		`{"title":"会计","employer":"甲公司","headcount":3,"public_welfare":false,"majors":["会计学","财务管理"],"deadline":null}`,
		``,
		`{"title":"broken"`,
		`{"title":"nested","employer":{"name":"x"}}`,
		`[1,2]`,
		`{"职位名称":"出纳","公司名称":"乙公司","extra":1} {"x":1}`,
		`{"职位名称":"出纳","公司名称":"乙公司","extra":1}`,
	}, "\n")
	tbl, err := ReadBytes("in.jsonl", FormatJSONL, []byte(in), EntityPosts, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(tbl.Rows) != 2 {
		t.Fatalf("rows = %d, want 2 (%+v)", len(tbl.Rows), tbl.RowErrors)
	}
	r := tbl.Rows[0]
	if r.Line != 1 || r.Values["headcount"] != "3" || r.Values["public_welfare"] != "false" || r.Values["majors"] != "会计学;财务管理" {
		t.Errorf("first row = %+v", r)
	}
	if tbl.Rows[1].Line != 7 || tbl.Rows[1].Values["title"] != "出纳" {
		t.Errorf("second row = %+v", tbl.Rows[1])
	}
	wantLines := []int{3, 4, 5, 6}
	if len(tbl.RowErrors) != len(wantLines) {
		t.Fatalf("row errors = %+v", tbl.RowErrors)
	}
	for i, e := range tbl.RowErrors {
		if e.Line != wantLines[i] || e.Reason == "" {
			t.Errorf("row error %d = %+v, want line %d", i, e, wantLines[i])
		}
		// Go's decoder types never leak into a reason.
		if strings.Contains(e.Reason, "Go value") || strings.Contains(e.Reason, "map[string]") {
			t.Errorf("row error %d leaks Go internals: %s", i, e.Reason)
		}
	}
	// The array line says, in both languages, what a line must be.
	if r := tbl.RowErrors[2].Reason; !strings.Contains(r, "JSON 数组") || !strings.Contains(r, "each line must be a JSON object, not an array") {
		t.Errorf("array line reason = %q", r)
	}
	if strings.Join(tbl.Unknown, ",") != "extra" {
		t.Errorf("unknown = %v", tbl.Unknown)
	}
}

func writeXLSX(t testing.TB, path string, sheets map[string][][]string, order []string) {
	t.Helper()
	f := excelize.NewFile()
	for i, name := range order {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				t.Fatal(err)
			}
		} else if _, err := f.NewSheet(name); err != nil {
			t.Fatal(err)
		}
		for r, row := range sheets[name] {
			for c, v := range row {
				cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
				if v != "" {
					if err := f.SetCellStr(name, cell, v); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}

func TestReadXLSX(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "export.xlsx")
	writeXLSX(t, path, map[string][][]string{
		"Java": {
			{"2019 招聘数据"},
			{""},
			{"职位名称", "工资", "公司名称", "城市"},
			{"Java", "10-15K", "甲公司", "北京"},
			{},
			{"Go", "20-30K", "乙公司", "上海"},
		},
		"Ruby": {
			{"公司名称", "职位名称", "学历要求", "经验要求"},
			{"丙公司", "Ruby", "3-5年", "本科"},
		},
		"说明": {{"这是说明页"}, {"没有表头"}},
		"空":  {},
	}, []string{"Java", "Ruby", "说明", "空"})

	m, err := ParseMapping([]byte(`{"sheet_columns":{"Ruby":{"学历要求":"experience","经验要求":"degree_min"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	tbl, err := ReadFile(path, EntityPosts, m)
	if err != nil {
		t.Fatal(err)
	}
	if len(tbl.Rows) != 3 {
		t.Fatalf("rows = %d: %+v", len(tbl.Rows), tbl.Rows)
	}
	want := []struct {
		sheet string
		line  int
		title string
	}{{"Java", 4, "Java"}, {"Java", 6, "Go"}, {"Ruby", 2, "Ruby"}}
	for i, w := range want {
		r := tbl.Rows[i]
		if r.Sheet != w.sheet || r.Line != w.line || r.Values["title"] != w.title {
			t.Errorf("row %d = %s/%d %q, want %s/%d %q", i, r.Sheet, r.Line, r.Values["title"], w.sheet, w.line, w.title)
		}
	}
	if ruby := tbl.Rows[2].Values; ruby["degree_min"] != "本科" || ruby["experience"] != "3-5年" {
		t.Errorf("sheet mapping not applied: %v", ruby)
	}
	if len(tbl.RowErrors) != 1 || tbl.RowErrors[0].Sheet != "说明" || !strings.Contains(tbl.RowErrors[0].Reason, "表头") {
		t.Errorf("sheet without header should be one row error: %+v", tbl.RowErrors)
	}

	// Only the listed sheets are read.
	m2, _ := ParseMapping([]byte(`{"sheets":["Ruby"]}`))
	tbl, err = ReadFile(path, EntityPosts, m2)
	if err != nil || len(tbl.Rows) != 1 || tbl.Rows[0].Sheet != "Ruby" {
		t.Fatalf("sheets filter: %v %+v", err, tbl)
	}
}

func TestReadRefusesNonSpreadsheets(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name, content, want string
	}{
		{"fake.xlsx", "职位名称,单位名称\n", "not a spreadsheet"},
		{"old.xls", "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest", ".xls"},
		{"broken.xlsx", "PK\x03\x04 this is not really a zip", "not a spreadsheet"},
	}
	for _, c := range cases {
		p := filepath.Join(dir, c.name)
		if err := os.WriteFile(p, []byte(c.content), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := ReadFile(p, EntityPosts, nil)
		var fe *FileError
		if !errors.As(err, &fe) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: want refusal mentioning %q, got %v", c.name, c.want, err)
		}
		if re := fe.RowError(); re.Line != 0 || re.File != p || re.Reason == "" {
			t.Errorf("%s: refusal as row error = %+v", c.name, re)
		}
	}
}

func TestReadZipBombRefused(t *testing.T) {
	// A worksheet that inflates past the unzip limit: the reader must refuse
	// it (and not allocate it) rather than run out of memory.
	defer func(a, b int64) { maxUnzipBytes, maxUnzipXMLBytes = a, b }(maxUnzipBytes, maxUnzipXMLBytes)
	maxUnzipBytes, maxUnzipXMLBytes = 4<<20, 1<<20
	path := filepath.Join(t.TempDir(), "bomb.xlsx")
	f := excelize.NewFile()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	if err := sw.SetRow("A1", []any{"职位名称", "单位名称"}); err != nil {
		t.Fatal(err)
	}
	filler := strings.Repeat("a", 30000)
	for r := 2; r < 300; r++ {
		cell, _ := excelize.CoordinatesToCellName(1, r)
		if err := sw.SetRow(cell, []any{filler}); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(path)
	_, err = ReadFile(path, EntityPosts, nil)
	var fe *FileError
	if !errors.As(err, &fe) {
		t.Fatalf("%d-byte file inflating past %d MiB was not refused: %v", st.Size(), maxUnzipBytes>>20, err)
	}
	t.Logf("refused %d-byte archive: %v", st.Size(), fe)
}

func TestDetectFormat(t *testing.T) {
	tests := []struct {
		path, head, want string
	}{
		{"a.csv", "title,x", FormatCSV},
		{"a.jsonl", "{", FormatJSONL},
		{"a.xlsx", "PK\x03\x04", FormatXLSX},
		{"a.csv", "PK\x03\x04", FormatXLSX}, // content wins
		{"noext", "  {\"a\":1}", FormatJSONL},
		{"noext", "a,b", FormatCSV},
	}
	for _, tc := range tests {
		got, err := detectFormat(tc.path, []byte(tc.head))
		if err != nil || got != tc.want {
			t.Errorf("detectFormat(%q, %q) = %q, %v; want %q", tc.path, tc.head, got, err, tc.want)
		}
	}
	if !utf8.ValidString(ErrEncoding.Error()) || !bytes.Contains([]byte(ErrEncoding.Error()), []byte("无法识别文件编码")) {
		t.Error("encoding refusal must be a readable Chinese message")
	}
}

func TestMappingJoinValidated(t *testing.T) {
	m, err := ParseMapping([]byte(`{"join":{"salry":"-"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Validate(EntityPosts); err == nil || !strings.Contains(err.Error(), "join") || !strings.Contains(err.Error(), "salry") {
		t.Errorf("a join naming an unknown column must be refused naming it: %v", err)
	}
}
