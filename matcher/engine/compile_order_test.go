package engine

import (
	"reflect"
	"testing"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// A build compiles each post's engine-free part on every core
// (compileAll) and interns in post order; it must compile every post as
// one Upsert after another does, in the same slots with the same ids.
// Only the text vectors differ (an upsert scores with the document
// frequencies of the posts before it).
func TestBuildCompilesAsUpserts(t *testing.T) {
	var posts []matcher.Post
	seen := map[string]bool{}
	for _, p := range genPosts(3, 1500) {
		if !seen[p.ID] {
			seen[p.ID] = true
			posts = append(posts, p)
		}
	}
	// Titles the seniority and subject rules read, so those fields vary.
	posts[0].Title, posts[1].Title = "高级会计师", "财务经理"
	posts[2].Title, posts[2].Occupation = "初中数学教师", "2-08-02-01"
	built := newTestEngine(t, posts, nil)
	upserted := newTestEngine(t, nil, nil)
	for _, p := range posts {
		if err := upserted.Upsert(p); err != nil {
			t.Fatal(err)
		}
	}
	if len(built.slots) != len(posts) || len(upserted.slots) != len(posts) {
		t.Fatalf("%d and %d slots for %d posts", len(built.slots), len(upserted.slots), len(posts))
	}
	var senior, subjects int
	for i := range posts {
		a, b := built.slots[i], upserted.slots[i]
		if a.Post.ID != posts[i].ID || b.Post.ID != posts[i].ID {
			t.Fatalf("slot %d holds %s and %s, want %s", i, a.Post.ID, b.Post.ID, posts[i].ID)
		}
		if !reflect.DeepEqual(a.postHot, b.postHot) || !reflect.DeepEqual(a.PostRestrictions, b.PostRestrictions) ||
			!reflect.DeepEqual(a.needs, b.needs) || !reflect.DeepEqual(a.isCert, b.isCert) || a.licMask != b.licMask ||
			a.kind != b.kind || a.channel != b.channel {
			t.Fatalf("post %s compiles differently in a build than by Upsert:\n%+v\n%+v", posts[i].ID, a.postHot, b.postHot)
		}
		if !reflect.DeepEqual(built.hot[i], a.postHot) || built.restr[i] != &a.PostRestrictions {
			t.Fatalf("post %s: the build's hot array or restrictions disagree with its slot", posts[i].ID)
		}
		if a.senior {
			senior++
		}
		if a.subjects != 0 {
			subjects++
		}
	}
	if senior == 0 || subjects == 0 {
		t.Fatalf("%d senior titles and %d subject teachers' posts: the comparison did not cover those fields", senior, subjects)
	}
}
