package normalize

import (
	"strings"
	"sync"

	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

// districtAliases are names people use for a division besides its full and
// short catalog names, in key form. 高新区 (the high-tech zone) lies in
// 新市区; 经开区 (the economic and technological development zone) is
// administered together with 头屯河区; 甘泉堡 lies in 米东区.
var districtAliases = map[string]string{
	"沙区": "沙依巴克区", "水区": "水磨沟区", "乌县": "乌鲁木齐县",
	"达板城": "达坂城区", "达板城区": "达坂城区",
	"高新区": "新市区", "高新技术开发区": "新市区", "高新技术产业开发区": "新市区", "乌鲁木齐高新区": "新市区",
	"高新区(新市区)": "新市区", "新市区(高新区)": "新市区",
	"经开区": "头屯河区", "经济技术开发区": "头屯河区", "经济开发区": "头屯河区", "经济技术开发区(头屯河区)": "头屯河区",
	"经开区(头屯河区)": "头屯河区", "头屯河区(经开区)": "头屯河区", "头屯河区(经济技术开发区)": "头屯河区",
	"甘泉堡": "米东区", "甘泉堡经济技术开发区": "米东区", "甘泉堡经开区": "米东区",
}

// districtPrefixes are the enclosing places written before a division.
var districtPrefixes = []string{"新疆维吾尔自治区", "新疆自治区", "新疆", "乌鲁木齐市", "乌鲁木齐", "乌市", "urumqi", "wulumuqi"}

var (
	districtOnce  sync.Once
	districtIndex map[string]string
)

// placeSeps unifies the brackets and dashes of place names.
var placeSeps = strings.NewReplacer("（", "(", "）", ")", "—", "-", "–", "-")

// districtTable maps every known spelling (key form) to the full name.
func districtTable() map[string]string {
	districtOnce.Do(func() {
		districtIndex = map[string]string{}
		for _, d := range catalog.UrumqiDistricts {
			districtIndex[key(d.Name)] = d.Name
			districtIndex[key(d.Short)] = d.Name
			districtIndex[d.Code] = d.Name
			p := asciiLower(strings.ReplaceAll(d.Pinyin, " ", ""))
			districtIndex[p] = d.Name
			if !strings.HasSuffix(p, "county") {
				districtIndex[p+"district"] = d.Name
			}
		}
		for a, n := range districtAliases {
			districtIndex[key(a)] = n
		}
	})
	return districtIndex
}

// District maps a place to one of Urumqi's eight divisions by full name,
// short name (天山, 沙区, 水区, 经开区 …), pinyin or GB/T 2260 code, with or
// without 新疆/乌鲁木齐(市) before it and a dash or dot between
// ("新疆乌鲁木齐-天山区", "乌鲁木齐·高新区" → 新市区). An address that starts
// with a division ("天山区解放北路…") gives that division. A place in
// another city is that city (City: "北京-朝阳区" → 北京市, "疏附县" → 喀什地区);
// anything else is returned as given, cleaned by Text.
func District(s string) string {
	t := Text(s)
	if d, ok := urumqiDistrict(t); ok {
		return d
	}
	// Elsewhere, the city: a portal's 地区 of "广东省广州市番禺区石楼镇" or
	// "广州·天河区" is 广州市, so facets and filters list cities, not
	// street addresses. Urumqi without a division stays as written.
	if c, ok := City(t); ok && c != "乌鲁木齐市" {
		return c
	}
	return t
}

// IsUrumqi reports whether s names one of Urumqi's eight divisions, or the
// city itself ("乌鲁木齐", "乌鲁木齐市").
func IsUrumqi(s string) bool {
	if _, ok := urumqiDistrict(Text(s)); ok {
		return true
	}
	k := trimPlaceSeps(key(s))
	for _, p := range []string{"新疆维吾尔自治区", "新疆自治区", "新疆"} {
		k = trimPlaceSeps(strings.TrimPrefix(k, p))
	}
	return k == "乌鲁木齐" || k == "乌鲁木齐市" || k == "乌市" || k == "urumqi" || k == "wulumuqi"
}

func trimPlaceSeps(s string) string {
	return strings.TrimLeft(s, "-·・.,，/|_:：")
}

func urumqiDistrict(t string) (string, bool) {
	k := key(t)
	if k == "" {
		return "", false
	}
	k = placeSeps.Replace(k)
	table := districtTable()
	if d, ok := table[k]; ok {
		return d, true
	}
	// Strip the enclosing places: 新疆 then 乌鲁木齐(市), in any spelling,
	// but never the 乌鲁木齐 of 乌鲁木齐县.
	hadCity := false
	for {
		before := k
		for _, p := range districtPrefixes {
			if strings.HasPrefix(k, p) && !strings.HasPrefix(k, "乌鲁木齐县") {
				k = trimPlaceSeps(strings.TrimPrefix(k, p))
				hadCity = hadCity || strings.HasPrefix(p, "乌") || p == "urumqi" || p == "wulumuqi"
			}
		}
		if k == before {
			break
		}
	}
	if d, ok := table[k]; ok {
		return d, true
	}
	// "天山区-幸福路", "沙依巴克区西山": a division's full name (or a
	// distinctive alias) at the start of what is left. Short names are not
	// enough here: 天山路 and 新市场 are not divisions.
	for _, d := range catalog.UrumqiDistricts {
		if strings.HasPrefix(k, d.Name) {
			return d.Name, true
		}
	}
	for _, a := range []string{"高新技术产业开发区", "高新技术开发区", "经济技术开发区", "甘泉堡", "高新区", "经开区"} {
		if strings.HasPrefix(k, a) {
			return districtAliases[a], true
		}
	}
	if hadCity {
		// "乌鲁木齐 天山" / "乌鲁木齐-沙区-友好路": after the city, the first
		// segment may be a short name.
		if i := strings.IndexAny(k, "-·・,，/|"); i > 0 {
			if d, ok := table[k[:i]]; ok {
				return d, true
			}
		}
	}
	return "", false
}
