package bolt

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store/storetest"
)

func openTemp(t *testing.T) matcher.FullStore {
	s, err := Open(filepath.Join(t.TempDir(), "jobmatch.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestContract(t *testing.T) { storetest.Run(t, openTemp) }

func TestReopenKeepsData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "d", "jobmatch.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	p := storetest.Post("a", 1)
	if _, err := s.UpsertPosts(context.Background(), []matcher.Post{p}); err != nil {
		t.Fatal(err)
	}
	seq, _ := s.PostSeq(context.Background())
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	out, err := s.UpsertPosts(context.Background(), []matcher.Post{p})
	if err != nil || out[0] != matcher.Unchanged {
		t.Fatalf("after reopen: %v %v", out, err)
	}
	if seq2, _ := s.PostSeq(context.Background()); seq2 != seq || seq == 0 {
		t.Fatalf("sequence %d after reopen, was %d", seq2, seq)
	}
}

func TestSecondOpenIsRefused(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for the lock timeout")
	}
	path := filepath.Join(t.TempDir(), "jobmatch.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// bbolt's flock is per open file description, so a second Open in the
	// same process contends like a second process would.
	_, err = Open(path)
	if err == nil || !strings.Contains(err.Error(), "single-process") {
		t.Fatalf("second open: %v", err)
	}
}
