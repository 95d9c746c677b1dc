package api

import (
	"bytes"
	"fmt"
	"net/http"
	"net/netip"
	"testing"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store/seal"
)

// TestDeviceCookieOutlivesRestart: the sign-in's device cookie is signed
// with a key derived from the data key (seal.Keyring.Subkeys, as cmd's
// serve passes it), so after a restart — a new Server over the same store,
// or another replica — the owner's browser is still known while the
// name's bucket is emptied by guessing from many addresses: 200, where a
// new client is held (429). A server holding another data key does not
// take it; one mid-rotation (the old key as previous) does. Without
// derived keys (a key of the process) the restart forgets it: what
// happened before.
func TestDeviceCookieOutlivesRestart(t *testing.T) {
	ring := func(cur byte, prev ...byte) [][]byte {
		var ps [][]byte
		for _, p := range prev {
			ps = append(ps, bytes.Repeat([]byte{p}, 32))
		}
		r, err := seal.New(bytes.Repeat([]byte{cur}, 32), ps...)
		if err != nil {
			t.Fatal(err)
		}
		return r.Subkeys("api/device-cookie")
	}
	proxies := func(keys [][]byte) func(*Config) {
		return func(c *Config) {
			c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
			c.DeviceKeys = keys
		}
	}
	first := newFixture(t, proxies(ring(0xa1)))
	const pw = "correct horse battery"
	makeUser(t, first, UserSpec{Name: "wang", Role: matcher.RoleCounselor, District: "天山区", Password: pw})
	res := first.send(signInReq(t, first, "wang", pw, "192.0.2.10"))
	var device *http.Cookie
	for _, c := range (&http.Response{Header: res.header}).Cookies() {
		if c.Name == DeviceCookie {
			device = c
		}
	}
	if res.status != 200 || device == nil {
		t.Fatalf("sign-in: %d, device cookie %v", res.status, device)
	}
	round := 0
	// afterRestart serves the same store from a new Server holding keys,
	// empties wang's bucket from 20 addresses, and returns what a new
	// client and the owner's browser get.
	afterRestart := func(keys [][]byte) (stranger, owner int) {
		round++
		f := newFixtureOn(t, first.st, t.TempDir(), false, proxies(keys))
		held := 0
		for i := range 20 {
			held += map[int]int{429: 1}[f.send(signInReq(t, f, "wang", fmt.Sprintf("guess %d", i), fmt.Sprintf("203.0.%d.%d", round, i+1))).status]
		}
		if held == 0 {
			t.Fatal("20 addresses guessing at once were never held by the name's bucket")
		}
		stranger = f.send(signInReq(t, f, "wang", pw, "192.0.2.250")).status
		req := signInReq(t, f, "wang", pw, "192.0.2.251")
		req.AddCookie(device)
		return stranger, f.send(req).status
	}
	for _, c := range []struct {
		what    string
		keys    [][]byte
		owner   int
		reasons string
	}{
		{"restarted with the same data key", ring(0xa1), 200, "the cookie from before the restart must count"},
		{"mid-rotation, the old key as previous", ring(0xb2, 0xa1), 200, "the old key still verifies what it signed"},
		{"another data key", ring(0xc3), 429, "a key it was not signed with must not verify it"},
		{"a key of the process (no derived keys)", nil, 429, "a process's own key is new on restart"},
	} {
		stranger, owner := afterRestart(c.keys)
		if stranger != 429 || owner != c.owner {
			t.Errorf("%s: a new client %d (want 429), the owner's browser %d (want %d: %s)", c.what, stranger, owner, c.owner, c.reasons)
		}
	}
}
