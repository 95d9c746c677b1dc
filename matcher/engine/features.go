package engine

import (
	"math"
	"slices"
	"strings"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// Features, in the order of the weight vector. Every feature is in [0,1].
const (
	FText         = iota // cosine of tf-idf vectors: profile text vs post text
	FMajor               // the post names majors and the graduate's meets them
	FOccupation          // major ↔ occupation affinity of the post's occupation, when the classifier named one
	FSkills              // share of the post's skills the graduate has (by the catalogue's hierarchy)
	FCertificates        // share of the post's certificates the graduate holds (by the hierarchy); 0.5 when it names none
	FDegree              // how closely the degree fits the minimum (over-qualification scores lower)
	FExperience          // the post asks no work experience of a graduate who has none: 1, 1–2 years 0.5, 3 or more 0
	FEntry               // the title is not above entry level (经理, 主管, 资深 … without 储备, 助理 …)
	FLicence             // the post requires no licence a fresh graduate cannot hold (执业医师, CPA …) that the graduate lacks
	FDistrict            // post district vs residence, hukou and preferred districts
	FSalary              // post salary vs expected salary
	FChannel             // the graduate's preference for the post's channel
	FFresh               // how recently the post was published
	FPlaces              // places left (log scale)
	FPriority            // a policy priority applies (乌鲁木齐户籍应届毕业生入伍优先)
	NumFeatures
)

// FeatureNames are the features' names, as used in weights.json and in
// Item.Contributions.
var FeatureNames = [NumFeatures]string{"text", "major", "occupation", "skills", "certificates", "degree", "experience", "entry", "licence", "district", "salary", "channel", "fresh", "places", "priority"}

// featureOrder and courseFeatureOrder are the features' indexes in byte
// order of their names: the order of an item's matcher.Contributions.
var featureOrder, courseFeatureOrder = nameOrder(FeatureNames[:]), nameOrder(CourseFeatureNames[:])

func nameOrder(names []string) []int {
	out := make([]int, len(names))
	for i := range out {
		out[i] = i
	}
	slices.SortFunc(out, func(a, b int) int { return strings.Compare(names[a], names[b]) })
	return out
}

// featureVector fills x with the features of (gc, pr); text is the already
// computed text relevance.
func featureVector(gc *gradCtx, pr *postRec, text float64, x []float64) {
	featureVectorHot(gc, &pr.postHot, &pr.PostRestrictions, pr, text, x)
}

// featureVectorHot reads h for everything, r only for posts that name majors
// and pr only for posts with more skills than h holds inline. It runs for every eligible
// post of a scan: each feature is a small function the compiler inlines,
// called directly (a new feature: a constant above, its name in
// FeatureNames, a line here, a weight in weights.json and a reason writer
// in explain.go).
func featureVectorHot(gc *gradCtx, h *postHot, r *matcher.PostRestrictions, pr *postRec, text float64, x []float64) {
	ge := gc.eng
	x[FText] = clamp01(text)
	x[FMajor] = majorFeature(gc, h, r)
	x[FOccupation] = occupationFeature(ge, h)
	x[FSkills], x[FCertificates] = skillsFeatures(ge, h, pr)
	x[FDegree] = degreeFeature(gc.Degree, h.DegreeMin)
	x[FExperience] = experienceFeature(h.expMin)
	x[FEntry] = 1
	if h.senior {
		x[FEntry] = 0
	}
	x[FLicence] = licenceFeature(ge, h, pr)
	x[FDistrict] = districtFeature(ge, h)
	x[FSalary] = salaryFeature(gc.Graduate.ExpectedSalary, h)
	x[FChannel] = channelFeature(ge, h)
	x[FFresh] = freshFeature(gc, h)
	x[FPlaces] = h.placesF
	x[FPriority] = 0
	if h.Military && gc.Priority {
		x[FPriority] = 1
	}
}

// majorFeature: the post names majors and the graduate's meets them; a
// 门类 or a similar name counts only when the post says 相关专业.
func majorFeature(gc *gradCtx, h *postHot, r *matcher.PostRestrictions) float64 {
	if !h.HasMajors {
		return 0
	}
	switch gc.MajorLevel(&h.PostFacts, r) {
	case matcher.MajorExact:
		return 1
	case matcher.MajorClass:
		return 0.8
	case matcher.MajorCategory:
		if h.Related {
			return 0.6
		}
	case matcher.MajorSimilar:
		if h.Related {
			return 0.5
		}
	}
	return 0
}

// occupationFeature is the major's affinity to the post's occupation; a
// teacher post for a subject the major does not teach has none (a 数学
// post is under 高级中学教师 as a 语文 one is).
func occupationFeature(ge *gradEngine, h *postHot) float64 {
	return occupationOf(ge, h.occ, h.subjects)
}

// occupationOf is occupationFeature of a post's occupation and subjects.
func occupationOf(ge *gradEngine, occ int32, subjects uint32) float64 {
	if occ < 0 || ge == nil || (subjects != 0 && subjects&ge.subjects == 0) {
		return 0
	}
	return ge.occAffinity(occ)
}

// licenceFeature is 0 when the post requires a licence a fresh graduate
// cannot hold (catalog.LicenceForPractice: 执业医师资格证, 执业药师, CPA,
// 中级职称, 建造师 …) and the graduate does not hold it (or one above it in
// the hierarchy), else 1. Bit 7 of h.licMask says a licence is among the
// needs kept only in pr.
func licenceFeature(ge *gradEngine, h *postHot, pr *postRec) float64 {
	if h.licMask == 0 || ge == nil {
		return 1
	}
	needs, mask := h.needs[:min(int(h.nNeeds), hotNeeds)], uint64(h.licMask)
	if h.nNeeds > hotNeeds {
		needs, mask = pr.needs, pr.licMask
	}
	for i, id := range needs {
		if i < 64 && mask&(1<<i) != 0 && !ge.has(id) {
			return 0
		}
	}
	return 1
}

// skillsFeatures are the shares of the post's skills and of its
// certificates the graduate has, a need met by the term itself or by one
// below it in the catalogue's hierarchy (ge.has reads the graduate's
// implied set). A post naming none scores 0.5 (neutral): a post that names
// a licence the graduate holds is a better sign than one that names
// nothing, and one naming a licence they lack (执业医师 for a fresh
// graduate) a worse one.
func skillsFeatures(ge *gradEngine, h *postHot, pr *postRec) (skills, certs float64) {
	if h.nNeeds == 0 || ge == nil {
		return 0.5, 0.5
	}
	needs, certMask := h.needs[:min(int(h.nNeeds), hotNeeds)], uint64(h.certMask)
	if h.nNeeds > hotNeeds {
		needs, certMask = pr.needs, pr.certMask
	}
	var nS, mS, nC, mC int
	for i, id := range needs {
		cert := i < 64 && certMask&(1<<i) != 0
		has := ge.has(id)
		switch {
		case cert:
			nC++
			if has {
				mC++
			}
		default:
			nS++
			if has {
				mS++
			}
		}
	}
	skills, certs = 0.5, 0.5
	if nS > 0 {
		skills = float64(mS) / float64(nS)
	}
	if nC > 0 {
		certs = float64(mC) / float64(nC)
	}
	return skills, certs
}

// degreeFeature: an exact fit scores highest, over-qualification lower.
func degreeFeature(have, need matcher.Degree) float64 {
	switch d := int(have) - int(need); {
	case need == matcher.DegreeNone:
		return 0.6
	case d == 0:
		return 1
	case d == 1:
		return 0.8
	}
	return 0.6
}

func districtFeature(ge *gradEngine, h *postHot) float64 {
	if ge == nil {
		return 0.5
	}
	return ge.districtFit[h.district+2]
}

// salaryFeature: 1 when the post pays at least what the graduate expects,
// falling to 0 at half of it; 0.5 when either is unknown.
func salaryFeature(expected float64, h *postHot) float64 {
	if !h.salOK || expected <= 0 {
		return 0.5
	}
	if h.salHi >= expected {
		return 1
	}
	return clamp01(1 - 2*(expected-h.salHi)/expected)
}

func channelFeature(ge *gradEngine, h *postHot) float64 {
	if ge == nil || !ge.hasChannelPrefs {
		return 0.5
	}
	if h.chIdx < 0 {
		return 0
	}
	return ge.channelPref[h.chIdx]
}

func freshFeature(gc *gradCtx, h *postHot) float64 {
	if h.posted == 0 {
		return 0.5
	}
	return freshness((gc.NowTime.Unix() - h.posted) / 86400)
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
