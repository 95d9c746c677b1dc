package api

import "strings"

// Canonical IDs. An ID the API is asked to store — a graduate created
// over the API, a post written by a portal, a feedback event, a portal's
// opaque graduate_id — must be canonical, so that no ID holds a
// zero-width or right-to-left character, a space, markup or a homoglyph
// that shows as another record's ID:
//
//   - graduate IDs, feedback IDs and portals' graduate_ids: 1–64
//     characters of A–Z, a–z, 0–9, '.', '_' and '-', starting with a
//     letter or a digit;
//   - post IDs: source ":" external ID, the source 1–64 of a–z, 0–9, '.',
//     '_' and '-' (sources are lower case), the external ID 1–128 of A–Z,
//     a–z, 0–9, '.', '_', '-' and '~', starting with a letter or a digit.
//
// Reads are not held to this: a record imported from a file keeps the ID
// it came with, and an ID that names nothing is a 404 whatever it holds.

const (
	maxCanonicalID  = 64
	maxCanonicalExt = 128
)

func canonicalChars(s string, max int, extra string) bool {
	if s == "" || len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		alnum := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
		if i == 0 && !alnum {
			return false
		}
		if !alnum && !strings.ContainsRune(extra, rune(c)) {
			return false
		}
	}
	return true
}

// canonicalID reports whether id is a canonical graduate or feedback ID.
func canonicalID(id string) bool { return canonicalChars(id, maxCanonicalID, "._-") }

// canonicalExternalID reports whether ext is a canonical external post ID.
func canonicalExternalID(ext string) bool { return canonicalChars(ext, maxCanonicalExt, "._-~") }

// canonicalIDRule is the rule in the words of the 400s that refuse an ID.
const (
	canonicalIDRuleZH = "1–64 个字符，仅限字母、数字、.、_、-，以字母或数字开头"
	canonicalIDRuleEN = "1–64 characters of letters, digits, '.', '_' and '-', starting with a letter or a digit"
)
