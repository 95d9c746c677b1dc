package catalog

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestSatisfies(t *testing.T) {
	for _, c := range []struct {
		have, need string
		want       bool
	}{
		// A certificate satisfies its parent, never the other way round.
		{"小学教师资格证", "教师资格证", true},
		{"教师资格证", "小学教师资格证", false},
		{"高中教师资格证", "小学教师资格证", true}, // 教师资格条例: 本级及其以下等级
		{"幼儿园教师资格证", "小学教师资格证", false},
		{"口腔执业医师", "执业医师资格证", true},
		{"执业医师资格证", "口腔执业医师", false},
		{"CPA", "会计类证书", true},
		{"注册会计师", "会计类证书", true}, // by alias
		// Higher levels satisfy lower ones, through the ladder.
		{"英语六级", "英语四级", true},
		{"CET-6", "CET4", true},
		{"英语四级", "英语六级", false},
		{"英语专业八级", "英语四级", true},
		{"普通话一级乙等", "普通话二级甲等", true},
		{"普通话一级甲等", "普通话二级乙等", true},
		{"普通话二级乙等", "普通话二级甲等", false},
		{"普通话二级甲等", "普通话", true}, // a level satisfies the plain skill
		{"中级会计职称", "初级会计职称", true},
		{"高级会计师", "初级会计师", true},
		{"初级会计职称", "中级会计职称", false},
		{"中级会计职称", "中级职称", true},
		{"主治医师", "执业医师资格证", true},
		{"主治医师", "执业助理医师", true},
		{"主管护师", "护士执业资格证", true},
		{"B2驾驶证", "C1驾驶证", true},
		{"A1驾照", "C2", true},
		{"C1驾照", "驾驶证", true},
		{"C1驾驶证", "B2驾驶证", false},
		{"C2驾驶证", "C1驾驶证", false},
		{"低压电工证", "电工证", true},
		{"低压电工证", "特种作业操作证", true},
		{"高低压电工证", "低压电工作业证", true},
		{"叉车证", "特种设备作业人员证", true},
		{"一级建造师", "二级建造师", true},
		{"软考高级", "软考中级", true},
		{"信息系统项目管理师", "软考", true},
		{"日语N1", "日语N2", true},
		{"Excel", "办公软件", true},
		{"办公软件", "Excel", false},
		{"PMP", "项目管理", true},
		{"金蝶", "财务软件", true},
		// Unknown names satisfy only themselves (case and width folded).
		{"月嫂经验", "月嫂经验", true},
		{"ＳＡＰ ＦＩＣＯ", "sap fico", true},
		{"月嫂经验", "Java", false},
		{"Java", "月嫂经验", false},
		{"", "", true},
	} {
		if got := Satisfies(c.have, c.need); got != c.want {
			t.Errorf("Satisfies(%q, %q) = %v, want %v", c.have, c.need, got, c.want)
		}
	}
}

func TestHierarchyIsSound(t *testing.T) {
	for _, s := range Skills() {
		if !Satisfies(s.Name, s.Name) {
			t.Errorf("%s does not satisfy itself", s.Name)
		}
		for _, a := range append(append([]string{}, s.Aliases...), s.LookupOnly...) {
			if !Satisfies(a, s.Name) || !Satisfies(s.Name, a) {
				t.Errorf("alias %s and %s do not satisfy each other", a, s.Name)
			}
		}
		if s.Parent != "" {
			p, ok := SkillByName(s.Parent)
			if !ok || p.Name != s.Parent {
				t.Errorf("%s: parent %q is not a canonical name", s.Name, s.Parent)
			}
			if Satisfies(s.Parent, s.Name) {
				t.Errorf("%s and its parent %s satisfy each other", s.Name, s.Parent)
			}
		}
		for _, i := range s.Implies {
			if Satisfies(i, s.Name) {
				t.Errorf("%s implies %s, which satisfies it back", s.Name, i)
			}
		}
	}
}

