package extract

import (
	"reflect"
	"testing"

	"github.com/urumqi-hrss/jobmatch/index"
	"github.com/urumqi-hrss/jobmatch/ingest/sharedtest"
	"github.com/urumqi-hrss/jobmatch/ingest/synth"
)

// cutOnly is the segmenter without ScanWordStarts: the extractor then
// finds terms in the whole cut, as it did before it asked for word starts.
type cutOnly struct{ s *index.Segmenter }

func (c cutOnly) Cut(text string) []string { return c.s.Cut(text) }

// TestWordStartsExtractAsCut holds the extractor on word starts
// (index.Segmenter.ScanWordStarts) to the extractor on the whole cut: the
// same requirements for every generated post and, with the shared data,
// every real post of the 2024–25 export.
func TestWordStartsExtractAsCut(t *testing.T) {
	s, err := index.DefaultSegmenter()
	if err != nil {
		t.Fatal(err)
	}
	fast, whole := New(s), New(cutOnly{s})
	recs, col := generatedPosts(t, synth.Options{Seed: 2023, Posts: 4000, Internships: 200})
	type post struct{ title, desc string }
	var posts []post
	for _, r := range recs[1:] {
		posts = append(posts, post{r[col["title"]], r[col["description"]]})
	}
	generated := len(posts)
	// The real posts when the shared data is there (Optional fails under
	// JOBMATCH_REQUIRE_SHARED=1 when it is not); the generated ones always.
	if _, ok := sharedtest.Optional(t, realPosts); ok {
		for _, p := range readRealPosts(t) {
			posts = append(posts, post{p.title, p.desc})
		}
	}
	found := 0
	for _, p := range posts {
		got, want := fast.Extract(p.title, p.desc), whole.Extract(p.title, p.desc)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Extract(%q, %q) on word starts = %+v, on the cut %+v", p.title, p.desc, got, want)
		}
		if len(want.Skills)+len(want.Certificates) > 0 {
			found++
		}
	}
	// The comparison means something only if terms are found.
	if found < len(posts)/2 {
		t.Errorf("terms found in %d of %d posts", found, len(posts))
	}
	t.Logf("%d posts (%d generated), terms in %d", len(posts), generated, found)
}
