package normalize

import (
	_ "embed"
	"strings"
	"sync"
	"unicode/utf8"
)

// regionsTSV is China's cities with their short names, provinces and
// county-level divisions (regions.tsv says where it comes from).
//
//go:embed regions.tsv
var regionsTSV string

// regionTable is what City looks places up in.
type regionTable struct {
	cities    map[string]string // full name → itself (county-level cities too: 昌吉市)
	short     map[string]string // short name (广州, 喀什) → full name
	provinces []string          // full province names, longest first
	counties  map[string]string // county-level name → its city; "" when two cities have one
}

var (
	regionsOnce sync.Once
	regions     *regionTable
)

func loadRegions() *regionTable {
	regionsOnce.Do(func() {
		t := &regionTable{cities: map[string]string{}, short: map[string]string{}, counties: map[string]string{}}
		seenProv := map[string]bool{}
		var countyCities []string
		for _, line := range strings.Split(regionsTSV, "\n") {
			if line == "" || line[0] == '#' {
				continue
			}
			f := strings.Split(line, "\t")
			if len(f) != 4 {
				panic("normalize: regions.tsv: malformed line " + line) // fixed at build time, checked by a test
			}
			city, short, prov := f[0], f[1], f[2]
			t.cities[city] = city
			if _, dup := t.short[short]; dup || short == "" {
				t.short[short] = "" // two cities share it: not a name of either
			} else {
				t.short[short] = city
			}
			if !seenProv[prov] {
				seenProv[prov] = true
				t.provinces = append(t.provinces, prov)
			}
			if f[3] == "" {
				continue
			}
			for _, c := range strings.Split(f[3], "、") {
				if strings.HasSuffix(c, "市") {
					t.cities[c] = c // a county-level city is a city: named as itself
					countyCities = append(countyCities, c)
					continue
				}
				if prev, dup := t.counties[c]; dup && prev != city {
					t.counties[c] = ""
				} else {
					t.counties[c] = city
				}
			}
		}
		// County-level cities are known by their short names too (昆山,
		// 义乌), unless a prefecture or another city has it.
		countyShort := map[string]string{}
		for _, c := range countyCities {
			sh := strings.TrimSuffix(c, "市")
			if utf8.RuneCountInString(sh) < 2 {
				continue
			}
			if _, taken := t.short[sh]; taken {
				continue
			}
			if prev, dup := countyShort[sh]; dup && prev != c {
				countyShort[sh] = ""
			} else {
				countyShort[sh] = c
			}
		}
		for sh, c := range countyShort {
			t.short[sh] = c
		}
		// Longest first, so 新疆维吾尔自治区 is stripped whole.
		for i := 1; i < len(t.provinces); i++ {
			for j := i; j > 0 && len(t.provinces[j]) > len(t.provinces[j-1]); j-- {
				t.provinces[j], t.provinces[j-1] = t.provinces[j-1], t.provinces[j]
			}
		}
		regions = t
	})
	return regions
}

// citySeps are what people write between a city and the rest of a place.
const citySeps = "-·・.,，/|_:： "

// City maps a place outside Urumqi to its city: "广东省广州市番禺区石楼镇",
// "广州·天河区" and "广州" are 广州市, "上海·浦东新区" is 上海市, "喀什地区疏附县"
// and "疏附县" are 喀什地区. A county-level city is its own city (昌吉市).
// ok is false when the place names no city, or names a district two
// cities have (朝阳区 is in Beijing and in Changchun).
func City(s string) (city string, ok bool) {
	t := loadRegions()
	k := placeSeps.Replace(key(s))
	for _, p := range t.provinces {
		if rest, cut := strings.CutPrefix(k, p); cut {
			if c, ok := t.cities[p]; ok {
				return c, true // a municipality: 北京市朝阳区 is 北京市
			}
			k = strings.TrimLeft(rest, citySeps)
			break
		}
	}
	if k == "" {
		return "", false
	}
	// A city's full name at the start: the longest that fits.
	best := ""
	for n := 2; n <= utf8.RuneCountInString(k) && n <= 12; n++ {
		if c, ok := t.cities[prefixRunes(k, n)]; ok {
			best = c
		}
	}
	if best != "" {
		return best, true
	}
	// A short name, followed by nothing, a separator, 市/州/地区 or one of
	// its city's divisions: 广州·天河区, 济南, 昌吉州. Not 天山路.
	for n := 4; n >= 2; n-- {
		if utf8.RuneCountInString(k) < n {
			continue
		}
		c := t.short[prefixRunes(k, n)]
		if c == "" {
			continue
		}
		rest := k[len(prefixRunes(k, n)):]
		if rest == "" || strings.ContainsRune(citySeps, firstRune(rest)) || strings.HasPrefix(rest, "市") ||
			strings.HasPrefix(rest, "州") || strings.HasPrefix(rest, "地区") || t.countyOf(rest) == c {
			return c, true
		}
	}
	if c := t.countyOf(k); c != "" {
		return c, true
	}
	return "", false
}

// countyOf is the city of the county-level division s starts with, when
// only one city has a division of that name (three characters or more).
func (t *regionTable) countyOf(s string) string {
	best := ""
	for n := 3; n <= utf8.RuneCountInString(s) && n <= 12; n++ {
		if c, ok := t.counties[prefixRunes(s, n)]; ok {
			best = c
		}
	}
	return best
}

func prefixRunes(s string, n int) string {
	i := 0
	for j := range s {
		if i == n {
			return s[:j]
		}
		i++
	}
	return s
}

func firstRune(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}
