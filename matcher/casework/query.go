package casework

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// CaseQuery is a counselor's search of their caseload (GET
// /v1/graduates?q=): words that must all match. A word of four digits
// (the last may be X) is the end of a national ID (身份证号后四位); any
// other word matches a part of the name, the school or the major. The
// search runs in memory over the graduates the caller may see: nothing of
// it is indexed or logged.
type CaseQuery struct {
	Words []string // lower-case; all must match
	// IDTails are the ends of national IDs to match: four characters
	// (upper-case X) as typed; a caller whose view of the ID shows fewer
	// keeps only those (ShownTail), so the search tells nothing the view
	// hides.
	IDTails []string
}

// ShownTail keeps of each ID tail only its last n characters: what a
// masked view of the national ID shows. A counselor sees the last two
// (650102**********34); matching the two before them too would tell them
// which tail of four lists a graduate, the two digits the mask hides.
func (q *CaseQuery) ShownTail(n int) {
	for i, t := range q.IDTails {
		if len(t) > n {
			q.IDTails[i] = t[len(t)-n:]
		}
	}
}

// Query limits: a person types a few words.
const (
	maxQueryRunes = 64
	maxQueryWords = 6
)

// ParseCaseQuery reads a search as typed: words separated by spaces or
// commas (full-width ones too: the API folds widths before). An empty
// query is the zero CaseQuery, which matches everyone.
func ParseCaseQuery(s string) (CaseQuery, error) {
	var q CaseQuery
	if !utf8.ValidString(s) {
		return q, queryError("搜索内容不是有效的 UTF-8 文本", "the search is not valid UTF-8")
	}
	if n := utf8.RuneCountInString(s); n > maxQueryRunes {
		return q, queryError(fmt.Sprintf("搜索内容过长（%d 字，最多 %d 字）", n, maxQueryRunes), fmt.Sprintf("the search is too long (%d characters, at most %d)", n, maxQueryRunes))
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return q, queryError("搜索内容含有控制字符", "the search holds a control character")
		}
	}
	words := strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || r == ',' || r == '，' || r == '、' || r == ';' || r == '；'
	})
	if len(words) > maxQueryWords {
		return q, queryError(fmt.Sprintf("搜索词过多（%d 个，最多 %d 个）", len(words), maxQueryWords), fmt.Sprintf("too many words (%d, at most %d)", len(words), maxQueryWords))
	}
	for _, w := range words {
		if isIDTail(w) {
			q.IDTails = append(q.IDTails, strings.ToUpper(w))
			continue
		}
		q.Words = append(q.Words, strings.ToLower(w))
	}
	return q, nil
}

func queryError(zh, en string) error {
	return &matcher.Error{Code: matcher.EINVALID, Message: zh, MessageEN: en, Field: "q"}
}

// isIDTail: four characters, digits with perhaps an X last.
func isIDTail(w string) bool {
	if len(w) != 4 {
		return false
	}
	for i := 0; i < 4; i++ {
		c := w[i]
		if c >= '0' && c <= '9' || i == 3 && (c == 'x' || c == 'X') {
			continue
		}
		return false
	}
	return true
}

// Empty reports whether q matches everyone.
func (q CaseQuery) Empty() bool { return len(q.Words) == 0 && len(q.IDTails) == 0 }

// Match reports whether g matches every word of q.
func (q CaseQuery) Match(g *matcher.Graduate) bool {
	for _, t := range q.IDTails {
		if len(g.NationalID) < len(t) || !strings.EqualFold(g.NationalID[len(g.NationalID)-len(t):], t) {
			return false
		}
	}
	for _, w := range q.Words {
		if !containsFold(g.Name, w) && !containsFold(g.School, w) && !containsFold(g.Major, w) {
			return false
		}
	}
	return true
}

// containsFold is strings.Contains, ASCII case aside (names and schools
// are Chinese; a few majors have Latin letters).
func containsFold(s, lowerWord string) bool {
	if strings.Contains(s, lowerWord) {
		return true
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'A' <= c && c <= 'Z' {
			return strings.Contains(strings.ToLower(s), lowerWord)
		}
	}
	return false
}
