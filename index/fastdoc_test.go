package index

import (
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/document"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// fieldSummary is what a document's fields of one name put into a zap
// segment: options, stored values with their array positions, the summed
// analysed length (the norm) and the merged term frequencies.
type fieldSummary struct {
	opts   index.FieldIndexingOptions
	stored []string
	length int
	freqs  map[string]int
}

func summarize(t *testing.T, d *document.Document) map[string]*fieldSummary {
	t.Helper()
	out := map[string]*fieldSummary{}
	var order []string
	d.VisitFields(func(f index.Field) {
		f.Analyze()
		s := out[f.Name()]
		if s == nil {
			s = &fieldSummary{opts: f.Options(), freqs: map[string]int{}}
			out[f.Name()] = s
			order = append(order, f.Name())
		} else if s.opts != f.Options() {
			t.Errorf("field %s: options %v and %v", f.Name(), s.opts, f.Options())
		}
		if f.Options().IsStored() {
			s.stored = append(s.stored, fmt.Sprintf("%c%v%q", f.EncodedFieldType(), f.ArrayPositions(), f.Value()))
		}
		if f.Options().IncludeTermVectors() {
			t.Errorf("field %s keeps term vectors: a direct document does not", f.Name())
		}
		s.length += f.AnalyzedLength()
		for k, tf := range f.AnalyzedTokenFrequencies() {
			if string(tf.Term) != k {
				t.Errorf("field %s: term %q under key %q", f.Name(), tf.Term, k)
			}
			s.freqs[k] += tf.Frequency()
		}
	})
	if d.HasComposite() {
		t.Error("document has composite fields (_all)")
	}
	out["(order)"] = &fieldSummary{stored: order}
	return out
}

func directCorpus(t *testing.T) []doc {
	texts := segmentationCorpus(t)
	at := func(i int) string { return texts[i%len(texts)] }
	var docs []doc
	for i := range texts {
		p := matcher.Post{
			ID: fmt.Sprint("d:", i), Title: at(i), Employer: at(i + 1), Description: at(i+2) + at(i+3) + at(i+4),
			District: at(i + 5), Channel: matcher.Channel(at(i + 6)), Kind: matcher.Kind(at(i + 7)), DegreeMin: matcher.Degree(i % 7),
			Majors: []string{at(i + 8), at(i + 9), at(i + 8)}[:i%4], Skills: []string{at(i + 10)}[:i%2], Certificates: []string{at(i + 11), at(i)}[:i%3],
		}
		if i%3 == 0 {
			p.Occupation = "1-01-00-00" // not a code: no occupation name
		}
		docs = append(docs, postDoc(&p))
		if i%5 == 0 {
			c := matcher.Course{ID: fmt.Sprint("c:", i), Title: at(i), Provider: at(i + 1), Description: at(i + 2), Majors: []string{at(i + 3)},
				Skills: []string{at(i + 4), at(i + 5)}, District: at(i + 6), Category: matcher.CourseCategory(at(i + 7))}
			docs = append(docs, courseDoc(&c))
		}
	}
	return docs
}

// TestDirectDocsMatchMapping holds the direct documents to what bleve's
// mapping makes of the same doc: same fields in the same order, options,
// stored values, lengths and term frequencies, whether a text's tokens
// come from the memo, the cache of short texts or the analyzer.
func TestDirectDocsMatchMapping(t *testing.T) {
	s := segmenter(t)
	dir := t.TempDir()
	bi, err := bleve.New(dir, newMapping())
	if err != nil {
		t.Fatal(err)
	}
	defer bi.Close()
	direct := builderFor(bi)
	if direct == nil {
		t.Fatal("no direct documents for an index of the current mapping")
	}
	im := newMapping()
	for round, memo := range []bool{false, true, true} { // the third round: short texts cached
		for i, d := range directCorpus(t) {
			id := fmt.Sprint(i)
			want := document.NewDocument(id)
			if err := im.MapDocument(want, d); err != nil {
				t.Fatal(err)
			}
			wantSum := summarize(t, want)
			if memo {
				s.TermsBeforeIndexing(d.Title)
				s.TermsBeforeIndexing(d.Description)
			}
			gotSum := summarize(t, direct.document(id, &d))
			if memo && len(d.Description) > shortText {
				if _, left := s.memo.peek(d.Description); left {
					t.Errorf("round %d: the description of doc %d stayed in the memo", round, i)
				}
			}
			for _, name := range slices.Sorted(maps.Keys(wantSum)) {
				w, g := wantSum[name], gotSum[name]
				if g == nil || w.opts != g.opts || w.length != g.length || !slices.Equal(w.stored, g.stored) || !maps.Equal(w.freqs, g.freqs) {
					t.Fatalf("round %d, doc %d (%+v), field %s:\n got %+v\nwant %+v", round, i, d, name, g, w)
				}
			}
			if len(gotSum) != len(wantSum) {
				t.Fatalf("doc %d: %d field names, want %d", i, len(gotSum), len(wantSum))
			}
		}
	}
}

// TestDirectDocsOnlyForCurrentMapping: an index of another mapping (the
// numeric degree of older versions) gets bleve's mapping, not direct
// documents, also after it is reopened.
func TestDirectDocsOnlyForCurrentMapping(t *testing.T) {
	legacy, err := bleve.New(t.TempDir(), legacyMapping())
	if err != nil {
		t.Fatal(err)
	}
	defer legacy.Close()
	if builderFor(legacy) != nil {
		t.Error("direct documents for the legacy mapping")
	}
	dir := t.TempDir()
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	ix, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if builderFor(ix.bi) == nil {
		t.Error("no direct documents for a reopened index of the current mapping")
	}
}

// BenchmarkDocAnalysis is what changed for bleve's share of indexing a
// post: the document and its fields' analysis, through bleve's mapping
// (mapping) or built directly (direct), for 1,000 synthetic posts whose
// titles and descriptions TermsBeforeIndexing has just cut, as the
// importer does. The segment build after it is the same for both. Its
// allocations (direct) are what an import's documents cost the garbage
// collector.
//
//	go test ./index -run '^$' -bench DocAnalysis -benchtime 20x -count 3
func BenchmarkDocAnalysis(b *testing.B) {
	s := segmenter(b)
	posts := benchPosts(1000)
	bi, err := bleve.New(b.TempDir(), newMapping())
	if err != nil {
		b.Fatal(err)
	}
	defer bi.Close()
	direct := builderFor(bi)
	im := newMapping()
	analyse := func(d *document.Document) {
		d.VisitFields(func(f index.Field) { f.Analyze() })
	}
	for _, mode := range []string{"mapping", "direct"} {
		b.Run(mode, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				b.StopTimer()
				for i := range posts {
					s.TermsBeforeIndexing(posts[i].Title)
					s.TermsBeforeIndexing(posts[i].Description)
				}
				b.StartTimer()
				for i := range posts {
					d := postDoc(&posts[i])
					if mode == "direct" {
						analyse(direct.document(posts[i].ID, &d))
						continue
					}
					bd := document.NewDocument(posts[i].ID)
					if err := im.MapDocument(bd, d); err != nil {
						b.Fatal(err)
					}
					analyse(bd)
				}
			}
		})
	}
}
