package api

import (
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/urumqi-hrss/jobmatch/ingest/normalize"
	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

// What the administrators' account routes (users.go) and key routes
// (keys.go) share: how a name is spelled, how a counselor's district is
// checked, and how a change is audited before it is answered.

// plainName reports whether s is min to 64 ASCII letters, digits, '.', '_'
// and '-': typed the same on every keyboard and safe in a URL path (user
// names, post sources).
func plainName(s string, min int) bool {
	if len(s) < min || len(s) > 64 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// plainText reports whether s, a name or a phone an account or a key is
// shown by (printed on handouts as the counselor, listed by `keys list`
// and `users list`, shown in the workspace), is at most max characters
// and holds no control or format character: no line break to forge a
// line of a listing, no bidirectional override or zero-width character
// to make one name read as another.
func plainText(s string, max int) bool {
	if utf8.RuneCountInString(s) > max {
		return false
	}
	for _, c := range s {
		if unicode.IsControl(c) || unicode.Is(unicode.Cf, c) {
			return false
		}
	}
	return true
}

// counselorDistrict is the district a counselor's account or key is scoped
// to: required, and one of Urumqi's eight divisions. zh and en name what
// is being made ("账号"/"account", "密钥"/"key").
func counselorDistrict(district, zh, en string) (string, error) {
	if strings.TrimSpace(district) == "" {
		return "", invalidField("district", "就业指导员"+zh+"需要指定乌鲁木齐的一个区（县）：%s", "a counselor "+en+" needs one of Urumqi's districts: %s", urumqiDistrictList())
	}
	d := normalize.District(district)
	if !catalog.IsUrumqiDistrict(d) {
		return "", invalidField("district", "「%s」不是乌鲁木齐的区（县），应为其中之一：%s", "%q is not one of Urumqi's districts: %s", clip(district), urumqiDistrictList())
	}
	return d, nil
}

// urumqiDistrictList names the eight divisions a counselor may serve.
func urumqiDistrictList() string {
	names := make([]string, len(catalog.UrumqiDistricts))
	for i, d := range catalog.UrumqiDistricts {
		names[i] = d.Name
	}
	return strings.Join(names, "、")
}

// viewsOf shows each stored record as its route does (without hashes).
func viewsOf[T, V any](records []T, view func(*T) V) []V {
	out := make([]V, len(records))
	for i := range records {
		out[i] = view(&records[i])
	}
	return out
}

// auditedJSON records an administrator's change in the audit log and only
// then answers with body: a change the log could not take is not reported
// as done.
func (s *Server) auditedJSON(w http.ResponseWriter, r *http.Request, action, detail string, status int, body any) error {
	if err := s.audit(r, action, detail, ""); err != nil {
		return err
	}
	return writeJSON(w, status, body)
}
