package occupation

import (
	"reflect"
	"testing"
)

// A title read through the cache reads as it does without it, the first
// time and the next, and a caller writing into a Match it was given does
// not change what the next caller gets.
func TestTitleCacheReadsAsReadTitle(t *testing.T) {
	c := Default()
	for _, tt := range titleCases {
		want := c.readTitle(tt.title)
		for i := range 2 {
			got := c.readTitleKept(tt.title)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%q, call %d: kept reading %+v, readTitle %+v", tt.title, i, got, want)
			}
			for j := range got.match.Evidence {
				got.match.Evidence[j] = "changed"
			}
		}
	}
	fresh, err := New(curatedTable+schoolTeacherTable(), c.cut)
	if err != nil {
		t.Fatal(err)
	}
	fresh.titles = nil // no cache: readTitle every time
	for _, tt := range titleCases[:3] {
		for _, desc := range []string{"", "负责仓库货物的收发与盘点，熟练使用叉车。"} {
			m1, ok1 := c.ClassifyPost(tt.title, desc)
			m2, ok2 := fresh.ClassifyPost(tt.title, desc)
			if ok1 != ok2 || !reflect.DeepEqual(m1, m2) {
				t.Errorf("ClassifyPost(%q, %q) = %+v %v, without the cache %+v %v", tt.title, desc, m1, ok1, m2, ok2)
			}
		}
	}
}
