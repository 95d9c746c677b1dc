package synth

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

// gradRow is one line of graduates.csv.
type gradRow struct {
	id, name, nationalID, phone, gender string
	birth                               time.Time
	school, major                       string
	degree                              matcher.Degree
	year                                int
	hukou, residence                    string
	skills, certs                       []string
	channels                            []matcher.Channel
	districts                           []string
	salary                              int
	hardship                            []string
	status                              matcher.GraduateStatus
	registered, contacted, placed       time.Time
}

func (g *gradRow) record() []string {
	ch := make([]string, len(g.channels))
	for i, c := range g.channels {
		ch[i] = string(c)
	}
	return []string{g.id, g.name, g.nationalID, g.phone, g.gender, date(g.birth), g.school, g.major, degreeChinese(g.degree),
		strconv.Itoa(g.year), g.hukou, g.residence, strings.Join(g.skills, ";"), strings.Join(g.certs, ";"),
		strings.Join(ch, ";"), strings.Join(g.districts, ";"), itoa0(g.salary), strings.Join(g.hardship, ";"), string(g.status),
		date(g.registered), date(g.contacted), date(g.placed)}
}

// Hardship categories as the ledger writes them, with their share among
// graduates in hardship. 长期未就业 is added separately: only graduates of
// earlier years who are still seeking can be long-term unemployed.
var hardshipMix = wpick[string]{[]string{"脱贫家庭", "低保家庭", "零就业家庭", "残疾"}, []float64{0.42, 0.32, 0.14, 0.12}}

const (
	hardshipShare     = 0.098
	longUnemployedCat = "长期未就业"
)

// curve is a piecewise-linear cumulative distribution over dates: the share
// of a cohort that has done something (registered, found a place) by then.
type curve struct {
	at []time.Time
	p  []float64
}

// inverse returns the date by which a share u had done it, or false when u
// lies above the curve's last point (never, within the horizon).
func (c curve) inverse(u float64) (time.Time, bool) {
	if u >= c.p[len(c.p)-1] {
		return time.Time{}, false
	}
	for i := 1; i < len(c.p); i++ {
		if u < c.p[i] {
			f := (u - c.p[i-1]) / (c.p[i] - c.p[i-1])
			span := c.at[i].Sub(c.at[i-1])
			d := time.Duration(f * float64(span))
			t := c.at[i-1].Add(d)
			return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC), true
		}
	}
	return time.Time{}, false
}

// cohortCurves follow the policy's milestones: registration 90% by the end
// of July and (nearly) everyone by the end of August; placement 60%, 70%,
// 80% at the ends of July, August and September.
func cohortCurves(pol catalog.Policy, year int) (reg, placed curve) {
	d := func(m time.Month, day int) time.Time { return time.Date(year, m, day, 0, 0, 0, 0, time.UTC) }
	reg = curve{[]time.Time{d(3, 1), d(4, 30), d(6, 15)}, []float64{0, 0.35, 0.70}}
	placed = curve{[]time.Time{d(3, 1), d(4, 30), d(6, 15)}, []float64{0, 0.10, 0.30}}
	for _, m := range pol.Milestones {
		t, err := time.Parse("2006-01-02", fmt.Sprintf("%d-%s", year, m.Date))
		if err != nil {
			continue
		}
		if m.Registered > 0 {
			reg.at = append(reg.at, t)
			reg.p = append(reg.p, math.Min(m.Registered+0.01, 0.98))
		}
		if m.Placed > 0 {
			placed.at = append(placed.at, t)
			placed.p = append(placed.p, m.Placed+0.01)
		}
	}
	placed.at = append(placed.at, d(12, 31), time.Date(year+1, 6, 30, 0, 0, 0, 0, time.UTC))
	placed.p = append(placed.p, placed.p[len(placed.p)-1]+0.07, placed.p[len(placed.p)-1]+0.11)
	return reg, placed
}

// lexicon indexes the skills lexicon by occupation, to give graduates the
// skills that their major's occupations ask for.
type lexicon struct {
	byOcc map[string][]catalog.Skill // CSCO code and its 小类 → entries
}

var (
	lexOnce sync.Once
	lex     lexicon
)

