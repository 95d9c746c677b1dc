package engine

import (
	"encoding/json"
	"sync"
	"testing"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// mapTerms is a TermStore in memory, counting what it was asked and given.
type mapTerms struct {
	mu         sync.Mutex
	m          map[string]map[string]float64
	hits, puts int
}

func (s *mapTerms) Terms(k string) (map[string]float64, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	tf, ok := s.m[k]
	if ok {
		s.hits++
	}
	return tf, ok
}

func (s *mapTerms) Put(k string, tf map[string]float64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[k] = tf
	s.puts++
}

// An engine built from a TermStore's counts answers exactly as one that
// cut every text, and a post whose text changed is cut again.
func TestBuildFromTermStore(t *testing.T) {
	posts := genPosts(7, 1500)
	courses := genCourses(7, 20)
	store := &mapTerms{m: map[string]map[string]float64{}}
	o := testOptions()
	o.Terms = store
	first, err := New(posts, courses, o)
	if err != nil {
		t.Fatal(err)
	}
	// Posts with the same texts (the generator repeats some) share counts;
	// two of them compiled at the same moment on two goroutines may both
	// miss and both put the same key (the second put is the same counts),
	// so a key may be put more than once, never kept without a put.
	if store.puts == 0 || store.puts+store.hits != len(posts) || len(store.m) == 0 || len(store.m) > store.puts {
		t.Fatalf("first build: %d put, %d found, %d kept; want %d asked in all", store.puts, store.hits, len(store.m), len(posts))
	}
	posts[0].Description += " 熟练使用财务软件"
	store.puts, store.hits = 0, 0
	second, err := New(posts, courses, o)
	if err != nil {
		t.Fatal(err)
	}
	if store.puts != 1 || store.hits != len(posts)-1 {
		t.Fatalf("second build: %d put, %d found; want 1 (the changed post), %d", store.puts, store.hits, len(posts)-1)
	}
	cut := newTestEngine(t, posts, courses)
	for _, g := range genGraduates(11, 30) {
		for _, q := range []matcher.Query{{}, {Kind: matcher.KindCourse}, {Limit: 20, ExplainExclusions: true}} {
			a, err1 := second.Recommend(&g, q)
			b, err2 := cut.Recommend(&g, q)
			if err1 != nil || err2 != nil {
				t.Fatal(err1, err2)
			}
			ja, _ := json.Marshal(a)
			jb, _ := json.Marshal(b)
			if string(ja) != string(jb) {
				t.Fatalf("graduate %s, query %+v: the build from stored counts answers\n%s\nthe build that cut every post\n%s", g.ID, q, ja, jb)
			}
		}
	}
	if a, b := first.Len(), second.Len(); a != b {
		t.Errorf("the builds hold %d and %d posts", a, b)
	}
}

// CountTerms leaves in a TermStore exactly what a build over the same
// posts asks for: the build after it cuts nothing, and what CountTerms put
// is what the build would have put.
func TestCountTermsIsWhatABuildAsks(t *testing.T) {
	posts := genPosts(9, 800)
	posts = append(posts, posts[3]) // a post seen twice: the later copy counts
	counted := &mapTerms{m: map[string]map[string]float64{}}
	CountTerms(posts, nil, counted, nil)
	if counted.puts == 0 {
		t.Fatal("CountTerms put nothing")
	}
	built := &mapTerms{m: map[string]map[string]float64{}}
	o := testOptions()
	o.Terms = built
	if _, err := New(posts, nil, o); err != nil {
		t.Fatal(err)
	}
	if len(built.m) != len(counted.m) {
		t.Fatalf("a build keeps %d posts' counts, CountTerms %d", len(built.m), len(counted.m))
	}
	for k, tf := range built.m {
		a, _ := json.Marshal(tf)
		b, _ := json.Marshal(counted.m[k])
		if string(a) != string(b) {
			t.Fatalf("key %x: a build counts %s, CountTerms %s", k, a, b)
		}
	}
	counted.puts, counted.hits = 0, 0
	o.Terms = counted
	if _, err := New(posts, nil, o); err != nil {
		t.Fatal(err)
	}
	if counted.puts != 0 {
		t.Errorf("the build after CountTerms cut %d posts", counted.puts)
	}
}

// cutBigrams is BigramAnalyzer with a plain word cut, so explanations name
// shared words (an analyzer without Cut names none).
type cutBigrams struct{ BigramAnalyzer }

func (c cutBigrams) Cut(text string) []string { return c.Terms(text) }

// mapShown is a ShownStore in memory.
type mapShown struct {
	mu         sync.Mutex
	m          map[string][]string
	hits, puts int
}

func (s *mapShown) Shown(k string) ([]string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ws, ok := s.m[k]
	if ok {
		s.hits++
	}
	return ws, ok
}

func (s *mapShown) PutShown(k string, ws []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[k] = ws
	s.puts++
}

// An engine that takes its posts' shown words from a ShownStore explains
// exactly as one that cuts them, and cuts none the store has.
func TestExplainFromShownStore(t *testing.T) {
	posts := genPosts(5, 1200)
	courses := genCourses(5, 20)
	o := testOptions()
	o.Analyzer = cutBigrams{}
	plain, err := New(posts, courses, o)
	if err != nil {
		t.Fatal(err)
	}
	shown := &mapShown{m: map[string][]string{}}
	o.Shown = shown
	answers := func(e *Engine) []string {
		var out []string
		for _, g := range genGraduates(13, 40) {
			for _, q := range []matcher.Query{{}, {Limit: 20}} {
				res, err := e.Recommend(&g, q)
				if err != nil {
					t.Fatal(err)
				}
				j, _ := json.Marshal(res)
				out = append(out, string(j))
			}
		}
		return out
	}
	want := answers(plain)
	for round := range 2 {
		e, err := New(posts, courses, o)
		if err != nil {
			t.Fatal(err)
		}
		shown.hits, shown.puts = 0, 0
		got := answers(e)
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("round %d: with a ShownStore\n%s\nwithout\n%s", round, got[i], want[i])
			}
		}
		switch {
		case round == 0 && shown.puts == 0:
			// (a few found: the generator repeats some posts' texts)
			t.Errorf("first engine: no shown words put (%d found)", shown.hits)
		case round == 1 && (shown.puts != 0 || shown.hits == 0):
			t.Errorf("second engine: %d shown words put, %d found; want none put (all kept)", shown.puts, shown.hits)
		}
	}
	// The store holds words, not only empty lists: the test explains
	// posts that share words with the graduates.
	words := 0
	for _, ws := range shown.m {
		words += len(ws)
	}
	if words == 0 {
		t.Error("the ShownStore kept no word of any post")
	}
}

