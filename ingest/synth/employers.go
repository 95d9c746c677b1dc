package synth

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
)

var communityNames = strings.Fields(`幸福 和谐 团结 友好 光明 红旗 胜利 建设 振兴 新华 文化 育才 阳光 丰收 惠民 康乐 和平 民主 长青 东风 明园 南湖 百园 安居 金桥 丝路 映山 雅山 荣和 泰和`)

// publicEmployer names the body that recruits for a public-sector post:
// district bureaus, streets and public institutions, chosen to fit the work.
func publicEmployer(r *rand.Rand, t *occ, title string) *employer {
	d := peopleDistricts.get(r)
	e := &employer{district: d, typ: "机关"}
	pre := "乌鲁木齐市" + d.name
	switch t.code {
	case "2-08-02-04", "2-08-02-03", "2-08-02-01":
		school := "小学"
		switch {
		case strings.Contains(title, "高中"):
			school = "高级中学"
		case strings.Contains(title, "中学"), strings.Contains(title, "初中"):
			school = "中学"
		}
		e.name = fmt.Sprintf("乌鲁木齐市第%d%s", between(r, 1, 138), school)
		e.typ = "事业单位"
	case "2-05-08-05", "2-05-01-19":
		e.name = pre + pick(r, d.streets) + "社区卫生服务中心"
		e.typ = "事业单位"
	case "2-05-05-00", "2-05-07-05":
		e.name = pre + "疾病预防控制中心"
		if chance(r, 0.3) {
			e.name = pre + pick(r, d.streets) + "社区卫生服务中心"
		}
		e.typ = "事业单位"
	case "2-03-02-00":
		e.name = pre + pick(r, []string{"农业农村局", "林业和草原局", "农业技术推广中心"})
		e.typ = "事业单位"
	case "2-03-07-01":
		e.name = pre + pick(r, []string{"畜牧兽医站", "动物疫病预防控制中心", "农业农村局"})
		e.typ = "事业单位"
	case "2-02-21-03":
		e.name = pre + pick(r, []string{"水利局", "水利管理站", "河湖管理中心"})
		e.typ = "事业单位"
	case "2-02-18-01":
		e.name = pre + pick(r, []string{"住房和城乡建设局", "自然资源局", "城市管理局（行政执法局）", "建设工程质量安全监督站"})
	case "2-07-09-00":
		e.name = pre + pick(r, []string{"司法局", "市场监督管理局", "综合行政执法局", "人民政府办公室"})
	case "2-06-02-00":
		e.name = pre + pick(r, []string{"统计局", "发展和改革委员会", "财政局"})
	case "2-10-07-00":
		e.name = pre + pick(r, []string{"档案馆", "档案局", "人民政府办公室"})
		e.typ = "事业单位"
	case "3-01-01-01":
		e.name = pre + pick(r, []string{"人力资源和社会保障局", "就业服务中心", "社会保险中心", "政务服务中心", pick(r, d.streets) + "办事处"})
		if strings.HasSuffix(e.name, "中心") {
			e.typ = "事业单位"
		}
	case "2-02-30-08":
		e.name = pre + pick(r, []string{"大数据服务中心", "政务服务中心", "融媒体中心", "人力资源和社会保障局"})
		e.typ = "事业单位"
	default:
		e.name = pre + pick(r, []string{"人力资源和社会保障局", "财政局", "教育局", "卫生健康委员会", "民政局", "商务局", "文化体育广电和旅游局", "人民政府办公室", pick(r, d.streets) + "办事处", "机关事务服务中心"})
		if strings.HasSuffix(e.name, "中心") {
			e.typ = "事业单位"
		}
	}
	if strings.HasSuffix(e.name, "街道办事处") || strings.HasSuffix(e.name, "镇办事处") || strings.HasSuffix(e.name, "乡办事处") {
		e.name = strings.Replace(e.name, "办事处", "", 1)
		if strings.HasSuffix(e.name, "街道") {
			e.name += "办事处"
		} else {
			e.name += "人民政府"
		}
	}
	e.address = address(r, d)
	return e
}

