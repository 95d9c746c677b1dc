package api

import (
	"context"
	"crypto/sha256"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// keyCache keeps recently seen keys for a short time, so a request costs no
// store round trip for its key while a revocation (made by `jobmatch keys
// revoke`, possibly on another machine) still takes effect within ttl.
type keyCache struct {
	mu  sync.Mutex
	ttl time.Duration
	m   map[[32]byte]cachedKey
}

type cachedKey struct {
	key     *matcher.APIKey // nil: no such key
	fetched time.Time
}

func (c *keyCache) get(h [32]byte, now time.Time) (*matcher.APIKey, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[h]
	if !ok || now.Sub(e.fetched) > c.ttl || now.Before(e.fetched) {
		return nil, false
	}
	return e.key, true
}

func (c *keyCache) put(h [32]byte, k *matcher.APIKey, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) > 10000 {
		// Bounded: unknown keys are cached too, and a client sending random
		// keys must not grow the map without end.
		clear(c.m)
	}
	c.m[h] = cachedKey{key: k, fetched: now}
}

// errThrottled is the client's address out of failed authentications,
// found when a key's look-up was to be charged (serve answers 429).
type errThrottled struct{ wait time.Duration }

func (e *errThrottled) Error() string { return "too many failed authentications" }

// errCharged is a refusal already charged to the failed-authentication
// throttle (before the key's look-up).
type errCharged struct{ error }

func (e *errCharged) Unwrap() error { return e.error }

// throttled answers 429 with Retry-After for an address out of failed
// authentications.
func (s *Server) throttled(w http.ResponseWriter, wait time.Duration) error {
	w.Header().Set("Retry-After", strconv.Itoa(retryAfterSeconds(wait)))
	s.metrics.authThrottled.Inc()
	return matcher.Errorf(matcher.ETOOMANY, "认证失败次数过多，请稍后再试", "too many failed authentications from this address: retry later")
}

// lookUpKey asks the store for the key hashed h and caches the answer
// (nil: no such key). The look-up is charged to the client's
// failed-authentication throttle before it is made and refunded when the
// key exists: guesses sent at once cannot all be looked up while none has
// failed yet (on PostgreSQL a look-up is a round trip: before, 100 sent
// at once were all looked up). Requests for the same uncached key share
// one look-up and one charge (singleflight), so a portal's burst of
// requests when its key's cache entry expires is not mistaken for
// guessing; a cached key is never charged.
func (s *Server) lookUpKey(r *http.Request, h [32]byte, throttle string, now time.Time) (*matcher.APIKey, error) {
	v, err, _ := s.keyLookups.Do(string(h[:]), func() (any, error) {
		ok, wait, refund := s.authFails.reserve(throttle, now)
		if !ok {
			return nil, &errThrottled{wait}
		}
		k, err := s.stores.Keys.KeyByHash(context.WithoutCancel(r.Context()), h[:])
		switch matcher.ErrorCode(err) {
		case "":
			refund()
		case matcher.ENOTFOUND:
			k = nil
		default:
			refund()
			return nil, fmt.Errorf("look up key: %w", err)
		}
		s.keys.put(h, k, now)
		return k, nil
	})
	if err != nil {
		return nil, err
	}
	k, _ := v.(*matcher.APIKey)
	return k, nil
}

// authenticate finds the caller's key from the Authorization header;
// throttle and now are the client's failed-authentication throttle and
// the time, charged before a key is looked up in the store.
func (s *Server) authenticate(r *http.Request, throttle string, now time.Time) (*matcher.APIKey, error) {
	hdr := r.Header.Get("Authorization")
	if hdr == "" {
		return nil, errUnauthorized("缺少 Authorization: Bearer 密钥", "missing Authorization: Bearer key")
	}
	scheme, secret, ok := strings.Cut(hdr, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return nil, errUnauthorized("Authorization 头应为 Bearer 密钥", "the Authorization header must be Bearer KEY")
	}
	secret = strings.TrimSpace(secret)
	if !strings.HasPrefix(secret, keyPrefix) || len(secret) > 128 {
		return nil, errUnauthorized("密钥无效", "invalid key")
	}
	h := sha256.Sum256([]byte(secret))
	k, cached := s.keys.get(h, now)
	if !cached {
		var err error
		if k, err = s.lookUpKey(r, h, throttle, now); err != nil {
			return nil, err
		}
		if k == nil {
			// Charged before the look-up: serve does not charge again.
			return nil, &errCharged{errUnauthorized("密钥无效", "invalid key")}
		}
	}
	if k == nil {
		return nil, errUnauthorized("密钥无效", "invalid key")
	}
	if !k.RevokedAt.IsZero() {
		return nil, errUnauthorized("密钥已吊销", "the key has been revoked")
	}
	if !k.Active(now) {
		return nil, errUnauthorized("密钥已过期", "the key has expired")
	}
	return k, nil
}

// allows reports whether role may call a route open to roles.
func allows(roles []matcher.Role, role matcher.Role) bool {
	for _, r := range roles {
		if r == role {
			return true
		}
	}
	return false
}

// inDistrict reports whether a counselor key's scope covers graduate g.
// Admin keys cover everyone; portal keys never reach graduates.
func inDistrict(k *matcher.APIKey, g *matcher.Graduate) bool {
	switch k.Role {
	case matcher.RoleAdmin:
		return true
	case matcher.RoleCounselor:
		return k.District != "" && (g.HukouDistrict == k.District || g.ResidenceDistrict == k.District)
	}
	return false
}

// forget drops key id from the cache, so a revocation made through this
// server bites on its next request.
func (c *keyCache) forget(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for h, e := range c.m {
		if e.key != nil && e.key.ID == id {
			delete(c.m, h)
		}
	}
}
