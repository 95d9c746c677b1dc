package normalize

import (
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// salaryLimits are the amounts, per period, outside which a published salary
// is a typo or a mis-mapped column rather than pay: "8-12" with no unit is not
// 8 yuan a month, and 5,000,000 a month is a phone number in the wrong cell.
var salaryLimits = map[matcher.SalaryPeriod][2]float64{
	matcher.PerMonth: {100, 1_000_000},
	matcher.PerYear:  {1_000, 12_000_000},
	matcher.PerDay:   {10, 50_000},
	matcher.PerHour:  {1, 10_000},
}

// maxSalaryKey bounds the cleaned cell: the longest real salaries
// ("月薪：6000-8000元（税前）+提成，包吃住") are far shorter, and the bound
// keeps the parser linear in practice on hostile input.
const maxSalaryKey = 200

// periodMarkers are the ways a period is written, in key form (lower-case,
// no spaces). Longer markers are tried first (see init).
var periodMarkers = []struct {
	text   string
	period matcher.SalaryPeriod
}{
	{"/月", matcher.PerMonth}, {"每月", matcher.PerMonth}, {"月薪", matcher.PerMonth}, {"/个月", matcher.PerMonth},
	{"/month", matcher.PerMonth}, {"permonth", matcher.PerMonth}, {"/mon", matcher.PerMonth}, {"/mo", matcher.PerMonth},
	{"/年", matcher.PerYear}, {"每年", matcher.PerYear}, {"年薪", matcher.PerYear}, {"/year", matcher.PerYear},
	{"peryear", matcher.PerYear}, {"/yr", matcher.PerYear}, {"/annum", matcher.PerYear}, {"perannum", matcher.PerYear},
	{"/天", matcher.PerDay}, {"/日", matcher.PerDay}, {"每天", matcher.PerDay}, {"每日", matcher.PerDay}, {"日薪", matcher.PerDay},
	{"/day", matcher.PerDay}, {"perday", matcher.PerDay}, {"日结", matcher.PerDay}, {"月结", matcher.PerMonth},
	{"/小时", matcher.PerHour}, {"/时", matcher.PerHour}, {"每小时", matcher.PerHour}, {"时薪", matcher.PerHour},
	{"/hour", matcher.PerHour}, {"perhour", matcher.PerHour}, {"/hr", matcher.PerHour}, {"/h", matcher.PerHour},
}

func init() {
	sort.SliceStable(periodMarkers, func(i, j int) bool { return len(periodMarkers[i].text) > len(periodMarkers[j].text) })
}

// negotiableWords mark a salary published without numbers on purpose.
var negotiableWords = []string{"面议", "面谈", "协商", "商议", "议定", "待遇从优", "薪资从优", "待遇优厚", "薪资优厚", "negotiable", "tbd", "dependsonexperience", "doe"}

// salaryFiller are words around the numbers that change nothing: tax
// wording, "about", currency, labels. They are removed before the numbers
// are read; anything else left over makes the salary unrecognisable.
var salaryFiller = []string{
	"基本工资", "综合薪资", "综合工资", "综合收入", "薪资范围", "工资范围", "薪资待遇", "工资待遇", "薪酬待遇",
	"可面议", "面议", "可谈", "税前", "税后", "底薪", "保底", "综合", "薪资", "薪酬", "工资", "待遇", "收入",
	"人民币", "大约", "左右", "上下", "以下", "以内", "不等", "约", "rmb", "cny", "salary", "¥", ":", "：",
	"(", ")", "（", "）", "[", "]",
}

// salaryExtras are pay on top of the figure ("底薪3000+提成") and perks
// written in the same cell ("包吃住"). They are dropped; a "+" left before
// them makes the figure a floor (OpenEnded).
var salaryExtras = []string{
	"提成", "绩效", "奖金", "年终奖", "加班费", "补贴", "补助", "全勤", "分红", "计件", "五险一金", "五险", "社保",
	"包吃住", "包食宿", "包吃", "包住", "双休", "试用期", "转正后", "转正",
}

func init() {
	sort.SliceStable(salaryExtras, func(i, j int) bool { return len(salaryExtras[i]) > len(salaryExtras[j]) })
	sort.SliceStable(salaryFiller, func(i, j int) bool { return len(salaryFiller[i]) > len(salaryFiller[j]) })
}

// Salary reads a published salary: ranges and single values in yuan, k/千,
// 万, with or without a period (/月 /天 /时 /年, 月薪, 年薪 …) and a number
// of months (·14薪), plus 面议 and its synonyms.
//
// Conventions: amounts in yuan or k/千 without a period are monthly; a
// range or value with one trailing 万 and no period is yearly (猎聘's
// "35-49万"), while 万 on each bound ("1万-1.5万", "8千-1万", 智联's style)
// is monthly. A unit-less lower bound under 1000 takes the upper bound's unit
// ("8-12k"). "5000以上" and "8k起" set Min = Max and OpenEnded. A range given
// high-to-low is swapped back and flagged Inverted. Page junk that portals
// glue to the value ("72小时反馈") is ignored.
//
// An empty cell gives the zero Salary (unknown, not negotiable) and no error.
// Raw always keeps the input.
func Salary(s string) (matcher.Salary, error) {
	out := matcher.Salary{Raw: s}
	k := salaryKey(s)
	if k == "" {
		return out, nil
	}
	if len(k) > maxSalaryKey {
		return out, invalid("salary", "薪资内容过长（%d字节），像是错位的其他列：%s", "salary cell too long (%d bytes), probably another column: %q", len(k), echo(s))
	}
	if !hasDigit(k) {
		for _, w := range negotiableWords {
			if strings.Contains(k, w) {
				out.Negotiable = true
				return out, nil
			}
		}
		return out, unrecognised("salary", "薪资", "salary", s)
	}

	k = dropNotes(k)
	var err error
	if k, out.Months, err = takeMonths(k, s); err != nil {
		return out, err
	}
	var period matcher.SalaryPeriod
	if k, period, err = takePeriod(k, s); err != nil {
		return out, err
	}
	for _, w := range salaryFiller {
		if strings.Contains(k, w) {
			k = strings.ReplaceAll(k, w, "")
		}
	}
	k, out.OpenEnded = takeOpenEnded(k)
	if strings.HasPrefix(k, "-") {
		return out, invalid("salary", "薪资不能为负数：%s", "salary cannot be negative: %q", echo(s))
	}

	lo, hi, ranged, ok := readRange(k)
	if !ok {
		return out, unrecognised("salary", "薪资", "salary", s)
	}
	if period == "" {
		period = matcher.PerMonth
		// One trailing 万 for the whole figure is 猎聘's yearly package;
		// 万 on each bound is 智联's monthly wage.
		if (ranged && hi.unit == "万" && lo.unit == "") || (!ranged && lo.unit == "万") {
			period = matcher.PerYear
		}
	}
	out.Period = period
	out.Min, out.Max = round2(lo.value*lo.mult), round2(hi.value*hi.mult)
	if out.Min > out.Max {
		out.Min, out.Max = out.Max, out.Min
		out.Inverted = true
	}
	if out.Min <= 0 {
		return out, invalid("salary", "薪资下限不能为0：%s", "salary minimum cannot be 0: %q", echo(s))
	}
	lim := salaryLimits[period]
	if out.Min < lim[0] || out.Max > lim[1] {
		return out, invalid("salary", "薪资数额不合理（每%[1]s %.0[2]f–%.0[3]f 元）：%[4]s，请检查单位和周期",
			"implausible salary (%.0[2]f–%.0[3]f yuan per %[5]s): %[4]q; check the unit and period",
			periodChinese(period), out.Min, out.Max, echo(s), period)
	}
	return out, nil
}

// readRange reads "8000", "8-12k" or "3000-5k": one amount or two, the
// whole of k, a bare bound taking the other's unit.
func readRange(k string) (lo, hi amount, ranged, ok bool) {
	lo, rest, ok := readAmount(k)
	if !ok {
		return lo, hi, false, false
	}
	hi = lo
	if strings.HasPrefix(rest, "-") {
		if hi, rest, ok = readAmount(strings.TrimLeft(rest, "-")); !ok {
			return lo, hi, false, false
		}
		ranged = true
	}
	if rest != "" {
		return lo, hi, ranged, false
	}
	if ranged {
		// "8-12k": the bare bound shares the other's unit; "3000-5k" keeps
		// 3000 yuan, since no one writes 3000k for a monthly wage.
		if lo.unit == "" && hi.unit != "" && lo.value < 1000 {
			lo.mult = hi.mult
		}
		if hi.unit == "" && lo.unit != "" && hi.value < 1000 {
			hi.mult = lo.mult
		}
	}
	return lo, hi, ranged, true
}

func periodChinese(p matcher.SalaryPeriod) string {
	switch p {
	case matcher.PerYear:
		return "年"
	case matcher.PerDay:
		return "天"
	case matcher.PerHour:
		return "小时"
	}
	return "月"
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }

func hasDigit(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			return true
		}
	}
	return false
}

