package ingest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/urumqi-hrss/jobmatch/index"
	"github.com/urumqi-hrss/jobmatch/ingest/convert"
	"github.com/urumqi-hrss/jobmatch/ingest/synth"
	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store/bolt"
	"github.com/urumqi-hrss/jobmatch/store/postgres/pgtest"
	"github.com/urumqi-hrss/jobmatch/store/storetest"
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
	st, err := bolt.Open(filepath.Join(t.TempDir(), "store.db"), storetest.Keys())
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
	id := "65010220020517123" + string(matcher.NationalIDCheckDigit("65010220020517123"))
	grads := writeFile(t, dir, "ledger.csv", "姓名,身份证号,手机号,学历,毕业院校,所学专业,困难类别\n张三,"+id+",13800138000,本科,新疆大学,会计学,低保\n李四,650102200205171230,12345,本科,新疆大学,会计学,\n")
	rep, err := im.Import(ctx, EntityGraduates, []string{grads})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Accepted != 1 || rep.Rejected != 1 {
		t.Fatalf("graduates: %s %+v", Summary(rep), rep.Errors)
	}
	for _, e := range rep.Errors {
		if e.Value != "" && convert.Personal(e.Column) {
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
	var calls [][2]int
	im.Progress = func(done, total int) { calls = append(calls, [2]int{done, total}) }
	f := writeFile(t, t.TempDir(), "posts.csv", postsCSV)
	rep, err := im.Import(context.Background(), EntityPosts, []string{f})
	if err != nil {
		t.Fatal(err)
	}
	// The file's 5 rows become known, then are done in chunks of 2.
	want := [][2]int{{0, 5}, {2, 5}, {4, 5}, {5, 5}}
	if !slices.Equal(calls, want) {
		t.Errorf("progress calls = %v, want %v", calls, want)
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
			// As of a day the sample posts are open: later, the importer
			// warns that they are past their deadline.
			im.Now = func() time.Time { return time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC) }
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

// ---- resumable imports ----

// importBackend opens a fresh real store of one kind.
type importBackend struct {
	name string
	open func(t *testing.T) matcher.FullStore
}

var importBackends = []importBackend{
	{"bolt", func(t *testing.T) matcher.FullStore {
		st, err := bolt.Open(filepath.Join(t.TempDir(), "store.db"), storetest.Keys())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}},
	{"postgres", func(t *testing.T) matcher.FullStore { return pgtest.Open(t) }},
}

// extraPostsCSV adds what generated data lacks: rejected rows (one with
// several reasons), a row repeated identically and then edited within the
// same file (only the last version is written).
const extraPostsCSV = `source,external_id,title,employer,district,salary,description
extra,1,仓库管理员,米东物流有限公司,米东区,3500元/月,负责货物出入库登记与盘点
extra,2,出纳,某公司,天山区,abc,负责现金收付
extra,3,,某公司,天山区,abc,
extra,1,仓库管理员,米东物流有限公司,米东区,3500元/月,负责货物出入库登记与盘点
extra,1,仓库管理员,米东物流有限公司,米东区,3800元/月,负责货物出入库登记与盘点
`

// resumeInput writes a small generated data set (with near-duplicates
// across portals) plus the extra rows and a refused file, and returns the
// files of each entity in import order.
func resumeInput(t *testing.T) map[string][]string {
	t.Helper()
	dir := t.TempDir()
	o := synth.Options{Seed: 7, Posts: 400, Internships: 40, Courses: 30, Graduates: 300, DuplicateShare: 0.2}
	if err := synth.Generate(dir, o); err != nil {
		t.Fatal(err)
	}
	bad := writeFile(t, dir, "bad.csv", "source,external_id,title,employer\nx,1,会计,某公司\nx,2,出纳,\"某公司\n")
	extra := writeFile(t, dir, "extra.csv", extraPostsCSV)
	return map[string][]string{
		EntityPosts:     {bad, filepath.Join(dir, "posts.csv"), extra},
		EntityCourses:   {filepath.Join(dir, "courses.csv")},
		EntityGraduates: {filepath.Join(dir, "graduates.csv")},
	}
}

var errKilled = errors.New("killed by the test")

// openIndex opens the on-disk index of a test, closed when the test ends.
// It stays open across the runs of an interrupted import, as the index of
// a killed process is never closed either.
func openIndex(t *testing.T) *index.Index {
	t.Helper()
	ix, err := index.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	ix.Now = func() time.Time { return synth.DefaultNow }
	return ix
}

// runImport runs one import into st and ix; hook may interrupt it.
func runImport(t *testing.T, ctx context.Context, st Store, ix *index.Index, entity string, files []string, chunk int, hook func(int) error) (*matcher.ImportReport, error) {
	t.Helper()
	seg, err := index.DefaultSegmenter()
	if err != nil {
		t.Fatal(err)
	}
	im := &Importer{Store: st, Index: ix, Analyzer: seg, ChunkSize: chunk, ChunkHook: hook}
	return im.Import(ctx, entity, files)
}

// storeSnapshot is what an import leaves behind: every record (as JSON,
// without the store's write time) and what the index finds.
type storeSnapshot struct {
	Records map[string]string
	Index   []string
}

func takeSnapshot(t *testing.T, st matcher.FullStore, ix *index.Index) storeSnapshot {
	t.Helper()
	ctx := context.Background()
	s := storeSnapshot{Records: map[string]string{}}
	var err error
	put := func(kind, id string, v any) {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		delete(m, "updated_at")
		b, _ = json.Marshal(m)
		s.Records[kind+" "+id] = string(b)
	}
	err = errors.Join(
		st.EachPost(ctx, matcher.PostFilter{}, func(p *matcher.Post) error { put("post", p.ID, p); return nil }),
		st.EachCourse(ctx, func(c *matcher.Course) error { put("course", c.ID, c); return nil }),
		st.EachGraduate(ctx, matcher.GraduateFilter{}, func(g *matcher.Graduate) error { put("graduate", g.ID, g); return nil }))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []index.Query{{Type: index.TypePost}, {Type: index.TypeCourse}, {Text: "会计"}, {Text: "销售 乌鲁木齐"}} {
		for q.Offset, q.Limit = 0, index.MaxLimit; ; q.Offset += q.Limit {
			res, err := ix.Search(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, h := range res.Hits {
				ids = append(ids, h.ID)
			}
			if q.Text == "" {
				slices.Sort(ids) // match-all: the set, not the ranking
			}
			s.Index = append(s.Index, fmt.Sprintf("%s %q total=%d %v", q.Type, q.Text, res.Total, ids))
			if len(res.Hits) < q.Limit {
				break
			}
		}
	}
	return s
}

func counts(r *matcher.ImportReport) string {
	return fmt.Sprintf("accepted %d, updated %d, unchanged %d, duplicate %d, rejected %d",
		r.Accepted, r.Updated, r.Unchanged, r.Duplicate, r.Rejected)
}

func rowErrors(r *matcher.ImportReport) []string {
	var out []string
	for _, e := range r.Errors {
		out = append(out, fmt.Sprintf("%s:%s:%d:%s:%s", filepath.Base(e.File), e.Sheet, e.Line, e.Column, e.Reason))
	}
	slices.Sort(out)
	return out
}

func diffSnapshots(t *testing.T, what string, got, want storeSnapshot) {
	t.Helper()
	if len(got.Records) != len(want.Records) {
		t.Errorf("%s: %d records, want %d", what, len(got.Records), len(want.Records))
	}
	n := 0
	for k, w := range want.Records {
		if g, ok := got.Records[k]; !ok {
			t.Errorf("%s: %s missing (a gap)", what, k)
			n++
		} else if g != w {
			t.Errorf("%s: %s differs:\n got %s\nwant %s", what, k, g, w)
			n++
		}
		if n > 5 {
			t.Fatalf("%s: too many differences", what)
		}
	}
	if !slices.Equal(got.Index, want.Index) {
		for i := range min(len(got.Index), len(want.Index)) {
			if got.Index[i] != want.Index[i] {
				t.Errorf("%s: index differs:\n got %.300s\nwant %.300s", what, got.Index[i], want.Index[i])
				break
			}
		}
		t.Errorf("%s: index differs (%d vs %d lines)", what, len(got.Index), len(want.Index))
	}
}

// TestImportResume kills imports after some committed chunks — by an error
// between commit and index (the worst moment: the chunk is in the store
// but not in the index) or by cancelling the context — and runs them again,
// on both stores: the result must be the store content, index and report
// counts of an uninterrupted import, with no duplicates and no gaps.
func TestImportResume(t *testing.T) {
	input := resumeInput(t)
	cases := []struct {
		name   string
		entity string
		// kills[i] is the chunk after which run i dies; the last run
		// finishes. chunks[i] is run i's chunk size (it may change between
		// runs: a resumed chunk then straddles the committed row).
		kills  []int
		cancel bool
		chunks []int
		across bool // the resumed run links posts to originals the first run committed
	}{
		{"posts killed once", EntityPosts, []int{3}, false, []int{25, 40}, true},
		{"posts killed twice", EntityPosts, []int{2, 4}, false, []int{25, 60, 25}, true},
		{"posts cancelled", EntityPosts, []int{5}, true, []int{25, 25}, true},
		// Commit 1 is the refused file, commit 2 the first row after it.
		{"posts killed after one row", EntityPosts, []int{2}, false, []int{1, 25}, false},
		{"courses killed", EntityCourses, []int{2}, false, []int{7, 7}, false},
		{"graduates killed", EntityGraduates, []int{4}, false, []int{25, 100}, false},
	}
	for _, be := range importBackends {
		t.Run(be.name, func(t *testing.T) {
			if be.name == "postgres" {
				pgtest.URL(t)
			}
			t.Parallel()
			ctx := context.Background()
			refs := map[string]*matcher.ImportReport{}
			again := map[string]*matcher.ImportReport{} // the same import once more
			snaps := map[string]storeSnapshot{}
			for _, entity := range []string{EntityPosts, EntityCourses, EntityGraduates} {
				st, ix := be.open(t), openIndex(t)
				rep, err := runImport(t, ctx, st, ix, entity, input[entity], 25, nil)
				if err != nil {
					t.Fatal(err)
				}
				refs[entity], snaps[entity] = rep, takeSnapshot(t, st, ix)
				if again[entity], err = runImport(t, ctx, st, ix, entity, input[entity], 50, nil); err != nil {
					t.Fatal(err)
				}
			}
			if r := refs[EntityPosts]; r.Duplicate == 0 || r.Rejected < 3 || r.Accepted < 400 {
				t.Fatalf("reference posts import exercises too little: %s", counts(r))
			}
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					st, ix := be.open(t), openIndex(t)
					var firstRun map[string]bool
					for run, chunk := range c.chunks {
						ctx, cancel := context.WithCancel(context.Background())
						n := 0
						var hook func(int) error
						if run < len(c.kills) {
							hook = func(int) error {
								if n++; n == c.kills[run] {
									if c.cancel {
										cancel()
										return nil
									}
									return errKilled
								}
								return nil
							}
						}
						rep, err := runImport(t, ctx, st, ix, c.entity, input[c.entity], chunk, hook)
						cancel()
						if run < len(c.kills) {
							if err == nil || (c.cancel && !errors.Is(err, context.Canceled)) || (!c.cancel && !errors.Is(err, errKilled)) {
								t.Fatalf("run %d: want the import interrupted, got %v", run, err)
							}
							if !strings.Contains(err.Error(), "继续") {
								t.Errorf("interruption does not say the import can resume: %v", err)
							}
							if run == 0 {
								firstRun = map[string]bool{}
								for k := range takeSnapshot(t, st, ix).Records {
									firstRun[k] = true
								}
								if len(firstRun) == 0 || len(firstRun) >= len(snaps[c.entity].Records) {
									t.Fatalf("first run committed %d of %d records: not interrupted mid-way", len(firstRun), len(snaps[c.entity].Records))
								}
							}
							continue
						}
						if err != nil {
							t.Fatalf("final run: %v", err)
						}
						ref := refs[c.entity]
						if counts(rep) != counts(ref) {
							t.Errorf("resumed report: %s\n          want: %s", counts(rep), counts(ref))
						}
						if got, want := rowErrors(rep), rowErrors(ref); !slices.Equal(got, want) {
							t.Errorf("resumed row errors:\n%v\nwant\n%v", got, want)
						}
						saved, err := st.(matcher.ResumableImportStore).Import(context.Background(), rep.ID)
						if err != nil || counts(saved) != counts(ref) {
							t.Errorf("saved report: %v %v, want %s", saved, err, counts(ref))
						}
					}
					got := takeSnapshot(t, st, ix)
					diffSnapshots(t, "resumed", got, snaps[c.entity])
					if c.across {
						// The resumed run must have linked posts to originals
						// the killed run committed.
						across := 0
						for k, v := range got.Records {
							var p matcher.Post
							_ = json.Unmarshal([]byte(v), &p)
							if !firstRun[k] && p.DuplicateOf != "" && firstRun["post "+p.DuplicateOf] {
								across++
							}
						}
						if across == 0 {
							t.Error("no near-duplicate linked across the resume: the case does not exercise it")
						}
					}
					// Finished: the same input again is a new job and changes nothing.
					rep, err := runImport(t, context.Background(), st, ix, c.entity, input[c.entity], 50, nil)
					if err != nil {
						t.Fatal(err)
					}
					// extra.csv repeats and edits a row within the file: only
					// its last version is written, in every import, so nothing
					// is updated (the two earlier rows count as duplicate).
					if rep.Accepted != 0 || rep.Updated != 0 || counts(rep) != counts(again[c.entity]) {
						t.Errorf("re-import after finishing: %s, want %s", counts(rep), counts(again[c.entity]))
					}
				})
			}
		})
	}
}

