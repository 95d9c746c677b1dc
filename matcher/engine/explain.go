package engine

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

// maxReasons is how many positive reasons an item shows; "缺少" and policy
// priorities are always added after them.
const maxReasons = 7

// reason is a feature that may say why, with its contribution: the
// order in which explainItemIn asks their writers.
type reason struct {
	feature int
	contrib float64
}

// explanation is one returned item as its reason writers read it.
type explanation struct {
	e  *Engine
	gc *gradCtx
	ge *gradEngine // nil only for a graduate compiled without the engine
	pr *postRec
	x  [NumFeatures]float64
	// the post's skills [0] and certificates [1] the graduate meets and
	// lacks (splitNeeds): read by two reason writers and the cautions
	met, missing [2][]string
}

// reasonWriters say in Chinese why a feature counts for an item ("" when
// there is nothing to say), indexed by feature: a new feature adds its
// writer here. A reason is shown only when its feature contributes to the
// score; priority is not ranked with the others but always added last.
var reasonWriters = [NumFeatures]func(ex *explanation) string{
	FText:         textReason,
	FMajor:        majorReason,
	FOccupation:   occupationReason,
	FSkills:       skillsReason,
	FCertificates: certificatesReason,
	FDegree:       degreeReason,
	FExperience:   experienceOpenReason,
	FDistrict:     districtReason,
	FSalary:       salaryReason,
	FChannel:      channelReason,
	FFresh:        freshReason,
	FPlaces:       placesReason,
}

// explainItem builds a result item with its Chinese reasons and per-feature
// contributions. It runs only for the items returned, never in the scan.
func (e *Engine) explainItem(gc *gradCtx, pr *postRec, text float64, rank int) matcher.Item {
	return e.explainItemIn(newItemArena(1), gc, pr, text, rank)
}

// explainItemIn is explainItem with the item's contributions and reasons
// taken from a, which a result's items share.
func (e *Engine) explainItemIn(a *itemArena, gc *gradCtx, pr *postRec, text float64, rank int) matcher.Item {
	ex := &a.ex // the writers take it through a table: on the heap, once a result
	*ex = explanation{e: e, gc: gc, ge: gc.eng, pr: pr}
	ex.splitNeeds()
	featureVector(gc, pr, text, ex.x[:])
	var contrib [NumFeatures]float64
	e.sc.contributions(contrib[:], ex.x[:])
	p := pr.Post
	it := matcher.Item{PostID: p.ID, Rank: rank, Score: round4(e.sc.score(ex.x[:])), Kind: pr.kind, Channel: p.Channel,
		Title: p.Title, Employer: p.Employer, District: p.District, Salary: p.Salary,
		Contributions: a.contributions()}
	for k, i := range featureOrder {
		it.Contributions[k] = matcher.Contribution{Feature: FeatureNames[i], Value: round4(contrib[i])}
	}
	// The features that may give a reason, strongest first (a feature's
	// index breaks ties), and their writers asked in that order until
	// maxReasons have said something: the list is the one writing every
	// reason and keeping the strongest maxReasons would give
	// (TestReasonsWrittenStrongestFirst), without the strings of the
	// weaker ones, and the candidates sorted on the stack. Few are saved:
	// on 500 generated graduates' lists an item's writers said 6.5
	// reasons and 6.3 were kept.
	var rs [NumFeatures]reason
	n := 0
	for f, write := range reasonWriters {
		// Requirements the graduate meets are said even when the fitted
		// weights give their feature nothing: the graduate learns which of
		// their skills and certificates the post asks for.
		if write == nil || (contrib[f] <= 0 && f != FSkills && f != FCertificates) {
			continue
		}
		rs[n] = reason{feature: f, contrib: contrib[f]}
		n++
	}
	slices.SortFunc(rs[:n], func(a, b reason) int {
		if c := cmp.Compare(b.contrib, a.contrib); c != 0 {
			return c
		}
		return a.feature - b.feature
	})
	out := a.startReasons()
	kept := 0
	for _, r := range rs[:n] {
		if kept == maxReasons {
			break
		}
		if s := reasonWriters[r.feature](ex); s != "" {
			out = append(out, s)
			kept++
		}
	}
	// Cautions, after the reasons: what the graduate lacks, the experience
	// the post demands, a title above entry level.
	if m0, m1 := ex.missing[0], ex.missing[1]; len(m0)+len(m1) > 0 {
		it.Missing = slices.Concat(m0, m1)
		out = append(out, "缺少："+strings.Join(it.Missing, "、"))
	}
	for _, c := range [...]string{licenceReason(ex), regulationReason(ex), subjectReason(ex), experienceReason(ex), entryReason(ex)} {
		if c != "" {
			out = append(out, c)
		}
	}
	if ex.x[FPriority] > 0 {
		out = append(out, "优先：乌鲁木齐户籍应届毕业生入伍优先")
	}
	it.Reasons = a.endReasons(out)
	return it
}

