package index

import "github.com/blevesearch/bleve/v2"

// newFieldRequest looks for text in one field, both verbatim and analyzed,
// to prove a value is nowhere in the index.
func newFieldRequest(field, text string) *bleve.SearchRequest {
	t := bleve.NewTermQuery(text)
	t.SetField(field)
	m := bleve.NewMatchQuery(text)
	m.SetField(field)
	m.Analyzer = AnalyzerName
	return bleve.NewSearchRequest(bleve.NewDisjunctionQuery(t, m))
}
