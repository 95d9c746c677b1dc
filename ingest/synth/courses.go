package synth

import (
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// courseKind is a training programme: what it teaches and the certificate
// it prepares for, so the matcher can recommend it for a missing skill.
type courseKind struct {
	title  string
	skills []string
	certs  []string
	majors []string
	days   [2]int
	w      float64
}

var skillCourses = []courseKind{
	{"低压电工作业", f("电气维修|低压配电|安全用电|照明线路安装"), f("低压电工作业证|电工证"), f("电气自动化技术|机电一体化技术"), [2]int{10, 20}, 3},
	{"焊工（熔化焊接与热切割）", f("电焊|氩弧焊|二氧化碳保护焊|识图"), f("焊工证|熔化焊接与热切割作业证"), f("焊接技术与自动化"), [2]int{15, 30}, 2},
	{"育婴员", f("婴幼儿照护|早期教育|营养喂养"), f("育婴员证"), f("学前教育|早期教育"), [2]int{10, 20}, 2},
	{"保育员", f("保育照护|幼儿卫生保健"), f("保育员证"), f("学前教育"), [2]int{10, 15}, 1},
	{"养老护理员", f("老年照护|生活照料|康复护理|急救知识"), f("养老护理员证"), f("护理|护理学|智慧健康养老服务与管理|康复治疗技术|运动康复|老年保健与管理"), [2]int{10, 20}, 2},
	{"家政服务员", f("家居保洁|收纳整理|母婴护理"), f("家政服务员证"), nil, [2]int{7, 15}, 1.5},
	{"电子商务师", f("店铺运营|直通车推广|数据分析|商品上架|选品"), f("电子商务师"), f("电子商务|市场营销"), [2]int{15, 30}, 3},
	{"直播电商（互联网营销师）", f("直播话术|短视频拍摄|剪映|选品|粉丝运营"), f("互联网营销师"), f("网络与新媒体|电子商务|网络营销与直播电商"), [2]int{10, 20}, 3},
	{"短视频制作与运营", f("短视频拍摄|剪映|Premiere|脚本策划|抖音运营"), nil, f("网络与新媒体|数字媒体艺术"), [2]int{10, 15}, 2},
	{"会计实务与初级会计职称考前", f("财务核算|凭证录入|纳税申报|报表编制|用友U8|金蝶K3"), f("初级会计职称|1+X智能财税证书"), f("会计学|财务管理|大数据与会计"), [2]int{20, 45}, 3},
	{"Python数据分析", f("Python|数据清洗|数据可视化|SQL|统计分析"), nil, f("统计学|数据科学与大数据技术|计算机科学与技术|经济学|经济统计学|应用统计学|金融工程|数学与应用数学|信息与计算科学"), [2]int{20, 40}, 2.5},
	{"Web前端开发", f("HTML/CSS|JavaScript|Vue|Git"), nil, f("计算机科学与技术|软件技术"), [2]int{30, 60}, 2},
	{"Java程序设计", f("Java|Spring Boot|MySQL|Git|Linux"), f("软件设计师"), f("软件工程|计算机科学与技术"), [2]int{30, 60}, 2},
	{"网络安全与运维", f("Linux|防火墙|网络配置|路由交换|Shell脚本"), f("华为HCIA认证|网络工程师"), f("网络工程|计算机网络技术"), [2]int{20, 40}, 1.5},
	{"计算机办公应用", f("办公软件|Word|Excel|PPT|公文写作"), f("全国计算机等级考试二级"), nil, [2]int{7, 15}, 2.5},
	{"中式烹调师", f("中式烹调|刀工|新疆菜制作|食品安全"), f("中式烹调师证|健康证"), f("烹调工艺与营养"), [2]int{20, 45}, 2.5},
	{"中式面点师", f("面点制作|馕制作|食品安全"), f("中式面点师证|健康证"), f("中西面点工艺"), [2]int{15, 30}, 2},
	{"西式面点师", f("烘焙|蛋糕裱花|食品安全"), f("西式面点师证|健康证"), f("中西面点工艺|烹饪工艺与营养"), [2]int{15, 30}, 1.5},
	{"汽车维修工", f("汽车故障诊断|发动机维修|汽车保养|诊断仪使用"), f("汽车维修工证"), f("汽车检测与维修技术"), [2]int{30, 60}, 2},
	{"新能源汽车维修", f("新能源汽车三电检修|汽车故障诊断|安全用电"), f("汽车维修工证|低压电工作业证"), f("新能源汽车技术|汽车检测与维修技术|新能源汽车检测与维修技术|智能网联汽车技术|车辆工程|汽车制造与试验技术|新能源汽车工程"), [2]int{20, 40}, 1.5},
	{"美容师", f("皮肤护理|化妆|顾客服务"), f("美容师证"), f("人物形象设计"), [2]int{15, 30}, 1.5},
	{"美发师", f("美发造型|烫染技术|顾客服务"), f("美发师证"), nil, [2]int{15, 30}, 1},
	{"茶艺师", f("茶艺|茶叶知识|服务礼仪"), f("茶艺师证"), f("酒店管理|旅游管理"), [2]int{7, 15}, 0.8},
	{"保安员", f("安全巡查|消防知识|应急处置"), f("保安员证"), nil, [2]int{7, 10}, 1},
	{"物业管理员", f("物业费收缴|投诉处理|客户服务|设施设备管理"), f("物业管理师"), f("物业管理"), [2]int{10, 20}, 1},
	{"叉车司机", f("叉车操作|仓储管理|安全生产"), f("叉车证"), f("物流管理"), [2]int{5, 10}, 1.5},
	{"仓储物流管理", f("仓储管理|WMS系统|出入库管理|物流调度"), f("物流师"), f("物流管理|现代物流管理"), [2]int{10, 20}, 1.5},
	{"建筑施工员（八大员）", f("施工图识读|施工组织设计|现场管理|工程资料管理"), f("施工员证|资料员证"), f("土木工程|建筑工程技术"), [2]int{15, 30}, 2},
	{"广联达造价实操", f("广联达|工程量计算|清单计价|新疆定额"), f("二级造价工程师"), f("工程造价|工程管理"), [2]int{15, 30}, 1.5},
	{"AutoCAD制图", f("AutoCAD|机械制图|施工图识读"), nil, f("土木工程|机械设计制造及其自动化"), [2]int{10, 20}, 1.5},
	{"平面设计（Photoshop）", f("Photoshop|Illustrator|排版设计|CorelDRAW"), nil, f("视觉传达设计|广告设计与制作"), [2]int{15, 30}, 2},
	{"人力资源管理实务", f("招聘|员工关系|社保办理|薪酬核算|劳动法"), f("企业人力资源管理师"), f("人力资源管理"), [2]int{10, 20}, 1.5},
	{"营养配餐员", f("营养搭配|食品安全|膳食指导"), f("营养师"), f("食品卫生与营养学"), [2]int{10, 20}, 1},
	{"健康管理师", f("健康咨询|健康档案|慢病管理"), f("健康管理师"), f("健康服务与管理|护理学|临床医学|预防医学"), [2]int{15, 30}, 1},
	{"导游资格考前", f("导游讲解|新疆历史文化|线路设计"), f("导游资格证"), f("旅游管理|酒店管理|英语"), [2]int{15, 30}, 1},
	{"客房服务员", f("客房清洁|前台接待|服务礼仪"), nil, f("酒店管理"), [2]int{7, 15}, 1},
	{"无人机驾驶员", f("无人机操控|航拍|植保飞防"), f("无人机驾驶员执照"), nil, [2]int{10, 20}, 1},
	{"设施农业与林果栽培", f("温室管理|滴灌技术|作物栽培|病虫害防治"), f("农艺工"), f("农学|园艺|园艺技术|现代农业技术|设施农业科学与工程|植物保护|植物科学与技术|种子科学与工程|种子生产与经营|园林"), [2]int{10, 20}, 1.5},
	{"畜禽养殖与防疫", f("饲养管理|防疫消毒|疫病防治"), f("动物防疫员证"), f("动物科学|畜牧兽医|动物医学|水产养殖学|动物药学|宠物医疗技术"), [2]int{10, 20}, 1},
	{"民族手工艺品制作", f("手工刺绣|民族服饰制作|手工编织"), nil, nil, [2]int{10, 20}, 1},
	{"普通话与职场沟通", f("普通话|沟通表达|公文写作"), f("普通话二级甲等"), nil, [2]int{10, 20}, 1.5},
	{"俄语商务口语", f("俄语|商务谈判|外贸流程"), nil, f("国际经济与贸易|俄语"), [2]int{20, 40}, 0.8},
	{"社会工作实务", f("社区服务|个案工作|政策宣传"), f("社会工作者职业资格证"), f("社会工作"), [2]int{10, 20}, 1},
	{"网约配送员安全与服务", f("电动车驾驶|交通安全|客户服务"), f("健康证"), nil, [2]int{3, 7}, 1},
	// Courses for the fields the kinds above leave without one (medicine,
	// pharmacy, laboratory, journalism, law, languages, teaching, finance,
	// manufacturing, electronics, design, building), so that a graduate
	// of any field can be offered three fitting courses.
	{"应急救护员（心肺复苏与急救）", f("急救|心肺复苏|创伤包扎"), f("救护员证"), f("临床医学|护理学|护理|预防医学|医学影像学|麻醉学|中西医临床医学|口腔医学|儿科学|社会体育指导与管理"), [2]int{3, 7}, 1},
	{"公共营养师", f("公共营养师|营养配餐|膳食指导"), f("公共营养师"), f("临床医学|食品卫生与营养学|烹饪工艺与营养|护理学|预防医学|妇幼保健医学"), [2]int{15, 30}, 1},
	{"康复理疗与推拿", f("推拿|康复治疗|理疗仪器操作"), f("康复治疗士"), f("康复治疗技术|临床医学|护理学|中医学|针灸推拿学|针灸推拿|运动康复|康复治疗学|中西医临床医学"), [2]int{15, 30}, 1},
	{"心理咨询师基础", f("心理咨询师|心理测评|个案辅导"), nil, f("应用心理学|临床医学|护理学|学前教育"), [2]int{10, 20}, 0.8},
	{"医药商品购销员", f("药品购销|药品储存养护|GSP规范"), nil, f("药学|中药学|药品经营与管理|临床医学|临床药学|药物制剂|药品经营与管理"), [2]int{10, 20}, 1},
	{"中药调剂员", f("中药调剂|中药饮片鉴别|处方审核"), nil, f("中药学|药学|中医学|中药资源与开发"), [2]int{10, 20}, 0.8},
	{"药品生产质量管理（GMP）", f("GMP|质量管理|药品检验"), nil, f("药学|药物制剂技术|医学检验技术"), [2]int{10, 15}, 0.8},
	{"化学检验员", f("化学检验|化学分析|仪器分析"), nil, f("医学检验技术|应用化学|药学|食品检验检测技术|化学|分子科学与工程|应用化工技术|精细化工技术|化学工程与工艺|材料化学"), [2]int{15, 30}, 1},
	{"食品检验员", f("食品检验|ISO22000|微生物检验"), nil, f("食品质量与安全|医学检验技术|食品检验检测技术|食品科学与工程|乳品工程|食品智能加工技术|粮食工程"), [2]int{15, 30}, 1},
	{"分子检测（PCR）与实验室安全", f("PCR|实验室安全|核酸检测"), nil, f("医学检验技术|生物技术|临床医学"), [2]int{7, 15}, 0.8},
	{"母婴护理员", f("母婴护理|新生儿护理|产后护理"), f("母婴护理证"), f("护理|护理学|助产|助产学"), [2]int{10, 20}, 1},
	{"医疗护理员", f("生活照护|医疗护理|感染防控"), f("医疗护理员证"), f("护理|护理学|助产学|助产"), [2]int{10, 20}, 1},
	{"新媒体运营与文案策划", f("新媒体运营|文案策划|视频剪辑"), nil, f("新闻学|网络与新媒体|汉语言文学|广告学"), [2]int{10, 20}, 1.5},
	{"摄影摄像与后期制作", f("摄影|视频剪辑|Premiere"), nil, f("新闻学|广播电视学|数字媒体艺术|摄影|广播电视编导|影视摄影与制作|戏剧影视导演|传播学"), [2]int{10, 20}, 1},
	{"教师资格考前辅导（中小学）", f("教学设计|教育心理学|课堂管理"), f("小学教师资格证|初中教师资格证"), f("汉语言文学|英语|小学教育|数学与应用数学|教育学|思想政治教育|体育教育|物理学|化学|小学数学教育|小学语文教育|小学英语教育|科学教育|历史学|地理科学|美术学|音乐学"), [2]int{15, 30}, 1.5},
	{"国际中文教师", f("对外汉语教学|跨文化交际"), f("国际中文教师证书"), f("汉语言文学|汉语国际教育|英语"), [2]int{15, 30}, 0.6},
	{"劳动关系协调员", f("劳动法|社保业务|劳动争议调解"), nil, f("法学|人力资源管理|劳动与社会保障"), [2]int{10, 20}, 1},
	{"基层法律服务与人民调解", f("法律文书写作|劳动法|人民调解"), nil, f("法学|法律事务"), [2]int{10, 20}, 0.8},
	{"企业合规与合同管理", f("合同管理|劳动法|知识产权"), nil, f("法学|法律事务|工商管理"), [2]int{10, 20}, 0.8},
	{"纳税申报实务", f("纳税申报|税务|发票管理"), f("税务师"), f("会计学|财务管理|税收学|大数据与会计|审计学|大数据与财务管理|大数据与审计|财税大数据应用"), [2]int{10, 20}, 1.2},
	{"跨境电商运营", f("跨境电商|亚马逊运营|外贸"), nil, f("电子商务|国际经济与贸易|英语|商务英语"), [2]int{15, 30}, 1.2},
	{"外贸单证与报关", f("外贸|单证|报关"), nil, f("国际经济与贸易|英语|现代物流管理|物流管理"), [2]int{10, 20}, 1},
	{"外语翻译（CATTI考前）", f("翻译|商务英语|CATTI"), nil, f("英语|翻译|商务英语|俄语|日语|朝鲜语|土耳其语|德语|法语|阿拉伯语|应用英语"), [2]int{20, 40}, 0.8},
	{"咖啡师", f("咖啡|饮品制作|服务礼仪"), nil, f("酒店管理|烹饪工艺与营养"), [2]int{7, 15}, 0.8},
	{"酒店前厅与宴会服务", f("前台接待|宴会服务|客户服务"), nil, f("酒店管理|旅游管理"), [2]int{7, 15}, 0.8},
	{"食品安全管理员", f("食品安全|ISO22000|餐饮卫生"), nil, f("烹饪工艺与营养|食品质量与安全|酒店管理"), [2]int{5, 10}, 1},
	{"装配钳工", f("钳工|机械装配|识图"), nil, f("数控技术|机械设计制造及其自动化|机电一体化技术"), [2]int{20, 40}, 1},
	{"工业机器人操作与运维", f("工业机器人|PLC|示教编程"), nil, f("机电一体化技术|电气自动化技术|电气工程及其自动化|工业机器人技术|数控技术"), [2]int{20, 40}, 1.2},
	{"PLC编程与电气控制", f("PLC|电气接线|变频器"), nil, f("电气工程及其自动化|电气自动化技术|机电一体化技术"), [2]int{20, 40}, 1},
	{"高压电工作业", f("高压配电|倒闸操作|安全用电"), f("高压电工证"), f("电气工程及其自动化|电力系统自动化技术|机电一体化技术"), [2]int{10, 20}, 1},
	{"模具设计与三维建模", f("模具设计|3D建模|SolidWorks"), nil, f("机械设计制造及其自动化|数控技术|模具设计与制造"), [2]int{20, 40}, 0.8},
	{"单片机与物联网开发", f("单片机|C语言|物联网"), nil, f("电子信息工程|电子信息工程技术|物联网工程"), [2]int{20, 40}, 0.8},
	{"集成电路版图设计", f("集成电路设计|版图设计|EDA"), nil, f("电子信息工程|微电子科学与工程"), [2]int{30, 60}, 0.6},
	{"软件测试", f("软件测试|Selenium|性能测试|SQL"), nil, f("软件工程|计算机科学与技术|软件技术"), [2]int{20, 40}, 1.2},
	{"云计算与容器运维", f("云计算|Linux|运维|Docker"), nil, f("计算机网络技术|网络工程|计算机科学与技术|软件工程"), [2]int{20, 40}, 1.2},
	{"网络搭建与综合布线", f("网络搭建|网络规划|综合布线"), nil, f("计算机网络技术|网络工程"), [2]int{10, 20}, 0.8},
	{"UI设计", f("UI设计|Photoshop|Figma"), nil, f("视觉传达设计|数字媒体艺术|计算机科学与技术|广告设计与制作"), [2]int{20, 40}, 1},
	{"电商视觉设计（美工）", f("Photoshop|商品图片处理|详情页设计"), nil, f("视觉传达设计|电子商务|广告设计与制作"), [2]int{10, 20}, 1},
	{"BIM建模（Revit）", f("BIM|Revit|施工图识读"), nil, f("土木工程|建筑工程技术|工程造价|环境设计|建筑学"), [2]int{15, 30}, 1.2},
	{"工程测量（全站仪、GPS）", f("全站仪|GPS测量|工程测量"), nil, f("土木工程|工程测量技术|建筑工程技术"), [2]int{10, 20}, 1},
	{"建筑施工安全员", f("安全生产|施工安全检查|应急处置"), f("安全员证"), f("土木工程|建筑工程技术|工程管理|工程造价"), [2]int{7, 15}, 1},
	{"银行从业资格考前", f("银行业务|个人理财|风险管理"), f("银行从业资格证"), f("金融学|财务管理|会计学|大数据与会计|经济学|金融工程|金融科技|财政学|经济统计学|金融服务与管理|投资学|保险学|互联网金融"), [2]int{15, 30}, 1},
	{"成本核算与管理会计", f("成本核算|预算管理|财务分析"), nil, f("会计学|财务管理|大数据与会计|审计学|大数据与财务管理"), [2]int{10, 20}, 1},
	{"汽车销售顾问", f("汽车销售|销售技巧|客户服务"), nil, f("市场营销|汽车营销与服务|汽车检测与维修技术"), [2]int{7, 15}, 1},
	{"供应链管理与采购", f("供应链|采购|库存管理"), nil, f("现代物流管理|物流管理|采购管理|市场营销"), [2]int{10, 20}, 1},
	{"社保经办实务", f("社保业务|薪酬核算|公积金办理"), nil, f("人力资源管理|劳动与社会保障|行政管理"), [2]int{7, 15}, 0.8},
	{"档案管理员", f("档案管理|档案数字化|公文写作"), nil, f("行政管理|档案学|汉语言文学|图书馆学|现代文秘|秘书学"), [2]int{7, 15}, 0.8},
	{"托育服务（婴幼儿照护）", f("婴幼儿照护|托育机构管理|营养喂养"), nil, f("学前教育|婴幼儿托育服务与管理"), [2]int{10, 20}, 1},
	{"儿童感统训练师", f("感统训练|儿童行为观察|康复训练"), nil, f("学前教育|特殊教育|康复治疗技术"), [2]int{10, 20}, 0.8},
	{"汽车钣金与涂装", f("钣金|汽车喷漆|汽车美容"), nil, f("汽车检测与维修技术|汽车营销与服务"), [2]int{20, 40}, 0.8},
	{"农业技术员（作物栽培与植保）", f("作物栽培|病虫害防治|农药安全使用|测土配方施肥"), nil, f("农学|园艺|植物保护|植物科学与技术|种子科学与工程|现代农业技术|园艺技术|农业资源与环境"), [2]int{10, 20}, 1},
	{"社会体育指导员（健身教练）", f("健身指导|体能训练|运动损伤预防"), f("社会体育指导员证"), f("体育教育|社会体育|运动训练|运动康复|休闲体育|社会体育指导与管理|体育运营与管理"), [2]int{10, 20}, 1},
	{"统计调查与数据分析", f("统计分析|数据分析|SPSS|抽样调查"), f("统计师"), f("经济学|统计学|经济统计学|应用统计学|统计与大数据分析|商务数据分析与应用|数字经济"), [2]int{10, 20}, 1},
	{"环境监测与污染治理", f("环境监测|水质检测|环评文件编制"), nil, f("环境工程|环境科学|环境科学与工程|环境生态工程|环境工程技术|环境监测技术|生态学"), [2]int{10, 20}, 0.8},
	{"社区工作者（网格员）实务", f("社区服务|政策宣传|网格化管理|公文写作"), nil, f("社会学|社会工作|思想政治教育|政治学与行政学|社区管理与服务|行政管理|公共事业管理|科学社会主义"), [2]int{7, 15}, 1},
	{"少儿艺术培训师资", f("少儿舞蹈|少儿美术|声乐教学"), nil, f("舞蹈学|音乐学|舞蹈编导|舞蹈表演|音乐表演|美术学|绘画|学前教育"), [2]int{10, 20}, 0.8},
	{"化工总控工（安全生产）", f("化工操作|HSE管理|安全生产"), nil, f("化学工程与工艺|应用化工技术|精细化工技术|石油工程|油气储运工程|制药工程"), [2]int{15, 30}, 0.8},
	{"宠物医疗与美容", f("宠物护理|宠物美容|动物疫病防治"), nil, f("动物医学|宠物医疗技术|动物科学|畜牧兽医"), [2]int{10, 20}, 0.8},
	{"农机驾驶与维修", f("农机驾驶|农机维修|植保无人机"), nil, f("农业机械化及其自动化|设施农业与装备|农业工程|现代农业技术"), [2]int{10, 20}, 0.8},
	{"农村电商（农产品直播销售）", f("直播带货|农产品电商|短视频拍摄"), nil, f("农学|园艺|农村电子商务|农林经济管理|农村区域发展|电子商务"), [2]int{7, 15}, 1},
}

var entrepreneurshipCourses = []courseKind{
	{"SYB创业培训（创办你的企业）", f("创业计划书|市场评估|企业财务|风险管理"), f("SYB创业培训合格证"), nil, [2]int{10, 12}, 4},
	{"GYB创业意识培训（产生你的企业想法）", f("创业意识|项目选择|市场调研"), f("GYB创业培训合格证"), nil, [2]int{3, 5}, 2},
	{"IYB改善你的企业", f("企业管理|成本控制|市场营销"), f("IYB培训合格证"), nil, [2]int{5, 10}, 1},
	{"网络创业培训", f("网店开设|网络营销|直播电商|电商物流"), f("网络创业培训合格证"), f("电子商务"), [2]int{10, 15}, 3},
	{"马兰花创业培训", f("创业计划书|市场营销|企业财务"), f("创业培训合格证"), nil, [2]int{7, 12}, 1.5},
	{"创业模拟实训", f("模拟经营|团队管理|融资路演"), f("创业模拟实训合格证"), nil, [2]int{7, 15}, 1},
}

// guidanceCourses are the plan's 就业引导性培训 (measure 14: 认清就业形势,
// 树立正确就业观): short, large classes for graduates of every field, held
// by the employment training centres and the colleges' career offices.
// They give no certificate: the plan pays 职业技能培训补贴 for skills
// training that ends in one, not for guidance.
var guidanceCourses = []courseKind{
	{"高校毕业生就业引导性培训", f("就业形势分析|就业观念|职业生涯规划|求职技巧"), nil, nil, [2]int{1, 3}, 3},
	{"就业引导性培训（职业规划与求职能力）", f("职业生涯规划|简历制作|面试技巧|求职技巧"), nil, nil, [2]int{2, 3}, 2},
	{"就业引导性培训（职业精神与职场适应）", f("职业素养|职场礼仪|职场适应|就业政策解读"), nil, nil, [2]int{1, 2}, 1.5},
}

// guidanceShare is the share of the catalogue's courses that are
// 就业引导性培训 sessions: a few large sessions a month across the city's
// colleges (620 courses give 23).
const guidanceShare = 25

var guidanceProviders = []string{"乌鲁木齐市就业训练中心", "乌鲁木齐职业大学招生就业处", "新疆大学学生就业指导中心",
	"新疆师范大学就业指导中心", "新疆农业大学就业指导中心", "新疆财经大学就业指导中心", "新疆医科大学就业指导中心"}

var guidanceAudience = []string{"面向在校及离校未就业高校毕业生，各专业均可报名", "面向2023届高校毕业生，不限专业",
	"优先安排就业困难高校毕业生", "面向有求职意愿的高校毕业生"}

// guidanceCourse fills row c (the i-th of the catalogue) as a session of
// 就业引导性培训.
func guidanceCourse(r *rand.Rand, c *courseRow, o Options, d *district) {
	k := pickCourse(r, guidanceCourses)
	c.category = matcher.CourseGuidance
	c.provider = pick(r, guidanceProviders)
	c.district = d.name
	c.days = between(r, k.days[0], k.days[1])
	c.places = between(r, 4, 20) * 10
	c.start = o.Now.Add(days(between(r, -20, 100)))
	session := between(r, 1, 12)
	switch r.IntN(3) {
	case 0:
		c.title = fmt.Sprintf("%d年%s（第%d期）", o.Now.Year(), k.title, session)
	case 1:
		c.title = fmt.Sprintf("%s（第%d期）", k.title, session)
	default:
		c.title = k.title
	}
	c.majors = "不限"
	c.description = fmt.Sprintf("培训内容：%s。培训时长%d天，计划招收%d人，%s开班。%s；培训免费，讲授就业形势和求职经验，引导树立正确就业观。",
		strings.Join(sample(r, k.skills, between(r, 2, len(k.skills))), "、"), c.days, c.places, c.start.Format("1月2日"), pick(r, guidanceAudience))
}

func courseProvider(r *rand.Rand, d *district) string {
	switch r.IntN(6) {
	case 0:
		return "乌鲁木齐市就业训练中心"
	case 1:
		return "乌鲁木齐市" + d.name + "就业训练中心"
	case 2:
		return "乌鲁木齐市" + d.name + "人力资源和社会保障局就业训练中心"
	case 3:
		return "新疆" + pick(r, brandWords) + "职业技能培训学校"
	case 4:
		return "乌鲁木齐市" + pick(r, brandWords) + "职业技能培训学校"
	default:
		return pick(r, []string{"乌鲁木齐职业大学继续教育学院", "新疆职业大学培训中心", "新疆轻工职业技术学院社会培训部", "乌鲁木齐市" + d.name + "创业指导服务中心"})
	}
}

var courseAudience = []string{
	"面向2023届及离校2年内未就业高校毕业生", "优先招收就业困难高校毕业生", "面向有培训意愿的高校毕业生和失业青年",
	"零基础可报名", "面向有创业意愿的高校毕业生", "面向乌鲁木齐市户籍及在乌求职的高校毕业生",
}

var courseTerms = []string{
	"培训合格者按规定享受职业培训补贴", "培训期间免费提供教材和午餐", "结业后推荐就业", "理论与实操相结合，小班教学",
	"考核合格颁发相应证书", "培训免费，名额有限，报满即止", "可线上线下混合学习", "对接合作企业提供见习岗位",
}

type courseRow struct {
	source, externalID, title, provider string
	category                            matcher.CourseCategory
	district, description, majors       string
	start                               time.Time
	days, places                        int
}

func (c *courseRow) record() []string {
	return []string{c.source, c.externalID, c.title, c.provider, string(c.category), c.district, c.description, c.majors,
		date(c.start), strconv.Itoa(c.days), strconv.Itoa(c.places)}
}

func writeCourses(w io.Writer, o Options, progress func(int)) error {
	pol := o.Policy // set by Options.normalise
	// Entrepreneurship classes first; the rest are skills courses.
	cw, err := newCSV(w, CourseHeader)
	if err != nil {
		return err
	}
	r0 := rowRNG(o.Seed, streamCourses, 1<<40)
	ePlaces := entrepreneurshipPlaces(r0, o.Courses, pol.EntrepreneurshipTrainingPlaces)
	nE := len(ePlaces)
	idBase := 1000 + r0.IntN(8000)
	// 就业引导性培训 sessions are the last rows and the fields' courses
	// the rows before them, so the skills courses before both stay what
	// they were.
	nG := guidanceCount(o.Courses - nE)
	nF := fieldCourseCount(o.Courses - nE)
	fieldFrom := o.Courses - nG - nF
	for i := 0; i < o.Courses; i++ {
		r := rowRNG(o.Seed, streamCourses, uint64(i))
		c := &courseRow{source: sourceCity, externalID: fmt.Sprintf("PX%d%05d", o.Now.Year(), idBase+i)}
		if i >= fieldFrom {
			if i >= o.Courses-nG {
				guidanceCourse(r, c, o, peopleDistricts.get(r))
			} else {
				fieldCourse(r, c, o, i-fieldFrom)
			}
			if err := cw.Write(c.record()); err != nil {
				return err
			}
			continue
		}
		var k courseKind
		if i < nE {
			c.category = matcher.CourseEntrepreneurship
			k = pickCourse(r, entrepreneurshipCourses)
			c.places = ePlaces[i]
		} else {
			c.category = matcher.CourseSkills
			k = pickCourse(r, skillCourses)
			c.places = between(r, 2, 12) * 5
		}
		d := peopleDistricts.get(r)
		c.provider = courseProvider(r, d)
		c.district = d.name
		c.days = between(r, k.days[0], k.days[1])
		c.start = o.Now.Add(days(between(r, -20, 100)))
		session := between(r, 1, 12)
		name := k.title
		kindWord := "职业技能培训"
		if c.category == matcher.CourseEntrepreneurship {
			kindWord = "培训"
		}
		if strings.Contains(name, "培训") {
			kindWord = ""
		}
		c.title = courseTitle(r, o.Now.Year(), d.name, name, kindWord, session)
		if len(k.majors) > 0 && chance(r, 0.8) {
			c.majors = strings.Join(k.majors, ";")
		} else {
			c.majors = "不限"
		}
		c.description = courseDescription(r, k, c)
		if err := cw.Write(c.record()); err != nil {
			return err
		}
	}
	progress(o.Courses)
	cw.Flush()
	return cw.Error()
}

// entrepreneurshipPlaces are the places of the catalogue's
// entrepreneurship classes (its first rows): classes of 20–40 places that
// add up to the plan's 800 (培训圆梦计划), at most half of n rows.
func entrepreneurshipPlaces(r0 *rand.Rand, n, places int) []int {
	if n <= 0 || places <= 0 {
		return nil
	}
	ws := make([]float64, min(max(1, places/30), n/2))
	for i := range ws {
		ws[i] = 0.7 + 0.6*r0.Float64()
	}
	return apportion(ws, places)
}

// guidanceCount is how many 就业引导性培训 sessions a catalogue with n
// rows besides entrepreneurship training holds: one in guidanceShare, and
// one in a small catalogue.
func guidanceCount(n int) int {
	switch {
	case n >= 2*guidanceShare:
		return n / guidanceShare
	case n >= 4:
		return 1
	}
	return 0
}

// courseTitle is a session's title as providers write it, in one of four
// forms.
func courseTitle(r *rand.Rand, year int, district, name, kindWord string, session int) string {
	var t string
	switch r.IntN(4) {
	case 0:
		t = fmt.Sprintf("%d年%s%s%s班（第%d期）", year, district, name, strings.TrimSuffix(kindWord, "职业技能培训")+"培训", session)
	case 1:
		t = fmt.Sprintf("%s%s（第%d期）", name, kindWord, session)
	case 2:
		t = fmt.Sprintf("高校毕业生%s专项%s", name, strings.TrimPrefix(kindWord, "职业技能")+"班")
	default:
		t = fmt.Sprintf("%s%s班", name, strings.TrimPrefix(kindWord, "职业技能"))
	}
	return strings.ReplaceAll(t, "培训培训", "培训")
}

func pickCourse(r *rand.Rand, ks []courseKind) courseKind {
	w := make([]float64, len(ks))
	for i := range ks {
		w[i] = ks[i].w
	}
	return ks[weighted(r, w)]
}

func courseDescription(r *rand.Rand, k courseKind, c *courseRow) string {
	var b strings.Builder
	b.WriteString(pick(r, []string{"培训内容：", "课程介绍：", "【培训内容】", ""}))
	b.WriteString(fmt.Sprintf(pick(r, []string{"系统讲授%s等内容", "重点培训%s", "课程涵盖%s", "学习%s等实用技能"}), strings.Join(sample(r, k.skills, between(r, 2, len(k.skills))), "、")))
	b.WriteString("。")
	if len(k.certs) > 0 {
		b.WriteString(fmt.Sprintf(pick(r, []string{"考核合格可取得%s。", "结业后可参加%s考核。", "帮助学员取得%s。"}), strings.Join(k.certs, "、")))
	}
	b.WriteString(fmt.Sprintf("培训时长%d天，计划招收%d人，%s开班。", c.days, c.places, c.start.Format("1月2日")))
	for _, s := range sample(r, courseAudience, between(r, 1, 2)) {
		b.WriteString(s + "；")
	}
	for _, s := range sample(r, courseTerms, between(r, 1, 3)) {
		b.WriteString(s + "；")
	}
	out := strings.TrimSuffix(b.String(), "；") + "。"
	if c.category == matcher.CourseEntrepreneurship {
		out += pick(r, []string{"培训后提供创业指导、创业担保贷款申请辅导。", "优秀学员可入驻创业孵化基地。", "结业学员可申请一次性创业补贴。"})
	}
	return out
}
