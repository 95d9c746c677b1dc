package normalize

import (
	"reflect"
	"strings"
	"testing"

	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

// The major catalogue grows while this is written; the tests pin only the
// two majors that are certainly in it and otherwise derive expectations from
// the catalogue itself.

func mustMajor(t *testing.T, name string) catalog.Major {
	t.Helper()
	m, ok := catalog.MajorByName(name)
	if !ok {
		t.Fatalf("catalog has no %s", name)
	}
	return m
}

func TestMajors(t *testing.T) {
	acc, cs := mustMajor(t, "会计学"), mustMajor(t, "计算机科学与技术")
	tests := []struct {
		in           string
		names, codes []string
	}{
		{"", nil, nil},
		{"不限", nil, nil},
		{"专业不限", nil, nil},
		{"会计学", []string{acc.Name}, []string{acc.Code}},
		{" 会计学 ", []string{acc.Name}, []string{acc.Code}},
		{"会计学;计算机科学与技术", []string{acc.Name, cs.Name}, []string{acc.Code, cs.Code}},
		{"会计学、会计学", []string{acc.Name}, []string{acc.Code}},
		{"计算机科学与技术专业", []string{cs.Name}, []string{cs.Code}},
		{"计算机科学与技术等专业优先", []string{cs.Name}, []string{cs.Code}},
		{"计算机科学与技术（软件工程方向）", []string{cs.Name}, []string{cs.Code}},
		{cs.ClassName, []string{cs.ClassName}, []string{cs.ClassCode}},
		{"会计学，相关专业", []string{acc.Name}, []string{acc.Code}},
		{"会计学、量子烹饪学", []string{acc.Name, "量子烹饪学"}, []string{acc.Code}},
		{"量子烹饪专业", []string{"量子烹饪"}, nil},
	}
	for _, tt := range tests {
		names, codes := Majors(tt.in)
		if !reflect.DeepEqual(names, tt.names) || !reflect.DeepEqual(codes, tt.codes) {
			t.Errorf("Majors(%q) = %q, %q; want %q, %q", tt.in, names, codes, tt.names, tt.codes)
		}
	}
}

func TestMajorsAliasesAndSuffixes(t *testing.T) {
	// Every alias the catalogue lists resolves to a major, with or without
	// the qualifiers posts add: to the one MajorByName gives for the text as
	// written when the catalogue knows it, else to the alias's. Aliases that
	// are 专业类 names or say 相关/类 are classes (TestMajorsClassHint).
	classes := map[string]bool{}
	for _, m := range catalog.Majors() {
		classes[m.ClassName] = true
	}
	for _, m := range catalog.Majors() {
		for _, a := range m.Aliases {
			if classes[a] || strings.Contains(a, "相关") || strings.HasSuffix(a, "类") {
				continue
			}
			for _, in := range []string{a, a + "专业", a + "等专业"} {
				want, ok := catalog.MajorByName(in)
				if !ok {
					want, _ = catalog.MajorByName(a)
				}
				names, codes := Majors(in)
				if len(names) != 1 || names[0] != want.Name || len(codes) != 1 || codes[0] != want.Code {
					t.Errorf("Majors(%q) = %q, %q; want [%s] [%s]", in, names, codes, want.Name, want.Code)
				}
			}
		}
	}
}

func TestMajorsClassHint(t *testing.T) {
	// "X相关专业" means the class X类 when the catalogue has it and does not
	// list the phrase as an alias of one major.
	checked := 0
	for _, m := range catalog.Majors() {
		stem := trimSuffix(m.ClassName, "类")
		if stem == m.ClassName || stem == "" {
			continue
		}
		in := stem + "相关专业"
		if _, isAlias := catalog.MajorByName(in); isAlias {
			continue // the catalogue's own alias wins (exact and alias matches come first)
		}
		checked++
		names, codes := Majors(in)
		if len(names) != 1 || names[0] != m.ClassName || len(codes) != 1 || len(codes[0]) != len(m.ClassCode) {
			t.Errorf("Majors(%q) = %q, %q; want the class %s", stem+"相关专业", names, codes, m.ClassName)
		}
	}
	if checked == 0 {
		t.Fatal("the catalogue has no class to check")
	}
	t.Logf("%d class phrases checked", checked)
}

func trimSuffix(s, suf string) string {
	if len(s) >= len(suf) && s[len(s)-len(suf):] == suf {
		return s[:len(s)-len(suf)]
	}
	return s
}

func TestMajorsAny(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"", true}, {"不限", true}, {"专业不限", true}, {"不限专业", true}, {" 相关专业 ", true},
		{"专业不限，计算机科学与技术优先", true}, {"会计学", false}, {"量子烹饪", false},
	}
	for _, tt := range tests {
		if got := MajorsAny(tt.in); got != tt.want {
			t.Errorf("MajorsAny(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func BenchmarkMajors(b *testing.B) {
	in := []string{"会计学", "计算机科学与技术等相关专业", "会计、审计、财务管理", "专业不限"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		Majors(in[i%len(in)])
	}
}

func BenchmarkMajorsAny(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		MajorsAny("专业不限，计算机相关专业优先")
	}
}