// grassrootsEmployer names the township, school, clinic, youth league
// committee or community a grassroots post serves in.
func grassrootsEmployer(r *rand.Rand, t *occ) *employer {
	d := ruralDistricts.get(r)
	e := &employer{district: d, typ: "事业单位"}
	street := pick(r, d.streets)
	title := t.titles[0]
	switch {
	case strings.Contains(title, "畜牧兽医"):
		e.name = d.name + street + "畜牧兽医站"
	case strings.Contains(title, "水利"):
		e.name = d.name + street + pick(r, []string{"水利管理站", "水管站"})
	case strings.Contains(title, "支农"):
		e.name = d.name + street + pick(r, []string{"农业（畜牧业）发展服务中心", "人民政府", "农业技术服务站"})
	case strings.Contains(title, "支教"):
		e.name = d.name + street + pick(r, []string{"中心学校", "第一小学", "寄宿制学校", "中心幼儿园"})
	case strings.Contains(title, "支医"):
		e.name = d.name + street + pick(r, []string{"卫生院", "社区卫生服务中心"})
	case strings.Contains(title, "西部计划"):
		e.name = pick(r, []string{"共青团乌鲁木齐市" + d.name + "委员会", d.name + street + "团工委", d.name + "青少年服务中心"})
		e.typ = "群团组织"
	case strings.HasPrefix(title, "社区"):
		d = peopleDistricts.get(r)
		street = pick(r, d.streets)
		e.district = d
		e.name = d.name + street + pick(r, communityNames) + "社区居民委员会"
		e.typ = "基层群众自治组织"
	default:
		e.name = d.name + street + pick(r, []string{"人民政府", "办事处", "便民服务中心", "社会保障服务站"})
		e.typ = "机关"
	}
	e.name = strings.Replace(e.name, "街道人民政府", "街道办事处", 1)
	e.name = strings.Replace(e.name, "镇办事处", "镇人民政府", 1)
	e.name = strings.Replace(e.name, "乡办事处", "乡人民政府", 1)
	e.address = address(r, e.district)
	return e
}

func welfareEmployer(r *rand.Rand, t *occ) *employer {
	d := peopleDistricts.get(r)
	e := &employer{district: d, typ: "机关"}
	street := pick(r, d.streets)
	switch {
	case strings.Contains(t.titles[0], "残"):
		e.name = "乌鲁木齐市" + d.name + "残疾人联合会"
		e.typ = "群团组织"
	case chance(r, 0.5):
		e.name = d.name + street + pick(r, communityNames) + "社区居民委员会"
		e.typ = "基层群众自治组织"
	default:
		e.name = d.name + street
		if strings.HasSuffix(street, "街道") {
			e.name += "办事处"
		} else {
			e.name += "人民政府"
		}
	}
	e.address = address(r, d)
	return e
}

// selfEmployer is the platform, incubator or small business behind a
// self-employment post.
func selfEmployer(r *rand.Rand, t *occ, wd *world) *employer {
	d := jobDistricts.get(r)
	e := &employer{district: d}
	brand := pick(r, brandWords)
	switch t.code {
	case "4-02-02-01":
		e.name = brand + pick(r, []string{"出行科技有限公司乌鲁木齐分公司", "网约车服务有限公司", "汽车租赁有限公司"})
		e.typ = "平台企业"
	case "4-10-08-01":
		e.name = pick(r, []string{"乌鲁木齐" + brand + "即时配送服务有限公司", brand + "外卖" + d.name + "配送站", "新疆" + brand + "同城配送有限公司"})
		e.typ = "平台企业"
	case "4-01-06-02", "4-01-06-01":
		e.name = pick(r, []string{"乌鲁木齐市" + d.name + "大学生创业孵化基地", "新疆" + brand + "直播电商产业园", "乌鲁木齐" + brand + "电商孵化中心", "乌鲁木齐市创业孵化示范基地"})
		e.typ = "创业孵化基地"
	case "4-01-02-03":
		e.name = d.name + brand + pick(r, []string{"便利店", "奶茶店", "烤馕店", "干果店", "小吃店"})
		e.typ = "个体工商户"
	default:
		e.name = pick(r, []string{"乌鲁木齐市" + d.name + "就业创业服务中心", "乌鲁木齐市" + d.name + "大学生创业孵化基地", "新疆" + brand + "文化传播有限公司", "乌鲁木齐" + brand + "家庭服务有限公司"})
		e.typ = pick(r, []string{"创业孵化基地", "民营企业"})
	}
	e.address = address(r, d)
	return e
}

func companyName(r *rand.Rand, ind *industry, d *district, used map[string]bool) (name, typ string) {
	for try := 0; ; try++ {
		brand := pick(r, brandWords)
		if try > 3 {
			brand += pick(r, brandWords)
		}
		word := pick(r, ind.words)
		typ = "民营企业"
		switch {
		case strings.HasSuffix(word, "医院") || strings.HasSuffix(word, "幼儿园") || strings.HasSuffix(word, "学校") ||
			strings.HasSuffix(word, "中心") || strings.HasSuffix(word, "门诊部"):
			name = pick(r, []string{"乌鲁木齐", "乌鲁木齐市", "新疆"}) + brand + word
			typ = "民办非企业单位"
		case word == "律师事务所":
			name = "新疆" + brand + "律师事务所"
			typ = "合伙企业"
		case word == "口腔门诊":
			name = "乌鲁木齐" + brand + "口腔门诊部"
		case word == "大药房":
			name = "新疆" + brand + "大药房连锁有限公司"
		default:
			switch k := r.IntN(100); {
			case k < 33:
				name = "新疆" + brand + word + "有限公司"
			case k < 55:
				name = "乌鲁木齐" + brand + word + "有限公司"
			case k < 68:
				name = "乌鲁木齐市" + brand + word + "有限责任公司"
			case k < 76:
				name = brand + "（新疆）" + word + "有限公司"
			case k < 81:
				name = "新疆" + brand + word + "股份有限公司"
				typ = "股份制企业"
			case k < 86:
				name = "新疆" + brand + word + "集团有限公司"
			case k < 88:
				name = "新疆" + brand + word + "有限公司（中外合资）"
				typ = "外商投资企业"
			default:
				name = d.name + brand + word + pick(r, []string{"经营部", "服务部", "工作室", "店"})
				typ = "个体工商户"
			}
		}
		if !used[name] {
			used[name] = true
			return name, typ
		}
	}
}

