package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/urumqi-hrss/jobmatch/store/seal"
)

// The data key's environment variables: the only place they are read.
// JOBMATCH_OLD_DATA_KEY is given only around a rotation (see
// `jobmatch keys rotate-data-key`): the store then reads what either key
// sealed and writes with JOBMATCH_DATA_KEY.
const (
	dataKeyEnv    = "JOBMATCH_DATA_KEY"
	oldDataKeyEnv = "JOBMATCH_OLD_DATA_KEY"
)

// keyFromEnv reads a data key from the variable name; "" and no error when
// it is unset.
func keyFromEnv(name string) ([]byte, error) {
	v := strings.TrimSpace(os.Getenv(name))
	if v == "" {
		return nil, nil
	}
	k, err := seal.ParseKey(v)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return k, nil
}

// dataKeys returns the keyring of JOBMATCH_DATA_KEY (and
// JOBMATCH_OLD_DATA_KEY when set), or an error saying how to make a key.
func dataKeys() (*seal.Keyring, error) {
	return dataKeysOr(nil)
}

// dataKeysOr is dataKeys with fallback as the current key when
// JOBMATCH_DATA_KEY is unset (the embedded demo's own key file).
func dataKeysOr(fallback []byte) (*seal.Keyring, error) {
	cur, err := keyFromEnv(dataKeyEnv)
	if err != nil {
		return nil, err
	}
	if cur == nil {
		cur = fallback
	}
	if cur == nil {
		return nil, fmt.Errorf("%s is not set: personal data is stored encrypted and needs a 32-byte data key (generate one with `openssl rand -hex 32`)", dataKeyEnv)
	}
	old, err := keyFromEnv(oldDataKeyEnv)
	if err != nil {
		return nil, err
	}
	var prev [][]byte
	if old != nil {
		prev = append(prev, old)
	}
	return seal.New(cur, prev...)
}

// Demo data keys. `jobmatch demo` on the embedded store needs no setup, so
// when JOBMATCH_DATA_KEY is unset it makes a key of its own and keeps it
// apart from the data: in the user's configuration directory
// (stateDir, e.g. ~/.config/jobmatch/data-keys/), in a file named
// after the data directory's absolute path, readable by the user only.
// Whoever copies the data directory does not get the key with it. Every
// command on that data directory finds the key there; an operator who sets
// JOBMATCH_DATA_KEY uses that instead.

// demoKeyPath is where the demo keeps the data key of dataDir: in the
// state directory (control.go), never in the data directory.
func demoKeyPath(dataDir string) (string, error) { return statePath("data-keys", dataDir, ".key") }

// demoKey reads the demo's data key of dataDir: nil when there is none,
// unless create, when it makes one.
func demoKey(dataDir string, create bool) ([]byte, error) {
	path, err := demoKeyPath(dataDir)
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(path)
	switch {
	case err == nil:
		k, err := seal.ParseKey(strings.TrimSpace(string(b)))
		if err != nil {
			return nil, fmt.Errorf("demo data key %s: %w", path, err)
		}
		return k, nil
	case !errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("demo data key: %w", err)
	case !create:
		return nil, nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("demo data key: %w", err)
	}
	key := seal.NewKey()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("demo data key: %w", err)
	}
	if _, err := f.WriteString(key + "\n"); err != nil {
		f.Close()
		return nil, fmt.Errorf("demo data key: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("demo data key: %w", err)
	}
	return seal.ParseKey(key)
}

// deviceKeyLabel names the secret the sign-in's device cookies are signed
// with, derived from the data key (seal.Keyring.Subkeys).
const deviceKeyLabel = "api/device-cookie"

// deviceKeys are the keys of the sign-in's device cookies: derived from
// the data key the store was opened with, so a browser the owner signed
// in from is still known after a restart of serve and on every replica of
// a PostgreSQL deployment (all hold the same data key); through a data-key
// rotation the old key, given as JOBMATCH_OLD_DATA_KEY, still verifies
// cookies it signed. Nil before the store is opened (the API then makes
// a key of its own).
func (m *Main) deviceKeys() [][]byte {
	if m.keys == nil {
		return nil
	}
	return m.keys.Subkeys(deviceKeyLabel)
}
