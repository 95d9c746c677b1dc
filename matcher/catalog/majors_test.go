package catalog

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// codeForms are the code patterns of each level (MAJORS.md).
var codeForms = map[string]*regexp.Regexp{
	LevelBachelor:    regexp.MustCompile(`^(0[1-9]|1[0-4])[0-9]{4,5}(T|K|TK)?$`),
	LevelAssociate:   regexp.MustCompile(`^[45][0-9]{5}K?$`),
	LevelVocBachelor: regexp.MustCompile(`^[23][0-9]{5}K?$`),
	LevelSecondary:   regexp.MustCompile(`^[67][0-9]{5}K?$`),
	LevelGraduate:    regexp.MustCompile(`^(0[1-9]|1[0-4])[0-9]{2}00$`),
}

// TestMajorCounts checks the catalogues against the counts their editions
// publish: 本科 2025 — 845 专业 in 93 专业类 and 12 门类; 职业教育 2021 —
// 358 中职, 744 高职专科 and 247 高职本科 专业, 19 专业大类 each, 97 专业类
// at 高职专科; 研究生 2022 — 117 一级学科 and 67 专业学位类别 in 14 门类.
func TestMajorCounts(t *testing.T) {
	perLevel := map[string]int{}
	classSet := map[string]map[string]bool{}
	catSet := map[string]map[string]bool{}
	professional := 0
	for _, m := range Majors() {
		perLevel[m.Level]++
		if classSet[m.Level] == nil {
			classSet[m.Level], catSet[m.Level] = map[string]bool{}, map[string]bool{}
		}
		classSet[m.Level][m.ClassCode] = true
		catSet[m.Level][m.CategoryCode] = true
		if m.Professional() {
			professional++
		}
	}
	want := map[string]int{LevelBachelor: 845, LevelAssociate: 744, LevelSecondary: 358, LevelVocBachelor: 247, LevelGraduate: 184}
	for l, n := range want {
		if perLevel[l] != n {
			t.Errorf("%s: %d majors, want %d", l, perLevel[l], n)
		}
	}
	if n := len(classSet[LevelBachelor]); n != 93 {
		t.Errorf("本科: %d 专业类, want 93", n)
	}
	if n := len(catSet[LevelBachelor]); n != 12 {
		t.Errorf("本科: %d 门类, want 12", n)
	}
	if n := len(classSet[LevelAssociate]); n != 97 {
		t.Errorf("高职专科: %d 专业类, want 97", n)
	}
	for _, l := range []string{LevelSecondary, LevelAssociate, LevelVocBachelor} {
		if n := len(catSet[l]); n != 19 {
			t.Errorf("%s: %d 专业大类, want 19", l, n)
		}
	}
	if professional != 67 || perLevel[LevelGraduate]-professional != 117 {
		t.Errorf("研究生: %d 一级学科 and %d 专业学位类别, want 117 and 67", perLevel[LevelGraduate]-professional, professional)
	}
	if n := len(catSet[LevelGraduate]); n != 14 {
		t.Errorf("研究生: %d 门类, want 14", n)
	}
}

// TestMajorsSecondSource checks a sample of codes against a second public
// source (MAJORS.md names them): they must agree with the transcription.
func TestMajorsSecondSource(t *testing.T) {
	for code, name := range map[string]string{
		"081403K": "资源勘查工程", "082707T": "食品营养与检验教育", "082708T": "烹饪与营养教育",
		"083201TK": "未来机器人", "083203TK": "低空技术与工程", "083206T": "智慧城市与空间规划",
		"101011T": "智能医学工程", "101015TK": "医疗器械与装备工程", "080303T": "智能感知工程",
		"520802": "婴幼儿托育服务与管理", "590101": "社会工作", "460301": "机电一体化技术",
		"0502100T": "语言学", "050200T": "桑戈语",
		"081200": "计算机科学与技术", "030500": "马克思主义理论", "071400": "统计学", "140700": "区域国别学", "145200": "密码",
	} {
		m, ok := MajorByCode(code)
		if !ok || m.Name != name {
			t.Errorf("MajorByCode(%s) = %q, %v; want %s", code, m.Name, ok, name)
		}
	}
}

