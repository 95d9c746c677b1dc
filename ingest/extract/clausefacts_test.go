package extract

import (
	"reflect"
	"testing"

	"github.com/urumqi-hrss/jobmatch/index"
	"github.com/urumqi-hrss/jobmatch/ingest/synth"
)

// The memo of clause facts changes nothing: every generated post reads the
// same with the memo cold, warm, and without it.
func TestFactMemoSameRequirements(t *testing.T) {
	seg, err := index.DefaultSegmenter()
	if err != nil {
		t.Fatal(err)
	}
	rows, col := generatedPosts(t, synth.Options{Seed: 5, Posts: 400, Internships: 20})
	memo, plain := New(seg), &Extractor{cut: seg}
	hits := 0
	for pass := range 2 {
		for _, r := range rows[1:] {
			title, desc := r[col["title"]], r[col["description"]]
			got, want := memo.Extract(title, desc), plain.Extract(title, desc)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("pass %d, %q: %+v, without the memo %+v", pass, title, got, want)
			}
			if got.DegreeFound || got.ExperienceFound || len(got.MajorCodes) > 0 {
				hits++
			}
		}
	}
	if hits == 0 {
		t.Fatal("no post stated a degree, experience or major: the test compares nothing")
	}
	if len(memo.memo.m) == 0 {
		t.Fatal("the memo kept nothing")
	}
}
