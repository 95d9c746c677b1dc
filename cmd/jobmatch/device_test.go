package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/urumqi-hrss/jobmatch/api"
)

// TestDeviceCookieSurvivesServeRestart: `serve` signs the sign-in's device
// cookie with a key derived from the data key, so a browser that signed in
// before `serve` was stopped and started again is still the owner's: with
// the name's bucket emptied by 20 addresses guessing, a new client is held
// (429) and the browser with its cookie signs in (200). Before, the key
// was the process's and the browser was a stranger after the restart.
func TestDeviceCookieSurvivesServeRestart(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	const pw = "Ürümqi-device-passwort-5521"
	if code, _, errs := run(t, pw+"\n", "users", "create", "--data", data, "--name", "device.li", "--role", "counselor",
		"--district", "天山区", "--password-stdin"); code != 0 {
		t.Fatalf("users create: %s", errs)
	}
	signIn := func(addr, from string, pass string, cookie *http.Cookie) *http.Response {
		b, _ := json.Marshal(map[string]string{"name": "device.li", "password": pass})
		req, _ := http.NewRequest("POST", "http://"+addr+"/v1/session", strings.NewReader(string(b)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Forwarded-For", from)
		if cookie != nil {
			req.AddCookie(cookie)
		}
		res, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res
	}
	// serving runs `serve` on data until the function it is given returns.
	serving := func(fn func(addr string)) {
		addr := freeAddr(t)
		m := NewMain()
		ready := newLogSignal("serving the API")
		m.Stdout, m.Stderr = io.Discard, ready
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() {
			done <- m.Run(ctx, []string{"serve", "--data", data, "--addr", addr, "--trusted-proxy", "127.0.0.1", "--log-level", "info"})
		}()
		defer func() { cancel(); <-done; m.Close() }()
		ready.wait(t, done)
		fn(addr)
	}
	var device *http.Cookie
	serving(func(addr string) {
		res := signIn(addr, "192.0.2.10", pw, nil)
		for _, c := range res.Cookies() {
			if c.Name == api.DeviceCookie {
				device = c
			}
		}
		if res.StatusCode != 200 || device == nil {
			t.Fatalf("sign-in: %d, device cookie %v", res.StatusCode, device)
		}
	})
	serving(func(addr string) {
		held := 0
		for i := range 20 {
			if signIn(addr, fmt.Sprintf("203.0.113.%d", i+1), fmt.Sprintf("guess %d", i), nil).StatusCode == 429 {
				held++
			}
		}
		if held == 0 {
			t.Fatal("20 addresses guessing at once were never held by the name's bucket")
		}
		if res := signIn(addr, "192.0.2.250", pw, nil); res.StatusCode != 429 {
			t.Fatalf("a new client while the name's bucket is empty: %d, want 429", res.StatusCode)
		}
		if res := signIn(addr, "192.0.2.251", pw, device); res.StatusCode != 200 {
			t.Fatalf("the owner's browser, its cookie from before the restart: %d, want 200", res.StatusCode)
		}
	})
}
