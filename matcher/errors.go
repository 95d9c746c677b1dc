package matcher

import (
	"errors"
	"fmt"
)

// Error codes. Each maps to one HTTP status in package api, in one place.
const (
	ECONFLICT     = "conflict"
	EINTERNAL     = "internal"
	EINVALID      = "invalid"
	ENOTFOUND     = "not_found"
	EUNAUTHORIZED = "unauthorized"
	EFORBIDDEN    = "forbidden"
	ETOOMANY      = "too_many_requests"
	EUNAVAILABLE  = "unavailable"
	// EGONE: the record existed and was deliberately deleted (a run's
	// lists pruned by the retention policy), as opposed to never existing.
	EGONE = "gone"
)

// Error is an error a user can act on: a code for programs and a message for
// people (Chinese first, English after, in Message and MessageEN).
type Error struct {
	Code      string
	Message   string // 中文
	MessageEN string
	Field     string // the offending field, when there is one
}

func (e *Error) Error() string {
	if e.MessageEN != "" {
		return fmt.Sprintf("%s: %s (%s)", e.Code, e.MessageEN, e.Message)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Errorf returns an *Error with code and a Chinese and English message.
func Errorf(code, zh, en string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(zh, args...), MessageEN: fmt.Sprintf(en, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL
// for any other error and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// notFoundEN names in English the records ErrNotFound is given in Chinese,
// so the English message is English throughout.
var notFoundEN = map[string]string{
	"岗位":       "post",
	"课程":       "course",
	"毕业生":      "graduate",
	"密钥":       "API key",
	"导入任务":     "import job",
	"导入记录":     "import report",
	"推荐批次":     "batch run",
	"已发布的推荐批次": "published batch run",
}

// ErrNotFound is returned by stores for a missing record; what names the
// kind of record in Chinese (岗位, 毕业生 …).
func ErrNotFound(what, id string) *Error {
	en, ok := notFoundEN[what]
	if !ok {
		en = "record"
	}
	if id == "" {
		return &Error{Code: ENOTFOUND, Message: fmt.Sprintf("找不到%s", what), MessageEN: fmt.Sprintf("%s not found", en)}
	}
	return &Error{Code: ENOTFOUND, Message: fmt.Sprintf("找不到%s：%s", what, id), MessageEN: fmt.Sprintf("%s %q not found", en, id)}
}
