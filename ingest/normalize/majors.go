package normalize

import (
	"strings"
	"sync"

	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

// majorAnyWords say a post takes any major.
var majorAnyWords = map[string]bool{
	"不限": true, "专业不限": true, "不限专业": true, "专业不限制": true, "无要求": true, "无专业要求": true,
	"专业无要求": true, "所有专业": true, "全部专业": true, "各专业": true, "任何专业": true, "均可": true,
	"专业均可": true, "any": true, "all": true, "none": true, "n/a": true,
}

// majorFiller are items that name no major and restrict nothing.
var majorFiller = map[string]bool{
	"无": true, "其他": true, "其它": true, "相关专业": true, "等相关专业": true, "以上专业": true, "等": true,
	"专业": true, "相关": true, "-": true, "—": true, "优先": true,
}

// majorSuffixes are qualifiers written after a major, removed one at a
// time ("计算机科学与技术等专业优先" → …等专业 → …等 → 计算机科学与技术), the
// catalogue being tried after each. class marks those that widen a name to
// its 专业类 ("计算机相关专业" means the computing class, not one programme).
var majorSuffixes = []struct {
	text  string
	class bool
}{
	{"优先考虑", false}, {"优先", false}, {"者", false}, {"专业", false}, {"方向", false}, {"相关", true},
	{"类", true}, {"等", false}, {"及", false}, {"或", false}, {"毕业", false}, {"以上", false},
}

var (
	majorOnce     sync.Once
	classByName   map[string]string // 专业类 name → class code
	categoryNames map[string]string // 门类 name → category code
)

func majorTables() {
	majorOnce.Do(func() {
		classByName, categoryNames = map[string]string{}, map[string]string{}
		for _, m := range catalog.Majors() {
			if _, ok := classByName[m.ClassName]; !ok && m.ClassName != "" {
				classByName[m.ClassName] = m.ClassCode
			}
			if _, ok := categoryNames[m.CategoryName]; !ok && m.CategoryName != "" {
				categoryNames[m.CategoryName] = m.CategoryCode
			}
		}
	})
}

// Majors reads a post's or course's major requirement. The cell is split
// with List; filler (相关专业, 其他) and 不限 are dropped; qualifiers
// (专业, 相关专业, 等, 优先 …) are removed. Each remaining item is matched to
// the catalog: a major by name or alias (also with 学 added or removed), a
// 专业类 by name ("计算机类", or "计算机相关专业" when the class exists), a
// 门类 ("工学"). names holds the catalog's name for each match and the
// cleaned text for items the catalog does not know, so nothing written is
// lost; codes holds the catalog codes (major, class or category code) of the
// matches only. Both are de-duplicated and keep the cell's order.
// MajorsAny says whether the post restricts majors at all.
func Majors(s string) (names []string, codes []string) {
	for _, item := range List(s) {
		name, code := majorItem(item)
		if name == "" {
			continue
		}
		if !contains(names, name) {
			names = append(names, name)
		}
		if code != "" && !contains(codes, code) {
			codes = append(codes, code)
		}
	}
	return names, codes
}

// MajorsAny reports whether a major requirement accepts every major: the
// cell is empty, says 不限 (专业不限, 不限专业 …) in any of its items, or
// names no major at all once filler is dropped.
func MajorsAny(s string) bool {
	items := List(s)
	real := false
	for _, it := range items {
		k := key(it)
		if majorAnyWords[k] || strings.HasPrefix(k, "专业不限") || strings.HasPrefix(k, "不限专业") || k == "专业均可" {
			return true
		}
		if n, _ := majorItem(it); n != "" {
			real = true
		}
	}
	return !real
}

// majorItem matches one item; it returns "" for filler.
func majorItem(item string) (name, code string) {
	k := strings.ReplaceAll(Text(item), " ", "")
	if isMajorFiller(k) {
		return "", ""
	}
	k = strings.TrimPrefix(strings.TrimPrefix(k, "所学专业为"), "所学专业")
	classHint := false
	for {
		if isMajorFiller(k) {
			return "", ""
		}
		if n, c, ok := lookupMajor(k, classHint); ok {
			return n, c
		}
		// "计算机科学与技术(软件工程方向)": the part before the bracket.
		if i := strings.IndexAny(k, "(（"); i > 0 {
			if n, c, ok := lookupMajor(k[:i], classHint); ok {
				return n, c
			}
		}
		stripped := false
		for _, suf := range majorSuffixes {
			if strings.HasSuffix(k, suf.text) && len(k) > len(suf.text) {
				k = strings.TrimSuffix(k, suf.text)
				classHint = classHint || suf.class
				stripped = true
				break
			}
		}
		if !stripped {
			return k, ""
		}
	}
}

func isMajorFiller(k string) bool {
	l := asciiLower(k)
	return l == "" || majorAnyWords[l] || majorFiller[l] || strings.HasPrefix(l, "专业不限") || strings.HasPrefix(l, "不限专业")
}

// lookupMajor tries the catalogue's levels in the order the wording suggests.
// An exact 专业类 name is a class even when some major lists it as an alias:
// the class is the catalogue's own fact.
func lookupMajor(k string, classHint bool) (name, code string, ok bool) {
	majorTables()
	if code, ok := classByName[k]; ok {
		return k, code, true
	}
	if classHint {
		if code, ok := classByName[k+"类"]; ok {
			return k + "类", code, true
		}
	}
	upper := strings.ToUpper(k) // "gis", "Hr" as typed; the catalogue writes GIS, HR
	for _, c := range []string{k, upper, k + "学", strings.TrimSuffix(k, "学")} {
		if c == "" {
			continue
		}
		if m, ok := catalog.MajorByName(c); ok {
			return m.Name, m.Code, true
		}
	}
	if code, ok := classByName[k+"类"]; ok {
		return k + "类", code, true
	}
	if code, ok := categoryNames[k]; ok {
		return k, code, true
	}
	return "", "", false
}
