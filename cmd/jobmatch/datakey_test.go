package main

import (
	"bytes"
	"encoding/hex"
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
