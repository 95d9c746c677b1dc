package matcher

import (
	"strings"
	"testing"

	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

// similarNamesStrings is similarNames as it was written with a string per
// bigram (the reference the rune pairs must agree with).
func similarNamesStrings(a, b string) bool {
	bigrams := func(s string) []string {
		r := []rune(s)
		var out []string
		for i := 0; i+1 < len(r); i++ {
			out = append(out, string(r[i:i+2]))
		}
		return out
	}
	if a == "" || b == "" {
		return false
	}
	if strings.Contains(a, b) || strings.Contains(b, a) {
		return true
	}
	ba, bb := bigrams(a), bigrams(b)
	if len(ba) == 0 || len(bb) == 0 {
		return false
	}
	common := 0
	for _, x := range ba {
		for _, y := range bb {
			if x == y {
				common++
				break
			}
		}
	}
	return float64(2*common)/float64(len(ba)+len(bb)) >= 0.5
}

// TestSimilarNamesIsTheStringsVersion: the rune-pair bigrams decide as the
// strings did on the catalogue's major names (each against its neighbours
// in the list, names that differ in a character or two among them), on
// invalid UTF-8 and on names longer than the bigrams' stack buffer.
func TestSimilarNamesIsTheStringsVersion(t *testing.T) {
	var names []string
	for _, m := range catalog.Majors() {
		names = append(names, m.Name)
	}
	names = append(names, "软件工程", "软件技术", "会计学", "财务会计", "a\xffb", "\xff\xfe", "a\xffc",
		"计算机科学与技术专业方向人工智能与大数据应用及其他交叉学科的综合培养项目一", "计算机科学与技术专业方向人工智能与大数据应用及其他交叉学科的综合培养项目二")
	similar, pairs := 0, 0
	for i := range names {
		for j := max(0, i-40); j < min(len(names), i+40); j++ {
			a, b := names[i], names[j]
			got := similarNames(a, b)
			if want := similarNamesStrings(a, b); got != want {
				t.Fatalf("%q ~ %q: rune pairs say %v, strings %v", a, b, got, want)
			}
			pairs++
			if got {
				similar++
			}
		}
	}
	if similar == 0 || similar == pairs {
		t.Fatalf("%d of %d pairs similar: the names do not exercise both answers", similar, pairs)
	}
}
