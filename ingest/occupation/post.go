package occupation

import (
	"strings"
)

// Classify returns the occupation of a post title alone, and false when
// the title names none (it abstains rather than guess).
func (c *Classifier) Classify(title string) (Match, bool) {
	return c.ClassifyPost(title, "")
}

// ClassifyPost returns the occupation of a post from its title and, when
// the title names no field (生产技术人员, 专员, 助理) or only a generic
// head, from its description; false when neither names one with enough
// confidence. A title key wins over the description: the employer's name
// for the job is the better evidence when it is specific.
func (c *Classifier) ClassifyPost(title, description string) (Match, bool) {
	t := c.readTitleKept(title)
	if t.found && !c.entries[t.hit.idx].weak {
		return t.match, true
	}
	var desc []string
	if description != "" {
		desc = c.cut.Terms(dutiesPart(description))
	}
	if m, ok := c.readWords(c.titleTerms(t.segs), desc); ok {
		m.From = fromOf(description)
		if !t.found || description != "" {
			return m, true
		}
	}
	if t.found {
		m := t.match
		m.Score = weakScore
		return m, true
	}
	return Match{}, false
}

// readWords finds the occupation whose name, keys, definition and tasks
// the post's words are closest to (profiles.rank), with the dictionary
// keys the description names as whole words voting for theirs; false
// when the confidence is below minConfidence.
func (c *Classifier) readWords(title, desc []string) (Match, bool) {
	q := query{}
	q.add(title, titleWeight)
	generic := ""
	for _, w := range desc {
		// Terms gives a long word's sub-words after it: those of a
		// generic word (身体健康 → 身体, 健康) are as generic.
		if generic != "" && strings.Contains(generic, w) {
			continue
		}
		generic = ""
		if genericWord[w] {
			generic = w
			continue
		}
		if runeLen(w) >= 2 && hasLetter(w) {
			q[w]++
		}
	}
	votes := c.keyVotes(desc)
	best, second, ok := c.prof.rankWith(q, votes)
	if !ok {
		return Match{}, false
	}
	conf := confidence(best, second)
	if conf < minConfidence || headsOnly(best.evidence) || fieldWords(best.evidence) < 2 {
		return Match{}, false
	}
	d := c.prof.docs[best.doc]
	return Match{Code: d.code, Name: d.name, Score: conf, Evidence: best.evidence}, true
}

// headWords name a rank or a kind of worker, not a field: a post whose
// only evidence they are (维护工程师, 技术员) is not read as any occupation.
var headWords = map[string]bool{"工程师": true, "技术员": true, "技师": true, "师傅": true, "人员": true, "技术人员": true, "操作员": true, "操作工": true}

func headsOnly(evidence []string) bool {
	for _, w := range evidence {
		if !headWords[w] {
			return false
		}
	}
	return true
}

// fieldWords counts the words of evidence that name a field: head words
// left out, a compound whose parts are there too (半导体工艺工程师 beside
// 半导体 and 工艺工程师) counted by its parts, and a word inside another
// (可靠 in 可靠性, 海水 in 海水淡化) counted with it. One such word is a
// guess (康乐 in a cleaner's duties, 办公 in a clerk's, 软件 in
// 软件维护工程师): the classifier abstains rather than answer on it.
func fieldWords(evidence []string) int {
	var words []string
	for _, w := range evidence {
		if !headWords[w] {
			words = append(words, w)
		}
	}
	inside := func(w string, i int) int {
		n := 0
		for j, v := range words {
			if j != i && len(w) > len(v) && strings.Contains(w, v) {
				n++
			}
		}
		return n
	}
	var kept []string
	for i, w := range words {
		if inside(w, i) < 2 {
			kept = append(kept, w)
		}
	}
	n := 0
	for i, w := range kept {
		within := false
		for j, v := range kept {
			if j != i && len(v) > len(w) && strings.Contains(v, w) {
				within = true
				break
			}
		}
		if !within {
			n++
		}
	}
	return n
}

// keyVotes are the specific dictionary keys that words name as one, two or
// three whole words, counted per occupation code.
func (c *Classifier) keyVotes(words []string) map[string]float32 {
	votes := map[string]float32{}
	for i := range words {
		k := ""
		for j := i; j < len(words) && j < i+3; j++ {
			k += words[j]
			idx, ok := c.keys[k]
			if !ok || c.entries[idx].weak || genericWord[k] || runeLen(k) < 2 {
				continue
			}
			votes[c.entries[idx].code]++
		}
	}
	return votes
}

func fromOf(description string) string {
	if description == "" {
		return "title"
	}
	return "description"
}

const (
	// titleWeight: a word of the title counts as much as this many
	// occurrences in the description.
	titleWeight = 3
	// weakScore is the confidence of a generic key (开发工程师, 助理) that
	// the description did not overrule.
	weakScore = 0.5
	// minConfidence is the confidence below which the classifier abstains.
	minConfidence = 0.5
)

