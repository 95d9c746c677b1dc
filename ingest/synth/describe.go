package synth

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

const (
	descMin = 100
	descMax = 400
)

// channelExtras are what each channel's posts say about pay and terms,
// beyond the generic benefits.
var channelExtras = map[matcher.Channel][]string{
	matcher.ChannelPublicSector: {
		"录用后按照事业单位有关规定享受工资福利待遇", "按规定缴纳五险一金", "试用期一年，期满考核合格后正式聘用",
		"本岗位最低服务年限为5年", "面向2023届高校毕业生定向招聘", "报名采取网上报名方式，资格审查贯穿招聘全过程",
	},
	matcher.ChannelStateOwned: {
		"签订正式劳动合同，缴纳六险二金", "享受企业年金和补充医疗保险", "提供职工宿舍和职工食堂",
		"设有完善的职业发展通道和导师带徒机制", "新员工入职享受安家补贴",
	},
	matcher.ChannelGrassroots: {
		"服务期间按月发放工作生活补贴，并缴纳社会保险", "服务期满考核合格的，可参加事业单位专项招聘",
		"首次参加服务的人员给予一次性安家费", "服务期满考研初试总分加10分", "服务期间提供食宿",
		"社区工作者实行职业化薪酬体系，签订劳动合同",
	},
	matcher.ChannelMilitary: {
		"义务兵服役期间享受家庭优待金", "大学生入伍享受学费补偿和国家助学贷款代偿",
		"退役后可享受考研加分、专升本免试等优惠政策", "乌鲁木齐市户籍应届高校毕业生经体格检查、政治考核合格可优先参军入伍",
		"网上报名后请按通知参加初检初审", "入伍前在校表现优秀者优先批准",
	},
	matcher.ChannelSelfEmployed: {
		"可按规定申请创业担保贷款和一次性创业补贴", "时间自由，多劳多得，收入周结", "平台为从业人员购买意外伤害保险",
		"入驻孵化基地可享受场地租金减免", "提供免费创业培训和开业指导", "灵活就业人员可按规定享受社会保险补贴",
	},
}

var welfareExtras = []string{
	"本岗位为政府开发的公益性岗位，面向就业困难高校毕业生", "按规定享受公益性岗位补贴和社会保险补贴",
	"优先安置脱贫家庭、低保家庭、零就业家庭及残疾高校毕业生", "岗位期限一般不超过3年", "工资按月发放，不低于乌鲁木齐市最低工资标准",
}

func internshipExtras(p catalog.Policy) []string {
	sub := p.Internship.SubsidyMonthly
	if sub == 0 {
		sub = 1700
	}
	months := p.Internship.MaxMonths
	if months == 0 {
		months = 12
	}
	return []string{
		fmt.Sprintf("见习期间每月发放%.0f元见习补贴", sub),
		fmt.Sprintf("见习期3-%d个月，期满考核合格可优先留用", months),
		"见习单位为见习人员办理人身意外伤害保险",
		"面向离校2年内未就业高校毕业生和16-24岁失业青年",
		"见习期满留用的，见习单位可按规定享受补贴",
		"有专人带教，帮助见习人员积累工作经验",
	}
}

// postSkills is what a post can ask for: the occupation's skills and
// certificates, those of the majors it names, and common ones.
func postSkills(t *occ, majors []string) (skills, certs []string) {
	skills = append(skills, t.skills...)
	certs = append(certs, t.certs...)
	for _, s := range skillLexicon().byOcc[t.code] {
		if s.Kind == catalog.KindCertificate {
			certs = append(certs, s.Name)
		} else {
			skills = append(skills, s.Name)
		}
	}
	for _, m := range majors {
		if mj, ok := catalog.MajorByName(m); ok {
			for _, s := range mj.Skills {
				if certificate(s) {
					certs = append(certs, s)
				} else {
					skills = append(skills, s)
				}
			}
		}
	}
	return dedupe(skills), dedupe(certs)
}

// description is a post's description in parts, so that it can be
// rendered, shortened and padded to the generator's length bounds.
type description struct {
	ns                   numberStyle
	newline              bool
	intro, closing       string
	duties, reqs, extras []string
	ben, generic         []string
}

// describe writes a post's description: intro, duties, requirements,
// benefits and a closing, in the voice of the post's channel, then fitted
// between descMin and descMax characters.
func (wd *world) describe(r *rand.Rand, s slot, t *occ, emp *employer, deg matcher.Degree, majors []string, p *postRow) string {
	d := &description{ns: pick(r, numberStyles), newline: chance(r, 0.6)}
	if pat := pick(r, introPatterns); pat != "" && s.channel != matcher.ChannelMilitary {
		d.intro = fmt.Sprintf(pat, emp.name, emp.district.name, emp.founded, emp.business, max(1, wd.o.Now.Year()-emp.founded))
		if emp.founded == 0 || emp.business == "" {
			d.intro = ""
		}
	}
	d.duties = sample(r, t.duties, between(r, 2, 4))
	if chance(r, 0.5) {
		d.duties = append(d.duties, pick(r, genericDuties))
	}
	d.requirements(r, s, t, deg, majors, p)
	wd.endings(r, d, s)
	return d.fit(r, s, t)
}

