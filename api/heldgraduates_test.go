package api

import (
	"fmt"
	"testing"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// A graduate asked for while others fill the cache stays held through any
// number of generations, the cold ones go, and the cache never holds more
// than its bound. The cache it replaced cleared everything when full: the
// hot graduate was dropped with the rest (the "hot after" check fails on
// it).
func TestHeldGraduatesKeepHotOnes(t *testing.T) {
	const max = 10
	c := newHeldGraduates(nil, max)
	c.put(&matcher.Graduate{ID: "hot", Name: "热"}, 7)
	for i := range 20 * max {
		c.put(&matcher.Graduate{ID: fmt.Sprintf("cold-%d", i)}, int64(i))
		if n := c.held(); n > max {
			t.Fatalf("after %d puts %d held, over the bound %d", i+1, n, max)
		}
		// Asked for once in a while (less often than a generation fills).
		if i%(max/2-1) == 0 {
			g, v, ok := c.get("hot")
			if !ok || g.Name != "热" || v != 7 {
				t.Fatalf("hot after %d puts: %v %d %v", i+1, g, v, ok)
			}
		}
	}
	if _, _, ok := c.get("cold-0"); ok {
		t.Error("cold-0, never asked for again, is still held after 20 generations")
	}
	if _, _, ok := c.get(fmt.Sprintf("cold-%d", 20*max-1)); !ok {
		t.Error("the last graduate put is not held")
	}
	if n := c.held(); n < max/2 {
		t.Errorf("%d held: a full cache should keep at least a generation (%d)", n, max/2)
	}
}

// A new copy replaces the held one in either generation, and drop removes
// it from both: a graduate read again (stale, or gone) is never answered
// from the older copy.
func TestHeldGraduatesReplaceAndDrop(t *testing.T) {
	c := newHeldGraduates(nil, 4)
	c.put(&matcher.Graduate{ID: "a"}, 1)
	c.put(&matcher.Graduate{ID: "b"}, 1)
	c.put(&matcher.Graduate{ID: "c"}, 1) // "a" and "b" are old now
	c.put(&matcher.Graduate{ID: "a", Name: "新"}, 2)
	if g, v, ok := c.get("a"); !ok || v != 2 || g.Name != "新" {
		t.Errorf("a after its new copy: %+v %d %v", g, v, ok)
	}
	c.drop("b")
	c.drop("a")
	for _, id := range []string{"a", "b"} {
		if _, _, ok := c.get(id); ok {
			t.Errorf("%s still held after drop", id)
		}
	}
	if _, v, ok := c.get("c"); !ok || v != 1 {
		t.Errorf("c: %d %v", v, ok)
	}
	// A copy handed out is the caller's: changing it leaves the held one.
	g, _, _ := c.get("c")
	g.Name = "changed"
	if h, _, _ := c.get("c"); h.Name != "" {
		t.Errorf("held copy changed through a returned one: %q", h.Name)
	}
}
