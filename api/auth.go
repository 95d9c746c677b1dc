package api

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/urumqi-hrss/jobmatch/ingest/normalize"
	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

// keyPrefix marks jobmatch secrets, so a leaked one is recognisable by
// secret scanners and a key pasted into the wrong header is obvious.
const keyPrefix = "jm_"

var keyEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewSecret returns a new random API key secret: "jm_" and 32 base32
// characters (160 bits from crypto/rand).
func NewSecret() (string, error) {
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("generate key: %w", err)
	}
	return keyPrefix + strings.ToLower(keyEncoding.EncodeToString(b)), nil
}

// HashSecret is the only form in which a secret is stored. A plain SHA-256
// suffices (no salt, no slow hash): the secret has 160 random bits, so
// there is nothing to brute-force, and a fast hash keeps lookups cheap.
func HashSecret(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// KeySpec is what an administrator asks for when creating a key.
type KeySpec struct {
	Name     string
	Role     matcher.Role
	District string        // counselors: required, one of Urumqi's districts
	Source   string        // portals: required, the post source they write
	TTL      time.Duration // 0: never expires
}

// CreateKey validates spec, stores a new key and returns the secret (to be
// shown once: only its hash is stored) and the stored key.
func CreateKey(ctx context.Context, ks matcher.KeyStore, spec KeySpec, now time.Time) (string, *matcher.APIKey, error) {
	if !spec.Role.Valid() {
		return "", nil, invalidField("role", "未知角色：%s（应为 portal、counselor 或 admin）", "unknown role %q: want portal, counselor or admin", clip(string(spec.Role)))
	}
	k := &matcher.APIKey{Name: strings.TrimSpace(spec.Name), Role: spec.Role, CreatedAt: now.UTC()}
	switch spec.Role {
	case matcher.RoleCounselor:
		d := normalize.District(spec.District)
		if !catalog.IsUrumqiDistrict(d) {
			return "", nil, invalidField("district", "辅导员密钥需要乌鲁木齐的区（县）：%s", "a counselor key needs one of Urumqi's districts, got %q", clip(spec.District))
		}
		k.District = d
	case matcher.RolePortal:
		// Sources are lower-case in post ids (the importer folds them).
		src := strings.ToLower(strings.TrimSpace(spec.Source))
		if !validSource(src) {
			return "", nil, invalidField("source", "门户密钥需要来源标识（字母、数字、-、_）：%s", "a portal key needs a source id (letters, digits, - and _), got %q", clip(spec.Source))
		}
		k.Source = src
	}
	if spec.Role != matcher.RoleCounselor && spec.District != "" {
		return "", nil, invalidField("district", "只有辅导员密钥限定区（县）", "only counselor keys are scoped to a district")
	}
	if spec.Role != matcher.RolePortal && spec.Source != "" {
		return "", nil, invalidField("source", "只有门户密钥限定来源", "only portal keys are scoped to a source")
	}
	if spec.TTL < 0 {
		return "", nil, invalidField("expires", "有效期不能为负", "the lifetime must not be negative")
	}
	if spec.TTL > 0 {
		k.ExpiresAt = k.CreatedAt.Add(spec.TTL)
	}
	secret, err := NewSecret()
	if err != nil {
		return "", nil, err
	}
	k.Hash = HashSecret(secret)
	if err := ks.CreateKey(ctx, k); err != nil {
		return "", nil, fmt.Errorf("store key: %w", err)
	}
	return secret, k, nil
}

// validSource reports whether s can be a post source: the part of a post
// ID before the colon.
func validSource(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

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
		k, err = s.store.KeyByHash(r.Context(), h[:])
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
