package engine

import (
	"strings"
	"testing"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// TestLicenceSubjectRegulation: the three ways a post close to the
// graduate's field is still not theirs. A post that requires a licence a
// fresh graduate cannot hold (执业医师资格证) scores 0 on the licence
// feature unless the graduate holds it, and says why; a teacher post for a
// subject the major does not teach gets no occupation affinity; a
// regulated occupation the major does not qualify for (口腔科医师 for
// 临床医学) gets none either, however close it is to the major's own.
func TestLicenceSubjectRegulation(t *testing.T) {
	mk := func(id, title, occ string, certs ...string) matcher.Post {
		p := basePost()
		p.ID, p.Title, p.Employer, p.Occupation, p.Certificates = id, title, "单位"+id, occ, certs
		return p
	}
	posts := []matcher.Post{
		mk("p:physician", "内科医生", "2-05-01-01", "执业医师资格证"),
		mk("p:attending", "内科医生", "2-05-01-01", "主治医师"),
		mk("p:resident", "内科医生", "2-05-01-01"),
		mk("p:dentist", "口腔科医生", "2-05-01-07"),
		mk("p:chinese", "高中语文教师", "2-08-02-01"),
		mk("p:maths", "高中数学教师", "2-08-02-01"),
		mk("p:teacher", "高中教师", "2-08-02-01"),
		mk("p:kindergarten", "幼儿英语老师", "2-08-03-00"),
	}
	e := newTestEngine(t, posts, nil)
	doctor := baseGraduate()
	doctor.Major, doctor.MajorCode = "临床医学", "100201K"
	ids := []string{"p:physician", "p:attending", "p:resident", "p:dentist"}
	xs, err := e.FeatureVectors(&doctor, ids)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []float64{0, 0, 1, 1} {
		if xs[i][FLicence] != want {
			t.Errorf("%s: licence %v, want %v", ids[i], xs[i][FLicence], want)
		}
	}
	if xs[2][FOccupation] < 0.9 || xs[3][FOccupation] != 0 {
		t.Errorf("临床医学: occupation affinity 内科医师 %v (want ≥ 0.9), 口腔科医师 %v (want 0: it needs 口腔医学)", xs[2][FOccupation], xs[3][FOccupation])
	}
	held := doctor
	held.Certificates = []string{"执业医师资格证"}
	if xs, err := e.FeatureVectors(&held, ids[:2]); err != nil || xs[0][FLicence] != 1 || xs[1][FLicence] != 0 {
		t.Errorf("a graduate holding 执业医师资格证: licence %v %v, want 1 (held) and 0 (主治医师 is above it)", xs[0][FLicence], xs[1][FLicence])
	}
	reasons := reasonsOf(t, e, &doctor)
	if r := reasons["p:physician"]; !strings.Contains(r, "执业资格：岗位要求执业医师资格证，须毕业后从业满1年方可取得") {
		t.Errorf("p:physician reasons %q", r)
	}
	if r := reasons["p:dentist"]; !strings.Contains(r, "专业限制：口腔科医师") || strings.Contains(r, "专业对口") {
		t.Errorf("p:dentist reasons %q", r)
	}

	chinese := baseGraduate()
	chinese.Major, chinese.MajorCode = "汉语言文学", "050101"
	ids = []string{"p:chinese", "p:maths", "p:teacher", "p:kindergarten"}
	xs, err = e.FeatureVectors(&chinese, ids)
	if err != nil {
		t.Fatal(err)
	}
	if xs[0][FOccupation] < 0.9 || xs[1][FOccupation] != 0 || xs[2][FOccupation] < 0.9 {
		t.Errorf("汉语言文学: 语文 %v (want ≥ 0.9), 数学 %v (want 0), a teacher post naming no subject %v (want ≥ 0.9)", xs[0][FOccupation], xs[1][FOccupation], xs[2][FOccupation])
	}
	if r := reasonsOf(t, e, &chinese)["p:maths"]; !strings.Contains(r, "学科不符：岗位任教数学") || strings.Contains(r, "专业对口") {
		t.Errorf("p:maths reasons %q", r)
	}
	maths := baseGraduate()
	maths.Major, maths.MajorCode = "数学与应用数学", "070101"
	if xs, err := e.FeatureVectors(&maths, []string{"p:maths", "p:chinese"}); err != nil || xs[0][FOccupation] < 0.9 || xs[1][FOccupation] != 0 {
		t.Errorf("数学与应用数学: 数学 %v (want ≥ 0.9), 语文 %v (want 0)", xs[0][FOccupation], xs[1][FOccupation])
	}
	preschool := baseGraduate()
	preschool.Major, preschool.MajorCode = "学前教育", "040106"
	if xs, err := e.FeatureVectors(&preschool, []string{"p:kindergarten"}); err != nil || xs[0][FOccupation] < 0.9 {
		t.Errorf("学前教育 and a kindergarten's English teacher: occupation %v, want ≥ 0.9 (a kindergarten teacher teaches everything)", xs[0][FOccupation])
	}
}

// reasonsOf returns every listed post's reasons, joined, by post.
func reasonsOf(t *testing.T, e *Engine, g *matcher.Graduate) map[string]string {
	t.Helper()
	res, err := e.Recommend(g, matcher.Query{Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, it := range res.Items {
		out[it.PostID] = strings.Join(it.Reasons, " · ")
	}
	return out
}
