package index

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/blevesearch/bleve/v2"
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
	if err := indexPosts(bi, 100, posts[:4], testNow); err != nil {
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
