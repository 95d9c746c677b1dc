package index

import (
	"encoding/json"
	"strings"
	"sync"
	"unsafe"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/registry"
	index "github.com/blevesearch/bleve_index_api"
)

// Direct documents. bleve's Batch.Index walks a document by reflection
// (MapDocument), and each text field's Analyze builds a token stream (a
// token struct and a token type a term) and then a frequency map from it:
// a third of what bleve spends on a post, for texts that mostly repeat
// (employers, majors, skills, titles) or whose tokens the memo already
// holds (descriptions). A docBuilder makes the same bleve document the
// mapping would, field for field, with fields (directField) whose Analyze
// counts the analyzer's terms straight into the frequency map, and keeps
// the maps of short texts and keywords to hand out again.
//
// It is used only for an index whose mapping is this version's
// (newMapping): an older index (numeric degree_min) goes through bleve's
// mapping as before. TestDirectDocsMatchMapping holds the two to the same
// fields, options, stored values, lengths and term frequencies.
//
// Sharing a frequency map between documents is safe because nothing
// writes to one: zapx merges the maps of two fields of the same name in a
// document into the first (so every field here is the only one of its
// name: an array's values are counted into one map, which gives the same
// postings, frequencies and norms, as these fields keep no term vectors
// or stored values), and scorch composes maps into composite fields only
// (_all is disabled).

// directCacheSize bounds each cache of analysed values; when full it is
// emptied rather than managed: it refills from the values that recur.
const directCacheSize = 16384

// analysed is a value's analysis: its number of tokens and their
// frequencies. The map is shared and must not be written to.
type analysed struct {
	n     int
	freqs index.TokenFrequencies
}

type docBuilder struct {
	seg   *Segmenter
	text  analysis.Analyzer // the index's zh_gse analyzer, for texts neither cached nor in the memo
	lower analysis.TokenFilter
	width analysis.TokenFilter
	stops analysis.TokenMap
	// options of each field, from newMapping.
	opts map[string]index.FieldIndexingOptions

	mu       sync.Mutex
	short    map[string]analysed // short texts, zh_gse
	keywords map[string]analysed // keyword values
}

var (
	directOnce    sync.Once
	directBuilder *docBuilder
	directErr     error
	directOK      sync.Map // bleve.Index → bool: does its mapping match currentMapping
)

// currentMapping is newMapping as JSON; an index with another mapping gets
// no direct documents.
var currentMapping = sync.OnceValues(func() (string, error) {
	b, err := json.Marshal(newMapping())
	return string(b), err
})

// hasCurrentMapping reports whether bi's mapping is this version's.
func hasCurrentMapping(bi bleve.Index) bool {
	if ok, seen := directOK.Load(bi); seen {
		return ok.(bool)
	}
	want, err := currentMapping()
	if err != nil {
		return false
	}
	b, err := json.Marshal(bi.Mapping())
	ok := err == nil && string(b) == want
	directOK.Store(bi, ok)
	return ok
}

// builderFor returns the docBuilder for bi, or nil when bi's mapping is not
// this version's (or the builder cannot be made): then documents go
// through bleve's mapping.
func builderFor(bi bleve.Index) *docBuilder {
	directOnce.Do(func() { directBuilder, directErr = newDocBuilder() })
	if directErr != nil || !hasCurrentMapping(bi) {
		return nil
	}
	return directBuilder
}

// forgetIndex drops bi from builderFor's memory (when bi is closed).
func forgetIndex(bi bleve.Index) { directOK.Delete(bi) }

func newDocBuilder() (*docBuilder, error) {
	im := newMapping()
	seg, err := DefaultSegmenter()
	if err != nil {
		return nil, err
	}
	cache := registry.NewCache()
	text, err := cache.AnalyzerNamed(AnalyzerName)
	if err != nil {
		return nil, err
	}
	lower, err := cache.TokenFilterNamed(lowercase.Name)
	if err != nil {
		return nil, err
	}
	stops, err := cache.TokenMapNamed(StopTokenMapName)
	if err != nil {
		return nil, err
	}
	b := &docBuilder{
		seg: seg, text: text, lower: lowerFilter{lower: lower}, width: widthFilter{cjk: cjk.NewCJKWidthFilter()}, stops: stops,
		opts:  map[string]index.FieldIndexingOptions{},
		short: map[string]analysed{}, keywords: map[string]analysed{},
	}
	// Posts and courses share one document mapping (newMapping's build).
	for name, dm := range im.TypeMapping[TypePost].Properties {
		if len(dm.Fields) == 1 {
			b.opts[name] = dm.Fields[0].Options()
		}
	}
	return b, nil
}

