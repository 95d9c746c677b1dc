package engine

import (
	"fmt"
	"strings"
)

// What a graduate without work experience can enter: the years of
// experience a post demands and the level its title names. On real posts
// these were most of what the matcher got wrong (benchmarks/RESULTS.md,
// "Relevance on real posts"): posts of the right field that ask for three
// years or a 主管, which a fresh graduate cannot take. The ledger records
// no work history, so every graduate is taken as having none.

// experienceFeature: 1 when the post asks for no experience, 0.5 for one
// or two years (a fresh graduate may still be considered), 0 for three or
// more.
func experienceFeature(years uint8) float64 {
	switch {
	case years == 0:
		return 1
	case years <= 2:
		return 0.5
	}
	return 0
}

// seniorWords mark a title above entry level when a word of the title is
// one of them (资深, 高级 …) or ends with one (销售经理, 技术主管 …).
// Matching whole words of the segmentation keeps 高级中学教师 (高级中学 is
// one word) and 主任医师's neighbours apart from 高级工程师.
var (
	seniorWholeWords = []string{"资深", "高级", "首席", "专家", "总监", "总经理", "副总", "总工", "总工程师", "负责人"}
	seniorSuffixes   = []string{"经理", "主管", "总监", "主任", "店长", "厂长", "部长", "组长", "领班", "主编", "架构师", "负责人", "合伙人"}
	// entryWords make a title entry level whatever else it says: a trainee
	// or an assistant of a senior role (储备经理, 经理助理, 管培生).
	entryWords = []string{"储备", "助理", "培训生", "管培", "实习", "学徒", "见习", "应届", "校招", "校园"}
)

// wordCutter is the plain word segmentation the index's gse segmenter
// offers beside its analyzer terms (which add sub-words: 高级中学 gives
// 高级 too). The engine reads titles and explanations with it when the
// analyzer has it.
type wordCutter interface {
	Cut(text string) []string
}

// words are text's words: the analyzer's plain segmentation when it has
// one, else its terms.
func (e *Engine) words(text string) []string {
	if c, ok := e.an.(wordCutter); ok {
		return c.Cut(text)
	}
	return e.an.Terms(text)
}

// seniorTitle reports whether a title names a post above entry level.
func (e *Engine) seniorTitle(title string) bool {
	for _, w := range entryWords {
		if strings.Contains(title, w) {
			return false
		}
	}
	_, ok := seniorWord(e.words(title))
	return ok
}

// seniorWord returns the word of a title that makes it senior.
func seniorWord(words []string) (string, bool) {
	for _, w := range words {
		for _, s := range seniorWholeWords {
			if w == s {
				return w, true
			}
		}
		for _, s := range seniorSuffixes {
			if strings.HasSuffix(w, s) {
				return w, true
			}
		}
	}
	return "", false
}

// experienceReason says what experience the post asks, in the post's own
// words when it gave them.
func experienceReason(ex *explanation) string {
	p := ex.pr.Post
	if ex.pr.expMin == 0 {
		return ""
	}
	what := strings.TrimSpace(p.Experience)
	if what == "" || strings.Trim(what, "0123456789") == "" {
		what = fmt.Sprintf("%d年以上", ex.pr.expMin)
	}
	return "经验要求：" + what + "（应届毕业生一般不满足）"
}

// entryReason names the title's word that puts the post above entry level.
func entryReason(ex *explanation) string {
	if !ex.pr.senior {
		return ""
	}
	w, ok := seniorWord(ex.e.words(ex.pr.Post.Title))
	if !ok {
		return ""
	}
	return "职位层级：" + w + "（非入门岗位）"
}
