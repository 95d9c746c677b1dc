package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

func TestKeysCommands(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	code, secret, errs := run(t, "", "keys", "create", "--data", data, "--role", "counselor", "--district", "天山", "--name", "王老师", "--expires", "720h")
	if code != 0 {
		t.Fatalf("create: exit %d: %s", code, errs)
	}
	secret = strings.TrimSpace(secret)
	if !strings.HasPrefix(secret, "jm_") || len(secret) != 35 {
		t.Fatalf("secret %q", secret)
	}
	if !strings.Contains(errs, "天山区") {
		t.Errorf("district not normalised in %q", errs)
	}
	code, out, errs := run(t, "", "keys", "list", "--data", data, "--json")
	if code != 0 {
		t.Fatalf("list: exit %d: %s", code, errs)
	}
	if strings.Contains(out, secret) || strings.Contains(out, `"hash"`) {
		t.Errorf("list shows the secret or its hash: %s", out)
	}
	var keys []struct {
		ID, Role, District, Status string
	}
	if err := json.Unmarshal([]byte(out), &keys); err != nil || len(keys) != 1 {
		t.Fatalf("list: %v %s", err, out)
	}
	if k := keys[0]; k.Role != "counselor" || k.District != "天山区" || k.Status != "active" {
		t.Errorf("key %+v", k)
	}
	if code, _, errs := run(t, "", "keys", "revoke", "--data", data, keys[0].ID); code != 0 {
		t.Fatalf("revoke: exit %d: %s", code, errs)
	}
	_, out, _ = run(t, "", "keys", "list", "--data", data)
	if !strings.Contains(out, "revoked") {
		t.Errorf("after revoke: %s", out)
	}
	for _, bad := range [][]string{
		{"keys", "create", "--data", data},
		{"keys", "create", "--data", data, "--role", "root"},
		{"keys", "create", "--data", data, "--role", "portal"},
		{"keys", "create", "--data", data, "--role", "counselor", "--district", "北京"},
		{"keys", "revoke", "--data", data, "no-such-key"},
		{"keys", "frobnicate"},
	} {
		if code, _, _ := run(t, "", bad...); code == 0 {
			t.Errorf("%v: exit 0", bad)
		}
	}
}
