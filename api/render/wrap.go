package render

import (
	"strings"
	"unicode/utf8"
)

// noLineStart are the characters a line may not start with (the closing
// punctuation of Chinese typesetting, 避头点): a line that would start
// with one takes the previous character along.
const noLineStart = "，。、；：？！）》」』】〕”’·…—,.;:?!)]}%"

// noLineEnd are the characters a line may not end with (opening
// punctuation, 避尾点).
const noLineEnd = "（《「『【〔“‘([{"

// Wrap breaks text into lines no wider than max, a line's width being the
// sum of its characters' advances (width of each rune; invalid UTF-8 is
// measured as U+FFFD, a byte each):
// at every newline, then greedily by character (Chinese has no spaces to
// break at), at the last space of a run of Latin text when there is one,
// keeping closing punctuation off the start of a line and opening
// punctuation off its end. Joined, the lines are text without its
// newlines. A line is wider than max only when it is one character that
// does not fit alone.
func Wrap(text string, max float64, width func(rune) float64) []string {
	var out []string
	for para := range strings.SplitSeq(text, "\n") {
		out = append(out, wrapPara(para, max, width)...)
	}
	return out
}

// wrapPara wraps one paragraph (no newlines).
func wrapPara(s string, max float64, width func(rune) float64) []string {
	if s == "" {
		return []string{""}
	}
	var out []string
	for s != "" {
		n := fit(s, max, width)
		if n < len(s) {
			n = adjust(s, n)
		}
		out = append(out, s[:n])
		s = s[n:]
	}
	return out
}

// fit is the byte length of the longest prefix of s (at least one
// character) no wider than max. It adds the characters' advances as it
// goes, so a paragraph is measured once, not once per prefix.
func fit(s string, max float64, width func(rune) float64) int {
	r, n := utf8.DecodeRuneInString(s)
	w := width(r)
	for n < len(s) {
		r, size := utf8.DecodeRuneInString(s[n:])
		if w += width(r); w > max {
			break
		}
		n += size
	}
	return n
}

// adjust moves a break at n (0 < n < len(s)) to a better place: before a
// Latin word rather than inside it, and so that the next line does not
// start with closing punctuation nor this one end with opening
// punctuation. It never returns less than one character.
func adjust(s string, n int) int {
	next, _ := utf8.DecodeRuneInString(s[n:])
	prev, _ := utf8.DecodeLastRuneInString(s[:n])
	if isWordRune(prev) && isWordRune(next) {
		if sp := strings.LastIndexByte(s[:n], ' '); sp > 0 {
			return sp + 1
		}
	}
	for range 2 {
		next, _ = utf8.DecodeRuneInString(s[n:])
		prev, size := utf8.DecodeLastRuneInString(s[:n])
		if !strings.ContainsRune(noLineStart, next) && !strings.ContainsRune(noLineEnd, prev) {
			break
		}
		if n-size <= 0 {
			break
		}
		n -= size
	}
	return n
}

// isWordRune: a letter or digit of Latin script, which a line should not
// break inside.
func isWordRune(r rune) bool {
	return r < 0x80 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
}
