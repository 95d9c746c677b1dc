package synth

import "strings"

// industry is a line of business: what SME employers in it are called and
// what they say they do.
type industry struct {
	key      string
	words    []string // the industry part of a company name
	business []string // 主营 phrases for the employer introduction
}

var industries = map[string]*industry{}

// industryOrder fixes an iteration order: map order must never reach output.
var industryOrder []string

func addIndustry(key, words, business string) {
	industries[key] = &industry{key: key, words: strings.Fields(words), business: strings.Split(business, "|")}
	industryOrder = append(industryOrder, key)
}

func init() {
	addIndustry("it", "科技 信息技术 网络科技 软件 数字科技 智能科技 信息科技 数据科技 云计算",
		"软件开发与系统集成|政务及企业信息化建设|智慧城市与物联网解决方案|大数据平台建设与运维|移动互联网应用开发|网络安全服务与等保测评")
	addIndustry("trade", "商贸 贸易 商业 实业 供应链 进出口",
		"日用百货批发零售|农副产品购销|建材及五金销售|中亚进出口贸易|汽车配件销售|快消品区域代理")
	addIndustry("accounting", "财务咨询 会计服务 财税服务 税务师事务所 代理记账 企业管理咨询",
		"代理记账与税务筹划|企业财务外包服务|工商注册与财税咨询|审计及财务咨询")
	addIndustry("insurance", "保险代理 投资咨询 财富管理 金融信息服务 保险经纪",
		"保险代理与风险保障规划|个人理财与财富管理咨询|金融信息服务")
	addIndustry("law", "律师事务所 法律咨询 知识产权代理",
		"民商事诉讼与非诉法律服务|企业法律顾问与合规|知识产权代理")
	addIndustry("ecommerce", "电子商务 网络科技 电商 互联网科技 供应链管理",
		"新疆特色农产品线上销售|直播电商与网店代运营|跨境电商|干果及特产电商")
	addIndustry("media", "文化传媒 广告 文化传播 品牌设计 影视文化",
		"品牌策划与广告设计|短视频内容制作|新媒体代运营|会展与活动策划")
	addIndustry("logistics", "物流 供应链管理 运输 仓储 快递服务 速运",
		"城市配送与仓储管理|公路货运及多式联运|冷链物流|快递网点运营|中欧班列货运代理")
	addIndustry("catering", "餐饮管理 餐饮 饮食文化 美食 餐饮连锁",
		"新疆特色餐饮连锁|中式快餐及团餐服务|烤肉及抓饭门店经营|烘焙与饮品连锁")
	addIndustry("tourism", "旅游 国际旅行社 旅行社 文化旅游 旅游开发",
		"国内及出境旅游|新疆环线定制游|研学旅行与会奖旅游|景区运营")
	addIndustry("hotel", "酒店管理 大酒店 宾馆 酒店",
		"商务酒店经营|连锁酒店管理|餐饮住宿一体化服务")
	addIndustry("construction", "建筑工程 建设工程 建筑安装 市政工程 工程咨询 路桥工程 工程造价咨询",
		"房屋建筑与市政工程施工|工程造价咨询与招标代理|道路桥梁施工|工程监理|钢结构安装")
	addIndustry("manufacturing", "机械设备 机电 设备制造 精密机械 电气 重工 装备",
		"机电设备制造与安装|新能源装备配套|电气成套设备制造|农机装备制造|钢结构加工")
	addIndustry("chem", "化工 新材料 精细化工 石化 化学",
		"煤化工及精细化工产品生产|新型建材研发生产|石化产品加工")
	addIndustry("food", "食品 乳业 粮油 饮品 果业",
		"乳制品及饮品加工|粮油加工|干果及特色食品加工")
	addIndustry("hospital", "医院 口腔门诊 康复医院 医疗管理 门诊部",
		"综合医疗服务|口腔诊疗|康复理疗与护理|专科门诊")
	addIndustry("pharmacy", "大药房 医药 医药连锁",
		"药品零售连锁|医药批发与配送|医疗器械销售")
	addIndustry("training", "教育科技 教育咨询 培训学校 文化艺术培训 职业技能培训学校",
		"中小学课外辅导|职业技能培训|艺术与体育培训|成人学历提升")
	addIndustry("kindergarten", "幼儿园 双语幼儿园 早教中心",
		"学前教育|托育与早期教育")
	addIndustry("farming", "农业科技 农业发展 种业 生态农业 林果",
		"设施农业与蔬菜种植|林果种植与初加工|种子种苗繁育|农业社会化服务")
	addIndustry("livestock", "牧业 农牧科技 畜牧 养殖",
		"牛羊规模化养殖|畜禽养殖与饲料|奶牛养殖")
	addIndustry("garden", "园林绿化 园林景观 绿化工程",
		"市政园林绿化施工与养护|景观设计")
	addIndustry("property", "物业服务 物业管理 物业",
		"住宅及商业物业管理|园区物业服务|设施设备运维")
	addIndustry("realty", "房地产经纪 置业 房地产营销 房产",
		"二手房买卖与租赁|新房营销代理|房地产开发")
	addIndustry("care", "家政服务 养老服务 健康管理 护理服务",
		"家政及养老照护|社区居家养老服务|健康管理服务")
	addIndustry("fitness", "健身管理 体育文化 运动科技",
		"健身房连锁经营|青少年体育培训|运动康复")
	addIndustry("beauty", "美容美发 形象设计 美业管理",
		"美容美发连锁|皮肤管理|形象设计")
	addIndustry("hr", "人力资源服务 人力资源管理咨询 劳务派遣",
		"人力资源外包与招聘服务|劳务派遣|灵活用工")
	addIndustry("auto", "汽车服务 汽车销售服务 汽车维修 汽车贸易",
		"汽车销售与售后维修|新能源汽车服务|汽车保养快修连锁")
	addIndustry("energy", "新能源 电力工程 光伏科技 能源",
		"光伏及风电工程|电站运维|电力工程施工")
	addIndustry("env", "环保科技 环境检测 环境工程 水务",
		"环境监测与检测|污水处理运营|环境影响评价")
}

// Brand syllables for company names: Xinjiang place words and the usual
// auspicious pairs.
var brandWords = strings.Fields(`天山 昆仑 丝路 西域 雪莲 瀚海 天池 博格达 红山 金桥 汇通 恒信 鑫源 众联 安达 华美 博达 宏图 嘉禾 同创 新丝路 亚欧 中亚 金驼 胡杨 天润 绿洲 银河 广汇 德鑫 新陆 锦程 天佑 宇泰 隆盛 瑞丰 华疆 亿联 鸿运 恒通 盛世 疆源 致远 至诚 远航 奥新 创联 星辰 云图 智汇 新科 联创 立信 九州 晨光 天宇 蓝海 万邦 瀚宇 北疆 南湖 米泉 乌拉泊 达坂 柴窝堡 龙腾 泰和 康瑞 益民 仁和 惠民 佳禾 沃野 金穗 丰源 翰林 启明 育英`)
