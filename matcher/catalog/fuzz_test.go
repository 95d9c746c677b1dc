package catalog

import (
	"slices"
	"strings"
	"testing"
)

func FuzzFindSkills(f *testing.F) {
	f.Add("熟悉Java、Spring Boot，持有初级会计职称")
	f.Add("ＣＥＴ－４，C1驾照")
	f.Fuzz(func(t *testing.T, text string) {
		s, c := FindSkills(text)
		for _, list := range [][]string{s, c} {
			for _, n := range list {
				if _, ok := SkillByName(n); !ok {
					t.Fatalf("FindSkills(%q) returned %q, not a lexicon name", text, n)
				}
			}
			sorted := slices.Clone(list)
			slices.Sort(sorted)
			if len(slices.Compact(sorted)) != len(list) {
				t.Fatalf("FindSkills(%q) repeated a name: %v", text, list)
			}
		}
	})
}

func FuzzParsePolicy(f *testing.F) {
	f.Add([]byte(`{"channel_plan":{"sme":1}}`))
	f.Add([]byte(`{"channel_plan":{"sme":1},"milestones":[{"date":"02-30"}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var p Policy
		_ = ParsePolicy(b, &p) // must not panic
	})
}

// FuzzFindInWords: words are the fuzzed text split at "|"; whatever they
// are, only lexicon names come back, each once, and a term found in the
// words is found in their concatenation too (boundaries only remove).
func FuzzFindInWords(f *testing.F) {
	f.Add("持有|小学|教师资格证|，|英语六级")
	f.Add("开展|合规|培训|C1|及|以上|驾照")
	f.Add("Spring Boot||ＣＥＴ－４|\xff")
	f.Fuzz(func(t *testing.T, text string) {
		words := strings.Split(text, "|")
		s, c := FindInWords(words)
		all := append(append([]string{}, s...), c...)
		for _, n := range all {
			if _, ok := SkillByName(n); !ok {
				t.Fatalf("FindInWords(%q) returned %q, not a lexicon name", words, n)
			}
		}
		sorted := slices.Clone(all)
		slices.Sort(sorted)
		if len(slices.Compact(sorted)) != len(all) {
			t.Fatalf("FindInWords(%q) repeated a name: %v", words, all)
		}
	})
}
