package engine

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// Ranker ranks many graduates against one engine: the nightly batch's entry
// (Engine.NewRanker, Ranker.Rank). For the same graduate and query it
// returns the list Recommend returns — the same posts, order and scores;
// TestRankEqualsRecommend holds the two equal — but it is built for
// volume:
//
//   - the eligibility rules as bitsets: each rule reads one fact of the
//     graduate (their degree, age, hukou, major …), so the posts a rule lets
//     through are a bitset shared by every graduate with the same value of
//     that fact (a rule class, ruleClassOf); a graduate's eligible posts are
//     the AND of one bitset per rule, and the scan visits only their set
//     bits (TestRuleClassesAreTheRules holds the bitsets equal to the rules);
//   - a bound: a post that cannot enter its channel's short list (an upper
//     bound of its score, from a dense per-post array and the text score,
//     below the list's worst kept score) skips the features altogether; the
//     others are scored by the same featureVectorHot and scorer as online,
//     so a change to a feature or to the weights flows in;
//   - nothing is explained until the caller picks what it keeps
//     (Ranked.Item): the batch explains the 8 items it publishes, not the
//     24 candidates the capacity pass chooses from.
//
// A Ranker belongs to the engine's state when it was made: after an
// Upsert, Remove or Compact its Rank returns an error (make a new one).
type Ranker struct {
	e   *Engine
	gen uint64
	now time.Time

	rules []matcher.Rule
	// bounds are, per slot, what the scan reads before it knows whether
	// the post can enter a short list (slotBound); pref and subjects are
	// what it reads of some posts only (slotBound.hasSubj, and the posts
	// whose fit bound reaches the threshold), apart so that the pass over
	// every eligible post reads 16 bytes a post, not 32.
	bounds      []slotBound
	pref        []float64
	subjects    []uint32
	cut         float64 // the fit bound from which the preferences count (upper)
	wText, wOcc float64
	// idRank is each live slot's post ID's place in ID order: the tie
	// break of equal scores (candHeap.below) as integers
	idRank []int32
	// emp is each slot's employer ID (employerIDs over every slot): the
	// per-employer cap compares integers, not names.
	emp []int32
	// headroom is how many candidates beyond the limit each channel's
	// short list holds on a list's first scan (0: max(3·limit, 32), the
	// online default); see SetHeadroom.
	headroom int
	// bucketTop and bucketScale place a bound in its bucket (bucketRange).
	bucketTop, bucketScale float64

	mu     sync.Mutex
	masks  map[ruleClass][]uint64
	wanted map[postFilter][]uint64 // by query filter: the posts it wants (online.go)
}

// ruleClass names the graduates one rule treats alike: the rule and the
// value of the one graduate fact it reads.
type ruleClass struct {
	rule  int
	s     string
	n     int64
	major matcher.MajorRef // the majors rule's: compared whole (it was the %#v of it, 1% of a served request's CPU)
}

// boundSlack absorbs the rounding difference between the bound's sums and
// the scorer's dot products, so a post whose true score ties the kept
// worst is never skipped.
const boundSlack = 1e-9

// NewRanker prepares the engine for ranking many graduates with Rank.
func (e *Engine) NewRanker() *Ranker {
	e.mu.RLock()
	defer e.mu.RUnlock()
	r := &Ranker{e: e, gen: e.gen, now: e.now(), rules: matcher.Rules(), masks: map[ruleClass][]uint64{}}
	r.wText, r.wOcc = e.sc.fit[FText], e.sc.fit[FOccupation]
	r.bounds = make([]slotBound, len(e.hot))
	r.pref, r.subjects = make([]float64, len(e.hot)), make([]uint32, len(e.hot))
	r.cut = e.sc.thr - 2*boundSlack*(1+math.Abs(e.sc.thr))
	gc := &gradCtx{GraduateFacts: matcher.GraduateFacts{NowTime: r.now, Now: r.now.UnixNano()}}
	var x [NumFeatures]float64
	for slot := range e.hot {
		h := &e.hot[slot]
		if !h.live {
			continue
		}
		postBound(gc, h, x[:])
		b := slotBound{fit: dot(e.sc.fit, x[:]), occ: h.occ, hasSubj: h.subjects != 0, heap: h.chIdx + 1, district: h.district}
		if h.DegreeMin >= 0 && h.DegreeMin < maxBoundDegree {
			b.deg = int8(h.DegreeMin) + 1
		}
		r.bounds[slot], r.pref[slot], r.subjects[slot] = b, dot(e.sc.pref, x[:]), h.subjects
	}
	r.bucketRange()
	r.idRank = idRanks(e)
	r.emp = employerIDs(len(e.slots), func(slot int) string {
		if pr := e.slots[slot]; pr != nil {
			return employerKey(pr.Post)
		}
		return ""
	})
	return r
}

