package synth

import (
	"math/rand/v2"
	"strings"
)

// Ethnic groups, in the order of elsewhere.w.
const (
	han = iota
	uyghur
	kazakh
	hui
)

// Urumqi's graduates are roughly three quarters Han and Hui and one quarter
// Uyghur, Kazakh and others (the universities' intake is wider than the
// city's own population).
var ethnicMix = []float64{0.56, 0.28, 0.07, 0.09}

var hanSurnames = strings.Fields(`王 李 张 刘 陈 杨 赵 黄 周 吴 徐 孙 胡 朱 高 林 何 郭 马 罗 梁 宋 郑 谢 韩 唐 冯 于 董 萧 程 曹 袁 邓 许 傅 沈 曾 彭 吕 苏 卢 蒋 蔡 贾 丁 魏 薛 叶 阎 余 潘 杜 戴 夏 钟 汪 田 任 姜 范 方 石 姚 谭 廖 邹 熊 金 陆 郝 孔 白 崔 康 毛 邱 秦 江 史 顾 侯 邵 孟 龙 万 段 雷 钱 汤 尹 黎 易 常 武 乔 贺 赖 龚 文`)

var huiSurnames = strings.Fields(`马 马 马 杨 杨 海 白 丁 李 王 张 穆 纳 沙 冶 哈 韩 金 苏 黑`)

var hanMaleChars = []rune("伟刚勇毅俊峰强军平保东文辉力明永健世广志义兴良海山仁波宁贵福生龙元全国胜学祥才发武新利清飞彬富顺信子杰涛昌成康星光天达安岩中茂进林有坚和彪博诚先敬震振壮会思群豪心邦承乐绍功松善厚庆磊民友裕河哲江超浩亮政谦亨奇固之轮翰朗伯宏言若鸣朋斌梁栋维启克伦翔旭鹏泽晨辰士以建家致树炎德行时泰盛雄琛钧冠策腾楠榕风航弘宇轩睿")
var hanFemaleChars = []rune("秀娟英华慧巧美娜静淑惠珠翠雅芝玉萍红娥玲芬芳燕彩春菊兰凤洁梅琳素云莲真环雪荣爱妹霞香月莺媛艳瑞凡佳嘉琼勤珍贞莉桂娣叶璧璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓纨仪荷丹蓉眉君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜纯毓悦昭冰爽琬茗羽希宁欣飘育滢馥筠柔竹霭凝晓欢霄枫芸菲寒伊亚宜可姬舒影荔枝思丽涵萱")

var uyghurMale = strings.Fields(`买买提 艾力 阿不都 吐尔逊 艾合买提 努尔麦麦提 阿布来提 伊力哈木 麦麦提江 艾尔肯 阿迪力 帕尔哈提 依明 亚森 热合曼 阿里木 吾斯曼 阿卜杜拉 米吉提 卡德尔 艾克拜尔 迪力夏提 肉孜 塔依尔 依力亚尔 居来提 阿尔斯兰 如则 斯拉木 艾山 努尔兰 木拉提 库尔班 吾买尔 玉素甫 哈力克 艾则孜 托合提 买合木提 阿布都热合曼`)
var uyghurFemale = strings.Fields(`阿依古丽 古丽娜尔 热依拉 迪丽努尔 帕提古丽 努尔古丽 麦尔哈巴 阿依努尔 古丽米拉 阿孜古丽 热孜宛古丽 祖丽胡玛尔 米娜 阿依夏木 古再丽努尔 佐热古丽 玛依拉 比拉力 迪娜 萨依普加玛丽 努尔比亚 美合日古丽 阿曼古丽 再努尔 加娜提 排孜拉 热娜 克孜曼古丽 依帕尔古丽 苏比努尔`)
var kazakhMale = strings.Fields(`叶尔兰 努尔兰 叶尔肯 别克 加尔肯 达吾提 哈力别克 叶尔波力 叶森 马合沙提 阿依达尔 努尔江 巴合提 叶尔江 哈那提 别克波拉提 赛力克 阿斯哈尔 木合亚提 吾拉力`)
var kazakhFemale = strings.Fields(`阿依达娜 古丽巴哈尔 阿依江 加娜尔 阿娜尔 巴合提古丽 达丽娅 阿克努尔 阿依丁 古丽扎达 叶尔克 阿合娜 热依汗 胡玛尔 玛依努尔`)

// personName returns a realistic name for the ethnic group and gender.
// Uyghur and Kazakh names are given name · father's given name.
func personName(r *rand.Rand, ethnic int, male bool) string {
	switch ethnic {
	case uyghur, kazakh:
		var own, father []string
		if ethnic == uyghur {
			father = uyghurMale
			own = uyghurFemale
			if male {
				own = uyghurMale
			}
		} else {
			father = kazakhMale
			own = kazakhFemale
			if male {
				own = kazakhMale
			}
		}
		given := pick(r, own)
		dad := pick(r, father)
		for dad == given {
			dad = pick(r, father)
		}
		return given + "·" + dad
	default:
		surname := pick(r, hanSurnames[:40])
		if r.IntN(3) == 0 {
			surname = pick(r, hanSurnames)
		}
		if ethnic == hui {
			surname = pick(r, huiSurnames)
		}
		chars := hanFemaleChars
		if male {
			chars = hanMaleChars
		}
		n := 2
		if r.IntN(100) < 28 {
			n = 1
		}
		var b strings.Builder
		b.WriteString(surname)
		for i := 0; i < n; i++ {
			b.WriteRune(pick(r, chars))
		}
		return b.String()
	}
}

// mobilePrefixes are the three-digit prefixes of Chinese mobile numbers
// with their rough market share.
var mobilePrefixes = wpick[string]{
	items: strings.Fields("130 131 132 133 135 136 137 138 139 150 151 152 153 155 156 157 158 159 166 170 173 175 176 177 178 180 181 182 183 185 186 187 188 189 191 198 199"),
	w:     []float64{3, 3, 2, 2, 3, 3, 4, 5, 5, 4, 3, 2, 2, 2, 2, 2, 3, 3, 1, 0.5, 1, 1, 1, 2, 1, 2, 2, 2, 2, 2, 2, 2, 3, 3, 1.5, 1.5, 1.5},
}

func mobile(r *rand.Rand) string {
	b := []byte(mobilePrefixes.get(r))
	for i := 0; i < 8; i++ {
		b = append(b, byte('0'+r.IntN(10)))
	}
	return string(b)
}
