package ingest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// readJSONL reads JSON Lines into t: one object a line, its names mapped
// to canonical columns like a CSV header.
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
