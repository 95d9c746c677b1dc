package engine

import (
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// Candidates on an engine whose profile cache is warm (and was warmed
// before posts changed) returns what a fresh engine over the same posts
// returns: the cache changes the cost, never the answer.
func TestCandidatesCacheSameAnswer(t *testing.T) {
	posts := genPosts(41, 1500)
	grads := genGraduates(42, 1500)
	warm := newTestEngine(t, posts[:1400], nil)
	// Warm the cache, then change the posts: the idf and the interned
	// skills move, so every cached vector is stale.
	if _, err := warm.Candidates(posts[0].ID, Graduates(grads), 20); err != nil {
		t.Fatal(err)
	}
	for _, p := range posts[1400:] {
		if err := warm.Upsert(p); err != nil {
			t.Fatal(err)
		}
	}
	warm.Compact() // same slots and idf as a fresh build
	fresh := newTestEngine(t, posts, nil)
	compared := 0
	for _, p := range posts[:300] {
		if !p.Searchable(testNow) {
			continue
		}
		a, err := warm.Candidates(p.ID, Graduates(grads), 15)
		if err != nil {
			t.Fatal(err)
		}
		b, err := fresh.Candidates(p.ID, Graduates(grads), 15)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("post %s: warm engine %v, fresh engine %v", p.ID, candIDs(a), candIDs(b))
		}
		compared++
	}
	if compared < 100 {
		t.Fatalf("only %d posts compared", compared)
	}
}

func candIDs(cs []matcher.Candidate) []string {
	var out []string
	for _, c := range cs {
		out = append(out, fmt.Sprintf("%s(%.4f)", c.GraduateID, c.Score))
	}
	return out
}

// A post that brings a new skill makes the graduates who have it match it,
// though their profiles were compiled (and cached) before the skill existed.
func TestProfileCacheSeesNewSkills(t *testing.T) {
	e := newTestEngine(t, []matcher.Post{basePost()}, nil)
	g := baseGraduate()
	g.Skills = []string{"无人机驾驶"}
	if _, err := e.Recommend(&g, matcher.Query{}); err != nil {
		t.Fatal(err)
	}
	p := basePost()
	p.ID, p.Skills = "p:drone", []string{"无人机驾驶", "Excel"}
	if err := e.Upsert(p); err != nil {
		t.Fatal(err)
	}
	res, err := e.Recommend(&g, matcher.Query{})
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range res.Items {
		if it.PostID == p.ID {
			if !slices.Equal(it.Missing, []string{"Excel"}) {
				t.Errorf("missing %v, want only Excel", it.Missing)
			}
			return
		}
	}
	t.Fatalf("post %s not recommended: %v", p.ID, ids(res))
}

// Profiles that read the same as text but list different skills do not
// share a cache entry.
func TestProfileCacheKeySeparatesSkills(t *testing.T) {
	p := basePost()
	p.Skills = []string{"Excel"}
	e := newTestEngine(t, []matcher.Post{p}, nil)
	one := baseGraduate()
	one.Skills = []string{"Excel 财务分析"} // one (odd) skill
	two := baseGraduate()
	two.Skills = []string{"Excel", "财务分析"}
	for _, c := range []struct {
		g       matcher.Graduate
		missing []string
	}{{one, []string{"Excel"}}, {two, nil}, {one, []string{"Excel"}}} {
		res, err := e.Recommend(&c.g, matcher.Query{})
		if err != nil || len(res.Items) != 1 {
			t.Fatalf("%v %v", err, res)
		}
		if !slices.Equal(res.Items[0].Missing, c.missing) {
			t.Errorf("skills %q: missing %v, want %v", c.g.Skills, res.Items[0].Missing, c.missing)
		}
	}
}

// The cache holds at most two generations, and keeps what is in use.
func TestProfileCacheBounded(t *testing.T) {
	var c profileCache
	keep := &profileEntry{}
	c.put("keep", keep)
	for i := range 3*profileCacheGen + 17 {
		if c.put(fmt.Sprint(i), &profileEntry{}) == nil {
			t.Fatal("put returned nil")
		}
		if i%1000 == 0 && c.get("keep") != keep {
			t.Fatalf("entry in use dropped after %d puts", i)
		}
	}
	if n := len(c.m.cur) + len(c.m.prev); n > 2*profileCacheGen {
		t.Errorf("%d entries held, bound %d", n, 2*profileCacheGen)
	}
	if c.get("0") != nil {
		t.Error("the oldest entry is still held")
	}
}

// Candidates and Recommend share the cache while posts change (-race).
func TestCandidatesConcurrentWithWrites(t *testing.T) {
	posts := genPosts(44, 800)
	e := newTestEngine(t, posts, nil)
	grads := genGraduates(45, 400)
	var wg sync.WaitGroup
	for w := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 20 {
				if _, err := e.Candidates(posts[(i*7+w)%100].ID, Graduates(grads), 10); err != nil && matcher.ErrorCode(err) != matcher.ENOTFOUND {
					t.Error(err)
					return
				}
				if _, err := e.Recommend(&grads[i], matcher.Query{}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	for i := range 200 {
		p := posts[i]
		p.Skills = append(slices.Clone(p.Skills), fmt.Sprintf("技能%d", i%7))
		if err := e.Upsert(p); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
}

func TestProfileKeyInjective(t *testing.T) {
	gs := []matcher.Graduate{
		{Major: "会计学"},
		{Major: "会计学", Skills: []string{""}},
		{Major: "会计学", Certificates: []string{""}},
		{Major: "会计", Skills: []string{"学"}},
		{Major: "会计学\x00"},
		{Major: "a", Skills: []string{"b", "c"}},
		{Major: "a", Skills: []string{"b c"}},
		{Major: "a", Skills: []string{"b"}, Certificates: []string{"c"}},
		{Major: "a\x01\x01b", Skills: []string{"c"}},
	}
	seen := map[string]int{}
	for i := range gs {
		k := profileKey(&gs[i])
		if j, dup := seen[k]; dup {
			t.Errorf("profiles %d and %d share the key %q", j, i, k)
		}
		seen[k] = i
	}
}