// document is the bleve document for d, as the mapping makes it: the
// fields in the order of doc's struct, a keyword field even for an empty
// value, one field per value of an array (here: one per array, see above).
func (b *docBuilder) document(id string, d *doc) *document.Document {
	bd := document.NewDocument(id)
	// The fields in one array: a document is one allocation for them, not
	// one per field. docFields is their number, so the array never moves.
	fs := make([]directField, 0, docFields)
	bd.Fields = make([]document.Field, 0, docFields)
	add := func(name string, keyword bool, v string, rest []string) {
		fs = append(fs, directField{b: b, name: name, keyword: keyword, value: v, rest: rest, opts: b.opts[name]})
		bd.Fields = append(bd.Fields, &fs[len(fs)-1])
	}
	kw := func(name, v string) { add(name, true, v, nil) }
	text := func(name, v string) { add(name, false, v, nil) }
	kw(fieldType, d.Type)
	text(fieldTitle, d.Title)
	text(fieldEmployer, d.Employer)
	kw(fieldEmployerKey, d.EmployerKey)
	text(fieldDescription, d.Description)
	if len(d.Majors) > 0 {
		add(fieldMajors, false, d.Majors[0], d.Majors[1:])
	}
	if len(d.Skills) > 0 {
		add(fieldSkills, false, d.Skills[0], d.Skills[1:])
	}
	text(fieldOccupation, d.Occupation)
	kw(fieldChannel, d.Channel)
	kw(fieldDistrict, d.District)
	kw(fieldKind, d.Kind)
	kw(fieldDegree, d.Degree)
	bd.SetIndexed()
	return bd
}

// docFields is the most fields document makes.
const docFields = 12

// analyseKeyword is the keyword analyzer's output for v: v as one token.
func (b *docBuilder) analyseKeyword(v string) analysed {
	b.mu.Lock()
	a, ok := b.keywords[v]
	b.mu.Unlock()
	if ok {
		return a
	}
	term := []byte(v)
	a = analysed{n: 1, freqs: index.TokenFrequencies{v: freqOf(term, 1)}}
	b.keep(b.keywords, strings.Clone(v), a) // not a slice of a larger document's string
	return a
}

// analyseText is zh_gse's output for v, counted: from the memo when
// TermsBeforeIndexing left v's tokens there, from the cache of short
// texts, or from the analyzer itself, in the order the tokenizer looks.
func (b *docBuilder) analyseText(v string) analysed {
	if toks, ok := b.seg.memo.take(v); ok {
		return b.count(toks)
	}
	if len(v) > shortText {
		return b.countStream(b.text.Analyze([]byte(v)))
	}
	b.mu.Lock()
	a, ok := b.short[v]
	b.mu.Unlock()
	if ok {
		return a
	}
	a = b.count(b.seg.shortTokens(v, true))
	b.keep(b.short, strings.Clone(v), a)
	return a
}

func (b *docBuilder) keep(m map[string]analysed, k string, a analysed) {
	b.mu.Lock()
	if len(m) >= directCacheSize {
		clear(m)
	}
	m[k] = a
	b.mu.Unlock()
}

// count is what the analyzer's filters (lower-case, width, stop words)
// leave of the tokenizer's tokens, counted. Each filter works token by
// token, so applying the chain to one token at a time is the same.
func (b *docBuilder) count(toks []Token) analysed {
	c := newCounter(len(toks))
	n := 0
	for i := range toks {
		// The tokens are immutable (cached); a term a filter may change
		// is copied first. An unchanged term keys the map as it is: its
		// string is the token's, no copy.
		key := toks[i].Term
		term := unsafe.Slice(unsafe.StringData(key), len(key))
		if mayLower(term) || hasHalfOrFullWidth(term) {
			one := analysis.TokenStream{&analysis.Token{Term: []byte(key), Start: toks[i].Start, End: toks[i].End, Position: toks[i].Position}}
			one = b.width.Filter(b.lower.Filter(one))
			key = string(one[0].Term)
		}
		if b.stops[key] {
			continue
		}
		n++
		c.add(key)
	}
	return analysed{n: n, freqs: c.freqs}
}

