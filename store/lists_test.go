package store_test

import (
	"bytes"
	"encoding/json"
	"os"
	"slices"
	"testing"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store"
	"github.com/urumqi-hrss/jobmatch/store/storetest"
)

// storedList is a real list of the batch (testdata/stored-list.json: a
// 一人一策 graduate of `jobmatch gen --posts 2000 --graduates 3000
// --courses 20 --seed 5`, generated data): 8 default items and 12 plan
// items, in the order the batch writes them (the default list first).
func storedList(t testing.TB) (def, all []matcher.StoredRecommendation) {
	b, err := os.ReadFile("testdata/stored-list.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &all); err != nil {
		t.Fatal(err)
	}
	for _, it := range all {
		if !it.Plan {
			def = append(def, it)
		}
	}
	return def, all
}

func TestSealListRoundTrip(t *testing.T) {
	keys := storetest.Keys()
	def, all := storedList(t)
	for _, items := range [][]matcher.StoredRecommendation{def, all, nil} {
		sl, err := store.SealList(keys, "run-1", "G1", items)
		if err != nil {
			t.Fatal(err)
		}
		got, hasPlan, err := store.OpenList(keys, "run-1", "G1", sl.Box)
		if err != nil {
			t.Fatal(err)
		}
		if hasPlan != (sl.Plan != nil) || (sl.Plan == nil) != (sl.Tag == nil) {
			t.Fatalf("plan: %v, box %d bytes, tag %x", hasPlan, len(sl.Plan), sl.Tag)
		}
		if hasPlan {
			plan, err := store.OpenPlan(keys, "run-1", "G1", sl.Plan)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, plan...)
		}
		want, _ := json.Marshal(items)
		if b, _ := json.Marshal(got); len(items) > 0 && !bytes.Equal(b, want) {
			t.Fatalf("round trip changed the list:\n%s\nwant\n%s", b, want)
		}
		// Bound to the run and the graduate.
		if _, _, err := store.OpenList(keys, "run-1", "G2", sl.Box); err == nil {
			t.Fatal("a box opened as another graduate's list")
		}
		if _, _, err := store.OpenList(keys, "run-2", "G1", sl.Box); err == nil {
			t.Fatal("a box opened as another run's list")
		}
		if len(sl.Box)%512 != 1+4+12+16 {
			t.Fatalf("box of %d bytes: not padded to a multiple of 512 (plus the box's 33)", len(sl.Box))
		}
		if plain, _ := json.Marshal(items); len(items) > 0 && len(sl.Box)+len(sl.Plan) > len(plain)/2 {
			t.Fatalf("boxes of %d and %d bytes for %d bytes of JSON: not compressed", len(sl.Box), len(sl.Plan), len(plain))
		}
	}
	// A list in the clear, as stores wrote them before.
	clear, _ := json.Marshal(all)
	got, hasPlan, err := store.OpenList(nil, "run-1", "G1", clear)
	if err != nil || hasPlan || len(got) != len(all) {
		t.Fatalf("a list in the clear: %d items, plan %v, %v", len(got), hasPlan, err)
	}
	// The default list alone, sealed or in the clear: the plan's items never.
	sealed, err := store.SealList(keys, "run-1", "G1", all)
	if err != nil {
		t.Fatal(err)
	}
	for name, box := range map[string][]byte{"sealed": sealed.Box, "clear": clear} {
		got, err := store.OpenDefaultList(keys, "run-1", "G1", box)
		if b, _ := json.Marshal(got); err != nil || !bytes.Equal(b, mustJSON(t, def)) {
			t.Fatalf("default list (%s): %s, %v; want the %d default items", name, b, err, len(def))
		}
	}
}

