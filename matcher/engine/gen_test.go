package engine

import (
	"fmt"
	"math/rand"
	"strings"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

// Random but plausible posts and graduates for tests and benchmarks, built
// from a seed. The real generator lives in ingest; this one only needs to
// exercise every rule and feature, so it mixes restrictions on purpose.

var testNow = time.Date(2023, 7, 15, 10, 0, 0, 0, time.UTC)

type testMajor struct {
	code, name string
	occs       []string // occupation codes it leads to
	skills     []string
}

var testMajors = []testMajor{
	{"120203K", "会计学", []string{"2-06-03-00"}, []string{"初级会计职称", "财务分析", "Excel"}},
	{"120204", "财务管理", []string{"2-06-03-00"}, []string{"财务分析", "Excel", "税务"}},
	{"120201K", "工商管理", []string{"2-06-07-00"}, []string{"市场营销", "Excel"}},
	{"080901", "计算机科学与技术", []string{"2-02-10-00"}, []string{"Java", "Python", "数据库"}},
	{"080902", "软件工程", []string{"2-02-10-00"}, []string{"Java", "Go", "数据库"}},
	{"080903", "网络工程", []string{"2-02-10-00"}, []string{"网络运维", "Linux"}},
	{"040107", "小学教育", []string{"2-08-00-00"}, []string{"教师资格证", "普通话二级甲等"}},
	{"100201K", "临床医学", []string{"2-05-01-00"}, []string{"执业医师资格证"}},
	{"101101", "护理学", []string{"2-05-08-00"}, []string{"护士执业资格证"}},
	{"030101K", "法学", []string{"2-07-01-00"}, []string{"法律职业资格证"}},
	{"530302", "大数据与会计", []string{"2-06-03-00", "4-01-02-00"}, []string{"初级会计职称", "Excel"}},
	{"510201", "计算机应用技术", []string{"4-04-05-00"}, []string{"Python", "网络运维"}},
}

var testSkills = []string{"Excel", "财务分析", "初级会计职称", "Java", "Python", "Go", "数据库", "Linux", "网络运维", "市场营销",
	"驾驶证C1", "普通话二级甲等", "教师资格证", "税务", "CAD", "PS", "短视频剪辑", "英语四级", "护士执业资格证", "法律职业资格证"}

var testEmployerWords = []string{"天山", "昆仑", "丝路", "博格达", "雪莲", "红山", "亚欧", "西域", "金桥", "新丝路", "胡杨", "天池"}
var testEmployerKinds = []string{"科技有限公司", "商贸有限公司", "会计师事务所", "教育咨询有限公司", "医院", "物流有限公司", "建设集团", "街道办事处", "社区服务中心"}
var testTitleWords = []string{"会计", "出纳", "Java开发工程师", "运维工程师", "小学语文教师", "护士", "法务专员", "销售代表", "行政专员", "社区工作者", "数据分析师", "主播", "外卖骑手", "士兵"}
var testDescWords = []string{"负责日常账务处理", "编制财务报表", "熟悉办公软件", "有团队合作精神", "负责系统开发与维护", "参与需求分析",
	"负责教学工作", "做好病人护理", "负责合同审核", "开拓市场客户", "服务社区居民", "工作地点在乌鲁木齐", "五险一金", "周末双休", "提供住宿"}

var testOccupations = func() []string {
	var out []string
	for _, o := range catalog.Occupations() {
		if o.Level == 4 && (strings.HasPrefix(o.Code, "2-") || strings.HasPrefix(o.Code, "4-")) {
			out = append(out, o.Code)
		}
	}
	return out
}()

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.Intn(len(xs))] }

func someOf[T any](r *rand.Rand, xs []T, max int) []T {
	n := r.Intn(max + 1)
	var out []T
	for _, i := range r.Perm(len(xs))[:min(n, len(xs))] {
		out = append(out, xs[i])
	}
	return out
}

func district(r *rand.Rand) string {
	switch r.Intn(20) {
	case 0:
		return ""
	case 1:
		return "昌吉市"
	}
	return catalog.UrumqiDistricts[r.Intn(8)].Name
}

