package ingest

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/urumqi-hrss/jobmatch/ingest/convert"
	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/xuri/excelize/v2"
)

// Limits that protect the process from hostile or broken files.
const (
	// MaxCellBytes is the largest cell accepted; a bigger one almost always
	// means a broken quote swallowed the rest of the file.
	MaxCellBytes = 64 << 10
	// MaxTextFileBytes bounds CSV and JSON Lines files, which are read whole.
	MaxTextFileBytes = 512 << 20
	// headerSearchRows is how far down a sheet the header row may be.
	headerSearchRows = 30
)

// xlsx unzip limits against zip bombs: the whole archive, and each part
// kept in memory. Variables so a test can trip them with a small file.
var (
	maxUnzipBytes    int64 = 1 << 30
	maxUnzipXMLBytes int64 = 64 << 20
)

// File formats.
const (
	FormatCSV   = "csv"
	FormatJSONL = "jsonl"
	FormatXLSX  = "xlsx"
)

// Row is one data row of an input file, with its columns already mapped to
// canonical names. It is the converter's type (package convert, which
// builds records from rows without reading files); the readers here fill it.
type Row = convert.Row

// Table is a file read completely: its rows, the rows that could not even be
// read (bad JSON line, stray quote), and what was learnt about the file.
type Table struct {
	File      string
	Format    string
	Encoding  string
	Rows      []Row
	RowErrors []matcher.RowError
	// Unknown lists source headers that mapped to no column (ignored).
	Unknown []string
}

// FileError is a whole-file refusal: nothing from the file is imported.
type FileError struct {
	File   string
	Line   int // 0 when the problem is not at one line
	Sheet  string
	Reason string
	Err    error
}

func (e *FileError) Error() string {
	loc := e.File
	if e.Sheet != "" {
		loc += " [" + e.Sheet + "]"
	}
	if e.Line > 0 {
		loc += fmt.Sprintf(" line %d", e.Line)
	}
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", loc, e.Reason, e.Err)
	}
	return loc + ": " + e.Reason
}

func (e *FileError) Unwrap() error { return e.Err }

// RowError returns the refusal as the report line for the file.
func (e *FileError) RowError() matcher.RowError {
	reason := "整个文件被拒绝：" + e.Reason
	if e.Err != nil && !strings.Contains(reason, e.Err.Error()) {
		reason += "（" + e.Err.Error() + "）"
	}
	if e.Line > 0 {
		reason += fmt.Sprintf("，位于第 %d 行", e.Line)
	}
	return matcher.RowError{File: e.File, Sheet: e.Sheet, Line: 0, Reason: reason}
}

// ReadFile reads a whole CSV, JSON Lines or XLSX file of entity rows. A
// returned error is a *FileError (the file is refused whole) or an I/O error.
func ReadFile(path, entity string, m *Mapping) (*Table, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &FileError{File: path, Reason: "无法打开文件", Err: err}
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, &FileError{File: path, Reason: "无法读取文件", Err: err}
	}
	if st.IsDir() {
		return nil, &FileError{File: path, Reason: "这是一个目录，不是文件"}
	}
	head := make([]byte, 8)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, &FileError{File: path, Reason: "无法读取文件", Err: err}
	}
	if isGzip(head) {
		b, err := gunzip(path, f)
		if err != nil {
			return nil, err
		}
		return ReadBytes(path, "", b, entity, m)
	}
	format, err := detectFormat(path, head)
	if err != nil {
		return nil, &FileError{File: path, Reason: err.Error()}
	}
	if format == FormatXLSX {
		return readXLSX(path, f, st.Size(), entity, m)
	}
	if st.Size() > MaxTextFileBytes {
		return nil, &FileError{File: path, Reason: fmt.Sprintf("文件过大（%d 字节，上限 %d）", st.Size(), MaxTextFileBytes)}
	}
	b, err := io.ReadAll(io.LimitReader(f, MaxTextFileBytes+1))
	if err != nil {
		return nil, &FileError{File: path, Reason: "读取文件失败", Err: err}
	}
	return ReadBytes(path, format, b, entity, m)
}