// confidence maps the similarity s of the best occupation to 0..1:
// minConfidence at s = confidentAt, rising towards 0.9 (a description
// never says as much as a title key).
func confidence(best, _ scored) float64 {
	s := float64(best.score)
	if s <= 0 {
		return 0
	}
	if s < confidentAt {
		return minConfidence * s / confidentAt
	}
	return minConfidence + 0.4*(1-confidentAt/s)
}

// confidentAt is the similarity (cosine of the post's words and the
// occupation's, plus key votes) at which a post read from its words is
// answered; chosen on the dev split of the labelled titles.
const confidentAt = 0.5

// titleReading is what the title says: the heading key when one stands
// on its words, and its segments for the description step.
type titleReading struct {
	match Match
	hit   hit
	found bool
	segs  []string
}

// titleTerms are the content words of the title's segments (with the
// sub-words of long ones), recruiting noise dropped; computed only when
// no specific key decided.
func (c *Classifier) titleTerms(segs []string) []string {
	var out []string
	for _, seg := range segs {
		for _, w := range c.cut.Terms(stripNoise(seg)) {
			if runeLen(w) >= 2 && !noiseWord[w] && !genericWord[w] && hasLetter(w) {
				out = append(out, w)
			}
		}
	}
	return out
}

// readTitle cleans the title, segments each of its segments once and
// finds the heading key: in the main segments, else in the bracketed ones
// (where the job is named only sometimes: 开发工程师（Java）).
func (c *Classifier) readTitle(title string) titleReading {
	main, inner := Clean(title)
	var r titleReading
	for i, segs := range [][]string{main, inner} {
		r.segs = append(r.segs, segs...)
		m, h, ok := c.classifySegments(segs)
		if ok && !r.found {
			if i == 1 {
				m.Score *= 0.9 // the job was only named inside brackets
			}
			r.match, r.hit, r.found = m, h, true
		}
	}
	return r
}

// classifySegments picks, over the segments, the best dictionary match; the
// first segment wins ties ("数据分析师/数据运营主管" is an analyst). It
func (c *Classifier) classifySegments(segs []string) (Match, hit, bool) {
	var best Match
	var bestHit hit
	bestTier, found := 0, false
	for _, seg := range segs {
		seg, h, ok := c.scanSegment(seg)
		if !ok {
			continue
		}
		e := &c.entries[h.idx]
		// The span read: the key, or a function key with the field
		// before it (fieldOf).
		span := runeLen(seg[h.start:h.end])
		segRunes := max(runeLen(stripNoise(seg)), span)
		score := 0.6 + 0.4*float64(span)/float64(segRunes)
		if e.weak {
			score -= 0.1
		}
		m := Match{Code: e.code, Name: e.name, Score: score, Matched: e.key, Evidence: []string{e.key}, From: "title"}
		tier := c.tier(h)
		if !found || tier > bestTier || tier == bestTier && m.Score > best.Score+0.15 {
			best, bestHit, bestTier, found = m, h, tier, true
		}
	}
	return best, bestHit, found
}

// scanSegment finds the heading key of a segment as written, else of
// the first of its duties (coordinated: 汽车检测与维修技术员 is read as
// 汽车检测技术员, then 汽车维修技术员) that names one, and returns the text
// it was found in.
func (c *Classifier) scanSegment(seg string) (string, hit, bool) {
	h, ok := c.scan(seg, wordBounds(seg, cutSegment(c.cut, seg)))
	if ok {
		return seg, h, true
	}
	for _, duty := range coordinated(c.cut, seg) {
		if h, ok := c.scan(duty, wordBounds(duty, cutSegment(c.cut, duty))); ok {
			return duty, h, true
		}
	}
	return seg, hit{}, false
}

var noiseWord = func() map[string]bool {
	m := map[string]bool{}
	for _, n := range noise {
		m[n] = true
	}
	for _, n := range []string{"招聘", "岗位", "人员", "工作", "诚招", "招募", "公司"} {
		m[n] = true
	}
	return m
}()

// dutiesHeaders open the part of a description that states what a
// candidate needs; the duties before it say what the job is.
var dutiesHeaders = []string{"任职要求", "任职资格", "任职条件", "岗位要求", "职位要求", "招聘要求", "应聘要求", "技能要求", "能力要求", "资格要求"}

// dutiesPart is the description up to its first requirements header, when
// that leaves enough text to read; else all of it.
func dutiesPart(desc string) string {
	first := len(desc)
	for _, h := range dutiesHeaders {
		if i := strings.Index(desc, h); i >= 0 && i < first {
			first = i
		}
	}
	if first < 60 {
		first = len(desc)
	}
	return truncateRunes(desc[:first], maxDescriptionRunes)
}

// maxDescriptionRunes is how much of the duties is read: what a job is,
// employers say first.
const maxDescriptionRunes = 400

func truncateRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}
