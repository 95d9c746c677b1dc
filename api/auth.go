package api

import (
	"crypto/sha256"
	"fmt"
	"net/http"
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

// authenticate finds the caller's key from the Authorization header.
func (s *Server) authenticate(r *http.Request) (*matcher.APIKey, error) {
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
	now := s.wall()
	k, cached := s.keys.get(h, now)
	if !cached {
		var err error
		k, err = s.stores.Keys.KeyByHash(r.Context(), h[:])
		switch matcher.ErrorCode(err) {
		case "":
		case matcher.ENOTFOUND:
			k = nil
		default:
			return nil, fmt.Errorf("look up key: %w", err)
		}
		s.keys.put(h, k, now)
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