// ReadBytes parses the content of a CSV or JSON Lines file (format
// FormatCSV or FormatJSONL; "" sniffs the content).
//
// A gzip'd file (recognised by its magic bytes, whatever format says) is
// decompressed first and its content read as the file named without
// ".gz": portals and scrapers publish big CSV exports compressed.
func ReadBytes(name, format string, b []byte, entity string, m *Mapping) (*Table, error) {
	hint := "" // the name the format is detected from: none, content only
	if isGzip(b) {
		var err error
		if b, err = gunzip(name, bytes.NewReader(b)); err != nil {
			return nil, err
		}
		format, hint = "", gzInnerName(name)
	}
	if format == "" {
		var err error
		if format, err = detectFormat(hint, b); err != nil {
			return nil, &FileError{File: name, Reason: err.Error()}
		}
	}
	if format == FormatXLSX {
		return readXLSX(name, bytes.NewReader(b), int64(len(b)), entity, m)
	}
	text, enc, err := DecodeText(b)
	if err != nil {
		return nil, &FileError{File: name, Reason: "文件编码无法识别", Err: err}
	}
	t := &Table{File: name, Format: format, Encoding: enc}
	switch format {
	case FormatJSONL:
		err = readJSONL(t, text, entity, m)
	default:
		err = readCSV(t, text, entity, m)
	}
	if err != nil {
		return nil, err
	}
	return t, nil
}

// detectFormat decides by content first where content is unambiguous (zip,
// OLE), then by extension, then by the first non-blank byte.
func detectFormat(path string, head []byte) (string, error) {
	ext := strings.ToLower(filepath.Ext(path))
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return FormatXLSX, nil
	case bytes.HasPrefix(head, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		return "", errors.New("这是旧版 Excel（.xls）文件，请在 Excel 中另存为 .xlsx 或 CSV（UTF-8）: legacy .xls is not supported")
	}
	switch ext {
	case ".xlsx", ".xlsm", ".xltx":
		return "", fmt.Errorf("文件扩展名是 %s 但内容不是电子表格（不是 zip 格式）: not a spreadsheet", ext)
	case ".xls":
		return "", errors.New("这是旧版 Excel（.xls）文件，请另存为 .xlsx 或 CSV（UTF-8）: legacy .xls is not supported")
	case ".jsonl", ".ndjson", ".json":
		return FormatJSONL, nil
	case ".csv", ".tsv", ".txt":
		return FormatCSV, nil
	}
	trimmed := bytes.TrimLeft(bytes.TrimPrefix(head, []byte{0xEF, 0xBB, 0xBF}), " \t\r\n")
	if len(trimmed) > 0 && trimmed[0] == '{' {
		return FormatJSONL, nil
	}
	return FormatCSV, nil
}

// rowBuilder turns raw cells into Rows for one table (a file or a sheet).
type rowBuilder struct {
	t       *Table
	sheet   string
	entity  string
	m       *Mapping
	cm      *columnMap
	cols    []string // canonical column per cell index, once the header is found
	unknown map[string]bool
}

func newRowBuilder(t *Table, sheet, entity string, m *Mapping) *rowBuilder {
	return &rowBuilder{t: t, sheet: sheet, entity: entity, m: m, cm: newColumnMap(entity, m, sheet), unknown: map[string]bool{}}
}

// tryHeader takes cells as the header row when at least two of them map to
// known columns (one is too easily a coincidence in a title row such as
// "岗位信息表").
func (b *rowBuilder) tryHeader(cells []string) bool {
	cols, known, unknown := b.cm.resolve(cells)
	if known < 2 {
		return false
	}
	b.cols = cols
	for _, u := range unknown {
		b.unknown[u] = true
	}
	return true
}

