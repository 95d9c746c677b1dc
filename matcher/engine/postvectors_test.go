package engine

import (
	"encoding/json"
	"reflect"
	"slices"
	"sync"
	"testing"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// mapVectors is a VectorStore in memory, counting what it was asked and
// given; damage, if set, is applied to what it hands out.
type mapVectors struct {
	mu         sync.Mutex
	m          map[string]*PostVectors
	hits, puts int
	damage     func(*PostVectors)
}

func (s *mapVectors) Vectors(k string) (*PostVectors, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.m[k]
	if !ok {
		return nil, false
	}
	s.hits++
	if s.damage != nil {
		v = cloneVectors(v)
		s.damage(v)
	}
	return v, true
}

func (s *mapVectors) PutVectors(k string, v *PostVectors) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[k] = v
	s.puts++
}

func cloneVectors(v *PostVectors) *PostVectors {
	c := &PostVectors{Terms: slices.Clone(v.Terms), DF: slices.Clone(v.DF), Has: slices.Clone(v.Has),
		IDs: make([][]uint32, len(v.IDs)), Weights: make([][]float32, len(v.Weights))}
	for i := range v.IDs {
		c.IDs[i], c.Weights[i] = slices.Clone(v.IDs[i]), slices.Clone(v.Weights[i])
	}
	return c
}

// vectorPosts is a generated set with an ID given twice (the later copy,
// with other texts, is the one a build keeps).
func vectorPosts() []matcher.Post {
	posts := genPosts(7, 1500)
	again := posts[3]
	again.Title, again.Description = "出纳", "负责现金收付与银行结算，熟练使用财务软件"
	return append(posts, again)
}

// sameEngines fails unless a and b hold the same text side (vocabulary,
// document frequencies, postings, every slot's vector) and answer every
// graduate's queries alike.
func sameEngines(t *testing.T, what string, a, b *Engine) {
	t.Helper()
	if !slices.Equal(a.termStr, b.termStr) || !slices.Equal(a.df, b.df) || !reflect.DeepEqual(a.termIDs, b.termIDs) || a.live != b.live {
		t.Fatalf("%s: vocabulary (%d, %d terms), document frequencies or live count (%d, %d) differ", what, len(a.termStr), len(b.termStr), a.live, b.live)
	}
	if len(a.postings) != len(b.postings) || len(a.slots) != len(b.slots) {
		t.Fatalf("%s: %d and %d posting lists, %d and %d slots", what, len(a.postings), len(b.postings), len(a.slots), len(b.slots))
	}
	for id := range a.postings {
		if !slices.Equal(a.postings[id], b.postings[id]) {
			t.Fatalf("%s: the postings of %q differ", what, a.termStr[id])
		}
	}
	for i := range a.slots {
		if !slices.Equal(a.slots[i].terms, b.slots[i].terms) || !slices.Equal(a.slots[i].tw, b.slots[i].tw) {
			t.Fatalf("%s: slot %d's vector differs", what, i)
		}
	}
	for _, g := range genGraduates(11, 30) {
		for _, q := range []matcher.Query{{}, {Kind: matcher.KindCourse}, {Kind: matcher.KindInternship}, {Channel: matcher.ChannelSME}, {Limit: 20, ExplainExclusions: true}} {
			ra, err1 := a.Recommend(&g, q)
			rb, err2 := b.Recommend(&g, q)
			if err1 != nil || err2 != nil {
				t.Fatal(err1, err2)
			}
			ja, _ := json.Marshal(ra)
			jb, _ := json.Marshal(rb)
			if string(ja) != string(jb) {
				t.Fatalf("%s: graduate %s, query %+v answers\n%s\nagainst\n%s", what, g.ID, q, ja, jb)
			}
		}
	}
}

// An engine built from a VectorStore's vectors is the engine that computed
// them; a post whose text changed makes the build compute them again.
func TestBuildFromStoredVectors(t *testing.T) {
	posts := vectorPosts()
	courses := genCourses(7, 20)
	store := &mapVectors{m: map[string]*PostVectors{}}
	o := testOptions()
	o.Vectors = store
	first, err := New(posts, courses, o)
	if err != nil {
		t.Fatal(err)
	}
	if store.puts != 1 || store.hits != 0 {
		t.Fatalf("first build: %d put, %d found; want 1, 0", store.puts, store.hits)
	}
	fresh := newTestEngine(t, posts, courses)
	sameEngines(t, "the build that put its vectors", first, fresh)
	second, err := New(posts, courses, o)
	if err != nil {
		t.Fatal(err)
	}
	if store.puts != 1 || store.hits != 1 {
		t.Fatalf("second build: %d put, %d found in all; want 1, 1", store.puts, store.hits)
	}
	sameEngines(t, "the build from stored vectors", second, fresh)

	// The stored vectors are not the engine's to change: an upsert's new
	// terms and document frequencies leave them as they were.
	var kept *PostVectors
	for _, v := range store.m {
		kept = cloneVectors(v)
	}
	up := posts[10]
	up.ID, up.Description = "p:new", "新增岗位：区块链智能合约审计，熟悉Solidity"
	if err := second.Upsert(up); err != nil {
		t.Fatal(err)
	}
	for _, v := range store.m {
		if !reflect.DeepEqual(v, kept) {
			t.Fatal("an upsert changed the stored vectors")
		}
	}

	for _, change := range []func(ps []matcher.Post){
		func(ps []matcher.Post) { ps[0].Description += " 熟练使用财务软件" },
		func(ps []matcher.Post) { ps[5].Skills = append(ps[5].Skills, "Python") },
		func(ps []matcher.Post) { ps[1], ps[2] = ps[2], ps[1] }, // the order hands out the term ids
		func(ps []matcher.Post) { ps[7].ID = ps[8].ID },         // one post fewer
	} {
		changed := slices.Clone(posts)
		change(changed)
		store.puts, store.hits = 0, 0
		e, err := New(changed, courses, o)
		if err != nil {
			t.Fatal(err)
		}
		if store.puts != 1 || store.hits != 0 {
			t.Fatalf("after a change: %d put, %d found; want 1, 0", store.puts, store.hits)
		}
		sameEngines(t, "the build after a change", e, newTestEngine(t, changed, courses))
	}
}