func skillLexicon() lexicon {
	lexOnce.Do(func() {
		lex.byOcc = map[string][]catalog.Skill{}
		for _, s := range catalog.Skills() {
			for _, c := range s.Occupations {
				lex.byOcc[c] = append(lex.byOcc[c], s)
				if p := catalog.ParentOccupation(c); p != "" && p != c {
					lex.byOcc[p] = append(lex.byOcc[p], s)
				}
			}
		}
	})
	return lex
}

// certificate reports whether a skill name is a certificate, by the
// lexicon when it knows the name.
func certificate(name string) bool {
	if s, ok := catalog.SkillByName(name); ok {
		return s.Kind == catalog.KindCertificate
	}
	return isCertificate(name)
}

// majorSkills are the skills and certificates typical of a major: its own
// list, then the lexicon's entries for the occupations it leads to.
func majorSkills(m *catalog.Major) (skills, certs []string) {
	for _, s := range m.Skills {
		if certificate(s) {
			certs = append(certs, s)
		} else {
			skills = append(skills, s)
		}
	}
	lx := skillLexicon()
	for _, c := range m.Occupations {
		for _, s := range lx.byOcc[c] {
			if s.Kind == catalog.KindCertificate {
				certs = append(certs, s.Name)
			} else {
				skills = append(skills, s.Name)
			}
		}
	}
	return dedupe(skills), dedupe(certs)
}

var (
	majorSkillCache sync.Map // major code → [2][]string
)

func cachedMajorSkills(m *catalog.Major) (skills, certs []string) {
	if v, ok := majorSkillCache.Load(m.Code + "/" + m.Name); ok {
		p := v.([2][]string)
		return p[0], p[1]
	}
	s, c := majorSkills(m)
	majorSkillCache.Store(m.Code+"/"+m.Name, [2][]string{s, c})
	return s, c
}

var commonSkills = wpick[string]{[]string{"办公软件", "Excel", "Word", "PPT", "沟通能力", "团队协作", "普通话", "英语", "公文写作", "视频剪辑", "Photoshop"},
	[]float64{10, 6, 4, 4, 5, 5, 3, 3, 2, 2, 1.5}}

// Expected salary multipliers by field (门类 or 专业类 code).
var fieldPay = map[string]float64{"0809": 1.2, "08": 1.08, "10": 1.0, "09": 0.9, "13": 0.95, "02": 1.05, "12": 1.0, "04": 0.95, "05": 0.95,
	"51": 1.1, "52": 0.95, "53": 0.95, "46": 1.05, "44": 1.05, "41": 0.9, "57": 0.92}

var degreeBasePay = [...]float64{3500, 3500, 4000, 5000, 6500, 8500}

var femaleShare = map[string]float64{"10": 0.66, "1011": 0.9, "5202": 0.9, "04": 0.75, "05": 0.7, "13": 0.6, "02": 0.62, "12": 0.62,
	"08": 0.3, "07": 0.5, "09": 0.45, "03": 0.5, "0306": 0.25, "57": 0.7, "53": 0.65, "52": 0.75, "46": 0.15, "44": 0.25, "50": 0.3, "51": 0.35, "54": 0.65}

func fieldValue(m *catalog.Major, table map[string]float64, def float64) float64 {
	if v, ok := table[m.ClassCode]; ok {
		return v
	}
	if v, ok := table[m.CategoryCode]; ok {
		return v
	}
	return def
}

func writeGraduates(w io.Writer, o Options, progress func(int)) error {
	pol := o.Policy // set by Options.normalise
	cw, err := newCSV(w, GraduateHeader)
	if err != nil {
		return err
	}
	// The cohorts are those of the reference date's year, like the posts'
	// dates: `gen --now 2025-06-15` writes 2025's graduates (and 2024's,
	// 2023's), registered along 2025's milestones, not the plan's 2023.
	planYear := o.Now.Year()
	curves := map[int][2]curve{}
	for y := planYear - 2; y <= planYear; y++ {
		reg, placed := cohortCurves(pol, y)
		curves[y] = [2]curve{reg, placed}
	}
	ss := schools()
	seenID := map[string]bool{}
	seenPhone := map[string]bool{}
	idBase := 10000000 + rowRNG(o.Seed, streamGraduates, 1<<40).IntN(80000000)
	for i := 0; i < o.Graduates; i++ {
		r := rowRNG(o.Seed, streamGraduates, uint64(i))
		g := newGraduate(r, o, pol, ss, curves, planYear)
		g.id = fmt.Sprintf("G%08d", idBase+i)
		// IDs and phones are unique in a ledger; on a (rare) clash, step the
		// sequence number by two, which keeps the gender digit.
		for seenID[g.nationalID] {
			g.nationalID = bumpNationalID(g.nationalID)
		}
		seenID[g.nationalID] = true
		for g.phone != "" && seenPhone[g.phone] {
			g.phone = mobile(r)
		}
		seenPhone[g.phone] = true
		if err := cw.Write(g.record()); err != nil {
			return err
		}
		if (i+1)%progressEvery == 0 {
			progress(progressEvery)
		}
	}
	progress(o.Graduates % progressEvery)
	cw.Flush()
	return cw.Error()
}

