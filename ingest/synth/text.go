package synth

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Phrase pools for post descriptions. A description is an introduction, the
// duties, the requirements and the benefits, each drawn from its pool with
// its own heading and numbering style, so that 25,000 posts do not read
// like a handful of templates.

var introPatterns = []string{
	"%[1]s成立于%[3]d年，位于乌鲁木齐市%[2]s，主要从事%[4]s，现因业务发展需要招聘优秀人才。",
	"%[1]s是一家专注于%[4]s的企业，公司地处%[2]s，团队年轻有活力，诚邀高校毕业生加入。",
	"我公司主营%[4]s，经过多年发展已成为乌鲁木齐同行业中具有一定规模的企业，欢迎应届毕业生投递简历。",
	"公司简介：%[1]s（%[2]s）致力于%[4]s，现面向社会公开招聘。",
	"因业务扩展，%[1]s诚聘以下岗位人员，欢迎有志青年加入。",
	"本单位位于%[2]s，业务涵盖%[4]s，成立%[5]d年来稳步发展。",
	"%[1]s扎根新疆%[5]d年，以%[4]s为核心业务，为员工提供良好的成长平台。",
	"",
	"",
}

var dutyHeads = []string{"岗位职责：", "工作内容：", "职位描述：", "【岗位职责】", "主要职责：", "工作职责："}
var reqHeads = []string{"任职要求：", "任职资格：", "岗位要求：", "【任职要求】", "应聘条件：", "招聘条件："}
var benefitHeads = []string{"福利待遇：", "薪资福利：", "我们提供：", "【福利待遇】", "待遇：", "公司福利："}

var genericDuties = []string{
	"完成上级领导交办的其他工作",
	"做好本岗位相关台账和资料的整理归档",
	"积极参与部门内部培训和业务学习",
	"配合其他部门完成相关工作",
	"按时完成周报、月报的编写",
	"遵守公司各项规章制度",
	"维护良好的客户关系和对外形象",
}

var genericReqs = []string{
	"身体健康，品行端正，无不良记录",
	"具有良好的沟通能力和团队合作精神",
	"工作认真负责，能吃苦耐劳",
	"学习能力强，愿意在本行业长期发展",
	"服从工作安排，执行力强",
	"熟练使用办公软件",
	"具有较强的责任心和保密意识",
	"热爱本职工作，有上进心",
	"能熟练使用国家通用语言文字",
	"欢迎优秀应届毕业生投递简历",
	"2023届毕业生可先实习后转正",
	"有相关实习经历者优先考虑",
	"普通话标准，表达清晰",
	"年龄%d周岁以下",
}

var benefits = []string{
	"五险一金", "五险", "带薪年假", "节日福利", "包住宿", "包午餐", "工作餐", "餐补", "交通补助", "通讯补贴",
	"年终奖", "绩效奖金", "定期体检", "员工旅游", "岗前培训", "晋升空间大", "周末双休", "单休", "法定节假日休息",
	"生日福利", "取暖补贴", "高温补贴", "提供宿舍", "免费班车", "住房补贴", "全勤奖", "专业技能培训", "弹性工作",
}

var closings = []string{
	"有意者请将简历投递至公司邮箱，合适者将电话通知面试。",
	"欢迎有意向的同学投递简历，我们将在3个工作日内回复。",
	"应聘者请携带身份证、毕业证及相关证书复印件到公司面试。",
	"工作时间：周一至周五 10:00-19:30（北京时间）。",
	"工作时间：10:00-14:00，16:00-20:00，午休两小时。",
	"面试地点详见联系方式，面试前请先电话联系。",
	"本岗位可享受乌鲁木齐市吸纳高校毕业生就业相关补贴政策。",
	"公司为员工缴纳社会保险，试用期1-3个月。",
	"",
	"",
	"",
}

// publicClosings end the notices of public bodies, which are not companies.
var publicClosings = []string{
	"报名时请携带身份证、毕业证书、学位证书原件及复印件。",
	"具体要求以正式招聘公告为准。",
	"咨询电话详见招聘公告，报名截止后不再受理。",
	"招聘工作接受纪检监察部门和社会监督。",
	"",
	"",
}

type numberStyle func(i int) string

var numberStyles = []numberStyle{
	func(i int) string { return fmt.Sprintf("%d、", i) },
	func(i int) string { return fmt.Sprintf("%d.", i) },
	func(i int) string { return fmt.Sprintf("（%d）", i) },
	func(i int) string { return string(rune('①' + i - 1)) },
	func(i int) string { return "" },
}

// listText renders items with a heading, numbered or run together.
func listText(r *rand.Rand, head string, items []string, ns numberStyle, newline bool) string {
	var b strings.Builder
	b.WriteString(head)
	if newline {
		b.WriteString("\n")
	}
	for i, it := range items {
		n := ns(i + 1)
		if n == "" {
			if i > 0 {
				b.WriteString("；")
			}
			b.WriteString(it)
			continue
		}
		b.WriteString(n)
		b.WriteString(it)
		if newline {
			b.WriteString("；\n")
		} else {
			b.WriteString("；")
		}
	}
	s := strings.TrimRight(b.String(), "；\n")
	return s + "。"
}

// skillPhrase mentions a skill or certificate the way posts ask for it.
func skillPhrase(r *rand.Rand, s string, cert bool) string {
	if cert {
		if seniorCertificate(s) {
			// New graduates cannot hold these yet: a plus, never a must.
			return fmt.Sprintf(pick(r, []string{"持有%s者优先", "有%s者优先考虑", "取得%s者可适当放宽条件"}), s)
		}
		return fmt.Sprintf(pick(r, []string{"持有%s者优先", "须取得%s", "具备%s", "有%s者优先考虑", "%s持证上岗"}), s)
	}
	return fmt.Sprintf(pick(r, []string{"熟练掌握%s", "熟悉%s", "具备%s能力", "会%s者优先", "掌握%s相关知识", "有%s经验者优先"}), s)
}

func skillsPhrase(r *rand.Rand, ss []string) string {
	if len(ss) == 1 {
		return skillPhrase(r, ss[0], false)
	}
	return fmt.Sprintf(pick(r, []string{"熟练掌握%s", "熟悉%s等工具", "具备%s等技能", "掌握%s"}), strings.Join(ss, "、"))
}
