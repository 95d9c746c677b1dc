package extract

import (
	"regexp"
	"strings"

	"github.com/urumqi-hrss/jobmatch/ingest/normalize"
)

// majorsBefore is the text before 专业 in a clause that names required
// majors: "计算机、软件工程等相关专业", "财会类专业", "护理专业毕业".
var majorsBefore = regexp.MustCompile(`([^:：]{1,60}?(?:及其|等|或|及)?(?:相关|相近|对口|类)?)专业`)

// majorsLabel is the label form: "专业：国贸、英语", "专业要求：护理".
var majorsLabel = regexp.MustCompile(`专业(?:要求)?\s*[:：]\s*([^:：]{1,60})`)

// majorsAny says a post takes any major.
var majorsAny = regexp.MustCompile(`专业不限|不限专业|专业无要求|无专业要求|专业不作要求|不限制专业|任何专业|专业均可`)

// majorLead are words that open the clause before the majors themselves.
var majorLead = regexp.MustCompile(`^.*(?:需要|要求|具有|具备|拥有|所学|毕业于|学历|以上|背景|:|：|\(|（)`)

// majorSplit separates the majors of a list; 及其 (电气工程及其自动化) and
// 与 (材料科学与工程) are parts of names.
//
// The qualifiers stay on the last item ("软件工程等相关" → 软件工程、相关,
// "计算机相关" → 计算机相关), so the resolver reads 相关 as the whole 专业类.
var majorSplit = strings.NewReplacer("或者", "、", "或", "、", "和", "、", "以及", "、", "及其相关", "相关", "等", "、", "对口", "相关", "相近", "相关")

// majors reads the majors a post requires, resolved by the majors catalogue
// (names, 专业类 or 门类); names it does not resolve are dropped rather
// than guessed. Majors in a clause that says 优先 are a preference and are
// not read; any says the text takes every major (专业不限). The clauses'
// findings (majorsIn) are folded in order.
func majors(fs []*clauseFacts) (names, codes []string, any bool) {
	for _, f := range fs {
		any = any || f.majorsAny
		for _, m := range f.majors {
			names, codes = appendNew(names, m[0]), appendNew(codes, m[1])
		}
	}
	return names, codes, any
}

// majorsIn is what majors reads of one clause: 专业不限, or the name and
// code of each major it requires, in order.
func majorsIn(c string) (any bool, out [][2]string) {
	if !strings.Contains(c, "专业") {
		return false, nil // every pattern below needs it; most clauses lack it
	}
	if majorsAny.MatchString(c) {
		return true, nil
	}
	var spans []string
	if m := majorsLabel.FindStringSubmatchIndex(c); m != nil {
		if !preferred(c[m[1]:]) {
			spans = append(spans, c[m[2]:m[3]])
		}
	} else {
		for _, m := range majorsBefore.FindAllStringSubmatchIndex(c, -1) {
			if rest := c[m[1]:]; !preferred(rest) && !strings.HasPrefix(rest, "知识") && !strings.HasPrefix(rest, "技能") && !strings.HasPrefix(rest, "能力") {
				spans = append(spans, c[m[2]:m[3]])
			}
		}
	}
	for _, s := range spans {
		for _, item := range normalize.List(majorSplit.Replace(leadTrimmed(s))) {
			ns, cs := normalize.Majors(item)
			if len(cs) == 0 {
				continue // not a major the catalogue knows
			}
			out = append(out, [2]string{ns[0], cs[0]})
		}
	}
	return false, out
}

// itemMark is an item number or bullet before a clause's text (1. 2) * -).
var itemMark = regexp.MustCompile(`^[\s\d.．、)）(（*#\-—·•]+`)

// leadTrimmed drops the words before the majors ("需要大数据" → "大数据",
// "1.计算机" → "计算机").
func leadTrimmed(s string) string {
	if loc := majorLead.FindStringIndex(s); loc != nil && loc[1] < len(s) {
		s = s[loc[1]:]
	}
	return itemMark.ReplaceAllString(s, "")
}

func appendNew(l []string, s string) []string {
	for _, x := range l {
		if x == s {
			return l
		}
	}
	return append(l, s)
}
