package occupation

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Clean reduces a post title to its job-naming segments: the main segments
// (split at separators) and, separately, the text that was inside brackets,
// which is usually benefits ("（五险一金）") but sometimes the real job
// ("开发工程师（Java）"). Text is folded (full-width to ASCII, Latin lower-case)
// and stripped of emoji, salary fragments and recruiting noise.
func Clean(title string) (main, bracketed []string) {
	s := fold(title)
	// C++ and C# would be cut by the separators "+" and "#".
	s = latinNames.Replace(s)
	s = joinLatin(s)
	// Pull bracketed text out first, so that noise inside is judged apart.
	var inner strings.Builder
	var outer strings.Builder
	depth := 0
	for _, r := range s {
		switch {
		case strings.ContainsRune(openBrackets, r):
			depth++
			if depth == 1 {
				outer.WriteByte('|')
			}
			inner.WriteByte('|')
		case strings.ContainsRune(closeBrackets, r):
			if depth > 0 {
				depth--
			}
			inner.WriteByte('|')
		case depth > 0:
			inner.WriteRune(r)
		default:
			outer.WriteRune(r)
		}
	}
	return segments(outer.String()), segments(inner.String())
}

// latinNames spells out the names the separators would cut (built once: a
// replacer per title was a tenth of the occupation's cost on an import).
var latinNames = strings.NewReplacer("c++", "cpp", "c#", "csharp")

const (
	openBrackets  = "(（[【〔〖「『<《{"
	closeBrackets = ")）]】〕〗」』>》}"
)

// fold maps full-width ASCII to ASCII, upper-case Latin to lower case, and
// drops emoji, pictographs, variation selectors and other symbols.
func fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			r = r - 0xFF01 + '!'
		case r == 0x3000:
			r = ' '
		}
		switch {
		case r >= 'A' && r <= 'Z':
			r += 'a' - 'A'
		case r == utf8.RuneError, r == 0x200D, r >= 0xFE00 && r <= 0xFE0F, r >= 0x1F000:
			continue // invalid bytes, zero-width joiner, variation selectors, emoji planes
		case unicode.Is(unicode.So, r), unicode.Is(unicode.Sk, r), unicode.Is(unicode.Co, r), unicode.IsControl(r):
			continue // ★ ❤ ☎ and private-use glyphs
		}
		b.WriteRune(r)
	}
	return b.String()
}

var (
	// Salary fragments: 9k, 8-12k, 6000-8000元, 1.5万/月, 15薪, 8千-1万. A
	// bare number is left alone: it belongs to 3D建模, C1司机, 51单片机.
	salaryRe = regexp.MustCompile(`(\d+(\.\d+)?\s*[-~～至到]\s*)?\d+(\.\d+)?\s*(k|w|千|万|元|块|薪)(\s*[-~～至到]\s*\d+(\.\d+)?\s*(k|w|千|万|元)?)?(\s*/\s*(月|天|日|时|小时|年))?|\d+(\.\d+)?\s*[-~～至到]\s*\d+(\.\d+)?`)
	// A graduating class or a campaign's year ("2023届", "2024年度")
	// names no job; left alone, "2023届校园招聘-行政前台" would keep a
	// segment for its 招聘.
	yearRe = regexp.MustCompile(`(19|20)\d{2}\s*(届|年度|年)`)
	// Separators between title segments.
	sepRe = regexp.MustCompile(`[/|｜\\,，、;；:：+＋·•・~～!！?？*#=丨 \t\r\n—–_]+|-+|\.\.+|。`)
)

// noise are recruiting phrases that name no job. A segment made only of
// them is dropped; inside a segment they are left for the dictionary scan
// (whose head rule skips them: 急招会计 → 会计, while 招聘专员 is a job) and
// removed only before bigram similarity. Longer phrases come first.
var noise = []string{
	"五险一金", "六险一金", "五险", "社保", "周末双休", "双休", "单休", "大小周", "包吃包住", "包食宿", "包吃住", "包住", "包吃",
	"立即上岗", "马上上岗", "可兼职", "兼职", "全职", "不限经验", "无经验", "经验不限", "可无经验", "接受小白", "小白",
	"高薪诚聘", "急招", "急聘", "诚聘", "高薪", "直招", "热招", "底薪", "提成", "月薪", "年薪", "无责",
	"包培训", "带薪培训", "有培训", "免费培训", "应届生", "应届", "毕业生", "实习生", "实习", "校招", "社招",
	"长白班", "白班", "夜班", "倒班", "坐班", "朝九晚五", "不加班", "不出差", "转正", "晋升", "年终奖", "奖金", "福利",
	"男女不限", "不限", "可接受", "优先", "稳定", "多名", "若干", "薪资", "面议", "待遇", "从优", "上不封顶",
	"高级", "资深", "初级", "中级",
	"校园招聘", "社会招聘", "公开招聘", "高校毕业生见习岗", "就业见习", "见习岗", "见习", "公益性岗位", "公益岗", "岗位代码", "高校毕业生", "应届毕业生",
	"乌鲁木齐市", "乌鲁木齐", "乌市", "新疆", "天山区", "沙依巴克区", "新市区", "水磨沟区", "头屯河区", "达坂城区", "米东区",
}

func segments(s string) []string {
	s = salaryRe.ReplaceAllString(s, "|")
	s = yearRe.ReplaceAllString(s, "|")
	var out []string
	for _, seg := range sepRe.Split(s, -1) {
		seg = strings.TrimSpace(seg)
		if seg != "" && hasLetter(stripNoise(seg)) {
			out = append(out, seg)
		}
	}
	return out
}

// stripNoise removes the recruiting phrases of noise from a segment.
func stripNoise(seg string) string {
	for _, n := range noise {
		if strings.Contains(seg, n) {
			seg = strings.ReplaceAll(seg, n, "")
		}
	}
	return seg
}

func hasLetter(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

// latinSpace joins two Latin words of one title segment ("data scientist");
// it is neither a separator nor a word character.
const latinSpace = "\u00a0"

// joinLatin drops spaces between a Latin word and Chinese ("Java 开发" →
// java开发) and turns spaces between Latin words into latinSpace, so that
// "Data Scientist" stays one segment; spaces between Chinese words still
// separate segments.
func joinLatin(s string) string {
	if !strings.Contains(s, " ") {
		return s
	}
	b := []byte(s)
	out := make([]byte, 0, len(b)+8)
	for i := 0; i < len(b); i++ {
		if b[i] == ' ' {
			j := i
			for j < len(b) && b[j] == ' ' {
				j++
			}
			prevLatin := len(out) > 0 && isASCIIWord(out[len(out)-1])
			nextLatin := j < len(b) && isASCIIWord(b[j])
			if prevLatin && nextLatin {
				out = append(out, latinSpace...)
				i = j - 1
				continue
			}
			if prevLatin || nextLatin {
				i = j - 1
				continue
			}
		}
		out = append(out, b[i])
	}
	return string(out)
}
