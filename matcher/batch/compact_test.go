package batch

import (
	"slices"
	"testing"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// TestCompactResult: a shard's exposure and districts' posts, written as
// table indexes in gaps, read back to the same counts and IDs; an index
// outside the table is an error, not a panic or a wrong count.
func TestCompactResult(t *testing.T) {
	counts := []int{0, 3, 0, 0, 1, 7, 0, 2}
	pairs := gapPairs(counts)
	if !slices.Equal(pairs, []int{1, 3, 3, 1, 1, 7, 2, 2}) {
		t.Fatalf("pairs %v", pairs)
	}
	back := make([]int, len(counts))
	if err := addGapPairs(back, pairs); err != nil || !slices.Equal(back, counts) {
		t.Fatalf("read back %v (%v); want %v", back, err, counts)
	}
	for _, bad := range [][]int{{1}, {8, 1}, {1, 1, 0, 1}, {-1, 1}} {
		if err := addGapPairs(make([]int, len(counts)), bad); err == nil {
			t.Errorf("pairs %v: no error", bad)
		}
	}

	r := &runner{posts: map[string]int32{}}
	for i, id := range []string{"a:1", "a:2", "b:1", "c:9"} {
		r.table = append(r.table, &matcher.Post{ID: id})
		r.posts[id] = int32(i)
	}
	c := newListCounts("")
	c.Districts["天山区"] = &districtCount{Graduates: 2, Posts: postSet{"c:9": {}, "a:1": {}, "b:1": {}}}
	c.Districts["未登记"] = &districtCount{Graduates: 1, Posts: postSet{"a:2": {}, "gone:1": {}}}
	r.compactCounts(c)
	if d := c.Districts["天山区"]; !slices.Equal(d.PostIx, []int{0, 2, 1}) || d.Posts != nil {
		t.Fatalf("天山区 compacted to %v, %v", d.PostIx, d.Posts)
	}
	if d := c.Districts["未登记"]; !slices.Equal(d.PostIx, []int{1}) || len(d.Posts) != 1 {
		t.Fatalf("未登记 compacted to %v, %v (a post not in the table keeps its ID)", d.PostIx, d.Posts)
	}
	if err := r.expandCounts(c); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string][]string{"天山区": {"a:1", "b:1", "c:9"}, "未登记": {"a:2", "gone:1"}} {
		var got []string
		for id := range c.Districts[k].Posts {
			got = append(got, id)
		}
		if slices.Sort(got); !slices.Equal(got, want) {
			t.Fatalf("%s expanded to %v; want %v", k, got, want)
		}
	}
	c.Districts["天山区"].PostIx = []int{2, 5}
	if err := r.expandCounts(c); err == nil {
		t.Fatal("a post index past the table: no error")
	}
}