// genPosts builds n posts; employers are shared among about n/4 names.
func genPosts(seed int64, n int) []matcher.Post {
	r := rand.New(rand.NewSource(seed))
	nEmp := max(1, n/4)
	posts := make([]matcher.Post, n)
	for i := range posts {
		m := pick(r, testMajors)
		p := matcher.Post{
			ID:         fmt.Sprintf("t:%06d", i),
			Source:     "t",
			ExternalID: fmt.Sprintf("%06d", i),
			Kind:       matcher.KindJob,
			Channel:    matcher.ChannelSME,
			Employer:   fmt.Sprintf("乌鲁木齐%s%s%d", pick(r, testEmployerWords), pick(r, testEmployerKinds), r.Intn(nEmp)),
			District:   district(r),
			DegreeMin:  matcher.Degree(r.Intn(5)),
			Headcount:  1 + r.Intn(20),
			Status:     matcher.PostOpen,
			PostedAt:   testNow.AddDate(0, 0, -r.Intn(90)),
		}
		switch x := r.Intn(100); {
		case x < 4:
			p.Channel = matcher.ChannelPublicSector
		case x < 8:
			p.Channel = matcher.ChannelStateOwned
		case x < 15:
			p.Channel = matcher.ChannelGrassroots
		case x < 17:
			p.Channel = matcher.ChannelMilitary
		case x < 21:
			p.Channel = matcher.ChannelSelfEmployed
		}
		if r.Intn(15) == 0 {
			p.Kind = matcher.KindInternship
		}
		if r.Intn(3) > 0 {
			p.Occupation = pick(r, m.occs)
			if strings.HasSuffix(p.Occupation, "-00") {
				// a major's list names a 小类; posts sit at level 4 under it when one exists
				for _, o := range testOccupations {
					if strings.HasPrefix(o, strings.TrimSuffix(p.Occupation, "-00")) {
						p.Occupation = o
						break
					}
				}
			}
		} else {
			p.Occupation = pick(r, testOccupations)
		}
		p.Title = pick(r, testTitleWords)
		p.Description = strings.Join(someOf(r, testDescWords, 5), "，")
		if r.Intn(3) == 0 {
			p.Majors = []string{m.name}
			p.MajorCodes = []string{m.code}
			if r.Intn(2) == 0 {
				m2 := pick(r, testMajors)
				p.Majors = append(p.Majors, m2.name)
				p.MajorCodes = append(p.MajorCodes, m2.code)
			}
			if r.Intn(3) == 0 {
				p.Majors = append(p.Majors, "相关专业")
			}
		}
		p.Skills = someOf(r, m.skills, 2)
		if r.Intn(3) == 0 {
			p.Certificates = []string{pick(r, testSkills)}
		}
		switch r.Intn(6) {
		case 0:
			p.Salary = matcher.Salary{Raw: "面议", Negotiable: true}
		case 1:
			p.Salary = matcher.Salary{Min: float64(150 + r.Intn(100)), Max: 300, Period: matcher.PerDay}
		default:
			lo := float64(2500 + 500*r.Intn(10))
			p.Salary = matcher.Salary{Min: lo, Max: lo + float64(500*r.Intn(6)), Period: matcher.PerMonth}
		}
		if r.Intn(10) == 0 {
			p.AgeMax = 28 + r.Intn(10)
		}
		if r.Intn(20) == 0 {
			p.AgeMin = 20 + r.Intn(4)
		}
		if r.Intn(12) == 0 {
			if r.Intn(2) == 0 {
				p.HukouRequired = "乌鲁木齐市"
			} else {
				p.HukouRequired = catalog.UrumqiDistricts[r.Intn(8)].Name
			}
		}
		if p.Channel == matcher.ChannelGrassroots && r.Intn(5) == 0 {
			p.PublicWelfare = true
		}
		if r.Intn(4) > 0 {
			p.Deadline = testNow.AddDate(0, 0, r.Intn(60)-10)
		}
		switch r.Intn(40) {
		case 0:
			p.Status = matcher.PostFilled
		case 1:
			p.Filled = p.Headcount
		case 2:
			p.Status = ""
		}
		posts[i] = p
	}
	return posts
}