// TestOpenListsSealedBeforeCompression: a list sealed by the code of
// main f1308a0, before lists were compressed (testdata/sealed-list-v0.json:
// storedList's items, JSON padded with spaces to 2 KB, sealed under
// storetest.Keys), opens to its items, its default list and its posts.
func TestOpenListsSealedBeforeCompression(t *testing.T) {
	keys := storetest.Keys()
	def, all := storedList(t)
	var v0 struct {
		Run, Graduate string
		Box, Plan     []byte
	}
	if err := json.Unmarshal(readFile(t, "testdata/sealed-list-v0.json"), &v0); err != nil {
		t.Fatal(err)
	}
	if len(v0.Box)%2048 != 33 || len(v0.Plan)%2048 != 33 {
		t.Fatalf("the fixture's boxes are %d and %d bytes: not the old form", len(v0.Box), len(v0.Plan))
	}
	items, hasPlan, err := store.OpenList(keys, v0.Run, v0.Graduate, v0.Box)
	if err != nil || !hasPlan {
		t.Fatalf("old list: plan %v, %v", hasPlan, err)
	}
	plan, err := store.OpenPlan(keys, v0.Run, v0.Graduate, v0.Plan)
	if err != nil {
		t.Fatal(err)
	}
	if b := mustJSON(t, append(items, plan...)); !bytes.Equal(b, mustJSON(t, all)) {
		t.Fatalf("old list opened to\n%s\nwant\n%s", b, mustJSON(t, all))
	}
	got, err := store.OpenDefaultList(keys, v0.Run, v0.Graduate, v0.Box)
	if err != nil || !bytes.Equal(mustJSON(t, got), mustJSON(t, def)) {
		t.Fatalf("old default list: %d items, %v", len(got), err)
	}
	posts, err := store.ListPosts(keys, v0.Run, v0.Graduate, v0.Box)
	if err != nil || len(posts) == 0 || posts[0] != def[0].PostID {
		t.Fatalf("old list's posts: %v, %v", posts, err)
	}
	// The same items sealed now give the same posts and digest.
	now, err := store.SealList(keys, v0.Run, v0.Graduate, all)
	if err != nil {
		t.Fatal(err)
	}
	if p, err := store.ListPosts(keys, v0.Run, v0.Graduate, now.Box); err != nil || !slices.Equal(p, posts) {
		t.Fatalf("posts of the list sealed now %v (%v), of the old one %v", p, err, posts)
	}
	if len(now.Box) >= len(v0.Box) {
		t.Errorf("the list sealed now is %d bytes, the old one %d", len(now.Box), len(v0.Box))
	}
}

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// BenchmarkOpenList is what sealing costs the published-run path, which
// reads one graduate's default list a request: "clear" decodes the list
// as the stores did before lists were sealed, "sealed" opens its padded
// box (AES-256-GCM) and decodes it; "sealed with plan" opens the plan
// items too, as the 一人一策 proposals read them; "decrypt only" is the
// AES-256-GCM part alone; "sealed uncompressed" opens the same list as
// it was sealed before lists were compressed.
//
//	go test -run '^$' -bench OpenList -count 6 ./store/
func BenchmarkOpenList(b *testing.B) {
	keys := storetest.Keys()
	def, all := storedList(b)
	clear, _ := json.Marshal(def)
	sl, _ := store.SealList(keys, "batch-20230615", "G46218958", def)
	slp, _ := store.SealList(keys, "batch-20230615", "G46218958", all)
	b.Run("clear", func(b *testing.B) {
		b.SetBytes(int64(len(clear)))
		for b.Loop() {
			var items []matcher.StoredRecommendation
			if err := json.Unmarshal(clear, &items); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("sealed", func(b *testing.B) {
		b.SetBytes(int64(len(sl.Box)))
		for b.Loop() {
			if _, _, err := store.OpenList(keys, "batch-20230615", "G46218958", sl.Box); err != nil {
				b.Fatal(err)
			}
		}
	})
	// The same list sealed before lists were compressed (its plan kept apart).
	var v0 struct{ Box []byte }
	if err := json.Unmarshal(readFile(b, "testdata/sealed-list-v0.json"), &v0); err != nil {
		b.Fatal(err)
	}
	b.Run("sealed uncompressed", func(b *testing.B) {
		b.SetBytes(int64(len(v0.Box)))
		for b.Loop() {
			if _, _, err := store.OpenList(keys, "batch-20230615", "G46218958", v0.Box); err != nil {
				b.Fatal(err)
			}
		}
	})
	// The AES-256-GCM part alone: a box of the same size opened.
	box := keys.Seal(make([]byte, len(sl.Box)-33), []byte("aad"))
	b.Run("decrypt only", func(b *testing.B) {
		b.SetBytes(int64(len(box)))
		for b.Loop() {
			if _, err := keys.Open(box, []byte("aad")); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("sealed with plan", func(b *testing.B) {
		for b.Loop() {
			items, _, err := store.OpenList(keys, "batch-20230615", "G46218958", slp.Box)
			if err != nil {
				b.Fatal(err)
			}
			plan, err := store.OpenPlan(keys, "batch-20230615", "G46218958", slp.Plan)
			if err != nil {
				b.Fatal(err)
			}
			_ = append(items, plan...)
		}
	})
}