func newSMEEmployer(r *rand.Rand, ind *industry, used map[string]bool) *employer {
	d := jobDistricts.get(r)
	name, typ := companyName(r, ind, d, used)
	return &employer{name: name, typ: typ, district: d, address: address(r, d), founded: between(r, 1998, 2021), business: pick(r, ind.business)}
}

// State-owned groups of Urumqi and Xinjiang, with the subsidiaries that
// publish posts.
// A group's tags say which specialised templates it posts (stateWork), so
// that a 采油 technician is not hired by the bus company; finance, HR, IT
// and sales posts come from any group.
var stateGroups = []struct{ group, business, tags string }{
	{"新疆能源（集团）有限责任公司", "煤炭、电力、油气和新能源开发", "power oil env"},
	{"新疆交通投资（集团）有限责任公司", "公路建设、运营和交通物流", "civil"},
	{"新疆交通建设集团股份有限公司", "公路、桥梁和隧道工程施工", "civil"},
	{"新疆城建（集团）股份有限公司", "城市基础设施建设", "civil"},
	{"乌鲁木齐城市建设投资（集团）有限公司", "城市建设投融资和公用事业运营", "civil utility"},
	{"乌鲁木齐国有资产投资有限公司", "国有资本投资运营", ""},
	{"乌鲁木齐城市轨道集团有限公司", "城市轨道交通建设与运营", "rail civil"},
	{"乌鲁木齐水业集团有限公司", "城市供水和污水处理", "utility env"},
	{"乌鲁木齐热力集团有限公司", "城市集中供热", "utility env"},
	{"乌鲁木齐燃气集团有限公司", "城市燃气供应", "utility env"},
	{"乌鲁木齐公交集团有限公司", "城市公共交通", ""},
	{"新疆投资发展（集团）有限责任公司", "产业投资与园区开发", ""},
	{"新疆农业发展集团有限责任公司", "农业产业化和农产品流通", ""},
	{"新疆文化旅游投资集团有限公司", "文化旅游开发和景区运营", ""},
	{"新疆天山电力工程有限公司", "电力工程建设和运维", "power civil"},
	{"新疆化工设计研究院有限责任公司", "化工设计与工程咨询", "env"},
	{"乌鲁木齐经济技术开发区建设投资开发（集团）有限公司", "园区开发建设", "civil"},
	{"乌鲁木齐高新投资发展集团有限公司", "高新区产业投资与运营", "civil"},
}

// stateWork is the tag a state-owned template needs of its employer ("" for
// work every group has).
var stateWork = map[string]string{
	"2-02-12-02": "power", "2-02-04-01": "oil", "2-02-18-02": "civil", "4-02-01-07": "rail",
	"6-28-01-13": "utility", "2-02-27-06": "env",
}

// stateEmployers are the state-owned employers that post t's work.
func (wd *world) stateEmployers(t *occ) []*employer {
	tag := stateWork[t.code]
	if tag == "" {
		return wd.stateEmps
	}
	var out []*employer
	for _, e := range wd.stateEmps {
		if slices.Contains(strings.Fields(e.tags), tag) {
			out = append(out, e)
		}
	}
	if len(out) == 0 {
		return wd.stateEmps
	}
	return out
}

func newStateEmployers(r *rand.Rand) []*employer {
	var out []*employer
	subs := []string{"", "", "工程分公司", "运营分公司", "第一分公司", "第二分公司", "物业管理有限公司", "科技有限公司", "检测有限公司", "物流有限公司"}
	for _, g := range stateGroups {
		for _, s := range sample(r, subs, between(r, 2, 4)) {
			name := g.group
			switch {
			case strings.HasSuffix(s, "分公司"):
				name = g.group + s
			case s != "":
				// A subsidiary takes the group's name without 集团 and
				// the company form: 新疆能源物业管理有限公司.
				base := g.group
				for _, suf := range []string{"股份有限公司", "有限责任公司", "有限公司", "集团", "（集团）", "投资"} {
					base = strings.TrimSuffix(base, suf)
				}
				name = strings.ReplaceAll(base, "（集团）", "") + s
			}
			d := jobDistricts.get(r)
			out = append(out, &employer{name: name, typ: "国有企业", district: d, address: address(r, d), founded: between(r, 1953, 2018), business: g.business, tags: g.tags})
		}
	}
	return dedupeEmployers(out)
}

func dedupeEmployers(es []*employer) []*employer {
	var out []*employer
	seen := map[string]bool{}
	for _, e := range es {
		if !seen[e.name] {
			seen[e.name] = true
			out = append(out, e)
		}
	}
	return out
}
