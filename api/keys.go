package api

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
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

// KeySpec is what an administrator asks for when creating a key (the
// command line's `jobmatch keys create` and POST /v1/keys alike).
type KeySpec struct {
	Name     string
	Role     matcher.Role
	District string        // counselors: required, one of Urumqi's districts
	Source   string        // portals: required, the post source they write
	TTL      time.Duration // 0: never expires
	// Rate and Burst are the key's own request limit; 0: the server's
	// default (serve --rate, --burst). A portal serving thousands of users
	// through one key needs more than a script.
	Rate  float64
	Burst int
}

// CreateKey validates spec, stores a new key and returns the secret (to be
// shown once: only its hash is stored) and the stored key.
func CreateKey(ctx context.Context, ks matcher.KeyStore, spec KeySpec, now time.Time) (string, *matcher.APIKey, error) {
	k, err := keyFromSpec(spec, now)
	if err != nil {
		return "", nil, err
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
// ID before the colon (see plainName).
func validSource(s string) bool { return plainName(s, 1) }

// KeyView is a key as the admin routes and `jobmatch keys list --json`
// show it: never its hash, with its status and its limit.
type KeyView struct {
	ID        string       `json:"id"`
	Name      string       `json:"name,omitempty"`
	Role      matcher.Role `json:"role"`
	District  string       `json:"district,omitempty"`
	Source    string       `json:"source,omitempty"`
	CreatedAt time.Time    `json:"created_at"`
	ExpiresAt *time.Time   `json:"expires_at,omitempty"`
	RevokedAt *time.Time   `json:"revoked_at,omitempty"`
	Status    string       `json:"status"` // active, expired or revoked
	// Rate and Burst are the key's own limit; 0 means the server's default.
	Rate  float64 `json:"rate"`
	Burst int     `json:"burst"`
}

// ViewKey is k as KeyView shows it at now.
func ViewKey(k *matcher.APIKey, now time.Time) KeyView {
	v := KeyView{ID: k.ID, Name: k.Name, Role: k.Role, District: k.District, Source: k.Source, CreatedAt: k.CreatedAt,
		ExpiresAt: timePtr(k.ExpiresAt), RevokedAt: timePtr(k.RevokedAt), Rate: k.Rate, Burst: k.Burst, Status: "active"}
	switch {
	case !k.RevokedAt.IsZero():
		v.Status = "revoked"
	case !k.Active(now):
		v.Status = "expired"
	}
	return v
}

// keyRequest is the body of POST /v1/keys.
type keyRequest struct {
	Name     string       `json:"name"`
	Role     matcher.Role `json:"role"`
	District string       `json:"district"`
	Source   string       `json:"source"`
	// ExpiresIn is a Go duration ("720h"); empty: never expires.
	ExpiresIn string  `json:"expires_in"`
	Rate      float64 `json:"rate"`
	Burst     int     `json:"burst"`
}

// createKey is POST /v1/keys: the same key `jobmatch keys create` makes,
// made while the service runs (the embedded store is locked by it). The
// secret is in this response only.
func (s *Server) createKey(w http.ResponseWriter, r *http.Request) error {
	var req keyRequest
	if err := s.readInput(w, r, &req, "id", "hash", "created_at", "revoked_at", "status"); err != nil {
		return err
	}
	spec := KeySpec{Name: req.Name, Role: req.Role, District: req.District, Source: req.Source, Rate: req.Rate, Burst: req.Burst}
	if req.ExpiresIn != "" {
		var err error
		if spec.TTL, err = time.ParseDuration(req.ExpiresIn); err != nil || spec.TTL <= 0 {
			return invalidField("expires_in", "有效期应为正的时长，如 720h", "expires_in must be a positive duration such as 720h")
		}
	}
	secret, k, err := CreateKey(r.Context(), s.stores.Keys, spec, s.wall())
	if err != nil {
		return err
	}
	return s.auditedJSON(w, r, "key.create", k.ID+" "+string(k.Role), http.StatusCreated, map[string]any{"secret": secret, "key": ViewKey(k, s.wall())})
}

// listKeys is GET /v1/keys: every key, oldest first, without hashes.
func (s *Server) listKeys(w http.ResponseWriter, r *http.Request) error {
	keys, err := s.stores.Keys.ListKeys(r.Context())
	if err != nil {
		return err
	}
	now := s.wall()
	out := viewsOf(keys, func(k *matcher.APIKey) KeyView { return ViewKey(k, now) })
	return writeJSON(w, http.StatusOK, map[string]any{"keys": out, "default_rate": s.cfg.RateLimit, "default_burst": s.cfg.RateBurst})
}

// revokeKey is DELETE /v1/keys/{id}. It bites at once on this replica (the
// key is dropped from its cache) and within Config.KeyCacheTTL (2 s by
// default) on the others.
func (s *Server) revokeKey(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "密钥")
	if err != nil {
		return err
	}
	if err := s.stores.Keys.RevokeKey(r.Context(), id); err != nil {
		return err
	}
	s.keys.forget(id)
	if err := s.audit(r, "key.revoke", id, ""); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// CheckKeySpec says what is wrong with spec, as CreateKey would, without
// storing anything: the command line checks its flags before it opens a
// store or calls a server.
func CheckKeySpec(spec KeySpec) error {
	_, err := keyFromSpec(spec, time.Time{})
	return err
}

// keyFromSpec validates spec and returns the key it asks for, unsaved.
func keyFromSpec(spec KeySpec, now time.Time) (*matcher.APIKey, error) {
	if spec.Role == "" {
		return nil, invalidField("role", "缺少角色：应为 portal（门户）、counselor（就业指导员）或 admin（管理员）", "the role is missing: want portal, counselor or admin")
	}
	if !spec.Role.Valid() {
		return nil, invalidField("role", "未知角色「%s」：应为 portal（门户）、counselor（就业指导员）或 admin（管理员）", "unknown role %q: want portal, counselor or admin", clip(string(spec.Role)))
	}
	k := &matcher.APIKey{Name: strings.TrimSpace(spec.Name), Role: spec.Role, CreatedAt: now.UTC()}
	// A counselor's key name is printed on their handouts as the counselor.
	if !plainText(k.Name, 64) {
		return nil, invalidField("name", "密钥名称不超过 64 字，且不含控制字符或格式字符", "a key's name is at most 64 characters, without control or format characters")
	}
	switch spec.Role {
	case matcher.RoleCounselor:
		d, err := counselorDistrict(spec.District, "密钥", "key")
		if err != nil {
			return nil, err
		}
		k.District = d
	case matcher.RolePortal:
		// Sources are lower-case in post ids (the importer folds them).
		src := strings.ToLower(strings.TrimSpace(spec.Source))
		if src == "" {
			return nil, invalidField("source", "门户密钥需要来源标识（字母、数字、-、_，如 portal-a）", "a portal key needs a source id (letters, digits, - and _, e.g. portal-a)")
		}
		if !validSource(src) {
			return nil, invalidField("source", "来源标识「%s」无效：只能用字母、数字、-、_", "the source id %q is not valid: letters, digits, - and _ only", clip(spec.Source))
		}
		k.Source = src
	}
	if spec.Role != matcher.RoleCounselor && spec.District != "" {
		return nil, invalidField("district", "只有就业指导员密钥限定区（县）", "only counselor keys are scoped to a district")
	}
	if spec.Role != matcher.RolePortal && spec.Source != "" {
		return nil, invalidField("source", "只有门户密钥限定来源", "only portal keys are scoped to a source")
	}
	if spec.TTL < 0 {
		return nil, invalidField("expires", "有效期不能为负", "the lifetime must not be negative")
	}
	if spec.TTL > 0 {
		k.ExpiresAt = k.CreatedAt.Add(spec.TTL)
	}
	if spec.Rate < 0 || spec.Rate > 1e6 {
		return nil, invalidField("rate", "限速应在 0–1000000 次/秒之间（0 为服务器默认值）", "rate must be 0 to 1,000,000 requests a second (0: the server's default)")
	}
	if spec.Burst < 0 || spec.Burst > 1e6 {
		return nil, invalidField("burst", "突发量应在 0–1000000 之间（0 为服务器默认值）", "burst must be 0 to 1,000,000 (0: the server's default)")
	}
	k.Rate, k.Burst = spec.Rate, spec.Burst
	return k, nil
}