func TestMajorsWellFormed(t *testing.T) {
	classNames := map[string]string{}
	for i, m := range Majors() {
		line := i + 2 // header is line 1
		form, ok := codeForms[m.Level]
		if !ok {
			t.Errorf("majors.csv:%d: level %q", line, m.Level)
			continue
		}
		if !form.MatchString(m.Code) {
			t.Errorf("majors.csv:%d: code %q is not a %s code", line, m.Code, m.Level)
		}
		if m.Name == "" || m.ClassName == "" || m.CategoryName == "" || len(m.CategoryCode) != 2 || len(m.ClassCode) != 4 {
			t.Errorf("majors.csv:%d: %s: empty name, class or category", line, m.Code)
		}
		if m.Level != LevelGraduate && (!strings.HasPrefix(m.Code, m.ClassCode) || !strings.HasPrefix(m.ClassCode, m.CategoryCode)) {
			t.Errorf("majors.csv:%d: %s: class %s / category %s do not prefix the code", line, m.Code, m.ClassCode, m.CategoryCode)
		}
		if m.Level == LevelGraduate && !strings.HasPrefix(m.Code, m.CategoryCode) {
			t.Errorf("majors.csv:%d: %s: category %s does not prefix the code", line, m.Code, m.CategoryCode)
		}
		if prev, ok := classNames[m.ClassCode]; ok && prev != m.ClassName {
			t.Errorf("majors.csv:%d: class %s named both %s and %s", line, m.ClassCode, prev, m.ClassName)
		}
		classNames[m.ClassCode] = m.ClassName
		if len(m.Occupations) == 0 {
			t.Errorf("majors.csv:%d: %s %s leads to no occupation", line, m.Code, m.Name)
		}
		for _, s := range m.Skills {
			if _, ok := SkillByName(s); !ok {
				t.Errorf("majors.csv:%d: %s: skill %q is not in skills.csv", line, m.Name, s)
			}
		}
		for _, a := range m.Aliases {
			if a == m.Name {
				t.Errorf("majors.csv:%d: %s: alias repeats the name", line, m.Name)
			}
		}
	}
	// Every 中职 and 高职本科 专业类 has a 高职专科 class of the same name
	// (the links fall back on it).
	for code, name := range classNames {
		if e := equivalentClass(code); e != "" {
			if classNames[e] != name {
				t.Errorf("专业类 %s %s: no 高职专科 class %s of the same name (%q)", code, name, e, classNames[e])
			}
		}
	}
}

