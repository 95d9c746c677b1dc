package store

import (
	"encoding/json"
	"os"
	"reflect"
	"testing"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store/seal"
)

// realList is testdata/stored-list.json (a batch's list of a 一人一策
// graduate, generated data) as the store writes it: the box's plain text,
// and the list in the clear.
func realList(t testing.TB) (box, clear []byte, items []matcher.StoredRecommendation) {
	b, err := os.ReadFile("testdata/stored-list.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &items); err != nil {
		t.Fatal(err)
	}
	if box, err = json.Marshal(sealedBox{Items: items, Plan: true}); err != nil {
		t.Fatal(err)
	}
	if clear, err = json.Marshal(items); err != nil {
		t.Fatal(err)
	}
	return box, clear, items
}

// TestReadPostRefs: the fast reader takes json.Marshal's lists, real and
// padded, and reads what encoding/json reads; what it does not read in
// its plain form it leaves to encoding/json.
func TestReadPostRefs(t *testing.T) {
	box, clear, items := realList(t)
	var want []postRef
	for _, it := range items {
		want = append(want, postRef{PostID: it.PostID, Kind: it.Kind, Rank: it.Rank, Plan: it.Plan})
	}
	padded := append(append([]byte{}, box...), "     "...)
	for name, tc := range map[string]struct {
		text  []byte
		array bool
	}{"box": {box, false}, "padded box": {padded, false}, "in the clear": {clear, true}} {
		got, err := readPostRefs(tc.text, tc.array)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: %v, %+v, want %+v", name, err, got, want)
		}
	}
	for _, text := range []string{
		`{"items":[{"POST_ID":"a"}]}`,             // encoding/json folds the key's case
		`{"items":[{"post_id":"a\ud800"}]}`,       // a surrogate
		`{"items":[{"post_id":"a","rank":1.0}]}`,  // not an integer
		`{"items":[{"post_id":"a","rank":01}]}`,   // not JSON
		`{"items":null}`,                          // null
		`{"items":[{"post_id":"a","plan":null}]}`, // null
	} {
		if _, err := readPostRefs([]byte(text), false); err != errSlowPath {
			t.Fatalf("%s: %v, want the slow path", text, err)
		}
	}
	// Escapes are read as encoding/json reads them (the readers of
	// documents and lists are one).
	if got, err := readPostRefs([]byte(`{"items":[{"post_id":"a\u0062\n","rank":3}]}`), false); err != nil || len(got) != 1 || got[0].PostID != "ab\n" || got[0].Rank != 3 {
		t.Fatalf("an escape: %+v %v", got, err)
	}
	got, err := decodePostRefs([]byte(`{"items":[{"POST_ID":"a\u0062","rank":2}]}`), false)
	if err != nil || len(got) != 1 || got[0].PostID != "ab" || got[0].Rank != 2 {
		t.Fatalf("slow path: %+v %v", got, err)
	}
}

// TestListPostsSealed: a sealed list's default posts, in rank order,
// without the plan's items, and an error naming the list when the box is
// not the graduate's.
func TestListPostsSealed(t *testing.T) {
	_, _, items := realList(t)
	keys, err := seal.New([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	sl, err := SealList(keys, "run-1", "G1", items)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ListPosts(keys, "run-1", "G1", sl.Box)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, it := range items {
		if !it.Plan && (it.Kind == matcher.KindJob || it.Kind == matcher.KindInternship) {
			want = append(want, it.PostID)
		}
	}
	if len(want) == 0 || !reflect.DeepEqual(got, want) {
		t.Fatalf("posts %v, want %v", got, want)
	}
	if _, err := ListPosts(keys, "run-1", "G2", sl.Box); err == nil {
		t.Fatal("another graduate's box opened")
	}
}

// FuzzReadPostRefs: no input panics the fast reader, and on valid JSON
// decodePostRefs reads what encoding/json reads.
func FuzzReadPostRefs(f *testing.F) {
	// Two items of the real list (a whole list, 16 KB, slows the fuzzer
	// to a crawl).
	_, _, items := realList(f)
	box, err := json.Marshal(sealedBox{Items: items[:2], Plan: true})
	if err != nil {
		f.Fatal(err)
	}
	clear, err := json.Marshal(items[len(items)-2:])
	if err != nil {
		f.Fatal(err)
	}
	f.Add(box, false)
	f.Add(clear, true)
	f.Add([]byte(`{"items":[{"post_id":"p:1","kind":"job","rank":1,"score":1.5,"item":{"reasons":["a\"]}","b"]},"plan":true}],"plan":true}`), false)
	f.Add([]byte(`[{"post_id":"p","rank":-3,"item":[1,{"x":[]}]}, {"kind":"internship"}]`), true)
	f.Add([]byte(`{"items":[{"Post_ID":"x"}],"items":[]}`), false)
	f.Add([]byte(`{"items":[{"post_id":"a\u0062\n\/","kind":"j\"ob","rank":-0,"plan":false},{"rank":1e2}]}`), false)
	// skip's quote search: escaped quotes after runs of backslashes, a
	// string left open; kind1's constants, escaped and cut short.
	f.Add([]byte(`{"items":[{"item":{"r":["a\\","b\\\"c\\\\",""]},"kind":"internship","post_id":"x"}]}`), false)
	f.Add([]byte(`[{"kind":"\u006aob","item":"\\\"},{"kind":"course"}]`), true)
	f.Add([]byte(`[{"kind":"job`), true)
	f.Fuzz(func(t *testing.T, text []byte, array bool) {
		fast, ferr := readPostRefs(text, array)
		if !json.Valid(text) {
			return
		}
		var slow []postRef
		var serr error
		if array {
			serr = json.Unmarshal(text, &slow)
		} else {
			var b postsBox
			serr = json.Unmarshal(text, &b)
			slow = b.Items
		}
		if ferr == nil && (serr != nil || !reflect.DeepEqual(fast, slow)) {
			t.Fatalf("fast %+v, encoding/json %+v (%v)", fast, slow, serr)
		}
		// Escapes are read as encoding/json reads them (the readers of
		// documents and lists are one).
		if got, err := readPostRefs([]byte(`{"items":[{"post_id":"a\u0062\n","rank":3}]}`), false); err != nil || len(got) != 1 || got[0].PostID != "ab\n" || got[0].Rank != 3 {
			t.Fatalf("an escape: %+v %v", got, err)
		}
		got, err := decodePostRefs(text, array)
		if (err == nil) != (serr == nil) || (err == nil && !reflect.DeepEqual(got, slow)) {
			t.Fatalf("decodePostRefs %+v (%v), encoding/json %+v (%v)", got, err, slow, serr)
		}
	})
}

// BenchmarkListPosts: a stored list's default posts, sealed, as the
// nightly batch reads each graduate's previous list.
func BenchmarkListPosts(b *testing.B) {
	_, _, items := realList(b)
	keys, err := seal.New([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		b.Fatal(err)
	}
	sl, err := SealList(keys, "run-1", "G1", items)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ListPosts(keys, "run-1", "G1", sl.Box); err != nil {
			b.Fatal(err)
		}
	}
}