// placeOfOrigin sets the graduate's hukou and residence and returns the
// region code their national ID starts with. Three quarters are registered
// in Urumqi, by population; the rest elsewhere in Xinjiang, where each
// place's mix of peoples decides who comes from it (and graduates of
// poverty-alleviated families mostly from the south).
func (g *gradRow) placeOfOrigin(r *rand.Rand, s *school, ethnic int) (region string) {
	outside := chance(r, 0.25)
	if len(g.hardship) > 0 && g.hardship[0] == "脱贫家庭" {
		outside = chance(r, 0.7)
	}
	if !outside {
		d := peopleDistricts.get(r)
		g.hukou = d.name
		if chance(r, 0.7) {
			g.residence = d.name
		} else {
			g.residence = peopleDistricts.get(r).name
		}
		return d.code
	}
	ws := make([]float64, len(elsewhereHukou))
	for i, e := range elsewhereHukou {
		ws[i] = e.w[ethnic]
	}
	e := elsewhereHukou[weighted(r, ws)]
	region = pick(r, e.codes)
	g.hukou = e.name
	if chance(r, 0.04) {
		g.hukou = "" // not recorded
	}
	if s.district != "" && chance(r, 0.6) {
		g.residence = s.district
	} else {
		g.residence = peopleDistricts.get(r).name
	}
	return region
}

func newGraduate(r *rand.Rand, o Options, pol catalog.Policy, ss *schoolSet, curves map[int][2]curve, planYear int) *gradRow {
	g := &gradRow{}
	s := ss.schools[weighted(r, ss.w)]
	g.school = s.uni.Name
	switch {
	case s.uni.Level != "本科":
		g.degree = matcher.DegreeAssociate
	case chance(r, s.doctor):
		g.degree = matcher.DegreeDoctor
	case chance(r, s.master):
		g.degree = matcher.DegreeMaster
	default:
		g.degree = matcher.DegreeBachelor
	}
	m := ss.choice[s.uni.Name+"/"+majorLevel(g.degree)].get(r)
	g.major = m.Name
	g.year = wpick[int]{[]int{planYear, planYear - 1, planYear - 2}, []float64{80, 12, 8}}.get(r)

	male := !chance(r, fieldValue(m, femaleShare, 0.52))
	g.gender = "女"
	if male {
		g.gender = "男"
	}
	ethnic := weighted(r, ethnicMix)
	g.name = personName(r, ethnic, male)

	// Hardship first: it shapes where a graduate comes from.
	if chance(r, hardshipShare) {
		c := hardshipMix.get(r)
		g.hardship = []string{c}
		if chance(r, 0.18) {
			if c2 := hardshipMix.get(r); c2 != c {
				g.hardship = append(g.hardship, c2)
			}
		}
	}

	region := g.placeOfOrigin(r, &s, ethnic)

	g.birth = birthDate(r, g.degree, g.year, o.Now)
	g.nationalID = nationalID(r, region, g.birth, male)
	g.phone = mobile(r)

	g.skills, g.certs = graduateSkills(r, m, g.degree, ethnic, g.year < planYear)
	g.channels = preferredChannels(r, g.degree, male)
	g.districts = preferredDistricts(r, g.residence)
	g.salary = expectedSalary(r, m, g.degree)

	cv := curves[g.year]
	g.timeline(r, cv[0], cv[1], o.Now, pol.ContactSLADays)
	if g.year < planYear && g.status == matcher.StatusSeeking && chance(r, 0.18) {
		g.hardship = append(g.hardship, longUnemployedCat)
	}

	// About 1% of rows miss an optional field.
	if chance(r, 0.012) {
		switch r.IntN(4) {
		case 0:
			g.residence = ""
		case 1:
			g.phone = ""
		case 2:
			g.salary = 0
		default:
			g.skills = nil
		}
	}
	return g
}

