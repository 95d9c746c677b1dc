package extract

import (
	"strings"
	"unicode/utf8"

	"github.com/urumqi-hrss/jobmatch/index"
	"github.com/urumqi-hrss/jobmatch/ingest/normalize"
	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

// Requirements are what a post's text asks of a candidate. A field whose
// Found flag is false was not stated (or only as a preference).
type Requirements struct {
	Degree      matcher.Degree // the minimum; DegreeNone for 学历不限 or 初中
	DegreeFound bool
	DegreeText  string // the phrase it was read from, e.g. 本科及以上

	ExperienceMin   int // years; 0 for 应届/经验不限 (half a year counts as 1)
	ExperienceFound bool
	ExperienceText  string // the phrase it was read from, e.g. 3年以上 or 经验不限

	Majors     []string // catalogue names (majors, 专业类 or 门类) of the required majors
	MajorCodes []string
	MajorsAny  bool // the text says 专业不限

	Skills       []string // catalogue terms, in order of first appearance
	Certificates []string
}

// Cutter segments text into words, in order, whitespace dropped (index.Segmenter).
type Cutter interface {
	Cut(text string) []string
}

// wordStarter is a Cutter that can say where its words start without
// cutting the whole text (index.Segmenter.ScanWordStarts): finding the
// catalog's terms needs the word boundaries only where a term's name
// occurs.
type wordStarter interface {
	ScanWordStarts(text string, scan func(wordStart func(p int) (start, known bool)) bool) bool
}

// Extractor reads requirements with a word segmenter.
type Extractor struct {
	cut  Cutter
	memo *factMemo
}

// New returns an extractor that segments with cut.
func New(cut Cutter) *Extractor { return &Extractor{cut: cut, memo: &factMemo{}} }

// Default returns an extractor on the process-wide gse segmenter
// (index.DefaultSegmenter), or the error that kept it from loading.
func Default() (*Extractor, error) {
	s, err := index.DefaultSegmenter()
	if err != nil {
		return nil, err
	}
	return New(s), nil
}

// Extract reads the requirements of a post from its title and description.
// Skills and certificates are read from the title and from the part of the
// description that states requirements (from 任职要求, 岗位要求 … on) when
// it has one, so duties (负责成本核算, 报销办理健康证) are not taken for
// requirements; degree, experience and majors from the whole description.
func (x *Extractor) Extract(title, description string) Requirements {
	return x.ExtractNormalized(normalize.Text(title), normalize.Multiline(description))
}

// ExtractNormalized is Extract for a title and description normalised
// already (normalize.Text and normalize.Multiline, as the importer stores
// a post's): both are idempotent, so it reads what Extract reads, without
// copying the description once more for every post.
func (x *Extractor) ExtractNormalized(title, description string) Requirements {
	var r Requirements
	fs := x.memo.facts(clauses(description))
	r.Degree, r.DegreeText, r.DegreeFound = degree(fs)
	r.ExperienceMin, r.ExperienceText, r.ExperienceFound = experience(fs)
	r.Majors, r.MajorCodes, r.MajorsAny = majors(fs)
	r.Skills, r.Certificates = x.find(title + "\n" + withoutBenefits(requirementsPart(description)))
	return r
}

// find is catalog.FindInWords of text's words: from the word starts where
// a name occurs when the cutter can tell them (the same terms, without
// cutting all of text), from the whole cut otherwise.
func (x *Extractor) find(text string) (skills, certificates []string) {
	if ws, ok := x.cut.(wordStarter); ok {
		var found bool
		ws.ScanWordStarts(text, func(wordStart func(int) (bool, bool)) bool {
			skills, certificates, found = catalog.FindOnWordStarts(text, wordStart)
			return found
		})
		if found {
			return skills, certificates
		}
	}
	return catalog.FindInWords(x.cut.Cut(text))
}

// Terms returns the skills and certificates named in text, found on the
// word boundaries of its segmentation (catalog.FindInWords).
func (x *Extractor) Terms(text string) (skills, certificates []string) {
	return x.find(text)
}

// requirementsHeaders open the part of a description that says what a
// candidate needs.
var requirementsHeaders = []string{"任职要求", "任职资格", "任职条件", "岗位要求", "岗位条件", "职位要求", "招聘要求",
	"应聘要求", "技能要求", "职能要求", "能力要求", "资格要求", "Requirements", "Qualifications"}

var requirementsSet = newLiterals(requirementsHeaders...)

// requirementsPart is the description from its first requirements header
// on, or all of it when it has none.
func requirementsPart(text string) string {
	first := requirementsSet.index(text)
	if first < 0 {
		return text
	}
	return text[first:]
}

// benefitCues say a clause offers something rather than asks for it:
// 公司提供考证补贴, 协助考取叉车证, 考证费用报销. A certificate or skill it
// names is what the employer helps with, not a requirement. (Literals and
// strings.Contains: a regexp alternation costs tens of µs per post.)
var benefitCues = []string{"补贴", "补助", "报销", "协助考取", "协助办理", "帮助考取", "协助取得", "公司提供", "单位提供",
	"免费培训", "免费考取", "包考", "带薪培训", "考证奖励", "可考取", "有机会考取"}

var benefitCueSet = newLiterals(benefitCues...)

// offers reports whether text has a benefit cue (benefitCues, or 考取
// followed within a few characters by 奖励).
func offers(text string) bool {
	if benefitCueSet.contains(text) {
		return true
	}
	for rest := text; ; {
		i := strings.Index(rest, "考取")
		if i < 0 {
			return false
		}
		rest = rest[i+len("考取"):]
		if j := strings.Index(rest, "奖励"); j >= 0 && utf8.RuneCountInString(rest[:j]) <= 8 {
			return true
		}
	}
}

// benefitsHeaders open the part of a description that says what the
// employer offers; it runs to the next requirements header or the end.
var benefitsHeaders = []string{"福利待遇", "薪资福利", "工资福利", "工资及福利", "薪酬福利", "其他福利", "福利：", "福利:", "待遇：", "待遇:", "岗位优势", "我们提供"}

var benefitsSet = newLiterals(benefitsHeaders...)

// withoutBenefits is text without what the employer offers: its benefits
// sections (benefitsHeaders) and, elsewhere, its benefit clauses
// (offers), the rest joined by line breaks so no two clauses make one
// word. A section is cut whole because a clause there need not say it
// offers (体检费、健康证费用，入职满三个月报销).
func withoutBenefits(text string) string {
	text = cutBenefitsSections(text)
	if !offers(text) {
		return text
	}
	var kept []string
	for _, c := range clauses(text) {
		if !offers(c) {
			kept = append(kept, c)
		}
	}
	return strings.Join(kept, "\n")
}

// cutBenefitsSections removes each benefits section of text up to the
// next requirements header after it, or to the end.
func cutBenefitsSections(text string) string {
	for {
		start := benefitsSet.index(text)
		if start < 0 {
			return text
		}
		end := len(text)
		for _, i := range requirementsSet.firsts(text[start:]) {
			if i > 0 && start+i < end {
				end = start + i
			}
		}
		text = text[:start] + "\n" + text[end:]
	}
}

// clauseEnds are the runes that end a clause (see clauses).
const clauseEnds = "，。；;！!？?\n,①②③④⑤⑥⑦⑧⑨⑩"

// isClauseEnd reports whether r is in clauseEnds. A switch, not
// strings.ContainsRune: that scanned the string for every rune of every
// description, 2% of an import's CPU (0.16 s of 8.1 s profiled, generated
// 25,181 posts).
func isClauseEnd(r rune) bool {
	switch r {
	case '，', '。', '；', ';', '！', '!', '？', '?', '\n', ',', '①', '②', '③', '④', '⑤', '⑥', '⑦', '⑧', '⑨', '⑩':
		return true
	}
	return false
}

// clauses splits text into clauses, trimmed, without empties. A clause
// ends at Chinese and Latin sentence punctuation, the full-width comma, a
// comma, a line break or an item number (1、 2． ③); the enumeration
// comma 、 and "/" keep a list in one clause.
func clauses(text string) []string {
	var out []string
	start := 0
	cut := func(end, next int) {
		if c := strings.TrimSpace(text[start:end]); c != "" {
			out = append(out, c)
		}
		start = next
	}
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRuneInString(text[i:])
		switch {
		case isClauseEnd(r):
			cut(i, i+n)
		case r >= '0' && r <= '9' && (i == 0 || text[i-1] < '0' || text[i-1] > '9'):
			// An item number: one or two digits then 、 or ．.
			j := i + 1
			if j < len(text) && text[j] >= '0' && text[j] <= '9' {
				j++
			}
			if s, m := utf8.DecodeRuneInString(text[j:]); s == '、' || s == '．' {
				cut(i, j+m)
				i = j + m
				continue
			}
		}
		i += n
	}
	cut(len(text), len(text))
	return out
}

// preferred reports whether the rest of a clause makes what precedes it a
// preference rather than a requirement.
func preferred(rest string) bool {
	return strings.Contains(rest, "优先") || strings.Contains(rest, "更佳") || strings.Contains(rest, "加分") ||
		strings.Contains(rest, "者佳") || strings.Contains(rest, "从优")
}