func (b *rowBuilder) build(cells []string, line int) (Row, bool) {
	vals := make(map[string]string, len(b.cols))
	empty := true
	for i, c := range cells {
		if strings.TrimSpace(c) != "" {
			empty = false
		}
		if i >= len(b.cols) || b.cols[i] == "" {
			continue
		}
		col := b.cols[i]
		v := cleanValue(b.m, col, c)
		if v == "" {
			continue
		}
		if old, ok := vals[col]; ok {
			if sep, ok := b.m.joinSep(col); ok {
				vals[col] = old + sep + v
			} else if concatColumns[col] {
				vals[col] = old + "\n" + v
			}
			continue // first non-empty value wins (duplicate header columns)
		}
		vals[col] = v
	}
	if empty {
		return Row{}, false
	}
	applyDefaults(b.m, vals)
	r := Row{File: b.t.File, Sheet: b.sheet, Line: line, Values: vals}
	if b.m != nil {
		r.Optional = b.m.optional
	}
	return r, true
}

func (b *rowBuilder) finish() {
	seen := map[string]bool{}
	for _, u := range b.t.Unknown {
		seen[u] = true
	}
	var add []string
	for u := range b.unknown {
		if !seen[u] {
			add = append(add, u)
		}
	}
	sort.Strings(add)
	b.t.Unknown = append(b.t.Unknown, add...)
}

// cleanValue applies the mapping's clean and discard rules to one value.
func cleanValue(m *Mapping, col, v string) string {
	v = strings.TrimSpace(v)
	if m == nil || v == "" {
		return v
	}
	for _, re := range m.clean[col] {
		v = re.ReplaceAllString(v, "")
	}
	v = strings.TrimSpace(v)
	if re := m.discard[col]; re != nil && re.MatchString(v) {
		return ""
	}
	return v
}

func applyDefaults(m *Mapping, vals map[string]string) {
	if m == nil {
		return
	}
	for col, def := range m.Defaults {
		if vals[col] == "" && def != "" {
			vals[col] = def
		}
	}
}

func oversized(file, sheet string, line int) *FileError {
	return &FileError{File: file, Sheet: sheet, Line: line,
		Reason: fmt.Sprintf("单元格过大（超过 %d KiB，通常是引号未闭合）: oversized cell at line %d", MaxCellBytes>>10, line)}
}

func noHeader(file, sheet, entity string) *FileError {
	return &FileError{File: file, Sheet: sheet,
		Reason: fmt.Sprintf("找不到表头：前 %d 行中没有一行包含至少两个可识别的列名（%s 的标准列：%s），请检查文件或用 --map 指定列映射",
			headerSearchRows, entity, strings.Join(canonicalColumns[entity], ", "))}
}

func readCSV(t *Table, text []byte, entity string, m *Mapping) error {
	r := csv.NewReader(bytes.NewReader(text))
	r.FieldsPerRecord = -1
	r.LazyQuotes = false
	r.Comma = sniffDelimiter(text)
	b := newRowBuilder(t, "", entity, m)
	skip := m.skipRows()
	for rec := 0; ; rec++ {
		cells, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrBareQuote) {
				// A stray quote inside an unquoted field spoils that line
				// only; the reader resumes on the next one.
				if b.cols != nil {
					t.RowErrors = append(t.RowErrors, matcher.RowError{File: t.File, Line: pe.StartLine,
						Reason: fmt.Sprintf("第 %d 列有多余的英文双引号（\"），含引号的字段必须整体用双引号括起并把引号写成两个（\"\"）", pe.Column)})
				}
				continue
			}
			if errors.As(err, &pe) {
				return &FileError{File: t.File, Line: pe.StartLine,
					Reason: fmt.Sprintf("CSV 引号不匹配（从第 %d 行开始的字段的双引号没有正确闭合，直到第 %d 行）: unterminated or misplaced quote", pe.StartLine, pe.Line), Err: pe.Err}
			}
			return &FileError{File: t.File, Reason: "CSV 解析失败", Err: err}
		}
		line, _ := r.FieldPos(0) // only valid for a record read without error
		for _, c := range cells {
			if len(c) > MaxCellBytes {
				return oversized(t.File, "", line)
			}
		}
		if rec < skip {
			continue
		}
		if b.cols == nil {
			if rec-skip >= headerSearchRows {
				return noHeader(t.File, "", entity)
			}
			b.tryHeader(cells)
			continue
		}
		if row, ok := b.build(cells, line); ok {
			t.Rows = append(t.Rows, row)
		}
	}
	if b.cols == nil {
		if len(bytes.TrimSpace(text)) == 0 {
			return &FileError{File: t.File, Reason: "文件是空的"}
		}
		return noHeader(t.File, "", entity)
	}
	b.finish()
	return nil
}

