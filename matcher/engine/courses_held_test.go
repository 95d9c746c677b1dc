package engine

import (
	"fmt"
	"slices"
	"testing"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

// TestCourseSubjectHeld: issue 9's "not for skills held" on the term
// hierarchy — an office-software course (Word, Excel, PPT: kinds of
// 办公软件) is not offered to a graduate who holds Excel, though its posts
// ask for Word; a course teaching one kind of a broad term (MySQL, a
// 数据库) is still offered to a graduate holding another kind (Oracle).
func TestCourseSubjectHeld(t *testing.T) {
	var posts []matcher.Post
	for i := range 6 {
		p := basePost()
		p.ID, p.Employer = fmt.Sprintf("p:%d", i), fmt.Sprintf("单位%d", i)
		p.Occupation = "2-06-03-00"
		p.Skills = []string{"Word", "MySQL", "PPT"}
		posts = append(posts, p)
	}
	start := testNow.AddDate(0, 0, 10)
	courses := []matcher.Course{
		{ID: "c:office", Title: "计算机办公应用培训班", Provider: "甲", Places: 30, StartDate: start, DurationDays: 10, Skills: []string{"Word", "Excel", "PPT", "公文写作"}},
		{ID: "c:db", Title: "MySQL实战培训班", Provider: "乙", Places: 30, StartDate: start, DurationDays: 10, Skills: []string{"MySQL", "Linux"}},
	}
	e := newTestEngine(t, posts, courses)
	ids := func(held ...string) ([]string, map[string]int) {
		t.Helper()
		g := baseGraduate()
		g.Skills = held
		res, err := e.Recommend(&g, matcher.Query{Kind: matcher.KindCourse, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, it := range res.Items {
			out = append(out, it.PostID)
		}
		return out, res.Excluded
	}
	if got, _ := ids(); !slices.Contains(got, "c:office") || !slices.Contains(got, "c:db") {
		t.Fatalf("no skills held: courses %v, want both", got)
	}
	got, ex := ids("Excel", "Oracle")
	if slices.Contains(got, "c:office") || ex[matcher.RuleCourseSkillsHeld] != 1 {
		t.Errorf("Excel held: courses %v, excluded %v; want c:office left out as held (Excel is 办公软件)", got, ex)
	}
	if !slices.Contains(got, "c:db") {
		t.Errorf("Oracle held: courses %v; want c:db (MySQL is one kind of 数据库, not the course's subject)", got)
	}
	if s := courseSubjects([]string{"Word", "Excel", "公文写作"}, nil); !slices.Equal(s, []string{"办公软件"}) {
		t.Errorf("courseSubjects(Word, Excel, 公文写作) = %v, want [办公软件]", s)
	}
}

// The engine's per-name sets give what catalog.Holder says of the held
// names together, for every course term, names outside the lexicon too.
func TestHeldTermsIsHolder(t *testing.T) {
	courses := genCourses(3, 150)
	courses = append(courses,
		matcher.Course{ID: "c:office", Title: "计算机办公应用培训班", Places: 30, Skills: []string{"Word", "Excel", "PPT", "公文写作"}},
		matcher.Course{ID: "c:en", Title: "英语四级培训班", Places: 30, Certificates: []string{"英语四级"}},
		matcher.Course{ID: "c:drive", Title: "C1驾驶证培训", Places: 30, Certificates: []string{"C1驾驶证"}},
		matcher.Course{ID: "c:odd", Title: "某某手艺班", Places: 30, Skills: []string{"某某手艺"}})
	e := newTestEngine(t, genPosts(3, 300), courses)
	helds := [][]string{{"Excel"}, {"英语六级"}, {"B2驾驶证", "Oracle"}, {"某某手艺"}, {"ＥＸＣＥＬ"}, {}}
	for _, g := range genGraduates(4, 300) {
		helds = append(helds, slices.Concat(g.Skills, g.Certificates))
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	yes := 0
	for _, held := range helds {
		h := e.newHeldTerms(held)
		hold := catalog.NewHolder(held)
		for term, id := range e.courseTermID {
			want := len(held) > 0 && hold.Satisfies(term)
			got := len(held) > 0 && h.satisfies(id)
			if got != want {
				t.Fatalf("held %v, term %q: %v, Holder says %v", held, term, got, want)
			}
			if got {
				yes++
			}
		}
	}
	if yes < 50 {
		t.Fatalf("only %d terms held", yes)
	}
}
