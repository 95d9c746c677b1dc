package normalize

import (
	"strings"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// degreeExact are whole-cell spellings, in key form (see key).
var degreeExact = map[string]matcher.Degree{
	"不限": matcher.DegreeNone, "学历不限": matcher.DegreeNone, "不限学历": matcher.DegreeNone, "无": matcher.DegreeNone,
	"无要求": matcher.DegreeNone, "无学历要求": matcher.DegreeNone, "any": matcher.DegreeNone, "none": matcher.DegreeNone,
	"n/a": matcher.DegreeNone, "unlimited": matcher.DegreeNone, "norequirement": matcher.DegreeNone,
	"初中": matcher.DegreeNone, "小学": matcher.DegreeNone, "初中及以下": matcher.DegreeNone,

	"secondary": matcher.DegreeSecondary, "highschool": matcher.DegreeSecondary, "vocational": matcher.DegreeSecondary,
	"associate": matcher.DegreeAssociate, "associates": matcher.DegreeAssociate, "associate's": matcher.DegreeAssociate,
	"college": matcher.DegreeAssociate, "juniorcollege": matcher.DegreeAssociate,
	"bachelor": matcher.DegreeBachelor, "bachelors": matcher.DegreeBachelor, "bachelor's": matcher.DegreeBachelor,
	"undergraduate": matcher.DegreeBachelor, "ba": matcher.DegreeBachelor, "bs": matcher.DegreeBachelor,
	"bsc": matcher.DegreeBachelor, "be": matcher.DegreeBachelor, "beng": matcher.DegreeBachelor,
	"master": matcher.DegreeMaster, "masters": matcher.DegreeMaster, "master's": matcher.DegreeMaster,
	"postgraduate": matcher.DegreeMaster, "graduate": matcher.DegreeMaster, "ma": matcher.DegreeMaster,
	"ms": matcher.DegreeMaster, "msc": matcher.DegreeMaster, "mba": matcher.DegreeMaster, "meng": matcher.DegreeMaster,
	"doctor": matcher.DegreeDoctor, "doctorate": matcher.DegreeDoctor, "phd": matcher.DegreeDoctor, "ph.d.": matcher.DegreeDoctor,
	"ph.d": matcher.DegreeDoctor,
}

// degreeWords are the Chinese words for each level, searched inside a cell
// ("全日制统招本科及以上学历", "大专/本科"). Longer words are consumed first so
// that 博士研究生 is a doctor, not also a 研究生 (master).
var degreeWords = []struct {
	word   string
	degree matcher.Degree
}{
	{"博士研究生", matcher.DegreeDoctor}, {"硕士研究生", matcher.DegreeMaster}, {"博士后", matcher.DegreeDoctor},
	{"专升本", matcher.DegreeBachelor}, {"博士", matcher.DegreeDoctor}, {"硕士", matcher.DegreeMaster},
	{"研究生", matcher.DegreeMaster}, {"本科", matcher.DegreeBachelor}, {"学士", matcher.DegreeBachelor},
	{"大专", matcher.DegreeAssociate}, {"专科", matcher.DegreeAssociate}, {"高职", matcher.DegreeAssociate},
	{"中专", matcher.DegreeSecondary}, {"中技", matcher.DegreeSecondary}, {"中职", matcher.DegreeSecondary},
	{"职高", matcher.DegreeSecondary}, {"技校", matcher.DegreeSecondary}, {"技工学校", matcher.DegreeSecondary}, {"高中", matcher.DegreeSecondary},
	{"中等专业", matcher.DegreeSecondary}, {"初中", matcher.DegreeNone}, {"不限", matcher.DegreeNone},
}

// Degree reads an education level: Chinese names (中专/高中/中技/职高,
// 大专/专科/高职, 本科/学士, 硕士/研究生, 博士, 不限), the codes written by
// matcher.Degree.String, and English names. Qualifiers such as 及以上, 统招 or
// 全日制 do not change the level; a cell naming several levels ("大专/本科",
// "本科及以上，硕士优先") gives the lowest, because as a post's minimum that
// is the one it accepts. An empty cell is DegreeNone (no requirement).
func Degree(s string) (matcher.Degree, error) {
	if d, ok := degree(s); ok {
		return d, nil
	}
	if _, err := experience(s); err == nil && hasDigit(s) || key(s) == "应届生" {
		return matcher.DegreeNone, invalid("degree", "无法识别的学历：%s（像是工作经验，请检查列是否错位）",
			"unrecognised degree %q (it looks like work experience: are the columns swapped?)", echo(s))
	}
	return matcher.DegreeNone, unrecognised("degree", "学历", "degree", s)
}

func degree(s string) (matcher.Degree, bool) {
	k := key(s)
	if k == "" {
		return matcher.DegreeNone, true
	}
	if d, ok := matcher.ParseDegreeCode(k); ok {
		return d, true
	}
	if d, ok := degreeExact[k]; ok {
		return d, true
	}
	if d, ok := degreeExact[strings.Trim(k, ".")]; ok {
		return d, true
	}
	found, best := false, matcher.DegreeNone
	rest := k
	for _, w := range degreeWords {
		if !strings.Contains(rest, w.word) {
			continue
		}
		rest = strings.ReplaceAll(rest, w.word, "|")
		if w.degree == matcher.DegreeNone && strings.Contains(w.word, "不限") {
			// "学历不限" next to a level ("本科，学历不限") is a contradiction;
			// alone it is the answer. Decided after the loop.
			continue
		}
		if !found || w.degree < best {
			best = w.degree
		}
		found = true
	}
	if found {
		return best, true
	}
	if strings.Contains(k, "不限") {
		return matcher.DegreeNone, true
	}
	return matcher.DegreeNone, false
}
