package occupation

import (
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/urumqi-hrss/jobmatch/index"
	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

// Match is the occupation chosen for a post.
type Match struct {
	Code string // CSCO 2022 code: level 4, level 3 when nothing finer fits, or 7-00-00-00 (军队人员, which has no finer nodes)
	Name string // the occupation's name
	// Score is the confidence, 0..1: about 0.9–1 for a title that is a
	// job-board key or an occupation's name, 0.6–0.9 for one naming it
	// among other words, 0.5 for a generic key alone (开发工程师, 助理),
	// and for a post read from its description the similarity of its words
	// to the occupation's definition and tasks, scaled (see minConfidence).
	Score    float64
	Matched  string   // the dictionary key that decided, when a key did
	Evidence []string // the words it rests on: the key, or the post's words that weighed most
	From     string   // "title" or "description"
}

// Classifier maps posts to occupations. It is immutable once built and
// safe for concurrent use.
type Classifier struct {
	keys    map[string]int // folded key → index into entries
	entries []entry
	lens    map[rune][]int // first rune → byte lengths of keys, longest first
	cut     Cutter
	prof    *profiles
	stems   map[string][]stem // a function key's code → its siblings' specialties
	titles  *titleCache       // recent titles' readings (readTitleKept)
}

type entry struct {
	key     string
	code    string
	name    string
	weak    bool // generic head (开发工程师): used only when nothing specific matches
	curated bool
	runes   int
	// function: a duty every field has (工艺工程师); a professional field
	// named just before it decides the occupation (fieldOf).
	function bool
}

var (
	defaultOnce sync.Once
	defaultC    *Classifier
)

// Default returns the classifier built from the catalogue's occupations and
// the curated job-board table on the project's gse segmenter
// (index.DefaultSegmenter); it is built once, on first use.
func Default() *Classifier {
	defaultOnce.Do(func() {
		seg, err := index.DefaultSegmenter()
		if err != nil {
			panic(fmt.Sprintf("occupation: segmenter: %v", err)) // embedded dictionaries; a test catches it
		}
		c, err := newClassifier(curatedTable+schoolTeacherTable(), seg, true)
		if err != nil {
			panic(fmt.Sprintf("occupation: curated table: %v", err)) // compiled-in data; a test catches it
		}
		defaultC = c
	})
	return defaultC
}

// genericAliases are aliases of the classification that name an industry or
// a word, not a job, and would capture titles wrongly as substrings.
var genericAliases = map[string]bool{
	"文学": true, "英语": true, "电视": true, "广播": true, "电力": true, "热力": true, "气体": true, "船舶": true,
	"其他电力": true, "工美": true, "涂料": true, "油墨": true, "水泥": true, "石灰": true, "阀门": true, "烘炉": true,
	"衡器": true, "皮革": true, "针织": true, "保管": true, "融资": true, "并购": true, "证券": true, "股票": true,
	"期货": true, "基金": true, "法律": true, "招聘": true, "签证": true, "媒介": true, "康养": true, "结算": true, "清算": true,
	"泵": true, "林": true, "牧": true, "酒": true, "采矿": true, "绘画": true, "计量": true, "权证": true, "信托": true,
}

// New builds a classifier from a curated table in the format of
// curatedTable ("CODE key key ~weakkey …" per line, "#" comments) plus the
// catalogue's level-3 and level-4 names and aliases. Every curated code must
// be a level-3 or level-4 node of the catalogue, or a node the
// classification does not subdivide (its major group 7, 军队人员, has no
// finer codes, yet conscription posts must name it), and no key may be given
// two codes.
func New(table string, cut Cutter) (*Classifier, error) { return newClassifier(table, cut, false) }

// newClassifier is New; with snapshot (Default's table on
// index.DefaultSegmenter) the occupations' words come from
// profilewords.txt when it still holds what cut gives (snapshotTFs).
func newClassifier(table string, cut Cutter, snapshot bool) (*Classifier, error) {
	c := &Classifier{keys: map[string]int{}, lens: map[rune][]int{}, cut: cut, titles: &titleCache{}}
	parents := map[string]bool{}
	for _, o := range catalog.Occupations() {
		parents[o.Parent()] = true
	}
	add := func(key, code, name string, weak, function, curated bool) {
		key = fold(strings.TrimSpace(key))
		if key == "" {
			return
		}
		if _, dup := c.keys[key]; dup {
			return // curated keys are added first and win
		}
		c.keys[key] = len(c.entries)
		c.entries = append(c.entries, entry{key: key, code: code, name: name, weak: weak, function: function, curated: curated, runes: utf8.RuneCountInString(key)})
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
			weak, function := strings.HasPrefix(k, "~"), strings.HasPrefix(k, "^")
			k = strings.TrimLeft(k, "~^")
			if j, dup := c.keys[fold(strings.ReplaceAll(k, "_", latinSpace))]; dup {
				return nil, fmt.Errorf("line %d: key %q already maps to %s", i+1, k, c.entries[j].code)
			}
			add(strings.ReplaceAll(k, "_", latinSpace), o.Code, o.Name, weak, function, true)
		}
	}
	// Level-4 nodes before level-3 ones, so a shared alias goes to the finer node.
	for _, lvl := range []int{4, 3} {
		for _, o := range catalog.Occupations() {
			if o.Level != lvl {
				continue
			}
			add(o.Name, o.Code, o.Name, false, false, false)
			for _, a := range o.Aliases {
				if utf8.RuneCountInString(a) < 2 || genericAliases[a] {
					continue
				}
				add(a, o.Code, o.Name, false, false, false)
			}
		}
	}
	for i := range c.entries {
		e := &c.entries[i]
		r, _ := utf8.DecodeRuneInString(e.key)
		c.lens[r] = catalog.InsertLength(c.lens[r], len(e.key))
	}
	keys := c.curatedKeys()
	occs := leafCodes()
	var tf []map[string]float32
	if snapshot {
		tf = snapshotTFs(cut, occs, keys)
	}
	if tf == nil {
		tf = profileTFs(cut, occs, keys)
	}
	c.prof = profilesFrom(occs, tf)
	c.stems = specialtyStems(c)
	return c, nil
}