// sniffDelimiter picks tab for a tab-separated export (first line has tabs
// and no commas), comma otherwise.
func sniffDelimiter(text []byte) rune {
	first := text
	if i := bytes.IndexByte(text, '\n'); i >= 0 {
		first = text[:i]
	}
	if bytes.Count(first, []byte{'\t'}) > 0 && !bytes.ContainsAny(first, ",") {
		return '\t'
	}
	return ','
}

func readJSONL(t *Table, text []byte, entity string, m *Mapping) error {
	cm := newColumnMap(entity, m, "")
	b := newRowBuilder(t, "", entity, m)
	unknown := map[string]bool{}
	lines := bytes.Split(text, []byte{'\n'})
	for i, raw := range lines {
		line := i + 1
		raw = bytes.TrimSpace(raw)
		if len(raw) == 0 || line <= m.skipRows() {
			continue
		}
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			t.RowErrors = append(t.RowErrors, matcher.RowError{File: t.File, Line: line,
				Reason: "这一行不是合法的 JSON：每行必须是一个 JSON 对象，如 {\"title\": \"会计\"} (each line must be a JSON object): " + jsonErrText(err)})
			continue
		}
		if dec.More() {
			t.RowErrors = append(t.RowErrors, matcher.RowError{File: t.File, Line: line,
				Reason: "这一行在 JSON 对象之后还有多余内容：每行只能有一个 JSON 对象 (each line must be exactly one JSON object)"})
			continue
		}
		obj, ok := v.(map[string]any)
		if !ok {
			t.RowErrors = append(t.RowErrors, matcher.RowError{File: t.File, Line: line,
				Reason: fmt.Sprintf("这一行是%s，不是 JSON 对象：每行必须是一个 JSON 对象，如 {\"title\": \"会计\"} (each line must be a JSON object, not %s)",
					jsonKind(v), jsonKindEN(v))})
			continue
		}
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys) // deterministic description concatenation order
		cells := make([]string, len(keys))
		var bad *matcher.RowError
		for j, k := range keys {
			s, err := jsonScalar(obj[k])
			if err != nil {
				bad = &matcher.RowError{File: t.File, Line: line, Column: k, Reason: err.Error()}
				break
			}
			if len(s) > MaxCellBytes {
				return oversized(t.File, "", line)
			}
			cells[j] = s
		}
		if bad != nil {
			t.RowErrors = append(t.RowErrors, *bad)
			continue
		}
		cols, _, unk := cm.resolve(keys)
		for _, u := range unk {
			unknown[u] = true
		}
		b.cols = cols
		if row, ok := b.build(cells, line); ok {
			t.Rows = append(t.Rows, row)
		}
	}
	for u := range unknown {
		b.unknown[u] = true
	}
	b.finish()
	return nil
}

// jsonKind names, in Chinese, a JSON value that is not an object.
func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return " null"
	case []any:
		return "一个 JSON 数组"
	case string:
		return "一个 JSON 字符串"
	case json.Number:
		return "一个数字"
	case bool:
		return " true/false"
	}
	return "其他 JSON 值"
}

func jsonKindEN(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case []any:
		return "an array"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	}
	return "another JSON value"
}

