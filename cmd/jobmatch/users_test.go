package main

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/urumqi-hrss/jobmatch/api/password"
	"github.com/urumqi-hrss/jobmatch/store/bolt"
)

// storedHash reads an account's password hash from the data directory's
// store (accounts are not personal data: no data key needed).
func storedHash(t *testing.T, data, name string) (hash string, disabled bool) {
	t.Helper()
	st, err := bolt.Open(filepath.Join(data, "jobmatch.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	u, err := st.UserByName(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return u.PasswordHash, u.Disabled()
}

// TestUsersCommand: create prints a made password once (stdout alone) and
// stores only its argon2id hash; reset-password takes one from standard
// input; disable stops the account; bad flags are usage errors (exit 2)
// that name the flag.
func TestUsersCommand(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	code, out, errs := run(t, "", "users", "create", "--data", data, "--name", "wang", "--role", "counselor", "--district", "天山区", "--full-name", "王芳")
	if code != 0 {
		t.Fatalf("create: exit %d: %s", code, errs)
	}
	pw := strings.TrimSpace(out)
	if len(pw) != 16 || strings.Contains(out, " ") || !strings.Contains(errs, "shown only once") {
		t.Fatalf("create printed %q / %q", out, errs)
	}
	hash, _ := storedHash(t, data, "wang")
	if !strings.HasPrefix(hash, "$argon2id$") || strings.Contains(hash, pw) {
		t.Fatalf("stored hash %q", hash)
	}
	if err := password.Verify(hash, pw); err != nil {
		t.Errorf("the printed password does not verify: %v", err)
	}
	if code, _, errs := run(t, "", "users", "create", "--data", data, "--name", "wang", "--role", "admin"); code == 0 || !strings.Contains(errs, "wang") {
		t.Errorf("a second wang: exit %d: %s", code, errs)
	}
	if code, out, errs := run(t, "a new password here\n", "users", "reset-password", "--data", data, "--password-stdin", "wang"); code != 0 || out != "" {
		t.Fatalf("reset: exit %d: %q %s", code, out, errs)
	}
	hash, _ = storedHash(t, data, "wang")
	if err := password.Verify(hash, pw); !errors.Is(err, password.ErrMismatch) {
		t.Errorf("the old password after a reset: %v", err)
	}
	if err := password.Verify(hash, "a new password here"); err != nil {
		t.Errorf("the new password: %v", err)
	}
	if code, _, errs := run(t, "", "users", "disable", "--data", data, "wang"); code != 0 {
		t.Fatalf("disable: exit %d: %s", code, errs)
	}
	if _, disabled := storedHash(t, data, "wang"); !disabled {
		t.Error("disable left the account enabled")
	}
	code, out, errs = run(t, "", "users", "list", "--data", data)
	if code != 0 || !strings.Contains(out, "wang") || !strings.Contains(out, "disabled") || strings.Contains(out, "argon2") {
		t.Errorf("list: exit %d: %s %s", code, out, errs)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"users", "create", "--name", "li"}, "--role"},
		{[]string{"users", "create", "--name", "li", "--role", "portal"}, "--role"},
		{[]string{"users", "create", "--name", "li", "--role", "counselor"}, "--district"},
		{[]string{"users", "create", "--name", "李 娜", "--role", "admin"}, "--name"},
		{[]string{"users", "disable"}, "one user name"},
		{[]string{"users", "frobnicate"}, "unknown action"},
	} {
		code, _, errs := run(t, "short\n", append(tc.args, "--data", data)...)
		if code != 2 || !strings.Contains(errs, tc.want) {
			t.Errorf("%v: exit %d, %q; want 2 naming %s", tc.args, code, errs, tc.want)
		}
	}
	if code, _, errs := run(t, "short\n", "users", "reset-password", "--data", data, "--password-stdin", "wang"); code == 0 || !strings.Contains(errs, "password") {
		t.Errorf("a short password: exit %d: %s", code, errs)
	}
}