// salaryKey cleans a salary cell into the form the parser reads: Text, then
// without the portals' "N小时反馈" junk, spaces, ASCII case and the many
// ways of writing a range dash.
func salaryKey(s string) string {
	t := Text(s)
	if strings.Contains(t, "反馈") {
		f := strings.Fields(t)
		kept := f[:0]
		for _, x := range f {
			if !strings.Contains(x, "反馈") {
				kept = append(kept, x)
			}
		}
		t = strings.Join(kept, " ")
	}
	t = asciiLower(strings.ReplaceAll(t, " ", ""))
	var b strings.Builder
	b.Grow(len(t))
	for _, r := range t {
		switch r {
		case '~', '—', '–', '‒', '―', '−', '至', '到', '－', '〜', '～':
			r = '-'
		}
		b.WriteRune(r)
	}
	t = b.String()
	for strings.Contains(t, "--") {
		t = strings.ReplaceAll(t, "--", "-")
	}
	return t
}

// dropNotes removes bracketed notes without digits ("(试用期)") and the
// extras of salaryExtras, with the separators that joined them.
func dropNotes(k string) string {
	for _, pair := range [][2]string{{"(", ")"}, {"（", "）"}, {"[", "]"}, {"【", "】"}} {
		for {
			i := strings.Index(k, pair[0])
			if i < 0 {
				break
			}
			j := strings.Index(k[i:], pair[1])
			if j < 0 || hasDigit(k[i:i+j]) {
				break
			}
			k = k[:i] + k[i+j+len(pair[1]):]
		}
	}
	for _, w := range salaryExtras {
		if !strings.Contains(k, w) {
			continue
		}
		k = strings.ReplaceAll(k, w, "")
	}
	// "3000+提成" is now "3000+"; "3000,包吃住" is "3000,".
	return strings.TrimRight(k, ",，;；、/+&") + plusIfExtra(k)
}

