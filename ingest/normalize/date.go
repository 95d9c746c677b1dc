package normalize

import (
	"strconv"
	"strings"
	"time"
)

// excelEpoch is day 0 of Excel's 1900 date system as it counts in practice:
// Excel treats 1900 as a leap year, so from serial 61 (1900-03-01) on, a
// serial n is n days after 1899-12-30.
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// Serial numbers accepted as Excel dates: 5-digit serials, 1927-05-18 to
// 2173-10-14. A shorter number is far likelier to be a year or a typo than a
// date from before 1927.
const excelSerialMin, excelSerialMax = 10000, 99999

// chineseDateSeps turns 2023年7月1日 into 2023-7-1.
var chineseDateSeps = strings.NewReplacer("年", "-", "月", "-", "日", "", "号", "")

// Date reads a calendar date: YYYY-MM-DD (the canonical form), YYYY/M/D,
// YYYY.M.D, YYYY年M月D日, YYYYMMDD, any of them followed by a time of day
// (ignored), and Excel serial numbers such as 45123 that XLSX exports
// contain. The result is midnight UTC. Day-first and month-first forms
// (01/07/2023) are refused rather than guessed. An empty cell gives the
// zero time and no error.
func Date(s string) (time.Time, error) {
	t := Text(s)
	if t == "" {
		return time.Time{}, nil
	}
	t = strings.TrimPrefix(t, "'")
	// A time of day after the date: "2023-07-01 00:00:00", "2023-07-01T08:00:00Z".
	if i := strings.IndexAny(t, " T"); i > 0 && i < len(t)-1 {
		if rest := t[i+1:]; rest[0] >= '0' && rest[0] <= '9' && strings.Contains(rest, ":") {
			t = t[:i]
		}
	}
	if allDigits(t) || isDecimal(t) {
		return dateFromNumber(t, s)
	}
	var parts []string
	switch {
	case strings.Contains(t, "年"):
		parts = strings.Split(strings.TrimSuffix(chineseDateSeps.Replace(t), "-"), "-")
	default:
		parts = strings.FieldsFunc(t, func(r rune) bool { return r == '-' || r == '/' || r == '.' })
		if len(parts) == 3 && strings.Count(t, string(sepOf(t))) != 2 {
			parts = nil // mixed separators: 2023-07/01
		}
	}
	if len(parts) != 3 || len(parts[0]) != 4 || !allDigits(parts[0]) {
		if len(parts) == 3 && len(parts[2]) == 4 && allDigits(parts[2]) {
			return time.Time{}, invalid("date", "日期格式有歧义：%s，请使用 YYYY-MM-DD", "ambiguous date %q: use YYYY-MM-DD", echo(s))
		}
		if len(parts) == 2 || (len(t) == 4 && allDigits(t)) {
			return time.Time{}, invalid("date", "日期不完整（缺少月或日）：%s", "incomplete date %q (month or day missing)", echo(s))
		}
		return time.Time{}, unrecognised("date", "日期", "date", s)
	}
	for _, p := range parts[1:] {
		if len(p) < 1 || len(p) > 2 || !allDigits(p) {
			return time.Time{}, unrecognised("date", "日期", "date", s)
		}
	}
	return checkedDate(atoiDigits(parts[0]), atoiDigits(parts[1]), atoiDigits(parts[2]), s)
}

func sepOf(t string) byte {
	for i := 0; i < len(t); i++ {
		if c := t[i]; c == '-' || c == '/' || c == '.' {
			return c
		}
	}
	return '-'
}

func isDecimal(t string) bool {
	i := strings.IndexByte(t, '.')
	return i > 0 && i < len(t)-1 && allDigits(t[:i]) && allDigits(t[i+1:])
}

func dateFromNumber(t, raw string) (time.Time, error) {
	if len(t) == 8 && allDigits(t) {
		return checkedDate(atoiDigits(t[:4]), atoiDigits(t[4:6]), atoiDigits(t[6:]), raw)
	}
	if len(t) == 4 && allDigits(t) {
		return time.Time{}, invalid("date", "日期不完整（只有年份）：%s", "incomplete date %q (year only)", echo(raw))
	}
	whole := t
	if i := strings.IndexByte(t, '.'); i > 0 {
		whole = t[:i] // the fraction is the time of day
	}
	n, err := strconv.Atoi(whole)
	if err != nil || len(whole) > 6 || n < excelSerialMin || n > excelSerialMax {
		return time.Time{}, unrecognised("date", "日期", "date", raw)
	}
	return excelEpoch.AddDate(0, 0, n), nil
}

// civilDate builds a UTC date, reporting false when the fields do not name a
// real day (2023-02-30) rather than letting time.Date roll over.
func civilDate(y, m, d int) (time.Time, bool) {
	if m < 1 || m > 12 || d < 1 || d > 31 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d || int(t.Month()) != m {
		return time.Time{}, false
	}
	return t, true
}

func checkedDate(y, m, d int, raw string) (time.Time, error) {
	if y < 1900 || y > 2199 {
		return time.Time{}, invalid("date", "日期年份超出范围（1900–2199）：%s", "date year out of range (1900–2199): %q", echo(raw))
	}
	t, ok := civilDate(y, m, d)
	if !ok {
		return time.Time{}, invalid("date", "日期不存在：%s", "no such date: %q", echo(raw))
	}
	return t, nil
}
