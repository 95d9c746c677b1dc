package ingest

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store/bolt"
)

// recordingIndex is a PostIndexer that remembers what it was handed, so
// the tests can check that every written chunk reaches the index.
type recordingIndex struct {
	posts   map[string]matcher.Post
	courses int
}

func (ix *recordingIndex) IndexPosts(ps []matcher.Post) error {
	for _, p := range ps {
		ix.posts[p.ID] = p
	}
	return nil
}
func (ix *recordingIndex) IndexCourses(cs []matcher.Course) error { ix.courses += len(cs); return nil }

func newImporter(t *testing.T) (*Importer, *bolt.Store, *recordingIndex) {
	t.Helper()
	st, err := bolt.Open(filepath.Join(t.TempDir(), "store.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ix := &recordingIndex{posts: map[string]matcher.Post{}}
	return &Importer{Store: st, Index: ix, ChunkSize: 2}, st, ix
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const postsCSV = `source,external_id,title,employer,district,salary,description
boss,1,会计,新疆天山会计服务有限公司,天山区,4000-6000元/月,负责日常账务处理，编制财务报表，办理纳税申报，熟悉用友财务软件
boss,2,Java开发工程师,乌鲁木齐云端科技有限公司,新市区,8k-12k,负责后端服务开发与维护，熟悉Spring Boot和MySQL数据库
boss,3,出纳,新疆天山会计服务有限公司,天山区,abc,负责现金收付
boss,4,,没有职位名称的公司,米东区,面议,
boss,5,仓库管理员,米东物流有限公司,米东区,3500元/月,负责货物出入库登记与盘点
`

func TestImportIdempotentAndUpdate(t *testing.T) {
	ctx := context.Background()
	im, st, ix := newImporter(t)
	dir := t.TempDir()
	f := writeFile(t, dir, "posts.csv", postsCSV)

	rep, err := im.Import(ctx, EntityPosts, []string{f})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Accepted != 3 || rep.Rejected != 2 || rep.Updated != 0 || rep.Unchanged != 0 {
		t.Fatalf("first import: %s (%+v)", Summary(rep), rep.Errors)
	}
	if len(ix.posts) != 3 {
		t.Errorf("index got %d posts, want 3", len(ix.posts))
	}
	// Partial rejection keeps the good rows and says why for the bad ones.
	lines := map[int]string{}
	for _, e := range rep.Errors {
		lines[e.Line] = e.Column
		if e.File != f || e.Reason == "" {
			t.Errorf("row error without file or reason: %+v", e)
		}
	}
	if lines[4] != "salary" || lines[5] != "title" {
		t.Errorf("row errors = %+v", rep.Errors)
	}
	if _, err := st.Post(ctx, "boss:5"); err != nil {
		t.Errorf("good row after bad rows lost: %v", err)
	}

	// Same file again: nothing changes.
	rep, err = im.Import(ctx, EntityPosts, []string{f})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Unchanged != 3 || rep.Accepted != 0 || rep.Updated != 0 || rep.Rejected != 2 {
		t.Fatalf("second import: %s", Summary(rep))
	}

	// A re-export with an edited post updates it in place.
	edited := strings.Replace(postsCSV, "8k-12k", "10k-15k", 1)
	f2 := writeFile(t, dir, "posts-v2.csv", edited)
	rep, err = im.Import(ctx, EntityPosts, []string{f2})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Updated != 1 || rep.Unchanged != 2 || rep.Accepted != 0 {
		t.Fatalf("edited import: %s", Summary(rep))
	}
	p, err := st.Post(ctx, "boss:2")
	if err != nil || p.Salary.Min != 10000 {
		t.Fatalf("post not updated in place: %+v %v", p, err)
	}
	n := 0
	if err := st.EachPost(ctx, matcher.PostFilter{}, func(*matcher.Post) error { n++; return nil }); err != nil || n != 3 {
		t.Errorf("store holds %d posts, want 3 (%v)", n, err)
	}
	if !strings.Contains(Summary(rep), "updated 1") {
		t.Errorf("summary = %q", Summary(rep))
	}
}

func TestImportNearDuplicate(t *testing.T) {
	ctx := context.Background()
	im, st, ix := newImporter(t)
	dir := t.TempDir()
	a := writeFile(t, dir, "a.csv", postsCSV)
	// The same Java post on another portal: legal-form suffix dropped,
	// punctuation changed, one word added.
	b := writeFile(t, dir, "b.csv", `source,external_id,title,employer,district,salary,description
liepin,L9,Java开发工程师,乌鲁木齐云端科技,新市区,8-12K,负责后端服务开发与维护，熟悉Spring Boot和MySQL数据库。
liepin,L10,Java开发工程师,另一家科技有限公司,新市区,8-12K,负责后端服务开发与维护，熟悉Spring Boot和MySQL数据库
liepin,L11,会计,新疆天山会计服务有限公司,天山区,面议,负责招聘与培训工作，组织员工活动
`)
	if _, err := im.Import(ctx, EntityPosts, []string{a}); err != nil {
		t.Fatal(err)
	}
	rep, err := im.Import(ctx, EntityPosts, []string{b})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Duplicate != 1 || rep.Accepted != 2 {
		t.Fatalf("import b: %s", Summary(rep))
	}
	dup, err := st.Post(ctx, "liepin:L9")
	if err != nil || dup.DuplicateOf != "boss:2" {
		t.Fatalf("L9 should link to boss:2: %+v %v", dup, err)
	}
	if dup.Searchable(time.Now()) {
		t.Error("a duplicate must not be searchable")
	}
	if got := ix.posts["liepin:L9"]; got.DuplicateOf == "" {
		t.Error("index was not told the post is a duplicate")
	}
	for _, id := range []string{"liepin:L10", "liepin:L11"} {
		if p, err := st.Post(ctx, id); err != nil || p.DuplicateOf != "" {
			t.Errorf("%s wrongly linked: %+v %v", id, p, err)
		}
	}
	// Importing b again is idempotent: the link is found again, unchanged.
	rep, err = im.Import(ctx, EntityPosts, []string{b})
	if err != nil || rep.Unchanged != 3 || rep.Duplicate != 0 {
		t.Fatalf("re-import b: %s %v", Summary(rep), err)
	}
}

func TestImportRefusedFileWritesNothing(t *testing.T) {
	ctx := context.Background()
	im, st, _ := newImporter(t)
	dir := t.TempDir()
	good := writeFile(t, dir, "good.csv", postsCSV)
	// Valid rows first, then an unterminated quote: none of it may land.
	bad := writeFile(t, dir, "bad.csv", "source,external_id,title,employer\nx,1,会计,某公司\nx,2,出纳,\"某公司\nx,3,司机,某公司\n")
	rep, err := im.Import(ctx, EntityPosts, []string{bad, good})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Accepted != 3 {
		t.Errorf("good file after a refused one: %s", Summary(rep))
	}
	var refusal *matcher.RowError
	for i, e := range rep.Errors {
		if e.File == bad {
			refusal = &rep.Errors[i]
		}
	}
	if refusal == nil || refusal.Line != 0 || !strings.Contains(refusal.Reason, "引号") {
		t.Fatalf("refusal = %+v", refusal)
	}
	if _, err := st.Post(ctx, "x:1"); matcher.ErrorCode(err) != matcher.ENOTFOUND {
		t.Errorf("row of a refused file was written: %v", err)
	}
}

func TestImportGraduatesAndCourses(t *testing.T) {
	ctx := context.Background()
	im, st, ix := newImporter(t)
	dir := t.TempDir()
	id := validID("65010220020517123")
	grads := writeFile(t, dir, "ledger.csv", "姓名,身份证号,手机号,学历,毕业院校,所学专业,困难类别\n张三,"+id+",13800138000,本科,新疆大学,会计学,低保\n李四,650102200205171230,12345,本科,新疆大学,会计学,\n")
	rep, err := im.Import(ctx, EntityGraduates, []string{grads})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Accepted != 1 || rep.Rejected != 1 {
		t.Fatalf("graduates: %s %+v", Summary(rep), rep.Errors)
	}
	for _, e := range rep.Errors {
		if e.Value != "" && personalColumns[e.Column] {
			t.Errorf("personal value in report: %+v", e)
		}
	}
	var buf bytes.Buffer
	if err := WriteErrorsCSV(&buf, rep.Errors); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "650102200205171230") || strings.Contains(buf.String(), "12345") {
		t.Errorf("errors CSV leaks personal data:\n%s", buf.String())
	}
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(buf.Bytes(), []byte{0xEF, 0xBB, 0xBF}))).ReadAll()
	if err != nil || len(recs) != 1+len(rep.Errors) || strings.Join(recs[0], ",") != strings.Join(ErrorsCSVHeader, ",") || recs[1][2] != "3" {
		t.Errorf("errors CSV = %v %v", recs, err)
	}
	n := 0
	_ = st.EachGraduate(ctx, matcher.GraduateFilter{}, func(g *matcher.Graduate) error {
		n++
		if g.NationalID != id || len(g.Hardship) != 1 {
			t.Errorf("graduate = %+v", g)
		}
		return nil
	})
	if n != 1 {
		t.Errorf("store holds %d graduates", n)
	}

	courses := writeFile(t, dir, "courses.jsonl", `{"title":"电工培训","provider":"乌鲁木齐市职业技能培训中心","category":"skills","places":30}
{"title":"SYB创业培训","provider":"新市区就业服务中心","category":"创业","places":"20"}
`)
	rep, err = im.Import(ctx, EntityCourses, []string{courses})
	if err != nil || rep.Accepted != 2 || ix.courses != 2 {
		t.Fatalf("courses: %s %v", Summary(rep), err)
	}
}

