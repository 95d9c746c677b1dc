package convert

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

var profileNow = time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)

func TestProfileSample(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "docs", "samples", "profile.json"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := DecodeProfile(b)
	if err != nil {
		t.Fatal(err)
	}
	g, err := p.Graduate(profileNow)
	if err != nil {
		t.Fatal(err)
	}
	if g.ID != ProfileID || g.Major != "会计学" || g.MajorCode != "120203K" || g.Degree != matcher.DegreeBachelor ||
		g.ResidenceDistrict != "沙依巴克区" || g.AgeAt(profileNow) != 22 || g.Status != matcher.StatusSeeking ||
		len(g.PreferredChannels) != 2 || g.PreferredChannels[0] != matcher.ChannelStateOwned ||
		strings.Join(g.PreferredDistricts, ",") != "天山区,新市区" {
		t.Fatalf("graduate = %+v", g)
	}
	if g.NationalID != "" || g.Phone != "" || g.Name != "" || len(g.Hardship) != 0 {
		t.Fatalf("personal data in a profile's graduate: %+v", g)
	}
}

func TestProfileErrors(t *testing.T) {
	for _, c := range []struct {
		name, json string
		field      string // the field the error names
		want       string // a substring of the message
	}{
		{"not an object", `[1]`, "", "one JSON object"},
		{"national id", `{"major":"会计学","national_id":"650102199901011234"}`, "national_id", "personal data"},
		{"phone", `{"phone":"13800000000"}`, "phone", "personal data"},
		{"hardship", `{"hardship":"低保家庭"}`, "hardship", "personal data"},
		{"birth date", `{"birth_date":"2000-01-01"}`, "birth_date", "give age instead"},
		{"unknown field", `{"degre":"本科"}`, "degre", "unknown field"},
		{"degree as integer", `{"degree":3}`, "degree", "must be a string"},
		{"age as string", `{"age":"22"}`, "age", "must be a whole number"},
		{"unknown major code", `{"major_code":"999999"}`, "major_code", "not in the catalogue"},
		{"major and code disagree", `{"major":"会计学","major_code":"080901"}`, "major", "does not match"},
		{"bad degree", `{"degree":"abc"}`, "degree", "degree"},
		{"postdoc is a post, not a degree", `{"degree":"博士后"}`, "degree", "unrecognised degree"},
		{"a post's requirement", `{"degree":"本科及以上"}`, "degree", "unrecognised degree"},
		{"below the scale", `{"degree":"小学"}`, "degree", "unrecognised degree"},
		{"no degree is no degree", `{"degree":"不限"}`, "degree", "unrecognised degree"},
		{"bad channel", `{"preferred_channels":["火星"]}`, "preferred_channels", "preferred_channels"},
		{"bad age", `{"age":7}`, "age", "between 14 and 80"},
		{"bad year", `{"graduation_year":24}`, "graduation_year", "graduation year"},
		{"bad salary", `{"expected_salary":-1}`, "expected_salary", "expected_salary"},
		{"two objects", `{"major":"会计学"} {"major":"会计学"}`, "", "one JSON object"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, err := DecodeProfile([]byte(c.json))
			if err == nil {
				_, err = p.Graduate(profileNow)
			}
			if err == nil {
				t.Fatal("accepted")
			}
			me, ok := err.(*matcher.Error)
			if !ok || me.Code != matcher.EINVALID {
				t.Fatalf("error %T %v is not an EINVALID *matcher.Error", err, err)
			}
			if me.Field != c.field || !strings.Contains(me.MessageEN, c.want) || me.Message == "" {
				t.Errorf("error field %q, message %q / %q; want field %q and %q", me.Field, me.MessageEN, me.Message, c.field, c.want)
			}
			if strings.Contains(err.Error(), "650102199901011234") || strings.Contains(err.Error(), "13800000000") {
				t.Errorf("personal value echoed: %v", err)
			}
		})
	}
}

