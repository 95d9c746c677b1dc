package index

import (
	"fmt"
	"testing"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// splitPosts is n posts with distinct IDs, varied enough that the two
// halves of a split write hold different terms.
func splitPosts(n int) []matcher.Post {
	base := testPosts()
	out := make([]matcher.Post, n)
	for i := range out {
		p := base[i%len(base)]
		p.ID = fmt.Sprintf("t:s%04d", i)
		p.ExternalID = fmt.Sprintf("s%04d", i)
		if i%3 == 0 {
			p.Deadline = testNow.AddDate(0, 0, -1) // not searchable: deleted, not indexed
		}
		out[i] = p
	}
	return out
}

// A write large enough to go in two halves at once (indexPosts) gives the
// index one write in order gives: the same documents, the same hits, the
// same scores.
func TestSplitWriteMatchesInOrder(t *testing.T) {
	posts := splitPosts(2*minSplit + 37)
	if !distinctIDs(posts) {
		t.Fatal("test posts repeat an ID")
	}
	split, _ := openTemp(t)
	if err := split.IndexPostsAt(posts, testNow); err != nil {
		t.Fatal(err)
	}
	inOrder, _ := openTemp(t)
	inOrder.mu.RLock()
	err := indexPostsInOrder(inOrder.bi, inOrder.opts.BatchSize, posts, testNow, true)
	inOrder.mu.RUnlock()
	if err != nil {
		t.Fatal(err)
	}
	n1, _ := split.DocCount()
	n2, _ := inOrder.DocCount()
	want := uint64(len(posts) - (len(posts)+2)/3)
	if n1 != want || n2 != want {
		t.Fatalf("documents: split write %d, in order %d, want %d", n1, n2, want)
	}
	for _, q := range []Query{{Text: "会计"}, {Text: "教师 汉语言文学"}, {District: "天山区", Limit: MaxLimit}, {Limit: MaxLimit}} {
		a, b := search(t, split, q), search(t, inOrder, q)
		if !sameResults(a, b) {
			t.Errorf("%+v: split write %d hits %+v, in order %d hits %+v", q, a.Total, a.Hits[:min(3, len(a.Hits))], b.Total, b.Hits[:min(3, len(b.Hits))])
		}
	}
}

// A write that names an ID twice is not split: its later version wins, as
// in a write in order.
func TestRepeatedIDWriteStaysInOrder(t *testing.T) {
	posts := splitPosts(2*minSplit + 2)
	for i := range posts {
		posts[i].Deadline = testNow.AddDate(0, 1, 0)
	}
	last := len(posts) - 1
	posts[last] = posts[0] // the first half's first post again, edited, in the second half
	posts[last].Title = "锅炉操作工"
	if distinctIDs(posts) {
		t.Fatal("the test write should repeat an ID")
	}
	ix, _ := openTemp(t)
	if err := ix.IndexPostsAt(posts, testNow); err != nil {
		t.Fatal(err)
	}
	r := search(t, ix, Query{Text: "锅炉操作工"})
	if r.Total != 1 || r.Hits[0].ID != posts[0].ID || r.Hits[0].Title != "锅炉操作工" {
		t.Fatalf("search for the later version: %d hits %+v, want %s titled 锅炉操作工", r.Total, r.Hits, posts[0].ID)
	}
	if n, _ := ix.DocCount(); n != uint64(len(posts)-1) {
		t.Errorf("documents %d, want %d", n, len(posts)-1)
	}
}
