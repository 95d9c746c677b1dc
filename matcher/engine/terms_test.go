package engine

import (
	"slices"
	"strings"
	"testing"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// TestTermsWithHierarchy: a graduate's certificate meets a post's need
// for its parent or a lower level, never for another branch, in the
// features, the reasons and the missing list; a course teaching a higher
// level fills a gap for a lower one.
func TestTermsWithHierarchy(t *testing.T) {
	mk := func(id string, certs ...string) matcher.Post {
		p := basePost()
		p.ID, p.Employer, p.Certificates = id, "单位"+id, certs
		return p
	}
	posts := []matcher.Post{
		mk("p:parent", "教师资格证"),
		mk("p:lower", "普通话二级甲等"),
		mk("p:narrower", "幼儿园教师资格证"),
		mk("p:cet4", "英语四级"),
		mk("p:cet4b", "英语四级"),
		mk("p:cet4c", "英语四级"),
	}
	courses := []matcher.Course{{ID: "c:cet6", Title: "英语六级冲刺班", Provider: "甲学校", Category: matcher.CourseSkills, Places: 20,
		StartDate: testNow.AddDate(0, 0, 5), DurationDays: 10, Certificates: []string{"英语六级"}}}
	e := newTestEngine(t, posts, courses)
	g := baseGraduate()
	g.Certificates = []string{"高级中学教师资格证", "普通话一级乙等"}
	ids := []string{"p:parent", "p:lower", "p:narrower", "p:cet4"}
	xs, err := e.FeatureVectors(&g, ids)
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{1, 1, 0, 0}
	for i, x := range xs {
		if x[FCertificates] != want[i] {
			t.Errorf("%s: certificates %v, want %v", ids[i], x[FCertificates], want[i])
		}
	}
	res, err := e.Recommend(&g, matcher.Query{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	reasons := map[string]string{}
	for _, it := range res.Items {
		reasons[it.PostID] = strings.Join(it.Reasons, " · ")
	}
	if r := reasons["p:parent"]; !strings.Contains(r, "证书符合：教师资格证（您有高级中学教师资格证）") || strings.Contains(r, "缺少") {
		t.Errorf("p:parent reasons %q", r)
	}
	if r := reasons["p:lower"]; !strings.Contains(r, "证书符合：普通话二级甲等（您有普通话一级乙等）") {
		t.Errorf("p:lower reasons %q", r)
	}
	if r := reasons["p:narrower"]; !strings.Contains(r, "缺少：幼儿园教师资格证") {
		t.Errorf("p:narrower reasons %q: a 高级中学 certificate does not meet a 幼儿园 need", r)
	}
	cres, err := e.Recommend(&g, matcher.Query{Kind: matcher.KindCourse})
	if err != nil || len(cres.Items) != 1 {
		t.Fatalf("courses: %v %v", err, cres)
	}
	if c := cres.Items[0]; !slices.Contains(c.Opens, "p:cet4") || !strings.Contains(strings.Join(c.Reasons, " "), "可补齐：英语四级") {
		t.Errorf("英语六级 course: opens %v, reasons %q; want it to fill the 英语四级 gap", c.Opens, c.Reasons)
	}
}
