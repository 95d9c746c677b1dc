package synth

import (
	"fmt"
	"math/rand/v2"
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
