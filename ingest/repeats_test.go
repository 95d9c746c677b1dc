package ingest

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/urumqi-hrss/jobmatch/ingest/convert"
	"github.com/urumqi-hrss/jobmatch/ingest/sharedtest"
	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store/bolt"
	"github.com/urumqi-hrss/jobmatch/store/storetest"
)

// repeatsCSV has no external_id column, as scraped exports often do not:
// rows 2 and 4 are identical, rows 3 and 5 repeat row 2's title, employer,
// district and salary but differ in the description (5) or the experience
// and headcount (3) — near-repeats that are separate posts — and row 6
// repeats row 5 exactly.
const repeatsCSV = `title,employer,district,salary,experience,headcount,description
会计,新疆天山会计服务有限公司,天山区,4000-6000元/月,1-3年,1,负责日常账务处理
会计,新疆天山会计服务有限公司,天山区,4000-6000元/月,3-5年,2,负责日常账务处理
会计,新疆天山会计服务有限公司,天山区,4000-6000元/月,1-3年,1,负责日常账务处理
会计,新疆天山会计服务有限公司,天山区,4000-6000元/月,1-3年,1,负责日常账务处理，编制报表
会计,新疆天山会计服务有限公司,天山区,4000-6000元/月,1-3年,1,负责日常账务处理，编制报表
出纳,新疆天山会计服务有限公司,天山区,3500元/月,5天/周,1,负责现金收付
`

// keyedCSV gives its rows IDs: post 1 is listed, repeated, then edited
// within the same file; only its last version counts (both earlier rows
// differ from it, so both are superseded).
const keyedCSV = `source,external_id,title,employer,salary
boss,1,会计,甲公司,4000元/月
boss,2,出纳,甲公司,3500元/月
boss,1,会计,甲公司,4000元/月
boss,1,会计,甲公司,4500元/月
`

