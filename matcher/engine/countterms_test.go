package engine

import (
	"encoding/json"
	"strings"
	"sync"
	"testing"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// idTerms is a TermIDAnalyzer over an analyzer: it keeps every text's
// terms as ids into one vocabulary, as `ingest posts` does.
type idTerms struct {
	an    matcher.Analyzer
	mu    sync.Mutex
	kept  map[string][]uint32
	ids   map[string]uint32
	vocab []string
}

func newIDTerms(an matcher.Analyzer) *idTerms {
	return &idTerms{an: an, kept: map[string][]uint32{}, ids: map[string]uint32{}}
}

func (a *idTerms) Terms(text string) []string { return a.an.Terms(text) }

func (a *idTerms) TermIDs(text string) []uint32 {
	a.mu.Lock()
	defer a.mu.Unlock()
	if ids, ok := a.kept[text]; ok {
		return ids
	}
	var ids []uint32
	for _, t := range a.an.Terms(text) {
		id, ok := a.ids[t]
		if !ok {
			id = uint32(len(a.vocab))
			a.ids[t] = id
			a.vocab = append(a.vocab, t)
		}
		ids = append(ids, id)
	}
	a.kept[text] = ids
	return ids
}

func (a *idTerms) Vocabulary() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.vocab[:len(a.vocab):len(a.vocab)]
}

// slashTerms is BigramAnalyzer's terms of a text and, after them, its
// pieces between slashes as written: terms with capitals, spaces,
// punctuation only, or stop terms, which usefulTerm normalises or drops,
// several of them one term once normalised.
type slashTerms struct{}

func (slashTerms) Terms(text string) []string {
	return append(BigramAnalyzer{}.Terms(text), strings.Split(text, "/")...)
}

// countingPosts is the generated posts and a few whose terms normalise
// together or away, one of them seen twice (the later copy counts).
func countingPosts() []matcher.Post {
	posts := genPosts(21, 600)
	odd := []matcher.Post{
		{ID: "odd-1", Title: "Java/JAVA/ java /会计", Description: "的/，，/ / Excel /EXCEL/excel", Skills: []string{"Java", "SQL"}, Majors: []string{"会计学"}},
		{ID: "odd-2", Title: "", Description: "", Certificates: []string{"C1驾驶证", "c1驾驶证"}},
		{ID: "odd-3", Title: "，/。", Description: "的"},
	}
	posts = append(posts, odd...)
	posts = append(posts, posts[5])
	posts[5].Description += "/Python/python"
	return posts
}

// CountTerms from a TermIDAnalyzer's ids puts exactly the counts it puts
// from the analyzer's strings, for the same posts, into a store taking
// them sorted or as maps, and finds what the store already has as it does.
func TestCountTermsFromIDsIsFromStrings(t *testing.T) {
	posts := countingPosts()
	for _, an := range []matcher.Analyzer{BigramAnalyzer{}, slashTerms{}} {
		for name, kind := range map[string]int{"maps": 0, "sorted": 1, "ranked": 2} {
			fromStrings := &sortedPuts{mapTerms: &mapTerms{m: map[string]map[string]float64{}}, t: t}
			fromIDs := &sortedPuts{mapTerms: &mapTerms{m: map[string]map[string]float64{}}, t: t}
			// Some posts' counts are in both stores already.
			for _, p := range posts[100:150] {
				texts, reps := postTexts(&p)
				tf := sortedTermCounts(an, texts, reps)
				m := map[string]float64{}
				for _, x := range tf {
					m[x.term] = x.n
				}
				fromStrings.m[termKey(texts, reps)] = m
				fromIDs.m[termKey(texts, reps)] = m
			}
			var s1, s2 TermStore = fromStrings.mapTerms, fromIDs.mapTerms
			switch kind {
			case 1:
				s1, s2 = fromStrings, fromIDs
			case 2:
				s1, s2 = fromStrings, rankedPuts{fromIDs}
			}
			ids := newIDTerms(an)
			var heard, total int
			CountTerms(posts, an, s1, nil)
			CountTerms(posts, ids, s2, func(done, n int) { heard, total = done, n })
			// Each key is put once (posts with the same texts share one).
			if fromIDs.puts == 0 || fromIDs.puts != len(fromIDs.m)-50 {
				t.Fatalf("%T, %s: from ids %d put for %d new keys", an, name, fromIDs.puts, len(fromIDs.m)-50)
			}
			if kind > 0 && fromIDs.sorted != fromIDs.puts {
				t.Errorf("%T: %d of %d counts from ids put sorted", an, fromIDs.sorted, fromIDs.puts)
			}
			if len(fromIDs.m) != len(fromStrings.m) {
				t.Fatalf("%T, %s: from ids %d posts' counts kept, from strings %d", an, name, len(fromIDs.m), len(fromStrings.m))
			}
			for k, tf := range fromStrings.m {
				a, _ := json.Marshal(tf)
				b, _ := json.Marshal(fromIDs.m[k])
				if string(a) != string(b) {
					t.Fatalf("%T, %s: key %x: from strings %s, from ids %s", an, name, k, a, b)
				}
			}
			if heard != total || total == 0 {
				t.Errorf("%T, %s: progress heard %d of %d", an, name, heard, total)
			}
		}
	}
}

