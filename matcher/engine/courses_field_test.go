package engine

import (
	"fmt"
	"slices"
	"testing"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// TestCourseOfAnotherField: issue 9's item 4, "relevant to the graduate's
// field or to what the posts on the plan require" — a course that names
// the majors it is for, none of the graduate's 门类 or 专业类 (a 哲学
// course for a 会计学 graduate), is another field's course: what it
// teaches besides that field (写作, asked by every post) does not make it
// fit. The same gap filled by a course for no particular major, or by one
// for a major of the graduate's 门类 (财务管理, 管理学 like 会计学), does.
func TestCourseOfAnotherField(t *testing.T) {
	var posts []matcher.Post
	for i := range 6 {
		p := basePost()
		p.ID, p.Employer = fmt.Sprintf("p:%d", i), fmt.Sprintf("单位%d", i)
		p.Occupation = "2-06-03-00"
		p.Skills = []string{"写作", "纳税申报"}
		posts = append(posts, p)
	}
	start := testNow.AddDate(0, 0, 10)
	courses := []matcher.Course{
		{ID: "c:phil", Title: "哲学岗位能力提升培训", Provider: "甲", Places: 30, StartDate: start, DurationDays: 20, Skills: []string{"写作", "逻辑思维"}, Majors: []string{"哲学", "逻辑学"}},
		{ID: "c:write", Title: "应用写作培训班", Provider: "乙", Places: 30, StartDate: start, DurationDays: 10, Skills: []string{"写作"}},
		{ID: "c:tax", Title: "纳税申报实务培训班", Provider: "丙", Places: 30, StartDate: start, DurationDays: 10, Skills: []string{"纳税申报"}, Majors: []string{"财务管理"}},
	}
	e := newTestEngine(t, posts, courses)
	g := baseGraduate() // 会计学
	res, err := e.Recommend(&g, matcher.Query{Kind: matcher.KindCourse, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, it := range res.Items {
		got = append(got, it.PostID)
	}
	if slices.Contains(got, "c:phil") || !slices.Contains(got, "c:write") || !slices.Contains(got, "c:tax") {
		t.Errorf("courses %v: want c:write and c:tax (gaps of the posts), not c:phil (哲学's course)", got)
	}
	if res.Excluded[matcher.RuleCourseUnrelated] != 1 {
		t.Errorf("excluded %v: want c:phil unrelated", res.Excluded)
	}
	// A graduate of the course's field is offered it.
	g.Major, g.MajorCode = "哲学", "010101"
	res, err = e.Recommend(&g, matcher.Query{Kind: matcher.KindCourse, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(res.Items, func(it matcher.Item) bool { return it.PostID == "c:phil" }) {
		t.Errorf("哲学 graduate: c:phil not offered (%v)", res.Excluded)
	}
}
