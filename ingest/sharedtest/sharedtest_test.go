package sharedtest

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// layout makes base/outer/shared/data/x.txt and a module at
// base/outer/wt/repo (go.mod, pkg/), the worktree shape of /work/wt/NAME
// beside /work/shared, and returns the package directory.
func layout(t *testing.T) (base, pkg string) {
	t.Helper()
	base = t.TempDir()
	for _, d := range []string{"outer/shared/data", "outer/wt/repo/pkg"} {
		if err := os.MkdirAll(filepath.Join(base, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{"outer/shared/data/x.txt", "outer/wt/repo/go.mod"} {
		if err := os.WriteFile(filepath.Join(base, f), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return base, filepath.Join(base, "outer/wt/repo/pkg")
}

func TestFindWalksUpFromTheModuleRoot(t *testing.T) {
	base, pkg := layout(t)
	t.Setenv(DirEnv, "")
	t.Chdir(pkg)
	got, err := Find("data/x.txt")
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(base, "outer/shared/data/x.txt"); got != want {
		t.Errorf("Find = %s, want %s", got, want)
	}
	_, err = Find("data/absent.txt")
	if err == nil || !strings.Contains(err.Error(), filepath.Join(base, "outer/wt/shared/data/absent.txt")) || !strings.Contains(err.Error(), DirEnv) {
		t.Errorf("Find(absent) error = %v, want one naming the places looked and %s", err, DirEnv)
	}
}

func TestFindReadsTheVariableFirst(t *testing.T) {
	base, pkg := layout(t)
	other := filepath.Join(base, "elsewhere")
	if err := os.MkdirAll(filepath.Join(other, "data"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(other, "data/x.txt"), []byte("y"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(pkg)
	t.Setenv(DirEnv, other)
	if got, err := Find("data/x.txt"); err != nil || got != filepath.Join(other, "data/x.txt") {
		t.Errorf("Find = %s, %v; want the file under %s", got, err, other)
	}
	// Set, the variable is the only place looked: data/y.txt is in the
	// shared directory the walk would find, but not under the variable.
	if err := os.WriteFile(filepath.Join(base, "outer/shared/data/y.txt"), []byte("y"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Find("data/y.txt"); err == nil || !strings.Contains(err.Error(), DirEnv+"="+other) {
		t.Errorf("Find(absent under %s) error = %v, want one naming the variable", DirEnv, err)
	}
}

// TestPathSkipsOrFails runs Path in a subtest whose outcome is read back:
// skipped without JOBMATCH_REQUIRE_SHARED, failed with it.
func TestPathSkipsOrFails(t *testing.T) {
	_, pkg := layout(t)
	t.Chdir(pkg)
	t.Setenv(DirEnv, "")
	for _, require := range []string{"", "1"} {
		t.Setenv(RequireEnv, require)
		ft := &recorder{TB: t}
		done := make(chan struct{})
		go func() {
			defer close(done)
			Path(ft, "data/absent.txt")
		}()
		<-done
		if require == "1" && !ft.failed || require == "" && !ft.skipped {
			t.Errorf("%s=%q: failed %v, skipped %v", RequireEnv, require, ft.failed, ft.skipped)
		}
		if p := Path(ft, "data/x.txt"); !strings.HasSuffix(p, filepath.FromSlash("shared/data/x.txt")) {
			t.Errorf("Path = %s", p)
		}
	}
}

// recorder notes Fatalf and Skipf and ends the goroutine as they would.
type recorder struct {
	testing.TB
	failed, skipped bool
}

func (r *recorder) Helper() {}
func (r *recorder) Fatalf(string, ...any) {
	r.failed = true
	runtime.Goexit()
}
func (r *recorder) Skipf(string, ...any) {
	r.skipped = true
	runtime.Goexit()
}
