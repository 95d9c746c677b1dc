package api

import (
	"fmt"
	"net/http"
	"net/netip"
	"sync/atomic"
	"testing"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// TestSignInCannotLockOut: one wrong password every 30 s (or a flood of
// them) from one address used to keep the name's owner out; now it does
// not, from any other address. Guessing stays bounded: from the
// attacker's address the name gets 3 checks and then one every 30 s.
// Addresses enough to empty the name's own bucket hold only clients the
// name never signed in from: the owner's browser, holding the device
// cookie of an earlier sign-in, still signs in.
func TestSignInCannotLockOut(t *testing.T) {
	var skew atomic.Int64
	f := newFixture(t, func(c *Config) {
		c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
		c.Clock = func() time.Time { return testNow.Add(time.Duration(skew.Load())) }
	})
	const pw = "correct horse battery"
	makeUser(t, f, UserSpec{Name: "wang", Role: matcher.RoleCounselor, District: "天山区", Password: pw})
	attack := func(from string, n int) map[int]int {
		counts := map[int]int{}
		for i := range n {
			counts[f.send(signInReq(t, f, "wang", fmt.Sprintf("guess %d", i), from)).status]++
		}
		return counts
	}
	owner := func(from string, device *http.Cookie) resp {
		req := signInReq(t, f, "wang", pw, from)
		if device != nil {
			req.AddCookie(device)
		}
		return f.send(req)
	}

	// A flood from one address: 3 checked, the rest held.
	if c := attack("198.51.100.7", 40); c[401] != 3 || c[429] != 37 {
		t.Fatalf("40 wrong passwords from one address: %v, want 3 checked and 37 held", c)
	}
	res := owner("192.0.2.10", nil)
	if res.status != 200 {
		t.Fatalf("the owner, from another address, after the flood: %d %s", res.status, res.body)
	}
	var device *http.Cookie
	for _, c := range (&http.Response{Header: res.header}).Cookies() {
		if c.Name == DeviceCookie {
			device = c
		}
	}
	if device == nil || !device.HttpOnly || device.Path != "/v1/session" {
		t.Fatalf("no device cookie on a successful sign-in: %v", res.header["Set-Cookie"])
	}
	// One wrong password every 30 s from that address, for 20 minutes: each
	// is checked (the bucket refills one every 30 s), and the owner signs
	// in from a new address every time.
	for round := range 40 {
		skew.Add(int64(30 * time.Second))
		if c := attack("198.51.100.7", 1); c[401] != 1 {
			t.Fatalf("round %d: the attacker's one guess every 30 s: %v", round, c)
		}
		if res := owner(fmt.Sprintf("192.0.2.%d", 100+round), nil); res.status != 200 {
			t.Fatalf("round %d: the owner from a new address: %d %s", round, res.status, res.body)
		}
	}

	// Many addresses at once empty the name's bucket: a client the name
	// never signed in from is held (429 with Retry-After), the owner's
	// browser is not, and its cookie names no other account.
	skew.Add(int64(10 * time.Minute))
	held := 0
	for i := range 20 {
		held += attack(fmt.Sprintf("203.0.113.%d", i+1), 1)[429]
	}
	if held == 0 {
		t.Fatal("20 addresses guessing at once were never held by the name's bucket")
	}
	if res := owner("192.0.2.250", nil); res.status != 429 || res.header.Get("Retry-After") == "" {
		t.Fatalf("a new client while the name's bucket is empty: %d %v", res.status, res.header)
	}
	if res := owner("192.0.2.251", device); res.status != 200 {
		t.Fatalf("the owner's browser (device cookie) while the name's bucket is empty: %d %s", res.status, res.body)
	}
	makeUser(t, f, UserSpec{Name: "li", Role: matcher.RoleCounselor, District: "天山区", Password: pw})
	for i := range 20 {
		f.send(signInReq(t, f, "li", fmt.Sprintf("guess %d", i), fmt.Sprintf("203.0.113.%d", 100+i)))
	}
	req := signInReq(t, f, "li", pw, "192.0.2.252")
	req.AddCookie(device)
	if res := f.send(req); res.status != 429 {
		t.Fatalf("wang's device cookie used for li while li's bucket is empty: %d, want 429 (a device cookie is the account's own)", res.status)
	}
	// Guessing from the owner's browser is bounded too: 3, then held.
	counts := map[int]int{}
	for i := range 10 {
		req := signInReq(t, f, "wang", fmt.Sprintf("stolen cookie guess %d", i), "198.51.100.99")
		req.AddCookie(device)
		counts[f.send(req).status]++
	}
	if counts[401] != 3 || counts[429] != 7 {
		t.Fatalf("10 wrong passwords with the device cookie: %v, want 3 checked", counts)
	}
}
