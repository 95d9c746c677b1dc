package catalog

import (
	"slices"
	"strings"
	"testing"
)

func TestSkillsLexicon(t *testing.T) {
	ss := Skills()
	if len(ss) < 300 {
		t.Errorf("Skills: %d entries, want a few hundred", len(ss))
	}
	kinds := map[string]int{}
	for i, s := range ss {
		kinds[s.Kind]++
		for _, c := range s.Occupations {
			if _, ok := OccupationByCode(c); !ok {
				t.Errorf("skills.csv:%d: %s: occupation %s not in occupations.csv", i+2, s.Name, c)
			}
		}
		if got, ok := SkillByName(s.Name); !ok || got.Name != s.Name {
			t.Errorf("SkillByName(%q) = %q, %v", s.Name, got.Name, ok)
		}
	}
	if kinds[KindSkill] < 150 || kinds[KindCertificate] < 60 {
		t.Errorf("Skills: %v, want many of both kinds", kinds)
	}
}

func TestFindSkills(t *testing.T) {
	tests := []struct {
		text          string
		skills, certs []string
	}{
		{"熟悉Java、Spring Boot，了解MySQL，有Linux使用经验", []string{"Java", "Spring", "MySQL", "Linux"}, nil},
		{"精通JAVA和java，熟悉javascript", []string{"Java", "JavaScript"}, nil}, // dedup, case-insensitive, whole words
		{"熟悉Ｐｙｔｈｏｎ和ＳＱＬ", []string{"Python", "SQL"}, nil},                  // full-width forms
		{"会Go语言者优先；熟悉Google产品", []string{"Go语言"}, nil},
		{"熟悉Golang", []string{"Go语言"}, nil},
		{"熟悉React/Vue等前端框架，会用Git", []string{"React", "Vue", "前端开发", "Git"}, nil},
		{"持有初级会计职称，熟练使用Excel、用友U8", []string{"Excel", "用友"}, []string{"初级会计职称"}},
		{"有初级会计师证书或CPA者优先", nil, []string{"初级会计职称", "CPA"}},
		{"会计从业资格证，熟悉金蝶K3", []string{"金蝶"}, []string{"会计从业资格证"}},
		{"大学英语六级（CET-6）以上", nil, []string{"英语六级"}},
		{"英语四级/CET4，普通话二级甲等", nil, []string{"英语四级", "普通话二级甲等"}},
		{"须具有教师资格证、普通话二甲", nil, []string{"教师资格证", "普通话二级甲等"}},
		{"持护士执业资格证，熟练静脉穿刺", []string{"静脉输液"}, []string{"护士执业资格证"}},
		{"具有执业医师资格证", nil, []string{"执业医师资格证"}},
		{"C1驾照，能熟练驾驶", nil, []string{"C1驾驶证"}},
		{"有驾照者优先", nil, []string{"驾驶证"}},
		{"懂维吾尔语、俄语者优先", []string{"维吾尔语", "俄语"}, nil},
		{"熟练使用AutoCAD，持二级建造师证书", []string{"CAD"}, []string{"二级建造师"}},
		{"持低压电工证上岗", nil, []string{"低压电工作业证"}}, // satisfies 电工证 (TestSatisfies)
		{"负责抖音直播带货和短视频运营，会剪映", []string{"直播带货", "短视频运营", "剪映"}, nil},
		{"熟练使用PS、办公软件、PPT", []string{"Photoshop", "办公软件", "PPT"}, nil},
		{"UPS电源维护", nil, nil}, // "PS" inside a Latin word is not Photoshop
		{"", nil, nil},
		{"无任何要求，待遇从优", nil, nil},
	}
	for _, tt := range tests {
		s, c := FindSkills(tt.text)
		if !slices.Equal(s, tt.skills) || !slices.Equal(c, tt.certs) {
			t.Errorf("FindSkills(%q) = %v / %v, want %v / %v", tt.text, s, c, tt.skills, tt.certs)
		}
	}
}

func TestFindSkillsLongestMatch(t *testing.T) {
	// Every lexicon key found in a text made only of itself yields its own entry.
	for _, s := range Skills() {
		for _, n := range append([]string{s.Name}, s.Aliases...) {
			sk, ce := FindSkills("要求：" + n + "。")
			got := append(sk, ce...)
			if len(got) != 1 || got[0] != s.Name {
				t.Errorf("FindSkills(%q) = %v, want [%s]", n, got, s.Name)
			}
		}
	}
}

var benchDescription = strings.Repeat("岗位职责：负责公司财务核算、纳税申报，编制财务报表；任职要求：会计学相关专业，持有初级会计职称，熟练使用Excel和用友U8，英语四级，有C1驾照者优先。", 2)

func BenchmarkFindSkills(b *testing.B) {
	FindSkills("")
	b.SetBytes(int64(len(benchDescription)))
	b.ReportAllocs()
	for b.Loop() {
		FindSkills(benchDescription)
	}
}
