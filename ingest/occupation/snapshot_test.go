package occupation

import (
	"maps"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/urumqi-hrss/jobmatch/index"
)

// TestProfileWordsSnapshot: profilewords.txt holds exactly the words a
// fresh cut of every occupation gives, and Default's profiles, built from
// it, are those New builds by cutting. JOBMATCH_PROFILES_WRITE=1 rewrites
// the file (after a change to the catalogue, the curated table or the
// segmenter).
func TestProfileWordsSnapshot(t *testing.T) {
	seg, err := index.DefaultSegmenter()
	if err != nil {
		t.Fatal(err)
	}
	cut, err := New(curatedTable+schoolTeacherTable(), seg)
	if err != nil {
		t.Fatal(err)
	}
	occs := leafCodes()
	want := profileTFs(seg, occs, cut.curatedKeys())
	for i, tf := range want {
		for w := range tf {
			if strings.ContainsAny(w, "\t\n") || w == "" {
				t.Fatalf("%s: word %q cannot be written to profilewords.txt", occs[i].Code, w)
			}
		}
	}
	if os.Getenv("JOBMATCH_PROFILES_WRITE") == "1" {
		if err := os.WriteFile("profilewords.txt", []byte(encodeProfileWords(occs, want)), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Skip("profilewords.txt rewritten; run the test again")
	}
	const rewrite = "; JOBMATCH_PROFILES_WRITE=1 go test ./ingest/occupation -run TestProfileWordsSnapshot rewrites it"
	got, ok := decodeProfileWords(profileWordsText, occs)
	if !ok {
		t.Fatal("profilewords.txt is not for the catalogue's leaf occupations" + rewrite)
	}
	for i := range occs {
		if !maps.Equal(got[i], want[i]) {
			t.Errorf("%s: profilewords.txt has %v, a fresh cut gives %v"+rewrite, occs[i].Code, got[i], want[i])
		}
	}
	if snapshotTFs(seg, occs, cut.curatedKeys()) == nil {
		t.Error("the snapshot is not used")
	}

	def := Default()
	if !reflect.DeepEqual(def.prof.idf, cut.prof.idf) || !reflect.DeepEqual(def.prof.postings, cut.prof.postings) ||
		!reflect.DeepEqual(def.prof.byCode, cut.prof.byCode) || len(def.prof.docs) != len(cut.prof.docs) {
		t.Error("Default's profiles differ from those New cuts")
	}
}

// A snapshot whose words differ from the cut, or that is for other
// occupations, is not used.
func TestProfileWordsSnapshotChecked(t *testing.T) {
	seg, err := index.DefaultSegmenter()
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(curatedTable+schoolTeacherTable(), seg)
	if err != nil {
		t.Fatal(err)
	}
	occs, keys := leafCodes(), c.curatedKeys()
	tf := profileTFs(seg, occs, keys)
	if _, ok := decodeProfileWords(encodeProfileWords(occs[1:], tf[1:]), occs); ok {
		t.Error("a snapshot without the first occupation was read")
	}
	tf[snapshotSample] = maps.Clone(tf[snapshotSample])
	tf[snapshotSample]["不是这个职业的词"] = 1 // an occupation the check cuts again
	stale := encodeProfileWords(occs, tf)
	old := profileWordsText
	defer func() { profileWordsText = old }()
	profileWordsText = stale
	if snapshotTFs(seg, occs, keys) != nil {
		t.Error("a snapshot that differs from the cut was used")
	}
}
