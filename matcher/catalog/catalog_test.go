package catalog

import (
	"strings"
	"testing"
)

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
