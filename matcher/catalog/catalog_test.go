package catalog

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

var majorCode = regexp.MustCompile(`^[0-9]{6}(T|K|TK)?$`)

func TestMajorsWellFormed(t *testing.T) {
	ms := Majors()
	codes := map[string]bool{}
	classNames := map[string]string{}
	categories := map[string]bool{}
	perLevel := map[string]int{}
	for i, m := range ms {
		line := i + 2 // header is line 1
		if !majorCode.MatchString(m.Code) {
			t.Errorf("majors.csv:%d: code %q is not a catalogue code", line, m.Code)
		}
		if codes[m.Code] {
			t.Errorf("majors.csv:%d: code %s repeated", line, m.Code)
		}
		codes[m.Code] = true
		if m.Name == "" || m.ClassName == "" || m.CategoryName == "" {
			t.Errorf("majors.csv:%d: empty name, class name or category name", line)
		}
		if len(m.ClassCode) != 4 || !strings.HasPrefix(m.Code, m.ClassCode) || !strings.HasPrefix(m.ClassCode, m.CategoryCode) || len(m.CategoryCode) != 2 {
			t.Errorf("majors.csv:%d: %s: class %s / category %s do not prefix the code", line, m.Code, m.ClassCode, m.CategoryCode)
		}
		if prev, ok := classNames[m.ClassCode]; ok && prev != m.ClassName {
			t.Errorf("majors.csv:%d: class %s named both %s and %s", line, m.ClassCode, prev, m.ClassName)
		}
		classNames[m.ClassCode] = m.ClassName
		if m.Level != "本科" && m.Level != "专科" {
			t.Errorf("majors.csv:%d: level %q", line, m.Level)
		}
		perLevel[m.Level]++
		if m.Level == "本科" {
			categories[m.CategoryCode] = true
		}
		if n := len(m.Occupations); n < 1 || n > 4 {
			t.Errorf("majors.csv:%d: %s: %d occupations, want 1–4", line, m.Name, n)
		}
		for _, c := range m.Occupations {
			o, ok := OccupationByCode(c)
			if !ok {
				t.Errorf("majors.csv:%d: %s: occupation %s is not in occupations.csv", line, m.Name, c)
			} else if o.Level < 3 {
				t.Errorf("majors.csv:%d: %s: occupation %s is a level-%d node, want 3 or 4", line, m.Name, c, o.Level)
			}
		}
		if len(m.Skills) == 0 {
			t.Errorf("majors.csv:%d: %s: no skills", line, m.Name)
		}
		for _, s := range m.Skills {
			if _, ok := SkillByName(s); !ok {
				t.Errorf("majors.csv:%d: %s: skill %q is not in skills.csv", line, m.Name, s)
			}
		}
	}
	// The 2020 undergraduate catalogue has 12 门类 (no 军事学 majors).
	for _, c := range []string{"01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "12", "13"} {
		if !categories[c] {
			t.Errorf("no undergraduate major in 门类 %s", c)
		}
	}
	if perLevel["本科"] < 350 || perLevel["专科"] < 120 {
		t.Errorf("majors: %d 本科 and %d 专科, want ≥350 and ≥120", perLevel["本科"], perLevel["专科"])
	}
}

func TestMajorByName(t *testing.T) {
	tests := []struct {
		name, code, class, category string
	}{
		{"会计学", "120203K", "1202", "12"},
		{"会计", "120203K", "1202", "12"},
		{"计算机科学与技术", "080901", "0809", "08"},
		{"计算机", "080901", "0809", "08"},
		{"计算机相关专业", "080901", "0809", "08"},
		{" 软件工程 ", "080902", "0809", "08"},
		{"大数据与会计", "530302", "5303", "53"},
		{"学前教育", "040106", "0401", "04"},
		{"幼师", "040106", "0401", "04"},
		{"汉语言文学", "050101", "0501", "05"},
		{"中文", "050101", "0501", "05"},
		{"护理学", "101101", "1011", "10"},
		{"护理", "520201", "5202", "52"}, // a catalogue name beats 护理学's alias
		{"国贸", "020401", "0204", "02"},
		{"网络营销与直播电商", "530704", "5307", "53"},
		{"维吾尔语言文学", "050104", "0501", "05"},
	}
	for _, tt := range tests {
		m, ok := MajorByName(tt.name)
		if !ok {
			t.Errorf("MajorByName(%q): not found", tt.name)
			continue
		}
		if m.Code != tt.code || m.ClassCode != tt.class || m.CategoryCode != tt.category {
			t.Errorf("MajorByName(%q) = %s %s/%s/%s, want %s/%s/%s", tt.name, m.Name, m.Code, m.ClassCode, m.CategoryCode, tt.code, tt.class, tt.category)
		}
	}
	if _, ok := MajorByName("不存在的专业"); ok {
		t.Error("MajorByName(不存在的专业) found something")
	}
}

func TestMajorsByNameBothLevels(t *testing.T) {
	ms := MajorsByName("电子商务")
	var levels []string
	for _, m := range ms {
		levels = append(levels, m.Level+" "+m.Code)
	}
	if !slices.Contains(levels, "本科 120801") || !slices.Contains(levels, "专科 530701") {
		t.Errorf("MajorsByName(电子商务) = %v, want both 120801 and 530701", levels)
	}
	if ms[0].Name != "电子商务" {
		t.Errorf("MajorsByName: exact names must come first, got %s", ms[0].Name)
	}
}

func TestOccupationMarksStripped(t *testing.T) {
	tests := []struct {
		code, name     string
		digital, green bool
	}{
		{"2-02-10-03", "计算机软件工程技术人员", true, false},
		{"2-02-38-11", "增材制造工程技术人员", true, true},
		{"4-09-08-01", "保洁员", false, true},
		{"4-01-02-01", "营销员", false, false},
	}
	for _, tt := range tests {
		o, ok := OccupationByCode(tt.code)
		if !ok {
			t.Fatalf("OccupationByCode(%s): not found", tt.code)
		}
		if o.Name != tt.name || o.Digital != tt.digital || o.Green != tt.green {
			t.Errorf("%s = %q digital=%v green=%v, want %q %v %v", tt.code, o.Name, o.Digital, o.Green, tt.name, tt.digital, tt.green)
		}
		for _, a := range o.Aliases {
			if a == o.Name {
				t.Errorf("%s: alias repeats the name", tt.code)
			}
		}
	}
	for _, o := range Occupations() {
		if strings.HasSuffix(o.Name, "L/S") || (strings.HasSuffix(o.Name, "S") || strings.HasSuffix(o.Name, "L")) && !strings.HasSuffix(o.Name, "人员") {
			if r := []rune(o.Name); r[len(r)-1] == 'S' || r[len(r)-1] == 'L' {
				t.Errorf("%s: name %q still carries a mark", o.Code, o.Name)
			}
		}
	}
}

func TestTerms(t *testing.T) {
	ts := Terms()
	if len(ts) < 300 {
		t.Errorf("Terms: %d, want ≥300", len(ts))
	}
	seen := map[string]bool{}
	for _, x := range ts {
		if x == "" || strings.ContainsAny(x, " \t#") || seen[x] {
			t.Errorf("Terms: bad or repeated term %q", x)
		}
		seen[x] = true
	}
	for _, want := range []string{"三支一扶", "西部计划", "大学生志愿服务西部计划", "就业见习", "公益性岗位", "一人一策", "征兵入伍", "灵活就业", "头屯河区", "红山公园", "友好路", "特变电工", "新疆油田"} {
		if !seen[want] {
			t.Errorf("Terms: missing %s", want)
		}
	}
}
