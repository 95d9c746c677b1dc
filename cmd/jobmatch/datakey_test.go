package main

import (
	"bytes"
	"encoding/hex"
	"path/filepath"
	"strings"
	"testing"
)

func TestDataKeysFromEnv(t *testing.T) {
	key := hex.EncodeToString(bytes.Repeat([]byte{0xab}, 32))
	old := hex.EncodeToString(bytes.Repeat([]byte{0xcd}, 32))
	cases := []struct {
		name, cur, old, wantErr string
	}{
		{"unset", "", "", dataKeyEnv + " is not set"},
		{"bad", "not a key", "", dataKeyEnv + ":"},
		{"ok", key, "", ""},
		{"with the old key", key, old, ""},
		{"bad old key", key, "zz", oldDataKeyEnv + ":"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(dataKeyEnv, tc.cur)
			t.Setenv(oldDataKeyEnv, tc.old)
			r, err := dataKeys()
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				if strings.Contains(err.Error(), "not a key") {
					t.Fatal("the error echoes the value")
				}
				return
			}
			if err != nil || r == nil {
				t.Fatal(err)
			}
		})
	}
}

// TestRotateDataKeyCommand: the documented rotation on the embedded store,
// from the command line. After it, the new key alone opens the store and
// the old one is refused; running it again re-seals nothing.
func TestRotateDataKeyCommand(t *testing.T) {
	dir := t.TempDir()
	gen, data := filepath.Join(dir, "gen"), filepath.Join(dir, "data")
	if code, _, errs := run(t, "", "gen", "--out", gen, "--posts", "50", "--graduates", "40", "--courses", "5"); code != 0 {
		t.Fatalf("gen: %s", errs)
	}
	keyA, keyB := strings.Repeat("a1", 32), strings.Repeat("b2", 32)
	t.Setenv(dataKeyEnv, keyA)
	if code, _, errs := run(t, "", "ingest", "--data", data, "--quiet", "graduates", filepath.Join(gen, "graduates.csv")); code != 0 {
		t.Fatalf("ingest: %s", errs)
	}
	t.Setenv(dataKeyEnv, keyB)
	t.Setenv(oldDataKeyEnv, keyA)
	code, out, errs := run(t, "", "keys", "rotate-data-key", "--data", data)
	if code != 0 || !strings.Contains(out, "re-sealed 40 records") {
		t.Fatalf("rotate: exit %d, %q, %s", code, out, errs)
	}
	t.Setenv(oldDataKeyEnv, "")
	if code, out, errs := run(t, "", "keys", "rotate-data-key", "--data", data); code != 0 || !strings.Contains(out, "re-sealed 0 records") {
		t.Fatalf("second rotation: exit %d, %q, %s", code, out, errs)
	}
	if code, _, errs := run(t, "", "keys", "list", "--data", data); code != 0 {
		t.Fatalf("the new key alone: exit %d, %s", code, errs)
	}
	t.Setenv(dataKeyEnv, keyA)
	if code, _, errs := run(t, "", "keys", "list", "--data", data); code != 1 || !strings.Contains(errs, "not the one") {
		t.Fatalf("the old key after the rotation: exit %d, %s", code, errs)
	}
}
