package normalize

import (
	"reflect"
	"strings"
	"testing"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

func TestChannel(t *testing.T) {
	tests := []struct {
		in   string
		want matcher.Channel
	}{
		{"", ""},
		{"党政机关", matcher.ChannelPublicSector}, {"事业单位", matcher.ChannelPublicSector}, {"机关事业单位", matcher.ChannelPublicSector},
		{"党政机关、事业单位招录(聘)", matcher.ChannelPublicSector},
		{"国企", matcher.ChannelStateOwned}, {"国有企业", matcher.ChannelStateOwned}, {"央企", matcher.ChannelStateOwned},
		{"中小微企业", matcher.ChannelSME}, {"民营", matcher.ChannelSME}, {"私企", matcher.ChannelSME}, {"中小企业", matcher.ChannelSME},
		{"民营企业", matcher.ChannelSME},
		{"基层", matcher.ChannelGrassroots}, {"三支一扶", matcher.ChannelGrassroots}, {"西部计划", matcher.ChannelGrassroots},
		{"社区", matcher.ChannelGrassroots}, {"基层服务项目", matcher.ChannelGrassroots},
		{"征兵", matcher.ChannelMilitary}, {"入伍", matcher.ChannelMilitary}, {"参军", matcher.ChannelMilitary}, {"征兵入伍", matcher.ChannelMilitary},
		{"自主创业", matcher.ChannelSelfEmployed}, {"灵活就业", matcher.ChannelSelfEmployed}, {"创业", matcher.ChannelSelfEmployed},
		{"public-sector", matcher.ChannelPublicSector}, {"SME", matcher.ChannelSME}, {"State_Owned", matcher.ChannelStateOwned},
	}
	for _, tt := range tests {
		got, err := Channel(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("Channel(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	for _, c := range matcher.Channels {
		for _, in := range []string{string(c), c.Chinese()} {
			if got, err := Channel(in); err != nil || got != c {
				t.Errorf("Channel(%q) = %q, %v; want %q", in, got, err, c)
			}
		}
	}
	for _, in := range []string{"其他", "国企/民营", "abc"} {
		if got, err := Channel(in); err == nil {
			t.Errorf("Channel(%q) = %q, want an error", in, got)
		}
	}
}

func TestKind(t *testing.T) {
	tests := []struct {
		in   string
		want matcher.Kind
	}{
		{"", matcher.KindJob}, {"job", matcher.KindJob}, {"全职", matcher.KindJob}, {"岗位", matcher.KindJob}, {"招聘", matcher.KindJob},
		{"internship", matcher.KindInternship}, {"见习", matcher.KindInternship}, {"就业见习", matcher.KindInternship},
		{"实习", matcher.KindInternship}, {"就业见习岗位", matcher.KindInternship}, {"JOB", matcher.KindJob},
	}
	for _, tt := range tests {
		got, err := Kind(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("Kind(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	if _, err := Kind("course"); err == nil {
		t.Error(`Kind("course"): a post cannot be a course`)
	}
}

func TestHardships(t *testing.T) {
	tests := []struct {
		in   string
		want []matcher.Hardship
	}{
		{"", nil},
		{"无", nil},
		{"脱贫家庭", []matcher.Hardship{matcher.HardshipPovertyFamily}},
		{"建档立卡;低保", []matcher.Hardship{matcher.HardshipPovertyFamily, matcher.HardshipLowIncome}},
		{"低保/低收入家庭", []matcher.Hardship{matcher.HardshipLowIncome}},
		{"零就业家庭、残疾人，长期失业", []matcher.Hardship{matcher.HardshipZeroEmployment, matcher.HardshipDisability, matcher.HardshipLongUnemployed}},
		{"disability; long_unemployed", []matcher.Hardship{matcher.HardshipDisability, matcher.HardshipLongUnemployed}},
		{"脱贫户；poverty_family", []matcher.Hardship{matcher.HardshipPovertyFamily}},
		// The plan's own words (item 23) and their usual variants.
		{"低保（低收入）家庭", []matcher.Hardship{matcher.HardshipLowIncome}},
		{"低保(低收入)家庭", []matcher.Hardship{matcher.HardshipLowIncome}},
		{"较长时间未就业", []matcher.Hardship{matcher.HardshipLongUnemployed}},
		{"脱贫家庭、低保（低收入）家庭、零就业家庭、残疾、较长时间未就业", matcher.Hardships},
		{"低保家庭毕业生", []matcher.Hardship{matcher.HardshipLowIncome}},
		{"建档立卡贫困户; 残疾毕业生", []matcher.Hardship{matcher.HardshipPovertyFamily, matcher.HardshipDisability}},
		{"长时间未就业人员", []matcher.Hardship{matcher.HardshipLongUnemployed}},
		{"特困供养", []matcher.Hardship{matcher.HardshipLowIncome}},
		{"防返贫监测对象", []matcher.Hardship{matcher.HardshipPovertyFamily}},
		{"Zero-Employment", []matcher.Hardship{matcher.HardshipZeroEmployment}},
	}
	for _, tt := range tests {
		got, err := Hardships(tt.in)
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Hardships(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	for _, h := range matcher.Hardships {
		if got, err := Hardships(h.Chinese()); err != nil || len(got) != 1 || got[0] != h {
			t.Errorf("Hardships(%q) = %v, %v; want [%s]", h.Chinese(), got, err, h)
		}
	}
	_, err := Hardships("低保;单亲家庭")
	if err == nil {
		t.Fatal("an unknown category must be an error")
	}
	if me := asMatcherError(t, err); !strings.Contains(me.Message, "单亲家庭") {
		t.Errorf("error %q does not name the unknown value", me.Message)
	}
}

func TestGraduateStatus(t *testing.T) {
	tests := []struct {
		in   string
		want matcher.GraduateStatus
	}{
		{"", ""}, {"seeking", matcher.StatusSeeking}, {"求职中", matcher.StatusSeeking}, {"待就业", matcher.StatusSeeking},
		{"已就业", matcher.StatusPlaced}, {"已落实", matcher.StatusPlaced}, {"在职", matcher.StatusEmployed},
		{"升学", matcher.StatusStudying}, {"未登记", matcher.StatusUnregistered}, {"PLACED", matcher.StatusPlaced},
	}
	for _, tt := range tests {
		got, err := GraduateStatus(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("GraduateStatus(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	if _, err := GraduateStatus("退休"); err == nil {
		t.Error("GraduateStatus(退休): want an error")
	}
}

func TestCourseCategory(t *testing.T) {
	tests := []struct {
		in   string
		want matcher.CourseCategory
	}{
		{"", ""}, {"skills", matcher.CourseSkills}, {"技能", matcher.CourseSkills}, {"职业技能培训", matcher.CourseSkills},
		{"entrepreneurship", matcher.CourseEntrepreneurship}, {"创业", matcher.CourseEntrepreneurship},
		{"创业培训", matcher.CourseEntrepreneurship}, {"SYB", matcher.CourseEntrepreneurship}, {"GYB", matcher.CourseEntrepreneurship},
		{"SYB创业培训班", matcher.CourseEntrepreneurship}, {"电工技能提升班", matcher.CourseSkills},
		// the plan's 措施14 names 就业引导性培训; the usual shortenings too
		{"guidance", matcher.CourseGuidance}, {"就业引导性培训", matcher.CourseGuidance}, {"就业引导", matcher.CourseGuidance},
		{"引导性培训", matcher.CourseGuidance}, {"高校毕业生就业引导性培训班", matcher.CourseGuidance},
	}
	for _, tt := range tests {
		got, err := CourseCategory(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("CourseCategory(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	// 岗前培训 is an employer's induction, a category the plan does not name.
	for _, in := range []string{"烹饪", "创业技能", "岗前培训"} {
		if _, err := CourseCategory(in); err == nil {
			t.Errorf("CourseCategory(%q): want an error", in)
		}
	}
}

func BenchmarkChannel(b *testing.B) {
	in := []string{"sme", "国有企业", "三支一扶", "党政机关、事业单位招录(聘)"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := Channel(in[i%len(in)]); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkKind(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Kind("就业见习"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkHardships(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Hardships("建档立卡;低保"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGraduateStatus(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := GraduateStatus("求职中"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCourseCategory(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := CourseCategory("SYB创业培训班"); err != nil {
			b.Fatal(err)
		}
	}
}