// TestImportCountsIndependentOfChunks imports the same inputs in chunks of
// 30 rows and in chunks larger than any file: reports, stored records and
// index agree, including rows rejected for several reasons and
// near-duplicates edited in a later export. (It compared the resumable
// pipeline with the plain one until the two were folded into one.)
func TestImportCountsIndependentOfChunks(t *testing.T) {
	input := resumeInput(t)
	dir := t.TempDir()
	// A later export of the same posts with every near-duplicate's
	// salary edited: updated duplicates.
	b, err := os.ReadFile(input[EntityPosts][1])
	if err != nil {
		t.Fatal(err)
	}
	edited := writeFile(t, dir, "posts-edited.csv", strings.ReplaceAll(string(b), "元/月", "元每月"))
	steps := []struct {
		entity string
		files  []string
	}{
		{EntityPosts, input[EntityPosts]},
		{EntityPosts, []string{edited}},
		{EntityCourses, input[EntityCourses]},
		{EntityGraduates, input[EntityGraduates]},
	}
	type result struct {
		reps []*matcher.ImportReport
		snap storeSnapshot
	}
	run := func(st matcher.FullStore, chunk int) result {
		var res result
		ix := openIndex(t)
		for _, s := range steps {
			rep, err := runImport(t, context.Background(), st, ix, s.entity, s.files, chunk, nil)
			if err != nil {
				t.Fatal(err)
			}
			res.reps = append(res.reps, rep)
		}
		res.snap = takeSnapshot(t, st, ix)
		return res
	}
	whole := run(importBackends[0].open(t), 1<<20)
	chunked := run(importBackends[0].open(t), 30)
	multi := false
	for i := range steps {
		if counts(chunked.reps[i]) != counts(whole.reps[i]) {
			t.Errorf("step %d: chunked %s\n            whole %s", i, counts(chunked.reps[i]), counts(whole.reps[i]))
		}
		if got, want := rowErrors(chunked.reps[i]), rowErrors(whole.reps[i]); !slices.Equal(got, want) {
			t.Errorf("step %d: row errors differ:\n%v\n%v", i, got, want)
		}
		if len(chunked.reps[i].Errors) > chunked.reps[i].Rejected {
			multi = true
		}
	}
	if !multi {
		t.Error("no row was rejected for several reasons: the test does not exercise the count")
	}
	if r := whole.reps[1]; r.Duplicate == 0 || r.Updated == 0 {
		t.Errorf("the edited export should update originals and duplicates: %s", counts(r))
	}
	diffSnapshots(t, "chunked vs whole", chunked.snap, whole.snap)
}

