package occupation

import (
	"slices"
	"strings"
	"sync"
)

// titleCache keeps readTitle's reading of recent titles. An import reads
// the same titles over and over (the generated set's 25,181 posts have
// 4,062 titles), and cleaning, cutting and scanning a title was a sixth of
// the occupation's share of deriving a post's fields; a reading depends on
// the title alone (the classifier is immutable), so a kept one is what
// reading again would give. Bounded: emptied when full, and titles longer
// than titleCacheKey bytes are not kept.
type titleCache struct {
	mu sync.Mutex
	m  map[string]titleReading
}

const (
	titleCacheSize = 8192
	titleCacheKey  = 256
)

// readTitleKept is readTitle through the cache. The reading handed out is
// the caller's: its Evidence is a copy of the kept one's.
func (c *Classifier) readTitleKept(title string) titleReading {
	tc := c.titles
	if tc == nil || len(title) > titleCacheKey {
		return c.readTitle(title)
	}
	tc.mu.Lock()
	r, ok := tc.m[title]
	tc.mu.Unlock()
	if !ok {
		r = c.readTitle(title)
		tc.mu.Lock()
		if tc.m == nil || len(tc.m) >= titleCacheSize {
			tc.m = make(map[string]titleReading, titleCacheSize)
		}
		tc.m[strings.Clone(title)] = r
		tc.mu.Unlock()
	}
	r.match.Evidence = slices.Clone(r.match.Evidence)
	return r
}
