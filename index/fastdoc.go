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
	directMapping string // newMapping as JSON; an index with another mapping gets no direct documents
	directErr     error
	directOK      sync.Map // bleve.Index → bool: does its mapping match directMapping
)

// builderFor returns the docBuilder for bi, or nil when bi's mapping is not
// this version's (or the builder cannot be made): then documents go
// through bleve's mapping.
func builderFor(bi bleve.Index) *docBuilder {
	directOnce.Do(func() { directBuilder, directMapping, directErr = newDocBuilder() })
	if directErr != nil {
		return nil
	}
	if ok, seen := directOK.Load(bi); seen {
		if ok.(bool) {
			return directBuilder
		}
		return nil
	}
	b, err := json.Marshal(bi.Mapping())
	ok := err == nil && string(b) == directMapping
	directOK.Store(bi, ok)
	if ok {
		return directBuilder
	}
	return nil
}

// forgetIndex drops bi from builderFor's memory (when bi is closed).
func forgetIndex(bi bleve.Index) { directOK.Delete(bi) }

func newDocBuilder() (*docBuilder, string, error) {
	im := newMapping()
	js, err := json.Marshal(im)
	if err != nil {
		return nil, "", err
	}
	seg, err := DefaultSegmenter()
	if err != nil {
		return nil, "", err
	}
	cache := registry.NewCache()
	text, err := cache.AnalyzerNamed(AnalyzerName)
	if err != nil {
		return nil, "", err
	}
	lower, err := cache.TokenFilterNamed(lowercase.Name)
	if err != nil {
		return nil, "", err
	}
	stops, err := cache.TokenMapNamed(StopTokenMapName)
	if err != nil {
		return nil, "", err
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
	return b, string(js), nil
}

// document is the bleve document for d, as the mapping makes it: the
// fields in the order of doc's struct, a keyword field even for an empty
// value, one field per value of an array (here: one per array, see above).
func (b *docBuilder) document(id string, d *doc) *document.Document {
	bd := document.NewDocument(id)
	bd.Fields = make([]document.Field, 0, 13)
	kw := func(name, v string) { bd.Fields = append(bd.Fields, b.field(name, true, v)) }
	text := func(name, v string) { bd.Fields = append(bd.Fields, b.field(name, false, v)) }
	kw(fieldType, d.Type)
	text(fieldTitle, d.Title)
	text(fieldEmployer, d.Employer)
	kw(fieldEmployerKey, d.EmployerKey)
	text(fieldDescription, d.Description)
	for _, arr := range []struct {
		name string
		vals []string
	}{{fieldMajors, d.Majors}, {fieldSkills, d.Skills}} {
		if len(arr.vals) > 0 {
			f := b.field(arr.name, false, arr.vals[0])
			f.rest = arr.vals[1:]
			bd.Fields = append(bd.Fields, f)
		}
	}
	text(fieldOccupation, d.Occupation)
	kw(fieldChannel, d.Channel)
	kw(fieldDistrict, d.District)
	kw(fieldKind, d.Kind)
	kw(fieldCategory, d.Category)
	kw(fieldDegree, d.Degree)
	bd.SetIndexed()
	return bd
}

func (b *docBuilder) field(name string, keyword bool, v string) *directField {
	return &directField{b: b, name: name, keyword: keyword, value: v, opts: b.opts[name]}
}

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
	freqs := make(index.TokenFrequencies, len(toks))
	n := 0
	for i := range toks {
		// The tokens are immutable (cached); a term a filter may change
		// is copied first.
		term := unsafe.Slice(unsafe.StringData(toks[i].Term), len(toks[i].Term))
		if mayLower(term) || hasHalfOrFullWidth(term) {
			one := analysis.TokenStream{&analysis.Token{Term: []byte(toks[i].Term), Start: toks[i].Start, End: toks[i].End, Position: toks[i].Position}}
			one = b.width.Filter(b.lower.Filter(one))
			term = one[0].Term
		}
		if b.stops[string(term)] {
			continue
		}
		n++
		addTerm(freqs, term)
	}
	return analysed{n: n, freqs: freqs}
}

func (b *docBuilder) countStream(ts analysis.TokenStream) analysed {
	freqs := make(index.TokenFrequencies, len(ts))
	for _, t := range ts {
		addTerm(freqs, t.Term)
	}
	return analysed{n: len(ts), freqs: freqs}
}

func addTerm(freqs index.TokenFrequencies, term []byte) {
	if tf, ok := freqs[string(term)]; ok {
		tf.SetFrequency(tf.Frequency() + 1)
		return
	}
	freqs[string(term)] = freqOf(term, 1)
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
