package main

import (
	"os"
	"path/filepath"
	"testing"
)

// asMainEnv makes the test binary run as jobmatch itself, for tests that
// start, and kill, real processes.
const asMainEnv = "JOBMATCH_TEST_AS_MAIN"

// TestMain gives every test of the commands a data key (what an operator
// sets in JOBMATCH_DATA_KEY) and a state directory of its own (the demo's
// key files, servers' control files, the shared cache), so no test writes to the user's configuration directory. Tests of
// the demo's own key clear JOBMATCH_DATA_KEY with t.Setenv.
func TestMain(m *testing.M) {
	if os.Getenv(asMainEnv) == "1" {
		main() // a jobmatch process started by a test (TestWorkersKilledMidRun)
		return
	}
	dir, err := os.MkdirTemp("", "jobmatch-demo-keys-")
	if err != nil {
		panic(err)
	}
	os.Setenv("JOBMATCH_STATE_DIR", dir)
	os.Setenv(cacheDirEnv, filepath.Join(dir, "cache"))
	os.Setenv(dataKeyEnv, "6a6f626d617463682d746573742d6b65792d33322d62797465732d6c6f6e6721")
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