func TestImportBadArguments(t *testing.T) {
	im, _, _ := newImporter(t)
	if _, err := im.Import(context.Background(), "jobs", nil); err == nil {
		t.Error("unknown entity accepted")
	}
	m, _ := ParseMapping([]byte(`{"columns":{"Pay":"wage"}}`))
	im.Map = m
	if _, err := im.Import(context.Background(), EntityPosts, nil); err == nil || !strings.Contains(err.Error(), "wage") {
		t.Errorf("mapping to an unknown column accepted: %v", err)
	}
}

func TestImportProgressAndSummary(t *testing.T) {
	im, _, _ := newImporter(t)
	var progress bytes.Buffer
	im.Progress = &progress
	f := writeFile(t, t.TempDir(), "posts.csv", postsCSV)
	rep, err := im.Import(context.Background(), EntityPosts, []string{f})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(progress.String(), "5/5") {
		t.Errorf("progress output = %q", progress.String())
	}
	s := Summary(rep)
	if !strings.HasPrefix(s, "accepted 3, updated 0, unchanged 0, duplicate 0, rejected 2 — ") || !strings.HasSuffix(s, " rows/s") {
		t.Errorf("summary = %q", s)
	}
}

// TestSamples imports every sample file in docs/samples: they document the
// canonical formats, so each must be accepted whole.
func TestSamples(t *testing.T) {
	root := repoRoot(t)
	cases := []struct {
		entity string
		files  []string
		rows   int
	}{
		{EntityPosts, []string{"posts.csv", "posts-gbk.csv"}, 7},
		{EntityCourses, []string{"courses.jsonl"}, 5},
		{EntityGraduates, []string{"graduates.csv"}, 5},
	}
	for _, c := range cases {
		t.Run(c.entity, func(t *testing.T) {
			im, _, _ := newImporter(t)
			var paths []string
			for _, f := range c.files {
				paths = append(paths, filepath.Join(root, "docs", "samples", f))
			}
			rep, err := im.Import(context.Background(), c.entity, paths)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Accepted != c.rows || rep.Rejected != 0 || len(rep.Warnings) != 0 {
				t.Fatalf("%s: %s errors=%+v warnings=%v", c.entity, Summary(rep), rep.Errors, rep.Warnings)
			}
		})
	}
}