// needs returns the post's skills (certs false) or certificates (true)
// the graduate has, directly or by a term below them in the catalogue's
// hierarchy, and those they lack (splitNeeds).
func (ex *explanation) needs(certs bool) (met, missing []string) {
	k := 0
	if certs {
		k = 1
	}
	return ex.met[k], ex.missing[k]
}

// splitNeeds fills ex.met and ex.missing in the post's order of needs,
// the four lists in one allocation.
func (ex *explanation) splitNeeds() {
	pr := ex.pr
	if len(pr.needs) == 0 {
		return
	}
	// Each need's list (cert*2+met), asked of the graduate once.
	var small [64]uint8
	var list []uint8
	if len(pr.needs) <= len(small) {
		list = small[:len(pr.needs)]
	} else {
		list = make([]uint8, len(pr.needs))
	}
	var n [2][2]int // [cert][met]
	for i, id := range pr.needs {
		c, m := b2i(pr.isCert[i]), b2i(ex.ge != nil && ex.ge.has(id))
		list[i] = uint8(c<<1 | m)
		n[c][m]++
	}
	buf := make([]string, 0, len(pr.needs))
	at := 0
	for k := range 2 {
		ex.missing[k] = buf[at : at : at+n[k][0]]
		at += n[k][0]
		ex.met[k] = buf[at : at : at+n[k][1]]
		at += n[k][1]
	}
	for i, id := range pr.needs {
		k, name := list[i]>>1, ex.e.skillName[id]
		if list[i]&1 != 0 {
			ex.met[k] = append(ex.met[k], name)
		} else {
			ex.missing[k] = append(ex.missing[k], name)
		}
	}
}

func occupationReason(ex *explanation) string {
	pr := ex.pr
	if ex.x[FOccupation] < 0.4 || pr.occ < 0 {
		return ""
	}
	on := ex.e.occs[pr.occ].name
	if on == "" {
		on = pr.Post.Title
	}
	if ex.ge.occSource(pr.occ) == 2 {
		return "专业对口：" + ex.gc.Major.Label() + " → " + on + "（同类岗位常招此专业）"
	}
	return "专业对口：" + ex.gc.Major.Label() + " → " + on
}

func majorReason(ex *explanation) string {
	if ex.x[FMajor] <= 0 {
		return ""
	}
	gm := ex.gc.Major
	// MatchMajors(gm, the post's majors), from the request's memo
	switch ex.gc.MajorLevel(&ex.pr.postHot.PostFacts, &ex.pr.PostRestrictions) {
	case matcher.MajorExact:
		return "专业符合：岗位要求" + gm.Label()
	case matcher.MajorClass:
		cn := matcher.MajorClassName(gm.Class)
		if cn == "" {
			cn = "同一专业类"
		}
		return "专业相近：同属" + cn
	}
	return "相关专业：岗位接受相关专业"
}

func districtReason(ex *explanation) string {
	p := ex.pr.Post
	if p.District == "" || ex.ge == nil || ex.x[FDistrict] < 0.5 {
		return ""
	}
	if why := ex.ge.districtWhy[ex.pr.district+2]; why != "" {
		return "地点：" + p.District + "（" + why + "）"
	}
	return ""
}

func skillsReason(ex *explanation) string {
	if met, _ := ex.needs(false); len(met) > 0 {
		return "技能匹配：" + strings.Join(ex.metBy(met), "、")
	}
	return ""
}

func certificatesReason(ex *explanation) string {
	if met, _ := ex.needs(true); len(met) > 0 {
		return "证书符合：" + strings.Join(ex.metBy(met), "、")
	}
	return ""
}

// metBy names, for each need the graduate meets through another term of
// theirs (a higher level, a kind of it), that term: 普通话二级甲等（您有普通话一级乙等）.
func (ex *explanation) metBy(met []string) []string {
	held := ex.gc.held()
	out := make([]string, len(met))
	for i, need := range met {
		out[i] = need
		if by, ok := held.SatisfiedBy(need); ok && by != need && normSkill(by) != normSkill(need) {
			out[i] = need + "（您有" + by + "）"
		}
	}
	return out
}

func textReason(ex *explanation) string {
	if ex.x[FText] < 0.1 || ex.ge == nil {
		return ""
	}
	if terms := ex.e.sharedWords(ex.ge, ex.pr, 3); len(terms) > 0 {
		return "内容相关：" + strings.Join(terms, "、")
	}
	return ""
}

func salaryText(lo, hi float64) string {
	r := func(v float64) float64 { return math.Round(v/100) * 100 }
	if r(lo) == r(hi) || lo == 0 {
		return strconv.FormatFloat(r(hi), 'f', 0, 64) + "元/月"
	}
	return strconv.FormatFloat(r(lo), 'f', 0, 64) + "-" + strconv.FormatFloat(r(hi), 'f', 0, 64) + "元/月"
}

