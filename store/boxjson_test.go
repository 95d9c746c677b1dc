package store

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"testing"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// checkMarshalBox: marshalBox writes what json.Marshal writes, or fails
// where it fails.
func checkMarshalBox(t *testing.T, b sealedBox) {
	t.Helper()
	want, werr := json.Marshal(b)
	got, gerr := marshalBox(b)
	if (werr == nil) != (gerr == nil) {
		t.Fatalf("%+v: json.Marshal error %v, marshalBox error %v", b, werr, gerr)
	}
	if werr == nil && !bytes.Equal(got, want) {
		t.Fatalf("marshalBox wrote\n%s\njson.Marshal\n%s", got, want)
	}
}

func storedList(t testing.TB) []matcher.StoredRecommendation {
	b, err := os.ReadFile("testdata/stored-list.json")
	if err != nil {
		t.Fatal(err)
	}
	var all []matcher.StoredRecommendation
	if err := json.Unmarshal(b, &all); err != nil {
		t.Fatal(err)
	}
	return all
}

// TestAppendBoxFastPath: the batch's real list is written by the fast path
// (not handed to encoding/json), byte for byte as json.Marshal writes it;
// whatever the fast path does not copy as it is goes to json.Marshal.
func TestAppendBoxFastPath(t *testing.T) {
	all := storedList(t)
	for _, b := range []sealedBox{{Items: all}, {Items: all, Plan: true}, {Items: []matcher.StoredRecommendation{}}, {}} {
		if _, ok := appendBox(nil, b); !ok {
			t.Errorf("the fast path refused a box of %d real items", len(b.Items))
		}
		checkMarshalBox(t, b)
		// The batch's lists say their items are in encoding/json's form
		// (matcher.GraduateRecommendations.Encoded): copied unchecked, the
		// same bytes.
		b.encoded = true
		checkMarshalBox(t, b)
	}
	it := all[0]
	for name, edit := range map[string]func(*matcher.StoredRecommendation){
		"html in the ID":     func(s *matcher.StoredRecommendation) { s.PostID = "a<b" },
		"quote in the kind":  func(s *matcher.StoredRecommendation) { s.Kind = `j"ob` },
		"bad UTF-8":          func(s *matcher.StoredRecommendation) { s.PostID = "\xff" },
		"U+2028":             func(s *matcher.StoredRecommendation) { s.PostID = "a\u2028" },
		"NaN score":          func(s *matcher.StoredRecommendation) { s.Score = math.NaN() },
		"spaced item":        func(s *matcher.StoredRecommendation) { s.Item = json.RawMessage(`{"a": 1}`) },
		"& in the item":      func(s *matcher.StoredRecommendation) { s.Item = json.RawMessage(`{"a":"x&y"}`) },
		"invalid item":       func(s *matcher.StoredRecommendation) { s.Item = json.RawMessage(`{"a":}`) },
		"two values":         func(s *matcher.StoredRecommendation) { s.Item = json.RawMessage(`{}{}`) },
		"leading zero":       func(s *matcher.StoredRecommendation) { s.Item = json.RawMessage(`[01]`) },
		"control in item":    func(s *matcher.StoredRecommendation) { s.Item = json.RawMessage("[\"a\tb\"]") },
		"bad escape in item": func(s *matcher.StoredRecommendation) { s.Item = json.RawMessage(`["\x"]`) },
	} {
		s := it
		edit(&s)
		b := sealedBox{Items: []matcher.StoredRecommendation{all[1], s}}
		if _, ok := appendBox(nil, b); ok {
			t.Errorf("%s: the fast path copied it", name)
		}
		checkMarshalBox(t, b)
	}
	// Real items damaged at random: a byte changed, dropped or repeated.
	rng := rand.New(rand.NewPCG(3, 5))
	bytesOf := []byte(`{}[],:"\ 0123456789.eE+-tfnlu<&/` + "\x00\xff\xe2\x80\xa8")
	for range 20000 {
		s := all[rng.IntN(len(all))]
		in := slices.Clone([]byte(s.Item))
		if len(in) == 0 {
			continue
		}
		for range 1 + rng.IntN(3) {
			if len(in) == 0 {
				break
			}
			i := rng.IntN(len(in))
			switch rng.IntN(3) {
			case 0:
				in[i] = bytesOf[rng.IntN(len(bytesOf))]
			case 1:
				in = slices.Delete(in, i, i+1)
			default:
				in = slices.Insert(in, i, in[i])
			}
		}
		s.Item = in
		checkMarshalBox(t, sealedBox{Items: []matcher.StoredRecommendation{s}})
	}
}

// FuzzAppendBox: for any item, marshalBox writes what json.Marshal
// writes, and fails where it fails.
func FuzzAppendBox(f *testing.F) {
	for _, it := range storedList(f)[:4] {
		f.Add(it.PostID, string(it.Kind), it.Rank, it.Score, []byte(it.Item), it.Plan)
	}
	f.Add("a", "job", -1, -2.5e-7, []byte(`{"a":[true,false,null,-0.5E+3,"\u00e9\/"]}`), true)
	f.Add("", "", 0, 1e21, []byte{}, false)
	f.Fuzz(func(t *testing.T, id, kind string, rank int, score float64, item []byte, plan bool) {
		it := matcher.StoredRecommendation{PostID: id, Kind: matcher.Kind(kind), Rank: rank, Score: score, Item: item, Plan: plan}
		checkMarshalBox(t, sealedBox{Items: []matcher.StoredRecommendation{it}, Plan: plan})
	})
}

// BenchmarkMarshalBox: a real default list's box written by marshalBox
// (the fast path) and by json.Marshal, as SealList wrote it before.
//
//	go test -run '^$' -bench MarshalBox -count 6 ./store/
func BenchmarkMarshalBox(b *testing.B) {
	var box sealedBox
	for _, it := range storedList(b) {
		if !it.Plan {
			box.Items = append(box.Items, it)
		}
	}
	for name, marshal := range map[string]func(sealedBox) ([]byte, error){"marshalBox": marshalBox, "json.Marshal": func(b sealedBox) ([]byte, error) { return json.Marshal(b) }} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if _, err := marshal(box); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
