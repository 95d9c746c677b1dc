package storetest

import (
	"reflect"
	"testing"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// testPlanBatches: PostsAndCourses and ShortlistEditsOf read what Post,
// Course and ShortlistEdits read one at a time, for many IDs at once; an
// ID that is missing, invalid or asked twice is no error.
func testPlanBatches(t *testing.T, s matcher.FullStore) {
	_, err := s.UpsertPosts(ctx, []matcher.Post{Post("a", 1), Post("a", 2)})
	must(t, err)
	c := matcher.Course{Source: "hrss", ExternalID: "C1", Title: "电子商务师培训", Provider: "乌鲁木齐职业技能培训中心",
		Category: matcher.CourseSkills, District: "新市区", StartDate: day("2026-08-01"), DurationDays: 30, Places: 40}
	_, err = s.UpsertCourses(ctx, []matcher.Course{c})
	must(t, err)
	p1, p2 := Post("a", 1).ID, Post("a", 2).ID
	posts, courses, err := s.PostsAndCourses(ctx, []string{p1, "hrss:C1", p2, "a:none", "", p1, "bad\x00id"})
	must(t, err)
	if len(posts) != 2 || len(courses) != 1 {
		t.Fatalf("posts %v, courses %v", keys(posts), keys(courses))
	}
	for id, p := range posts {
		one, err := s.Post(ctx, id)
		must(t, err)
		sameJSON(t, "post "+id, p, one)
	}
	one, err := s.Course(ctx, "hrss:C1")
	must(t, err)
	sameJSON(t, "course", courses["hrss:C1"], one)

	_, err = s.UpsertGraduates(ctx, []matcher.Graduate{Graduate(1), Graduate(2), Graduate(3)})
	must(t, err)
	g1, g2 := Graduate(1).ID, Graduate(2).ID
	must(t, s.EditShortlist(ctx, matcher.ShortlistEdit{GraduateID: g1, PostID: p1, Action: "pin", KeyID: "k"}))
	must(t, s.EditShortlist(ctx, matcher.ShortlistEdit{GraduateID: g2, PostID: p2, Action: "remove", KeyID: "k", Note: "不感兴趣"}))
	must(t, s.EditShortlist(ctx, matcher.ShortlistEdit{GraduateID: g1, PostID: "hrss:C1", Action: "add", KeyID: "k", Note: "备注"}))
	edits, err := s.ShortlistEditsOf(ctx, []string{g1, g2, Graduate(3).ID, "G-none"})
	must(t, err)
	if len(edits) != 2 {
		t.Fatalf("edits of %v, want of %s and %s", keys(edits), g1, g2)
	}
	for _, id := range []string{g1, g2} {
		one, err := s.ShortlistEdits(ctx, id)
		must(t, err)
		if !reflect.DeepEqual(edits[id], one) {
			t.Errorf("edits of %s: %+v, one at a time %+v", id, edits[id], one)
		}
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
