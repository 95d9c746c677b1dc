package matcher

import "testing"

// TestMajorVerdictsAreMatchMajors checks the shared verdict table against
// the rule it caches: for every graduate major and every list of majors,
// MajorLevel read through the table equals MatchMajors of the pair — and a
// list interned after the table was made is still judged by the rule.
func TestMajorVerdictsAreMatchMajors(t *testing.T) {
	lists := [][]string{
		{"计算机科学与技术"}, {"会计学", "财务管理"}, {"计算机类"}, {"护理学"},
		{"软件工程", "计算机科学与技术"}, {"汉语言文学", "新闻学"}, {"财务管理"},
	}
	ids := map[string]int32{}
	var restr []*PostRestrictions
	var facts []PostFacts
	for i, l := range lists {
		p := &Post{ID: "P", Title: "岗位", Majors: l}
		f, r := NewPostFacts(p)
		if !f.HasMajors {
			t.Fatalf("list %v: no majors compiled", l)
		}
		r.MajorIDs = make([]int32, len(r.Majors))
		for j, m := range r.Majors {
			k := m.Code + "|" + m.Name + "|" + m.Class
			if _, ok := ids[k]; !ok {
				ids[k] = int32(len(ids))
			}
			r.MajorIDs[j] = ids[k]
		}
		f.MajorSet = int32(i)
		restr = append(restr, &r)
		facts = append(facts, f)
	}
	known := len(lists) - 1 // the last list is "interned after" the table
	for _, gm := range []string{"软件工程", "会计学", "护理学", "新闻学", "考古学", "", "计算机科学与技术"} {
		major := resolveGraduateMajor("", gm)
		table := MajorVerdicts(major, restr[:known], len(ids))
		gf := GraduateFacts{Major: major}
		gf.UseMajorVerdicts(table)
		seenAbove := false
		for i := range lists {
			want := MatchMajors(major, restr[i].Majors)
			if got := gf.MajorLevel(&facts[i], restr[i]); got != want {
				t.Errorf("graduate %q, list %v: table says %v, the rule %v", gm, lists[i], got, want)
			}
			seenAbove = seenAbove || want > MajorNone
		}
		if gm == "软件工程" && !seenAbove {
			t.Errorf("软件工程 matches no list: the check compares nothing")
		}
	}
}