// birthDate places the birthday so that the graduate's age at graduation
// fits the degree and the age now stays within 20–30.
func birthDate(r *rand.Rand, d matcher.Degree, year int, now time.Time) time.Time {
	mean, sd, lo, hi := 22.3, 0.8, 21.0, 25.0
	switch d {
	case matcher.DegreeAssociate:
		mean, sd, lo, hi = 21.0, 0.8, 19.8, 24.0
	case matcher.DegreeMaster:
		mean, sd, lo, hi = 25.3, 1.1, 23.6, 29.0
	case matcher.DegreeDoctor:
		mean, sd, lo, hi = 28.8, 1.2, 27.0, 30.0
	}
	age := math.Max(lo, math.Min(hi, mean+sd*r.NormFloat64()))
	grad := time.Date(year, 7, 1, 0, 0, 0, 0, time.UTC)
	b := grad.AddDate(0, 0, -int(age*365.25))
	// Keep the age at now within 20–30 years.
	if maxB := now.AddDate(-20, 0, -1); b.After(maxB) {
		b = maxB.AddDate(0, 0, -r.IntN(60))
	}
	if minB := now.AddDate(-31, 0, 1); !b.After(minB) {
		b = minB.AddDate(0, 0, 1+r.IntN(60))
	}
	return b
}

// nationalID builds a GB 11643 number: region, birth date, a sequence whose
// last digit is odd for men and even for women, and the check character.
func nationalID(r *rand.Rand, region string, birth time.Time, male bool) string {
	seq := r.IntN(500) * 2
	if male {
		seq++
	}
	body := fmt.Sprintf("%s%s%03d", region, birth.Format("20060102"), seq)
	return body + string(matcher.NationalIDCheckDigit(body))
}

func bumpNationalID(id string) string {
	seq, _ := strconv.Atoi(id[14:17])
	seq = (seq + 2) % 1000
	body := fmt.Sprintf("%s%03d", id[:14], seq)
	return body + string(matcher.NationalIDCheckDigit(body))
}

func graduateSkills(r *rand.Rand, m *catalog.Major, d matcher.Degree, ethnic int, earlier bool) (skills, certs []string) {
	ms, mc := cachedMajorSkills(m)
	skills = sample(r, ms, between(r, 1, min(4, max(1, len(ms)))))
	for k := between(r, 0, 2); k > 0; k-- {
		skills = append(skills, commonSkills.get(r))
	}
	switch {
	case ethnic == uyghur && chance(r, 0.6):
		skills = append(skills, "维吾尔语")
	case ethnic == kazakh && chance(r, 0.6):
		skills = append(skills, "哈萨克语")
	case chance(r, 0.04):
		skills = append(skills, "俄语")
	}
	for _, c := range mc {
		p := 0.35
		if seniorCertificate(c) {
			// Practising and senior qualifications need years of work
			// (or a medical master's 规培): rare among new graduates.
			switch {
			case d >= matcher.DegreeMaster:
				p = 0.2
			case earlier:
				p = 0.06
			default:
				p = 0
			}
		}
		if chance(r, p) {
			certs = append(certs, c)
		}
	}
	if len(certs) > 2 {
		certs = certs[:2]
	}
	switch {
	case d >= matcher.DegreeMaster:
		if chance(r, 0.5) {
			certs = append(certs, "英语六级")
		} else if chance(r, 0.7) {
			certs = append(certs, "英语四级")
		}
	case d == matcher.DegreeBachelor:
		if chance(r, 0.18) {
			certs = append(certs, "英语六级")
		} else if chance(r, 0.45) {
			certs = append(certs, "英语四级")
		}
	default:
		if chance(r, 0.15) {
			certs = append(certs, "英语四级")
		}
	}
	if chance(r, 0.25) {
		certs = append(certs, "计算机二级")
	}
	teach := m.CategoryCode == "04" || m.CategoryCode == "05" || m.CategoryCode == "57"
	if (teach && chance(r, 0.6)) || chance(r, 0.12) {
		certs = append(certs, "普通话二级甲等")
	}
	if chance(r, 0.3) {
		certs = append(certs, "C1驾驶证")
	}
	return dedupe(skills), dedupe(certs)
}

