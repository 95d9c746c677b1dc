package matcher

import (
	"strings"
	"testing"
)

// TestMajorLabelNeverACode: a reason a person reads names majors in words
// (issue 8: "专业不符：要求4301、电力技术类" showed a raw code).
func TestMajorLabelNeverACode(t *testing.T) {
	for code, want := range map[string]string{
		"050101": "汉语言文学", // a major
		"4301":   "电力技术类", // a 专业类 code alone
		"430199": "电力技术类", // a code the catalogue lacks, in a known class
		"0899":   "工学类专业", // only the 门类 is known
		"9999":   "目录未收录的专业",
	} {
		if got := refFromCode(code).Label(); got != want {
			t.Errorf("refFromCode(%s).Label() = %q, want %q", code, got, want)
		}
	}
	p := &Post{ID: "p", MajorCodes: []string{"4301"}, Majors: []string{"电力技术类"}}
	_, r := NewPostFacts(p)
	s := explainMajors(&GraduateFacts{}, &PostFacts{}, &r)
	if strings.ContainsAny(s, "0123456789") || strings.Count(s, "电力技术类") != 1 {
		t.Errorf("explainMajors = %q: want the class named once and no code", s)
	}
}
