package index

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store/bolt"
	"github.com/urumqi-hrss/jobmatch/store/storetest"
)

// legacyMapping is the mapping of indexes built before the degree keyword:
// the minimum degree as the number degree_min, and bleve's _all field.
func legacyMapping() *mapping.IndexMappingImpl {
	im := newMapping()
	for _, typ := range []string{TypePost, TypeCourse} {
		dm := im.TypeMapping[typ]
		delete(dm.Properties, fieldDegree)
		delete(dm.Properties, "_all")
		f := bleve.NewNumericFieldMapping()
		f.Store, f.IncludeInAll = false, false
		dm.AddFieldMappingsAt(fieldDegreeMin, f)
	}
	return im
}

// TestLegacyDegreeIndex opens an index built with the older mapping: its
// degree filter still works (a numeric range over degree_min) for posts
// indexed before and after the upgrade, and a Rebuild brings it to the
// current mapping with the same results.
func TestLegacyDegreeIndex(t *testing.T) {
	dir := t.TempDir()
	gen := generationName(1)
	bi, err := bleve.NewUsing(filepath.Join(dir, gen), legacyMapping(), scorch.Name, scorch.Name, nil)
	if err != nil {
		t.Fatal(err)
	}
	posts := testPosts()
	if err := indexPosts(bi, 100, posts[:4], testNow, true); err != nil {
		t.Fatal(err)
	}
	if err := bi.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, currentFile), []byte(gen+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if ix.degreeTerms {
		t.Fatal("a legacy index was taken for one with the degree keyword")
	}
	if err := ix.IndexPostsAt(posts[4:], testNow); err != nil {
		t.Fatal(err)
	}
	want := []string{"t:2", "t:5", "t:6", "t:7", "t:8"} // as in TestSearch
	check := func(when string) {
		t.Helper()
		got := ids(search(t, ix, Query{Degree: matcher.DegreeAssociate}))
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("%s: degree filter gives %v, want %v", when, got, want)
		}
	}
	check("legacy index")

	st, err := bolt.Open(filepath.Join(t.TempDir(), "store.db"), storetest.Keys())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.UpsertPosts(context.Background(), posts); err != nil {
		t.Fatal(err)
	}
	if err := ix.Rebuild(context.Background(), st, testNow); err != nil {
		t.Fatal(err)
	}
	if !ix.degreeTerms {
		t.Error("the rebuilt index does not use the degree keyword")
	}
	check("rebuilt index")
}

// storedEmployerMapping is the mapping of indexes built before the
// employer as written was only stored: employer_exact and type keywords
// with doc values, and the course category as a keyword.
func storedEmployerMapping() *mapping.IndexMappingImpl {
	im := newMapping()
	kw := func() *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Analyzer = keyword.Name
		f.Store, f.DocValues = true, true
		f.IncludeTermVectors, f.IncludeInAll = false, false
		return f
	}
	for _, typ := range []string{TypePost, TypeCourse} {
		dm := im.TypeMapping[typ]
		for _, name := range []string{fieldType, fieldEmployerKey, "category"} {
			delete(dm.Properties, name)
			dm.AddFieldMappingsAt(name, kw())
		}
	}
	return im
}

// TestStoredEmployerIndex opens an index of the mapping before
// employer_exact was only stored: it searches exactly as an index of the
// current mapping with the same posts and courses (hits, scores, the
// employer shown, totals, facets), takes writes through bleve's mapping,
// and a Rebuild brings it to the current mapping (direct documents) with
// the same results.
func TestStoredEmployerIndex(t *testing.T) {
	posts := testPosts()
	courses := []matcher.Course{
		{ID: "c:1", Source: "c", ExternalID: "1", Title: "电工职业技能培训", Provider: "乌鲁木齐市职业技能培训中心", Category: matcher.CourseSkills, District: "新市区", Skills: []string{"电工"}, Places: 30},
		{ID: "c:2", Source: "c", ExternalID: "2", Title: "SYB创业培训", Provider: "新疆创业学院", Category: matcher.CourseEntrepreneurship, District: "天山区", Description: "自主创业，创业担保贷款政策", Places: 40},
	}
	dir := t.TempDir()
	gen := generationName(1)
	bi, err := bleve.NewUsing(filepath.Join(dir, gen), storedEmployerMapping(), scorch.Name, scorch.Name, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := indexPosts(bi, 100, posts[:4], testNow, true); err != nil {
		t.Fatal(err)
	}
	if err := indexCourses(bi, 100, courses); err != nil {
		t.Fatal(err)
	}
	if err := bi.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, currentFile), []byte(gen+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var logged bytes.Buffer
	opts := DefaultOptions
	opts.Log = slog.New(slog.NewTextHandler(&logged, nil))
	ix, err := OpenWith(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if builderFor(ix.bi) != nil {
		t.Fatal("direct documents for an index of the earlier mapping")
	}
	if !strings.Contains(logged.String(), "jobmatch reindex") {
		t.Errorf("opening an index of the earlier mapping logged %q, want a line naming `jobmatch reindex`", logged.String())
	}
	if err := ix.IndexPostsAt(posts[4:], testNow); err != nil {
		t.Fatal(err)
	}

	ref, _ := openTemp(t)
	if err := ref.IndexPostsAt(posts, testNow); err != nil {
		t.Fatal(err)
	}
	if err := ref.IndexCourses(courses); err != nil {
		t.Fatal(err)
	}
	queries := []Query{
		{Text: "会计"}, {Text: "会计 天山区"}, {Text: "教师", Degree: matcher.DegreeBachelor}, {Channel: matcher.ChannelStateOwned},
		{District: "天山区"}, {Kind: matcher.KindInternship}, {Text: "电工"}, {Text: "创业", Type: TypeCourse}, {Type: TypeCourse},
	}
	check := func(when string) {
		t.Helper()
		for _, q := range queries {
			got, want := search(t, ix, q), search(t, ref, q)
			got.Took, want.Took = 0, 0
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s, %+v:\n got %+v\nwant %+v", when, q, got, want)
			}
			if len(want.Hits) == 0 {
				t.Errorf("%+v finds nothing: not a check", q)
			}
		}
		if got := search(t, ix, Query{Text: "会计"}); got.Hits[0].Employer != "新疆天山会计师事务所" {
			t.Errorf("%s: employer shown %q", when, got.Hits[0].Employer)
		}
	}
	check("earlier mapping")

	st, err := bolt.Open(filepath.Join(t.TempDir(), "store.db"), storetest.Keys())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.UpsertPosts(context.Background(), posts); err != nil {
		t.Fatal(err)
	}
	if _, err := st.UpsertCourses(context.Background(), courses); err != nil {
		t.Fatal(err)
	}
	if err := ix.Rebuild(context.Background(), st, testNow); err != nil {
		t.Fatal(err)
	}
	if builderFor(ix.bi) == nil {
		t.Error("the rebuilt index does not take direct documents")
	}
	check("rebuilt index")
}
