package normalize

import (
	"math"
	"strconv"
	"strings"
)

// countUnits are the measure words that follow a count ("3人", "10名",
// "30天") and carry no information in a column that already says what it
// counts.
var countUnits = []string{"人次", "个人", "课时", "人", "名", "个", "位", "岗", "天", "日", "岁", "周", "次", "期", "家", "间", "课"}

// experienceWords are removed or unified before an experience cell is read.
var experienceWords = strings.NewReplacer("工作经验", "", "相关经验", "", "经验", "", "及以上", "以上", "~", "-", "—", "-", "至", "-", "到", "-")

// Int reads a non-negative whole number such as a headcount, an age or a
// duration: full-width digits, thousands commas, a measure word ("3人",
// "10名"), "约"/"左右"/"余"/"多"/"+" around it, and "3.0" as spreadsheets
// write integers. 若干 and 不限 (some, any) are unknown and give 0 with no
// error, as does an empty cell. field names the column in error messages.
func Int(s string, field string) (int, error) {
	k := key(s)
	switch k {
	case "", "若干", "不限", "不详", "待定", "-", "/", "n/a", "na":
		return 0, nil
	}
	k = strings.TrimPrefix(k, "'")
	if strings.HasPrefix(k, "若干") {
		return 0, nil
	}
	for _, w := range []string{"大约", "约", "左右", "以上", "以内", "余", "多", "+"} {
		k = strings.ReplaceAll(k, w, "")
	}
	for _, u := range countUnits {
		if strings.HasSuffix(k, u) {
			k = strings.TrimSuffix(k, u)
			break
		}
	}
	k = strings.ReplaceAll(k, ",", "")
	if strings.HasPrefix(k, "-") && (allDigits(k[1:]) || isDecimal(k[1:])) {
		return 0, invalid(field, "%s不能为负数：%s", "%s cannot be negative: %q", field, echo(s))
	}
	if n, ok := chineseSmallNumber(k); ok {
		return n, nil
	}
	if isDecimal(k) {
		f, err := strconv.ParseFloat(k, 64)
		if err == nil && f == math.Trunc(f) && f <= math.MaxInt32 {
			return int(f), nil
		}
		return 0, invalid(field, "%s应为整数：%s", "%s must be a whole number: %q", field, echo(s))
	}
	if !allDigits(k) {
		return 0, invalid(field, "%s不是数字：%s", "%s is not a number: %q", field, echo(s))
	}
	n, err := strconv.Atoi(k)
	if err != nil || n > math.MaxInt32 {
		return 0, invalid(field, "%s数值过大：%s", "%s is too large: %q", field, echo(s))
	}
	return n, nil
}

// chineseDigits are the numerals of small counts and year spans.
var chineseDigits = map[rune]int{'零': 0, '〇': 0, '一': 1, '二': 2, '两': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9}

// chineseSmallNumber reads 0–99 in Chinese numerals (三, 十, 十二, 二十, 二十五).
func chineseSmallNumber(s string) (int, bool) {
	r := []rune(s)
	switch {
	case len(r) == 1:
		if r[0] == '十' {
			return 10, true
		}
		n, ok := chineseDigits[r[0]]
		return n, ok
	case len(r) == 2 && r[0] == '十':
		n, ok := chineseDigits[r[1]]
		return 10 + n, ok && n > 0
	case len(r) == 2 && r[1] == '十':
		n, ok := chineseDigits[r[0]]
		return n * 10, ok && n > 1
	case len(r) == 3 && r[1] == '十':
		a, ok1 := chineseDigits[r[0]]
		b, ok2 := chineseDigits[r[2]]
		return a*10 + b, ok1 && ok2 && a > 1 && b > 0
	}
	return 0, false
}

