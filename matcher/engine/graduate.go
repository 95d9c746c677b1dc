package engine

import (
	"math"
	"slices"
	"strings"
	"sync/atomic"
	"time"
	"unicode"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

// gradCtx is a graduate compiled for one request: the rules' facts
// (matcher.GraduateFacts) and the engine's part (skills ids, text vector,
// occupation affinity, district and channel tables).
type gradCtx struct {
	matcher.GraduateFacts
	eng *gradEngine
	// holder is the graduate's skills and certificates resolved in the
	// catalogue, made on the first explanation that names one (held) and
	// kept for the other items: resolving them again for each item was
	// most of metBy. Atomic: a Ranked's items may be explained at once.
	holder atomic.Pointer[catalog.Holder]
}

// held returns the graduate's skills and certificates resolved, for
// metBy's SatisfiedBy.
func (gc *gradCtx) held() *catalog.Holder {
	if h := gc.holder.Load(); h != nil {
		return h
	}
	g := gc.Graduate
	h := catalog.NewHolder(slices.Concat(g.Skills, g.Certificates))
	gc.holder.Store(h) // a racing explanation makes the same holder
	return h
}

// compileGraduate compiles g for a request at now. single compiles it for
// one post only (reverse matching over many graduates): no per-request
// tables.
func (e *Engine) compileGraduate(g *matcher.Graduate, now time.Time, single bool) *gradCtx {
	gc := &gradCtx{GraduateFacts: matcher.NewGraduateFacts(g, e.pol, now)}
	if !single {
		gc.UseMajorVerdicts(e.majorVerdictsFor(gc.Major))
	}
	gc.eng = e.compileGraduateExtras(gc, single)
	return gc
}

// majorKey tells graduate majors apart: every field of the reference.
func majorKey(major matcher.MajorRef) string {
	key := major.Code + "\x00" + major.Class + "\x00" + major.Category + "\x00" + major.Name + "\x00" + major.Alias + "\x00" + major.ClassName
	if major.ClassOnly {
		key += "\x00class"
	}
	return key
}

// maxMajorVerdicts bounds the majors cached in majorVerdicts (and in
// occByMajor).
const maxMajorVerdicts = 8192

// majorVerdictsFor returns the majors rule's verdicts for a graduate with
// major on every list posts ask for, computed on the first request of a
// graduate with that major since the lists last grew. The caller holds
// e.mu (read or write), so the lists do not change meanwhile.
func (e *Engine) majorVerdictsFor(major matcher.MajorRef) []int8 {
	key := majorKey(major)
	if t, ok := e.majorVerdicts.Load(key); ok && len(t) == len(e.majorSets) {
		return t
	}
	t := matcher.MajorVerdicts(major, e.majorSets, len(e.majorRefIDs))
	// Profiles from portals may name any major: the cache is bounded (a
	// ledger's majors fit many times over) and starts afresh when full.
	e.majorVerdicts.Store(key, t)
	return t
}

// gradEngine is the engine-specific part of a compiled graduate.
type gradEngine struct {
	e     *Engine
	major matcher.MajorRef

	skills   []uint32 // sorted ids of skills and certificates the graduate has (shared, read-only)
	skillBit []uint64 // the same as a bitset over skill ids (shared, read-only)

	qIDs []uint32 // profile vector, sorted (shared, read-only)
	qW   []float32

	single bool              // compiled for one post (Candidates): no per-request tables
	direct map[int32]float64 // learned affinity by occupation, see learnedDirect
	occAff []float32         // the occupation feature, by occupation id
	occSrc []uint8           // 1 catalogue, 2 learned from posts
	gOccs  []int32           // the major's catalogue occupations
	// subjects the graduate's major teaches (catalog.MajorSubjects): a
	// subject teacher's post fits only these
	subjects uint32

	districtFit     [10]float64 // by district index + 2
	districtWhy     [10]string
	channelPref     [numChannels]float64
	channelRank     [numChannels]int // 1-based rank among preferences, 0 none
	hasChannelPrefs bool
	// mix is the channel rule of channelRank (newChannelMix), derived
	// once for the graduate's every list and re-ranking (diversify,
	// Ranked.MixRule)
	mix channelMix
}

func (ge *gradEngine) has(id uint32) bool {
	w := int(id >> 6)
	return w < len(ge.skillBit) && ge.skillBit[w]&(1<<(id&63)) != 0
}

func (e *Engine) compileGraduateExtras(gc *gradCtx, single bool) *gradEngine {
	g := gc.Graduate
	ge := &gradEngine{e: e, major: gc.Major, single: single}
	pc := e.compiledProfile(g)
	ge.skills, ge.skillBit, ge.qIDs, ge.qW = pc.skills, pc.skillBit, pc.qIDs, pc.qW

	// What follows from the major alone is shared by the graduates with
	// that major (occAffinities), computed on the first of them.
	if !e.sharedOccAffinities(ge) {
		ge.subjects = catalog.MajorSubjects(gc.Major.Name, gc.Major.Class)
		if m, ok := matcher.MajorByCode(gc.Major.Code); ok {
			ge.subjects |= catalog.MajorSubjects(m.Name, m.ClassCode)
			for _, c := range m.Occupations {
				if id, ok := e.occIDs[c]; ok {
					ge.gOccs = append(ge.gOccs, id)
				}
			}
		}
		e.occupationAffinities(ge)
	}

	// Districts: the best of preferred, residence, hukou, then neighbours.
	res, huk := districtIndex(g.ResidenceDistrict), districtIndex(g.HukouDistrict)
	for i := range ge.districtFit {
		ge.districtFit[i] = 0.3 // somewhere in the city
	}
	ge.districtFit[0], ge.districtWhy[0] = 0.5, "" // unknown post district
	ge.districtFit[1], ge.districtWhy[1] = 0.1, "乌鲁木齐市外"
	set := func(d int8, v float64, why string) {
		if d >= 0 && v > ge.districtFit[d+2] {
			ge.districtFit[d+2], ge.districtWhy[d+2] = v, why
		}
	}
	for _, home := range []int8{res, huk} {
		if home < 0 {
			continue
		}
		for j := 0; j < 8; j++ {
			if districtAdjacent[home][j] {
				set(int8(j), 0.6, nearDistrict[home])
			}
		}
	}
	for _, pd := range g.PreferredDistricts {
		set(districtIndex(pd), 0.9, "意向区")
	}
	set(huk, 0.9, "户籍所在区")
	set(res, 1, "居住区")
	for _, pd := range g.PreferredDistricts {
		if d := districtIndex(pd); d >= 0 && (d == res || d == huk) {
			set(d, 1, ge.districtWhy[d+2])
			ge.districtFit[d+2] = 1
		}
	}
	for i := 2; i < 10; i++ {
		if ge.districtWhy[i] == "" {
			ge.districtWhy[i] = "距居住地较远"
		}
	}
	if res < 0 && huk < 0 && len(g.PreferredDistricts) == 0 {
		for i := 2; i < 10; i++ {
			ge.districtFit[i], ge.districtWhy[i] = 0.5, ""
		}
	}

	// Channels: the first preference 1, then 0.8, 0.6 …; unlisted 0.
	rank := 0
	for _, c := range g.PreferredChannels {
		i := slices.Index(matcher.Channels, c)
		if i < 0 || ge.channelRank[i] != 0 {
			continue
		}
		rank++
		ge.channelRank[i] = rank
		ge.channelPref[i] = math.Max(0.2, 1-0.2*float64(rank-1))
		ge.hasChannelPrefs = true
	}
	ge.mix = newChannelMix(ge.channelRank)
	return ge
}

// nearDistrict is "邻近" + each division's name, made once: a request
// compiles the district table for every graduate Candidates reads.
var nearDistrict = func() (out [8]string) {
	for i := range out {
		out[i] = "邻近" + catalog.UrumqiDistricts[i].Name
	}
	return
}()

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
