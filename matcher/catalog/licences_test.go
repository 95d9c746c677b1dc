package catalog

import (
	"slices"
	"testing"
)

func TestLicenceForPractice(t *testing.T) {
	for _, c := range []struct {
		name  string
		want  bool
		via   string
		years int
	}{
		{"执业医师", true, "", 1}, // an alias of a listed licence
		{"执业医师资格证", true, "", 1},
		{"中医执业医师", true, "执业医师资格证", 1}, // a kind of it
		{"主治医师", true, "", 4},          // a higher title: 中级职称 asks more years than 执业医师
		{"中级会计职称", true, "中级职称", 4},
		{"注册会计师", true, "", 2},
		{"一级建造师", true, "", 4},
		{"一级造价工程师", true, "造价工程师", 1},
		{"律师执业证", true, "", 1},
		{"教师资格证", false, "", 0},   // students sit for it
		{"护士执业资格证", false, "", 0}, // final-year students sit for it
		{"法律职业资格证", false, "", 0},
		{"初级会计职称", false, "", 0},
		{"C1驾驶证", false, "", 0},
		{"没有这个证", false, "", 0},
	} {
		l, ok := LicenceForPractice(c.name)
		if ok != c.want {
			t.Errorf("%s: licence %v, want %v", c.name, ok, c.want)
			continue
		}
		if !ok {
			continue
		}
		if l.Years != c.years || l.Basis == "" {
			t.Errorf("%s: %+v, want %d years and a basis", c.name, l, c.years)
		}
		if c.via != "" && l.Via != c.via {
			t.Errorf("%s: via %q, want %q", c.name, l.Via, c.via)
		}
	}
	all := PracticeLicences()
	if len(all) < 20 {
		t.Fatalf("%d practice licences, want the listed ones and what satisfies them", len(all))
	}
	for _, l := range all {
		if s, ok := SkillByName(l.Name); !ok || s.Kind != KindCertificate {
			t.Errorf("%s: not a certificate of the lexicon", l.Name)
		}
	}
}

func TestTeachingSubjects(t *testing.T) {
	names := func(m uint32) []string { return SubjectNames(m) }
	for _, c := range []struct {
		title string
		want  []string
	}{
		{"高中数学教师", []string{"数学"}},
		{"初中语文老师", []string{"语文"}},
		{"高中物理教师", []string{"物理"}},
		{"少儿编程老师", []string{"信息技术"}},
		{"小学英语教师", []string{"英语"}},
		{"班主任", nil},
		{"教师", nil},
	} {
		if got := names(TitleSubjects(c.title)); !slices.Equal(got, c.want) {
			t.Errorf("TitleSubjects(%s) = %v, want %v", c.title, got, c.want)
		}
	}
	for _, c := range []struct {
		major, class string
		teaches      []string
		not          []string
	}{
		{"汉语言文学", "0501", []string{"语文"}, []string{"数学", "物理", "英语"}},
		{"数学与应用数学", "0701", []string{"数学"}, []string{"语文", "物理"}},
		{"英语", "0502", []string{"英语"}, []string{"语文", "数学"}},
		{"语文教育", "5701", []string{"语文"}, []string{"数学"}},
		{"计算机科学与技术", "0809", []string{"信息技术"}, []string{"数学"}},
		{"计算机网络技术", "7102", []string{"信息技术"}, nil}, // 中职 计算机类 is 高职专科 5102
		{"大数据与会计", "5303", nil, []string{"信息技术", "数学"}},
		{"电子商务", "5308", nil, []string{"信息技术"}},
		{"机械设计制造及其自动化", "0802", nil, []string{"美术"}},
		{"学前教育", "0401", nil, []string{"数学", "语文"}},
	} {
		got := names(MajorSubjects(c.major, c.class))
		for _, s := range c.teaches {
			if !slices.Contains(got, s) {
				t.Errorf("%s (%s) teaches %v, want %s among them", c.major, c.class, got, s)
			}
		}
		for _, s := range c.not {
			if slices.Contains(got, s) {
				t.Errorf("%s (%s) teaches %v, want not %s", c.major, c.class, got, s)
			}
		}
	}
	for code, want := range map[string]bool{"2-08-02-01": true, "2-08-02-04": true, "2-08-01-01": true, "2-08-03-00": false, "2-05-01-01": false} {
		if IsSubjectTeaching(code) != want {
			t.Errorf("IsSubjectTeaching(%s) = %v, want %v", code, !want, want)
		}
	}
}
