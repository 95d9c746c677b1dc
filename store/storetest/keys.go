package storetest

import "github.com/urumqi-hrss/jobmatch/store/seal"

// TestKey is a fixed data key for tests only.
var TestKey = []byte("jobmatch-test-key-32-bytes-long!")

// Keys is the keyring of TestKey, for opening stores in tests.
func Keys() *seal.Keyring {
	r, err := seal.New(TestKey)
	if err != nil {
		panic(err)
	}
	return r
}
