package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// readBody reads a JSON request body of at most max bytes. It refuses a
// body that is not JSON by Content-Type (415), too large (413) or not valid
// UTF-8 (400: encoding/json would silently turn bad bytes into U+FFFD and
// store them).
func readBody(w http.ResponseWriter, r *http.Request, max int64) ([]byte, error) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return nil, matcher.Errorf(eUnsupportedMedia, "请求体必须是 JSON（Content-Type: application/json）", "the request body must be JSON (Content-Type: application/json)")
		}
	} else {
		return nil, matcher.Errorf(eUnsupportedMedia, "缺少 Content-Type: application/json", "missing Content-Type: application/json")
	}
	if r.ContentLength > max {
		return nil, errTooLarge(max)
	}
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, max))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, errTooLarge(max)
		}
		return nil, matcher.Errorf(matcher.EINVALID, "读取请求体失败", "could not read the request body")
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, matcher.Errorf(matcher.EINVALID, "请求体为空", "the request body is empty")
	}
	if !utf8.Valid(b) {
		return nil, matcher.Errorf(matcher.EINVALID, "请求体不是有效的 UTF-8", "the request body is not valid UTF-8")
	}
	return b, nil
}

func errTooLarge(max int64) error {
	return matcher.Errorf(eTooLarge, "请求体超过 %d 字节", "the request body exceeds %d bytes", max)
}

// decodeStrict decodes one JSON value from b into v. Unknown fields, wrong
// types, duplicate keys and trailing data are all 400s naming the field:
// a typo in a field name must not silently drop the value.
func decodeStrict(b []byte, v any) error {
	if err := checkDuplicateKeys(b); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return matcher.Errorf(matcher.EINVALID, "JSON 值之后还有多余内容", "unexpected data after the JSON value")
	}
	return nil
}

// jsonError turns encoding/json's errors into a 400 naming the field.
func jsonError(err error) error {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &te):
		field := te.Field
		if field == "" {
			field = "(body)"
		}
		return invalidField(field, "字段 %s 的类型错误：应为 %s，实际为 %s", "field %s has the wrong type: want %s, got %s", field, jsonType(te.Type.Kind().String()), te.Value)
	case errors.As(err, &se):
		return matcher.Errorf(matcher.EINVALID, "JSON 语法错误（第 %d 字节）", "malformed JSON at byte %d", se.Offset)
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return matcher.Errorf(matcher.EINVALID, "JSON 不完整", "truncated JSON")
	}
	msg := err.Error()
	if f, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		f, _ = strconv.Unquote(f)
		return invalidField(f, "未知字段：%s", "unknown field %q", clip(f))
	}
	var me *matcher.Error
	if errors.As(err, &me) {
		return me
	}
	return matcher.Errorf(matcher.EINVALID, "无法解析 JSON", "could not parse the JSON body")
}

func jsonType(kind string) string {
	switch kind {
	case "int", "int64", "int32", "float64", "float32", "uint", "uint64":
		return "number"
	case "slice", "array":
		return "array"
	case "struct", "map":
		return "object"
	}
	return kind
}

// checkDuplicateKeys walks b token by token and refuses an object that
// names the same key twice. encoding/json keeps the last value, so
// {"source":"mine","source":"theirs"} could pass one check and write
// another; a duplicate is always a client bug or an attack.
func checkDuplicateKeys(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	type frame struct {
		object  bool
		keys    map[string]bool
		wantKey bool
		path    string
	}
	var stack []*frame
	path := func(k string) string {
		if len(stack) == 0 || stack[len(stack)-1].path == "" {
			return k
		}
		return stack[len(stack)-1].path + "." + k
	}
	lastKey := ""
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return jsonError(err)
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				p := ""
				if top != nil {
					if top.object {
						p = path(lastKey)
						top.wantKey = true
					} else {
						p = top.path
					}
				}
				stack = append(stack, &frame{object: t == '{', keys: map[string]bool{}, wantKey: t == '{', path: p})
			case '}', ']':
				stack = stack[:len(stack)-1]
			}
			continue
		}
		if top != nil && top.object {
			if top.wantKey {
				k, _ := tok.(string)
				if top.keys[k] {
					f := path(k)
					return invalidField(f, "重复的字段：%s", "duplicate key %q", clip(f))
				}
				top.keys[k] = true
				lastKey = k
				top.wantKey = false
			} else {
				top.wantKey = true
			}
		}
	}
}