// curatedKeys are each code's curated keys, as the profiles take them.
func (c *Classifier) curatedKeys() map[string][]string {
	keys := map[string][]string{}
	for i := range c.entries {
		if e := &c.entries[i]; e.curated && !e.weak {
			keys[e.code] = append(keys[e.code], strings.ReplaceAll(e.key, latinSpace, " "))
		}
	}
	return keys
}

func isWordRune(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r >= 0x3400 && r < 0xA000 || r == '+' || r == '#'
}

func isASCIIWord(b byte) bool { return b >= 'a' && b <= 'z' || b >= '0' && b <= '9' }

// hit is a dictionary key found in a segment.
type hit struct {
	idx   int
	start int // byte offset in the segment
	end   int
}

// tier ranks a key's authority: a curated job-board key, then the
// classification's own names and aliases (some of which are loose for job
// boards: its 技术经理 is 工业工程技术人员), then a generic curated head.
func (c *Classifier) tier(h hit) int {
	switch e := &c.entries[h.idx]; {
	case e.weak:
		return 0
	case e.curated:
		return 2
	}
	return 1
}

// official reports whether h is an occupation's own name in the catalogue.
func (c *Classifier) official(h hit) bool {
	e := &c.entries[h.idx]
	return !e.curated && e.key == fold(e.name)
}

// better reports whether h should head the title rather than o: an
// official name that contains the other wins; then the higher tier (大数据平台技术经理 goes by 大数据); then the key ending last (Chinese titles put the
// job at the end: 大数据销售 is a sales job, 销售数据分析师 an analyst);
// then the longer key; then a curated key.
func (c *Classifier) better(h, o hit) bool {
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

// scan finds the heading dictionary key of one segment among the keys
// that stand on its words (bounds.accepts).
func (c *Classifier) scan(seg string, b bounds) (hit, bool) {
	var best hit
	found := false
	for i := 0; i < len(seg); {
		r, size := utf8.DecodeRuneInString(seg[i:])
		if !(isASCIIWord(seg[i]) && i > 0 && isASCIIWord(seg[i-1])) {
			for _, l := range c.lens[r] {
				if i+l > len(seg) {
					continue
				}
				idx, ok := c.keys[seg[i:i+l]]
				if !ok {
					continue
				}
				if isASCIIWord(seg[i+l-1]) && i+l < len(seg) && isASCIIWord(seg[i+l]) {
					continue // a Latin key inside a longer word: "go" in "google"
				}
				if !b.accepts(i, i+l) {
					continue // characters inside other words: 护工 in 维护|工程师
				}
				h := hit{idx: idx, start: i, end: i + l}
				if !found || c.better(h, best) {
					best, found = h, true
				}
			}
		}
		i += size
	}
	if found && c.entries[best.idx].function {
		best = c.fieldOf(seg, b, best)
	}
	return best, found
}