// A TermCounter fed the posts in batches, from two goroutines, puts
// exactly CountTerms's counts over all of them, each key once, and ranks
// the terms once: every count shares one vocabulary.
func TestTermCounterInBatchesIsCountTerms(t *testing.T) {
	posts := countingPosts()
	posts = posts[:len(posts)-1] // a store hands each post ID once
	for _, an := range []matcher.Analyzer{BigramAnalyzer{}, slashTerms{}} {
		whole := &sortedPuts{mapTerms: &mapTerms{m: map[string]map[string]float64{}}, t: t}
		CountTerms(posts, newIDTerms(an), rankedPuts{whole}, nil)
		batched := &sortedPuts{mapTerms: &mapTerms{m: map[string]map[string]float64{}}, t: t}
		vocabs := &vocabCount{sortedPuts: batched, seen: map[*string]bool{}}
		tc := NewTermCounter(newIDTerms(an), vocabs)
		batches := make(chan []matcher.Post)
		var wg sync.WaitGroup
		for range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for b := range batches {
					tc.Add(b)
				}
			}()
		}
		for lo := 0; lo < len(posts); lo += 64 {
			batches <- posts[lo:min(lo+64, len(posts))]
		}
		close(batches)
		wg.Wait()
		if batched.puts != 0 {
			t.Fatalf("%T: %d counts put before Finish", an, batched.puts)
		}
		tc.Finish()
		if batched.puts == 0 || batched.puts != whole.puts || len(batched.m) != len(whole.m) {
			t.Fatalf("%T: batched %d puts of %d keys, whole %d of %d", an, batched.puts, len(batched.m), whole.puts, len(whole.m))
		}
		for k, tf := range whole.m {
			a, _ := json.Marshal(tf)
			b, _ := json.Marshal(batched.m[k])
			if string(a) != string(b) {
				t.Fatalf("%T: key %x: whole %s, batched %s", an, k, a, b)
			}
		}
		if len(vocabs.seen) != 1 {
			t.Errorf("%T: the counts came in %d vocabularies, not one", an, len(vocabs.seen))
		}
	}
}

// vocabCount is a RankedPutter that notes each vocabulary it is handed.
type vocabCount struct {
	*sortedPuts
	mu   sync.Mutex
	seen map[*string]bool
}

func (v *vocabCount) PutRanked(key string, terms []string, ids []uint32, counts []float64) {
	v.mu.Lock()
	if len(terms) > 0 {
		v.seen[&terms[0]] = true
	}
	v.mu.Unlock()
	rankedPuts{v.sortedPuts}.PutRanked(key, terms, ids, counts)
}

// BenchmarkCountTerms counts 5,000 generated posts into an empty sorted
// store, the texts cut already (as after an import): from the analyzer's
// strings, and from its kept ids.
func BenchmarkCountTerms(b *testing.B) {
	posts := genPosts(31, 5000)
	kept := newIDTerms(BigramAnalyzer{})
	for i := range posts {
		texts, _ := postTexts(&posts[i])
		for _, t := range texts {
			kept.TermIDs(t)
		}
	}
	strs := keptStrings{kept}
	for name, an := range map[string]matcher.Analyzer{"strings": strs, "ids": kept} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				CountTerms(posts, an, &sortedSink{m: map[string][]string{}}, nil)
			}
		})
	}
}

// keptStrings is idTerms's kept terms handed out as strings, as the
// importer's analyzer did before it handed out ids.
type keptStrings struct{ k *idTerms }

func (s keptStrings) Terms(text string) []string {
	ids := s.k.TermIDs(text)
	vocab := s.k.Vocabulary()
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = vocab[id]
	}
	return out
}

// sortedSink is an empty TermStore that keeps what it is put sorted, as
// store/termcache does, and nothing else.
type sortedSink struct {
	mu sync.Mutex
	m  map[string][]string
}

func (s *sortedSink) Terms(string) (map[string]float64, bool) { return nil, false }
func (s *sortedSink) Put(string, map[string]float64)          { panic("sortedSink takes counts sorted") }
func (s *sortedSink) PutSorted(k string, ts []string, _ []float64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[k] = ts
}

// rankedPuts is a TermStore taking counts as ids into a vocabulary
// (RankedPutter): it checks the order, and keeps them as sortedPuts does.
type rankedPuts struct{ *sortedPuts }

func (s rankedPuts) PutRanked(k string, terms []string, ids []uint32, ns []float64) {
	s.t.Helper()
	ts := make([]string, len(ids))
	for i, id := range ids {
		if i > 0 && ids[i-1] >= id {
			s.t.Errorf("PutRanked %x: ids %v not increasing", k, ids)
		}
		ts[i] = terms[id]
	}
	s.PutSorted(k, ts, ns)
}
