package extract

import "strings"

// literalSet finds any of a list of literal strings in a text in one pass,
// exactly as a regexp alternation of them (`a|b|c`) and strings.Index of
// each do: leftmost-first, the leftmost position where one of them starts
// and there the first of the list that matches. Post text is mostly Chinese,
// whose UTF-8 lead bytes are few, so strings.Index's first-byte search
// stopped at nearly every character, once per literal, and the regexp
// engine backtracked through every alternative at every position: the
// requirement extraction spent about a third of its time there. The set
// tests the first two bytes of each position against a bit set of the
// literals' first two bytes, and only then compares.
type literalSet struct {
	pats  []string
	two   [1 << 16 / 64]uint64 // the literals' first two bytes
	first [256][]int           // literals by first byte, in list order
}

// newLiterals builds the set; every literal must be at least two bytes long
// (each Chinese character is three).
func newLiterals(pats ...string) *literalSet {
	l := &literalSet{pats: pats}
	for k, p := range pats {
		if len(p) < 2 {
			panic("extract: a literal of fewer than two bytes: " + p)
		}
		key := uint16(p[0])<<8 | uint16(p[1])
		l.two[key/64] |= 1 << (key % 64)
		l.first[p[0]] = append(l.first[p[0]], k)
	}
	return l
}

// at returns the first literal of the list that starts at text[i:], or -1;
// i+1 < len(text).
func (l *literalSet) at(text string, i int) int {
	key := uint16(text[i])<<8 | uint16(text[i+1])
	if l.two[key/64]&(1<<(key%64)) == 0 {
		return -1
	}
	for _, k := range l.first[text[i]] {
		if strings.HasPrefix(text[i:], l.pats[k]) {
			return k
		}
	}
	return -1
}

// find returns the leftmost match at or after from: its start and the
// literal's index, or -1, -1.
func (l *literalSet) find(text string, from int) (start, k int) {
	for i := from; i+1 < len(text); i++ {
		if k := l.at(text, i); k >= 0 {
			return i, k
		}
	}
	return -1, -1
}

// index is the leftmost match's start, or -1: the smallest strings.Index
// of the literals.
func (l *literalSet) index(text string) int {
	i, _ := l.find(text, 0)
	return i
}

// contains reports whether text holds any of the literals.
func (l *literalSet) contains(text string) bool { return l.index(text) >= 0 }

// findString is regexp.FindString of the alternation.
func (l *literalSet) findString(text string) string {
	i, k := l.find(text, 0)
	if i < 0 {
		return ""
	}
	return text[i : i+len(l.pats[k])]
}

// findAllIndex is regexp.FindAllStringIndex(text, -1) of the alternation:
// successive leftmost-first matches, each searched after the previous one.
func (l *literalSet) findAllIndex(text string) [][2]int {
	var out [][2]int
	for from := 0; ; {
		i, k := l.find(text, from)
		if i < 0 {
			return out
		}
		end := i + len(l.pats[k])
		out = append(out, [2]int{i, end})
		from = end
	}
}

// firsts is strings.Index(text, lit) for every literal of the list, in
// one pass.
func (l *literalSet) firsts(text string) []int {
	out := make([]int, len(l.pats))
	for k := range out {
		out[k] = -1
	}
	left := len(out)
	for i := 0; i+1 < len(text) && left > 0; i++ {
		key := uint16(text[i])<<8 | uint16(text[i+1])
		if l.two[key/64]&(1<<(key%64)) == 0 {
			continue
		}
		for _, k := range l.first[text[i]] {
			if out[k] < 0 && strings.HasPrefix(text[i:], l.pats[k]) {
				out[k] = i
				left--
			}
		}
	}
	return out
}
