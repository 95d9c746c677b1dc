package synth

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// district is an Urumqi division with the weights used to place people and
// employers in it. Population from the 7th census (2020), rounded; the
// employer weight follows where the city's jobs are (高新区 in 新市区,
// 经开区 in 头屯河区) rather than where people live.
type district struct {
	name     string
	code     string // GB/T 2260, also the first six digits of IDs issued there
	people   float64
	jobs     float64
	rural    float64 // weight for grassroots (township) posts
	roads    []string
	streets  []string // 街道 / 乡镇 for grassroots employers
	landmark []string
}

var districts = []district{
	{"天山区", "650102", 70, 20, 3,
		[]string{"解放北路", "解放南路", "中山路", "人民路", "新华北路", "新华南路", "延安路", "光明路", "建设路", "和平南路", "幸福路", "青年路"},
		[]string{"燕儿窝街道", "胜利路街道", "团结路街道", "解放南路街道", "新华南路街道", "和平路街道", "东门街道", "碱泉街街道", "延安路街道"},
		[]string{"大巴扎", "人民广场", "红山", "南门"}},
	{"沙依巴克区", "650103", 84, 18, 3,
		[]string{"友好南路", "友好北路", "西北路", "扬子江路", "克拉玛依西路", "黄河路", "西虹东路", "奇台路", "仓房沟路", "南昌路"},
		[]string{"友好南路街道", "炉院街街道", "西山街道", "雅玛里克山街道", "长江路街道", "和田街街道", "扬子江路街道", "平顶山街道"},
		[]string{"友好商圈", "铁路局", "西山", "红庙子"}},
	{"新市区", "650104", 95, 22, 3,
		[]string{"北京南路", "北京中路", "长春南路", "长春中路", "苏州路", "河北东路", "高新街", "安宁渠路", "迎宾路", "天津南路", "喀什东路", "四平路"},
		[]string{"北京路街道", "二工街道", "三工街道", "石油新村街道", "迎宾路街道", "喀什东路街道", "北站西路街道", "安宁渠镇", "青格达湖乡"},
		[]string{"高新区", "会展中心", "地窝堡", "小西门"}},
	{"水磨沟区", "650105", 48, 12, 2,
		[]string{"南湖北路", "南湖南路", "会展大道", "五星北路", "昆仑路", "七道湾路", "温泉东路", "安居南路", "新民路"},
		[]string{"水磨沟街道", "六道湾街道", "苇湖梁街道", "八道湾街道", "新民路街道", "南湖北路街道", "七道湾街道", "石人子沟街道"},
		[]string{"南湖广场", "水磨沟公园", "会展片区"}},
	{"头屯河区", "650106", 30, 10, 4,
		[]string{"上海路", "玄武湖路", "阿里山街", "卫星路", "嵩山街", "维泰南路", "喀纳斯湖北路", "中亚南路", "西湖路"},
		[]string{"头屯河街道", "火车西站街道", "王家沟街道", "乌昌路街道", "北站东路街道", "中亚南路街道", "高铁北站街道"},
		[]string{"经开区", "高铁站", "乌鲁木齐经济技术开发区"}},
	{"达坂城区", "650107", 4, 3, 12,
		[]string{"达坂城镇中心街", "盐湖南路", "东沟乡幸福路", "艾维尔沟路"},
		[]string{"达坂城镇", "盐湖街道", "艾维尔沟街道", "东沟乡", "西沟乡", "阿克苏乡"},
		[]string{"达坂城古镇", "盐湖"}},
	{"米东区", "650109", 40, 10, 10,
		[]string{"米东南路", "米东中路", "米东北路", "振兴路", "古牧地西路", "府前中路", "石化大道"},
		[]string{"古牧地东路街道", "古牧地西路街道", "地磅街道", "石化街道", "卡子湾街道", "铁厂沟镇", "长山子镇", "羊毛工镇", "三道坝镇", "柏杨河乡", "芦草沟乡"},
		[]string{"石化工业园", "米东新城"}},
	{"乌鲁木齐县", "650121", 6, 3, 12,
		[]string{"水西沟镇振兴路", "板房沟镇中心路", "永丰镇幸福路", "托里乡团结路"},
		[]string{"水西沟镇", "板房沟镇", "永丰镇", "甘沟乡", "萨尔达坂乡", "托里乡"},
		[]string{"南山", "丝绸之路滑雪场"}},
}

