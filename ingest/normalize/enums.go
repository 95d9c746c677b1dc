package normalize

import (
	"sort"
	"strings"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// channelWords map names of the plan's channels, in key form, to channels.
// Whole-cell matches come first; then the cell is searched for them, and
// exactly one channel must be named.
var channelWords = []struct {
	word    string
	channel matcher.Channel
}{
	{"党政机关", matcher.ChannelPublicSector}, {"事业单位", matcher.ChannelPublicSector}, {"机关事业单位", matcher.ChannelPublicSector},
	{"机关", matcher.ChannelPublicSector}, {"公务员", matcher.ChannelPublicSector}, {"事业编", matcher.ChannelPublicSector},
	{"参公", matcher.ChannelPublicSector}, {"招录", matcher.ChannelPublicSector},
	{"国企", matcher.ChannelStateOwned}, {"国有企业", matcher.ChannelStateOwned}, {"央企", matcher.ChannelStateOwned},
	{"中央企业", matcher.ChannelStateOwned}, {"国有控股", matcher.ChannelStateOwned}, {"国有", matcher.ChannelStateOwned},
	{"中小微企业", matcher.ChannelSME}, {"中小企业", matcher.ChannelSME}, {"小微企业", matcher.ChannelSME},
	{"民营", matcher.ChannelSME}, {"民企", matcher.ChannelSME}, {"私企", matcher.ChannelSME}, {"私营", matcher.ChannelSME},
	{"非公", matcher.ChannelSME}, {"外企", matcher.ChannelSME}, {"外资", matcher.ChannelSME}, {"合资", matcher.ChannelSME},
	{"基层", matcher.ChannelGrassroots}, {"三支一扶", matcher.ChannelGrassroots}, {"西部计划", matcher.ChannelGrassroots},
	{"社区", matcher.ChannelGrassroots}, {"特岗", matcher.ChannelGrassroots}, {"村官", matcher.ChannelGrassroots},
	{"选调", matcher.ChannelGrassroots}, {"志愿服务", matcher.ChannelGrassroots},
	{"征兵", matcher.ChannelMilitary}, {"入伍", matcher.ChannelMilitary}, {"参军", matcher.ChannelMilitary},
	{"部队", matcher.ChannelMilitary}, {"军队", matcher.ChannelMilitary}, {"兵役", matcher.ChannelMilitary},
	{"自主创业", matcher.ChannelSelfEmployed}, {"灵活就业", matcher.ChannelSelfEmployed}, {"创业", matcher.ChannelSelfEmployed},
	{"个体", matcher.ChannelSelfEmployed}, {"自由职业", matcher.ChannelSelfEmployed}, {"新就业形态", matcher.ChannelSelfEmployed},
	{"平台就业", matcher.ChannelSelfEmployed},
}

// codeSeps are dropped from English channel names: State-Owned, state_owned.
var codeSeps = strings.NewReplacer("_", "", "-", "")

func init() {
	// Longest words first, so 机关事业单位 is consumed before 机关 is looked for.
	sort.SliceStable(channelWords, func(i, j int) bool { return len(channelWords[i].word) > len(channelWords[j].word) })
}

var channelEnglish = map[string]matcher.Channel{
	"public": matcher.ChannelPublicSector, "publicsector": matcher.ChannelPublicSector, "government": matcher.ChannelPublicSector,
	"stateowned": matcher.ChannelStateOwned, "soe": matcher.ChannelStateOwned, "state": matcher.ChannelStateOwned,
	"smes": matcher.ChannelSME, "private": matcher.ChannelSME, "privatesector": matcher.ChannelSME,
	"military": matcher.ChannelMilitary, "army": matcher.ChannelMilitary, "enlistment": matcher.ChannelMilitary,
	"selfemployed": matcher.ChannelSelfEmployed, "selfemployment": matcher.ChannelSelfEmployed,
	"entrepreneurship": matcher.ChannelSelfEmployed, "flexible": matcher.ChannelSelfEmployed, "gig": matcher.ChannelSelfEmployed,
}

// Channel reads one of the plan's six channels from its code
// (public_sector, state_owned, sme, grassroots, military, self_employed),
// its Chinese name as matcher.Channel.Chinese writes it, or the words
// employers and portals use (国企, 民营, 三支一扶, 征兵, 灵活就业 …). A cell
// that names two channels is an error, not a guess. An empty cell gives ""
// and no error.
func Channel(s string) (matcher.Channel, error) {
	k := key(s)
	if k == "" {
		return "", nil
	}
	if c := matcher.Channel(strings.ReplaceAll(k, "-", "_")); c.Valid() {
		return c, nil
	}
	if c, ok := channelEnglish[codeSeps.Replace(k)]; ok {
		return c, nil
	}
	for _, c := range matcher.Channels {
		if k == key(c.Chinese()) {
			return c, nil
		}
	}
	var found matcher.Channel
	rest := k
	for _, w := range channelWords {
		if !strings.Contains(rest, w.word) {
			continue
		}
		rest = strings.ReplaceAll(rest, w.word, "|")
		if found != "" && found != w.channel {
			return "", invalid("channel", "渠道有歧义（同时像%s和%s）：%s", "ambiguous channel (both %s and %s): %q",
				found.Chinese(), w.channel.Chinese(), echo(s))
		}
		found = w.channel
	}
	if found == "" {
		return "", unrecognised("channel", "渠道", "channel", s)
	}
	return found, nil
}

// Kind reads whether a post is a job or a 就业见习 internship: the codes, or
// 全职/岗位/招聘 (job) and 见习/就业见习/实习 (internship). An empty cell is
// a job.
func Kind(s string) (matcher.Kind, error) {
	k := key(s)
	switch k {
	case "", "job", "jobs", "全职", "岗位", "招聘", "工作", "就业", "职位", "兼职", "fulltime", "parttime", "正式", "正式岗位":
		return matcher.KindJob, nil
	case "internship", "intern", "trainee", "见习", "就业见习", "实习", "实习生", "见习岗位", "见习生", "实习岗位":
		return matcher.KindInternship, nil
	}
	if strings.Contains(k, "见习") || strings.Contains(k, "实习") {
		return matcher.KindInternship, nil
	}
	if strings.Contains(k, "招聘") || strings.Contains(k, "全职") || strings.Contains(k, "岗位") {
		return matcher.KindJob, nil
	}
	return "", unrecognised("kind", "岗位类型（应为 job/全职 或 internship/见习）", "post kind", s)
}

// Hardships reads a list of 就业困难 categories (split on ; ； , 、 / as
// List does) from their codes or the words ledgers and the plan use
// (matcher.HardshipByWord: 脱贫家庭/建档立卡, 低保（低收入）家庭/低保/低收入,
// 零就业家庭, 残疾/残疾人, 较长时间未就业/长期未就业 …). 无/否 and an empty
// cell mean none. Each category appears once, in the order given. An
// unknown value is an error naming it (category names are not personal data;
// the person's being in one is, and the message does not say who).
func Hardships(s string) ([]matcher.Hardship, error) {
	var out []matcher.Hardship
	for _, v := range List(s) {
		h, ok := matcher.HardshipByWord(v)
		if !ok {
			switch key(v) {
			case "无", "否", "没有", "非困难", "none", "no", "-":
				continue
			}
			return nil, unrecognised("hardship", "就业困难类别", "hardship category", v)
		}
		if !containsHardship(out, h) {
			out = append(out, h)
		}
	}
	return out, nil
}

func containsHardship(l []matcher.Hardship, h matcher.Hardship) bool {
	for _, x := range l {
		if x == h {
			return true
		}
	}
	return false
}

// GraduateStatus reads where a graduate is: the codes (unregistered,
// seeking, placed, employed, studying) or Chinese (未登记, 求职中/待就业,
// 已就业/已落实, 在职, 升学/深造). An empty cell gives "" and no error.
func GraduateStatus(s string) (matcher.GraduateStatus, error) {
	k := key(s)
	switch k {
	case "":
		return "", nil
	case "unregistered", "未登记", "未注册", "未实名登记":
		return matcher.StatusUnregistered, nil
	case "seeking", "求职中", "求职", "待就业", "未就业", "已登记", "登记", "正在求职", "失业":
		return matcher.StatusSeeking, nil
	case "placed", "已就业", "已落实", "落实", "就业去向落实", "已签约", "签约", "已录用", "已上岗", "就业":
		return matcher.StatusPlaced, nil
	case "employed", "在职", "已在职", "已工作", "工作中":
		return matcher.StatusEmployed, nil
	case "studying", "升学", "深造", "读研", "考研", "出国", "留学", "继续深造", "出国深造", "专升本":
		return matcher.StatusStudying, nil
	}
	return "", unrecognised("status", "毕业生状态", "graduate status", s)
}

// CourseCategory reads a training course's category: skills (技能,
// 职业技能培训), entrepreneurship (创业, 创业培训, SYB/GYB/IYB/EYB, 网创)
// or guidance (就业引导性培训, the plan's measure 14, and its usual
// shortenings 就业引导、引导性培训).
// An empty cell gives "" and no error.
func CourseCategory(s string) (matcher.CourseCategory, error) {
	k := key(s)
	switch k {
	case "":
		return "", nil
	case "skills", "skill", "技能", "职业技能", "职业技能培训", "技能培训", "职业培训", "岗位技能培训", "技能提升":
		return matcher.CourseSkills, nil
	case "entrepreneurship", "创业", "创业培训", "syb", "gyb", "iyb", "eyb", "网创", "网络创业培训", "创业指导":
		return matcher.CourseEntrepreneurship, nil
	case "guidance", "就业引导性培训", "就业引导培训", "就业引导", "引导性培训", "就业引导性":
		return matcher.CourseGuidance, nil
	}
	if strings.Contains(k, "就业引导") || strings.Contains(k, "引导性") {
		return matcher.CourseGuidance, nil
	}
	hasE := strings.Contains(k, "创业") || strings.Contains(k, "syb") || strings.Contains(k, "gyb") || strings.Contains(k, "iyb")
	hasS := strings.Contains(k, "技能")
	switch {
	case hasE && !hasS:
		return matcher.CourseEntrepreneurship, nil
	case hasS && !hasE:
		return matcher.CourseSkills, nil
	}
	return "", unrecognised("category", "培训类别（应为 技能、创业 或 就业引导性培训）", "course category", s)
}