func TestSatisfiedByAndImplied(t *testing.T) {
	have := []string{"普通话一级乙等", "Excel", "英语六级"}
	if h, ok := SatisfiedBy(have, "普通话二级甲等"); !ok || h != "普通话一级乙等" {
		t.Errorf("SatisfiedBy 普通话二级甲等 = %q %v", h, ok)
	}
	if h, ok := SatisfiedBy([]string{"英语六级", "CET-4"}, "英语四级"); !ok || h != "CET-4" {
		t.Errorf("SatisfiedBy prefers the term itself: %q %v", h, ok)
	}
	if _, ok := SatisfiedBy(have, "教师资格证"); ok {
		t.Error("SatisfiedBy found a teacher's certificate")
	}
	// A holder answers as SatisfiedBy does, asked many times.
	h := NewHolder([]string{"英语六级", "CET-4", "普通话一级乙等", "会做饭"})
	for _, c := range []struct{ need, by string }{{"英语四级", "CET-4"}, {"英语", "英语六级"}, {"普通话二级甲等", "普通话一级乙等"}, {"会做饭 ", "会做饭"}, {"教师资格证", ""}} {
		if by, ok := h.SatisfiedBy(c.need); by != c.by || ok != (c.by != "") {
			t.Errorf("Holder.SatisfiedBy %s = %q %v, want %q", c.need, by, ok, c.by)
		}
	}
	got := Implied("英语六级", "B2驾照", "用友U8", "会做饭")
	for _, want := range []string{"英语六级", "英语四级", "英语", "B2驾驶证", "C1驾驶证", "C2驾驶证", "驾驶证", "用友", "财务软件", "会做饭"} {
		if !slices.Contains(got, want) {
			t.Errorf("Implied lacks %s: %v", want, got)
		}
	}
	if slices.Contains(got, "英语六级 ") || slices.Contains(got, "A2驾驶证") {
		t.Errorf("Implied has too much: %v", got)
	}
	if n := Narrowest([]string{"驾驶证", "C1驾驶证", "英语四级", "Excel"}); !slices.Equal(n, []string{"C1驾驶证", "英语四级", "Excel"}) {
		t.Errorf("Narrowest = %v", n)
	}
}

func TestFindInWords(t *testing.T) {
	for _, c := range []struct {
		words         []string
		skills, certs []string
	}{
		// A term is found only on word boundaries.
		{[]string{"开展", "合规", "培训"}, nil, nil},
		{[]string{"完成", "规培"}, nil, []string{"规培"}},
		{[]string{"软件", "维护", "工程师"}, nil, nil},
		{[]string{"持有", "小学", "教师资格证", "，", "英语六级"}, nil, []string{"小学教师资格证", "英语六级"}}, // a term spans words
		{[]string{"小学", "数学", "教师资格证"}, nil, []string{"教师资格证"}},
		// Terms spanning words, spaces dropped by the segmentation.
		{[]string{"熟悉", "Spring", "Boot", "和", "SQL", "Server"}, []string{"Spring", "SQL Server"}, nil},
		{[]string{"C1", "及", "以上", "驾照"}, nil, []string{"C1驾驶证", "驾驶证"}},
		// Lookup-only names are never found in text.
		{[]string{"金融", "行业"}, nil, nil},
		{[]string{"保育师", "四级"}, nil, []string{"保育师"}},
		{nil, nil, nil},
	} {
		s, ce := FindInWords(c.words)
		if !slices.Equal(s, c.skills) || !slices.Equal(ce, c.certs) {
			t.Errorf("FindInWords(%q) = %v / %v, want %v / %v", c.words, s, ce, c.skills, c.certs)
		}
	}
}

func ExampleSatisfies() {
	fmt.Println(Satisfies("小学教师资格证", "教师资格证"))
	fmt.Println(Satisfies("普通话一级乙等", "普通话二级甲等"))
	fmt.Println(Satisfies("英语四级", "英语六级"))
	// Output:
	// true
	// true
	// false
}

func ExampleFindInWords() {
	// The words of "需持有C1驾照和护士执业资格证，开展合规培训" as gse cuts them.
	words := []string{"需", "持有", "C1", "驾照", "和", "护士执业资格证", "，", "开展", "合规", "培训"}
	skills, certs := FindInWords(words)
	fmt.Println(skills, certs, Narrowest(certs))
	// Output: [] [C1驾驶证 护士执业资格证] [C1驾驶证 护士执业资格证]
}

// TestHolderIsSatisfiedBy: a Holder answers as SatisfiedBy does, for held
// names of the lexicon (by name and alias, in other cases and full width)
// and outside it, over every name of the lexicon and some it lacks.
func TestHolderIsSatisfiedBy(t *testing.T) {
	all := Skills()
	var needs []string
	for _, s := range all {
		needs = append(needs, s.Name)
		needs = append(needs, s.Aliases...)
	}
	needs = append(needs, "无人机驾驶", "ＣＥＴ－４", " cet-6 ", "")
	haves := [][]string{
		nil,
		{"英语六级", "B2驾驶证"},
		{"小学教师资格证", "普通话一级乙等", "无人机驾驶"},
		{"ＣＥＴ－６", "excel", "Python", "焊工证（中级）"},
	}
	for i := 0; i < len(all); i += 37 { // a spread of the lexicon
		haves = append(haves, []string{all[i].Name, all[(i*7+3)%len(all)].Name})
	}
	checked, yes := 0, 0
	for _, have := range haves {
		h := NewHolder(have)
		for _, need := range needs {
			_, want := SatisfiedBy(have, need)
			if got := h.Satisfies(need); got != want {
				t.Fatalf("holder of %q, need %q: %v, SatisfiedBy %v", have, need, got, want)
			}
			checked++
			if want {
				yes++
			}
		}
	}
	if yes < 10 {
		t.Fatalf("only %d of %d answers were yes: the check proves little", yes, checked)
	}
}