// Stored vectors that do not fit the posts or contradict themselves are
// not used: the build computes its own, puts them, and is the engine that
// never had a store.
func TestUnfitStoredVectorsAreNotUsed(t *testing.T) {
	posts := vectorPosts()
	courses := genCourses(7, 5)
	fresh := newTestEngine(t, posts, courses)
	last := len(posts) - 1
	for name, damage := range map[string]func(*PostVectors){
		"one post fewer":         func(v *PostVectors) { v.Has, v.IDs, v.Weights = v.Has[:last], v.IDs[:last], v.Weights[:last] },
		"a skipped post counted": func(v *PostVectors) { v.Has[3] = true },
		"a counted post skipped": func(v *PostVectors) { v.Has[last] = false; v.IDs[last], v.Weights[last] = nil, nil },
		"a skipped post's terms": func(v *PostVectors) { v.IDs[3], v.Weights[3] = []uint32{0}, []float32{1} },
		"an id past the vocabulary": func(v *PostVectors) {
			v.IDs[0][len(v.IDs[0])-1] = uint32(len(v.Terms))
		},
		"ids not ascending":     func(v *PostVectors) { v.IDs[0][0], v.IDs[0][1] = v.IDs[0][1], v.IDs[0][0] },
		"a weight missing":      func(v *PostVectors) { v.Weights[0] = v.Weights[0][1:] },
		"a document frequency":  func(v *PostVectors) { v.DF[0]++ },
		"a term given twice":    func(v *PostVectors) { v.Terms[1] = v.Terms[0] },
		"frequencies too short": func(v *PostVectors) { v.DF = v.DF[1:] },
	} {
		t.Run(name, func(t *testing.T) {
			store := &mapVectors{m: map[string]*PostVectors{}}
			o := testOptions()
			o.Vectors = store
			if _, err := New(posts, courses, o); err != nil {
				t.Fatal(err)
			}
			store.damage, store.puts = damage, 0
			e, err := New(posts, courses, o)
			if err != nil {
				t.Fatal(err)
			}
			if store.hits != 1 || store.puts != 1 {
				t.Fatalf("%d found, %d put; want the damaged vectors found, then computed and put", store.hits, store.puts)
			}
			sameEngines(t, name, e, fresh)
		})
	}
}

// The key covers the posts' IDs, their order and the texts the text
// feature reads, and nothing else.
func TestPostVectorsKey(t *testing.T) {
	posts := genPosts(3, 50)
	base := PostVectorsKey(posts)
	if PostVectorsKey(slices.Clone(posts)) != base {
		t.Fatal("the same posts give another key")
	}
	for name, c := range map[string]struct {
		change func(*matcher.Post)
		same   bool
	}{
		"id":           {func(p *matcher.Post) { p.ID += "x" }, false},
		"title":        {func(p *matcher.Post) { p.Title += "x" }, false},
		"description":  {func(p *matcher.Post) { p.Description += "x" }, false},
		"majors":       {func(p *matcher.Post) { p.Majors = append(p.Majors, "法学") }, false},
		"skills":       {func(p *matcher.Post) { p.Skills = append(p.Skills, "Go") }, false},
		"certificates": {func(p *matcher.Post) { p.Certificates = append(p.Certificates, "驾驶证") }, false},
		"headcount":    {func(p *matcher.Post) { p.Headcount++ }, true},
		"district":     {func(p *matcher.Post) { p.District = "米东区" }, true},
	} {
		ps := slices.Clone(posts)
		c.change(&ps[4])
		if got := PostVectorsKey(ps) == base; got != c.same {
			t.Errorf("a changed %s: same key %v, want %v", name, got, c.same)
		}
	}
	swapped := slices.Clone(posts)
	swapped[0], swapped[1] = swapped[1], swapped[0]
	if PostVectorsKey(swapped) == base || PostVectorsKey(posts[:49]) == base {
		t.Error("another order or one post fewer gives the same key")
	}
}
