package major

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// mentionRe finds the run of names before 专业 (and before 等/相关/类 and
// the like): "计算机、软件工程等相关专业" → "计算机、软件工程".
var mentionRe = regexp.MustCompile(`([\p{Han}A-Za-z、/／,，及或和与（）()]{2,80}?)(?:等|及其|及|或|以及)?(?:相关|相近|类似|类)?(?:类)?专业`)

// notAMajorAfter are words that, right after 专业, make it mean
// "professional" (专业知识, 专业技能), not a field of study.
var notAMajorAfter = []string{"知识", "技能", "能力", "素养", "素质", "水平", "化", "性", "人士", "人员", "服务", "培训", "资格",
	"技术", "团队", "领域", "术语", "设备", "软件", "工具", "机构", "公司", "指导", "意见", "建议", "度", "形象", "精神", "操守"}

// notAMajorBefore are words that, right before 专业, make it an adjective
// (提供专业的服务, 具备扎实的专业功底) or mean the post's own field (熟悉本专业).
var notAMajorBefore = []string{"提供", "给予", "给出", "通过", "具有", "具备", "熟悉", "掌握", "精通", "负责", "建立", "配备", "拥有",
	"有", "的", "为", "成为", "作为", "带领", "提升", "需", "所需", "以", "向", "经过", "进行", "获得", "一家", "一名", "一支", "一所",
	"一个", "考虑", "放宽", "均可", "亦可", "可", "优先", "学历", "经验", "以上", "以下", "可查", "在读", "院校", "学校", "学位", "文凭",
	"公司", "本", "该", "其", "非", "跨", "对口", "所学", "相应", "有关", "应届", "应届生", "在校生", "使用", "运用", "规范", "领域",
	"行业", "服务", "培训", "职称", "资格", "团队", "能力", "技能", "背景", "人员", "年", "岁", "及", "或", "与", "和"}

// leadNoise are words that end the text before a major's name in a
// requirement: "本科及以上学历，计算机专业", "毕业于会计专业", "要求护理专业".
var leadNoise = []string{"学历", "以上", "毕业于", "毕业", "所学", "要求", "具备", "具有", "优先", "者", "的", "为", "是", "限", "需",
	"全日制", "统招", "大专", "本科", "硕士", "博士", "中专", "高中", "专科", "相关", "等"}

// fillerMentions are items of a requirement that name no major.
var fillerMentions = map[string]bool{"相关": true, "不限": true, "对口": true, "所学": true, "本": true, "该": true, "其他": true,
	"以上": true, "理工科": true, "理工": true, "文科": true, "理科": true, "工科": true, "经管": true, "各": true, "任何": true,
	"所有": true, "同等": true, "非": true, "主修": true, "相应": true, "有关": true, "跨": true, "本科": true, "大专": true,
	"文理科": true, "文理": true, "工科类": true, "财经": true, "学科": true, "科目": true, "研究生": true, "硕士": true}

// Mentions returns the majors a post's text asks for, as written
// ("计算机、软件工程等相关专业优先" → 计算机, 软件工程), in order, without
// repeats. It reads the run of names before each 专业 that means a field of
// study (not 专业知识 or 专业技能), splits it on 、/ 或 及 和, and drops
// what names no major (相关, 不限, 理工科). Resolve the names with
// Resolver.Resolve.
func Mentions(text string) []string {
	var out []string
	for _, loc := range mentionRe.FindAllStringSubmatchIndex(text, -1) {
		after := text[loc[1]:]
		if isProfessionalUse(after) {
			continue
		}
		run := text[loc[2]:loc[3]]
		if endsWithAny(text[:loc[3]], notAMajorBefore) && loc[3] == loc[1]-len("专业") {
			continue
		}
		for _, item := range splitMentionRun(cutLeadNoise(run)) {
			item = strings.TrimLeft(item, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+#. ")
			if containsAny(item, notAMajorWords) || strings.HasPrefix(item, "非") {
				continue // 非计算机专业 asks for anyone but
			}
			if n := utf8.RuneCountInString(item); n >= 2 && n <= 15 && hasHan(item) && !fillerMentions[strings.TrimSuffix(item, "类")] && !containsString(out, item) {
				out = append(out, item)
			}
		}
	}
	return out
}

// notAMajorWords are words no major's name holds, found in the other
// requirements a run of names sometimes swallows (Java开发经验或计算机).
var notAMajorWords = []string{"经验", "证书", "资格", "行业", "职称", "岁", "背景", "可以", "不行", "放宽", "录用", "应届", "学历", "优先"}

func containsAny(s string, words []string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// hasHan: a name in Latin letters only is a tool (CAD, Excel, JavaScript),
// not a major.
func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

func endsWithAny(s string, words []string) bool {
	for _, w := range words {
		if strings.HasSuffix(s, w) {
			return true
		}
	}
	return false
}

func isProfessionalUse(after string) bool {
	for _, w := range notAMajorAfter {
		if strings.HasPrefix(after, w) {
			return true
		}
	}
	return false
}

// cutLeadNoise keeps what follows the last noise word of the run.
func cutLeadNoise(run string) string {
	for changed := true; changed; {
		changed = false
		for _, w := range leadNoise {
			if i := strings.LastIndex(run, w); i >= 0 && i+len(w) < len(run) {
				run = run[i+len(w):]
				changed = true
			}
		}
	}
	return strings.Trim(run, "、/／,，及或和与（）() ")
}

// splitMentionRun splits a run of names on 、 / , 或 及 和 (not 与, which
// is part of names: 计算机科学与技术), and trims the qualifiers around
// each: 等, 相关, 类, 方向.
func splitMentionRun(run string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(run, func(r rune) bool {
		return r == '、' || r == '/' || r == '／' || r == ',' || r == '，' || r == '或' || r == '和'
	}) {
		// 及 separates names unless it is 及其 (机械设计制造及其自动化).
		for _, g := range splitKeeping(f, "及", "及其") {
			g = strings.Trim(g, "（）() ")
			for _, q := range []string{"等", "相关", "方向"} {
				g = strings.TrimSuffix(g, q)
			}
			out = append(out, g)
		}
	}
	return out
}

// splitKeeping splits s on sep except where sep begins keep.
func splitKeeping(s, sep, keep string) []string {
	var out []string
	for {
		i := strings.Index(s, sep)
		for i >= 0 && strings.HasPrefix(s[i:], keep) {
			j := strings.Index(s[i+len(keep):], sep)
			if j < 0 {
				i = -1
				break
			}
			i += len(keep) + j
		}
		if i < 0 {
			return append(out, s)
		}
		out = append(out, s[:i])
		s = s[i+len(sep):]
	}
}

func containsString(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}