var (
	peopleDistricts = districtPicker(func(d district) float64 { return d.people })
	jobDistricts    = districtPicker(func(d district) float64 { return d.jobs })
	ruralDistricts  = districtPicker(func(d district) float64 { return d.rural })
)

func districtPicker(w func(district) float64) wpick[*district] {
	var p wpick[*district]
	for i := range districts {
		p.items = append(p.items, &districts[i])
		p.w = append(p.w, w(districts[i]))
	}
	return p
}

func districtByName(name string) *district {
	for i := range districts {
		if districts[i].name == name {
			return &districts[i]
		}
	}
	return nil
}

// elsewhere is a place in Xinjiang outside Urumqi, written as household
// registers and portals write it, with the ID region codes issued there.
type elsewhere struct {
	name  string
	codes []string
	// weights by ethnic group of a person registered there: han, uyghur,
	// kazakh, hui — so that names, hukou and ID codes hang together.
	w [4]float64
}

var elsewhereHukou = []elsewhere{
	{"喀什地区", []string{"653101", "653121", "653122", "653125", "653126", "653129", "653130"}, [4]float64{1, 10, 0, 0.5}},
	{"和田地区", []string{"653201", "653221", "653222", "653223"}, [4]float64{0.5, 7, 0, 0.3}},
	{"阿克苏地区", []string{"652901", "652922", "652923", "652924", "652926"}, [4]float64{2, 6, 0, 0.5}},
	{"伊犁州", []string{"654002", "654021", "654022", "654023", "654024", "654028"}, [4]float64{3, 3, 6, 3}},
	{"昌吉州", []string{"652301", "652302", "652323", "652324", "652325", "652327"}, [4]float64{8, 0.5, 2, 5}},
	{"哈密市", []string{"652201", "652222", "652223"}, [4]float64{4, 1.5, 1, 1}},
	{"吐鲁番市", []string{"652101", "652122", "652123"}, [4]float64{1.5, 4, 0, 0.5}},
	{"克拉玛依市", []string{"650202", "650203", "650204"}, [4]float64{3, 0.5, 0.5, 0.5}},
	{"石河子市", []string{"659001"}, [4]float64{4, 0.2, 0.2, 0.5}},
	{"阿勒泰地区", []string{"654301", "654321", "654322"}, [4]float64{1.5, 0.2, 4, 0.5}},
	{"塔城地区", []string{"654201", "654202", "654221"}, [4]float64{2, 0.3, 3, 1}},
	{"巴州", []string{"652801", "652822", "652826", "652827"}, [4]float64{3, 2, 0.2, 1}},
	{"博州", []string{"652701", "652722"}, [4]float64{1.5, 0.5, 1, 0.5}},
}

// address returns a street address in d.
func address(r *rand.Rand, d *district) string {
	road := pick(r, d.roads)
	switch r.IntN(5) {
	case 0:
		return fmt.Sprintf("乌鲁木齐市%s%s%d号%s", d.name, road, between(r, 1, 899), pick(r, []string{"", "A座", "B座", "院内", "综合楼"}))
	case 1:
		return fmt.Sprintf("%s%s%d号%d楼%d室", d.name, road, between(r, 1, 600), between(r, 1, 28), between(r, 101, 2608))
	case 2:
		return fmt.Sprintf("乌鲁木齐市%s%s%d号%s%d层", d.name, road, between(r, 1, 999), pick(r, []string{"商务大厦", "科技园", "创业大厦", "国际大厦", "广场", "产业园"}), between(r, 1, 22))
	case 3:
		return fmt.Sprintf("%s%s（%s附近）", d.name, road, pick(r, d.landmark))
	default:
		return fmt.Sprintf("新疆乌鲁木齐市%s%s%d号", d.name, road, between(r, 1, 999))
	}
}

func trimCity(s string) string { return strings.TrimPrefix(s, "乌鲁木齐市") }