func jsonErrText(err error) string {
	s := err.Error()
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

// jsonScalar renders a JSON value as a cell: strings as is, numbers as
// written, booleans as true/false, arrays of those joined with ';'.
func jsonScalar(v any) (string, error) {
	switch x := v.(type) {
	case nil:
		return "", nil
	case string:
		return x, nil
	case json.Number:
		return x.String(), nil
	case bool:
		return strconv.FormatBool(x), nil
	case []any:
		parts := make([]string, 0, len(x))
		for _, e := range x {
			if _, nested := e.([]any); nested {
				return "", errors.New("数组里不能再嵌套数组")
			}
			s, err := jsonScalar(e)
			if err != nil {
				return "", err
			}
			if s != "" {
				parts = append(parts, s)
			}
		}
		return strings.Join(parts, ";"), nil
	case map[string]any:
		return "", errors.New("值不能是嵌套的 JSON 对象，应为字符串、数字、true/false 或数组")
	}
	return "", fmt.Errorf("不支持的 JSON 值类型 %T", v)
}

func readXLSX(name string, r io.Reader, size int64, entity string, m *Mapping) (t *Table, err error) {
	// excelize is a large parser fed untrusted input; a panic inside it must
	// refuse the file, not kill the import.
	defer func() {
		if p := recover(); p != nil {
			t, err = nil, &FileError{File: name, Reason: fmt.Sprintf("电子表格无法解析（%v）: not a valid spreadsheet", p)}
		}
	}()
	f, err := excelize.OpenReader(r, excelize.Options{UnzipSizeLimit: maxUnzipBytes, UnzipXMLSizeLimit: maxUnzipXMLBytes})
	if err != nil {
		reason := "不是有效的 .xlsx 电子表格，或已损坏/加密: not a spreadsheet"
		if strings.Contains(err.Error(), "size exceeds") {
			reason = fmt.Sprintf("电子表格解压后超过 %d MiB，疑似压缩炸弹，已拒绝: zip bomb", maxUnzipBytes>>20)
		}
		return nil, &FileError{File: name, Reason: reason, Err: err}
	}
	defer f.Close()
	t = &Table{File: name, Format: FormatXLSX, Encoding: "xlsx"}
	read := 0
	for _, sheet := range f.GetSheetList() {
		if !m.wantSheet(sheet) {
			continue
		}
		ok, err := readSheet(t, f, sheet, entity, m)
		if err != nil {
			return nil, err
		}
		if ok {
			read++
		}
	}
	if read == 0 {
		return nil, noHeader(name, "", entity)
	}
	return t, nil
}

// readSheet reads one sheet; it reports false when the sheet has no data at
// all. A sheet with data but no recognisable header is reported as one row
// error covering the sheet, so the other sheets still import.
func readSheet(t *Table, f *excelize.File, sheet, entity string, m *Mapping) (bool, error) {
	rows, err := f.Rows(sheet)
	if err != nil {
		return false, &FileError{File: t.File, Sheet: sheet, Reason: "无法读取工作表", Err: err}
	}
	defer rows.Close()
	b := newRowBuilder(t, sheet, entity, m)
	skip := m.skipRows()
	line, data := 0, 0
	for rows.Next() {
		line++
		cells, err := rows.Columns()
		if err != nil {
			return false, &FileError{File: t.File, Sheet: sheet, Line: line, Reason: "工作表内容损坏", Err: err}
		}
		for _, c := range cells {
			if len(c) > MaxCellBytes {
				return false, oversized(t.File, sheet, line)
			}
		}
		if line <= skip || allBlank(cells) {
			continue
		}
		if b.cols == nil {
			data++
			if data > headerSearchRows {
				break
			}
			b.tryHeader(cells)
			continue
		}
		if row, ok := b.build(cells, line); ok {
			t.Rows = append(t.Rows, row)
		}
	}
	if err := rows.Error(); err != nil {
		return false, &FileError{File: t.File, Sheet: sheet, Line: line, Reason: "工作表内容损坏", Err: err}
	}
	if b.cols == nil {
		if data == 0 {
			return false, nil
		}
		fe := noHeader(t.File, sheet, entity)
		t.RowErrors = append(t.RowErrors, matcher.RowError{File: t.File, Sheet: sheet, Reason: "整个工作表被跳过：" + fe.Reason})
		return true, nil
	}
	b.finish()
	return true, nil
}

func allBlank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}
