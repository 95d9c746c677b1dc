package api

import (
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// limiters holds one token bucket (golang.org/x/time/rate) per name: per
// API key for the request rate, per client address for failed
// authentications. A reservation gives the wait until the next token,
// which becomes the Retry-After header.
type limiters struct {
	mu      sync.Mutex
	rate    float64 // default tokens per second; negative: unlimited
	burst   int     // default bucket size
	buckets map[string]*rate.Limiter
	lastGC  time.Time
	max     int // entries kept at most (names may come from clients)
}

func newLimiters(r float64, burst, max int) *limiters {
	return &limiters{rate: r, burst: max1(burst), buckets: map[string]*rate.Limiter{}, max: max}
}

func max1(n int) int {
	if n < 1 {
		return 1
	}
	return n
}

func limitOf(r float64) rate.Limit {
	if r < 0 {
		return rate.Inf
	}
	return rate.Limit(r)
}

// bucket returns name's bucket with rate r and burst b (zero: the
// defaults), adjusting an existing one whose settings changed.
func (l *limiters) bucket(name string, r float64, b int, now time.Time) *rate.Limiter {
	if r == 0 {
		r = l.rate
	}
	if b == 0 {
		b = l.burst
	}
	if now.Sub(l.lastGC) > time.Minute || len(l.buckets) >= l.max {
		l.gc(now)
	}
	lim, ok := l.buckets[name]
	if !ok {
		lim = rate.NewLimiter(limitOf(r), max1(b))
		l.buckets[name] = lim
		return lim
	}
	if lim.Limit() != limitOf(r) {
		lim.SetLimitAt(now, limitOf(r))
	}
	if lim.Burst() != max1(b) {
		lim.SetBurstAt(now, max1(b))
	}
	return lim
}

// gc drops buckets that have refilled (they hold no state worth keeping);
// if the map is still full, it starts over rather than grow without end.
func (l *limiters) gc(now time.Time) {
	for k, lim := range l.buckets {
		if lim.TokensAt(now) >= float64(lim.Burst()) {
			delete(l.buckets, k)
		}
	}
	if len(l.buckets) >= l.max {
		clear(l.buckets)
	}
	l.lastGC = now
}

// take takes a token from name's bucket (rate r, burst b; zero for the
// defaults). When there is none it takes nothing and returns false and
// how long until one is available.
func (l *limiters) take(name string, r float64, b int, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	lim := l.bucket(name, r, b, now)
	if lim.Limit() == rate.Inf {
		return true, 0
	}
	res := lim.ReserveN(now, 1)
	if !res.OK() {
		return false, time.Second
	}
	if d := res.DelayFrom(now); d > 0 {
		res.CancelAt(now)
		return false, d
	}
	return true, 0
}

// reserve takes a token from name's bucket (the default settings) now,
// before the work it pays for, so that attempts made at once cannot all
// pass a check made before any of them is counted. It returns false and
// the wait when there is none; otherwise refund, which gives the token
// back (the attempt succeeded: only failures are throttled).
func (l *limiters) reserve(name string, now time.Time) (ok bool, wait time.Duration, refund func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	lim := l.bucket(name, 0, 0, now)
	if lim.Limit() == rate.Inf {
		return true, 0, func() {}
	}
	res := lim.ReserveN(now, 1)
	if !res.OK() {
		return false, time.Second, nil
	}
	if d := res.DelayFrom(now); d > 0 {
		res.CancelAt(now)
		return false, d, nil
	}
	// CancelAt at the reservation's own time restores its token (later,
	// rate.Reservation counts it as used).
	return true, 0, func() { res.CancelAt(now) }
}

// waiting returns how long until name's bucket (with the default settings)
// has a token, without taking one: 0 when it has one now.
func (l *limiters) waiting(name string, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	lim, ok := l.buckets[name]
	if !ok || lim.Limit() == rate.Inf {
		return 0
	}
	tokens := lim.TokensAt(now)
	if tokens >= 1 {
		return 0
	}
	return time.Duration((1 - tokens) / float64(lim.Limit()) * float64(time.Second))
}

// retryAfterSeconds rounds a wait up to whole seconds (at least 1), the
// unit of the Retry-After header.
func retryAfterSeconds(d time.Duration) int {
	s := int(math.Ceil(d.Seconds()))
	if s < 1 {
		s = 1
	}
	return s
}
