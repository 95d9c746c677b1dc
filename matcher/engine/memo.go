package engine

import (
	"sync"
	"sync/atomic"
)

// The engine's memos of what graduates share (their majors, their profile
// texts, the names they hold) come in two kinds, each bounded because
// profiles from portals may name anything.

// cappedMemo is a concurrent memo by string key that starts afresh when
// it has stored maxMajorVerdicts entries since it was last emptied: the
// memos by major (majorVerdictsFor, occAffinities, courseLevelsFor) and by
// held name (heldBits), which a ledger's values fit many times over and
// whose loss costs one recomputation each. Lookups take no lock (sync.Map:
// the batch's workers read them for every graduate).
type cappedMemo[V any] struct {
	m sync.Map
	n atomic.Int64 // entries stored since it was last emptied
}

// Load returns the value stored under key.
func (c *cappedMemo[V]) Load(key string) (V, bool) {
	v, ok := c.m.Load(key)
	if !ok {
		var zero V
		return zero, false
	}
	return v.(V), true
}

// full counts one more entry and empties the memo when that passes the
// bound.
func (c *cappedMemo[V]) full() {
	if c.n.Add(1) > maxMajorVerdicts {
		c.m.Clear()
		c.n.Store(0)
	}
}

// Store stores v under key.
func (c *cappedMemo[V]) Store(key string, v V) {
	c.full()
	c.m.Store(key, v)
}

// LoadOrStore returns the value stored under key, storing v first when
// there is none.
func (c *cappedMemo[V]) LoadOrStore(key string, v V) V {
	got, loaded := c.m.LoadOrStore(key, v)
	if !loaded {
		c.full() // only a new entry counts toward the bound
	}
	return got.(V)
}

// Clear empties the memo.
func (c *cappedMemo[V]) Clear() {
	c.m.Clear()
	c.n.Store(0)
}

// twoGen is a memo by string key bounded by two generations, for what is
// looked up under one mutex and wanted again soon (profileCache, the term
// counts of profile texts): when the current map holds size entries it
// becomes the previous one (an entry found there moves back) and the old
// previous one is dropped, so what is in use stays and at most 2·size
// entries are held.
type twoGen[V any] struct {
	mu        sync.Mutex
	cur, prev map[string]V
}

// get returns the value held under key.
func (c *twoGen[V]) get(key string, size int) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if v, ok := c.cur[key]; ok {
		return v, true
	}
	v, ok := c.prev[key]
	if ok {
		c.putLocked(key, v, size)
	}
	return v, ok
}

// put stores v unless a value is held under key already, and returns the
// value held.
func (c *twoGen[V]) put(key string, v V, size int) V {
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.cur[key]; ok {
		return old
	}
	c.putLocked(key, v, size)
	return v
}

func (c *twoGen[V]) putLocked(key string, v V, size int) {
	if c.cur == nil || len(c.cur) >= size {
		c.prev, c.cur = c.cur, make(map[string]V, 1024)
	}
	c.cur[key] = v
}
