package engine

import "github.com/urumqi-hrss/jobmatch/matcher"

// Upsert adds or replaces a post. The new version is scored with the
// current document frequencies; the engine recompiles everything when a
// quarter of its slots are stale, which also refreshes the idf.
func (e *Engine) Upsert(p matcher.Post) error {
	if err := validatePost(&p); err != nil {
		return err
	}
	texts, reps := postTexts(&p)
	tc := sortedTermCounts(e.an, texts, reps) // outside the lock: segmentation is the slow part
	e.mu.Lock()
	defer e.mu.Unlock()
	e.gen++
	e.removeLocked(p.ID)
	for _, x := range tc {
		e.df[e.termID(x.term)]++
	}
	e.insert(&p, tc, true)
	e.maybeCompact()
	return nil
}

// Remove drops a post (filled, closed or deleted); unknown ids are ignored.
func (e *Engine) Remove(id string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.gen++
	e.removeLocked(id)
	e.maybeCompact()
}

func (e *Engine) removeLocked(id string) {
	slot, ok := e.byID[id]
	if !ok {
		return
	}
	pr := e.slots[slot]
	for _, t := range pr.terms {
		e.df[t]--
	}
	e.countCooc(pr, -1)
	e.slots[slot] = nil
	e.hot[slot] = postHot{}
	e.restr[slot] = nil
	delete(e.byID, id)
	e.live--
}

func (e *Engine) maybeCompact() {
	dead := len(e.slots) - e.live
	if dead < 1024 || dead < len(e.slots)/4 {
		return
	}
	e.compactLocked()
}

// Compact recompiles every post: it drops the slots of replaced and removed
// posts and recomputes every term vector with the current document
// frequencies. Upsert does it by itself when a quarter of the slots are
// stale; a nightly batch may call it first so that its scores equal a
// fresh engine's.
func (e *Engine) Compact() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.compactLocked()
}

func (e *Engine) compactLocked() {
	posts := make([]matcher.Post, 0, e.live)
	for _, pr := range e.slots {
		if pr != nil {
			posts = append(posts, *pr.Post)
		}
	}
	// build cannot fail here: every post was validated when it came in.
	_ = e.build(posts)
}
