package synth

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

// Field courses: a bureau's training catalogue lists, besides the trades
// (低压电工, 育婴员 …) the hand-written kinds of skillCourses describe, a
// 岗位能力提升培训 for each field its colleges teach, so that a graduate
// of any field can be offered courses of it (措施23 推介至少3个培训课程或项目).
// The hand-written kinds cover the fields the city's trades are of; the
// rest of the 专业类 the generated graduates come from (哲学, 地质, 藏医学 …)
// had one fitting course or none. A field course is built from the national
// catalogue alone — the 专业类's majors, the skills and certificates its
// majors' graduates are trained for, the occupation most of them lead to —
// never from what the matcher scores.

// fieldKind is one 专业类's course (classes of one name at two levels,
// 本科 计算机类 and 高职 计算机类, are one field).
type fieldKind struct {
	field      string   // the 专业类 without 类: 临床医学, 地质学
	majors     []string // the class's majors the generator draws
	skills     []string // what its majors' graduates are trained for, most shared first
	certs      []string
	occupation string // the occupation most of its majors lead to
	weight     float64
}

var (
	fieldKindsOnce sync.Once
	fieldKindsAll  []fieldKind
)

// fieldKinds are the fields of every major the generator draws (those
// with curated skills), largest first (by the majors' popularity), so a
// small catalogue has the courses of the large fields.
func fieldKinds() []fieldKind {
	fieldKindsOnce.Do(func() {
		byName := map[string]*fieldAcc{}
		var order []string
		ms := catalog.Majors()
		for i := range ms {
			m := &ms[i]
			if len(m.Skills) == 0 || m.ClassName == "" {
				continue
			}
			a := byName[m.ClassName]
			if a == nil {
				a = &fieldAcc{skill: map[string]int{}, occ: map[string]int{}, occCode: map[string]string{}}
				byName[m.ClassName] = a
				order = append(order, m.ClassName)
			}
			a.add(m)
		}
		for _, name := range order {
			// A field whose graduates train for practising licences only
			// (口腔医学) has no course here: nothing short teaches them.
			if k := byName[name].kind(name); len(k.skills)+len(k.certs) > 0 {
				fieldKindsAll = append(fieldKindsAll, k)
			}
		}
		slices.SortStableFunc(fieldKindsAll, func(a, b fieldKind) int { return cmp.Compare(b.weight, a.weight) })
	})
	return fieldKindsAll
}

// fieldAcc gathers one field's majors, skills and occupations.
type fieldAcc struct {
	majors     []string
	skillOrder []string
	skill, occ map[string]int
	occOrder   []string
	weight     float64
	occCode    map[string]string // occupation name → CSCO code
}

func (a *fieldAcc) add(m *catalog.Major) {
	if !slices.Contains(a.majors, m.Name) {
		a.majors = append(a.majors, m.Name)
	}
	a.weight += pop(m)
	for _, s := range m.Skills {
		if a.skill[s] == 0 {
			a.skillOrder = append(a.skillOrder, s)
		}
		a.skill[s]++
	}
	for _, l := range catalog.MajorOccupationsOf(m) {
		if l.Kind != catalog.LinkCore && l.Licence == "" {
			continue
		}
		if a.occ[l.Name] == 0 {
			a.occOrder = append(a.occOrder, l.Name)
		}
		a.occ[l.Name]++
		a.occCode[l.Name] = l.Occupation
	}
}

// generalCertificates are the certificates graduates of every field sit.
var generalCertificates = []string{"英语四级", "英语六级", "计算机二级", "全国计算机等级考试二级"}

// fieldSkillsMax is how many skills and certificates a field course
// names: a course of 10–30 days teaches a few things.
const fieldSkillsMax = 6

func (a *fieldAcc) kind(className string) fieldKind {
	k := fieldKind{field: strings.TrimSuffix(className, "类"), majors: a.majors, weight: a.weight}
	occ := slices.Clone(a.occOrder)
	slices.SortStableFunc(occ, func(x, y string) int { return cmp.Compare(a.occ[y], a.occ[x]) })
	if len(occ) > 0 {
		k.occupation = occ[0]
	}
	skills := slices.Clone(a.skillOrder)
	slices.SortStableFunc(skills, func(x, y string) int { return cmp.Compare(a.skill[y], a.skill[x]) })
	k.addSkills(skills)
	if len(k.skills)+len(k.certs) == 0 && k.occupation != "" {
		// The majors' own list is practising licences only (口腔医学):
		// what the lexicon says the occupation asks for.
		var lx []string
		for _, s := range skillLexicon().byOcc[a.occCode[k.occupation]] {
			lx = append(lx, s.Name)
		}
		k.addSkills(lx)
	}
	return k
}

// addSkills takes up to fieldSkillsMax of skills, as skills and
// certificates a course can lead to.
func (k *fieldKind) addSkills(skills []string) {
	for _, s := range skills[:min(len(skills), fieldSkillsMax)] {
		switch {
		case seniorCertificate(s) || s == "规培":
			// A practising licence takes years of work (or a hospital's
			// 规培), not a course.
		case slices.Contains(commonSkills.items, s) || slices.Contains(generalCertificates, s):
			// Office software, English, writing …: what graduates of every
			// field learn, which the trades' courses (计算机办公应用,
			// 普通话与职场沟通) teach; a field's course teaches the field.
		case certificate(s):
			k.certs = append(k.certs, s)
		default:
			k.skills = append(k.skills, s)
		}
	}
}

// fieldCourseCount is how many field courses a catalogue of n rows
// besides entrepreneurship training holds: one per field, at most a
// quarter of the rows.
func fieldCourseCount(n int) int {
	return min(len(fieldKinds()), n/4)
}

// fieldCourse fills row c as a session of the j-th field's course.
func fieldCourse(r *rand.Rand, c *courseRow, o Options, j int) {
	k := fieldKinds()[j]
	d := peopleDistricts.get(r)
	c.category = matcher.CourseSkills
	c.provider = courseProvider(r, d)
	c.district = d.name
	c.days = between(r, 10, 30)
	c.places = between(r, 4, 10) * 5
	c.start = o.Now.Add(days(between(r, -20, 100)))
	c.majors = strings.Join(k.majors, ";")
	name := k.field + "岗位能力提升"
	switch r.IntN(3) {
	case 0:
		c.title = fmt.Sprintf("%d年%s%s培训班（第%d期）", o.Now.Year(), d.name, name, between(r, 1, 4))
	case 1:
		c.title = "高校毕业生" + name + "专项培训班"
	default:
		c.title = name + "培训"
	}
	ck := courseKind{title: name, skills: k.skills, certs: k.certs}
	if len(ck.skills) == 0 {
		// A field whose graduates train for certificates only (餐饮):
		// the course is the practice the certificates examine.
		ck.skills = []string{k.field + "岗位实务"}
	}
	// The text says whom the course is for by the field's name only: the
	// majors are in their column, and an occupation's or a major's name in
	// the text reads as something the course teaches (医疗护理员 as 医疗护理员证).
	c.description = fmt.Sprintf("面向%s类专业高校毕业生，提升岗位实操能力。", k.field) + courseDescription(r, ck, c)
}