// SetHeadroom sets how many candidates beyond the limit each channel's
// short list holds on a list's first scan (n ≤ 0: the default). It never
// changes a list — a list that needs more is scanned again with longer
// short lists — only the cost: a shorter short list fills sooner, so the
// bound skips more posts unscored, and a list that needs more costs a
// second scan. The nightly batch ranks 24 candidates a graduate with 8
// (benchmarks/RESULTS.md): the default's 96 per channel scored about a
// third more posts than 32 for 0.6% more scans. Call it before Rank.
func (r *Ranker) SetHeadroom(n int) { r.headroom = max(n, 0) }

// idRanks numbers the live slots in post ID order (dead slots are never
// candidates).
func idRanks(e *Engine) []int32 {
	order := make([]int32, 0, e.live)
	for slot, pr := range e.slots {
		if pr != nil {
			order = append(order, int32(slot))
		}
	}
	slices.SortFunc(order, func(a, b int32) int { return strings.Compare(e.slots[a].Post.ID, e.slots[b].Post.ID) })
	rank := make([]int32, len(e.slots))
	for i, slot := range order {
		rank[slot] = int32(i)
	}
	return rank
}

// slotBound is what the scan reads of an eligible post before it knows
// whether the post can enter its channel's short list, packed apart from
// postHot: a scan visits about 6,000 eligible posts of the generated set
// and scores about a quarter of them, and the load of each one's postHot
// (120 bytes) to decide was a tenth of a served request's CPU. Packed (32
// bytes), with the query's filter as a bitset, Recommend took about 10%
// less CPU in the same process (benchmarks/RESULTS.md, "Served load").
// Now 16 bytes: the preference part and the subjects, which the bound
// reads for a minority of posts, are Ranker.pref and Ranker.subjects.
type slotBound struct {
	// fit is the upper bound of the fit part of the score without text
	// and occupation (added per graduate): post-only features exact, the
	// others at their maximum; Ranker.pref is the preference part's.
	fit  float64
	occ  int32 // postHot.occ
	heap int8  // the channel's short list: postHot.chIdx + 1
	// deg and district are the post's DegreeMin + 1 (0: beyond
	// maxBoundDegree, bounded at 1) and postHot.district: the degree,
	// district and channel features are exact per graduate (boundAdj).
	deg, district int8
	hasSubj       bool // a subject teacher's post (Ranker.subjects)
}

// maxBoundDegree bounds the degrees boundAdj tabulates (matcher's degrees
// are a handful).
const maxBoundDegree = 16

// boundAdj is, for one graduate, how far below the bound's maximum (1) the
// degree, district and channel features are for each value of the post's
// degree, district and channel: subtracted from slotBound's sums, the bound
// is that much tighter and still a bound, the features being exactly these
// values (featureVectorHot). The degree weighs 1.6 of a fit threshold of
// 8.7 and a post asking no degree scores it 0.6: bounded at 1, the scan
// scored posts that could not enter the list.
type boundAdj struct {
	deg      [maxBoundDegree + 1]float64 // fit part, by slotBound.deg (0: none, 0)
	district [10]float64                 // preference part, by postHot.district + 2
	channel  [numChannels + 1]float64
}