// disorderly is a SortedTermStore whose "sorted" counts are in reverse:
// the build must not take them (the order hands out term ids).
type disorderly struct{ *mapTerms }

func (d disorderly) SortedTerms(k string) ([]string, []float64, bool) {
	tf, ok := d.Terms(k)
	if !ok || len(tf) < 2 {
		return nil, nil, false
	}
	tc := sortedCounts(tf)
	ts, ns := make([]string, len(tc)), make([]float64, len(tc))
	for i, x := range tc {
		ts[len(tc)-1-i], ns[len(tc)-1-i] = x.term, x.n
	}
	return ts, ns, true
}

// sortedStore hands its counts sorted, as store/termcache does.
type sortedStore struct{ *mapTerms }

func (s sortedStore) SortedTerms(k string) ([]string, []float64, bool) {
	tf, ok := s.Terms(k)
	if !ok {
		return nil, nil, false
	}
	var ts []string
	var ns []float64
	for _, x := range sortedCounts(tf) {
		ts, ns = append(ts, x.term), append(ns, x.n)
	}
	return ts, ns, true
}

// A build from sorted counts answers as one that cut every post, and
// counts out of order are not taken as sorted.
func TestBuildFromSortedTerms(t *testing.T) {
	posts := genPosts(4, 900)
	courses := genCourses(4, 10)
	cut := newTestEngine(t, posts, courses)
	for name, wrap := range map[string]func(*mapTerms) TermStore{
		"sorted":     func(m *mapTerms) TermStore { return sortedStore{m} },
		"disorderly": func(m *mapTerms) TermStore { return disorderly{m} },
	} {
		m := &mapTerms{m: map[string]map[string]float64{}}
		CountTerms(posts, nil, m, nil)
		o := testOptions()
		o.Terms = wrap(m)
		e, err := New(posts, courses, o)
		if err != nil {
			t.Fatal(err)
		}
		probe := &Engine{an: BigramAnalyzer{}, terms: wrap(m)}
		for i := range posts[:50] {
			if tc := probe.postTermCounts(&posts[i]); !strictlySorted(tc) {
				t.Fatalf("%s: post %s's counts handed to the build out of order", name, posts[i].ID)
			}
		}
		if m.puts != len(m.m) {
			t.Fatalf("%s: the build cut %d posts again", name, m.puts-len(m.m))
		}
		for _, g := range genGraduates(17, 30) {
			a, err1 := e.Recommend(&g, matcher.Query{Limit: 20})
			b, err2 := cut.Recommend(&g, matcher.Query{Limit: 20})
			if err1 != nil || err2 != nil {
				t.Fatal(err1, err2)
			}
			ja, _ := json.Marshal(a)
			jb, _ := json.Marshal(b)
			if string(ja) != string(jb) {
				t.Fatalf("%s: graduate %s: the build from stored counts answers\n%s\nthe build that cut every post\n%s", name, g.ID, ja, jb)
			}
		}
	}
}

