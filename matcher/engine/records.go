package engine

import (
	"math"
	"slices"
	"sync/atomic"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

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
	certMask uint8            // bit i: needs[i] is a certificate
	licMask  uint8            // bit i < hotNeeds: needs[i] is a licence for practice (catalog.LicenceForPractice); bit 7: one is among the rest
	expMin   uint8            // years of experience the post asks (capped at 255)
	senior   bool             // the title is above entry level (seniority.go)
	needs    [hotNeeds]uint32 // the first needs, inline: most posts ask for few
	subjects uint32           // a subject teacher's post: the subjects its title names (catalog.TitleSubjects)
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

	needs    []uint32 // skill and certificate ids, sorted
	isCert   []bool   // parallel to needs
	certMask uint64   // bit i: needs[i] is a certificate (the first 64)
	licMask  uint64   // bit i: needs[i] is a licence for practice (the first 64)
	terms    []uint32 // term ids, sorted
	tw       []float32
	// shown marks which of terms are words of the title and description
	// as the explanation shows them (bit j: terms[j]; see sharedWords),
	// found on the first explanation of the post and kept: cutting the
	// text was a quarter of a recommendation's time, for the same few
	// hundred posts every time, and looking each shared term up in a map
	// of the words afterwards was 3% of a served request's CPU.
	shown atomic.Pointer[[]uint64]
	// notes are the item's reasons that depend on the post alone
	// (explain_post.go), written on its first explanation.
	notes atomic.Pointer[postNotes]
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
	pr.expMin = uint8(min(max(p.ExperienceMin, 0), math.MaxUint8))
	return pr
}