// adjust is gc's boundAdj.
func (r *Ranker) adjust(gc *gradCtx) *boundAdj {
	a := &boundAdj{}
	w := r.e.sc.w
	for d := range maxBoundDegree {
		a.deg[d+1] = w[FDegree] * (1 - degreeFeature(gc.Degree, matcher.Degree(d)))
	}
	h := postHot{}
	for d := range a.district {
		h.district = int8(d - 2)
		a.district[d] = w[FDistrict] * (1 - districtFeature(gc.eng, &h))
	}
	for c := range a.channel {
		h.chIdx = int8(c - 1)
		a.channel[c] = w[FChannel] * (1 - channelFeature(gc.eng, &h))
	}
	return a
}

// upper is an upper bound of the score of the post in slot for the
// graduate of gc (whose boundAdj is a), whose text score with it is t.
func (r *Ranker) upper(gc *gradCtx, a *boundAdj, slot int, t float32) float64 {
	b := &r.bounds[slot]
	fit := b.fit + r.wText*clamp01(float64(t)) + r.wOcc*occupationOf(gc.eng, b.occ, r.subjects[slot])
	fit -= a.deg[b.deg] // 0 for a degree not tabulated: fit itself
	// The preferences count from the threshold on: a fit bound that is
	// the fit itself but for rounding must not fall just short of it. The
	// cut is a constant a little below the threshold (two slacks, where
	// the fit's own rounding is within one): adding the preference part,
	// which is ≥ 0, to a few more bounds keeps them bounds.
	if fit >= r.cut {
		return fit + r.pref[slot] - a.district[b.district+2] - a.channel[b.heap]
	}
	return fit
}

// postBound fills x with an upper bound of every feature of post h for any
// graduate: the features that depend on the post alone exactly (as
// featureVectorHot computes them), text and occupation 0 (added per
// graduate), every other feature — a new one too — its maximum, 1.
func postBound(gc *gradCtx, h *postHot, x []float64) {
	for i := range x {
		x[i] = 1
	}
	x[FText], x[FOccupation] = 0, 0
	if !h.HasMajors {
		x[FMajor] = 0
	}
	x[FExperience] = experienceFeature(h.expMin)
	if h.senior {
		x[FEntry] = 0
	}
	if !h.salOK {
		x[FSalary] = 0.5
	}
	x[FFresh] = freshFeature(gc, h)
	x[FPlaces] = h.placesF
	if !h.Military {
		x[FPriority] = 0
	}
}