func TestImportRepeatsTwice(t *testing.T) {
	cases := []struct {
		name, csv string
		chunk     int
		// first import; the second must find the same rows unchanged
		accepted, duplicate int
		warnings            []string // substrings, one per expected warning
		stored              int
	}{
		{"no external_id", repeatsCSV, 2, 4, 2,
			[]string{"2 rows repeat an earlier row of the same file", "1 rows have a value in column experience that cannot be read"}, 4},
		{"no external_id, one chunk", repeatsCSV, 1000, 4, 2, nil, 4},
		{"external_id edited within the file", keyedCSV, 1, 2, 2,
			[]string{"2 rows are superseded by a later row with the same key"}, 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			im, st, _ := newImporter(t)
			im.ChunkSize = c.chunk
			f := writeFile(t, t.TempDir(), "scrape.csv", c.csv)
			rep, err := im.Import(ctx, EntityPosts, []string{f})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Accepted != c.accepted || rep.Duplicate != c.duplicate || rep.Updated != 0 || rep.Rejected != 0 {
				t.Fatalf("first import: %s, want accepted %d, duplicate %d (%v)", Summary(rep), c.accepted, c.duplicate, rep.Warnings)
			}
			for _, w := range c.warnings {
				found := false
				for _, got := range rep.Warnings {
					found = found || strings.Contains(got, w)
				}
				if !found {
					t.Errorf("no warning %q in %q", w, rep.Warnings)
				}
			}
			for i := range 2 {
				again, err := im.Import(ctx, EntityPosts, []string{f})
				if err != nil {
					t.Fatal(err)
				}
				if again.Accepted != 0 || again.Updated != 0 || again.Unchanged != c.accepted || again.Duplicate != c.duplicate {
					t.Fatalf("import %d of the same file: %s, want all %d unchanged", i+2, Summary(again), c.accepted)
				}
			}
			var posts []matcher.Post
			if err := st.EachPost(ctx, matcher.PostFilter{}, func(p *matcher.Post) error {
				posts = append(posts, *p)
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			if len(posts) != c.stored {
				t.Fatalf("store holds %d posts, want %d", len(posts), c.stored)
			}
			for _, p := range posts {
				if p.ExternalID == "1" && p.Salary.Min != 4500 {
					t.Errorf("post 1 is not its last version: %+v", p.Salary)
				}
				if c.csv == repeatsCSV && p.Title == "出纳" && p.Experience != "5天/周" {
					t.Errorf("unreadable experience not kept as written: %q", p.Experience)
				}
			}
		})
	}
}

// TestContentIDCoversEveryField: rows without an ID that differ in any
// field get different keys, equal rows the same key.
func TestContentIDCoversEveryField(t *testing.T) {
	base := map[string]string{"title": "会计", "employer": "甲公司", "district": "天山区", "salary": "4000元/月",
		"experience": "1-3年", "headcount": "2", "description": "记账", "degree_min": "本科", "majors": "会计学",
		"deadline": "2024-06-30", "posted_at": "2024-05-01", "address": "解放北路1号", "age_max": "35",
		"kind": "job", "channel": "sme", "employer_type": "民营", "hukou_required": "不限", "public_welfare": "否",
		"skills": "Excel", "certificates": "初级会计职称", "status": "open", "age_min": "20"}
	p0, errs := convert.PostFromRow(Row{File: "f.csv", Line: 2, Values: base})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if again, _ := convert.PostFromRow(Row{File: "f.csv", Line: 9, Values: base}); again.ID != p0.ID {
		t.Fatalf("same content on another line, different key: %s %s", p0.ID, again.ID)
	}
	changed := map[string]string{"title": "出纳", "employer": "乙公司", "district": "米东区", "salary": "5000元/月",
		"experience": "3-5年", "headcount": "3", "description": "出纳", "degree_min": "大专", "majors": "财务管理",
		"deadline": "2024-07-30", "posted_at": "2024-05-02", "address": "解放北路2号", "age_max": "40",
		"kind": "internship", "channel": "state_owned", "employer_type": "国企", "hukou_required": "天山区",
		"public_welfare": "是", "skills": "SQL", "certificates": "教师资格证", "status": "closed", "age_min": "22"}
	for _, col := range CanonicalColumns(EntityPosts) {
		v, ok := changed[col]
		if !ok {
			continue // source and external_id are the key itself
		}
		t.Run(col, func(t *testing.T) {
			vals := map[string]string{}
			for k, x := range base {
				vals[k] = x
			}
			vals[col] = v
			p, errs := convert.PostFromRow(Row{File: "f.csv", Line: 2, Values: vals})
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			if p.ID == p0.ID {
				t.Errorf("changing %s keeps the key %s", col, p.ID)
			}
		})
	}
	for col := range base {
		if _, ok := changed[col]; !ok {
			t.Errorf("column %s is not varied by the test", col)
		}
	}
}

// TestHashIndexColumnsBeyondHeader: "#N" columns past the header's end
// are all kept, whatever order the map yields them in (a larger index
// first used to drop the smaller one, in about half the runs).
func TestHashIndexColumnsBeyondHeader(t *testing.T) {
	m := &Mapping{Columns: map[string]string{"#3": "degree_min", "#4": "experience", "#5": "salary"}}
	for range 50 {
		cm := newColumnMap(EntityPosts, m, "")
		cols, known, _ := cm.resolve([]string{"职位名称", "公司名称"})
		if len(cols) != 5 || cols[2] != "degree_min" || cols[3] != "experience" || cols[4] != "salary" || known != 5 {
			t.Fatalf("cols = %q, known %d", cols, known)
		}
	}
}

// TestRealPostsImportTwice imports the real BOSS export twice into the
// embedded store: the second import changes nothing.
func TestRealPostsImportTwice(t *testing.T) {
	if testing.Short() {
		t.Skip("real data import")
	}
	path := sharedtest.Path(t, "data/jobs-real/boss-zhipin-it-2019.xlsx")
	m, err := LoadMapping(filepath.Join(repoRoot(t), "docs", "mappings", "boss-zhipin.json"))
	if err != nil {
		t.Fatal(err)
	}
	st, err := bolt.Open(filepath.Join(t.TempDir(), "store.db"), storetest.Keys())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	im := &Importer{Store: st, Map: m}
	ctx := context.Background()
	first, err := im.Import(ctx, EntityPosts, []string{path})
	if err != nil {
		t.Fatal(err)
	}
	second, err := im.Import(ctx, EntityPosts, []string{path})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("first: %s\nsecond: %s", Summary(first), Summary(second))
	if first.Updated != 0 || second.Accepted != 0 || second.Updated != 0 || second.Unchanged != first.Accepted ||
		second.Duplicate != first.Duplicate || second.Rejected != first.Rejected {
		t.Errorf("second import changed something:\nfirst:  %s\nsecond: %s", Summary(first), Summary(second))
	}
}

func TestImportWarnsNotSearchable(t *testing.T) {
	const csv = `source,external_id,title,employer,deadline,status
s,1,会计,甲公司,2024-06-30,
s,2,出纳,甲公司,2024-06-30,
s,3,文员,甲公司,2099-01-01,filled
s,4,司机,甲公司,,
`
	im, _, _ := newImporter(t)
	im.Now = func() time.Time { return time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC) }
	f := writeFile(t, t.TempDir(), "posts.csv", csv)
	rep, err := im.Import(context.Background(), EntityPosts, []string{f})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Accepted != 4 || len(rep.Warnings) != 1 {
		t.Fatalf("%s, warnings %q", Summary(rep), rep.Warnings)
	}
	w := rep.Warnings[0]
	for _, want := range []string{"3 posts are stored but not searchable as of 2026-11-26", "2 past their deadline", "1 filled or closed", "--now"} {
		if !strings.Contains(w, want) {
			t.Errorf("warning %q lacks %q", w, want)
		}
	}
	// As of a day they are open, nothing to warn about.
	im.Now = func() time.Time { return time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC) }
	f2 := writeFile(t, t.TempDir(), "posts.csv", strings.Replace(csv, "filled", "", 1))
	if rep, err = im.Import(context.Background(), EntityPosts, []string{f2}); err != nil || len(rep.Warnings) != 0 {
		t.Fatalf("%v: warnings %q", err, rep.Warnings)
	}
}

