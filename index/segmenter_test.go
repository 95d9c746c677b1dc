package index

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func segmenter(t testing.TB) *Segmenter {
	t.Helper()
	s, err := DefaultSegmenter()
	if err != nil {
		t.Fatalf("DefaultSegmenter: %v", err)
	}
	return s
}

// TestCutKeepsDomainWordsWhole checks that the domain dictionary makes
// majors, occupations, places, certificates and policy terms come out as
// one word inside ordinary post text.
func TestCutKeepsDomainWordsWhole(t *testing.T) {
	s := segmenter(t)
	cases := []struct {
		text  string
		whole []string // words that must be segments of their own
	}{
		// majors
		{"会计学专业本科及以上学历", []string{"会计学", "专业", "本科", "学历"}},
		{"计算机科学与技术", []string{"计算机科学与技术"}},
		{"要求计算机科学与技术、软件工程等相关专业", []string{"计算机科学与技术", "软件工程"}},
		{"汉语言文学或新闻学专业优先", []string{"汉语言文学", "新闻学"}},
		{"市场营销专业毕业", []string{"市场营销"}},
		{"临床医学、护理学专业", []string{"临床医学", "护理学"}},
		{"土木工程专业，持二级建造师证书", []string{"土木工程", "二级建造师"}},
		// occupations
		{"乌鲁木齐市天山区人民医院招聘护士", []string{"乌鲁木齐市", "天山区", "护士"}},
		{"招聘会计2名，负责日常账务", []string{"会计"}},
		{"诚聘销售代表/不限经验/立即上岗", []string{"销售代表", "不限经验", "上岗"}},
		{"学历不限，男女不限", []string{"学历不限", "不限"}},
		{"快递员，多劳多得", []string{"快递员"}},
		{"招聘幼儿园教师若干名", []string{"幼儿园教师"}},
		// certificates and skills
		{"持有教师资格证优先", []string{"教师资格证"}},
		{"具有会计从业资格证书", []string{"会计从业资格", "证书"}},
		{"熟练使用Excel和Photoshop", []string{"Excel", "Photoshop"}},
		{"熟悉Java、Python开发", []string{"Java", "Python", "开发"}},
		{"持C1驾照，有驾驶经验", []string{"C1驾照"}},
		// Urumqi places
		{"工作地点：头屯河区", []string{"工作", "地点", "头屯河区"}},
		{"沙依巴克区友好路", []string{"沙依巴克区"}},
		{"米东区社区工作者", []string{"米东区", "社区工作者"}},
		{"水磨沟区、新市区均可", []string{"水磨沟区", "新市区"}},
		{"达坂城区风电场运维", []string{"达坂城区"}},
		{"乌鲁木齐县南山景区", []string{"乌鲁木齐县"}},
		// policy terms and channels
		{"三支一扶计划招募", []string{"三支一扶", "计划"}},
		{"西部计划志愿者", []string{"西部计划志愿者"}},
		{"报名参加西部计划", []string{"报名", "参加", "西部计划"}},
		{"大学生村官及特岗教师", []string{"大学生村官", "特岗教师"}},
		{"参加就业见习，见习补贴每月1700元", []string{"就业见习", "见习补贴", "1700"}},
		{"公益性岗位仅面向就业困难人员", []string{"公益性岗位"}},
		{"中小微企业吸纳高校毕业生", []string{"中小微企业", "高校毕业生"}},
		{"五险一金，双休，包吃住", []string{"五险一金", "双休", "包吃住"}},
		{"薪资面议", []string{"面议"}},
	}
	for _, c := range cases {
		got := s.Cut(c.text)
		for _, w := range c.whole {
			if !slices.Contains(got, w) {
				t.Errorf("Cut(%q) = %q: %q is not a word of its own", c.text, strings.Join(got, " "), w)
			}
		}
		// Cut drops only whitespace: joined back, it is the input.
		if j := strings.Join(got, ""); j != strings.Join(strings.Fields(c.text), "") {
			t.Errorf("Cut(%q) joins to %q", c.text, j)
		}
	}
}

func TestCutPlain(t *testing.T) {
	s := segmenter(t)
	cases := []struct {
		text string
		want []string
	}{
		{"", nil},
		{"   ", nil},
		{"会计学", []string{"会计学"}},
		// Cut keeps the text as written: case, full width and punctuation.
		{"熟悉ＪＡＶＡ。", []string{"熟悉", "ＪＡＶＡ", "。"}},
		{"Java 开发", []string{"Java", "开发"}},
		{"3000-5000元/月", []string{"3000", "-", "5000", "元", "/", "月"}},
	}
	for _, c := range cases {
		if got := s.Cut(c.text); !slices.Equal(got, c.want) {
			t.Errorf("Cut(%q) = %q, want %q", c.text, got, c.want)
		}
	}
}

func TestTerms(t *testing.T) {
	s := segmenter(t)
	cases := []struct {
		text string
		want []string
	}{
		// long words are followed by the words inside them
		{"会计学专业本科及以上学历", []string{"会计学", "会计", "专业", "本科", "以上", "学历"}},
		{"计算机科学与技术", []string{"计算机科学与技术", "计算机科学", "计算机", "科学", "技术"}},
		// full width folds to half width, Latin lower-cases, so every
		// spelling of a skill gives the same term
		{"熟悉ＪＡＶＡ、Java和java", []string{"熟悉", "java", "java", "java"}},
		{"ＰＹＴＨＯＮ１２３", []string{"python123"}},
		// stop words and punctuation go
		{"的、了，和。", []string{}},
		{"The Java of the team", []string{"java", "team"}},
		{"工作地点：头屯河区", []string{"工作", "地点", "头屯河区", "头屯河", "屯河"}},
	}
	for _, c := range cases {
		got := s.Terms(c.text)
		if !slices.Equal(got, c.want) {
			t.Errorf("Terms(%q) = %q, want %q", c.text, got, c.want)
		}
	}
}

func TestDomainWordsFromCatalog(t *testing.T) {
	words := DomainWords()
	for _, w := range []string{"会计学", "计算机科学与技术", "头屯河区", "头屯河", "乌鲁木齐县"} {
		if !slices.Contains(words, w) {
			t.Errorf("DomainWords lacks %q", w)
		}
	}
	seen := map[string]bool{}
	for _, w := range words {
		if seen[w] {
			t.Errorf("DomainWords repeats %q", w)
		}
		seen[w] = true
		if utf8.RuneCountInString(w) < 2 {
			t.Errorf("DomainWords has single character %q", w)
		}
	}
	s := segmenter(t)
	all, domain := s.DictionarySize()
	if domain != len(words) || all < 100000 {
		t.Errorf("dictionary: %d words, %d domain; want >= 100000 and %d domain", all, domain, len(words))
	}
}

func TestNewSegmenterRejectsBadDictionary(t *testing.T) {
	_, err := NewSegmenter("工作 100 n\n学习 abc n\n", nil)
	if err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Fatalf("NewSegmenter(bad frequency) error = %v, want one naming line 2", err)
	}
}
