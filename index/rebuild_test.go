package index

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store/bolt"
	"github.com/urumqi-hrss/jobmatch/store/storetest"
)

// rebuildQueries cover text, filters, facets and paging.
var rebuildQueries = []Query{
	{Text: "会计"}, {Text: "三支一扶"}, {Text: "教师资格证 汉语言文学"}, {Text: "仓库管理员", Limit: 5, Offset: 3},
	{District: "天山区"}, {Channel: matcher.ChannelSME}, {Degree: matcher.DegreeAssociate}, {},
	{Text: "电工", Type: TypeCourse}, {Type: TypeCourse},
}

func snapshot(t *testing.T, ix *Index) []*Result {
	t.Helper()
	var out []*Result
	for _, q := range rebuildQueries {
		out = append(out, search(t, ix, q))
	}
	return out
}

// eachPostHook is the real bolt store with a hook run when a rebuild starts
// reading it, to make a write land in the middle of the rebuild.
type eachPostHook struct {
	*bolt.Store
	once sync.Once
	hook func()
}

func (s *eachPostHook) EachPost(ctx context.Context, f matcher.PostFilter, fn func(*matcher.Post) error) error {
	s.once.Do(s.hook)
	return s.Store.EachPost(ctx, f, fn)
}

func TestRebuildMatchesIncremental(t *testing.T) {
	ctx := context.Background()
	st, err := bolt.Open(filepath.Join(t.TempDir(), "store.db"), storetest.Keys())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ix, dir := openTemp(t)

	// The incremental history: posts arrive in chunks, some are edited,
	// filled, expired or withdrawn, every change goes to the store first
	// and then to the index, as ingest does.
	posts := testPosts()
	for i := range 12 {
		posts = append(posts, post("w"+string(rune('a'+i)), "仓库管理员", "物流公司", matcher.ChannelSME, "米东区", 0, "负责仓库管理"))
	}
	expired := post("old", "会计", "某公司", matcher.ChannelSME, "天山区", 0, "")
	expired.Deadline = testNow.AddDate(0, 0, -3)
	posts = append(posts, expired)
	write := func(ps ...matcher.Post) {
		t.Helper()
		if _, err := st.UpsertPosts(ctx, ps); err != nil {
			t.Fatal(err)
		}
		if err := ix.IndexPostsAt(ps, testNow); err != nil {
			t.Fatal(err)
		}
	}
	write(posts[:10]...)
	write(posts[10:]...)
	edited := posts[0]
	edited.Title, edited.Description = "会计主管", "负责会计团队管理，会计学专业"
	write(edited)
	filled := posts[3]
	filled.Filled = filled.Headcount
	write(filled)
	if err := st.DeletePost(ctx, posts[7].ID); err != nil {
		t.Fatal(err)
	}
	if err := ix.Delete(posts[7].ID); err != nil {
		t.Fatal(err)
	}
	courses := []matcher.Course{
		{ID: "c:1", Source: "c", ExternalID: "1", Title: "电工职业技能培训", Provider: "职业技能培训中心", Category: matcher.CourseSkills, Places: 30},
		{ID: "c:2", Source: "c", ExternalID: "2", Title: "SYB创业培训", Provider: "创业学院", Category: matcher.CourseEntrepreneurship, Places: 40},
	}
	if _, err := st.UpsertCourses(ctx, courses); err != nil {
		t.Fatal(err)
	}
	if err := ix.IndexCourses(courses); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, ix)
	if before[0].Total == 0 || before[7].Total == 0 {
		t.Fatalf("nothing indexed: %+v", before[7])
	}

	// A post ingested while the rebuild reads the store: it is in the
	// store after Rebuild's scan started, so only the journal can carry it.
	late := post("late", "会计助理", "新公司", matcher.ChannelSME, "天山区", 0, "")
	hooked := &eachPostHook{Store: st, hook: func() {
		// searches keep working on the old generation meanwhile
		if r := search(t, ix, Query{Text: "会计"}); r.Total != before[0].Total {
			t.Errorf("search during rebuild: %d hits, want %d", r.Total, before[0].Total)
		}
	}}
	if err := ix.Rebuild(ctx, hooked, testNow); err != nil {
		t.Fatal(err)
	}
	after := snapshot(t, ix)
	for i, q := range rebuildQueries {
		if !sameResults(before[i], after[i]) {
			t.Errorf("%+v:\nincremental %+v\nrebuilt     %+v", q, before[i], after[i])
		}
	}

	// The switch left exactly one generation, named in CURRENT.
	gens, _ := filepath.Glob(filepath.Join(dir, "gen-*"))
	cur, _ := os.ReadFile(filepath.Join(dir, currentFile))
	if len(gens) != 1 || filepath.Base(gens[0])+"\n" != string(cur) || filepath.Base(gens[0]) != generationName(2) {
		t.Errorf("generations %v, CURRENT %q", gens, cur)
	}

	// A write during a rebuild is replayed onto the new generation.
	hooked = &eachPostHook{Store: st, hook: func() {
		if err := ix.IndexPostsAt([]matcher.Post{late}, testNow); err != nil {
			t.Error(err)
		}
	}}
	if err := ix.Rebuild(ctx, hooked, testNow); err != nil {
		t.Fatal(err)
	}
	if got := ids(search(t, ix, Query{Text: "会计助理"})); !slices.Contains(got, late.ID) {
		t.Errorf("post written during the rebuild is missing: %v", got)
	}

	// The rebuilt index survives a reopen.
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	ix2, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix2.Close()
	if n, _ := ix2.DocCount(); n != before[7].Total+1+2 {
		t.Errorf("reopened: %d docs, want %d", n, before[7].Total+3)
	}
}

func TestRebuildCancelledKeepsOldIndex(t *testing.T) {
	st, err := bolt.Open(filepath.Join(t.TempDir(), "store.db"), storetest.Keys())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ix, dir := openTemp(t)
	ps := testPosts()
	if _, err := st.UpsertPosts(context.Background(), ps); err != nil {
		t.Fatal(err)
	}
	if err := ix.IndexPostsAt(ps, testNow); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := ix.Rebuild(ctx, st, testNow); err == nil {
		t.Fatal("cancelled rebuild succeeded")
	}
	if got := ids(search(t, ix, Query{})); len(got) != len(ps) {
		t.Errorf("after a failed rebuild: %v", got)
	}
	gens, _ := filepath.Glob(filepath.Join(dir, "gen-*"))
	if len(gens) != 1 {
		t.Errorf("failed rebuild left %v", gens)
	}
}
