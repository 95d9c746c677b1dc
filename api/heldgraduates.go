package api

import (
	"context"
	"sync"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// maxHeldGraduates bounds the copies held (the generated ledger is 50,000
// graduates). A copy of one of the generated set's graduates costs about
// 0.9 KB of heap, the map's slot included (a heap profile of a server
// holding all 50,000: 43.6 MB; benchmarks/RESULTS.md, session 30), so the
// bound is some 90 MB.
const maxHeldGraduates = 100_000

// GraduateVersions reads a graduate with its stored version, which the
// store's AuditChecker compares (store/postgres: the row's xmin).
type GraduateVersions interface {
	GraduateVersion(ctx context.Context, id string) (*matcher.Graduate, int64, error)
}

// graduateCache holds graduates read for the online path, by ID, in two
// generations of at most half the bound each. A copy is put in the young
// one; when that is full, it becomes the old one and the previous old one
// is dropped. A copy asked for from the old generation moves back to the
// young one. So a graduate asked for at least once while a generation
// fills is never dropped, and only copies nobody asked for over a whole
// generation go — where clearing one full map dropped every hot copy at
// once and sent all their requests back to the database together. The
// memory stays bounded (both maps together hold at most max copies) and
// each drop frees a whole map, which clear() on a map that keeps its
// buckets did not.
type graduateCache struct {
	store GraduateVersions
	half  int // each generation's bound: max/2

	mu         sync.Mutex
	young, old map[string]heldGraduate
}

type heldGraduate struct {
	g       matcher.Graduate
	version int64
}

// newGraduateCache is the cache over st, or nil when the store cannot
// check versions in its audit commit (then every request reads).
func newGraduateCache(st Stores) *graduateCache {
	gv, ok := st.Graduates.(GraduateVersions)
	if _, checks := st.Audit.(AuditChecker); !ok || !checks {
		return nil
	}
	return newHeldGraduates(gv, maxHeldGraduates)
}

// newHeldGraduates is a cache of at most max copies (at least 2).
func newHeldGraduates(st GraduateVersions, max int) *graduateCache {
	half := (max + 1) / 2
	return &graduateCache{store: st, half: half, young: map[string]heldGraduate{}, old: map[string]heldGraduate{}}
}

// get returns a copy of graduate id as held, and its version.
func (c *graduateCache) get(id string) (*matcher.Graduate, int64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	h, ok := c.young[id]
	if !ok {
		if h, ok = c.old[id]; !ok {
			return nil, 0, false
		}
		// Asked for again: it stays through the next generation.
		delete(c.old, id)
		c.add(id, h)
	}
	return &h.g, h.version, true
}

func (c *graduateCache) put(g *matcher.Graduate, version int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.old, g.ID) // the new copy replaces an old one
	c.add(g.ID, heldGraduate{*g, version})
}

// add puts h in the young generation, turning a full one old (under mu).
func (c *graduateCache) add(id string, h heldGraduate) {
	if _, ok := c.young[id]; !ok && len(c.young) >= c.half {
		c.old, c.young = c.young, map[string]heldGraduate{}
	}
	c.young[id] = h
}

func (c *graduateCache) drop(id string) {
	c.mu.Lock()
	delete(c.young, id)
	delete(c.old, id)
	c.mu.Unlock()
}

// held is how many copies are held.
func (c *graduateCache) held() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.young) + len(c.old)
}
