package engine

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// maxReasons is how many positive reasons an item shows; "缺少" and policy
// priorities are always added after them.
const maxReasons = 7

type reason struct {
	feature int
	contrib float64
	text    string
}

// explainItem builds a result item with its Chinese reasons and per-feature
// contributions. It runs only for the items returned, never in the scan.
func (e *Engine) explainItem(gc *gradCtx, pr *postRec, text float64, rank int) matcher.Item {
	var x [NumFeatures]float64
	featureVector(gc, pr, text, x[:])
	contrib := e.sc.contributions(x[:])
	p := pr.Post
	it := matcher.Item{PostID: p.ID, Rank: rank, Score: round4(e.sc.score(x[:])), Kind: pr.kind, Channel: p.Channel,
		Title: p.Title, Employer: p.Employer, District: p.District, Salary: p.Salary,
		Contributions: make(map[string]float64, NumFeatures)}
	for i, c := range contrib {
		it.Contributions[FeatureNames[i]] = round4(c)
	}
	ge := gc.eng
	var rs []reason
	add := func(f int, s string) {
		if s != "" && contrib[f] > 0 {
			rs = append(rs, reason{f, contrib[f], s})
		}
	}

	// Major and occupation.
	if x[FOccupation] >= 0.4 && pr.occ >= 0 {
		n := e.occs[pr.occ]
		on := n.name
		if on == "" {
			on = p.Title
		}
		gm := gc.Major.Label()
		if ge.occSource(pr.occ) == 2 {
			add(FOccupation, fmt.Sprintf("专业对口：%s → %s（同类岗位常招此专业）", gm, on))
		} else {
			add(FOccupation, fmt.Sprintf("专业对口：%s → %s", gm, on))
		}
	}
	if x[FMajor] > 0 {
		switch matcher.MatchMajors(gc.Major, pr.Majors) {
		case matcher.MajorExact:
			add(FMajor, "专业符合：岗位要求"+gc.Major.Label())
		case matcher.MajorClass:
			cn := matcher.MajorClassName(gc.Major.Class)
			if cn == "" {
				cn = "同一专业类"
			}
			add(FMajor, "专业相近：同属"+cn)
		default:
			add(FMajor, "相关专业：岗位接受相关专业")
		}
	}
	// Degree.
	switch {
	case pr.DegreeMin == matcher.DegreeNone:
		add(FDegree, "学历不限")
	case gc.Degree == pr.DegreeMin:
		add(FDegree, "学历符合："+gc.Degree.Chinese())
	default:
		add(FDegree, fmt.Sprintf("学历符合：要求%s及以上，您为%s", pr.DegreeMin.Chinese(), gc.Degree.Chinese()))
	}
	// District.
	if p.District != "" && ge != nil {
		why := ge.districtWhy[pr.district+2]
		if why != "" && x[FDistrict] >= 0.5 {
			add(FDistrict, fmt.Sprintf("地点：%s（%s）", p.District, why))
		}
	}
	// Skills and certificates.
	var met, missing []string
	for i, id := range pr.needs {
		name := e.skillName[id]
		if ge != nil && ge.has(id) {
			met = append(met, name)
		} else {
			missing = append(missing, name)
			_ = pr.isCert[i]
		}
	}
	if len(met) > 0 {
		add(FSkills, "技能匹配："+strings.Join(met, "、"))
	}
	// Salary.
	if lo, hi, ok := p.Salary.Monthly(); ok {
		s := "薪资：" + salaryText(lo, hi)
		if exp := gc.Graduate.ExpectedSalary; exp > 0 {
			if hi >= exp {
				s += "，符合期望"
			} else {
				s += fmt.Sprintf("，低于期望%.0f元", exp)
			}
		}
		add(FSalary, s)
	} else if p.Salary.Negotiable {
		add(FSalary, "薪资：面议")
	}
	// Channel.
	if ge != nil && pr.chIdx >= 0 && ge.channelRank[pr.chIdx] > 0 {
		add(FChannel, fmt.Sprintf("渠道：%s（您的意向渠道）", p.Channel.Chinese()))
	}
	// Text.
	if x[FText] >= 0.1 && ge != nil {
		if terms := e.sharedTerms(ge, pr, 3); len(terms) > 0 {
			add(FText, "内容相关："+strings.Join(terms, "、"))
		}
	}
	if pr.posted != 0 {
		if days := int((gc.NowTime.Unix() - pr.posted) / 86400); days <= 7 && days >= 0 {
			add(FFresh, fmt.Sprintf("新发布：%d天内", max(days, 1)))
		}
	}
	if pr.Places >= 5 {
		add(FPlaces, fmt.Sprintf("招聘人数：%d人", pr.Places))
	}
	sort.SliceStable(rs, func(i, j int) bool {
		if rs[i].contrib != rs[j].contrib {
			return rs[i].contrib > rs[j].contrib
		}
		return rs[i].feature < rs[j].feature
	})
	var out []string
	for _, r := range rs {
		if r.feature == FPriority {
			continue
		}
		if len(out) == maxReasons {
			break
		}
		out = append(out, r.text)
	}
	if len(missing) > 0 {
		out = append(out, "缺少："+strings.Join(missing, "、"))
		it.Missing = missing
	}
	if x[FPriority] > 0 {
		out = append(out, "优先：乌鲁木齐户籍应届毕业生入伍优先")
	}
	if out == nil {
		out = []string{}
	}
	it.Reasons = out
	return it
}

func salaryText(lo, hi float64) string {
	r := func(v float64) float64 { return math.Round(v/100) * 100 }
	if r(lo) == r(hi) || lo == 0 {
		return fmt.Sprintf("%.0f元/月", r(hi))
	}
	return fmt.Sprintf("%.0f-%.0f元/月", r(lo), r(hi))
}

// sharedTerms lists the n terms that contribute most to the text relevance.
func (e *Engine) sharedTerms(ge *gradEngine, pr *postRec, n int) []string {
	type tw struct {
		t string
		w float32
	}
	var ts []tw
	i, j := 0, 0
	for i < len(ge.qIDs) && j < len(pr.terms) {
		switch {
		case ge.qIDs[i] < pr.terms[j]:
			i++
		case ge.qIDs[i] > pr.terms[j]:
			j++
		default:
			ts = append(ts, tw{e.termStr[pr.terms[j]], ge.qW[i] * pr.tw[j]})
			i++
			j++
		}
	}
	sort.Slice(ts, func(a, b int) bool {
		if ts[a].w != ts[b].w {
			return ts[a].w > ts[b].w
		}
		return ts[a].t < ts[b].t
	})
	var out []string
	for _, t := range ts {
		if len(out) == n {
			break
		}
		out = append(out, t.t)
	}
	return out
}
