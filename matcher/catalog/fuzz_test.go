package catalog

import (
	"slices"
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