// satisfiesBefore and satisfiedByBefore are Satisfies and SatisfiedBy as
// they were before the three copies of the rule became term.satisfies:
// the reference they must still agree with.
func satisfiesBefore(have, need string) bool {
	h, hok := skillIndex(have)
	n, nok := skillIndex(need)
	if !hok || !nok {
		return hok == nok && foldKeyBefore(have) == foldKeyBefore(need)
	}
	_, ok := slices.BinarySearch(satisfied[h], n)
	return ok
}

func satisfiedByBefore(have []string, need string) (string, bool) {
	n, nok := skillIndex(need)
	for _, h := range have {
		if i, ok := skillIndex(h); ok && nok && i == n || !ok && !nok && foldKeyBefore(h) == foldKeyBefore(need) {
			return h, true
		}
	}
	for _, h := range have {
		if satisfiesBefore(h, need) {
			return h, true
		}
	}
	return "", false
}

func foldKeyBefore(s string) string { return string(normalizeText(nil, strings.TrimSpace(s))) }

// TestSatisfiesAsBefore: Satisfies and SatisfiedBy answer as before, for
// every pair of a spread of the lexicon's names and aliases (in other
// cases and full width) and names it lacks, which SatisfiedBy is asked
// of in pairs that put the need itself second.
func TestSatisfiesAsBefore(t *testing.T) {
	var names []string
	for i, s := range Skills() {
		if i%5 == 0 {
			names = append(names, s.Name)
			names = append(names, s.Aliases...)
		}
	}
	names = append(names, "无人机驾驶", "无人机驾驶 ", "ＣＥＴ－４", " cet-6 ", "CET-6", "", "Excel", "EXCEL", "普通话一级乙等", "普通话二级甲等", "教师资格证", "小学教师资格证")
	yes := 0
	for _, have := range names {
		for _, need := range names {
			got, want := Satisfies(have, need), satisfiesBefore(have, need)
			if got != want {
				t.Fatalf("Satisfies(%q, %q) = %v, before %v", have, need, got, want)
			}
			if got {
				yes++
			}
			for _, held := range [][]string{{have, need}, {need, have}, {have}} {
				g, gok := SatisfiedBy(held, need)
				w, wok := satisfiedByBefore(held, need)
				if g != w || gok != wok {
					t.Fatalf("SatisfiedBy(%q, %q) = %q %v, before %q %v", held, need, g, gok, w, wok)
				}
			}
		}
	}
	if yes < 2*len(names) {
		t.Fatalf("%d of %d pairs satisfied: the check proves little", yes, len(names)*len(names))
	}
}

// Narrowest is its definition over Satisfies (each name dropped that
// another satisfies without being satisfied by it), for every list of up
// to three names from a pool of lexicon names, aliases, spellings and
// unknown names, repeats included.
func TestNarrowestIsPairwiseSatisfies(t *testing.T) {
	pool := []string{"驾驶证", "C1驾驶证", "C1驾照", "B2驾驶证", "英语", "英语四级", "CET-4", "英语六级", "普通话二级甲等",
		"普通话一级乙等", "Excel", "ＥＸＣＥＬ", " Excel ", "用友U8", "财务软件", "会做饭", "会做饭 "}
	want := func(names []string) []string {
		var out []string
		for i, n := range names {
			covered := false
			for j, m := range names {
				if i != j && !Satisfies(n, m) && Satisfies(m, n) {
					covered = true
					break
				}
			}
			if !covered {
				out = append(out, n)
			}
		}
		return out
	}
	var lists [][]string
	for _, a := range pool {
		lists = append(lists, []string{a})
		for _, b := range pool {
			lists = append(lists, []string{a, b})
			for _, c := range pool {
				lists = append(lists, []string{a, b, c})
			}
		}
	}
	lists = append(lists, nil)
	dropped := 0
	for _, l := range lists {
		got, w := Narrowest(l), want(l)
		if !slices.Equal(got, w) {
			t.Fatalf("Narrowest(%q) = %q, want %q", l, got, w)
		}
		dropped += len(l) - len(got)
	}
	if dropped == 0 {
		t.Fatal("no list had a name dropped: the pool tests nothing")
	}
}