// requirements writes the degree, majors, skills, certificates and the
// channel's general requirements.
func (d *description) requirements(r *rand.Rand, s slot, t *occ, deg matcher.Degree, majors []string, p *postRow) {
	var reqs []string
	if deg > matcher.DegreeNone {
		reqs = append(reqs, fmt.Sprintf(pick(r, []string{"%s及以上学历", "学历要求%s及以上", "全日制%s及以上学历", "%s以上学历"}), degreeChinese(deg)))
	}
	if p.majors != "不限" && p.majors != "" {
		m := strings.ReplaceAll(p.majors, ";", "、")
		if len(reqs) > 0 && strings.HasSuffix(m, "专业") {
			reqs[len(reqs)-1] += "，" + m
		} else if strings.HasSuffix(m, "专业") {
			reqs = append(reqs, m+"优先")
		} else if len(reqs) > 0 {
			reqs[len(reqs)-1] += "，" + m + pick(r, []string{"专业", "等专业", "专业优先"})
		} else {
			reqs = append(reqs, m+"专业优先")
		}
	} else if deg > matcher.DegreeNone && chance(r, 0.3) {
		reqs[len(reqs)-1] += "，专业不限"
	}
	skills, certs := postSkills(t, majors)
	if len(skills) > 0 {
		reqs = append(reqs, skillsPhrase(r, sample(r, skills, between(r, 1, 3))))
	}
	if len(certs) > 0 && chance(r, 0.65) {
		reqs = append(reqs, skillPhrase(r, pick(r, certs), true))
	}
	reqs = append(reqs, sample(r, t.reqs, between(r, 0, min(2, len(t.reqs))))...)
	d.generic = genericReqs
	if s.channel == matcher.ChannelMilitary {
		d.generic = []string{"身体健康，符合征兵体检标准", "政治可靠，无违法犯罪记录", "年龄%d周岁以下", "男女青年均可报名"}
	}
	for _, g := range sample(r, d.generic, between(r, 1, 2)) {
		if strings.Contains(g, "%d") {
			if p.ageMax == 0 {
				continue
			}
			g = fmt.Sprintf(g, p.ageMax)
		}
		reqs = append(reqs, g)
	}
	d.reqs = reqs
}

// endings picks the extras, benefits and closing of the post's channel.
func (wd *world) endings(r *rand.Rand, d *description, s slot) {
	switch {
	case s.welfare:
		d.extras = sample(r, welfareExtras, between(r, 1, 3))
	case s.internship:
		d.extras = sample(r, internshipExtras(wd.policy), between(r, 2, 3))
	default:
		d.extras = sample(r, channelExtras[s.channel], between(r, 0, 2))
	}
	if s.channel == matcher.ChannelSME || s.channel == matcher.ChannelStateOwned {
		d.ben = sample(r, benefits, between(r, 2, 6))
	}
	d.closing = pick(r, closings)
	if s.channel == matcher.ChannelPublicSector || s.channel == matcher.ChannelGrassroots {
		d.closing = pick(r, publicClosings)
	}
	if s.channel == matcher.ChannelMilitary {
		// Conscription notices carry no company boilerplate.
		d.closing = pick(r, []string{"", "具体要求以当年征兵公告为准。", "报名请登录全国征兵网。", "咨询电话详见区人武部公告。"})
	}
}

// render joins the parts.
func (d *description) render(r *rand.Rand) string {
	var parts []string
	if d.intro != "" {
		parts = append(parts, d.intro)
	}
	parts = append(parts, listText(r, pick(r, dutyHeads), d.duties, d.ns, d.newline))
	if len(d.reqs) > 0 {
		parts = append(parts, listText(r, pick(r, reqHeads), d.reqs, d.ns, d.newline))
	}
	if len(d.ben) > 0 || len(d.extras) > 0 {
		b := pick(r, benefitHeads) + strings.Join(d.ben, "、")
		if len(d.extras) > 0 {
			if len(d.ben) > 0 {
				b += "；"
			}
			b += strings.Join(d.extras, "；")
		}
		parts = append(parts, b+"。")
	}
	if d.closing != "" {
		parts = append(parts, d.closing)
	}
	sep := "\n"
	if !d.newline {
		sep = pick(r, []string{" ", "", "\n"})
	}
	return strings.Join(parts, sep)
}

// fit renders the description, shortened from the least informative end
// until it fits descMax and padded toward descMin.
func (d *description) fit(r *rand.Rand, s slot, t *occ) string {
	out := d.render(r)
	for runeLen(out) > descMax {
		switch {
		case d.closing != "":
			d.closing = ""
		case d.intro != "":
			d.intro = ""
		case len(d.ben) > 2:
			d.ben = d.ben[:2]
		case len(d.duties) > 2:
			d.duties = d.duties[:len(d.duties)-1]
		case len(d.reqs) > 2:
			d.reqs = d.reqs[:len(d.reqs)-1]
		case len(d.extras) > 1:
			d.extras = d.extras[:1]
		default:
			rs := []rune(out)
			return string(rs[:descMax-1]) + "…"
		}
		out = d.render(r)
	}
	for pad := 0; runeLen(out) < descMin && pad < 8; pad++ {
		switch {
		case d.closing == "" && s.channel != matcher.ChannelMilitary:
			d.closing = pick(r, closings[:8])
			if s.channel == matcher.ChannelPublicSector || s.channel == matcher.ChannelGrassroots {
				d.closing = pick(r, publicClosings[:4])
			}
		case len(d.duties) < len(t.duties)+2 && pad%2 == 0:
			d.duties = append(d.duties, pick(r, genericDuties))
		default:
			d.reqs = append(d.reqs, pick(r, d.generic[:min(len(d.generic), 2)]))
		}
		out = d.render(r)
	}
	return out
}