// Bool reads yes/no cells: 是/否, 有/无, 需要/不需要, true/false, 1/0, Y/N,
// yes/no, √/× (ticks in Chinese spreadsheets). An empty cell is false.
func Bool(s string) (bool, error) {
	switch key(s) {
	case "是", "有", "需要", "要", "要求", "对", "true", "t", "1", "y", "yes", "on", "√", "✓", "✔":
		return true, nil
	case "", "否", "无", "没有", "不需要", "不要求", "不是", "false", "f", "0", "n", "no", "off", "×", "✗", "✘", "-":
		return false, nil
	}
	return false, unrecognised("", "是否值（应为 是/否）", "yes/no value", s)
}

// Experience reads a post's work-experience requirement and returns the
// minimum years: 经验不限, 无经验, 应届生 and "1年以内" are 0; "1-3年" is 1;
// "3年以上" is 3; "5-10年" is 5; "两年以上" is 2; months ("6个月以上") round
// down to whole years. An empty cell is 0.
func Experience(s string) (int, error) {
	n, err := experience(s)
	if err != nil && s != "" {
		if _, ok := degree(s); ok {
			return 0, invalid("experience", "无法识别的工作经验要求：%s（像是学历，请检查列是否错位）",
				"unrecognised experience requirement %q (it looks like a degree: are the columns swapped?)", echo(s))
		}
	}
	return n, err
}

func experience(s string) (int, error) {
	k := key(s)
	switch k {
	case "", "不限", "经验不限", "无经验", "无需经验", "无经验要求", "经验不限制", "无", "应届", "应届生", "应届毕业生",
		"在校生", "在校/应届", "实习生", "无要求", "none", "any", "noexperience", "freshgraduate":
		return 0, nil
	}
	k = experienceWords.Replace(k)
	if strings.HasPrefix(k, "-") {
		return 0, invalid("experience", "工作年限不能为负数：%s", "experience cannot be negative: %q", echo(s))
	}
	if (strings.Contains(k, "不限") && !hasDigit(k)) || strings.HasPrefix(k, "应届") {
		return 0, nil
	}
	// The first number, Arabic or Chinese, and the unit after the number
	// (or after the range's second number).
	i := 0
	for i < len(k) && (k[i] >= '0' && k[i] <= '9' || k[i] == '.') {
		i++
	}
	var n float64
	rest := k[i:]
	if i > 0 {
		f, err := strconv.ParseFloat(k[:i], 64)
		if err != nil {
			return 0, unrecognised("experience", "工作经验要求", "experience requirement", s)
		}
		n = f
	} else {
		r := []rune(k)
		j := 0
		for j < len(r) && (r[j] == '十' || chineseDigits[r[j]] > 0 || r[j] == '零') {
			j++
		}
		if r0 := strings.TrimSpace(string(r[:j])); j > 0 {
			v, ok := chineseSmallNumber(r0)
			if !ok {
				return 0, unrecognised("experience", "工作经验要求", "experience requirement", s)
			}
			n, rest = float64(v), string(r[j:])
		} else if strings.HasPrefix(k, "半年") {
			return 0, nil
		} else {
			return 0, unrecognised("experience", "工作经验要求", "experience requirement", s)
		}
	}
	if strings.HasPrefix(rest, "-") {
		// Skip the upper bound of the range: "1-3年".
		j := 1
		for j < len(rest) && (rest[j] >= '0' && rest[j] <= '9' || rest[j] == '.') {
			j++
		}
		if j == 1 {
			return 0, unrecognised("experience", "工作经验要求", "experience requirement", s)
		}
		rest = rest[j:]
	}
	switch {
	case rest == "" || strings.HasPrefix(rest, "年") || strings.HasPrefix(rest, "year") || strings.HasPrefix(rest, "yr") || strings.HasPrefix(rest, "+"):
		if strings.Contains(rest, "以内") || strings.Contains(rest, "以下") {
			// "1年以内": at most a year, so no minimum.
			return 0, nil
		}
	case strings.HasPrefix(rest, "个月") || strings.HasPrefix(rest, "月"):
		n /= 12
	default:
		// "5天/周" is a schedule, not experience.
		return 0, unrecognised("experience", "工作经验要求", "experience requirement", s)
	}
	if n > 50 {
		return 0, invalid("experience", "工作年限不合理：%s", "implausible years of experience: %q", echo(s))
	}
	return int(n), nil
}
