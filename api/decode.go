package api

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

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

// decodeStrict decodes one JSON value from b into v with
// github.com/go-json-experiment/json (the implementation behind Go's
// encoding/json/v2), which does in one linear pass what a hand-written
// token walk beside encoding/json did before: it refuses duplicate names
// (also inside values kept raw, such as the profile), unknown fields,
// names that differ from a field's only in case (v1 matched them
// case-insensitively, so {"source":…,"Source":…} was two spellings of one
// field), wrong types and trailing data, each a 400 naming the field, and
// it bounds nesting (10,000 levels, its own limit). The hand-written walk
// kept a dotted path per level and cost time and memory quadratic in the
// depth (a 600 KB body of nested objects ran 97 s and took 10.5 GB); this
// costs time linear in the body and memory linear in the depth
// (TestDecodeBounded measures both).
func decodeStrict(b []byte, v any) error {
	if err := jsonv2.Unmarshal(b, v, jsonv2.RejectUnknownMembers(true)); err != nil {
		return jsonError(err)
	}
	return nil
}

// readInput reads a JSON body of at most Config.MaxBody into v with
// decodeInput: the preamble of every handler that takes a body.
func (s *Server) readInput(w http.ResponseWriter, r *http.Request, v any, managed ...string) error {
	b, err := readBody(w, r, s.cfg.MaxBody)
	if err != nil {
		return err
	}
	return decodeInput(b, v, managed...)
}

// decodeInput is decodeStrict for a record the caller writes: a field the
// server keeps (managed: an update time, a count, a link it makes) is
// refused by name, saying so, rather than as an unknown field.
func decodeInput(b []byte, v any, managed ...string) error {
	err := decodeStrict(b, v)
	if me, ok := err.(*matcher.Error); ok && strings.HasPrefix(me.MessageEN, "unknown field") &&
		slices.Contains(managed, me.Field[strings.LastIndex(me.Field, ".")+1:]) {
		return errManaged(me.Field)
	}
	return err
}

// errManaged refuses a server-managed field sent as input.
func errManaged(field string) *matcher.Error {
	return invalidField(field, "字段 %s 由服务器维护，不能写入", "field %s is kept by the server and cannot be written", field)
}

// jsonError turns the decoder's errors into a 400 naming the field.
func jsonError(err error) error {
	var me *matcher.Error
	if errors.As(err, &me) {
		return me // an UnmarshalJSON method's own error
	}
	var se *jsonv2.SemanticError
	var syn *jsontext.SyntacticError
	switch {
	case errors.As(err, &se):
		field := fieldOf(se.JSONPointer)
		switch {
		case errors.Is(se.Err, jsonv2.ErrUnknownName):
			return invalidField(field, "未知字段：%s", "unknown field %q", clip(field))
		case se.GoType != nil:
			return invalidField(field, "字段 %s 的类型错误：应为 %s，实际为 %s", "field %s has the wrong type: want %s, got %s",
				field, jsonType(se.GoType.Kind().String()), jsonKind(se.JSONKind))
		}
		return invalidField(field, "字段 %s 的值无效", "field %s has an invalid value", field)
	case errors.As(err, &syn):
		if errors.Is(syn.Err, jsontext.ErrDuplicateName) {
			field := fieldOf(syn.JSONPointer)
			return invalidField(field, "重复的字段：%s", "duplicate key %q", clip(field))
		}
		if errors.Is(syn.Err, io.ErrUnexpectedEOF) {
			return matcher.Errorf(matcher.EINVALID, "JSON 不完整", "truncated JSON")
		}
		return matcher.Errorf(matcher.EINVALID, "JSON 语法错误（第 %d 字节）", "malformed JSON at byte %d", syn.ByteOffset)
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return matcher.Errorf(matcher.EINVALID, "JSON 不完整", "truncated JSON")
	}
	return matcher.Errorf(matcher.EINVALID, "无法解析 JSON", "could not parse the JSON body")
}

// fieldOf names the member a JSON pointer points at the way the API's
// errors name fields: "/profile/major" is "profile.major", "/posts/3/title"
// is "posts[3].title"; the body itself is "(body)".
func fieldOf(p jsontext.Pointer) string {
	var b strings.Builder
	for tok := range p.Tokens() {
		if tok != "" && strings.Trim(tok, "0123456789") == "" && b.Len() > 0 {
			b.WriteString("[" + tok + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(tok)
	}
	if b.Len() == 0 {
		return "(body)"
	}
	return b.String()
}

func jsonType(kind string) string {
	switch kind {
	case "int", "int64", "int32", "int8", "int16", "float64", "float32", "uint", "uint64", "uint32", "uint16", "uint8":
		return "number"
	case "slice", "array":
		return "array"
	case "struct", "map":
		return "object"
	case "ptr":
		return "value"
	}
	return kind
}

func jsonKind(k jsontext.Kind) string {
	switch k {
	case '"':
		return "string"
	case '0':
		return "number"
	case 't', 'f':
		return "bool"
	case 'n':
		return "null"
	case '{':
		return "object"
	case '[':
		return "array"
	}
	return "value"
}
