package ingest

import (
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// readXLSX reads the sheets of an XLSX workbook the mapping wants into one
// Table, each sheet with its own header row.
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
