package main

import (
	"fmt"
	"os"
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
	cur, err := keyFromEnv(dataKeyEnv)
	if err != nil {
		return nil, err
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
