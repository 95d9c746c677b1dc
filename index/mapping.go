package index

import (
	"strconv"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/mapping"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

// doc is what the index stores for a post or a course. It is built field by
// field from the domain types, so nothing is indexed by accident.
type doc struct {
	Type        string   `json:"type"`
	Title       string   `json:"title"`
	Employer    string   `json:"employer"`
	EmployerKey string   `json:"employer_exact"`
	Description string   `json:"description,omitempty"`
	Majors      []string `json:"majors,omitempty"`
	Skills      []string `json:"skills,omitempty"`
	Occupation  string   `json:"occupation,omitempty"`
	Channel     string   `json:"channel,omitempty"`
	District    string   `json:"district,omitempty"`
	Kind        string   `json:"kind"`
	// Degree is what the current mapping indexes; DegreeMin what the
	// mapping of an older index does (each mapping ignores the other).
	Degree    string  `json:"degree"`
	DegreeMin float64 `json:"degree_min"`
}

// BleveType tells bleve which document mapping applies.
func (d doc) BleveType() string { return d.Type }

// newMapping is the index mapping: static document mappings for posts and
// courses only. Fields not listed are not indexed, and documents of any
// other type are not indexed at all.
func newMapping() *mapping.IndexMappingImpl {
	im := bleve.NewIndexMapping()
	im.TypeField = fieldType
	im.DefaultAnalyzer = AnalyzerName
	im.DefaultMapping = bleve.NewDocumentDisabledMapping()
	im.StoreDynamic = false
	im.IndexDynamic = false
	im.DocValuesDynamic = false

	text := func(store bool) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = AnalyzerName
		f.Store = store
		// Match queries need neither term vectors nor doc values; leaving
		// them out makes indexing faster and the index smaller.
		f.IncludeTermVectors = false
		f.DocValues = false
		f.IncludeInAll = false
		return f
	}
	// A keyword is indexed for filters and stored for the hits; only the
	// facets (channel, district, kind: facetFields) need doc values.
	kw := func(docValues bool) *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Analyzer = keyword.Name
		f.Store = true
		f.DocValues = docValues
		f.IncludeTermVectors = false
		f.IncludeInAll = false
		return f
	}
	// The employer as written is shown with a hit and nothing searches,
	// filters or facets it: stored, not indexed (employer, analyzed, is
	// what a text search matches).
	shown := func() *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Analyzer = keyword.Name
		f.Index = false
		f.Store = true
		f.DocValues = false
		f.IncludeTermVectors = false
		f.IncludeInAll = false
		return f
	}
	// The minimum degree is one of six values, so a keyword (one term a
	// document) filters it as well as a number, which bleve indexes as 16
	// terms of shifted precision: that was a tenth of the indexing time.
	degree := func() *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Analyzer = keyword.Name
		f.Store = false
		f.DocValues = false
		f.IncludeTermVectors = false
		f.IncludeInAll = false
		return f
	}
	build := func() *mapping.DocumentMapping {
		dm := bleve.NewDocumentStaticMapping()
		dm.AddFieldMappingsAt(fieldType, kw(false))
		dm.AddFieldMappingsAt(fieldTitle, text(true))
		dm.AddFieldMappingsAt(fieldEmployer, text(false))
		dm.AddFieldMappingsAt(fieldEmployerKey, shown())
		dm.AddFieldMappingsAt(fieldDescription, text(false))
		dm.AddFieldMappingsAt(fieldMajors, text(false))
		dm.AddFieldMappingsAt(fieldSkills, text(false))
		dm.AddFieldMappingsAt(fieldOccupation, text(false))
		dm.AddFieldMappingsAt(fieldChannel, kw(true))
		dm.AddFieldMappingsAt(fieldDistrict, kw(true))
		dm.AddFieldMappingsAt(fieldKind, kw(true))
		dm.AddFieldMappingsAt(fieldDegree, degree())
		// No field goes into bleve's composite _all field and every query
		// names its fields, so _all is disabled: otherwise every document
		// carries an empty composite that segment building still walks.
		dm.AddSubDocumentMapping("_all", bleve.NewDocumentDisabledMapping())
		return dm
	}
	im.AddDocumentMapping(TypePost, build())
	im.AddDocumentMapping(TypeCourse, build())
	return im
}

func postDoc(p *matcher.Post) doc {
	d := doc{
		Type:        TypePost,
		Title:       p.Title,
		Employer:    p.Employer,
		EmployerKey: p.Employer,
		Description: p.Description,
		Majors:      p.Majors,
		Channel:     string(p.Channel),
		District:    p.District,
		Kind:        string(p.Kind),
		Degree:      strconv.Itoa(int(p.DegreeMin)),
		DegreeMin:   float64(p.DegreeMin),
	}
	if p.Kind == "" {
		d.Kind = string(matcher.KindJob)
	}
	d.Skills = append(append([]string(nil), p.Skills...), p.Certificates...)
	if p.Occupation != "" {
		if o, ok := catalog.OccupationByCode(p.Occupation); ok {
			d.Occupation = o.Name
		}
	}
	return d
}

func courseDoc(c *matcher.Course) doc {
	d := doc{
		Type:        TypeCourse,
		Title:       c.Title,
		Employer:    c.Provider,
		EmployerKey: c.Provider,
		Description: c.Description,
		Majors:      c.Majors,
		District:    c.District,
		Kind:        string(matcher.KindCourse),
	}
	d.Skills = append(append([]string(nil), c.Skills...), c.Certificates...)
	return d
}
