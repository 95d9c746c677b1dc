package occupation

import (
	"strings"
	"testing"

	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

// titleCases are realistic noisy titles of Chinese job boards with the
// occupation a person would file them under.
var titleCases = []struct{ title, code string }{
	{"🎈9k销售代表/不限经验/立即上岗", "4-01-02-01"},
	{"Java开发工程师（急招）", "2-02-10-03"},
	{"会计（五险一金）", "2-06-03-00"},
	{"高级前端工程师-React", "2-02-10-03"},
	{"【急聘】出纳 双休 五险一金", "2-06-03-00"},
	{"大数据开发工程师", "2-02-38-03"},
	{"数据分析师/数据运营主管", "2-02-30-09"},
	{"电商数据分析(双休+五险一金+餐补)", "4-07-02-05"},
	{"大数据销售（底薪+提成）", "4-01-02-01"},
	{"销售数据分析师", "2-02-30-09"},
	{"电话销售 月薪6000-12000", "4-01-02-01"},
	{"乌鲁木齐急招保安月薪4500包吃住", "4-07-05-01"},
	{"保洁阿姨（天山区）", "4-09-08-01"},
	{"外卖骑手 日结 多劳多得", "4-10-08-01"},
	{"美团骑手/配送员", "4-10-08-01"},
	{"C1司机 4500+包住", "4-02-02-01"},
	{"A2货车司机", "4-02-02-02"},
	{"仓库管理员（米东区）", "4-02-06-01"},
	{"行政前台｜双休", "3-01-01-01"},
	{"办公室文员 朝九晚五", "3-01-01-01"},
	{"总经理助理", "3-01-02-02"},
	{"人事专员（招聘方向）", "4-07-03-04"},
	{"招聘专员", "4-07-03-08"},
	{"小学语文老师（有教师资格证优先）", "2-08-02-04"},
	{"幼儿园老师/幼师", "2-08-03-00"},
	{"少儿英语老师 8k-12k", "2-08-99-00"},
	{"急招护士 二甲医院", "2-05-08-00"},
	{"口腔医生", "2-05-01-07"},
	{"药店营业员", "4-01-05-02"},
	{"中餐厨师 包吃住", "4-03-02-01"},
	{"餐厅服务员（可兼职）", "4-03-02-05"},
	{"咖啡师★星巴克", "4-03-02-08"},
	{"抖音带货主播 底薪+提成", "4-01-06-02"},
	{"新媒体运营（短视频方向）", "4-13-01-05"},
	{"淘宝运营助理", "4-01-06-01"},
	{"平面设计师", "2-09-06-01"},
	{"UI设计师", "2-09-06-07"},
	{"室内设计师（家装）", "4-08-08-07"},
	{"软件测试工程师", "4-04-05-02"},
	{"运维工程师（Linux）", "2-02-10-08"},
	{"网络工程师 CCNA", "2-02-10-04"},
	{"Python爬虫工程师", "2-02-10-03"},
	{"算法工程师（NLP）", "2-02-38-01"},
	{"嵌入式软件工程师", "2-02-10-06"},
	{"产品经理（B端）", "2-02-34-01"},
	{"土建施工员", "2-02-18-02"},
	{"造价员 二建优先", "2-02-30-10"},
	{"电工（持证上岗）", "6-31-01-03"},
	{"电焊工", "6-18-02-04"},
	{"普工 长白班 包吃住", "6-31-99-00"},
	{"汽修学徒", "4-12-01-01"},
	{"置业顾问 高提成", "4-06-02-01"},
	{"保险代理人", "4-05-03-01"},
	{"银行柜员（劳务派遣）", "4-05-01-01"},
	{"外贸业务员（俄语）", "2-06-07-01"},
	{"俄语翻译", "2-10-05-00"},
	{"客服专员 在线客服", "4-04-05-03"},
	{"社区工作者", "3-01-04-01"},
	{"审计助理", "2-06-04-00"},
	{"法务专员", "2-07-09-00"},
	{"Ｊａｖａ高级开发（急）", "2-02-10-03"},
	{"Data Scientist", "2-02-38-03"},
	{"C++开发工程师", "2-02-10-03"},
	{"健身教练/私教", "4-14-05-01"},
	{"育婴师", "4-10-01-01"},
	{"养老护理员", "4-10-01-05"},
}

func TestClassifyTitles(t *testing.T) {
	c := Default()
	right := 0
	for _, tt := range titleCases {
		m, ok := c.Classify(tt.title)
		if ok && m.Code == tt.code {
			right++
			continue
		}
		want, _ := catalog.OccupationByCode(tt.code)
		t.Errorf("Classify(%q) = %s %s (%q, %.2f, ok=%v), want %s %s", tt.title, m.Code, m.Name, m.Matched, m.Score, ok, tt.code, want.Name)
	}
	t.Logf("accuracy on %d noisy titles: %d right (%.1f%%)", len(titleCases), right, 100*float64(right)/float64(len(titleCases)))
}

func TestClassifyReturnsCatalogNodes(t *testing.T) {
	c := Default()
	for _, tt := range titleCases {
		m, ok := c.Classify(tt.title)
		if !ok {
			continue
		}
		o, found := catalog.OccupationByCode(m.Code)
		if !found || o.Level < 3 || o.Name != m.Name {
			t.Errorf("Classify(%q) = %s %q: not a level-3/4 node of the catalogue", tt.title, m.Code, m.Name)
		}
		if m.Score <= 0 || m.Score > 1 {
			t.Errorf("Classify(%q): score %v outside (0,1]", tt.title, m.Score)
		}
	}
}

func TestClassifyNothing(t *testing.T) {
	for _, title := range []string{"", "   ", "🎈🎈🎈", "五险一金 双休", "8000-12000元/月", "xyzzy"} {
		if m, ok := Default().Classify(title); ok {
			t.Errorf("Classify(%q) = %+v, want no match", title, m)
		}
	}
}

func TestClassifySimilarity(t *testing.T) {
	// No key occurs verbatim; the bigram step finds the closest name.
	m, ok := Default().Classify("计算机软件工程技术员")
	if !ok || m.Code != "2-02-10-03" || m.Score >= 0.5 {
		t.Errorf("similarity: got %+v, %v; want 2-02-10-03 with a similarity score", m, ok)
	}
}

func TestClean(t *testing.T) {
	tests := []struct {
		title      string
		main, rest string
	}{
		{"🎈9k销售代表/不限经验/立即上岗", "销售代表", ""},
		{"Java开发工程师（急招）", "java开发工程师", ""},
		{"会计（五险一金）", "会计", ""}, {"开发工程师（Java）", "开发工程师", "java"},
		{"高级前端工程师-React", "高级前端工程师|react", ""},
		{"Data Scientist", "data\u00a0scientist", ""},
		{"3D建模师 8-12K", "3d建模师", ""},
		{"C++/C#开发", "cpp|csharp开发", ""},
	}
	for _, tt := range tests {
		main, rest := Clean(tt.title)
		if strings.Join(main, "|") != tt.main || strings.Join(rest, "|") != tt.rest {
			t.Errorf("Clean(%q) = %q / %q, want %q / %q", tt.title, main, rest, tt.main, tt.rest)
		}
	}
}

func TestCuratedTableErrors(t *testing.T) {
	for _, table := range []string{"9-99-99-99 foo", "4-01-02-01 销售\n2-06-03-00 销售", "4-00-00-00 x"} {
		if _, err := New(table); err == nil {
			t.Errorf("New(%q): no error", table)
		}
	}
}

func BenchmarkClassify(b *testing.B) {
	c := Default()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		c.Classify(titleCases[i%len(titleCases)].title)
		i++
	}
}

func BenchmarkClassifySimilarity(b *testing.B) {
	c := Default()
	b.ReportAllocs()
	for b.Loop() {
		c.Classify("计算机软件工程技术员")
	}
}

func FuzzClassify(f *testing.F) {
	for _, tt := range titleCases[:10] {
		f.Add(tt.title)
	}
	c := Default()
	f.Fuzz(func(t *testing.T, title string) {
		m, ok := c.Classify(title)
		if ok && (m.Code == "" || m.Score <= 0 || m.Score > 1) {
			t.Fatalf("Classify(%q) = %+v", title, m)
		}
		if !ok && m.Code != "" {
			t.Fatalf("Classify(%q): not ok but code %s", title, m.Code)
		}
	})
}
