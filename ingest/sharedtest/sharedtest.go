package sharedtest

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Test environment variables: where the shared directory is, and whether
// its absence fails the tests that read it (.ci/run sets both when it
// finds the directory).
const (
	DirEnv     = "JOBMATCH_SHARED"
	RequireEnv = "JOBMATCH_REQUIRE_SHARED"
)

// Path returns the path of rel (slash-separated, under the shared
// directory: "data/jobs-real/job-hunting-2024-25.csv.gz"). When it is
// not found the test is skipped, naming where it looked, or fails when
// JOBMATCH_REQUIRE_SHARED=1.
func Path(tb testing.TB, rel string) string {
	tb.Helper()
	p, err := Find(rel)
	if err != nil {
		if Required() {
			tb.Fatalf("%v, and %s=1: the tests on shared data must run", err, RequireEnv)
		}
		tb.Skipf("%v: skipping (set %s to the shared directory to run it)", err, DirEnv)
	}
	return p
}

// Optional returns the path of rel and true when it is found, and false
// when it is not — for tests that use the shared data as extra input
// and pass without it. Under JOBMATCH_REQUIRE_SHARED=1 its absence fails
// the test.
func Optional(tb testing.TB, rel string) (string, bool) {
	tb.Helper()
	p, err := Find(rel)
	if err != nil {
		if Required() {
			tb.Fatalf("%v, and %s=1: the tests on shared data must run", err, RequireEnv)
		}
		return "", false
	}
	return p, true
}

// Required reports whether JOBMATCH_REQUIRE_SHARED=1.
func Required() bool { return os.Getenv(RequireEnv) == "1" }

// Find returns the path of rel under the shared directory: under
// JOBMATCH_SHARED when it is set, otherwise under the first shared
// directory, from the module root's parent upwards, that holds it. The
// error names every place it looked.
func Find(rel string) (string, error) {
	rel = filepath.FromSlash(rel)
	if dir := os.Getenv(DirEnv); dir != "" {
		p := filepath.Join(dir, rel)
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("%s=%s: %w", DirEnv, dir, err)
		}
		return p, nil
	}
	root, err := moduleRoot()
	if err != nil {
		return "", err
	}
	var looked []string
	for dir := filepath.Dir(root); ; dir = filepath.Dir(dir) {
		p := filepath.Join(dir, "shared", rel)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
		looked = append(looked, p)
		if filepath.Dir(dir) == dir {
			break
		}
	}
	return "", fmt.Errorf("%s is not in a shared directory beside the repository (looked at %s; %s is unset)",
		filepath.ToSlash(rel), strings.Join(looked, ", "), DirEnv)
}

// moduleRoot is the nearest directory above the working directory (a
// test's package directory) that holds go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("finding the module root: %w", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		up := filepath.Dir(dir)
		if up == dir {
			return "", errors.New("finding the module root: no go.mod above the working directory")
		}
		dir = up
	}
}
