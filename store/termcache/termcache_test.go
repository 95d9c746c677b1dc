package termcache

import (
	"maps"
	"os"
	"path/filepath"
	"testing"
)

func TestSaveOpenRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "terms.cache")
	c, err := Open(path, "gse-1")
	if err != nil {
		t.Fatalf("open a missing file: %v", err)
	}
	if _, ok := c.Terms("a"); ok {
		t.Fatal("an empty cache answered")
	}
	a := map[string]float64{"会计": 3, "财务": 1}
	b := map[string]float64{"java": 2, "会计": 1}
	c.Put("a", a)
	c.Put("b", b)
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}

	c, err = Open(path, "gse-1")
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]map[string]float64{"a": a, "b": b} {
		got, ok := c.Terms(k)
		if !ok || !maps.Equal(got, want) {
			t.Errorf("Terms(%q) = %v, %v; want %v", k, got, ok, want)
		}
	}
	if used, cut := c.Len(); used != 2 || cut != 0 {
		t.Errorf("Len = %d used, %d cut; want 2, 0", used, cut)
	}

	// Only what a build used is saved: a post gone is dropped.
	c, _ = Open(path, "gse-1")
	c.Terms("b")
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	c, _ = Open(path, "gse-1")
	if _, ok := c.Terms("a"); ok {
		t.Error("an entry no build used was kept")
	}
	if got, ok := c.Terms("b"); !ok || !maps.Equal(got, b) {
		t.Errorf("Terms(b) = %v, %v after a save; want %v", got, ok, b)
	}
}

func TestAnotherAnalyzersFileIsIgnored(t *testing.T) {
	path := filepath.Join(t.TempDir(), "terms.cache")
	c, _ := Open(path, "gse-1")
	c.Put("a", map[string]float64{"会计": 3})
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	c, err := Open(path, "gse-2")
	if err != nil {
		t.Fatalf("another analyzer's file: %v, want it ignored quietly", err)
	}
	if _, ok := c.Terms("a"); ok {
		t.Error("counts cut by another analyzer were used")
	}
}

func TestDamagedFileIsIgnored(t *testing.T) {
	path := filepath.Join(t.TempDir(), "terms.cache")
	c, _ := Open(path, "gse-1")
	c.Put("a", map[string]float64{"会计": 3})
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range [][]byte{b[:len(b)/2], []byte("not a cache")} {
		if err := os.WriteFile(path, bad, 0o600); err != nil {
			t.Fatal(err)
		}
		c, err := Open(path, "gse-1")
		if err == nil {
			t.Errorf("a damaged file (%d bytes) opened without an error", len(bad))
		}
		if _, ok := c.Terms("a"); ok {
			t.Error("a damaged file's counts were used")
		}
		// The build goes on and its save replaces the file.
		c.Put("a", map[string]float64{"会计": 3})
		if err := c.Save(); err != nil {
			t.Fatal(err)
		}
		if c, err = Open(path, "gse-1"); err != nil {
			t.Fatalf("after a save over a damaged file: %v", err)
		}
		if _, ok := c.Terms("a"); !ok {
			t.Error("the file saved over a damaged one lost its counts")
		}
	}
}

// FuzzOpen: no file content makes Open panic, and whatever it reads is
// safe to look up.
func FuzzOpen(f *testing.F) {
	dir := f.TempDir()
	path := filepath.Join(dir, "seed.cache")
	c, _ := Open(path, "gse-1")
	c.Put("a", map[string]float64{"会计": 3, "财务": 1})
	if err := c.Save(); err != nil {
		f.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(t.TempDir(), "terms.cache")
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		c, _ := Open(p, "gse-1")
		c.Terms("a")
		c.Terms("")
	})
}
