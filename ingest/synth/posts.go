package synth

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

// slot is what the plan assigns to one post before it is written.
type slot struct {
	channel    matcher.Channel
	internship bool
	welfare    bool
}

// employer is a generated organisation that publishes posts.
type employer struct {
	name     string
	typ      string
	district *district
	address  string
	founded  int
	business string
	tags     string // for state-owned groups: the kinds of work they do (power, civil, …)
}

// world is everything shared by the rows of one posts file: the plan's
// slots and the employers. It is built from the seed alone.
type world struct {
	o         Options
	policy    catalog.Policy
	slots     []slot
	smeByInd  map[string][]*employer
	stateEmps []*employer
	idBase    int
}

// channelCounts splits total over the channels in proportion to the plan
// (largest remainder, ties broken in plan order), so the counts are exact
// for the default 25,000 and always add up to total.
func channelCounts(plan map[string]int, total int) map[matcher.Channel]int {
	sum := 0
	for _, c := range matcher.Channels {
		sum += plan[string(c)]
	}
	out := map[matcher.Channel]int{}
	if sum == 0 {
		return out
	}
	weights := make([]float64, len(matcher.Channels))
	for i, c := range matcher.Channels {
		weights[i] = float64(plan[string(c)])
	}
	for i, n := range apportion(weights, total) {
		out[matcher.Channels[i]] = n
	}
	return out
}

// apportion splits total in proportion to w by the largest-remainder method.
func apportion(w []float64, total int) []int {
	sum := 0.0
	for _, x := range w {
		sum += x
	}
	out := make([]int, len(w))
	if sum <= 0 || total <= 0 {
		return out
	}
	type rem struct {
		i int
		r float64
	}
	var rems []rem
	left := total
	for i, x := range w {
		q := x / sum * float64(total)
		out[i] = int(math.Floor(q))
		left -= out[i]
		rems = append(rems, rem{i, q - math.Floor(q)})
	}
	slices.SortStableFunc(rems, func(a, b rem) int {
		switch {
		case a.r > b.r:
			return -1
		case a.r < b.r:
			return 1
		}
		return 0
	})
	for k := 0; k < left; k++ {
		out[rems[k%len(rems)].i]++
	}
	return out
}

// Where internships and 公益性岗位 sit: 就业见习 bases are mostly public
// institutions, SOEs and SMEs; 公益性岗位 are developed by streets,
// communities and public bodies.
var (
	internshipWeight = map[matcher.Channel]float64{matcher.ChannelPublicSector: 0.12, matcher.ChannelStateOwned: 0.15, matcher.ChannelSME: 0.045, matcher.ChannelGrassroots: 0.04}
	welfareWeight    = map[matcher.Channel]float64{matcher.ChannelGrassroots: 0.72, matcher.ChannelPublicSector: 0.28}
)

// welfareShare is the share of all posts that are 公益性岗位.
const welfareShare = 0.03

func newWorld(o Options) (*world, error) {
	pol := o.Policy // set by Options.normalise
	w := &world{o: o, policy: pol, smeByInd: map[string][]*employer{}}
	r := rowRNG(o.Seed, streamPlan, 0)
	w.idBase = 10000000 + r.IntN(80000000)

	counts := channelCounts(pol.ChannelPlan, o.Posts)
	welfare := weightedSplit(welfareWeight, int(math.Round(welfareShare*float64(o.Posts))), counts, nil)
	intern := weightedSplit(internshipWeight, o.Internships, counts, welfare)
	for _, c := range matcher.Channels {
		n := counts[c]
		for i := 0; i < n; i++ {
			s := slot{channel: c}
			switch {
			case i < welfare[c]:
				s.welfare = true
			case i < welfare[c]+intern[c]:
				s.internship = true
			}
			w.slots = append(w.slots, s)
		}
	}
	r.Shuffle(len(w.slots), func(i, j int) { w.slots[i], w.slots[j] = w.slots[j], w.slots[i] })

	er := rowRNG(o.Seed, streamEmployers, 0)
	used := map[string]bool{}
	indWeight := map[string]float64{}
	totalW := 0.0
	for _, t := range smeOccs {
		indWeight[t.ind] += t.w
		totalW += t.w
	}
	for _, t := range selfOccs {
		indWeight[t.ind] += 0.01
	}
	for _, key := range industryOrder {
		n := int(float64(counts[matcher.ChannelSME]) / 3.2 * indWeight[key] / totalW)
		if n < 8 {
			n = 8
		}
		for i := 0; i < n; i++ {
			w.smeByInd[key] = append(w.smeByInd[key], newSMEEmployer(er, industries[key], used))
		}
	}
	w.stateEmps = newStateEmployers(er)
	return w, nil
}

