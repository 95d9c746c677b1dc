package engine

import (
	"fmt"
	"math"
	"testing"
)

// courseTextScores gives every course sparseDot's value to the bit, also
// after courses were replaced (their old postings gone) and added.
func TestCourseTextScoresAreSparseDot(t *testing.T) {
	posts := genPosts(5, 1500)
	courses := genCourses(6, 120)
	e := newTestEngine(t, posts, courses)
	for i, c := range genCourses(8, 60) {
		// Even ones replace a course of the same ID (other skills and
		// title), odd ones are new.
		if i%2 == 1 {
			c.ID = fmt.Sprintf("new:%d", i)
		}
		if err := e.UpsertCourse(c); err != nil {
			t.Fatal(err)
		}
	}
	if len(e.courses) != len(courses)+30 {
		t.Fatalf("%d courses, want %d", len(e.courses), len(courses)+30)
	}
	nonzero := 0
	for _, g := range genGraduates(9, 400) {
		gc := e.compileGraduate(&g, testNow, false)
		accp := e.courseTextScores(gc.eng)
		for _, cr := range e.courses {
			want := sparseDot(gc.eng.qIDs, gc.eng.qW, cr.terms, cr.tw)
			if got := (*accp)[cr.idx]; math.Float64bits(got) != math.Float64bits(want) {
				t.Fatalf("graduate %s, course %s: %v, sparseDot %v", g.ID, cr.c.ID, got, want)
			}
			if want != 0 {
				nonzero++
			}
		}
		putCourseText(accp)
	}
	if nonzero < 1000 {
		t.Fatalf("only %d course texts matched a profile", nonzero)
	}
}
