package benchmarks

import (
	"strings"
	"sync"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

// An independent reading of the eligibility rules (issue 3), written from
// their specification and sharing no code with package matcher's rules:
// the zero-violations property holds the engine to it.

var urumqiDistricts = map[string]bool{"天山区": true, "沙依巴克区": true, "新市区": true, "水磨沟区": true, "头屯河区": true, "达坂城区": true, "米东区": true, "乌鲁木齐县": true}

func ageOn(birth, now time.Time) int {
	if birth.IsZero() {
		return -1
	}
	a := now.Year() - birth.Year()
	if now.YearDay() < birth.YearDay() {
		a--
	}
	return a
}

// checkEligible returns "" when g may take p at now, else the violated rule.
func checkEligible(g *matcher.Graduate, p *matcher.Post, pol catalog.Policy, now time.Time) string {
	switch {
	case p.Status != "" && p.Status != matcher.PostOpen, p.DuplicateOf != "":
		return "closed"
	case !p.Deadline.IsZero() && now.After(time.Date(p.Deadline.Year(), p.Deadline.Month(), p.Deadline.Day(), 23, 59, 59, 0, p.Deadline.Location())):
		return "deadline"
	case p.Headcount <= p.Filled:
		return "places"
	case p.PublicWelfare && len(g.Hardship) == 0:
		return "public_welfare"
	}
	switch h := p.HukouRequired; h {
	case "", "不限":
	case "乌鲁木齐市", "乌鲁木齐":
		if !urumqiDistricts[g.HukouDistrict] && g.HukouDistrict != "乌鲁木齐市" && g.HukouDistrict != "乌鲁木齐" {
			return "hukou"
		}
	default:
		if g.HukouDistrict != h {
			return "hukou"
		}
	}
	if g.Degree < p.DegreeMin {
		return "degree_min"
	}
	if !majorAccepted(g, p) {
		return "majors"
	}
	age := ageOn(g.BirthDate, now)
	working := g.Status == matcher.StatusPlaced || g.Status == matcher.StatusEmployed
	if p.Kind == matcher.KindInternship {
		yr := now.Year()
		in := pol.Internship
		fresh := g.GraduationYear == yr
		recent := g.GraduationYear > 0 && yr-g.GraduationYear >= 1 && yr-g.GraduationYear <= in.YearsAfterLeaving
		youth := age >= in.YouthAgeMin && age <= in.YouthAgeMax
		if working || !(fresh || recent || youth) {
			return "internship_window"
		}
	}
	if p.Channel == matcher.ChannelMilitary {
		// The national rule: men by degree; women from this year's
		// graduates (last year's 本专科 graduates until the month the
		// policy names); an unrecorded gender must pass both.
		m := pol.Military
		male := m.AgeMaxSecondary
		switch g.Degree {
		case matcher.DegreeAssociate:
			male = m.AgeMaxAssociate
		case matcher.DegreeBachelor:
			male = m.AgeMaxGraduate
		case matcher.DegreeMaster, matcher.DegreeDoctor:
			male = m.AgeMaxPostgrad
		}
		female, out := 0, now.Year()-g.GraduationYear
		switch {
		case g.GraduationYear == 0 || out < 0:
		case out == 0 && g.Degree >= matcher.DegreeMaster:
			female = m.Female.AgeMaxPostgrad
		case out == 0:
			female = m.Female.AgeMax
		case out == 1 && (g.Degree == matcher.DegreeAssociate || g.Degree == matcher.DegreeBachelor) && int(now.Month()) <= m.Female.PreviousYearUntilMonth:
			female = m.Female.PreviousYearAgeMax
		}
		limit := min(male, female)
		if g.Gender == "男" {
			limit = male
		} else if g.Gender == "女" {
			limit = female
		}
		if age < 0 || age < m.AgeMin || age > limit {
			return "military_age"
		}
	}
	if p.AgeMax > 0 && age > p.AgeMax {
		return "age_max"
	}
	if p.AgeMin > 0 && age >= 0 && age < p.AgeMin {
		return "age_min"
	}
	return ""
}

var (
	classIdxOnce sync.Once
	classIdx     map[string]string // 专业类 name → code
	majorIdx     map[string]catalog.Major
)

func loadClassIdx() {
	classIdxOnce.Do(func() {
		classIdx, majorIdx = map[string]string{}, map[string]catalog.Major{}
		for _, m := range catalog.Majors() {
			classIdx[m.ClassName] = m.ClassCode
			majorIdx[m.Code] = m
		}
	})
}

// majorAccepted: a post that names majors accepts the same major, the same
// 专业类; and when it says 相关专业, the same 门类 or a major of similar name.
func majorAccepted(g *matcher.Graduate, p *matcher.Post) bool {
	loadClassIdx()
	type want struct{ code, class, name, written string }
	var ws []want
	related := strings.Contains(p.Description, "相关专业")
	for _, c := range p.MajorCodes {
		w := want{code: c}
		if m, ok := majorIdx[c]; ok {
			w.name = m.Name
		}
		ws = append(ws, w)
	}
	for _, n := range p.Majors {
		n = strings.TrimSpace(n)
		switch n {
		case "":
			continue
		case "不限", "专业不限", "不限专业":
			return true
		}
		if strings.Contains(n, "相关") {
			related = true
		}
		base := n
		for _, suf := range []string{"等相关专业", "及相关专业", "或相关专业", "相关专业", "等专业", "及相关", "等相关", "专业"} {
			if strings.HasSuffix(base, suf) && len(base) > len(suf) {
				base = strings.TrimSuffix(base, suf)
				break
			}
		}
		if base == "相关" {
			continue
		}
		if c, ok := classIdx[base]; ok {
			ws = append(ws, want{class: c})
		} else if c, ok := classIdx[base+"类"]; ok && strings.Contains(n, "相关") {
			ws = append(ws, want{class: c})
		} else if m, ok := catalog.MajorByName(base); ok {
			ws = append(ws, want{code: m.Code, name: m.Name, written: base})
		} else {
			ws = append(ws, want{name: base, written: base})
		}
	}
	if len(ws) == 0 {
		return true
	}
	gcode, gname := g.MajorCode, g.Major
	if gcode == "" {
		if m, ok := catalog.MajorByName(gname); ok {
			gcode = m.Code
		}
	}
	if gname == "" {
		gname = majorIdx[gcode].Name
	}
	head := func(s string, n int) string {
		if len(s) < n {
			return ""
		}
		return s[:n]
	}
	// A graduate discipline (研究生) has no 专业类 of its own; the national
	// catalogue's continuation (0452 体育 → 0402 体育学类, kept as the
	// catalogue's ClassCode) is the class a post's 专业类 asks for.
	gborrowed := ""
	if m, ok := majorIdx[gcode]; ok && m.Level == catalog.LevelGraduate {
		gborrowed = m.ClassCode
	}
	for _, w := range ws {
		wclass := w.class
		if wclass == "" {
			wclass = head(w.code, 4)
		}
		switch {
		case gcode != "" && w.code == gcode, gname != "" && w.name == gname:
			return true
		case gcode != "" && wclass != "" && (head(gcode, 4) == wclass || gborrowed == wclass):
			return true
		case related && gcode != "" && head(wclass, 2) != "" && (head(gcode, 2) == head(wclass, 2) || head(gborrowed, 2) == head(wclass, 2)):
			return true
		case related && (alike(gname, w.name) || alike(gname, w.written)):
			return true
		}
	}
	return false
}

func alike(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	if strings.Contains(a, b) || strings.Contains(b, a) {
		return true
	}
	pairs := func(s string) []string {
		r := []rune(s)
		var out []string
		for i := 0; i+1 < len(r); i++ {
			out = append(out, string(r[i:i+2]))
		}
		return out
	}
	x, y := pairs(a), pairs(b)
	if len(x)+len(y) == 0 {
		return false
	}
	common := 0
	for _, u := range x {
		for _, v := range y {
			if u == v {
				common++
				break
			}
		}
	}
	return 2*common*2 >= len(x)+len(y)
}