// sharedWords lists the n terms that contribute most to the text
// relevance and are words of the post as written: the analyzer also
// indexes sub-words (理学 of 护理学, 管理 of 档案管理), which match but are
// not what the post says. Without a word segmentation (an analyzer that
// cannot cut words) it lists none: bigrams are fragments.
func (e *Engine) sharedWords(ge *gradEngine, pr *postRec, n int) []string {
	if _, ok := e.an.(wordCutter); !ok {
		return nil
	}
	type tw struct {
		t string
		w float32
	}
	// Only the words shown in the post can be said; the best n of them by
	// weight (then by word) are picked by selection, not a sort of every
	// shared term (a served request explains 8 items: this was 4% of its
	// CPU with sort.Slice).
	var shown []uint64 // found on the first shared term
	ts := make([]tw, 0, 32)
	// A profile has a few terms, a post a hundred or more: each profile
	// term is searched for in the rest of the post's, not stepped to.
	j := 0
	for i, q := range ge.qIDs {
		k, found := slices.BinarySearch(pr.terms[j:], q)
		j += k
		if j >= len(pr.terms) {
			break
		}
		if !found {
			continue
		}
		if shown == nil {
			shown = e.shownTerms(pr)
		}
		if shown[j>>6]&(1<<(j&63)) != 0 {
			ts = append(ts, tw{e.termStr[pr.terms[j]], ge.qW[i] * pr.tw[j]})
		}
		j++
	}
	var out []string
	for k := 0; k < min(n, len(ts)); k++ {
		best := k
		for c := k + 1; c < len(ts); c++ {
			if ts[c].w > ts[best].w || (ts[c].w == ts[best].w && ts[c].t < ts[best].t) {
				best = c
			}
		}
		ts[k], ts[best] = ts[best], ts[k]
		out = append(out, ts[k].t)
	}
	return out
}

// shownTerms marks which of the post's terms are its title and
// description words, normalised as sharedWords compares them (bit j:
// pr.terms[j]), cut once per post, or taken from the ShownStore. pr.terms
// never change once a postRec is placed (an edited post is a new
// postRec), so the bits stay right.
func (e *Engine) shownTerms(pr *postRec) []uint64 {
	if s := pr.shown.Load(); s != nil {
		return *s
	}
	s := make([]uint64, (len(pr.terms)+63)/64+1)
	if e.shown != nil {
		// pr.terms are the keys of the counts kept under the same key (a
		// hash of the texts, title and description among them), so the
		// kept words mark the same bits a cut would.
		key := termKey(postTexts(pr.Post))
		if ws, ok := e.shown.Shown(key); ok {
			e.markShown(pr, s, ws)
			pr.shown.Store(&s)
			return s
		}
		defer func() { e.shown.PutShown(key, e.shownWords(pr, s)) }()
	}
	p := pr.Post
	words := map[string]bool{}
	for _, text := range []string{p.Title, p.Description} {
		for _, w := range e.words(text) {
			words[strings.ToLower(normSkill(w))] = true
		}
	}
	for j, id := range pr.terms {
		if words[e.termStr[id]] {
			s[j>>6] |= 1 << (j & 63)
		}
	}
	pr.shown.Store(&s)
	return s
}

// markShown sets s's bits of the post's terms among ws.
func (e *Engine) markShown(pr *postRec, s []uint64, ws []string) {
	for _, w := range ws {
		id, ok := e.termIDs[w]
		if !ok {
			continue
		}
		if j, found := slices.BinarySearch(pr.terms, id); found {
			s[j>>6] |= 1 << (j & 63)
		}
	}
}

// shownWords are the terms s marks, as a ShownStore keeps them.
func (e *Engine) shownWords(pr *postRec, s []uint64) []string {
	ws := []string{}
	for j, id := range pr.terms {
		if s[j>>6]&(1<<(j&63)) != 0 {
			ws = append(ws, e.termStr[id])
		}
	}
	return ws
}

// licenceReason names the licence the post requires that a fresh graduate
// cannot hold yet, and the practice its rule asks first.
func licenceReason(ex *explanation) string {
	if ex.x[FLicence] != 0 {
		return ""
	}
	for i, id := range ex.pr.needs {
		if i >= 64 || ex.pr.licMask&(1<<i) == 0 || (ex.ge != nil && ex.ge.has(id)) {
			continue
		}
		name := ex.e.skillName[id]
		if l, ok := catalog.LicenceForPractice(name); ok {
			return fmt.Sprintf("执业资格：岗位要求%s，须毕业后从业满%d年方可取得", name, l.Years)
		}
	}
	return ""
}

// regulationReason says that the post's occupation needs a licence the
// graduate's major cannot lead to.
func regulationReason(ex *explanation) string {
	r, ok := ex.e.barredRegulation(ex.ge, ex.pr.occ)
	if !ok {
		return ""
	}
	return fmt.Sprintf("专业限制：%s须取得%s，报考须具有相应专业学历，您的专业%s不在其列", r.Name, r.Licence, ex.gc.Major.Label())
}

// subjectReason says that a subject teacher's post teaches what the
// graduate's major does not.
func subjectReason(ex *explanation) string {
	s := ex.pr.subjects
	if s == 0 || ex.ge == nil || s&ex.ge.subjects != 0 {
		return ""
	}
	return fmt.Sprintf("学科不符：岗位任教%s，与您的专业%s不对口", strings.Join(catalog.SubjectNames(s), "、"), ex.gc.Major.Label())
}
