package extract

import (
	"regexp"
	"strconv"
	"strings"
)

// yearsPhrase is a span of time as posts write it: 3年以上, 1-3年, 两年及以上,
// 半年, 6个月以上.
var yearsPhrase = regexp.MustCompile(`(\d{1,2}(?:\.\d)?|[一二两三四五六七八九十半]{1,2})\s*(?:[-~～—–至到]\s*(?:\d{1,2}|[一二两三四五六七八九十]{1,2})\s*)?(年|个月)(以上|及以上|或以上|以上的|\(含\)以上|（含）以上)?`)

// noExperience says a post takes people without experience.
var noExperience = newLiterals("经验不限", "不限经验", "不限工作经验", "工作经验不限", "无需经验", "无需工作经验", "无需相关经验",
	"无经验要求", "经验无要求", "无经验可", "无经验者", "有无经验均可", "有无经验皆可", "有无经验都可", "无工作经验", "零经验",
	"接受小白", "可接受小白", "小白可", "应届", "在校生", "实习生")

// noExperienceChars is a cheap first test: every phrase of noExperience
// has one of them.
var noExperienceChars = newLiterals("经", "验", "小", "白", "应", "届", "在", "校", "实", "习")

// experienceCue says a clause is about working experience; a span with
// 以上 counts in any clause that does not say what else it is.
var experienceCue = newLiterals("经验", "经历", "从事", "工作年限", "资历", "工龄以上")

// notExperience are clauses where a span of years is something else.
var notExperience = regexp.MustCompile(`成立|创立|年薪|年终|年假|每年|合同|质保|保修|周岁|岁以|年龄|年满|毕业[0-9一二三四五]|届`)

// experience reads the years of experience required: the largest minimum
// any clause requires (a post asking "2年以上开发经验" and "5年以上测试经验"
// needs 5), or 0 for 应届/经验不限 when no clause asks for years. A span in
// a clause that says 优先 after it is a preference. Half a year or some
// months count as one year: the post wants some experience. The clauses'
// findings (experienceIn) are folded in order.
func experience(fs []*clauseFacts) (years int, text string, found bool) {
	none := ""
	for _, f := range fs {
		if none == "" {
			none = f.noExperience
		}
		for _, y := range f.years {
			if !found || y.n > years {
				years, text, found = y.n, y.text, true
			}
		}
	}
	if !found && none != "" {
		return 0, none, true
	}
	return years, text, found
}

// yearsFind is a minimum of years one clause requires.
type yearsFind struct {
	n    int
	text string
}

// experienceIn is what experience reads of one clause: its 经验不限 phrase
// and the years it requires, in order.
func experienceIn(c string) (none string, out []yearsFind) {
	if noExperienceChars.contains(c) {
		none = noExperience.findString(c)
	}
	if !strings.Contains(c, "年") && !strings.Contains(c, "个月") || notExperience.MatchString(c) {
		return none, nil
	}
	cue := experienceCue.contains(c)
	for _, m := range yearsPhrase.FindAllStringSubmatchIndex(c, -1) {
		atLeast := m[6] >= 0
		if !cue && !atLeast || preferred(c[m[1]:]) {
			continue
		}
		n, ok := spanYears(c[m[2]:m[3]], c[m[4]:m[5]])
		if !ok {
			continue
		}
		out = append(out, yearsFind{n: n, text: strings.TrimSpace(c[m[0]:m[1]])})
	}
	return none, out
}

// spanYears turns the first number of a span and its unit into whole
// years, rounding up; ok is false for a number that cannot be years of
// experience (a year like 2024, more than 40).
func spanYears(num, unit string) (int, bool) {
	var f float64
	if v, err := strconv.ParseFloat(num, 64); err == nil {
		f = v
	} else {
		f = chineseNumber(num)
	}
	if unit == "个月" {
		f /= 12
	}
	if f <= 0 || f > 40 {
		return 0, false
	}
	n := int(f)
	if float64(n) < f {
		n++
	}
	return n, true
}

// chineseNumber reads 一 … 十九, 两 and 半 (0.5); 0 for anything else.
func chineseNumber(s string) float64 {
	digits := map[rune]float64{'一': 1, '二': 2, '两': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9}
	r := []rune(s)
	switch {
	case len(r) == 1 && r[0] == '半':
		return 0.5
	case len(r) == 1 && r[0] == '十':
		return 10
	case len(r) == 1:
		return digits[r[0]]
	case len(r) == 2 && r[0] == '十':
		return 10 + digits[r[1]]
	case len(r) == 2 && r[1] == '十':
		return digits[r[0]] * 10
	case len(r) == 2 && r[1] == '半':
		return digits[r[0]] + 0.5
	}
	return 0
}
