package ingest

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/urumqi-hrss/jobmatch/ingest/convert"
	"github.com/urumqi-hrss/jobmatch/matcher"
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

	// converted is Rows converted ahead (Convert), for convEntity.
	converted  *fileRecords
	convEntity string
}

// Convert converts the table's rows as an import of entity will, so that
// an Importer.Read that reads a file ahead can convert it ahead too: cmd's
// read-ahead does it while the segmenter's dictionary loads, where the
// conversion used to wait for that load with one core idle. An import of
// entity then starts from these records instead of converting the rows
// itself; they are the same records (convertFile). Rows must not change
// afterwards.
func (t *Table) Convert(entity string) {
	if _, ok := canonicalColumns[entity]; !ok {
		return // Import refuses the entity anyway
	}
	t.converted, t.convEntity = convertFile(entity, t.Rows), entity
}

// records is the table's rows converted for entity: the ones Convert made
// when it was for entity, else converted now.
// The records Convert made are handed out once: the import fills and marks
// them.
func (t *Table) records(entity string) *fileRecords {
	fr := t.converted
	t.converted = nil
	if fr != nil && t.convEntity == entity {
		return fr
	}
	return convertFile(entity, t.Rows)
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
	b, err := readAllSized(io.LimitReader(f, MaxTextFileBytes+1), st.Size())
	if err != nil {
		return nil, &FileError{File: path, Reason: "读取文件失败", Err: err}
	}
	return ReadBytes(path, format, b, entity, m)
}

// readAllSized is io.ReadAll with its buffer sized for the file's stated
// size up front, as os.ReadFile does: io.ReadAll grows from 512 bytes and
// copied a 15 MB export some twenty times. A file that grew meanwhile
// still reads whole.
func readAllSized(r io.Reader, size int64) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(int(max(size, 0)) + bytes.MinRead)
	_, err := buf.ReadFrom(r)
	return buf.Bytes(), err
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
