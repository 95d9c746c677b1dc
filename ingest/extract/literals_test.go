package extract

import (
	"regexp"
	"strings"
	"testing"
)

// literalSets are the sets the extraction uses, each with the regexp
// alternation it replaced (or stands for).
func literalSets() map[string]*literalSet {
	return map[string]*literalSet{
		"requirements": requirementsSet, "benefits": benefitsSet, "benefitCues": benefitCueSet,
		"degreeWords": degreeWords, "degreeChars": degreeChars, "degreeAny": degreeAny,
		"noExperience": noExperience, "noExperienceChars": noExperienceChars, "experienceCue": experienceCue,
	}
}

func alternation(l *literalSet) *regexp.Regexp {
	q := make([]string, len(l.pats))
	for i, p := range l.pats {
		q[i] = regexp.QuoteMeta(p)
	}
	return regexp.MustCompile(strings.Join(q, "|"))
}

// checkLiterals holds every set to its regexp alternation and to
// strings.Index on text: the same matches, at the same offsets.
func checkLiterals(t *testing.T, text string) {
	t.Helper()
	for name, l := range literalSets() {
		re := alternation(l)
		if got, want := l.findString(text), re.FindString(text); got != want {
			t.Fatalf("%s.findString(%q) = %q, regexp %q", name, text, got, want)
		}
		want := re.FindAllStringIndex(text, -1)
		got := l.findAllIndex(text)
		if len(got) != len(want) {
			t.Fatalf("%s.findAllIndex(%q) = %v, regexp %v", name, text, got, want)
		}
		for i := range got {
			if got[i][0] != want[i][0] || got[i][1] != want[i][1] {
				t.Fatalf("%s.findAllIndex(%q) = %v, regexp %v", name, text, got, want)
			}
		}
		first := -1
		firsts := l.firsts(text)
		for k, p := range l.pats {
			i := strings.Index(text, p)
			if firsts[k] != i {
				t.Fatalf("%s.firsts(%q)[%q] = %d, strings.Index %d", name, text, p, firsts[k], i)
			}
			if i >= 0 && (first < 0 || i < first) {
				first = i
			}
		}
		if got := l.index(text); got != first {
			t.Fatalf("%s.index(%q) = %d, want %d", name, text, got, first)
		}
		if l.contains(text) != (first >= 0) {
			t.Fatalf("%s.contains(%q) = %v", name, text, !(first >= 0))
		}
	}
}

var literalSeeds = []string{
	"", "本", "博士研究生及以上学历，硕士研究生优先", "任职要求：1、本科及以上学历；2、三年以上工作经验",
	"福利待遇：五险一金，公司提供考证补贴。岗位要求：大专学历", "岗位优势\n带薪培训\n任职资格：中专、技校",
	"学历不限，经验不限，专业不限，有无经验均可", "接受小白，可接受小白，应届生、在校生、实习生",
	"Requirements: Bachelor degree; Qualifications", "研究生研究生博士博士研究生", "无学历要求无经验要求",
	"\xe5本科\xe5\x9c", "博\xe5\xa3\xab", "福利:待遇:福利：待遇：我们提供", "工龄以上从事资历经历工作年限",
	"中专中技中职职高技校高中初中小学学士大专专科高职",
}

func TestLiteralSetMatchesRegexp(t *testing.T) {
	for _, s := range literalSeeds {
		checkLiterals(t, s)
	}
	// Every literal of every set, alone, at the ends and twice over.
	for _, l := range literalSets() {
		for _, p := range l.pats {
			checkLiterals(t, p)
			checkLiterals(t, "x"+p+"，"+p+p[:len(p)-1])
		}
	}
}

func FuzzLiteralSet(f *testing.F) {
	for _, s := range literalSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkLiterals(t, s) })
}
