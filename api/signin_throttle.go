package api

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"time"
)

// Sign-in throttling that an attacker cannot turn into a lock-out.
//
// A single bucket per account name held guessing from many addresses, and
// so let anyone who sent one wrong password every 30 s keep the name's
// owner out. Now a failed sign-in is charged to three buckets:
//
//   - the client address, for every name (authFails, as wrong API keys);
//   - the name from this client (perClient: 3 at once, then one every 30 s),
//     where the client is the browser when it carries a device cookie the
//     name signed in with before, else the address;
//   - the name from anywhere (perName: 5 at once, then one every 10 s),
//     which bounds guessing from many addresses.
//
// perName refills three times as fast as one client may spend, so no
// single address, nor two, can keep it empty: the owner signs in from
// any other address. Only three or more addresses guessing at full pace
// keep it empty, and then only clients the name never signed in from are
// held: a browser holding the name's device cookie (set by a successful
// sign-in, HMAC-signed with a key derived from the data key) is charged to its own
// bucket alone, not to the address's nor the name's. Guessing is bounded
// all the same: 3 + 2 a minute from any one client, 5 + 6 a minute from
// all of them together.
type signInThrottle struct {
	perClient *limiters
	perName   *limiters
	// deviceKeys sign device cookies (the first) and verify them (any):
	// Config.DeviceKeys, derived from the data key, so a cookie outlives a
	// restart and counts on every replica; without them a key of this
	// process, and a restart forgets every device.
	deviceKeys [][]byte
}

func newSignInThrottle(keys [][]byte) *signInThrottle {
	if len(keys) == 0 {
		k := make([]byte, 32)
		_, _ = rand.Read(k) // crypto/rand.Read never fails (Go ≥ 1.24)
		keys = [][]byte{k}
	}
	return &signInThrottle{perClient: newLimiters(1.0/30, 3, 100000), perName: newLimiters(1.0/10, 5, 100000), deviceKeys: keys}
}

// DeviceCookie is the cookie a browser keeps after signing in: proof that
// an account signed in from it before, so that sign-ins from it are not
// held by failures elsewhere. It is sent only to the sign-in route.
const DeviceCookie = "jm_device"

// deviceMAC is the signature of a device cookie's nonce for name under
// key.
func deviceMAC(key []byte, name string, nonce []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("device\x00" + name + "\x00"))
	m.Write(nonce)
	return m.Sum(nil)[:16]
}

// newDevice is a device cookie's value for name: a random nonce and its
// signature.
func (th *signInThrottle) newDevice(name string) string {
	nonce := make([]byte, 16)
	_, _ = rand.Read(nonce)
	return base64.RawURLEncoding.EncodeToString(append(nonce, deviceMAC(th.deviceKeys[0], name, nonce)...))
}

// device returns the request's device cookie when name signed in with it
// before (its nonce names the client), or "".
func (th *signInThrottle) device(r *http.Request, name string) string {
	c, err := r.Cookie(DeviceCookie)
	if err != nil {
		return ""
	}
	b, err := base64.RawURLEncoding.DecodeString(c.Value)
	if err != nil || len(b) != 32 {
		return ""
	}
	for _, k := range th.deviceKeys {
		if hmac.Equal(b[16:], deviceMAC(k, name, b[:16])) {
			return base64.RawURLEncoding.EncodeToString(b[:16])
		}
	}
	return ""
}

// reserveSignIn charges one sign-in attempt for name from the request's client
// (addr: its throttle key) to the buckets it counts against, before the
// password is checked. It returns false and the longest wait when any is
// empty (nothing charged then); otherwise refund, which gives every token
// back (the password was right).
func (s *Server) reserveSignIn(r *http.Request, addr, name string, now time.Time) (ok bool, wait time.Duration, refund func()) {
	th := s.signInThr
	type bucket struct {
		l    *limiters
		name string
	}
	buckets := []bucket{{s.authFails, addr}, {th.perClient, "name:" + name + "\x00" + addr}, {th.perName, "name:" + name}}
	if dev := th.device(r, name); dev != "" {
		buckets = []bucket{{th.perClient, "name:" + name + "\x00device:" + dev}}
	}
	var refunds []func()
	refundAll := func() {
		for _, f := range refunds {
			f()
		}
	}
	for _, b := range buckets {
		ok, w, refund := b.l.reserve(b.name, now)
		if !ok {
			refundAll()
			return false, w, nil
		}
		refunds = append(refunds, refund)
	}
	return true, 0, refundAll
}

// rememberDevice sets the device cookie of name on a successful sign-in.
func (s *Server) rememberDevice(w http.ResponseWriter, r *http.Request, name string) {
	http.SetCookie(w, &http.Cookie{Name: DeviceCookie, Value: s.signInThr.newDevice(name), Path: "/v1/session", HttpOnly: true,
		Secure: s.viaHTTPS(r), SameSite: http.SameSiteStrictMode, MaxAge: 400 * 24 * 3600})
}
