package main

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestServeReloadsPolicy: issue 9's item 8 for `serve` — next year's
// policy file is taken by the running server on SIGHUP (the dashboard's
// plan year and the plans follow it, no restart), and POST
// /v1/policy/reload refuses a file that does not validate, keeping the
// policy in force.
func TestServeReloadsPolicy(t *testing.T) {
	dir := t.TempDir()
	data, file := filepath.Join(dir, "data"), filepath.Join(dir, "policy.json")
	raw, err := os.ReadFile("../../matcher/catalog/policy.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()

	m := NewMain()
	serving, reloaded := newLogSignal("serving the API"), newLogSignal("policy reloaded")
	m.Stdout, m.Stderr = io.Discard, io.MultiWriter(serving, reloaded)
	ctx, cancel := context.WithCancel(context.Background())
	s := &inProcessServer{m: m, cancel: cancel, done: make(chan error, 1)}
	go func() {
		s.done <- m.Run(ctx, []string{"serve", "--data", data, "--addr", addr, "--policy", file, "--log-level", "info"})
	}()
	t.Cleanup(func() { s.stop(t) })
	serving.wait(t, s.done)

	code, secret, errs := run(t, "", "keys", "create", "--data", data, "--role", "admin")
	if code != 0 {
		t.Fatalf("keys create: exit %d: %s", code, errs)
	}
	secret = strings.TrimSpace(secret)
	call := func(method, path string) (int, map[string]any) {
		t.Helper()
		req, _ := http.NewRequest(method, "http://"+addr+path, nil)
		req.Header.Set("Authorization", "Bearer "+secret)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var v map[string]any
		json.NewDecoder(res.Body).Decode(&v)
		return res.StatusCode, v
	}
	if st, v := call("GET", "/v1/caseload/summary"); st != 200 || v["plan_year"] != float64(2023) {
		t.Fatalf("summary before: %d %v", st, v["plan_year"])
	}

	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	doc["year"] = 2024
	b, _ := json.Marshal(doc)
	if err := os.WriteFile(file, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	reloaded.wait(t, s.done)
	if st, v := call("GET", "/v1/caseload/summary"); st != 200 || v["plan_year"] != float64(2024) {
		t.Errorf("summary after SIGHUP: %d plan year %v, want 2024", st, v["plan_year"])
	}

	doc["hardship_categories"] = []string{"单亲家庭"}
	b, _ = json.Marshal(doc)
	if err := os.WriteFile(file, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if st, v := call("POST", "/v1/policy/reload"); st != http.StatusBadRequest || !strings.Contains(v["message"].(string)+v["message_en"].(string), "hardship") {
		t.Errorf("reload of an invalid file: %d %v", st, v)
	}
	if st, v := call("GET", "/v1/caseload/summary"); st != 200 || v["plan_year"] != float64(2024) {
		t.Errorf("after a refused reload: %d plan year %v, want 2024 still", st, v["plan_year"])
	}
	if err := s.stop(t); err != nil {
		t.Fatal(err)
	}
}