func TestProfileDegrees(t *testing.T) {
	for _, c := range []struct {
		in   string
		want matcher.Degree
	}{
		{"本科", matcher.DegreeBachelor}, {"大专", matcher.DegreeAssociate}, {"专科", matcher.DegreeAssociate},
		{"中专/高中", matcher.DegreeSecondary}, {"硕士研究生", matcher.DegreeMaster}, {"博士", matcher.DegreeDoctor},
		{" Bachelor ", matcher.DegreeBachelor}, {"master", matcher.DegreeMaster}, {"ｄｏｃｔｏｒ", matcher.DegreeDoctor},
	} {
		p, err := DecodeProfile([]byte(`{"degree":"` + c.in + `"}`))
		if err != nil {
			t.Fatal(err)
		}
		g, err := p.Graduate(profileNow)
		if err != nil || g.Degree != c.want {
			t.Errorf("%q: degree %v, %v; want %v", c.in, g.Degree, err, c.want)
		}
	}
}

func TestProfileMajorByCodeOrAlias(t *testing.T) {
	for _, c := range []struct{ json, major, code string }{
		{`{"major_code":"080901"}`, "计算机科学与技术", "080901"},
		{`{"major":"计科"}`, "计算机科学与技术", "080901"},
		{`{"major":"会计"}`, "会计学", "120203K"},
		{`{}`, "", ""},
	} {
		p, err := DecodeProfile([]byte(c.json))
		if err != nil {
			t.Fatal(err)
		}
		g, err := p.Graduate(profileNow)
		if err != nil || g.Major != c.major || g.MajorCode != c.code {
			t.Errorf("%s: major %q %q, %v; want %q %q", c.json, g.Major, g.MajorCode, err, c.major, c.code)
		}
	}
}

// TestProfileMajorNeverRefused: a real major missing from an older
// catalogue (烹饪与营养教育 was refused before the full catalogues), one
// resolved at the degree's level, one placed in its 专业类 by inference,
// and one nothing places: all accepted, the last two with a note.
func TestProfileMajorNeverRefused(t *testing.T) {
	for _, c := range []struct {
		json, major, code, note string
	}{
		{`{"major":"烹饪与营养教育","degree":"本科"}`, "烹饪与营养教育", "082708T", ""},
		{`{"major":"护理","degree":"中专"}`, "护理", "520201", ""}, // the code posts use for 护理 (major.PostCode)
		{`{"major":"会计","degree":"大专"}`, "大数据与会计", "530302", ""},
		{`{"major":"计算机应用技术","degree":"硕士"}`, "计算机科学与技术", "080901", ""},
		{`{"major":"岩土工程","degree":"硕士"}`, "土木工程", "081001", ""},
		{`{"major":"智能烹饪技术","degree":"大专"}`, "智能烹饪技术", "5402", "推断属餐饮类"},
		{`{"major":"占星术","degree":"本科"}`, "占星术", "", "无法从名称推断"},
		{`{"major":"餐饮类","major_code":"5402"}`, "餐饮类", "5402", ""},
	} {
		p, err := DecodeProfile([]byte(c.json))
		if err != nil {
			t.Fatal(err)
		}
		g, notes, err := p.GraduateNotes(profileNow)
		if err != nil || g.Major != c.major || g.MajorCode != c.code {
			t.Errorf("%s: major %q %q, %v; want %q %q", c.json, g.Major, g.MajorCode, err, c.major, c.code)
		}
		if (c.note == "") != (len(notes) == 0) || (c.note != "" && !strings.Contains(notes[0], c.note)) {
			t.Errorf("%s: notes %q, want one containing %q", c.json, notes, c.note)
		}
	}
}

func FuzzDecodeProfile(f *testing.F) {
	f.Add([]byte(`{"major":"会计学","degree":"本科","age":22,"preferred_channels":["国企"]}`))
	f.Add([]byte(`{"national_id":"x"}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := DecodeProfile(b)
		if err != nil {
			if _, ok := err.(*matcher.Error); !ok {
				t.Fatalf("error is not a *matcher.Error: %T %v", err, err)
			}
			return
		}
		g, err := p.Graduate(profileNow)
		if err != nil {
			if me, ok := err.(*matcher.Error); !ok || me.Field == "" {
				t.Fatalf("Graduate error without a field: %v", err)
			}
			return
		}
		if g.ID != ProfileID || g.NationalID != "" || g.Phone != "" || len(g.Hardship) != 0 {
			t.Fatalf("graduate from a profile: %+v", g)
		}
	})
}