// seniorCertificates need work experience before one may sit for them.
var seniorCertificates = f("一级建造师|二级建造师|中级会计职称|CPA|执业医师资格证|中医执业医师|公共卫生执业医师|民族医执业医师|规培|执业药师|执业中药师|" +
	"注册安全工程师|注册建筑师|注册电气工程师|监理工程师|造价工程师|税务师|资产评估师|CFA|FRM|CMA|技师资格证|检验技师资格证|放射技师|" +
	"康复治疗师资格证|专利代理师资格|信息系统项目管理师|系统架构设计师|大型设备上岗证|心理咨询师")

func seniorCertificate(name string) bool {
	for _, s := range seniorCertificates {
		if s == name {
			return true
		}
	}
	return false
}

func preferredChannels(r *rand.Rand, d matcher.Degree, male bool) []matcher.Channel {
	w := []float64{30, 28, 30, 8, 1, 3} // plan order
	switch {
	case d == matcher.DegreeAssociate:
		w = []float64{15, 20, 45, 8, 2, 8}
	case d >= matcher.DegreeMaster:
		w = []float64{45, 35, 15, 3, 0.3, 1}
	}
	if male {
		w[4] *= 4
	}
	n := wpick[int]{[]int{1, 2, 3}, []float64{35, 40, 25}}.get(r)
	var out []matcher.Channel
	for len(out) < n {
		c := matcher.Channels[weighted(r, w)]
		if !containsChannel(out, c) {
			out = append(out, c)
		}
	}
	return out
}

func containsChannel(cs []matcher.Channel, c matcher.Channel) bool {
	for _, x := range cs {
		if x == c {
			return true
		}
	}
	return false
}

func preferredDistricts(r *rand.Rand, residence string) []string {
	n := wpick[int]{[]int{1, 2, 3}, []float64{40, 40, 20}}.get(r)
	var out []string
	if residence != "" && chance(r, 0.6) {
		out = append(out, residence)
	}
	for len(out) < n {
		d := jobDistricts.get(r).name
		dup := false
		for _, x := range out {
			dup = dup || x == d
		}
		if !dup {
			out = append(out, d)
		}
	}
	return out
}

func expectedSalary(r *rand.Rand, m *catalog.Major, d matcher.Degree) int {
	v := degreeBasePay[d] * fieldValue(m, fieldPay, 1) * (1 + 0.12*r.NormFloat64())
	return roundTo(math.Max(3000, math.Min(15000, v)), 500)
}

// timeline draws when the graduate registered, was contacted and found a
// place, along the cohort's curves, and keeps only what had happened by now.
// Most graduates who register early also settle early: the two dates share
// their quantile 70% of the time.
func (g *gradRow) timeline(r *rand.Rand, reg, placed curve, now time.Time, slaDays int) {
	if slaDays <= 0 {
		slaDays = 5
	}
	u := r.Float64()
	v := u
	if chance(r, 0.3) {
		v = r.Float64()
	}
	regAt, registered := reg.inverse(u)
	placedAt, isPlaced := placed.inverse(v)
	g.status = matcher.StatusUnregistered
	if !registered || regAt.After(now) {
		return
	}
	g.registered = regAt
	g.status = matcher.StatusSeeking
	// 5日内必联系: most are contacted within the SLA, some late, a few not yet.
	var contact time.Time
	switch k := r.Float64(); {
	case k < 0.88:
		contact = regAt.Add(days(r.IntN(slaDays + 1)))
	case k < 0.97:
		contact = regAt.Add(days(between(r, slaDays+1, 3*slaDays)))
	}
	if !contact.IsZero() && !contact.After(now) {
		g.contacted = contact
	}
	if !isPlaced || placedAt.After(now) {
		return
	}
	g.placed = placedAt
	switch {
	case chance(r, studyShare(g.degree)):
		g.status = matcher.StatusStudying
	case !placedAt.After(regAt):
		g.status = matcher.StatusEmployed
	default:
		g.status = matcher.StatusPlaced
	}
}

// studyShare is how many of those settled go on to further study
// (考研, 专升本, 读博).
func studyShare(d matcher.Degree) float64 {
	switch d {
	case matcher.DegreeAssociate:
		return 0.10
	case matcher.DegreeBachelor:
		return 0.12
	case matcher.DegreeMaster:
		return 0.05
	}
	return 0.01
}
