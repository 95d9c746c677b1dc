package index

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// Query is a search: text over the analyzed fields plus filters.
type Query struct {
	Text     string
	Channel  matcher.Channel
	District string
	// Degree is the searcher's degree: only posts whose minimum it meets
	// (DegreeMin <= Degree) match. 0 means any.
	Degree matcher.Degree
	Kind   matcher.Kind
	Type   string // TypePost (default) or TypeCourse
	Limit  int    // default 20, at most MaxLimit
	Offset int
}

// MaxLimit is the largest page Search returns.
const MaxLimit = 1000

// Hit is one search result.
type Hit struct {
	ID       string          `json:"id"`
	Score    float64         `json:"score"`
	Type     string          `json:"type"`
	Title    string          `json:"title"`
	Employer string          `json:"employer"`
	District string          `json:"district,omitempty"`
	Channel  matcher.Channel `json:"channel,omitempty"`
	Kind     matcher.Kind    `json:"kind,omitempty"`
}

// FacetCount is how many matching documents have a facet term.
type FacetCount struct {
	Term  string `json:"term"`
	Count int    `json:"count"`
}

// Result is one page of search results with facets over all matches.
type Result struct {
	Total  uint64                  `json:"total"`
	Hits   []Hit                   `json:"hits"`
	Facets map[string][]FacetCount `json:"facets"` // "channel", "district", "kind"
	Took   time.Duration           `json:"took"`
}

var facetFields = []string{fieldChannel, fieldDistrict, fieldKind}

// Search runs q. Ordering is by score, then by ID, so equal scores come out
// in the same order every time and in every rebuild.
func (ix *Index) Search(ctx context.Context, q Query) (*Result, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.bi == nil {
		return nil, errClosed
	}
	req, err := buildRequest(q, ix.degreeTerms)
	if err != nil {
		return nil, err
	}
	sr, err := ix.bi.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("index: search %q: %w", q.Text, err)
	}
	res := &Result{Total: sr.Total, Took: sr.Took, Hits: make([]Hit, 0, len(sr.Hits)), Facets: map[string][]FacetCount{}}
	for _, h := range sr.Hits {
		hit := Hit{ID: h.ID, Score: h.Score}
		hit.Type, _ = h.Fields[fieldType].(string)
		hit.Title, _ = h.Fields[fieldTitle].(string)
		hit.Employer, _ = h.Fields[fieldEmployerKey].(string)
		hit.District, _ = h.Fields[fieldDistrict].(string)
		ch, _ := h.Fields[fieldChannel].(string)
		hit.Channel = matcher.Channel(ch)
		k, _ := h.Fields[fieldKind].(string)
		hit.Kind = matcher.Kind(k)
		res.Hits = append(res.Hits, hit)
	}
	for _, name := range facetFields {
		fr := sr.Facets[name]
		counts := []FacetCount{}
		if fr != nil && fr.Terms != nil {
			for _, t := range fr.Terms.Terms() {
				if t.Term == "" {
					continue // documents without the field (courses have no channel, some posts no district)
				}
				counts = append(counts, FacetCount{Term: t.Term, Count: t.Count})
			}
		}
		res.Facets[name] = counts
	}
	return res, nil
}

func buildRequest(q Query, degreeTerms bool) (*bleve.SearchRequest, error) {
	typ := q.Type
	if typ == "" {
		typ = TypePost
	}
	if typ != TypePost && typ != TypeCourse {
		return nil, matcher.Errorf(matcher.EINVALID, "未知的文档类型：%q（应为 post 或 course）", "unknown document type %q (want post or course)", q.Type)
	}
	if q.Limit < 0 || q.Offset < 0 {
		return nil, matcher.Errorf(matcher.EINVALID, "分页参数不能为负数", "negative limit or offset")
	}
	limit := q.Limit
	if limit == 0 {
		limit = 20
	}
	if limit > MaxLimit {
		limit = MaxLimit
	}

	bq := bleve.NewBooleanQuery()
	if strings.TrimSpace(q.Text) != "" {
		dis := bleve.NewDisjunctionQuery()
		for _, f := range textFields {
			m := bleve.NewMatchQuery(q.Text)
			m.SetField(f.name)
			m.Analyzer = SearchAnalyzerName
			m.SetBoost(f.boost)
			dis.AddQuery(m)
		}
		bq.AddMust(dis)
	} else {
		bq.AddMust(bleve.NewMatchAllQuery())
	}

	filters := []query.Query{termQuery(fieldType, typ)}
	if q.Channel != "" {
		filters = append(filters, termQuery(fieldChannel, string(q.Channel)))
	}
	if q.District != "" {
		filters = append(filters, termQuery(fieldDistrict, q.District))
	}
	if q.Kind != "" {
		filters = append(filters, termQuery(fieldKind, string(q.Kind)))
	}
	switch {
	case q.Degree <= 0:
	case degreeTerms:
		// Posts whose minimum is at most the searcher's degree.
		var ok []query.Query
		for d := matcher.DegreeNone; d <= min(q.Degree, matcher.DegreeDoctor); d++ {
			ok = append(ok, termQuery(fieldDegree, strconv.Itoa(int(d))))
		}
		filters = append(filters, bleve.NewDisjunctionQuery(ok...))
	default:
		maxDeg := float64(q.Degree)
		incl := true
		filters = append(filters, numericField(bleve.NewNumericRangeInclusiveQuery(nil, &maxDeg, nil, &incl), fieldDegreeMin))
	}
	bq.AddFilter(bleve.NewConjunctionQuery(filters...))

	req := bleve.NewSearchRequestOptions(bq, limit, q.Offset, false)
	req.Fields = []string{fieldType, fieldTitle, fieldEmployerKey, fieldDistrict, fieldChannel, fieldKind}
	req.SortBy([]string{"-_score", "_id"})
	for _, f := range facetFields {
		req.AddFacet(f, bleve.NewFacetRequest(f, 50))
	}
	return req, nil
}

func termQuery(field, term string) query.Query {
	t := bleve.NewTermQuery(term)
	t.SetField(field)
	return t
}

func numericField(q *query.NumericRangeQuery, field string) query.Query {
	q.SetField(field)
	return q
}
