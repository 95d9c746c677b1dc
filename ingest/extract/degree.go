package extract

import (
	"regexp"
	"strings"

	"github.com/urumqi-hrss/jobmatch/ingest/normalize"
	"github.com/urumqi-hrss/jobmatch/matcher"
)

// degreeWords are the degrees as posts write them, found as the regexp
// alternation of them in this order would (a longer word before its
// prefix): see literalSet.
var degreeWords = newLiterals("博士研究生", "博士", "硕士研究生", "硕士", "研究生", "本科", "学士", "大专", "专科", "高职",
	"中专", "中技", "中职", "职高", "技校", "高中", "初中", "小学")

// degreeChars is a cheap first test: every degree word has one of them.
var degreeChars = newLiterals("博", "硕", "研", "本", "学", "专", "职", "技", "高", "初", "小")

// degreeAfter qualifies a degree word that follows it as a requirement:
// 本科及以上, 大专以上学历, 硕士学位, 本科毕业.
var degreeAfter = regexp.MustCompile(`^\s*(?:[/或及和]\s*(?:博士研究生|博士|硕士研究生|硕士|研究生|本科|学士|大专|专科|高职|中专|中技|中职|职高|技校|高中|初中))?\s*(?:及以上|以上|或以上|及其以上|含以上|\(含\)以上|（含）以上|学历|学位|毕业|文凭)`)

// degreeBefore qualifies a degree word that it precedes: 学历：本科,
// 学历要求大专, 统招本科, 全日制本科, 放宽至大专.
var degreeBefore = regexp.MustCompile(`(?:学历(?:要求)?\s*[:：为是在]?|统招|全日制|放宽至|放宽到|第一学历)\s*$`)

// degreeAny says a post takes any degree.
var degreeAny = newLiterals("学历不限", "不限学历", "学历无要求", "无学历要求", "学历不作要求", "学历要求不限", "不限制学历")

// degreeAnyIn is degreeAny's match in c, tested only where it can match.
func degreeAnyIn(c string) string {
	if !strings.Contains(c, "学历") {
		return ""
	}
	return degreeAny.findString(c)
}

// degree reads the minimum degree: the lowest degree a clause requires
// (本科及以上，优秀者可放宽至大专 → 大专), or DegreeNone for 学历不限. A
// degree in a clause that says 优先 after it is a preference, not a
// requirement. The clauses' findings (degreeIn) are folded in order.
func degree(fs []*clauseFacts) (d matcher.Degree, text string, found bool) {
	for _, f := range fs {
		for _, x := range f.degrees {
			if x.any {
				if !found || d > matcher.DegreeNone {
					d, text, found = matcher.DegreeNone, x.text, true
				}
			} else if !found || x.d < d {
				d, text, found = x.d, x.text, true
			}
		}
	}
	return d, text, found
}

// degreeFind is a degree one clause states: any for 学历不限.
type degreeFind struct {
	d    matcher.Degree
	text string
	any  bool
}

// degreeIn is what degree reads of one clause, in order.
func degreeIn(c string) []degreeFind {
	if !degreeChars.contains(c) {
		return nil
	}
	if m := degreeAnyIn(c); m != "" {
		return []degreeFind{{d: matcher.DegreeNone, text: m, any: true}}
	}
	var out []degreeFind
	for _, loc := range degreeWords.findAllIndex(c) {
		word, rest := c[loc[0]:loc[1]], c[loc[1]:]
		q := degreeAfter.FindString(rest)
		if q == "" && !degreeBefore.MatchString(c[:loc[0]]) {
			continue
		}
		if preferred(rest) {
			continue
		}
		v, err := normalize.Degree(word)
		if err != nil {
			continue
		}
		out = append(out, degreeFind{d: v, text: strings.TrimSpace(word + q)})
	}
	return out
}