func (b *docBuilder) countStream(ts analysis.TokenStream) analysed {
	c := newCounter(len(ts))
	for _, t := range ts {
		if tf, ok := c.freqs[string(t.Term)]; ok { // no copy for a term already counted
			tf.SetFrequency(tf.Frequency() + 1)
			continue
		}
		c.add(string(t.Term))
	}
	return analysed{n: len(ts), freqs: c.freqs}
}

// counter counts the terms of one text. Its TokenFreqs come from one
// array of as many as the text has tokens (a bound on its distinct
// terms), so a text costs the map and that array, not an allocation per
// term: per-term TokenFreqs and key strings were two thirds of the
// allocations of a document (BenchmarkDocAnalysis/direct).
type counter struct {
	freqs index.TokenFrequencies
	slab  []index.TokenFreq
}

func newCounter(tokens int) counter {
	return counter{freqs: make(index.TokenFrequencies, tokens), slab: make([]index.TokenFreq, 0, tokens)}
}

// add counts one occurrence of term; at most cap(slab) distinct terms.
func (c *counter) add(term string) {
	if tf, ok := c.freqs[term]; ok {
		tf.SetFrequency(tf.Frequency() + 1)
		return
	}
	c.slab = append(c.slab, index.TokenFreq{Term: unsafe.Slice(unsafe.StringData(term), len(term))})
	tf := &c.slab[len(c.slab)-1]
	tf.SetFrequency(1)
	c.freqs[term] = tf
}

func freqOf(term []byte, n int) *index.TokenFreq {
	tf := &index.TokenFreq{Term: term}
	tf.SetFrequency(n)
	return tf
}

// directField is one field of a direct document; it implements
// document.Field like bleve's TextField with no term vectors.
type directField struct {
	b       *docBuilder
	name    string
	keyword bool
	value   string
	rest    []string // an array's further values, counted into this field
	opts    index.FieldIndexingOptions
	a       analysed
}

func (f *directField) Name() string                        { return f.name }
func (f *directField) Options() index.FieldIndexingOptions { return f.opts }
func (f *directField) EncodedFieldType() byte              { return 't' }
func (f *directField) AnalyzedLength() int                 { return f.a.n }
func (f *directField) AnalyzedTokenFrequencies() index.TokenFrequencies {
	return f.a.freqs
}

// ArrayPositions is the first value's: what bleve stores with a stored
// field (none of the array fields is stored) and in term vectors (none).
func (f *directField) ArrayPositions() []uint64 {
	if f.name == fieldMajors || f.name == fieldSkills {
		return []uint64{0}
	}
	return []uint64{}
}

func (f *directField) Value() []byte { return []byte(f.value) }

func (f *directField) NumPlainTextBytes() uint64 {
	n := len(f.value)
	for _, v := range f.rest {
		n += len(v)
	}
	return uint64(n)
}

// Size is an estimate for scorch's statistics; it does not walk the
// frequency map as TextField.Size does.
func (f *directField) Size() int { return 96 + len(f.name) + len(f.value) + 64*len(f.a.freqs) }

func (f *directField) Analyze() {
	analyse := f.b.analyseText
	if f.keyword {
		analyse = f.b.analyseKeyword
	}
	if len(f.rest) == 0 {
		f.a = analyse(f.value)
		return
	}
	// An array: the values' counts summed into a map of this field's own
	// (zapx's MergeAll of fields of one name, without locations).
	merged := make(index.TokenFrequencies)
	n := 0
	for _, v := range append([]string{f.value}, f.rest...) {
		a := analyse(v)
		n += a.n
		for k, tf := range a.freqs {
			if m, ok := merged[k]; ok {
				m.SetFrequency(m.Frequency() + tf.Frequency())
			} else {
				merged[k] = freqOf(tf.Term, tf.Frequency())
			}
		}
	}
	f.a = analysed{n: n, freqs: merged}
}