func genGraduates(seed int64, n int) []matcher.Graduate {
	r := rand.New(rand.NewSource(seed))
	gs := make([]matcher.Graduate, n)
	for i := range gs {
		m := pick(r, testMajors)
		g := matcher.Graduate{
			ID:                fmt.Sprintf("g%05d", i),
			Major:             m.name,
			Degree:            matcher.Degree(1 + r.Intn(5)),
			GraduationYear:    2019 + r.Intn(6),
			HukouDistrict:     district(r),
			ResidenceDistrict: district(r),
			Skills:            someOf(r, append(m.skills, testSkills[:6]...), 4),
			Certificates:      someOf(r, []string{"初级会计职称", "教师资格证", "驾驶证C1", "英语四级"}, 1),
			ExpectedSalary:    float64(3000 + 500*r.Intn(8)),
			Status:            pick(r, []matcher.GraduateStatus{matcher.StatusSeeking, matcher.StatusSeeking, matcher.StatusSeeking, matcher.StatusPlaced, matcher.StatusEmployed, matcher.StatusStudying, ""}),
		}
		if r.Intn(2) == 0 {
			g.MajorCode = m.code
		}
		if r.Intn(20) > 0 {
			g.BirthDate = time.Date(1993+r.Intn(12), time.Month(1+r.Intn(12)), 1+r.Intn(28), 0, 0, 0, 0, time.UTC)
		}
		g.PreferredChannels = someOf(r, matcher.Channels, 2)
		g.PreferredDistricts = someOf(r, []string{"天山区", "新市区", "米东区", "水磨沟区"}, 2)
		if r.Intn(8) == 0 {
			g.Hardship = []matcher.Hardship{pick(r, matcher.Hardships)}
		}
		gs[i] = g
	}
	return gs
}

func genCourses(seed int64, n int) []matcher.Course {
	r := rand.New(rand.NewSource(seed))
	cs := make([]matcher.Course, n)
	for i := range cs {
		c := matcher.Course{
			ID:           fmt.Sprintf("c:%04d", i),
			Source:       "c",
			ExternalID:   fmt.Sprintf("%04d", i),
			Provider:     fmt.Sprintf("乌鲁木齐%s职业培训学校", pick(r, testEmployerWords)),
			Category:     matcher.CourseSkills,
			District:     district(r),
			StartDate:    testNow.AddDate(0, 0, r.Intn(60)-20),
			DurationDays: 10 + r.Intn(30),
			Places:       r.Intn(60),
		}
		c.Skills = someOf(r, testSkills, 2)
		if r.Intn(6) == 0 {
			c.Category = matcher.CourseEntrepreneurship
			c.Title = "创业培训（SYB）"
		} else {
			c.Title = strings.Join(c.Skills, "与") + "培训班"
		}
		cs[i] = c
	}
	return cs
}

func testOptions() Options {
	pol, err := catalog.LoadPolicy()
	if err != nil {
		panic(err)
	}
	return Options{Policy: pol, Now: testNow}
}

func basePost() matcher.Post {
	return matcher.Post{ID: "p:1", Kind: matcher.KindJob, Channel: matcher.ChannelSME, Title: "会计", Employer: "甲公司", District: "天山区",
		Headcount: 3, Status: matcher.PostOpen, PostedAt: testNow.AddDate(0, 0, -3)}
}

func baseGraduate() matcher.Graduate {
	return matcher.Graduate{ID: "g1", Major: "会计学", MajorCode: "120203K", Degree: matcher.DegreeBachelor, GraduationYear: 2023,
		HukouDistrict: "天山区", ResidenceDistrict: "新市区", BirthDate: time.Date(2001, 3, 1, 0, 0, 0, 0, time.UTC), Status: matcher.StatusSeeking}
}