// plusIfExtra keeps one trailing "+" when extras followed the figure, so
// takeOpenEnded marks it a floor.
func plusIfExtra(k string) string {
	if strings.HasSuffix(strings.TrimRight(k, ",，;；、/&"), "+") {
		return "+"
	}
	return ""
}

// takeMonths removes "·14薪" (or "*14薪", "x14薪", "14薪") and returns the count.
func takeMonths(k, raw string) (string, int, error) {
	i := strings.Index(k, "薪")
	if i < 0 {
		return k, 0, nil
	}
	j := i
	for j > 0 && k[j-1] >= '0' && k[j-1] <= '9' {
		j--
	}
	if j == i {
		// 薪 without a count (e.g. left over from 月薪) is someone else's word.
		return k, 0, nil
	}
	n, err := strconv.Atoi(k[j:i])
	if err != nil || n < 12 || n > 24 {
		return k, 0, invalid("salary", "薪资月数不合理（应为12–24薪）：%s", "implausible number of monthly salaries (12–24 expected): %q", echo(raw))
	}
	rest := k[i+len("薪"):]
	head := k[:j]
	for {
		r, size := utf8.DecodeLastRuneInString(head)
		if size == 0 || !strings.ContainsRune("·・•*x×,，;；/", r) {
			break
		}
		head = head[:len(head)-size]
	}
	return head + rest, n, nil
}

// takePeriod removes every period marker; two different periods are an error.
func takePeriod(k, raw string) (string, matcher.SalaryPeriod, error) {
	var p matcher.SalaryPeriod
	for _, m := range periodMarkers {
		if !strings.Contains(k, m.text) {
			continue
		}
		if p != "" && p != m.period {
			return k, "", invalid("salary", "薪资周期矛盾：%s", "conflicting salary periods: %q", echo(raw))
		}
		p = m.period
		k = strings.ReplaceAll(k, m.text, "")
	}
	return k, p, nil
}

// takeOpenEnded removes a trailing "以上"/"起"/"+" (and the like).
func takeOpenEnded(k string) (string, bool) {
	for _, suf := range []string{"及以上", "或以上", "以上", "起步", "起", "+", "多"} {
		if strings.HasSuffix(k, suf) {
			return strings.TrimSuffix(k, suf), true
		}
	}
	return k, false
}

type amount struct {
	value float64
	unit  string // "", "k", "千", "万", "元", "百"
	mult  float64
}

// readAmount reads a number (digits, one decimal point, thousands commas)
// and an optional unit from the start of k.
func readAmount(k string) (amount, string, bool) {
	var digits []byte
	i, dot := 0, false
	for i < len(k) {
		c := k[i]
		switch {
		case c >= '0' && c <= '9':
			digits = append(digits, c)
		case c == '.' && !dot && len(digits) > 0 && i+1 < len(k) && k[i+1] >= '0' && k[i+1] <= '9':
			dot = true
			digits = append(digits, c)
		case c == ',' && !dot && len(digits) > 0 && thousandsGroup(k[i+1:]):
		default:
			goto unit
		}
		i++
	}
unit:
	if len(digits) == 0 || len(digits) > 15 {
		return amount{}, k, false
	}
	v, err := strconv.ParseFloat(string(digits), 64)
	if err != nil {
		return amount{}, k, false
	}
	a := amount{value: v, mult: 1}
	rest := k[i:]
	for _, u := range []struct {
		text, unit string
		mult       float64
	}{{"千元", "千", 1000}, {"万元", "万", 10000}, {"k", "k", 1000}, {"千", "千", 1000}, {"w", "万", 10000},
		{"万", "万", 10000}, {"百", "百", 100}, {"元", "元", 1}, {"块钱", "元", 1}, {"块", "元", 1}} {
		if strings.HasPrefix(rest, u.text) {
			a.unit, a.mult = u.unit, u.mult
			rest = rest[len(u.text):]
			break
		}
	}
	// "3000元-5000元" and "8千元" leave a currency word after the unit.
	rest = strings.TrimPrefix(rest, "元")
	return a, rest, true
}

// thousandsGroup reports whether s starts with exactly three digits.
func thousandsGroup(s string) bool {
	if len(s) < 3 {
		return false
	}
	for i := 0; i < 3; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return len(s) == 3 || s[3] < '0' || s[3] > '9'
}
