package convert

import (
	"strings"
	"testing"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

func row(file string, vals map[string]string) Row {
	return Row{File: file, Line: 7, Values: vals}
}

func validID(body string) string { return body + string(matcher.NationalIDCheckDigit(body)) }

func TestPostFromRow(t *testing.T) {
	base := func() map[string]string {
		return map[string]string{"title": "会计", "employer": "新疆某某有限公司", "salary": "3000-5000元/月", "district": "天山", "degree_min": "本科及以上"}
	}
	with := func(kv ...string) map[string]string {
		m := base()
		for i := 0; i+1 < len(kv); i += 2 {
			if kv[i+1] == "" {
				delete(m, kv[i])
			} else {
				m[kv[i]] = kv[i+1]
			}
		}
		return m
	}
	tests := []struct {
		name     string
		vals     map[string]string
		optional map[string]bool
		errCols  []string
		check    func(t *testing.T, p matcher.Post)
	}{
		{name: "defaults", vals: base(), check: func(t *testing.T, p matcher.Post) {
			if p.Source != "posts-2024" || p.Kind != matcher.KindJob || p.Channel != matcher.ChannelSME || p.Headcount != 1 ||
				p.Status != matcher.PostOpen || p.DegreeMin != matcher.DegreeBachelor || p.District != "天山区" || p.Salary.Min != 3000 {
				t.Errorf("post = %+v", p)
			}
			if !strings.HasPrefix(p.ID, "posts-2024:h") || p.ID != matcher.PostID(p.Source, p.ExternalID) {
				t.Errorf("ID = %q", p.ID)
			}
		}},
		{name: "external id and source column", vals: with("external_id", "J-1", "source", "BOSS"), check: func(t *testing.T, p matcher.Post) {
			if p.ID != "boss:J-1" {
				t.Errorf("ID = %q", p.ID)
			}
		}},
		{name: "channel from employer type", vals: with("employer_type", "事业单位"), check: func(t *testing.T, p matcher.Post) {
			if p.Channel != matcher.ChannelPublicSector {
				t.Errorf("channel = %s", p.Channel)
			}
		}},
		{name: "state owned", vals: with("employer_type", "国有企业"), check: func(t *testing.T, p matcher.Post) {
			if p.Channel != matcher.ChannelStateOwned {
				t.Errorf("channel = %s", p.Channel)
			}
		}},
		{name: "explicit channel wins", vals: with("employer_type", "事业单位", "channel", "grassroots", "kind", "internship", "headcount", "5人"), check: func(t *testing.T, p matcher.Post) {
			if p.Channel != matcher.ChannelGrassroots || p.Kind != matcher.KindInternship || p.Headcount != 5 {
				t.Errorf("post = %+v", p)
			}
		}},
		{name: "age range", vals: with("age_max", "25-40岁"), check: func(t *testing.T, p matcher.Post) {
			if p.AgeMin != 25 || p.AgeMax != 40 {
				t.Errorf("age = %d-%d", p.AgeMin, p.AgeMax)
			}
		}},
		{name: "age limit", vals: with("age_max", "35周岁以下"), check: func(t *testing.T, p matcher.Post) {
			if p.AgeMax != 35 {
				t.Errorf("age max = %d", p.AgeMax)
			}
		}},
		{name: "negotiable salary", vals: with("salary", "面议"), check: func(t *testing.T, p matcher.Post) {
			if !p.Salary.Negotiable || p.Salary.Known() {
				t.Errorf("salary = %+v", p.Salary)
			}
		}},
		{name: "stable hash", vals: base(), check: func(t *testing.T, p matcher.Post) {
			q, _ := PostFromRow(row("/x/posts-2024.csv", base()))
			if q.ID != p.ID {
				t.Errorf("hash ID not stable: %s vs %s", p.ID, q.ID)
			}
		}},
		{name: "bad salary", vals: with("salary", "abc"), errCols: []string{"salary"}},
		{name: "every error listed", vals: with("title", "", "employer", "", "salary", "abc", "degree_min", "火星学历", "deadline", "明天吧"),
			errCols: []string{"title", "employer", "degree_min", "salary", "deadline"}},
		{name: "optional employer", vals: with("employer", ""), optional: map[string]bool{"employer": true}, check: func(t *testing.T, p matcher.Post) {
			if p.Employer != "" || p.ID == "" {
				t.Errorf("post = %+v", p)
			}
		}},
		{name: "bad channel", vals: with("channel", "火星"), errCols: []string{"channel"}},
		{name: "deadline before posted", vals: with("posted_at", "2024-06-01", "deadline", "2024-05-01"), errCols: []string{"deadline"}},
		{name: "overlong external id", vals: with("external_id", strings.Repeat("x", 300)), errCols: []string{"external_id"}},
		{name: "bad age", vals: with("age_max", "年轻"), errCols: []string{"age_max"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := row("/data/Posts-2024.csv", tc.vals)
			r.Optional = tc.optional
			p, errs := PostFromRow(r)
			var cols []string
			for _, e := range errs {
				cols = append(cols, e.Column)
				if e.File != r.File || e.Line != 7 || e.Reason == "" {
					t.Errorf("error lacks position or reason: %+v", e)
				}
			}
			if strings.Join(cols, ",") != strings.Join(tc.errCols, ",") {
				t.Fatalf("error columns = %v, want %v (%+v)", cols, tc.errCols, errs)
			}
			if len(errs) == 0 && tc.check != nil {
				tc.check(t, p)
			}
		})
	}
	_, errs := PostFromRow(row("f.csv", with("salary", "abc")))
	if r := errs[0].Reason; !strings.Contains(r, "abc") || !strings.Contains(r, "面议") || errs[0].Value != "abc" {
		t.Errorf("salary reason should quote the value and show a valid form: %+v", errs[0])
	}
}

func TestGraduateFromRow(t *testing.T) {
	id := validID("65010220020517123") // born 2002-05-17, 17th digit 3: male
	badID := id[:17] + string("0123456789X"[(strings.IndexByte("0123456789X", id[17])+1)%11])
	tests := []struct {
		name    string
		vals    map[string]string
		errCols []string
		check   func(t *testing.T, g matcher.Graduate)
	}{
		{name: "derived from id", vals: map[string]string{"name": "张三", "national_id": id, "phone": "138 0013 8000", "degree": "本科",
			"graduation_year": "2024年6月", "hukou_district": "沙区", "preferred_channels": "国企;sme", "hardship": "低保", "expected_salary": "4000-6000"},
			check: func(t *testing.T, g matcher.Graduate) {
				if g.BirthDate.Format("2006-01-02") != "2002-05-17" || g.Gender != "男" || g.Phone != "13800138000" ||
					g.GraduationYear != 2024 || g.HukouDistrict != "沙依巴克区" || len(g.PreferredChannels) != 2 ||
					len(g.Hardship) != 1 || g.ExpectedSalary != 4000 || g.ID == "" || strings.Contains(g.ID, id) {
					t.Errorf("graduate = %+v", g)
				}
			}},
		{name: "explicit id", vals: map[string]string{"id": "G-1", "name": "李四"}, check: func(t *testing.T, g matcher.Graduate) {
			if g.ID != "G-1" {
				t.Errorf("ID = %q", g.ID)
			}
		}},
		{name: "no identity", vals: map[string]string{"name": "王五"}, errCols: []string{"id"}},
		{name: "bad id and phone", vals: map[string]string{"name": "赵六", "national_id": badID, "phone": "12345"}, errCols: []string{"national_id", "phone"}},
		{name: "birth date mismatch", vals: map[string]string{"name": "钱七", "national_id": id, "birth_date": "2001-01-01"}, errCols: []string{"birth_date"}},
		{name: "bad hardship", vals: map[string]string{"name": "孙八", "id": "G-2", "hardship": "某种秘密"}, errCols: []string{"hardship"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g, errs := GraduateFromRow(row("ledger.csv", tc.vals))
			var cols []string
			for _, e := range errs {
				cols = append(cols, e.Column)
				if personalColumns[e.Column] && e.Value != "" {
					t.Errorf("personal value echoed in Value: %+v", e)
				}
				for _, v := range tc.vals {
					if personalColumns[e.Column] && len(v) > 3 && strings.Contains(e.Reason, v) {
						t.Errorf("personal value echoed in reason: %+v", e)
					}
				}
			}
			if strings.Join(cols, ",") != strings.Join(tc.errCols, ",") {
				t.Fatalf("error columns = %v, want %v (%+v)", cols, tc.errCols, errs)
			}
			if len(errs) == 0 && tc.check != nil {
				tc.check(t, g)
			}
		})
	}
}

func TestCourseFromRow(t *testing.T) {
	c, errs := CourseFromRow(row("courses.jsonl", map[string]string{"title": "SYB创业培训", "provider": "乌鲁木齐市职业技能培训中心", "category": "创业培训", "places": "30", "start_date": "2024-07-01", "duration_days": "10天"}))
	if errs != nil {
		t.Fatal(errs)
	}
	if c.Category != matcher.CourseEntrepreneurship || c.Places != 30 || c.DurationDays != 10 || c.Source != "courses" || c.ID == "" {
		t.Errorf("course = %+v", c)
	}
	_, errs = CourseFromRow(row("courses.jsonl", map[string]string{"title": "x", "places": "很多"}))
	if len(errs) != 2 || errs[0].Column != "provider" || errs[1].Column != "places" {
		t.Errorf("errors = %+v", errs)
	}
}

func TestParseAge(t *testing.T) {
	tests := []struct {
		in       string
		min, max int
		err      bool
	}{
		{"35", 0, 35, false}, {"35岁以下", 0, 35, false}, {"18-35岁", 18, 35, false}, {"年龄不限", 0, 0, false},
		{"18岁以上", 18, 0, false}, {"40-25", 25, 40, false}, {"很年轻", 0, 0, true}, {"200", 0, 0, true},
	}
	for _, tc := range tests {
		lo, hi, err := parseAge(tc.in)
		if (err != nil) != tc.err || (!tc.err && (lo != tc.min || hi != tc.max)) {
			t.Errorf("parseAge(%q) = %d, %d, %v", tc.in, lo, hi, err)
		}
	}
}

// TestPostRequirementsFromText: what the row leaves empty is read from the
// description (ingest/extract); where both state a degree or years, the
// stricter holds.
func TestPostRequirementsFromText(t *testing.T) {
	desc := "岗位职责：开展合规培训。\n任职要求：\n1、护理学等相关专业，大专及以上学历；\n2、2年以上临床护理工作经验；\n3、持有护士执业资格证，有C1驾照者优先。"
	p, errs := PostFromRow(row("posts.csv", map[string]string{"title": "护士", "employer": "新疆某医院", "description": desc}))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if p.DegreeMin != matcher.DegreeAssociate || p.ExperienceMin != 2 || p.Experience != "2年以上" {
		t.Errorf("degree %v, experience %d %q; want associate, 2 2年以上", p.DegreeMin, p.ExperienceMin, p.Experience)
	}
	if len(p.MajorCodes) == 0 || !strings.Contains(strings.Join(p.Majors, ","), "护理") {
		t.Errorf("majors %v %v, want 护理", p.Majors, p.MajorCodes)
	}
	certs := strings.Join(p.Certificates, ",")
	if !strings.Contains(certs, "护士执业资格证") || !strings.Contains(certs, "C1驾驶证") || strings.Contains(certs, "规培") {
		t.Errorf("certificates %v: want 护士执业资格证 and C1驾驶证, never 规培 (from 合规培训)", p.Certificates)
	}

	// A column stricter than the text holds, and the majors column wins.
	p, errs = PostFromRow(row("posts.csv", map[string]string{"title": "护士", "employer": "新疆某医院", "description": desc,
		"degree_min": "本科", "experience": "3年", "majors": "助产"}))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if p.DegreeMin != matcher.DegreeBachelor || p.ExperienceMin != 3 || strings.Join(p.Majors, ",") != "助产" {
		t.Errorf("stricter columns lost to the text: degree %v, experience %d %q, majors %v", p.DegreeMin, p.ExperienceMin, p.Experience, p.Majors)
	}

	// The text stricter than the column holds: a portal's menu says 不限
	// where the employer wrote 大专 and 2年以上.
	p, errs = PostFromRow(row("posts.csv", map[string]string{"title": "护士", "employer": "新疆某医院", "description": desc,
		"degree_min": "不限", "experience": "不限"}))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if p.DegreeMin != matcher.DegreeAssociate || p.ExperienceMin != 2 || p.Experience != "2年以上" {
		t.Errorf("looser columns kept over the text: degree %v, experience %d %q; want associate, 2 2年以上", p.DegreeMin, p.ExperienceMin, p.Experience)
	}

	// A preference is not a requirement.
	p, _ = PostFromRow(row("posts.csv", map[string]string{"title": "销售", "employer": "某公司", "description": "本科学历优先，市场营销等专业优先，有3年以上经验者优先"}))
	if p.DegreeMin != matcher.DegreeNone || p.ExperienceMin != 0 || len(p.Majors) != 0 {
		t.Errorf("preferences read as requirements: degree %v, experience %d, majors %v", p.DegreeMin, p.ExperienceMin, p.Majors)
	}
}

// TestGraduateMajorFromLedger: the ledger's major is placed at the level of
// the degree, and a major the catalogues do not know is kept with its
// inferred 专业类 and a note, never a rejection.
func TestGraduateMajorFromLedger(t *testing.T) {
	for _, c := range []struct {
		major, degree, name, code, note string
	}{
		{"护理", "中专", "护理", "520201", ""}, // 720201 at 中职, stored with the code posts use for 护理
		{"会计", "大专", "大数据与会计", "530302", ""},
		{"会计", "本科", "会计学", "120203K", ""},
		{"计算机科学与技术（软件工程方向）", "本科", "计算机科学与技术", "080901", ""},
		{"烹饪与营养教育", "本科", "烹饪与营养教育", "082708T", ""},
		{"智能烹饪技术", "大专", "智能烹饪技术", "5402", "推断属餐饮类"},
		{"占星术", "本科", "占星术", "", "无法从名称推断"},
	} {
		g, errs, notes := GraduateFromRowNotes(row("ledger.csv", map[string]string{"id": "G-9", "name": "周九", "major": c.major, "degree": c.degree}))
		if errs != nil || g.Major != c.name || g.MajorCode != c.code {
			t.Errorf("%s (%s): major %q %q, errors %v; want %q %q", c.major, c.degree, g.Major, g.MajorCode, errs, c.name, c.code)
		}
		if (c.note == "") != (len(notes) == 0) || (c.note != "" && (notes[0].Column != "major" || !strings.Contains(notes[0].Reason, c.note))) {
			t.Errorf("%s: notes %+v, want one on major containing %q", c.major, notes, c.note)
		}
	}
}