// weightedSplit spreads total over the channels by weight, never giving a
// channel more than its size minus what taken already holds there.
func weightedSplit(weight map[matcher.Channel]float64, total int, size, taken map[matcher.Channel]int) map[matcher.Channel]int {
	ws := make([]float64, len(matcher.Channels))
	for i, c := range matcher.Channels {
		ws[i] = weight[c] * float64(size[c])
	}
	out := map[matcher.Channel]int{}
	parts := apportion(ws, total)
	spill := 0
	for i, c := range matcher.Channels {
		room := size[c] - taken[c]
		n := parts[i] + spill
		spill = 0
		if n > room {
			spill = n - room
			n = room
		}
		out[c] = n
	}
	// What did not fit goes to any channel with room, in plan order.
	for _, c := range matcher.Channels {
		if spill == 0 {
			break
		}
		room := size[c] - taken[c] - out[c]
		add := min(room, spill)
		out[c] += add
		spill -= add
	}
	return out
}

// postRow is one line of posts.csv.
type postRow struct {
	source, externalID     string
	kind                   matcher.Kind
	channel                matcher.Channel
	title, employer, etype string
	district, address      string
	description, majors    string
	degree, experience     string
	salary                 string
	pay                    pay // the numbers behind salary, to re-export it in another style
	headcount, ageMax      int
	hukou                  string
	welfare                bool
	posted, deadline       time.Time
}

func (p *postRow) record() []string {
	return []string{p.source, p.externalID, string(p.kind), string(p.channel), p.title, p.employer, p.etype, p.district, p.address,
		p.description, p.majors, p.degree, p.experience, p.salary, itoa0(p.headcount), itoa0(p.ageMax), p.hukou,
		strconv.FormatBool(p.welfare), date(p.posted), date(p.deadline)}
}

// Portals: the city's HR bureau site and a commercial regional job site.
const (
	sourceCity     = "wlmqrs"
	sourceRegional = "xjrc"
)

