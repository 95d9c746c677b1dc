package occupation

import (
	"strings"
	"unicode/utf8"
)

// Cutter is the word segmenter: the project's gse segmenter
// (index.Segmenter) in production. Cut returns the words of text in
// order, whitespace dropped; Terms the index's terms of it (lower-cased,
// stop words dropped, the sub-words of each long word after it:
// 计算机软件工程技术人员 also gives 计算机, 软件, 工程 …). It must be safe
// for concurrent use (index.Segmenter is): New cuts on every core.
type Cutter interface {
	Cut(text string) []string
	Terms(text string) []string
}

// cutSegment cuts a title segment into words, with the recruiting phrases
// of noise as words of their own, so that a phrase cannot merge with the
// job it precedes (急招供配电工程师 is 急招|供配电|工程师, not 急|招供|配电|…).
func cutSegment(cut Cutter, seg string) []string {
	var out []string
	rest := seg
	for rest != "" {
		i, n := firstNoise(rest)
		if i < 0 {
			return append(out, cut.Cut(rest)...)
		}
		if i > 0 {
			out = append(out, cut.Cut(rest[:i])...)
		}
		out = append(out, rest[i:i+n])
		rest = rest[i+n:]
	}
	return out
}

// firstNoise finds the first (then longest) noise phrase in s.
func firstNoise(s string) (at, n int) {
	at = -1
	for _, p := range noise {
		if i := strings.Index(s, p); i >= 0 && (at < 0 || i < at || i == at && len(p) > n) {
			at, n = i, len(p)
		}
	}
	return at, n
}

// bounds are the word boundaries of one title segment: which byte offsets
// start and end a word of its segmentation, and which word each byte
// belongs to (-1 between words).
type bounds struct {
	text       string
	start, end []bool
	word       []int32
	runes      []int // per word
	from       []int // per word: the byte offset it starts at
}

// wordBounds aligns the words of cut(seg) with seg. A word the segmenter
// returns that cannot be found in order (it never should) ends the
// alignment: the rest of the segment then has no boundaries, and no key
// matches there.
func wordBounds(seg string, words []string) bounds {
	b := bounds{text: seg, start: make([]bool, len(seg)+1), end: make([]bool, len(seg)+1), word: make([]int32, len(seg))}
	for i := range b.word {
		b.word[i] = -1
	}
	pos := 0
	for wi, w := range words {
		j := strings.Index(seg[pos:], w)
		if j < 0 {
			break
		}
		s, e := pos+j, pos+j+len(w)
		b.start[s], b.end[e] = true, true
		b.runes = append(b.runes, runeLen(w))
		b.from = append(b.from, s)
		for k := s; k < e; k++ {
			b.word[k] = int32(wi)
		}
		pos = e
	}
	return b
}

// accepts reports whether a key found at seg[s:e] stands on the words:
//   - it starts and ends on word boundaries (one or several whole words:
//     数据|分析师, 小学|语文老师);
//   - or it lies inside one word as its head or its tail (护士 in 护士长,
//     工程师 in 半导体工艺工程师);
//   - or it starts on a boundary and ends inside a later word, as a prefix
//     of it (店铺运营 in 店铺|运营专员, 搬运工 in 搬运|工人, 库管 in
//     库|管理员) — unless a worker's 工 is the first character of an
//     engineer's 工程师 or 工艺 (维修工 in 维修|工程师, 铸造工 in
//     铸造|工艺工程师: engineers, not workers);
//   - or it starts inside a word and every word after that one is a single
//     letter the segmenter left alone (焊工 in 二保焊|工, 站务员 in
//     轨道|交通站|务|员).
//
// A key that starts inside a word and runs into a real word after it (护工
// across 维护|工程师) or sits in a word's middle (检测 in 汽车检测与维修技术)
// is characters, not words, and is refused.
func (b bounds) accepts(s, e int) bool {
	ws, we := b.word[s], b.word[e-1]
	switch {
	case ws < 0 || we < 0:
		return false
	case b.start[s] && (b.end[e] || ws == we):
		return true
	case b.start[s]:
		word := b.text[b.from[we]:]
		return e-b.from[we] != len("工") || !strings.HasPrefix(word, "工程") && !strings.HasPrefix(word, "工艺")
	case ws == we:
		return b.end[e]
	case !b.end[e]:
		return false
	}
	for w := ws + 1; w <= we; w++ {
		if b.runes[w] != 1 {
			return false
		}
	}
	return true
}

// runeLen is the number of runes of s.
func runeLen(s string) int { return utf8.RuneCountInString(s) }

// conjunctions join two duties that share the words around them.
var conjunctions = []string{"与", "及", "和"}

// coordinated reads a title that joins two duties of one job (汽车检测与维修技术员,
// 机械设计及制造工程师) as each duty alone, with the words the two share:
// 汽车检测技术员 and 汽车维修技术员. A dictionary key (汽车维修) that the
// joined form splits then stands on words. The conjunction must stand
// alone or inside a long compound the segmenter keeps whole (a major's
// name: 汽车检测与维修技术), never inside a short word (和平, 以及), and
// each conjunct must be a word of two runes or more.
func coordinated(cut Cutter, seg string) []string {
	var out []string
	for _, conj := range conjunctions {
		i := strings.Index(seg, conj)
		if i <= 0 || i+len(conj) >= len(seg) || !standsAlone(cut.Cut(seg), seg, i) {
			continue
		}
		left, right := cut.Cut(seg[:i]), cut.Cut(seg[i+len(conj):])
		if len(left) < 2 && len(right) < 2 {
			continue // nothing shared: two jobs, split elsewhere
		}
		a, b := left[len(left)-1], right[0]
		if runeLen(a) < 2 || runeLen(b) < 2 || !hasLetter(a) || !hasLetter(b) {
			continue
		}
		head := strings.Join(left[:len(left)-1], "")
		tail := strings.Join(right[1:], "")
		out = append(out, head+a+tail, head+b+tail)
	}
	return out
}

// standsAlone reports whether the conjunction at byte i of seg is a word
// of its own in words, or inside a compound of five runes or more.
func standsAlone(words []string, seg string, i int) bool {
	pos := 0
	for _, w := range words {
		j := strings.Index(seg[pos:], w)
		if j < 0 {
			return false
		}
		s, e := pos+j, pos+j+len(w)
		if s <= i && i < e {
			return s == i && e == i+len(w) && runeLen(w) == 1 || runeLen(w) >= 5
		}
		pos = e
	}
	return false
}
