package extract

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

func extractor(t testing.TB) *Extractor {
	t.Helper()
	x, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	return x
}

func TestDegree(t *testing.T) {
	x := extractor(t)
	for _, c := range []struct {
		text  string
		want  matcher.Degree
		found bool
	}{
		{"1、本科及以上学历，计算机相关专业", matcher.DegreeBachelor, true},
		{"学历：大专", matcher.DegreeAssociate, true},
		{"大专以上学历，本科优先", matcher.DegreeAssociate, true},
		{"统招本科，能熟练阅读英文文档", matcher.DegreeBachelor, true},
		{"本科及以上，优秀者可放宽至大专", matcher.DegreeAssociate, true},
		{"硕士研究生及以上学历", matcher.DegreeMaster, true},
		{"高中或以上学历", matcher.DegreeSecondary, true},
		{"初中及以上学历", matcher.DegreeNone, true},
		{"学历不限，有无经验均可", matcher.DegreeNone, true},
		{"本科学历优先", matcher.DegreeNone, false},                  // a preference
		{"负责成人学历的招生(中专，大专、本科、研究生)", matcher.DegreeNone, false}, // a list of programmes
		{"本科生实习岗位", matcher.DegreeNone, false},
		{"", matcher.DegreeNone, false},
	} {
		r := x.Extract("", c.text)
		if r.Degree != c.want || r.DegreeFound != c.found {
			t.Errorf("%q: degree %v (%v, %q), want %v (%v)", c.text, r.Degree, r.DegreeFound, r.DegreeText, c.want, c.found)
		}
	}
}

func TestExperience(t *testing.T) {
	x := extractor(t)
	for _, c := range []struct {
		text  string
		want  int
		found bool
	}{
		{"3年以上Java开发经验", 3, true},
		{"具有两年及以上相关工作经验", 2, true},
		{"1-3年经验", 1, true},
		{"3-5年外销相关工作经验", 3, true},
		{"2年以上开发经验；5年以上测试经验", 5, true},
		{"从事电气产品相关行业10年以上", 10, true},
		{"半年以上客服经验", 1, true},
		{"工作经验：3年", 3, true},
		{"经验不限，欢迎应届毕业生", 0, true},
		{"有无经验均可，公司提供培训", 0, true},
		{"有2年以上电话销售经验可优先考虑", 0, false}, // a preference
		{"公司成立18年，年薪10万，年龄18-45周岁", 0, false},
		{"工作周期：1个月", 0, false},
		{"2024年入职", 0, false},
	} {
		r := x.Extract("", c.text)
		if r.ExperienceMin != c.want || r.ExperienceFound != c.found {
			t.Errorf("%q: experience %d (%v, %q), want %d (%v)", c.text, r.ExperienceMin, r.ExperienceFound, r.ExperienceText, c.want, c.found)
		}
	}
}

func TestMajors(t *testing.T) {
	x := extractor(t)
	for _, c := range []struct {
		text string
		want []string // catalogue names
		any  bool
	}{
		{"计算机相关专业，本科及以上学历", []string{"计算机类"}, false},
		{"护理专业毕业，持护士证", []string{"护理"}, false}, // the 专科 major of that name
		{"专业：会计学、财务管理", []string{"会计学", "财务管理"}, false},
		{"本科学历，专业不限", nil, true},
		{"市场营销、国际贸易等专业优先", nil, false}, // a preference
		{"具备专业知识和专业技能", nil, false},
		{"提供专业的服务", nil, false},
	} {
		r := x.Extract("", c.text)
		if !slices.Equal(r.Majors, c.want) || r.MajorsAny != c.any || len(r.MajorCodes) != len(r.Majors) {
			t.Errorf("%q: majors %v %v any %v, want %v any %v", c.text, r.Majors, r.MajorCodes, r.MajorsAny, c.want, c.any)
		}
	}
}

