package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gorilla/mux"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

const (
	defaultLimit = 8
	maxLimit     = 100
	maxOffset    = 10000
	maxBatch     = 1000
	maxIDLen     = 200
	maxQueryText = 200
)

// writeJSON writes v as the JSON response body.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, err = w.Write(append(b, '\n'))
	return err
}

// query returns the request's query parameters after refusing what no
// handler should have to think about: parameters the route does not
// accept (a typo like ?chanel= must not silently widen a search), a
// parameter given twice, and values that are not valid UTF-8.
func query(r *http.Request, accepted []param) (url.Values, error) {
	v, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, matcher.Errorf(matcher.EINVALID, "查询字符串格式错误", "malformed query string")
	}
	for name, vals := range v {
		known := false
		for _, p := range accepted {
			if p.Name == name {
				known = true
			}
		}
		if !utf8.ValidString(name) {
			return nil, matcher.Errorf(matcher.EINVALID, "查询参数名不是有效的 UTF-8", "a query parameter name is not valid UTF-8")
		}
		if !known {
			return nil, invalidField(name, "不支持的查询参数：%s", "unknown query parameter %q", clip(name))
		}
		if len(vals) > 1 {
			return nil, invalidField(name, "查询参数 %s 重复", "query parameter %q given more than once", name)
		}
		if !utf8.ValidString(vals[0]) {
			return nil, invalidField(name, "查询参数 %s 不是有效的 UTF-8", "query parameter %q is not valid UTF-8", name)
		}
		if strings.ContainsFunc(vals[0], unicode.IsControl) {
			return nil, invalidField(name, "查询参数 %s 含控制字符", "query parameter %q contains control characters", name)
		}
	}
	return v, nil
}

// foldDigits turns full-width digits and signs (１２, －３) into ASCII:
// Chinese input methods produce them, and "１０" means 10.
func foldDigits(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '０' && r <= '９':
			return '0' + (r - '０')
		case r == '－':
			return '-'
		case r == '＋':
			return '+'
		}
		return r
	}, strings.TrimSpace(s))
}

// intParam reads an integer parameter: def when absent, a 400 below lo or
// when not a number, and clamped to hi above it (a client asking for a
// million items gets hi, not an error and not a million).
func intParam(v url.Values, name string, def, lo, hi int) (int, error) {
	raw := v.Get(name)
	if raw == "" {
		return def, nil
	}
	s := foldDigits(raw)
	n, err := strconv.Atoi(s)
	if err != nil {
		var ne *strconv.NumError
		if errors.As(err, &ne) && ne.Err == strconv.ErrRange {
			if strings.HasPrefix(s, "-") {
				return 0, invalidField(name, "%s 不能小于 %d", "%s must be at least %d", name, lo)
			}
			return hi, nil
		}
		return 0, invalidField(name, "%s 应为整数", "%s must be an integer", name)
	}
	if n < lo {
		return 0, invalidField(name, "%s 不能小于 %d", "%s must be at least %d", name, lo)
	}
	return min(n, hi), nil
}

// pathID returns the {id} path variable after checking it is a plausible
// id: short, valid UTF-8, without control characters or slashes. Anything
// else cannot name a record, so it is a 404 like any unknown id.
func pathID(r *http.Request, what string) (string, error) {
	id := mux.Vars(r)["id"]
	if id == "" || len(id) > maxIDLen || !utf8.ValidString(id) || strings.ContainsFunc(id, func(c rune) bool { return unicode.IsControl(c) || c == '/' || c == '\\' }) {
		return "", errHidden(what, id)
	}
	return id, nil
}

// splitPostID splits "source:external_id".
func splitPostID(id string) (source, ext string, ok bool) {
	source, ext, ok = strings.Cut(id, ":")
	return source, ext, ok && validSource(source) && validExternalID(ext)
}

func validExternalID(s string) bool {
	return s != "" && len(s) <= 128 && utf8.ValidString(s) && !strings.ContainsFunc(s, func(c rune) bool {
		return unicode.IsControl(c) || unicode.IsSpace(c) || c == '/' || c == '\\'
	})
}