func dot(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// Ranked is one graduate's ranked list from Rank, not yet explained.
type Ranked struct {
	GraduateID string
	Posts      []RankedPost
	r          *Ranker
	gc         *gradCtx
	cands      []cand
	// gaps, when set, are the graduate's best gapPosts posts of any kind
	// and channel, best first, from the list's first scan: the skill-gap
	// read of their course ranking (Ranked.Recommender).
	gaps []cand
}

// RankedPost is one post of a Ranked list: what a caller needs to choose
// among them; Ranked.Item explains it.
type RankedPost struct {
	PostID   string
	Kind     matcher.Kind
	Channel  matcher.Channel
	Employer string
	Score    float64 // as Item.Score
	// mixChannel is MixChannel(Channel), from the post's hot record
	// (postHot.chIdx + 1) while Rank holds the engine's lock: MixItems
	// reads it after the lock is released.
	mixChannel uint8
}

// Rank returns the graduate's list for q (jobs and internships; not
// courses), as Recommend would, unexplained.
func (r *Ranker) Rank(g *matcher.Graduate, q matcher.Query) (*Ranked, error) {
	if g == nil {
		return nil, &matcher.Error{Code: matcher.EINVALID, Field: "graduate", Message: "缺少毕业生信息", MessageEN: "no graduate"}
	}
	if err := q.Normalize(); err != nil {
		return nil, err
	}
	if q.Kind == matcher.KindCourse {
		return nil, matcher.Errorf(matcher.EINVALID, "批量排序不含培训课程", "Rank ranks posts, not courses")
	}
	e := r.e
	e.mu.RLock()
	defer e.mu.RUnlock()
	if e.gen != r.gen {
		return nil, fmt.Errorf("engine: ranker is stale: the engine changed after it was made")
	}
	return r.rankCompiled(g, e.compileGraduate(g, r.now, false), q), nil
}

// rankCompiled is Rank for the graduate g compiled as gc (as of r.now),
// q normalized; the caller holds e.mu for reading and has checked that r
// is not stale.
func (r *Ranker) rankCompiled(g *matcher.Graduate, gc *gradCtx, q matcher.Query) *Ranked {
	e := r.e
	sc := getScanScratch()
	defer scanScratches.Put(sc)
	sc.elig = r.eligible(gc, sc.elig)
	accp := e.textScores(gc.eng)
	defer e.accPool.Put(accp)
	var picked, gaps []cand
	if mq := militaryFirst(gc, &q); mq != nil {
		picked = r.rankMilitaryFirst(sc, gc, &q, mq, *accp)
	} else {
		picked, gaps = r.rankPostsGaps(sc, gc, &q, *accp)
	}
	out := &Ranked{GraduateID: g.ID, r: r, gc: gc, cands: picked, gaps: gaps, Posts: make([]RankedPost, len(picked))}
	for i, c := range picked {
		pr := e.slots[c.slot]
		out.Posts[i] = RankedPost{PostID: pr.Post.ID, Kind: pr.kind, Channel: pr.Post.Channel, Employer: pr.Post.Employer, Score: round4(c.score), mixChannel: uint8(e.hot[c.slot].chIdx + 1)}
	}
	return out
}

// Item explains the i-th post of the list as Recommend's item at the given
// rank.
func (rk *Ranked) Item(i, rank int) (matcher.Item, error) {
	e := rk.r.e
	e.mu.RLock()
	defer e.mu.RUnlock()
	if e.gen != rk.r.gen {
		return matcher.Item{}, fmt.Errorf("engine: ranker is stale: the engine changed after it was made")
	}
	c := rk.cands[i]
	return e.explainItem(rk.gc, e.slots[c.slot], float64(c.text), rank), nil
}

// items explains the whole list, as Item(i, i+1) for each i, under one
// read lock and from one itemArena; false when the engine changed after
// the Ranker was made.
func (rk *Ranked) items() ([]matcher.Item, bool) {
	e := rk.r.e
	e.mu.RLock()
	defer e.mu.RUnlock()
	if e.gen != rk.r.gen {
		return nil, false
	}
	a := newItemArena(len(rk.cands))
	out := make([]matcher.Item, len(rk.cands))
	for i, c := range rk.cands {
		out[i] = e.explainItemIn(a, rk.gc, e.slots[c.slot], float64(c.text), i+1)
	}
	return out, true
}

// rankPosts is rankPosts of the online path over the eligible bitset
// sc.elig. The list it returns is its own (diversify copies the picks out
// of sc's candidates).
//
// Each channel's short list starts at twice the list (at least 8 more):
// the lists are exact whatever m (a channel mix that reaches past a
// truncated short list scans again, longer), and shorter ones fill sooner,
// so their worst kept score rises sooner and the bound skips more. On the
// generated set (BenchmarkMatchRecommend's data, 3,000 graduates, top 8)
// the scan scored 886 posts a list with 40 a short list, 591 with 16, and
// scanned again for 1.8% and 2.9% of the lists.
func (r *Ranker) rankPosts(sc *scanScratch, gc *gradCtx, q *matcher.Query, acc []float32) []cand {
	picked, _ := r.rankPostsGaps(sc, gc, q, acc)
	return picked
}

// rankPostsGaps is rankPosts, and also, when q wants every kind and
// channel and the first scan's short lists hold at least gapPosts each,
// the first gapPosts posts of that scan: the graduate's best posts of any
// kind and channel — each is among its channel's best gapPosts, so the
// merged short lists begin with them in the order of the skill gaps' own
// scan (skillGaps), which they stand in for.
func (r *Ranker) rankPostsGaps(sc *scanScratch, gc *gradCtx, q *matcher.Query, acc []float32) (picked, gaps []cand) {
	m := max(2*q.Limit, q.Limit+8)
	if r.headroom > 0 {
		m = q.Limit + r.headroom
	}
	f := filterOf(q)
	count := r.bound(sc, gc, f, sc.elig, acc)
	for first := true; ; m *= 8 {
		ranked, truncated := r.scanBounded(sc, gc, &count, acc, m)
		if first && m >= gapPosts && f == (postFilter{ch: -1}) {
			gaps = slices.Clone(ranked[:min(len(ranked), gapPosts)])
		}
		first = false
		if picked, exact := diversify(r.e, gc, ranked, truncated, q, r.emp); exact {
			return picked, gaps
		}
	}
}

// rankMilitaryFirst is the online rankMilitaryFirst over the eligible bitset.
func (r *Ranker) rankMilitaryFirst(sc *scanScratch, gc *gradCtx, q, mq *matcher.Query, acc []float32) []cand {
	first := r.rankPosts(sc, gc, mq, acc)
	rq := *q
	rq.Limit = q.Limit + len(first)
	out := append([]cand(nil), first...)
	for _, c := range r.rankPosts(sc, gc, &rq, acc) {
		if len(out) == q.Limit {
			break
		}
		listed := false
		for _, f := range first {
			listed = listed || f.slot == c.slot
		}
		if !listed {
			out = append(out, c)
		}
	}
	return out
}

// eligible is the graduate's eligible posts: the AND of one bitset per
// rule, each shared by the graduate's class of that rule, written over
// dst's array when it is large enough.
func (r *Ranker) eligible(gc *gradCtx, dst []uint64) []uint64 {
	var out []uint64
	for i := range r.rules {
		m := r.mask(i, gc)
		if out == nil {
			out = append(dst[:0], m...)
			continue
		}
		for w := range out {
			out[w] &= m[w]
		}
	}
	return out
}

// mask is the bitset of live posts rule i lets the graduate's class
// through, computed once per class.
func (r *Ranker) mask(i int, gc *gradCtx) []uint64 {
	cls, shared := ruleClassOf(i, r.rules[i].Name, &gc.GraduateFacts)
	if shared {
		r.mu.Lock()
		m, ok := r.masks[cls]
		r.mu.Unlock()
		if ok {
			return m
		}
	}
	e := r.e
	m := make([]uint64, (len(e.hot)+63)/64)
	check := r.rules[i].Check
	for slot := range e.hot {
		if h := &e.hot[slot]; h.live && check(&gc.GraduateFacts, &h.PostFacts, e.restr[slot]) {
			m[slot>>6] |= 1 << (slot & 63)
		}
	}
	if shared {
		r.mu.Lock()
		r.masks[cls] = m
		r.mu.Unlock()
	}
	return m
}

// ruleClassOf names the class of graduates rule i (named name) treats
// alike: the one fact of matcher.GraduateFacts its check reads (see
// matcher/eligibility.go). A rule this table does not know is not shared:
// its bitset is computed for each graduate, which is slow but right.
func ruleClassOf(i int, name string, g *matcher.GraduateFacts) (ruleClass, bool) {
	c := ruleClass{rule: i}
	switch name {
	case matcher.RuleClosed, matcher.RulePlaces:
	case matcher.RuleDeadline:
		c.n = g.Now
	case matcher.RulePublicWelfare:
		c.n = b2i(g.Hardship)
	case matcher.RuleHukou:
		c.s = g.Hukou
	case matcher.RuleDegreeMin:
		c.n = int64(g.Degree)
	case matcher.RuleMajors:
		c.major = g.Major // every field: MatchMajors reads the whole reference
	case matcher.RuleInternshipWindow:
		c.n = b2i(g.InternshipOK)
	case matcher.RuleMilitaryAge:
		c.n = b2i(g.Military.OK)
	case matcher.RuleAgeMax, matcher.RuleAgeMin:
		c.n = int64(g.Age)
	default:
		return c, false
	}
	return c, true
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