func TestResolveMajor(t *testing.T) {
	tests := []struct {
		name   string
		levels []string
		found  MajorFound
		code   string // major code, else class code
		level  string
	}{
		// exact at the graduate's level; one name, several levels
		{"护理", []string{LevelAssociate}, MajorExact, "520201", LevelAssociate},
		{"护理", []string{LevelSecondary}, MajorExact, "720201", LevelSecondary},
		{"护理", []string{LevelBachelor, LevelVocBachelor}, MajorAlias, "101101K", LevelBachelor},
		{"护理", []string{LevelVocBachelor}, MajorExact, "320201", LevelVocBachelor},
		{"护理学", []string{LevelBachelor}, MajorExact, "101101K", LevelBachelor},
		{"烹饪与营养教育", []string{LevelBachelor}, MajorExact, "082708T", LevelBachelor},
		{"智能感知工程", nil, MajorExact, "080303T", LevelBachelor},
		{"幼儿保育", []string{LevelSecondary}, MajorExact, "770101", LevelSecondary},
		{"中餐烹饪", []string{LevelSecondary}, MajorExact, "740201", LevelSecondary},
		{"大数据与会计", []string{LevelAssociate}, MajorExact, "530302", LevelAssociate},
		{"计算机科学与技术", []string{LevelGraduate}, MajorExact, "081200", LevelGraduate},
		{"计算机科学与技术", []string{LevelBachelor}, MajorExact, "080901", LevelBachelor},
		{"电子信息", []string{LevelGraduate}, MajorExact, "085400", LevelGraduate},
		{"工商管理", []string{LevelGraduate}, MajorExact, "125100", LevelGraduate},
		{"临床医学", []string{LevelAssociate}, MajorExact, "520101K", LevelAssociate},
		// exact at another level: a 大专 graduate writing a 本科 name
		{"财务管理", []string{LevelAssociate}, MajorOtherLevel, "120204", LevelBachelor},
		{"区域国别学", []string{LevelBachelor}, MajorExact, "0502104TK", LevelBachelor},
		{"区域国别学", []string{LevelGraduate}, MajorExact, "140700", LevelGraduate},
		// aliases: older catalogue names and portal names, at the level when it has one
		{"给水排水工程", []string{LevelBachelor}, MajorAlias, "081003", LevelBachelor},
		{"会计", []string{LevelAssociate}, MajorAlias, "530302", LevelAssociate},
		{"会计", []string{LevelBachelor}, MajorAlias, "120203K", LevelBachelor},
		{"物流管理", []string{LevelAssociate}, MajorAlias, "530802", LevelAssociate}, // the 2015 name of 现代物流管理
		{"物流管理", []string{LevelBachelor}, MajorExact, "120601", LevelBachelor},
		{"汉语国际教育", []string{LevelGraduate}, MajorAlias, "045300", LevelGraduate},
		{"国贸", nil, MajorAlias, "020401", LevelBachelor},
		// normalised
		{"汉语言文学（师范）", []string{LevelBachelor}, MajorNormalised, "050101", LevelBachelor},
		{"英语师范", []string{LevelBachelor}, MajorNormalised, "050201", LevelBachelor},
		{"软件工程专业", nil, MajorNormalised, "080902", LevelBachelor},
		{" 软件 工程 ", nil, MajorNormalised, "080902", LevelBachelor},
		{"计算机科学与技术(软件工程方向)", []string{LevelBachelor}, MajorNormalised, "080901", LevelBachelor},
		{"计算机科学与技术软件工程方向", []string{LevelBachelor}, MajorNormalised, "080901", LevelBachelor},
		{"会计学-注册会计师方向", []string{LevelBachelor}, MajorNormalised, "120203K", LevelBachelor},
		{"【中外合作办学】金融学", []string{LevelBachelor}, MajorNormalised, "020301K", LevelBachelor},
		{"ＧＩＳ", nil, MajorNormalised, "070504", LevelBachelor},
		{"天文", []string{LevelBachelor}, MajorNormalised, "070401", LevelBachelor},
		{"统计", []string{LevelBachelor}, MajorAlias, "071201", LevelBachelor},
		{"中文", []string{LevelBachelor}, MajorAlias, "050101", LevelBachelor},
		{"中文", []string{LevelAssociate}, MajorExact, "570209", LevelAssociate},
		{"会计", []string{LevelGraduate}, MajorExact, "125300", LevelGraduate},
		{"电子信息", []string{LevelBachelor}, MajorAlias, "080701", LevelBachelor},
		{"电子信息", []string{LevelAssociate}, MajorAlias, "080701", LevelBachelor},
		{"资源与环境", []string{LevelBachelor}, MajorOtherLevel, "085700", LevelGraduate},
		// 专业类
		{"计算机类", []string{LevelBachelor}, MajorClassName, "0809", LevelBachelor},
		{"计算机类", []string{LevelAssociate}, MajorClassName, "5102", LevelAssociate},
		{"食品科学与工程类", nil, MajorClassName, "0827", LevelBachelor},
		// not in the catalogue: ResolveMajor does not guess
		{"量子烹饪学", []string{LevelBachelor}, MajorNotFound, "", ""},
		{"", nil, MajorNotFound, "", ""},
	}
	for _, tt := range tests {
		r := ResolveMajor(tt.name, tt.levels...)
		if r.Found != tt.found || r.Code() != tt.code || r.Level != tt.level {
			t.Errorf("ResolveMajor(%q, %v) = %v %s %s (%s), want %v %s %s", tt.name, tt.levels, r.Found, r.Code(), r.Level, r.Major.Name, tt.found, tt.code, tt.level)
		}
		if r.Found != MajorNotFound && r.Explain() == "" {
			t.Errorf("ResolveMajor(%q): no explanation", tt.name)
		}
	}
}

