package api

import (
	"testing"
	"time"
)

// TestKeyRoutes: an admin makes, lists and revokes keys while the service
// runs, with the CLI's scopes and a rate of the key's own; a revoked key
// is refused at once on the replica that revoked it and within the key
// cache's TTL on another.
func TestKeyRoutes(t *testing.T) {
	now := testNow
	clock := func() time.Time { return now }
	f := newFixture(t, func(c *Config) { c.Clock, c.RateLimit, c.RateBurst = clock, 5, 20 })
	other := newFixtureOn(t, f.st, t.TempDir(), false, func(c *Config) { c.Clock, c.RateLimit = clock, -1 })
	other.keys = f.keys

	for _, bad := range []map[string]any{
		{"role": "root"},
		{"role": "counselor"},
		{"role": "counselor", "district": "火星区"},
		{"role": "portal"},
		{"role": "admin", "source": "x"},
		{"role": "admin", "rate": -1},
		{"role": "admin", "expires_in": "soon"},
		{"role": "admin", "hash": "AAAA"},
	} {
		if res := f.do("POST", "/v1/keys", "admin", bad); res.status != 400 || res.json(t)["field"] == nil {
			t.Errorf("%v: %d %s", bad, res.status, res.body)
		}
	}
	if res := f.do("POST", "/v1/keys", "counselor", map[string]any{"role": "admin"}); res.status != 403 {
		t.Fatalf("a counselor made a key: %d", res.status)
	}
	res := f.do("POST", "/v1/keys", "admin", map[string]any{"role": "counselor", "district": "天山区", "name": "王老师", "rate": 50, "burst": 60, "expires_in": "720h"})
	if res.status != 201 {
		t.Fatalf("create: %d %s", res.status, res.body)
	}
	created := res.json(t)
	secret := created["secret"].(string)
	key := created["key"].(map[string]any)
	id := key["id"].(string)
	if key["rate"] != 50.0 || key["burst"] != 60.0 || key["district"] != "天山区" || key["status"] != "active" || key["hash"] != nil {
		t.Fatalf("created key: %v", key)
	}
	// The key's own limit, not the server's 20 at once: 60 pass.
	for i := 0; i < 60; i++ {
		if res := f.do("GET", "/v1/me", secret, nil); res.status != 200 {
			t.Fatalf("request %d with the new key: %d", i, res.status)
		}
	}
	if res := f.do("GET", "/v1/me", secret, nil); res.status != 429 {
		t.Fatalf("beyond the key's burst: %d", res.status)
	}
	list := f.do("GET", "/v1/keys", "admin", nil).json(t)
	found := false
	for _, k := range list["keys"].([]any) {
		k := k.(map[string]any)
		if k["hash"] != nil {
			t.Fatal("a key's hash is listed")
		}
		if k["id"] == id {
			found = k["rate"] == 50.0 && k["burst"] == 60.0
		}
	}
	if !found || list["default_rate"] != 5.0 {
		t.Fatalf("list: %v", list)
	}
	// The other replica has the key in its cache.
	if res := other.do("GET", "/v1/me", secret, nil); res.status != 200 {
		t.Fatalf("other replica before revocation: %d", res.status)
	}
	if res := f.do("DELETE", "/v1/keys/"+id, "admin", nil); res.status != 204 {
		t.Fatalf("revoke: %d %s", res.status, res.body)
	}
	now = now.Add(time.Second) // the rate limit refills; the cache does not expire yet
	if res := f.do("GET", "/v1/me", secret, nil); res.status != 401 {
		t.Errorf("revoked key on the revoking replica: %d", res.status)
	}
	now = now.Add(2100 * time.Millisecond)
	if res := other.do("GET", "/v1/me", secret, nil); res.status != 401 {
		t.Errorf("revoked key on another replica after the cache's 2 s: %d", res.status)
	}
	if res := f.do("DELETE", "/v1/keys/nope", "admin", nil); res.status != 404 {
		t.Errorf("revoke an unknown key: %d", res.status)
	}
}