func writePosts(w io.Writer, o Options, progress func(int)) error {
	wd, err := newWorld(o)
	if err != nil {
		return err
	}
	cw, err := newCSV(w, PostHeader)
	if err != nil {
		return err
	}
	var dups []*postRow
	for i, s := range wd.slots {
		r := rowRNG(o.Seed, streamPosts, uint64(i))
		p := wd.post(r, i, s)
		if err := cw.Write(p.record()); err != nil {
			return err
		}
		if s.channel == matcher.ChannelSME && !s.internship {
			dr := rowRNG(o.Seed, streamDuplicates, uint64(i))
			if chance(dr, o.DuplicateShare) {
				dups = append(dups, wd.reexport(dr, i, p))
			}
		}
		if (i+1)%progressEvery == 0 {
			progress(progressEvery)
		}
	}
	progress(len(wd.slots) % progressEvery)
	// The second portal's export comes after the first's, as a separate
	// import would.
	for _, p := range dups {
		if err := cw.Write(p.record()); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func (wd *world) externalID(source string, i int) string {
	if source == sourceRegional {
		return fmt.Sprintf("J%07d", (wd.idBase/7+i*13)%10000000)
	}
	return fmt.Sprintf("WL%08d", wd.idBase+i)
}

// projectSites are places outside Urumqi where state-owned groups post staff.
var projectSites = []string{"昌吉市", "阜康市", "哈密市", "吐鲁番市", "克拉玛依市", "库尔勒市", "五家渠市", "准东经济技术开发区", "奇台县"}

func pickOcc(r *rand.Rand, occs []occ) *occ {
	w := make([]float64, len(occs))
	for i := range occs {
		w[i] = occs[i].w
	}
	return &occs[weighted(r, w)]
}

// occupationAndEmployer picks the post's occupation, the index of its
// title template, and its employer, by channel (an SME's post may come
// through the regional portal instead: p.source). The title is chosen with
// the template, before the employer, so that a 初中 teacher is posted by a
// 中学, not a 小学.
func (wd *world) occupationAndEmployer(r *rand.Rand, s slot, p *postRow) (t *occ, emp *employer, ti int) {
	occOf := func(set []occ) *occ {
		t := pickOcc(r, set)
		ti = r.IntN(len(t.titles))
		return t
	}
	switch {
	case s.welfare:
		t = occOf(welfareOccs)
		emp = welfareEmployer(r, t)
	case s.channel == matcher.ChannelPublicSector:
		t = occOf(publicOccs)
		emp = publicEmployer(r, t, t.titles[ti])
	case s.channel == matcher.ChannelStateOwned:
		t = occOf(stateOccs)
		emp = pick(r, wd.stateEmployers(t))
	case s.channel == matcher.ChannelSME:
		t = occOf(smeOccs)
		pool := wd.smeByInd[t.ind]
		// A few employers publish many posts, most publish one or two.
		emp = pool[int(float64(len(pool))*math.Pow(r.Float64(), 1.6))]
		if chance(r, 0.35) {
			p.source = sourceRegional
		}
	case s.channel == matcher.ChannelGrassroots:
		t = occOf(grassrootsOccs)
		emp = grassrootsEmployer(r, t)
	case s.channel == matcher.ChannelMilitary:
		t = occOf(militaryOccs)
		d := peopleDistricts.get(r)
		emp = &employer{name: "乌鲁木齐市" + d.name + pick(r, []string{"人民武装部", "征兵办公室"}), typ: "机关", district: d, address: address(r, d)}
	default:
		t = occOf(selfOccs)
		emp = selfEmployer(r, t, wd)
	}
	return t, emp, ti
}

func (wd *world) post(r *rand.Rand, i int, s slot) *postRow {
	p := &postRow{kind: matcher.KindJob, channel: s.channel, source: sourceCity, welfare: s.welfare}
	if s.internship {
		p.kind = matcher.KindInternship
	}
	t, emp, ti := wd.occupationAndEmployer(r, s, p)
	p.externalID = wd.externalID(p.source, i)
	p.employer, p.etype, p.district, p.address = emp.name, emp.typ, emp.district.name, emp.address
	if s.channel == matcher.ChannelStateOwned && !s.internship && chance(r, 0.06) {
		// Group companies staff projects elsewhere in Xinjiang; the place
		// is written as given, for the normaliser to keep.
		site := pick(r, projectSites)
		p.district = site
		p.address = site + pick(r, []string{"项目部", "工程项目经理部", "分公司驻地", "生产基地"})
	}

	p.title = wd.title(r, t.titles[ti], s, emp)
	deg := matcher.Degree(weighted(r, t.deg[:]))
	if strings.Contains(p.title, "研究生") {
		deg = matcher.DegreeMaster
	}
	if s.internship && deg < matcher.DegreeAssociate {
		deg = matcher.DegreeAssociate
	}
	if s.channel == matcher.ChannelMilitary && deg < matcher.DegreeAssociate {
		deg = matcher.DegreeAssociate
	}
	p.degree = degreeChinese(deg)
	majors, majorText := postMajors(r, t, deg)
	p.majors = majorText

	p.experience = experience(r, s)
	p.headcount = headcount(r, s, t)
	p.ageMax = ageMax(r, s, t, deg)
	p.hukou = hukou(r, s, t, emp)
	p.pay = wd.salary(r, s, t, deg)
	p.salary = p.pay.text(r, p.pay.style)
	p.posted, p.deadline = postDates(r, wd.o.Now, s)
	p.description = wd.describe(r, s, t, emp, deg, majors, p)

	// About 1% of rows lack an optional field, as real exports do.
	if chance(r, 0.01) {
		switch r.IntN(4) {
		case 0:
			p.address = ""
		case 1:
			p.experience = ""
		case 2:
			p.etype = ""
		default:
			p.deadline = time.Time{}
		}
	}
	return p
}

func degreeChinese(d matcher.Degree) string {
	switch d {
	case matcher.DegreeNone:
		return "不限"
	case matcher.DegreeSecondary:
		return "中专"
	default:
		return d.Chinese()
	}
}

// postMajors chooses what the post says about majors: nothing (不限), 1–3
// majors by catalogue name, a 专业类, or "相关专业".
func postMajors(r *rand.Rand, t *occ, deg matcher.Degree) (names []string, text string) {
	if len(t.majors) == 0 && len(t.classes) == 0 {
		return nil, "不限"
	}
	known := knownMajors(t.majors)
	classes := knownClasses(t.classes)
	k := r.IntN(100)
	if t.strict {
		// Specialised work always names its majors: the 不限 share goes to
		// named majors.
		k = 22 + k*(100-22)/100
	}
	switch {
	case k < 22 && !t.strict || len(known) == 0 && len(classes) == 0:
		return nil, "不限"
	case k < 70 && len(known) > 0:
		names = sample(r, known, between(r, 1, 3))
		return names, strings.Join(names, ";")
	case k < 88 && len(classes) > 0:
		cl := sample(r, classes, between(r, 1, 2))
		return nil, strings.Join(cl, ";")
	default:
		if len(known) > 0 && chance(r, 0.5) {
			m := pick(r, known)
			return []string{m}, m + pick(r, []string{"及相关专业", "等相关专业", "相关专业"})
		}
		if len(classes) > 0 {
			c := pick(r, classes)
			return nil, strings.TrimSuffix(c, "类") + "相关专业"
		}
		return nil, "不限"
	}
}

// knownClasses keeps the 专业类 names the catalogue knows, or all of them
// when it knows none.
func knownClasses(cs []string) []string {
	var out []string
	for _, c := range cs {
		if classNames()[c] {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		return cs
	}
	return out
}

var (
	classOnce sync.Once
	classSet  map[string]bool
)

func classNames() map[string]bool {
	classOnce.Do(func() {
		classSet = map[string]bool{}
		for _, m := range catalog.Majors() {
			classSet[m.ClassName] = true
		}
	})
	return classSet
}

// knownMajors keeps the template's majors that the catalogue knows; when
// the catalogue knows none of them (it is still small), the names are kept
// as written, since they are the national catalogue's own names.
func knownMajors(ms []string) []string {
	var out []string
	for _, m := range ms {
		if _, ok := catalog.MajorByName(m); ok {
			out = append(out, m)
		}
	}
	if len(out) == 0 {
		return ms
	}
	return out
}

var titleDecor = []string{"【急聘】%s", "%s（应届生可投）", "急招%s", "%s（五险一金）", "2023届校园招聘-%s", "%s/双休", "诚聘%s", "%s（%s）", "%s-%s", "高薪诚聘%s"}

func (wd *world) title(r *rand.Rand, base string, s slot, emp *employer) string {
	switch {
	case s.internship:
		return fmt.Sprintf(pick(r, []string{"就业见习-%s", "%s（见习岗）", "见习%s", "%s（就业见习）", "高校毕业生见习岗-%s"}), base)
	case s.channel == matcher.ChannelPublicSector && chance(r, 0.2):
		return fmt.Sprintf("%s（岗位代码%d%03d）", base, wd.o.Now.Year(), between(r, 1, 400))
	case s.channel == matcher.ChannelSME && chance(r, 0.22):
		pat := pick(r, titleDecor)
		if strings.Count(pat, "%s") == 2 {
			return fmt.Sprintf(pat, base, strings.TrimSuffix(emp.district.name, "区"))
		}
		return fmt.Sprintf(pat, base)
	}
	return base
}

// reexport is the same post exported by the other portal with the light
// edits portals make: reformatted salary, retouched title and text, a later
// publication date.
func (wd *world) reexport(r *rand.Rand, i int, orig *postRow) *postRow {
	p := *orig
	if orig.source == sourceCity {
		p.source = sourceRegional
	} else {
		p.source = sourceCity
	}
	p.externalID = wd.externalID(p.source, 5000000+i)
	switch r.IntN(3) {
	case 0:
		p.title = strings.TrimPrefix(strings.TrimPrefix(p.title, "【急聘】"), "急招")
		p.title = "急聘" + p.title
	case 1:
		p.title = p.title + "（" + strings.TrimSuffix(p.district, "区") + "）"
	}
	desc := p.description
	if k := strings.LastIndex(desc, "\n"); k > 0 && chance(r, 0.5) {
		desc = desc[:k]
	}
	desc = strings.Replace(desc, "；", "，", 1)
	desc += pick(r, []string{"\n联系人：" + pick(r, hanSurnames[:30]) + "经理", "\n（信息来源：合作单位推荐）", "\n简历请注明应聘岗位。", " 欢迎咨询。"})
	p.description = desc
	p.employer = strings.Replace(p.employer, "有限责任公司", "有限公司", 1)
	if !p.pay.negotiable {
		p.salary = p.pay.text(r, p.pay.style+1+r.IntN(3))
	}
	p.posted = p.posted.Add(days(between(r, 0, 3)))
	if p.posted.After(wd.o.Now) {
		p.posted = wd.o.Now
	}
	if !p.deadline.IsZero() && p.deadline.Before(p.posted) {
		p.deadline = p.posted
	}
	return &p
}
