package main

import (
	"crypto/tls"
	"sync/atomic"
	"testing"
)

// TestTLSRefusedWhileSaturated: while the server sheds (api.Server.Saturated),
// a new TLS handshake is refused after the client's hello; once it has
// capacity again, handshakes go through.
func TestTLSRefusedWhileSaturated(t *testing.T) {
	cert, key := selfSigned(t, t.TempDir())
	var saturated atomic.Bool
	ln, _, err := listen("127.0.0.1:0", serveOptions{TLSCert: cert, TLSKey: key}, saturated.Load)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				c.(*tls.Conn).Handshake()
				c.Close()
			}()
		}
	}()
	dial := func() error {
		c, err := tls.Dial("tcp", ln.Addr().String(), &tls.Config{InsecureSkipVerify: true})
		if err == nil {
			c.Close()
		}
		return err
	}
	if err := dial(); err != nil {
		t.Fatalf("a handshake with capacity: %v", err)
	}
	saturated.Store(true)
	if err := dial(); err == nil {
		t.Fatal("a handshake while saturated went through")
	}
	saturated.Store(false)
	if err := dial(); err != nil {
		t.Fatalf("a handshake once capacity is back: %v", err)
	}
}