// TestBenefitsAreNoRequirements: a certificate the employer offers to
// help with (公司提供考证补贴, 协助考取) is not asked of the candidate; one
// the same text asks for is.
func TestBenefitsAreNoRequirements(t *testing.T) {
	x := extractor(t)
	for _, c := range []struct {
		text, want, not string
	}{
		{"任职要求：吃苦耐劳；公司提供考证补贴，协助考取叉车证。", "", "叉车证"},
		{"任职要求：持有电工证，公司协助考取高压电工证", "电工证", "高压电工证"},
		{"福利：考取教师资格证报销费用。任职要求：持有教师资格证", "教师资格证", ""},
		{"任职要求：持有叉车证。其他福利：免费食宿；体检费、健康证费用，入职满三个月报销", "叉车证", "健康证"},
	} {
		certs := strings.Join(x.Extract("", c.text).Certificates, ",")
		if c.want != "" && !strings.Contains(certs, c.want) {
			t.Errorf("%q: certificates %q lack the required %s", c.text, certs, c.want)
		}
		if c.not != "" && strings.Contains(certs, c.not) {
			t.Errorf("%q: certificates %q take the offered %s for a requirement", c.text, certs, c.not)
		}
	}
}

func TestTermsOnWordBoundaries(t *testing.T) {
	x := extractor(t)
	r := x.Extract("软件维护工程师", "岗位职责：开展合规培训，负责系统维护。\n任职要求：持有小学教师资格证、普通话二级甲等及以上；熟悉Spring Boot和MySQL。")
	certs, skills := strings.Join(r.Certificates, ","), strings.Join(r.Skills, ",")
	if strings.Contains(certs, "规培") {
		t.Errorf("规培 found in 合规培训: %v", r.Certificates)
	}
	for _, want := range []string{"小学教师资格证", "普通话二级甲等"} {
		if !strings.Contains(certs, want) {
			t.Errorf("certificates %v lack %s", r.Certificates, want)
		}
	}
	for _, want := range []string{"Spring", "MySQL"} {
		if !strings.Contains(skills, want) {
			t.Errorf("skills %v lack %s", r.Skills, want)
		}
	}
	if !catalog.Satisfies(r.Certificates[0], "教师资格证") {
		t.Errorf("%s does not satisfy 教师资格证", r.Certificates[0])
	}
}

func FuzzExtract(f *testing.F) {
	f.Add("会计", "任职要求：1、本科及以上学历，会计学相关专业；2、3年以上工作经验；3、持有初级会计职称。")
	f.Add("", "学历不限，有无经验均可，专业不限")
	f.Add("司机", "C1及以上驾照，半年以上驾驶经验，年龄18-45周岁")
	f.Add("x", "\x00\xff专业：：1、、2．　")
	x := extractor(f)
	f.Fuzz(func(t *testing.T, title, desc string) {
		r := x.Extract(title, desc)
		if r.DegreeFound != (r.DegreeText != "") || r.ExperienceFound != (r.ExperienceText != "") {
			t.Fatalf("found without text: %+v", r)
		}
		if r.Degree < matcher.DegreeNone || r.Degree > matcher.DegreeDoctor || r.ExperienceMin < 0 || r.ExperienceMin > 40 {
			t.Fatalf("out of range: %+v", r)
		}
		if len(r.Majors) != len(r.MajorCodes) {
			t.Fatalf("majors and codes differ: %v %v", r.Majors, r.MajorCodes)
		}
		for _, s := range append(append([]string{}, r.Skills...), r.Certificates...) {
			if _, ok := catalog.SkillByName(s); !ok {
				t.Fatalf("%q is not a catalogue term", s)
			}
		}
		for _, s := range []string{r.DegreeText, r.ExperienceText} {
			if !utf8.ValidString(s) {
				t.Fatalf("invalid UTF-8 in %q", s)
			}
		}
	})
}

// TestIsClauseEnd holds the switch to the list it replaces: every rune of
// clauseEnds, and no other rune of the Basic Multilingual Plane (nor the
// replacement rune an invalid byte decodes to).
func TestIsClauseEnd(t *testing.T) {
	for r := rune(0); r <= 0xFFFF; r++ {
		if got, want := isClauseEnd(r), strings.ContainsRune(clauseEnds, r); got != want {
			t.Errorf("isClauseEnd(%q) = %v, want %v", r, got, want)
		}
	}
	if n := utf8.RuneCountInString(clauseEnds); n != 20 {
		t.Fatalf("clauseEnds has %d runes, want 20", n)
	}
}
