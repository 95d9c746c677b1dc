package normalize

import (
	"strings"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// Messages about 身份证号 and phone numbers never repeat the value: they end
// up in import reports and logs, where personal data must not.

// provinces are the first two digits of GB/T 2260 codes in use on citizen ID
// numbers (mainland provinces; 71/81/82 for Taiwan, Hong Kong and Macao
// residents' permits, 83 for Taiwan residents' residence permits).
var provinces = map[string]bool{
	"11": true, "12": true, "13": true, "14": true, "15": true,
	"21": true, "22": true, "23": true,
	"31": true, "32": true, "33": true, "34": true, "35": true, "36": true, "37": true,
	"41": true, "42": true, "43": true, "44": true, "45": true, "46": true,
	"50": true, "51": true, "52": true, "53": true, "54": true,
	"61": true, "62": true, "63": true, "64": true, "65": true,
	"71": true, "81": true, "82": true, "83": true,
}

// idSeps removes the spaces and dashes people type into ID numbers and
// upper-cases the check character.
var idSeps = strings.NewReplacer(" ", "", "-", "", "x", "X")

// NationalID normalises a citizen ID number (GB 11643-1999) — spaces and
// Excel's leading apostrophe removed, full-width digits folded, x upper-cased
// — and checks it: 18 characters, a known province, a real birth date not in
// the future, and the check character. An empty cell gives "" and no error.
func NationalID(s string) (string, error) {
	t := Text(s)
	t = strings.TrimPrefix(t, "'")
	t = idSeps.Replace(t)
	if t == "" {
		return "", nil
	}
	if strings.ContainsAny(t, "Ee") && strings.Contains(t, "+") {
		return "", invalid("national_id", "身份证号被表格软件转成了科学计数法，请把该列设为文本后重新导出",
			"national ID was turned into a number in scientific notation by a spreadsheet; export the column as text")
	}
	if len(t) != 18 {
		if len(t) == 15 && allDigits(t) {
			return "", invalid("national_id", "身份证号位数错误：15位旧号码请换成18位新号码",
				"national ID has 15 digits: the old format; use the 18-character number")
		}
		return "", invalid("national_id", "身份证号位数错误：应为18位", "national ID must have 18 characters")
	}
	if !allDigits(t[:17]) || !(t[17] == 'X' || (t[17] >= '0' && t[17] <= '9')) {
		return "", invalid("national_id", "身份证号含非法字符：前17位应为数字，最后一位为数字或X",
			"national ID may contain only digits, and X as its last character")
	}
	if t[:6] == "000000" || !provinces[t[:2]] {
		return "", invalid("national_id", "身份证号地区码无效", "national ID has an invalid region code")
	}
	if _, ok := birthDate(t[6:14]); !ok {
		return "", invalid("national_id", "身份证号出生日期无效", "national ID has an invalid birth date")
	}
	if matcher.NationalIDCheckDigit(t[:17]) != t[17] {
		return "", invalid("national_id", "身份证号校验码错误", "national ID check character is wrong")
	}
	return t, nil
}

// NationalIDBirthDate returns the birth date encoded in a valid ID number.
func NationalIDBirthDate(id string) (time.Time, bool) {
	if !matcher.ValidNationalID(id) {
		return time.Time{}, false
	}
	return birthDate(id[6:14])
}

func birthDate(ymd string) (time.Time, bool) {
	y, m, d := atoiDigits(ymd[:4]), atoiDigits(ymd[4:6]), atoiDigits(ymd[6:8])
	t, ok := civilDate(y, m, d)
	if !ok || y < 1900 || t.After(time.Now()) {
		return time.Time{}, false
	}
	return t, true
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// atoiDigits converts a short all-digit string; callers check allDigits.
func atoiDigits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// Phone normalises a mainland phone number. Mobiles (1[3-9] and 9 more
// digits, optionally after +86, 86 or 0086, with spaces, dashes, dots or
// brackets anywhere) come back as 11 digits; landlines with an area code come
// back as "0991-1234567". An empty cell gives "" and no error.
func Phone(s string) (string, error) {
	t := Text(s)
	if t == "" {
		return "", nil
	}
	t = strings.TrimPrefix(t, "'")
	if strings.HasPrefix(t, "+") && !strings.HasPrefix(strings.TrimLeft(t[1:], " "), "86") {
		return "", invalid("phone", "只支持中国大陆的电话号码（国家代码+86）", "only mainland China numbers (+86) are supported")
	}
	var digits []byte
	dash := -1 // where the first separator after a leading 0 fell, for landlines
	for i := 0; i < len(t); i++ {
		c := t[i]
		switch {
		case c >= '0' && c <= '9':
			digits = append(digits, c)
		case c == ' ' || c == '-' || c == '.' || c == '(' || c == ')':
			if dash < 0 && len(digits) > 0 && digits[0] == '0' {
				dash = len(digits)
			}
		case c == '+' && i == 0:
		default:
			if strings.HasPrefix(t[i:], "（") || strings.HasPrefix(t[i:], "）") {
				if dash < 0 && len(digits) > 0 && digits[0] == '0' {
					dash = len(digits)
				}
				i += len("（") - 1
				continue
			}
			return "", invalid("phone", "电话号码含非法字符（只能有数字、空格、短横线和括号）",
				"phone number contains characters other than digits, spaces, dashes and brackets")
		}
		if len(digits) > 20 {
			break
		}
	}
	d := string(digits)
	for _, cc := range []string{"0086", "86"} {
		if strings.HasPrefix(d, cc) && len(d) == len(cc)+11 && d[len(cc)] == '1' {
			d = d[len(cc):]
			dash = -1
		}
	}
	if len(d) == 11 && d[0] == '1' && d[1] >= '3' && d[1] <= '9' {
		return d, nil
	}
	if len(d) > 0 && d[0] == '0' {
		area := 0
		switch {
		case dash >= 3 && dash <= 4:
			area = dash
		case strings.HasPrefix(d, "010") || strings.HasPrefix(d, "02"):
			area = 3
		default:
			area = 4
		}
		local := d[min(area, len(d)):]
		if len(d) >= area && d[1] != '0' && len(local) >= 7 && len(local) <= 8 && local[0] != '0' {
			return d[:area] + "-" + local, nil
		}
		return "", invalid("phone", "固定电话号码格式错误：应为区号加7–8位号码，如 0991-XXXXXXX",
			"landline must be an area code and 7–8 digits, e.g. 0991-XXXXXXX")
	}
	if len(d) == 7 || len(d) == 8 {
		return "", invalid("phone", "固定电话缺少区号（乌鲁木齐为0991）", "landline number lacks its area code (0991 for Urumqi)")
	}
	return "", invalid("phone", "手机号码格式错误：应为1开头的11位数字", "mobile number must be 11 digits starting with 1")
}

// Gender reads 男/女 in the spellings registers use (男性, M, male, and the
// GB/T 2261.1 codes 1 and 2) and returns "男" or "女". 不限 and an empty
// cell give "".
func Gender(s string) (string, error) {
	switch key(s) {
	case "":
		return "", nil
	case "男", "男性", "男士", "先生", "m", "male", "man", "1":
		return "男", nil
	case "女", "女性", "女士", "f", "female", "woman", "2":
		return "女", nil
	case "不限", "男女不限", "未知", "0", "9", "unknown", "any":
		return "", nil
	}
	return "", unrecognised("gender", "性别", "gender", s)
}