// killHelperEnv tells the test binary it runs as the child process of
// TestImportSurvivesSIGKILL: the directory holding the store and index.
const killHelperEnv = "JOBMATCH_INGEST_KILL_HELPER"

// TestImportKilledProcessHelper is the child of TestImportSurvivesSIGKILL:
// it imports posts and, after three committed chunks, says so and waits to
// be killed.
func TestImportKilledProcessHelper(t *testing.T) {
	dir := os.Getenv(killHelperEnv)
	if dir == "" {
		t.Skip("the child process of TestImportSurvivesSIGKILL")
	}
	st, err := bolt.Open(filepath.Join(dir, "store.db"), storetest.Keys())
	if err != nil {
		t.Fatal(err)
	}
	ix, err := index.Open(filepath.Join(dir, "index"))
	if err != nil {
		t.Fatal(err)
	}
	ix.Now = func() time.Time { return synth.DefaultNow }
	n := 0
	_, err = runImport(t, context.Background(), st, ix, EntityPosts, strings.Split(os.Getenv(killHelperEnv+"_FILES"), "\n"), 25, func(int) error {
		if n++; n == 3 {
			fmt.Println("COMMITTED")
			select {} // committed, not indexed: wait for SIGKILL
		}
		return nil
	})
	t.Fatalf("the import was not killed: %v", err)
}