func TestMajorByName(t *testing.T) {
	tests := []struct{ name, code string }{
		{"会计学", "120203K"}, {"会计", "120203K"}, {"计算机科学与技术", "080901"}, {"计算机", "080901"},
		{"计算机相关专业", "080901"}, {" 软件工程 ", "080902"}, {"大数据与会计", "530302"}, {"学前教育", "040106"},
		{"幼师", "040106"}, {"中文", "050101"}, {"护理学", "101101K"}, // 中文 as the earlier file had it; ResolveMajor at 高职专科 gives 570209
		{"护理", "520201"}, // a catalogue name beats 护理学's alias; 高职专科 comes before 中职 and 高职本科
		{"国贸", "020401"}, {"网络营销与直播电商", "530704"}, {"维吾尔语言文学", "050104"},
	}
	for _, tt := range tests {
		m, ok := MajorByName(tt.name)
		if !ok || m.Code != tt.code {
			t.Errorf("MajorByName(%q) = %s %s, %v; want %s", tt.name, m.Name, m.Code, ok, tt.code)
		}
	}
	if _, ok := MajorByName("不存在的专业"); ok {
		t.Error("MajorByName(不存在的专业) found something")
	}
	ms := MajorsByName("电子商务")
	var got []string
	for _, m := range ms {
		got = append(got, m.Level+" "+m.Code)
	}
	for _, w := range []string{"本科 120801", "高职专科 530701", "高职本科 330701", "中职 730701"} {
		if !slices.Contains(got, w) {
			t.Errorf("MajorsByName(电子商务) = %v, want %s among them", got, w)
		}
	}
}

func TestMajorAffinity(t *testing.T) {
	tests := []struct {
		major, occ string
		want       AffinityKind
		inherited  bool
	}{
		{"100201K", "2-05-01-01", AffinityLicensed, false}, // 临床医学 → 内科医师
		{"100201K", "2-05-01-13", AffinityLicensed, false}, // → 麻醉科医师 (a clinical specialty)
		{"100201K", "2-05-01-07", AffinityBarred, false},   // → 口腔科医师 needs 口腔医学
		{"100201K", "2-05-08-04", AffinityBarred, false},   // → 外科护士 needs 护理
		{"100201K", "2-05-06-01", AffinityBarred, false},   // → 药师
		{"100301K", "2-05-01-07", AffinityLicensed, false}, // 口腔医学 → 口腔科医师
		{"100301K", "2-05-01-01", AffinityBarred, false},   // 口腔医学 → 内科医师
		{"100202TK", "2-05-01-13", AffinityLicensed, false},
		{"100202TK", "2-05-01-02", AffinityBarred, false},   // 麻醉学 is not 外科
		{"101101K", "2-05-08-04", AffinityLicensed, false},  // 护理学 → 外科护士
		{"101102TK", "2-05-08-06", AffinityLicensed, false}, // 助产学 → 助产士
		{"101102TK", "2-05-08-02", AffinityLicensed, true},  // … → 儿科护士, through 护理学类
		{"520201", "2-05-08-03", AffinityLicensed, true},    // 专科 护理 → 急诊护士, through 护理类
		{"720201", "2-05-08-01", AffinityLicensed, true},    // 中职 护理, through the 高职专科 护理类
		{"100701", "2-05-06-01", AffinityLicensed, false},   // 药学 → 药师
		{"100705T", "2-05-06-01", AffinityLicensed, true},   // 药物分析, through 药学类
		{"100701", "2-05-06-02", AffinityBarred, false},     // 药学 → 中药师 needs 中药学
		{"100801", "2-05-06-02", AffinityLicensed, false},
		{"030101K", "2-07-04-00", AffinityLicensed, false}, // 法学 → 律师
		{"030102T", "2-07-04-00", AffinityLicensed, true},  // 知识产权: 法学类
		{"580401", "2-07-04-00", AffinityBarred, false},    // 专科 法律事务
		{"035100", "2-07-04-00", AffinityLicensed, true},   // 法律硕士
		{"101001", "2-05-07-04", AffinityLicensed, false},  // 医学检验技术 → 临床检验技师
		{"101001", "2-05-01-24", AffinityBarred, false},    // … not 临床检验科医师
		{"101001", "2-05-07-08", AffinitySmall, false},     // 临床营养技师 is not regulated: a neighbour
		{"090401", "2-03-06-01", AffinityLicensed, false},  // 动物医学 → 兽医
		{"090301", "2-03-06-01", AffinityBarred, false},    // 动物科学 is not
		{"080901", "2-02-10-03", AffinityCore, false},      // 计算机科学与技术 → 计算机软件工程技术人员
		{"080901", "2-02-10-07", AffinitySmall, false},
		{"080901", "2-02-09-02", AffinityMiddle, false},
		{"080901", "6-18-01-00", AffinityNone, false},
		{"020107T", "2-06-01-01", AffinityCore, true},      // 劳动经济学 has no links: 经济学类's
		{"081200", "2-02-10-03", AffinityCore, true},       // CS master: 计算机类's
		{"0827", "2-02-24-00", AffinityCore, false},        // a 专业类 code
		{"082708T", "2-02-24-00", AffinityCore, true},      // 烹饪与营养教育, through 食品科学与工程类
		{"710201", "4-04-05-01", AffinityCore, true},       // 中职 计算机应用, through 高职专科 计算机类
		{"220902", "3-01-01-01", AffinityNone, false},      // 高职本科 应急管理 has nothing to do with 行政办事员
		{"100201K", "2-05-01-00", AffinityLicensed, false}, // a post placed only in the 小类
		{"100301K", "2-05-01-00", AffinityLicensed, false},
	}
	for _, tt := range tests {
		a := MajorAffinity(tt.major, tt.occ)
		if a.Kind != tt.want || (tt.want >= AffinitySmall && a.Link.Inherited != tt.inherited) {
			t.Errorf("MajorAffinity(%s, %s) = %v (link %+v), want %v inherited=%v", tt.major, tt.occ, a.Kind, a.Link, tt.want, tt.inherited)
		}
		if (a.Kind == AffinityBarred || a.Kind == AffinityNone) != (a.Strength == 0) {
			t.Errorf("MajorAffinity(%s, %s): %v with strength %v", tt.major, tt.occ, a.Kind, a.Strength)
		}
		if (a.Kind == AffinityBarred || a.Kind == AffinityLicensed) && (a.Regulation == nil || a.Regulation.Licence == "") {
			t.Errorf("MajorAffinity(%s, %s): %v without its regulation", tt.major, tt.occ, a.Kind)
		}
	}
}

