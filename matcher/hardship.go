package matcher

import (
	"strings"
	"unicode"
)

// Hardship is a 就业困难 category. It is sensitive personal data.
type Hardship string

const (
	HardshipPovertyFamily  Hardship = "poverty_family"  // 脱贫家庭
	HardshipLowIncome      Hardship = "low_income"      // 低保（低收入）家庭
	HardshipZeroEmployment Hardship = "zero_employment" // 零就业家庭
	HardshipDisability     Hardship = "disability"      // 残疾
	HardshipLongUnemployed Hardship = "long_unemployed" // 较长时间未就业
)

// hardshipNames are the plan's own words for each category (its item 23:
// 脱贫家庭、低保（低收入）家庭、零就业家庭以及残疾、较长时间未就业).
var hardshipNames = map[Hardship]string{
	HardshipPovertyFamily:  "脱贫家庭",
	HardshipLowIncome:      "低保（低收入）家庭",
	HardshipZeroEmployment: "零就业家庭",
	HardshipDisability:     "残疾",
	HardshipLongUnemployed: "较长时间未就业",
}

// Hardships lists every hardship category.
var Hardships = []Hardship{HardshipPovertyFamily, HardshipLowIncome, HardshipZeroEmployment, HardshipDisability, HardshipLongUnemployed}

// Valid reports whether h is a known category.
func (h Hardship) Valid() bool { _, ok := hardshipNames[h]; return ok }

// Chinese returns the category's name in the plan's words.
func (h Hardship) Chinese() string { return hardshipNames[h] }

// hardshipWords are the words ledgers and plans use for each category, in
// the key form HardshipByWord compares (no spaces, brackets or
// punctuation; Latin letters lower-case). The plan's own words are there
// (低保（低收入）家庭 → 低保低收入家庭, 较长时间未就业), with the usual
// variants of ledgers and of the national and regional programmes.
var hardshipWords = map[string]Hardship{
	// 脱贫家庭: the former 建档立卡 poor households and those monitored
	// against falling back (防返贫监测对象), whom the same policies cover.
	"脱贫家庭": HardshipPovertyFamily, "脱贫户": HardshipPovertyFamily, "脱贫人口": HardshipPovertyFamily, "建档立卡": HardshipPovertyFamily,
	"建档立卡户": HardshipPovertyFamily, "建档立卡贫困户": HardshipPovertyFamily, "建档立卡家庭": HardshipPovertyFamily,
	"建档立卡贫困家庭": HardshipPovertyFamily, "原建档立卡贫困家庭": HardshipPovertyFamily, "贫困家庭": HardshipPovertyFamily,
	"贫困户": HardshipPovertyFamily, "防返贫监测对象": HardshipPovertyFamily, "监测户": HardshipPovertyFamily,
	"脱贫不稳定户": HardshipPovertyFamily, "边缘易致贫户": HardshipPovertyFamily,
	// 低保（低收入）家庭: 最低生活保障, 低保边缘 and 特困供养 households are
	// the 低收入 population of the social-assistance rolls.
	"低保": HardshipLowIncome, "低收入": HardshipLowIncome, "低保家庭": HardshipLowIncome, "低收入家庭": HardshipLowIncome,
	"低保户": HardshipLowIncome, "城乡低保": HardshipLowIncome, "低保低收入家庭": HardshipLowIncome, "低收入低保家庭": HardshipLowIncome,
	"低保低收入": HardshipLowIncome, "最低生活保障家庭": HardshipLowIncome, "低保边缘家庭": HardshipLowIncome,
	"低保边缘户": HardshipLowIncome, "特困供养": HardshipLowIncome, "特困人员": HardshipLowIncome, "特困家庭": HardshipLowIncome,
	"零就业家庭": HardshipZeroEmployment, "零就业": HardshipZeroEmployment, "零就业户": HardshipZeroEmployment,
	"残疾": HardshipDisability, "残疾人": HardshipDisability, "持残疾证": HardshipDisability, "残障": HardshipDisability,
	"持证残疾人": HardshipDisability, "残疾人家庭": HardshipDisability,
	"较长时间未就业": HardshipLongUnemployed, "长时间未就业": HardshipLongUnemployed, "长期未就业": HardshipLongUnemployed,
	"长期失业": HardshipLongUnemployed, "长期失业人员": HardshipLongUnemployed, "离校较长时间未就业": HardshipLongUnemployed,
	"离校未就业较长时间": HardshipLongUnemployed,
	"poverty":   HardshipPovertyFamily, "povertyfamily": HardshipPovertyFamily, "lowincome": HardshipLowIncome,
	"zeroemployment": HardshipZeroEmployment, "disabled": HardshipDisability, "disability": HardshipDisability,
	"longunemployed": HardshipLongUnemployed,
}

// hardshipSuffixes are dropped when the word itself is not known:
// 低保家庭毕业生, 残疾人员, 零就业家庭学生 name the same categories.
var hardshipSuffixes = []string{"高校毕业生", "毕业生", "人员", "学生", "的"}

// hardshipDashes drops underscores and hyphens; made once (a Replacer
// built per call was 2.5% of what a nightly batch allocated: the batch
// asks for every hardship graduate's categories).
var hardshipDashes = strings.NewReplacer("_", "", "-", "")

// HardshipByWord reads a category from its code or from the words a
// ledger or a plan writes (低保（低收入）家庭, 低保(低收入)家庭, 较长时间未
// 就业, 建档立卡贫困户, 残疾毕业生 …); ok is false for an unknown word.
func HardshipByWord(word string) (Hardship, bool) {
	k := hardshipKey(word)
	if h := Hardship(strings.ReplaceAll(k, " ", "")); h.Valid() {
		return h, true
	}
	k = hardshipDashes.Replace(k)
	for {
		if h, ok := hardshipWords[k]; ok {
			return h, true
		}
		cut := false
		for _, s := range hardshipSuffixes {
			if t, ok := strings.CutSuffix(k, s); ok && t != "" {
				k, cut = t, true
				break
			}
		}
		if !cut {
			return "", false
		}
	}
}

// hardshipKey drops spaces, brackets and punctuation and folds Latin
// letters (full-width too) to lower case: 低保（低收入）家庭 and 低保(低收入)
// 家庭 are both 低保低收入家庭.
func hardshipKey(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= 0xFF01 && r <= 0xFF5E {
			r -= 0xFF01 - '!'
		}
		switch {
		case r == '_':
			b.WriteRune(r)
		case unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r):
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}
