package occupation

// legacy_test.go is the title classifier as it was before it read words
// (main at 0085444): character keys anywhere in the title and character
// bigram similarity. The importer used it until the word classifier
// (ClassifyPost) replaced it; it stays here as the baseline that
// BenchmarkClassifyRealPosts and TestLabelledTitles measure the word
// classifier against.

import (
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

// legacyMatch is the occupation chosen for a title.
type legacyMatch struct {
	Code    string  // CSCO 2022 code: level 4, level 3 when nothing finer fits, or 7-00-00-00 (军队人员, which has no finer nodes)
	Name    string  // the occupation's name
	Score   float64 // 0..1: ≥0.5 a dictionary key matched; below, bigram similarity
	Matched string  // the dictionary key (or, for similarity, the name or alias) that decided
}

// legacyClassifier maps titles to occupations. It is immutable once built and safe
// for concurrent use.
type legacyClassifier struct {
	keys    map[string]int // folded key → index into entries
	entries []legacyEntry
	lens    map[rune][]int // first rune → byte lengths of keys, longest first
	// bigrams is an inverted index from a character bigram to the entries
	// whose key contains it, for the similarity step.
	bigrams map[[2]rune][]int32
	scratch sync.Pool // *[]uint16 counters, one per legacyEntry
}

type legacyEntry struct {
	key     string
	code    string
	name    string
	weak    bool // generic head (开发工程师): used only when nothing specific matches
	curated bool
	runes   int
	nBigram int
}

var (
	legacyOnce sync.Once
	legacyC    *legacyClassifier
)

// legacyDefault returns the classifier built from the catalogue's occupations and
// the curated job-board table; it is built once, on first use.
func legacyDefault() *legacyClassifier {
	legacyOnce.Do(func() {
		c, err := newLegacy(legacyTable())
		if err != nil {
			panic(fmt.Sprintf("occupation: curated table: %v", err)) // compiled-in data; a test catches it
		}
		legacyC = c
	})
	return legacyC
}

// legacyGenericAliases are aliases of the classification that name an industry or
// a word, not a job, and would capture titles wrongly as substrings.
var legacyGenericAliases = map[string]bool{
	"文学": true, "英语": true, "电视": true, "广播": true, "电力": true, "热力": true, "气体": true, "船舶": true,
	"其他电力": true, "工美": true, "涂料": true, "油墨": true, "水泥": true, "石灰": true, "阀门": true, "烘炉": true,
	"衡器": true, "皮革": true, "针织": true, "保管": true, "融资": true, "并购": true, "证券": true, "股票": true,
	"期货": true, "基金": true, "法律": true, "签证": true, "媒介": true, "康养": true, "结算": true, "清算": true,
	"泵": true, "林": true, "牧": true, "酒": true, "采矿": true, "绘画": true, "计量": true, "权证": true, "信托": true,
}

// newLegacy builds a classifier from a curated table in the format of
// curatedTable ("CODE key key ~weakkey …" per line, "#" comments) plus the
// catalogue's level-3 and level-4 names and aliases. Every curated code must
// be a level-3 or level-4 node of the catalogue, or a node the
// classification does not subdivide (its major group 7, 军队人员, has no
// finer codes, yet conscription posts must name it), and no key may be given
// two codes.
func newLegacy(table string) (*legacyClassifier, error) {
	c := &legacyClassifier{keys: map[string]int{}, lens: map[rune][]int{}, bigrams: map[[2]rune][]int32{}}
	parents := map[string]bool{}
	for _, o := range catalog.Occupations() {
		parents[o.Parent()] = true
	}
	add := func(key, code, name string, weak, curated bool) {
		key = fold(strings.TrimSpace(key))
		if key == "" {
			return
		}
		if _, dup := c.keys[key]; dup {
			return // curated keys are added first and win
		}
		c.keys[key] = len(c.entries)
		c.entries = append(c.entries, legacyEntry{key: key, code: code, name: name, weak: weak, curated: curated, runes: utf8.RuneCountInString(key)})
	}
	for i, line := range strings.Split(table, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		o, ok := catalog.OccupationByCode(f[0])
		if !ok || o.Level < 3 && parents[o.Code] {
			return nil, fmt.Errorf("line %d: %s is not a level-3 or level-4 occupation, nor an undivided group", i+1, f[0])
		}
		for _, k := range f[1:] {
			weak := strings.HasPrefix(k, "~")
			k = strings.TrimPrefix(k, "~")
			if j, dup := c.keys[fold(strings.ReplaceAll(k, "_", latinSpace))]; dup {
				return nil, fmt.Errorf("line %d: key %q already maps to %s", i+1, k, c.entries[j].code)
			}
			add(strings.ReplaceAll(k, "_", latinSpace), o.Code, o.Name, weak, true)
		}
	}
	// Level-4 nodes before level-3 ones, so a shared alias goes to the finer node.
	for _, lvl := range []int{4, 3} {
		for _, o := range catalog.Occupations() {
			if o.Level != lvl {
				continue
			}
			add(o.Name, o.Code, o.Name, false, false)
			for _, a := range o.Aliases {
				if utf8.RuneCountInString(a) < 2 || legacyGenericAliases[a] {
					continue
				}
				add(a, o.Code, o.Name, false, false)
			}
		}
	}
	for i := range c.entries {
		e := &c.entries[i]
		r, _ := utf8.DecodeRuneInString(e.key)
		c.lens[r] = catalog.InsertLength(c.lens[r], len(e.key))
		seen := map[[2]rune]bool{}
		legacyEachBigram(e.key, func(b [2]rune) {
			if !seen[b] {
				seen[b] = true
				c.bigrams[b] = append(c.bigrams[b], int32(i))
			}
		})
		e.nBigram = len(seen)
	}
	n := len(c.entries)
	c.scratch.New = func() any { s := make([]uint16, n); return &s }
	return c, nil
}

// legacyEachBigram calls f for every pair of adjacent letters or digits in s;
// spaces and punctuation break pairs.
func legacyEachBigram(s string, f func([2]rune)) {
	var prev rune = -1
	for _, r := range s {
		if !legacyIsWordRune(r) {
			prev = -1
			continue
		}
		if prev >= 0 {
			f([2]rune{prev, r})
		}
		prev = r
	}
}

func legacyIsWordRune(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r >= 0x3400 && r < 0xA000 || r == '+' || r == '#'
}

func legacyIsASCIIWord(b byte) bool { return b >= 'a' && b <= 'z' || b >= '0' && b <= '9' }

// legacyHit is a dictionary key found in a segment.
type legacyHit struct {
	idx   int
	start int // byte offset in the segment
	end   int
}

// tier ranks a key's authority: a curated job-board key, then the
// classification's own names and aliases (some of which are loose for job
// boards: its 技术经理 is 工业工程技术人员), then a generic curated head.
func (c *legacyClassifier) tier(h legacyHit) int {
	switch e := &c.entries[h.idx]; {
	case e.weak:
		return 0
	case e.curated:
		return 2
	}
	return 1
}

// official reports whether h is an occupation's own name in the catalogue.
func (c *legacyClassifier) official(h legacyHit) bool {
	e := &c.entries[h.idx]
	return !e.curated && e.key == fold(e.name)
}

// better reports whether h should head the title rather than o: an
// official name that contains the other wins; then the higher tier (大数据平台技术经理 goes by 大数据); then the key ending last (Chinese titles put the
// job at the end: 大数据销售 is a sales job, 销售数据分析师 an analyst);
// then the longer key; then a curated key.
func (c *legacyClassifier) better(h, o legacyHit) bool {
	// An occupation's official name that spans another key whole is the
	// more precise reading, whatever its tier: the catalogue's 口腔科医师
	// over the curated 医师, its 统计调查员 over 计调. (Not its aliases:
	// those come from job boards and are as loose as they are long.)
	switch {
	case c.official(h) && h.start <= o.start && h.end >= o.end && h.end-h.start > o.end-o.start:
		return true
	case c.official(o) && o.start <= h.start && o.end >= h.end && o.end-o.start > h.end-h.start:
		return false
	}
	if th, to := c.tier(h), c.tier(o); th != to {
		return th > to
	}
	if h.end != o.end {
		return h.end > o.end
	}
	if h.end-h.start != o.end-o.start {
		return h.end-h.start > o.end-o.start
	}
	return c.entries[h.idx].curated && !c.entries[o.idx].curated
}

// scan finds the heading dictionary key of one segment.
func (c *legacyClassifier) scan(seg string) (legacyHit, bool) {
	var best legacyHit
	found := false
	for i := 0; i < len(seg); {
		r, size := utf8.DecodeRuneInString(seg[i:])
		if !(legacyIsASCIIWord(seg[i]) && i > 0 && legacyIsASCIIWord(seg[i-1])) {
			for _, l := range c.lens[r] {
				if i+l > len(seg) {
					continue
				}
				idx, ok := c.keys[seg[i:i+l]]
				if !ok {
					continue
				}
				if legacyIsASCIIWord(seg[i+l-1]) && i+l < len(seg) && legacyIsASCIIWord(seg[i+l]) {
					continue // a Latin key inside a longer word: "go" in "google"
				}
				h := legacyHit{idx: idx, start: i, end: i + l}
				if !found || c.better(h, best) {
					best, found = h, true
				}
			}
		}
		i += size
	}
	return best, found
}

// Classify returns the occupation of a post title, and false when the title
// names nothing the dictionary or the similarity step recognises.
func (c *legacyClassifier) Classify(title string) (legacyMatch, bool) {
	main, inner := Clean(title)
	if m, ok := c.classifySegments(main); ok {
		return m, true
	}
	if m, ok := c.classifySegments(inner); ok {
		m.Score *= 0.9 // the job was only named inside brackets
		return m, true
	}
	all := append(main, inner...)
	return c.similar(strings.Join(all, " "))
}

// classifySegments picks, over the segments, the best dictionary match; the
// first segment wins ties ("数据分析师/数据运营主管" is an analyst).
func (c *legacyClassifier) classifySegments(segs []string) (legacyMatch, bool) {
	var best legacyMatch
	bestTier, found := 0, false
	for _, seg := range segs {
		h, ok := c.scan(seg)
		if !ok {
			continue
		}
		e := &c.entries[h.idx]
		segRunes := utf8.RuneCountInString(stripNoise(seg))
		if segRunes < e.runes {
			segRunes = e.runes
		}
		score := 0.6 + 0.4*float64(e.runes)/float64(segRunes)
		if e.weak {
			score -= 0.1
		}
		m := legacyMatch{Code: e.code, Name: e.name, Score: score, Matched: e.key}
		tier := c.tier(h)
		if !found || tier > bestTier || tier == bestTier && m.Score > best.Score+0.15 {
			best, bestTier, found = m, tier, true
		}
	}
	return best, found
}

// legacyMinSimilarity is the Dice coefficient below which a title is left
// unclassified rather than guessed.
const legacyMinSimilarity = 0.45

// similar finds the name or alias closest to text by the Dice coefficient
// over character bigrams.
func (c *legacyClassifier) similar(text string) (legacyMatch, bool) {
	text = stripNoise(text)
	var qb [][2]rune
	legacyEachBigram(text, func(b [2]rune) {
		for _, x := range qb {
			if x == b {
				return
			}
		}
		qb = append(qb, b)
	})
	if len(qb) == 0 {
		return legacyMatch{}, false
	}
	sp := c.scratch.Get().(*[]uint16)
	counts := *sp
	var touched []int32
	for _, b := range qb {
		for _, id := range c.bigrams[b] {
			if counts[id] == 0 {
				touched = append(touched, id)
			}
			counts[id]++
		}
	}
	bestID, bestDice := int32(-1), 0.0
	for _, id := range touched {
		e := &c.entries[id]
		d := 2 * float64(counts[id]) / float64(len(qb)+e.nBigram)
		if d > bestDice || d == bestDice && bestID >= 0 && id < bestID {
			bestID, bestDice = id, d
		}
		counts[id] = 0
	}
	c.scratch.Put(sp)
	if bestID < 0 || bestDice < legacyMinSimilarity {
		return legacyMatch{}, false
	}
	e := &c.entries[bestID]
	return legacyMatch{Code: e.code, Name: e.name, Score: 0.5 * bestDice, Matched: e.key}, true
}

// legacyTable is the curated table as the previous classifier had it: the
// word classifier's table since dropped the bare key 招聘 (a recruiting
// word: 景区演员…招聘 is no recruiter's post) and added javaweb and 林业技术.
func legacyTable() string {
	return strings.NewReplacer(
		"4-07-03-08 招聘专员", "4-07-03-08 招聘 招聘专员",
		"2-02-10-03 java javaweb java开发", "2-02-10-03 java java开发",
		"2-03-02-00 支农 林业技术 林业技术员 ", "2-03-02-00 支农 ",
	).Replace(curatedTable) + schoolTeacherTable()
}
