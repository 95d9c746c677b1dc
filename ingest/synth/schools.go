package synth

import (
	"math/rand/v2"
	"strings"
	"sync"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

// profile says which fields a school teaches: weights keyed by the
// catalogue's 门类 code (2 digits: 08 工学, 51 电子与信息大类 …) or, taking
// precedence, by 专业类 code (4 digits). A weight is the share of the
// school's graduates in that field, spread over the field's majors by their
// popularity.
type profile map[string]float64

var (
	pComprehensive = profile{"08": 30, "07": 12, "12": 12, "02": 6, "05": 10, "03": 5, "04": 4, "13": 5, "06": 1.5, "01": 0.5, "09": 2}
	pSHZ           = profile{"08": 25, "07": 10, "12": 10, "02": 5, "05": 6, "03": 4, "04": 4, "13": 3, "09": 12, "10": 12}
	pAgri          = profile{"09": 35, "08": 18, "12": 12, "02": 5, "07": 6, "05": 2, "03": 1, "13": 1}
	pMedical       = profile{"10": 90, "1204": 3, "07": 1}
	pNormal        = profile{"04": 25, "05": 20, "07": 18, "06": 4, "13": 8, "03": 4, "12": 4, "01": 1, "0809": 4}
	pFinance       = profile{"02": 30, "12": 40, "03": 6, "05": 5, "0711": 2, "0809": 5}
	pArts          = profile{"13": 90, "05": 3, "04": 3}
	pEngineering   = profile{"08": 80, "12": 10, "07": 5}
	pPolice        = profile{"0306": 60, "0831": 10, "03": 15, "0809": 10}

	pVocGeneral      = profile{"51": 20, "53": 25, "46": 10, "44": 8, "50": 6, "54": 6, "55": 5, "52": 3, "57": 5, "59": 3, "56": 2}
	pVocAgri         = profile{"41": 40, "49": 15, "53": 10, "47": 5, "51": 5}
	pVocMech         = profile{"46": 45, "51": 25, "43": 10, "53": 5}
	pVocLight        = profile{"48": 20, "49": 20, "53": 20, "55": 10, "51": 10, "47": 5}
	pVocEnergy       = profile{"43": 30, "42": 25, "46": 15, "44": 10, "51": 5}
	pVocOil          = profile{"42": 25, "47": 20, "43": 15, "46": 15, "53": 10, "51": 10}
	pVocConstruction = profile{"44": 60, "45": 5, "46": 8, "53": 8, "51": 5}
	pVocTransport    = profile{"50": 60, "46": 15, "44": 10, "51": 8}
	pVocSports       = profile{"57": 60, "54": 10, "52": 5}
	pVocIndustry     = profile{"46": 35, "47": 25, "43": 15, "51": 10, "53": 5}
	pVocMedical      = profile{"52": 100}
	pVocNormal       = profile{"57": 70, "55": 8, "51": 5, "59": 5}
	pVocPolice       = profile{"58": 70, "59": 10, "51": 10}
)

// policeOnly are 专业类 taught only at police academies.
var policeOnly = []string{"0306", "0831", "58"}

// popularity scales a 专业类 by how many students it usually enrols.
var popularity = map[string]float64{
	"0809": 3, "1202": 3, "1011": 3, "1002": 3, "0501": 2, "0401": 2, "0502": 1.5, "0810": 1.5, "0806": 1.5, "0802": 1.5,
	"1201": 1.5, "1204": 1.2, "0201": 1.5, "0203": 1.5, "0301": 1.5, "1305": 1.5, "1007": 1.5,
	"5103": 2, "5102": 1.5, "5302": 3, "5206": 2.5, "5201": 1.5, "5701": 2, "4403": 1.5, "4601": 1.5, "5307": 1.5,
}

// school is a university with the profile, size and degree mix of its
// graduating class.
type school struct {
	uni      catalog.University
	urumqi   bool
	size     float64 // relative number of graduates registering in Urumqi
	prof     profile
	master   float64 // share of the class graduating with a master's
	doctor   float64
	district string // where the main campus is, for students' residence
}

func schoolFor(u catalog.University) school {
	s := school{uni: u, urumqi: strings.Contains(u.City, "乌鲁木齐")}
	n := u.Name
	bachelor := u.Level == "本科"
	switch {
	case n == "新疆大学":
		s.prof, s.size, s.master, s.doctor, s.district = pComprehensive, 9, 0.18, 0.015, "天山区"
	case n == "石河子大学":
		s.prof, s.size, s.master, s.doctor = pSHZ, 8, 0.15, 0.015
	case strings.Contains(n, "医"):
		s.prof, s.size, s.district = pMedical, 5, "新市区"
		if !bachelor {
			s.prof = pVocMedical
		}
		if n == "新疆医科大学" {
			s.master, s.doctor = 0.15, 0.02
		}
	case strings.Contains(n, "农业大学"), n == "塔里木大学":
		s.prof, s.size, s.district = pAgri, 5, "沙依巴克区"
		if n == "新疆农业大学" {
			s.master, s.doctor = 0.12, 0.01
		}
		if n == "塔里木大学" {
			s.master = 0.08
		}
	case strings.Contains(n, "财经"):
		s.prof, s.size, s.district = pFinance, 5, "新市区"
		if n == "新疆财经大学" {
			s.master, s.doctor = 0.10, 0.003
		}
	case strings.Contains(n, "艺术"):
		s.prof, s.size, s.master, s.district = pArts, 1.5, 0.06, "天山区"
	case strings.Contains(n, "警") && bachelor:
		s.prof, s.size, s.district = pPolice, 1, "水磨沟区"
	case strings.Contains(n, "警"):
		s.prof, s.size = pVocPolice, 1
	case strings.Contains(n, "师范") && bachelor:
		s.prof, s.size, s.district = pNormal, 5, "沙依巴克区"
		if n == "新疆师范大学" {
			s.master, s.doctor = 0.12, 0.005
		} else {
			s.master = 0.04
		}
	case strings.Contains(n, "师范"):
		s.prof, s.size = pVocNormal, 2
	case n == "新疆工程学院":
		s.prof, s.size, s.district = pEngineering, 3, "米东区"
	case bachelor:
		s.prof, s.size = pComprehensive, 2.5
		if n == "喀什大学" {
			s.master = 0.04
		}
		if strings.Contains(n, "农业") {
			s.prof = pAgri
		}
	default:
		s.prof, s.size = vocationalProfile(n)
	}
	if !s.urumqi {
		// Graduates of schools elsewhere who come to Urumqi to look for work.
		s.size *= 0.25
	}
	if u.Note == "民办" {
		s.master, s.doctor = 0, 0
	}
	return s
}

// majorChoice is the weighted list of majors a school's graduates take.
type majorChoice struct {
	majors []*catalog.Major
	w      []float64
}

func (mc majorChoice) get(r *rand.Rand) *catalog.Major { return mc.majors[weighted(r, mc.w)] }

func majorLevel(d matcher.Degree) string {
	if d == matcher.DegreeAssociate {
		return catalog.LevelAssociate
	}
	return catalog.LevelBachelor
}

// choices builds the school's majors at a catalogue level: the profile's
// field weights spread over the catalogue's majors in each field. Only
// majors with curated skills are drawn (the generator describes graduates
// by them); the rest of the full catalogue is for reading real data.
func (s school) choices(level string) majorChoice {
	var all []catalog.Major
	for _, m := range catalog.Majors() {
		if len(m.Skills) > 0 {
			all = append(all, m)
		}
	}
	key := func(m *catalog.Major) (string, float64) {
		if w, ok := s.prof[m.ClassCode]; ok {
			return m.ClassCode, w
		}
		for _, p := range policeOnly {
			if m.ClassCode == p || m.CategoryCode == p {
				return "", 0
			}
		}
		return m.CategoryCode, s.prof[m.CategoryCode]
	}
	// Field sizes weighted by popularity, to spread each field's weight.
	fieldPop := map[string]float64{}
	for i := range all {
		m := &all[i]
		if m.Level != level {
			continue
		}
		if k, w := key(m); w > 0 {
			fieldPop[k] += pop(m)
		}
	}
	var mc majorChoice
	for i := range all {
		m := &all[i]
		if m.Level != level {
			continue
		}
		if k, w := key(m); w > 0 {
			mc.majors = append(mc.majors, m)
			mc.w = append(mc.w, w*pop(m)/fieldPop[k])
		}
	}
	if len(mc.majors) == 0 {
		// The profile names no field the catalogue has at this level: any
		// major of the level, then any major at all.
		for i := range all {
			if all[i].Level == level {
				mc.majors = append(mc.majors, &all[i])
				mc.w = append(mc.w, pop(&all[i]))
			}
		}
	}
	if len(mc.majors) == 0 {
		for i := range all {
			mc.majors = append(mc.majors, &all[i])
			mc.w = append(mc.w, 1)
		}
	}
	return mc
}

// flagship majors are the large programmes most schools that teach the
// field run; the catalogue's special (特设, code ending in T) majors are small.
var flagship = f("临床医学|护理学|护理|会计学|财务管理|计算机科学与技术|软件工程|汉语言文学|英语|小学教育|学前教育|土木工程|" +
	"机械设计制造及其自动化|电气工程及其自动化|法学|市场营销|工商管理|大数据与会计|计算机应用技术|建筑工程技术|药学|数学与应用数学|" +
	"农学|动物医学|思想政治教育|体育教育|美术学|音乐学|电子商务|物流管理|国际经济与贸易|金融学|人力资源管理|行政管理|口腔医学|" +
	"医学影像学|预防医学|中医学|汽车检测与维修技术|机电一体化技术|电气自动化技术|工程造价|旅游管理|酒店管理与数字化运营|现代物流管理|" +
	"软件技术|计算机网络技术|电子信息工程|通信工程|化学工程与工艺|环境工程|园艺|动物科学|社会工作|新闻学|历史学|地理科学|化学|物理学|" +
	"生物科学|统计学|经济学|视觉传达设计|环境设计|广告学|俄语|网络与新媒体")

func pop(m *catalog.Major) float64 {
	p := 1.0
	if c, ok := popularity[m.ClassCode]; ok {
		p = c
	}
	for _, n := range flagship {
		if n == m.Name {
			return p * 4
		}
	}
	if strings.HasSuffix(strings.TrimSuffix(m.Code, "K"), "T") {
		p *= 0.4
	}
	return p
}

// schoolSet is every school with its major choices, built once.
type schoolSet struct {
	schools []school
	w       []float64
	choice  map[string]majorChoice // school name + level → majors
}

var (
	schoolsOnce sync.Once
	allSchools  *schoolSet
)

func schools() *schoolSet {
	schoolsOnce.Do(func() {
		ss := &schoolSet{choice: map[string]majorChoice{}}
		for _, u := range catalog.Universities() {
			s := schoolFor(u)
			ss.schools = append(ss.schools, s)
			ss.w = append(ss.w, s.size)
			for _, lvl := range []string{catalog.LevelBachelor, catalog.LevelAssociate} {
				ss.choice[u.Name+"/"+lvl] = s.choices(lvl)
			}
		}
		allSchools = ss
	})
	return allSchools
}

// vocationalProfile is a vocational college's mix of majors and its size
// (relative weight), from its name.
func vocationalProfile(n string) (profile, float64) {
	switch {
	case strings.Contains(n, "农业"):
		return pVocAgri, 2
	case strings.Contains(n, "机电"):
		return pVocMech, 2.5
	case strings.Contains(n, "轻工"):
		return pVocLight, 2.5
	case strings.Contains(n, "能源"):
		return pVocEnergy, 2
	case strings.Contains(n, "克拉玛依"):
		return pVocOil, 1.5
	case strings.Contains(n, "建设"):
		return pVocConstruction, 2.5
	case strings.Contains(n, "交通"), strings.Contains(n, "铁道"):
		return pVocTransport, 2.5
	case strings.Contains(n, "体育"):
		return pVocSports, 1
	case strings.Contains(n, "工业"):
		return pVocIndustry, 2.5
	default:
		return pVocGeneral, 2
	}
}
