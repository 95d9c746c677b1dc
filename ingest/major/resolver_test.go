package major

import (
	"slices"
	"testing"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

func TestLevels(t *testing.T) {
	tests := map[matcher.Degree][]string{
		matcher.DegreeSecondary: {catalog.LevelSecondary},
		matcher.DegreeAssociate: {catalog.LevelAssociate},
		matcher.DegreeBachelor:  {catalog.LevelBachelor, catalog.LevelVocBachelor},
		matcher.DegreeMaster:    {catalog.LevelGraduate},
		matcher.DegreeDoctor:    {catalog.LevelGraduate},
		matcher.DegreeNone:      nil,
	}
	for d, want := range tests {
		if got := Levels(d); !slices.Equal(got, want) {
			t.Errorf("Levels(%v) = %v, want %v", d, got, want)
		}
	}
}

// TestResolve: the catalogue first, at the graduate's level; inference for
// what it does not know, by the words of the name; nothing for names made
// of generic words.
func TestResolve(t *testing.T) {
	r, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		degree matcher.Degree
		found  catalog.MajorFound
		code   string // major code, else 专业类 code
	}{
		{"烹饪与营养教育", matcher.DegreeBachelor, catalog.MajorExact, "082708T"},
		{"护理", matcher.DegreeAssociate, catalog.MajorExact, "520201"},
		{"护理", matcher.DegreeSecondary, catalog.MajorExact, "720201"},
		{"会计", matcher.DegreeAssociate, catalog.MajorAlias, "530302"},
		{"计算机应用技术", matcher.DegreeMaster, catalog.MajorAlias, "081200"}, // a 二级学科 of the 1997/2011 catalogue
		{"岩土工程", matcher.DegreeMaster, catalog.MajorAlias, "081400"},
		{"汉语言文学（师范）", matcher.DegreeBachelor, catalog.MajorNormalised, "050101"},
		// inferred 专业类, at the graduate's level
		{"智能烹饪技术", matcher.DegreeAssociate, catalog.MajorInferred, "5402"},   // 餐饮类
		{"老年护理", matcher.DegreeAssociate, catalog.MajorInferred, "5202"},     // 护理类
		{"护理管理", matcher.DegreeBachelor, catalog.MajorInferred, "1011"},      // 护理学类
		{"跨境电商运营", matcher.DegreeAssociate, catalog.MajorInferred, "5307"},   // 电子商务类
		{"新能源汽车维修", matcher.DegreeAssociate, catalog.MajorInferred, "5002"},  // 道路运输类 (新能源汽车检测与维修技术)
		{"数字媒体设计", matcher.DegreeBachelor, catalog.MajorInferred, "1305"},    // 设计学类
		{"土木工程施工", matcher.DegreeAssociate, catalog.MajorInferred, "4403"},   // 土建施工类
		{"市场营销与策划", matcher.DegreeBachelor, catalog.MajorInferred, "1202"},   // 工商管理类
		{"中西医结合临床医学", matcher.DegreeBachelor, catalog.MajorInferred, "1006"}, // 中西医结合类
		{"人工智能应用", matcher.DegreeAssociate, catalog.MajorInferred, "5102"},   // 计算机类
		{"电子信息科学", matcher.DegreeNone, catalog.MajorInferred, "0807"},        // 电子信息类
		{"会计硕士", matcher.DegreeMaster, catalog.MajorInferred, "1202"},        // a master: undergraduate classes
		// generic words, or no word of the catalogue: not resolved
		{"技术", matcher.DegreeBachelor, catalog.MajorNotFound, ""},
		{"管理", matcher.DegreeNone, catalog.MajorNotFound, ""},
		{"具身智能", matcher.DegreeBachelor, catalog.MajorNotFound, ""},
		{"有一定机械基础知识", matcher.DegreeBachelor, catalog.MajorNotFound, ""},
		{"", matcher.DegreeBachelor, catalog.MajorNotFound, ""},
	}
	for _, tt := range tests {
		res := r.Resolve(tt.name, Levels(tt.degree)...)
		if res.Found != tt.found || res.Code() != tt.code {
			t.Errorf("Resolve(%q, %v) = %v %s %s (via %s), want %v %s", tt.name, tt.degree, res.Found, res.Code(), res.ClassName, res.Via, tt.found, tt.code)
		}
		if res.Found == catalog.MajorInferred && (res.Via == "" || res.ClassName == "" || res.Explain() == "") {
			t.Errorf("Resolve(%q): inferred without the words it rests on: %+v", tt.name, res)
		}
	}
	// The package-level Resolve uses the same resolver.
	if got := Resolve("老年护理", matcher.DegreeAssociate); got.Code() != "5202" {
		t.Errorf("Resolve(老年护理) = %s", got.Code())
	}
}

func TestMentions(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"1、本科及以上学历，计算机、软件工程等相关专业优先；2、熟悉Java", []string{"计算机", "软件工程"}},
		{"中医药学专业或中药房相关从业经验者优先", []string{"中医药学"}},
		{"护理、助产专业，持护士执业证", []string{"护理", "助产"}},
		{"机械设计制造及其自动化或机电一体化专业", []string{"机械设计制造及其自动化", "机电一体化"}},
		{"为客户提供专业的服务，具备扎实的专业知识", nil},
		{"熟悉本专业的相关规范；专业不限", nil},
		{"有Java开发经验或计算机相关专业", []string{"计算机"}},
		{"会计学/财务管理类专业，大专以上学历", []string{"会计学", "财务管理"}},
		{"理工科相关专业毕业", nil},
	}
	for _, tt := range tests {
		if got := Mentions(tt.text); !slices.Equal(got, tt.want) {
			t.Errorf("Mentions(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestPostCode(t *testing.T) {
	for _, c := range []struct {
		name   string
		degree matcher.Degree
		code   string
	}{
		{"护理", matcher.DegreeSecondary, "520201"},   // 720201 at 中职; posts' 护理 is 520201
		{"药学", matcher.DegreeAssociate, "100701"},   // 520301 at 高职专科; posts' 药学 is 100701
		{"会计", matcher.DegreeAssociate, "530302"},   // the level's own major (大数据与会计) when the name is not shared
		{"智能烹饪技术", matcher.DegreeAssociate, "5402"}, // an inferred class
		{"占星术", matcher.DegreeBachelor, ""},
	} {
		if got := PostCode(Resolve(c.name, c.degree)); got != c.code {
			t.Errorf("PostCode(%s, %v) = %q, want %q", c.name, c.degree, got, c.code)
		}
	}
}