// sortedPuts is a TermStore that takes counts sorted (SortedPutter),
// keeping them as a map and failing on any out of order.
type sortedPuts struct {
	*mapTerms
	t      *testing.T
	sorted int
}

func (s *sortedPuts) PutSorted(k string, ts []string, ns []float64) {
	s.t.Helper()
	tf := make(map[string]float64, len(ts))
	for i, term := range ts {
		if i > 0 && ts[i-1] >= term {
			s.t.Errorf("PutSorted %x: %q before %q", k, ts[i-1], term)
		}
		tf[term] = ns[i]
	}
	s.mapTerms.Put(k, tf)
	s.mu.Lock()
	s.sorted++
	s.mu.Unlock()
}

// A store that takes sorted counts is handed them sorted, the same counts
// a map store is given, and a build from them answers as one that cut.
func TestCountTermsPutsSorted(t *testing.T) {
	posts := genPosts(6, 700)
	courses := genCourses(6, 10)
	maps := &mapTerms{m: map[string]map[string]float64{}}
	CountTerms(posts, nil, maps, nil)
	sp := &sortedPuts{mapTerms: &mapTerms{m: map[string]map[string]float64{}}, t: t}
	CountTerms(posts, nil, sp, nil)
	if sp.sorted == 0 || sp.sorted != sp.puts {
		t.Fatalf("%d of %d counts were put sorted", sp.sorted, sp.puts)
	}
	if len(sp.m) != len(maps.m) {
		t.Fatalf("sorted puts keep %d posts' counts, map puts %d", len(sp.m), len(maps.m))
	}
	for k, tf := range maps.m {
		a, _ := json.Marshal(tf)
		b, _ := json.Marshal(sp.m[k])
		if string(a) != string(b) {
			t.Fatalf("key %x: put as a map %s, put sorted %s", k, a, b)
		}
	}
	o := testOptions()
	o.Terms = sortedStore{sp.mapTerms}
	e, err := New(posts, courses, o)
	if err != nil {
		t.Fatal(err)
	}
	cut := newTestEngine(t, posts, courses)
	for _, g := range genGraduates(19, 20) {
		a, err1 := e.Recommend(&g, matcher.Query{Limit: 20})
		b, err2 := cut.Recommend(&g, matcher.Query{Limit: 20})
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		if string(ja) != string(jb) {
			t.Fatalf("graduate %s: the build from sorted puts answers\n%s\nthe build that cut\n%s", g.ID, ja, jb)
		}
	}
}
