package main

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestShippedBinaryHasNoTestingPackage: test helpers live in their own
// packages (store/postgres/pgtest, store/storetest, ingest/sharedtest,
// ingest/synth/synthtest), so the binary does not link package testing.
func TestShippedBinaryHasNoTestingPackage(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	deps := strings.Fields(string(out))
	for _, bad := range []string{"testing", "github.com/urumqi-hrss/jobmatch/store/postgres/pgtest", "github.com/urumqi-hrss/jobmatch/store/storetest", "github.com/urumqi-hrss/jobmatch/ingest/sharedtest", "github.com/urumqi-hrss/jobmatch/ingest/synth/synthtest"} {
		if slices.Contains(deps, bad) {
			t.Errorf("cmd/jobmatch depends on %s", bad)
		}
	}
}