// TestMajorLinksConsistent: every link to a regulated occupation is a
// licensed link (a core link to 口腔科医师 from 临床医学 would contradict
// the regulation), every major leads somewhere, and a major that inherits
// says so.
func TestMajorLinksConsistent(t *testing.T) {
	for code, ls := range links {
		for _, l := range ls {
			if g := governing(l.Occupation); g != nil && l.Kind != LinkLicensed {
				t.Errorf("%s → %s %s: %v link to an occupation regulated by %s", code, l.Occupation, l.Name, l.Kind, g.Licence)
			}
			if o, _ := OccupationByCode(l.Occupation); o.Level < 3 {
				t.Errorf("%s → %s: a level-%d node, want 小类 or 细类", code, l.Occupation, o.Level)
			}
		}
	}
	own, inherited := 0, 0
	for _, m := range Majors() {
		ls := MajorOccupations(m.Code)
		if len(ls) == 0 {
			t.Errorf("%s %s (%s): no occupation", m.Code, m.Name, m.Level)
			continue
		}
		if ls[0].Inherited {
			inherited++
		} else {
			own++
		}
		for _, l := range ls {
			if l.Inherited && l.From == m.Code {
				t.Errorf("%s: link %s inherited from itself", m.Code, l.Occupation)
			}
		}
	}
	if own < 500 || inherited < 1500 {
		t.Errorf("%d majors lead somewhere by their own links and %d only by their 专业类's; want ≥500 and ≥1500", own, inherited)
	}
	regs := Regulations()
	if len(regs) < 20 {
		t.Errorf("%d regulated occupations, want ≥20", len(regs))
	}
	for _, r := range regs {
		qualified := 0
		for _, m := range Majors() {
			if MajorAffinity(m.Code, r.Occupation).Kind == AffinityLicensed {
				qualified++
			}
		}
		if qualified == 0 {
			t.Errorf("regulated %s %s: no major qualifies", r.Occupation, r.Name)
		}
	}
}

func ExampleMajorAffinity() {
	for _, occ := range []string{"2-05-01-19", "2-05-01-07"} {
		a := MajorAffinity("100201K", occ)
		o, _ := OccupationByCode(occ)
		fmt.Printf("临床医学 → %s: %v (%s)\n", o.Name, a.Kind, a.Regulation.Licence)
	}
	// Output:
	// 临床医学 → 全科医师: licensed (医师资格（临床类别）)
	// 临床医学 → 口腔科医师: barred (医师资格（口腔类别）)
}
