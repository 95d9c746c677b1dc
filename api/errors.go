package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// Codes the API adds to matcher's: conditions that exist only at the HTTP
// boundary.
const (
	eTooLarge         = "too_large"
	eMethodNotAllowed = "method_not_allowed"
	eUnsupportedMedia = "unsupported_media_type"
)

// statusOf is THE mapping from error codes to HTTP statuses. Every error a
// handler returns goes through it; nothing else in the package picks a
// status for an error.
func statusOf(code string) int {
	switch code {
	case matcher.EINVALID:
		return http.StatusBadRequest
	case matcher.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case matcher.EFORBIDDEN:
		return http.StatusForbidden
	case matcher.ENOTFOUND:
		return http.StatusNotFound
	case matcher.ECONFLICT:
		return http.StatusConflict
	case matcher.EGONE:
		return http.StatusGone
	case matcher.ETOOMANY:
		return http.StatusTooManyRequests
	case matcher.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	case eTooLarge:
		return http.StatusRequestEntityTooLarge
	case eMethodNotAllowed:
		return http.StatusMethodNotAllowed
	case eUnsupportedMedia:
		return http.StatusUnsupportedMediaType
	default:
		return http.StatusInternalServerError
	}
}

// Problem is the body of every error response (RFC 9457,
// application/problem+json), with jobmatch's bilingual message added.
type Problem struct {
	Type      string `json:"type"`
	Title     string `json:"title"`
	Status    int    `json:"status"`
	Detail    string `json:"detail"`     // English, as RFC 9457 clients expect
	Code      string `json:"code"`       // matcher error code, for programs
	Message   string `json:"message"`    // 中文
	MessageEN string `json:"message_en"` // English
	Field     string `json:"field,omitempty"`
	RequestID string `json:"request_id,omitempty"`
}

// problemFor turns any error into the Problem a client sees. Errors that are
// not *matcher.Error are internal: their text (which may hold paths, SQL or
// worse) never reaches the client, only a generic message and the request
// id to quote to an operator.
func problemFor(err error) Problem {
	var me *matcher.Error
	if !errors.As(err, &me) {
		me = &matcher.Error{Code: matcher.EINTERNAL, Message: "服务器内部错误", MessageEN: "internal server error"}
	}
	code := me.Code
	status := statusOf(code)
	if status == http.StatusInternalServerError {
		// A coded internal error may still carry internal detail: hide it.
		code = matcher.EINTERNAL
		me = &matcher.Error{Code: code, Message: "服务器内部错误", MessageEN: "internal server error"}
	}
	en := me.MessageEN
	if en == "" {
		en = http.StatusText(status)
	}
	return Problem{
		Type:      "urn:jobmatch:error:" + code,
		Title:     http.StatusText(status),
		Status:    status,
		Detail:    en,
		Code:      code,
		Message:   me.Message,
		MessageEN: en,
		Field:     me.Field,
	}
}

// writeProblem writes err as application/problem+json.
func writeProblem(w http.ResponseWriter, r *http.Request, err error) {
	p := problemFor(err)
	if info := infoFrom(r); info != nil {
		p.RequestID = info.requestID
		info.err = err
	}
	h := w.Header()
	h.Set("Content-Type", "application/problem+json; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	if p.Status == http.StatusUnauthorized {
		h.Set("WWW-Authenticate", `Bearer realm="jobmatch"`)
	}
	w.WriteHeader(p.Status)
	b, _ := json.Marshal(p)
	w.Write(b)
}

// invalidField is the 400 for one bad field.
func invalidField(field, zh, en string, args ...any) *matcher.Error {
	e := matcher.Errorf(matcher.EINVALID, zh, en, args...)
	e.Field = field
	return e
}

func errUnauthorized(zh, en string) *matcher.Error {
	return &matcher.Error{Code: matcher.EUNAUTHORIZED, Message: zh, MessageEN: en}
}

func errForbidden() *matcher.Error {
	return matcher.Errorf(matcher.EFORBIDDEN, "此密钥的角色无权访问该接口", "this key's role may not use this endpoint")
}

// errHidden is the 404 for a record outside the caller's scope: the same
// answer as for a record that does not exist, so scope cannot be probed.
func errHidden(what, id string) *matcher.Error {
	en := map[string]string{"毕业生": "graduate", "岗位": "post", "密钥": "key"}[what]
	return &matcher.Error{Code: matcher.ENOTFOUND, Message: "找不到" + what + "：" + clip(id), MessageEN: fmt.Sprintf("%s %q not found", en, clip(id))}
}

// clip shortens a client-supplied value before it is echoed in a message.
func clip(s string) string {
	r := []rune(s)
	if len(r) > 64 {
		return string(r[:64]) + "…"
	}
	return s
}