func TestImportMissingFileImportsNothing(t *testing.T) {
	im, st, _ := newImporter(t)
	dir := t.TempDir()
	good := writeFile(t, dir, "posts.csv", postsCSV)
	for _, missing := range []string{filepath.Join(dir, "nosuch.csv"), dir} {
		rep, err := im.Import(context.Background(), EntityPosts, []string{good, missing})
		if err == nil || rep != nil || !strings.Contains(err.Error(), missing) || !strings.Contains(err.Error(), "nothing was imported") {
			t.Fatalf("%s: rep %v, err %v", missing, rep, err)
		}
	}
	n := 0
	_ = st.EachPost(context.Background(), matcher.PostFilter{}, func(*matcher.Post) error { n++; return nil })
	if n != 0 {
		t.Errorf("%d posts written by a refused call", n)
	}
}

func TestFormatRowError(t *testing.T) {
	for _, c := range []struct {
		e    matcher.RowError
		want string
	}{
		{matcher.RowError{File: "boss.xlsx", Sheet: "Java", Line: 178, Column: "title", Reason: "职位名称为空"}, "boss.xlsx[Java]:178: title: 职位名称为空"},
		{matcher.RowError{File: "a.csv", Line: 4, Column: "salary", Reason: "r"}, "a.csv:4: salary: r"},
		{matcher.RowError{File: "a.jsonl", Line: 3, Reason: "not an object"}, "a.jsonl:3: not an object"},
		{matcher.RowError{File: "bad.csv", Reason: "整个文件被拒绝"}, "bad.csv: 整个文件被拒绝"},
		{matcher.RowError{File: "b.xlsx", Sheet: "Ruby", Reason: "整个工作表被跳过"}, "b.xlsx[Ruby]: 整个工作表被跳过"},
	} {
		if got := FormatRowError(c.e); got != c.want {
			t.Errorf("FormatRowError(%+v) = %q, want %q", c.e, got, c.want)
		}
	}
}

func TestAlreadyImported(t *testing.T) {
	ctx := context.Background()
	im, _, _ := newImporter(t)
	dir := t.TempDir()
	im.Finished = &FinishedImports{Path: filepath.Join(dir, "imports.json")}
	day := time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)
	im.Now = func() time.Time { return day }
	f := writeFile(t, dir, "posts.csv", postsCSV)
	if _, done, err := im.AlreadyImported(ctx, EntityPosts, []string{f}); err != nil || done {
		t.Fatalf("before any import: done %v, %v", done, err)
	}
	rep, err := im.Import(ctx, EntityPosts, []string{f})
	if err != nil {
		t.Fatal(err)
	}
	got, done, err := im.AlreadyImported(ctx, EntityPosts, []string{f})
	if err != nil || !done || got.ID != rep.ID || got.Accepted != rep.Accepted {
		t.Fatalf("after the import: done %v, %+v, %v", done, got, err)
	}
	// Another day, another file, another entity: import again.
	im.Now = func() time.Time { return day.AddDate(0, 0, 1) }
	if _, done, _ := im.AlreadyImported(ctx, EntityPosts, []string{f}); done {
		t.Error("done as of another day")
	}
	im.Now = func() time.Time { return day }
	f2 := writeFile(t, dir, "posts2.csv", strings.Replace(postsCSV, "8k-12k", "9k-12k", 1))
	if _, done, _ := im.AlreadyImported(ctx, EntityPosts, []string{f2}); done {
		t.Error("done for other content")
	}
	if _, done, _ := im.AlreadyImported(ctx, EntityCourses, []string{f}); done {
		t.Error("done for another entity")
	}
	// A later import of other content becomes the last one.
	if _, err := im.Import(ctx, EntityPosts, []string{f2}); err != nil {
		t.Fatal(err)
	}
	if _, done, _ := im.AlreadyImported(ctx, EntityPosts, []string{f}); done {
		t.Error("an earlier import still counts as the last")
	}
	// A fresh store behind the same record: its report is missing.
	im2, _, _ := newImporter(t)
	im2.Finished, im2.Now = im.Finished, im.Now
	if _, done, err := im2.AlreadyImported(ctx, EntityPosts, []string{f2}); done || err != nil {
		t.Errorf("done against a fresh store: %v %v", done, err)
	}
}