// TestImportSurvivesSIGKILL kills a real importing process (SIGKILL: no
// deferred close, no flush) after it committed some chunks and resumes
// the import in this process from what the killed one left on disk.
func TestImportSurvivesSIGKILL(t *testing.T) {
	input := resumeInput(t)
	ctx := context.Background()
	refStore, refIx := importBackends[0].open(t), openIndex(t)
	ref, err := runImport(t, ctx, refStore, refIx, EntityPosts, input[EntityPosts], 25, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := takeSnapshot(t, refStore, refIx)

	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestImportKilledProcessHelper$", "-test.count=1")
	cmd.Env = append(os.Environ(), killHelperEnv+"="+dir, killHelperEnv+"_FILES="+strings.Join(input[EntityPosts], "\n"))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	committed := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if sc.Text() == "COMMITTED" {
				committed <- true
				return
			}
		}
		committed <- false
	}()
	select {
	case ok := <-committed:
		if !ok {
			cmd.Wait()
			t.Fatal("the child ended without committing three chunks")
		}
	case <-time.After(2 * time.Minute):
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatal("the child did not commit three chunks in two minutes")
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()

	st, err := bolt.Open(filepath.Join(dir, "store.db"), storetest.Keys())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ix, err := index.Open(filepath.Join(dir, "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	ix.Now = func() time.Time { return synth.DefaultNow }
	partial := 0
	if err := st.EachPost(ctx, matcher.PostFilter{}, func(*matcher.Post) error { partial++; return nil }); err != nil || partial == 0 || partial >= len(want.Records) {
		t.Fatalf("the killed process left %d posts (%v), want some of %d", partial, err, len(want.Records))
	}
	rep, err := runImport(t, ctx, st, ix, EntityPosts, input[EntityPosts], 40, nil)
	if err != nil {
		t.Fatal(err)
	}
	if counts(rep) != counts(ref) {
		t.Errorf("resumed report: %s\n          want: %s", counts(rep), counts(ref))
	}
	diffSnapshots(t, "resumed after SIGKILL", takeSnapshot(t, st, ix), want)
}

// TestDeduperMirrorsStore checks that the deduper's candidates follow the
// latest version of each post, as the store holds it: that is what makes
// linking independent of where an import was resumed.
func TestDeduperMirrorsStore(t *testing.T) {
	const text = "负责后端服务开发与维护，熟悉Spring Boot和MySQL数据库"
	post := func(src, ext, employer string, mod func(*matcher.Post)) *matcher.Post {
		p := &matcher.Post{Source: src, ExternalID: ext, ID: matcher.PostID(src, ext), Title: "Java开发工程师",
			Employer: employer, Description: text, Status: matcher.PostOpen}
		if mod != nil {
			mod(p)
		}
		return p
	}
	probe := post("probe", "1", "云端科技有限公司", nil)
	cases := []struct {
		name string
		adds []*matcher.Post
		want string // what probe links to
	}{
		{"original", []*matcher.Post{post("a", "1", "云端科技", nil)}, "a:1"},
		{"became a duplicate", []*matcher.Post{post("a", "1", "云端科技", nil),
			post("a", "1", "云端科技", func(p *matcher.Post) { p.DuplicateOf = "z:9" })}, ""},
		{"closed", []*matcher.Post{post("a", "1", "云端科技", nil),
			post("a", "1", "云端科技", func(p *matcher.Post) { p.Status = matcher.PostFilled })}, ""},
		{"moved to another employer", []*matcher.Post{post("a", "1", "云端科技", nil), post("a", "1", "别的公司", nil)}, ""},
		{"moved back", []*matcher.Post{post("a", "1", "别的公司", nil), post("a", "1", "云端科技", nil)}, "a:1"},
		{"text edited away", []*matcher.Post{post("a", "1", "云端科技", nil),
			post("a", "1", "云端科技", func(p *matcher.Post) { p.Description = "负责仓库货物的出入库登记与盘点" })}, ""},
		{"tie goes to the smaller ID, in any order", []*matcher.Post{post("c", "1", "云端科技", nil), post("b", "1", "云端科技", nil)}, "b:1"},
		{"same source never links", []*matcher.Post{post("probe", "2", "云端科技", nil)}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := newDeduper(nil)
			for _, p := range c.adds {
				d.add(p)
			}
			if got := d.find(probe); got != c.want {
				t.Errorf("find = %q, want %q", got, c.want)
			}
		})
	}
}

// A table converted ahead (Table.Convert, as cmd's read-ahead does) imports
// exactly as one the importer converts itself: the same report and the
// same stored posts, repeats and near-duplicates included; a table
// converted for another entity is converted again.
func TestImportOfATableConvertedAhead(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	a := writeFile(t, dir, "a.csv", postsCSV+`liepin,L9,Java开发工程师,乌鲁木齐云端科技,新市区,8-12K,负责后端服务开发与维护，熟悉Spring Boot和MySQL数据库。
boss,5,仓库管理员,米东物流有限公司,米东区,3600元/月,负责货物出入库登记与盘点
`)
	imported := func(read func(path, entity string, m *Mapping) (*Table, error)) (string, []string) {
		t.Helper()
		im, st, _ := newImporter(t)
		im.Now = func() time.Time { return time.Date(2023, 6, 15, 0, 0, 0, 0, time.UTC) }
		im.Read = read
		rep, err := im.Import(ctx, EntityPosts, []string{a})
		if err != nil {
			t.Fatal(err)
		}
		var posts []string
		if err := st.EachPost(ctx, matcher.PostFilter{}, func(p *matcher.Post) error {
			p.UpdatedAt = time.Time{}
			b, err := json.Marshal(p)
			posts = append(posts, string(b))
			return err
		}); err != nil {
			t.Fatal(err)
		}
		slices.Sort(posts)
		return fmt.Sprintf("accepted %d, updated %d, unchanged %d, duplicate %d, rejected %d, warnings %q",
			rep.Accepted, rep.Updated, rep.Unchanged, rep.Duplicate, rep.Rejected, rep.Warnings), posts
	}
	wantRep, want := imported(nil)
	if len(want) != 4 || !strings.Contains(strings.Join(want, "\n"), `"duplicate_of":"boss:2"`) {
		t.Fatalf("stored, without converting ahead (want 4 posts, liepin:L9 a duplicate of boss:2):\n%s", strings.Join(want, "\n"))
	}
	for _, entity := range []string{EntityPosts, EntityCourses} {
		converted := 0
		rep, got := imported(func(path, e string, m *Mapping) (*Table, error) {
			tb, err := ReadFile(path, e, m)
			if err == nil {
				tb.Convert(entity)
				if tb.converted != nil {
					converted++
				}
			}
			return tb, err
		})
		if converted != 1 {
			t.Errorf("converted ahead for %s: %d tables, want 1", entity, converted)
		}
		if rep != wantRep {
			t.Errorf("converted ahead for %s: %s, want %s", entity, rep, wantRep)
		}
		if !slices.Equal(got, want) {
			t.Errorf("converted ahead for %s, stored:\n%s\nwant:\n%s", entity, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
}
