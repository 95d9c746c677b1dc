package storetest

import (
	"sync"
	"time"
)

// Clock is the clock the suite gives each store (bolt.WithClock,
// postgres.WithClock): the real time, to the microsecond PostgreSQL keeps,
// but never the same reading twice. Two writes in a row are then dated
// apart however fast they follow each other, so the suite sees an update
// move UpdatedAt without sleeping until the system clock has ticked.
type Clock struct {
	mu   sync.Mutex
	last time.Time
}

// Now is the real time, or a microsecond after the last reading when the
// real time has not passed it.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := time.Now().Truncate(time.Microsecond)
	if !t.After(c.last) {
		t = c.last.Add(time.Microsecond)
	}
	c.last = t
	return t
}
