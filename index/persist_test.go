package index

import (
	"testing"
	"time"
)

// TestIndexPostsUnpersisted: posts written unpersisted are searchable when
// the write returns, and after Persist an index closed and opened again
// holds them all, as after IndexPosts.
func TestIndexPostsUnpersisted(t *testing.T) {
	dir := t.TempDir()
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	ix.Now = func() time.Time { return testNow }
	posts := benchPosts(1200) // more than 2·minSplit: the write goes in two halves
	for i := range posts {
		posts[i].Deadline = testNow.AddDate(0, 1, 0)
	}
	for start := 0; start < len(posts); start += 600 {
		if err := ix.IndexPostsUnpersisted(posts[start : start+600]); err != nil {
			t.Fatal(err)
		}
		if n, err := ix.DocCount(); err != nil || n != uint64(start+600) {
			t.Fatalf("after an unpersisted write of posts up to %d: %d documents (%v)", start+600, n, err)
		}
	}
	if err := ix.Persist(); err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	if err := ix.Persist(); err == nil {
		t.Error("Persist on a closed index: no error")
	}
	ix, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if n, err := ix.DocCount(); err != nil || n != uint64(len(posts)) {
		t.Fatalf("reopened after Persist: %d documents (%v), want %d", n, err, len(posts))
	}
}
