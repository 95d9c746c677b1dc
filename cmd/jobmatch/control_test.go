package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// selfSigned writes a certificate for localhost and its key.
func selfSigned(t *testing.T, dir string) (certFile, keyFile string) {
	t.Helper()
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "localhost"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), DNSNames: []string{"localhost"},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &priv.PublicKey, priv)
	if err != nil {
		t.Fatal(err)
	}
	kb, _ := x509.MarshalECPrivateKey(priv)
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600)
	return certFile, keyFile
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestKeysWhileServing: with `serve` holding the embedded store over TLS,
// `jobmatch keys create|list|revoke --data DIR` work through its admin
// routes (the control file, the certificate pinned); the new key works at
// once with its own rate shown, and a revoked one is refused at once. The
// metrics listener answers without a key; the API's /metrics does not.
func TestKeysWhileServing(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	cert, key := selfSigned(t, dir)
	addr, metrics := freeAddr(t), freeAddr(t)
	srv := serveInProcess(t, "--data", data, "--addr", addr, "--tls-cert", cert, "--tls-key", key, "--metrics-addr", metrics, "--log-level", "info")
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}, Timeout: 10 * time.Second}
	res, err := client.Get("https://" + addr + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("readyz over TLS: %d", res.StatusCode)
	}
	if !strings.Contains(res.Header.Get("Strict-Transport-Security"), "max-age") {
		t.Errorf("no HSTS over TLS: %v", res.Header)
	}
	code, out, errs := run(t, "", "keys", "create", "--data", data, "--role", "counselor", "--district", "天山区", "--rate", "75", "--burst", "150")
	if code != 0 {
		t.Fatalf("keys create while serving: exit %d: %s", code, errs)
	}
	secret := strings.TrimSpace(out)
	get := func(path, key string) int {
		req, _ := http.NewRequest("GET", "https://"+addr+path, nil)
		if key != "" {
			req.Header.Set("Authorization", "Bearer "+key)
		}
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if s := get("/v1/me", secret); s != 200 {
		t.Fatalf("the new key: %d", s)
	}
	code, out, errs = run(t, "", "keys", "list", "--data", data)
	if code != 0 || !strings.Contains(out, "75/s, burst 150") || !strings.Contains(out, "local-cli") {
		t.Fatalf("keys list while serving: exit %d, %s %s", code, out, errs)
	}
	id := ""
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "counselor") {
			id = strings.Fields(line)[0]
		}
	}
	if code, _, errs := run(t, "", "keys", "revoke", "--data", data, id); code != 0 {
		t.Fatalf("keys revoke while serving: exit %d: %s", code, errs)
	}
	if s := get("/v1/me", secret); s != 401 {
		t.Errorf("the revoked key right after revocation: %d", s)
	}
	if s := get("/metrics", ""); s != 401 {
		t.Errorf("/metrics on the API's address without a key: %d", s)
	}
	res, err = http.Get("http://" + metrics + "/metrics")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("the metrics listener: %v %v", res, err)
	}
	res.Body.Close()

	// Stopped, the server revokes its own key and removes the control
	// file; the CLI opens the store again.
	if err := srv.stop(t); err != nil {
		t.Fatal(err)
	}
	code, out, errs = run(t, "", "keys", "list", "--data", data)
	if code != 0 || strings.Contains(out, "active") {
		t.Fatalf("after serve stopped: exit %d, %s %s (the local key must be revoked)", code, out, errs)
	}
	if p, _ := statePath("serve", data, ".json"); fileExists(p) {
		t.Error("the control file outlived the server")
	}
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// TestServeDefaultsToLoopback: without --addr the service is reachable
// from this machine only.
func TestServeDefaultsToLoopback(t *testing.T) {
	if host, _, _ := net.SplitHostPort(defaultServeAddr); !net.ParseIP(host).IsLoopback() {
		t.Errorf("serve's default address %s is not loopback", defaultServeAddr)
	}
	if host, _, _ := net.SplitHostPort(defaultAddr()); !net.ParseIP(host).IsLoopback() {
		t.Errorf("demo's default address %s is not loopback", defaultAddr())
	}
	if code, _, errs := run(t, "", "serve", "--tls-cert", "x.pem"); code != exitUsage || !strings.Contains(errs, "go together") {
		t.Errorf("--tls-cert alone: exit %d %s", code, errs)
	}
}
