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

// ErrNotFound is returned by stores for a missing record.
func ErrNotFound(what, id string) *Error {
	return &Error{Code: ENOTFOUND, Message: fmt.Sprintf("找不到%s：%s", what, id), MessageEN: fmt.Sprintf("%s %q not found", what, id)}
}
