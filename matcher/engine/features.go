package engine

import (
	"math"
	"slices"
	"strings"
	"unicode"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

// Features, in the order of the weight vector. Every feature is in [0,1].
const (
	FText       = iota // cosine of tf-idf vectors: profile text vs post text
	FMajor             // the post names majors and the graduate's meets them
	FOccupation        // major ↔ occupation affinity: catalogue hierarchy and what posts ask for
	FSkills            // share of the post's skills and certificates the graduate has
	FDegree            // how closely the degree fits the minimum (over-qualification scores lower)
	FDistrict          // post district vs residence, hukou and preferred districts
	FSalary            // post salary vs expected salary
	FChannel           // the graduate's preference for the post's channel
	FFresh             // how recently the post was published
	FPlaces            // places left (log scale)
	FPriority          // a policy priority applies (乌鲁木齐户籍应届毕业生入伍优先)
	NumFeatures
)

// FeatureNames are the features' names, as used in weights.json and in
// Item.Contributions.
var FeatureNames = [NumFeatures]string{"text", "major", "occupation", "skills", "degree", "district", "salary", "channel", "fresh", "places", "priority"}

// postHot is the part of a compiled post the scan reads for every post:
// the rules' facts (matcher.PostFacts) and the static features as small
// numbers, kept in one contiguous array by the engine so a scan over
// 250,000 posts streams through memory instead of chasing a pointer per
// post.
type postHot struct {
	matcher.PostFacts
	posted   int64 // Unix seconds; 0 unknown
	salLo    float64
	salHi    float64
	placesF  float64
	occ      int32
	chIdx    int8
	district int8 // index in catalog.UrumqiDistricts; -1 elsewhere, -2 unknown
	nNeeds   uint8
	needs    [hotNeeds]uint32 // the first needs, inline: most posts ask for few
	salOK    bool
	live     bool // the engine holds a post in this slot
}

const hotNeeds = 6

// postRec is a post compiled for matching: postHot, the post and what
// only some posts restrict (matcher.PostRestrictions), and what only the
// returned items need.
type postRec struct {
	postHot
	matcher.PostRestrictions
	slot    int32
	kind    matcher.Kind
	channel matcher.Channel

	needs  []uint32 // skill and certificate ids, sorted
	isCert []bool   // parallel to needs
	terms  []uint32 // term ids, sorted
	tw     []float32
}

// compilePost compiles the parts of a post that need no engine (the
// rules' facts and static features). The engine fills occ, needs, terms
// and the interned majors.
func compilePost(p *matcher.Post) *postRec {
	pr := &postRec{kind: p.Kind, channel: p.Channel}
	pr.PostFacts, pr.PostRestrictions = matcher.NewPostFacts(p)
	pr.occ = -1
	if pr.kind == "" {
		pr.kind = matcher.KindJob
	}
	pr.chIdx = int8(slices.Index(matcher.Channels, p.Channel))
	pr.live = true
	pr.district = districtIndex(p.District)
	pr.salLo, pr.salHi, pr.salOK = p.Salary.Monthly()
	if !p.PostedAt.IsZero() {
		pr.posted = p.PostedAt.Unix()
	}
	pr.placesF = math.Min(1, math.Log1p(float64(pr.Places))/math.Log1p(50))
	return pr
}

func districtIndex(name string) int8 {
	name = strings.TrimSpace(name)
	if name == "" {
		return -2
	}
	for i, d := range catalog.UrumqiDistricts {
		if d.Name == name {
			return int8(i)
		}
	}
	return -1
}

// districtAdjacent is a simple adjacency table of Urumqi's eight divisions
// (shared borders, by catalog.UrumqiDistricts index): 天山, 沙依巴克, 新市,
// 水磨沟, 头屯河, 达坂城, 米东, 乌鲁木齐县. Commuting between neighbours is
// usually reasonable; across the city it is not.
var districtAdjacent = func() [8][8]bool {
	var a [8][8]bool
	edges := [][2]int{
		{0, 1}, {0, 2}, {0, 3}, {0, 5}, {0, 7}, // 天山
		{1, 2}, {1, 4}, {1, 7}, // 沙依巴克
		{2, 3}, {2, 4}, {2, 6}, // 新市
		{3, 5}, {3, 6}, // 水磨沟
		{4, 7},         // 头屯河
		{5, 6}, {5, 7}, // 达坂城
	}
	for _, e := range edges {
		a[e[0]][e[1]], a[e[1]][e[0]] = true, true
	}
	return a
}()

// normSkill folds a skill or certificate name for exact comparison:
// full-width to half-width, lower case, no spaces or punctuation.
func normSkill(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '！' && r <= '～' {
			r -= 0xFEE0
		}
		if unicode.IsSpace(r) || r == '·' || r == '•' {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// BigramAnalyzer is a dependency-free Analyzer: lower-cased runs of
// letters and digits as words, and overlapping character bigrams (plus the
// single character of one-character runs) for Han text. It is the fallback
// when no segmenter is given; production passes the index's gse analyzer.
type BigramAnalyzer struct{}

// Terms implements Analyzer.
func (BigramAnalyzer) Terms(text string) []string {
	var out []string
	var han []rune
	var word []rune
	flushHan := func() {
		switch len(han) {
		case 0:
		case 1:
			out = append(out, string(han))
		default:
			for i := 0; i+1 < len(han); i++ {
				out = append(out, string(han[i:i+2]))
			}
		}
		han = han[:0]
	}
	flushWord := func() {
		if len(word) > 0 {
			out = append(out, string(word))
			word = word[:0]
		}
	}
	for _, r := range text {
		if r >= '！' && r <= '～' {
			r -= 0xFEE0
		}
		switch {
		case unicode.Is(unicode.Han, r):
			flushWord()
			han = append(han, r)
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '+' || r == '#':
			flushHan()
			word = append(word, unicode.ToLower(r))
		default:
			flushHan()
			flushWord()
		}
	}
	flushHan()
	flushWord()
	return out
}

// stopTerms are too common in posts to say anything about fit.
var stopTerms = map[string]bool{"的": true, "和": true, "与": true, "及": true, "等": true, "或": true, "有": true, "在": true, "了": true, "是": true, "为": true, "对": true}

// termCounts counts useful terms of the texts, each text weighted by rep.
func termCounts(an matcher.Analyzer, texts []string, reps []int) map[string]float64 {
	tf := map[string]float64{}
	for i, t := range texts {
		if t == "" {
			continue
		}
		for _, term := range an.Terms(t) {
			term = strings.ToLower(strings.TrimSpace(term))
			if term == "" || stopTerms[term] || isPunct(term) {
				continue
			}
			tf[term] += float64(reps[i])
		}
	}
	return tf
}

func isPunct(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

// postTexts is what the text feature reads of a post; the title counts twice.
func postTexts(p *matcher.Post) ([]string, []int) {
	return []string{p.Title, p.Description, strings.Join(p.Majors, " "), strings.Join(p.Skills, " "), strings.Join(p.Certificates, " ")},
		[]int{2, 1, 1, 1, 1}
}

// profileTexts is what the text feature reads of a graduate: major, skills
// and certificates (never personal data).
func profileTexts(g *matcher.Graduate) ([]string, []int) {
	return []string{g.Major, strings.Join(g.Skills, " "), strings.Join(g.Certificates, " ")}, []int{2, 1, 1}
}

// sparseDot is the dot product of two sparse vectors with sorted ids.
func sparseDot(ai []uint32, aw []float32, bi []uint32, bw []float32) float64 {
	var s float64
	i, j := 0, 0
	for i < len(ai) && j < len(bi) {
		switch {
		case ai[i] < bi[j]:
			i++
		case ai[i] > bi[j]:
			j++
		default:
			s += float64(aw[i]) * float64(bw[j])
			i++
			j++
		}
	}
	return s
}

// featureVector fills x with the features of (gc, pr); text is the already
// computed text relevance. It returns the major level for explanations.
func featureVector(gc *gradCtx, pr *postRec, text float64, x []float64) {
	featureVectorHot(gc, &pr.postHot, pr, text, x)
}

// featureVectorHot reads h for everything and pr only for posts that name
// majors or skills.
func featureVectorHot(gc *gradCtx, h *postHot, pr *postRec, text float64, x []float64) {
	ge := gc.eng
	x[FText] = clamp01(text)

	x[FMajor] = 0
	if h.HasMajors {
		switch gc.MajorLevel(&h.PostFacts, &pr.PostRestrictions) {
		case matcher.MajorExact:
			x[FMajor] = 1
		case matcher.MajorClass:
			x[FMajor] = 0.8
		case matcher.MajorCategory:
			if h.Related {
				x[FMajor] = 0.6
			}
		case matcher.MajorSimilar:
			if h.Related {
				x[FMajor] = 0.5
			}
		}
	}

	x[FOccupation] = 0
	if h.occ >= 0 && ge != nil {
		x[FOccupation] = ge.occAffinity(h.occ)
	}

	x[FSkills] = 0.5
	if h.nNeeds > 0 && ge != nil {
		met := 0
		needs := h.needs[:min(int(h.nNeeds), hotNeeds)]
		if h.nNeeds > hotNeeds {
			needs = pr.needs
		}
		for _, id := range needs {
			if ge.has(id) {
				met++
			}
		}
		x[FSkills] = float64(met) / float64(len(needs))
	}

	switch d := int(gc.Degree) - int(h.DegreeMin); {
	case h.DegreeMin == matcher.DegreeNone:
		x[FDegree] = 0.6
	case d == 0:
		x[FDegree] = 1
	case d == 1:
		x[FDegree] = 0.8
	default:
		x[FDegree] = 0.6
	}

	x[FDistrict] = 0.5
	if ge != nil {
		x[FDistrict] = ge.districtFit[h.district+2]
	}

	x[FSalary] = 0.5
	if h.salOK && gc.Graduate.ExpectedSalary > 0 {
		e := gc.Graduate.ExpectedSalary
		if h.salHi >= e {
			x[FSalary] = 1
		} else {
			x[FSalary] = clamp01(1 - 2*(e-h.salHi)/e)
		}
	}

	x[FChannel] = 0.5
	if ge != nil && ge.hasChannelPrefs {
		x[FChannel] = 0
		if h.chIdx >= 0 {
			x[FChannel] = ge.channelPref[h.chIdx]
		}
	}

	x[FFresh] = 0.5
	if h.posted != 0 {
		x[FFresh] = freshness((gc.NowTime.Unix() - h.posted) / 86400)
	}

	x[FPlaces] = h.placesF

	x[FPriority] = 0
	if h.Military && gc.Priority {
		x[FPriority] = 1
	}
}

// freshness decays with whole days since publication, e^(-days/30).
func freshness(days int64) float64 {
	if days < 0 {
		days = 0
	}
	if days < int64(len(freshTable)) {
		return freshTable[days]
	}
	return math.Exp(-float64(days) / 30)
}

var freshTable = func() (t [400]float64) {
	for i := range t {
		t[i] = math.Exp(-float64(i) / 30)
	}
	return
}()

func clamp01(v float64) float64 {
	if v < 0 || math.IsNaN(v) {
		return 0
	}
	if v > 1 {
		return 1
	}
	return v
}
