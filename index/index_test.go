package index

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

var testNow = time.Date(2026, 7, 1, 10, 0, 0, 0, time.Local)

func openTemp(t *testing.T) (*Index, string) {
	t.Helper()
	dir := t.TempDir()
	ix, err := Open(dir)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix, dir
}

func post(id, title, employer string, ch matcher.Channel, district string, deg matcher.Degree, desc string) matcher.Post {
	return matcher.Post{
		ID: "t:" + id, Source: "t", ExternalID: id, Kind: matcher.KindJob, Channel: ch,
		Title: title, Employer: employer, District: district, DegreeMin: deg, Description: desc,
		Headcount: 2, Status: matcher.PostOpen, Deadline: testNow.AddDate(0, 1, 0),
	}
}

func testPosts() []matcher.Post {
	ps := []matcher.Post{
		post("1", "会计", "新疆天山会计师事务所", matcher.ChannelSME, "天山区", matcher.DegreeBachelor, "负责日常账务处理，会计学专业优先"),
		post("2", "出纳", "乌鲁木齐米东建材有限公司", matcher.ChannelSME, "米东区", matcher.DegreeAssociate, "协助会计做好资金收付"),
		post("3", "Java开发工程师", "新疆数智科技有限公司", matcher.ChannelSME, "新市区", matcher.DegreeBachelor, "计算机科学与技术专业，熟悉ＪＡＶＡ和MySQL"),
		post("4", "小学语文教师", "乌鲁木齐市第十小学", matcher.ChannelPublicSector, "天山区", matcher.DegreeBachelor, "持有教师资格证，汉语言文学专业"),
		post("5", "三支一扶支农岗", "头屯河区人力资源和社会保障局", matcher.ChannelGrassroots, "头屯河区", matcher.DegreeAssociate, "三支一扶计划，服务期两年"),
		post("6", "会计见习生", "新疆城建集团", matcher.ChannelStateOwned, "水磨沟区", matcher.DegreeNone, "就业见习，见习补贴每月1700元"),
		post("7", "电工", "乌鲁木齐县供电所", matcher.ChannelStateOwned, "乌鲁木齐县", matcher.DegreeSecondary, "持电工证，五险一金"),
		post("8", "外卖骑手", "美餐配送站", matcher.ChannelSelfEmployed, "沙依巴克区", matcher.DegreeNone, "灵活就业，多劳多得"),
	}
	ps[5].Kind = matcher.KindInternship
	ps[0].Skills = []string{"用友财务软件"}
	ps[0].Certificates = []string{"初级会计职称"}
	return ps
}

func ids(r *Result) []string {
	var out []string
	for _, h := range r.Hits {
		out = append(out, h.ID)
	}
	return out
}

func search(t *testing.T, ix *Index, q Query) *Result {
	t.Helper()
	r, err := ix.Search(context.Background(), q)
	if err != nil {
		t.Fatalf("Search(%+v): %v", q, err)
	}
	return r
}

func TestSearch(t *testing.T) {
	ix, _ := openTemp(t)
	if err := ix.IndexPostsAt(testPosts(), testNow); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		q    Query
		want []string // exact IDs in order, when order matters
		set  []string // IDs in any order
	}{
		// 会计 in the title (boosted) outranks 会计 in a description;
		// 会计学 is a word of its own and does not match 会计.
		{name: "title boost", q: Query{Text: "会计"}, want: []string{"t:1", "t:6", "t:2"}},
		{name: "domain word", q: Query{Text: "会计学"}, want: []string{"t:1"}},
		{name: "full width query", q: Query{Text: "ｊａｖａ"}, want: []string{"t:3"}},
		{name: "major", q: Query{Text: "计算机科学与技术"}, want: []string{"t:3"}},
		// the index stores the words inside long words, so a short query
		// finds them; the query itself is not split (会计学 above)
		{name: "word inside a major", q: Query{Text: "计算机"}, want: []string{"t:3"}},
		{name: "word inside a place", q: Query{Text: "头屯河"}, want: []string{"t:5"}},
		{name: "certificate", q: Query{Text: "教师资格证"}, want: []string{"t:4"}},
		{name: "policy term", q: Query{Text: "三支一扶"}, want: []string{"t:5"}},
		{name: "employer", q: Query{Text: "供电所"}, want: []string{"t:7"}},
		{name: "skills field", q: Query{Text: "用友财务软件"}, want: []string{"t:1"}},
		{name: "channel filter", q: Query{Text: "会计", Channel: matcher.ChannelSME}, want: []string{"t:1", "t:2"}},
		{name: "district filter", q: Query{District: "天山区"}, want: []string{"t:1", "t:4"}},
		{name: "kind filter", q: Query{Kind: matcher.KindInternship}, want: []string{"t:6"}},
		// a graduate with an associate degree qualifies for posts asking
		// for none, secondary or associate
		{name: "degree filter", q: Query{Degree: matcher.DegreeAssociate}, set: []string{"t:2", "t:5", "t:6", "t:7", "t:8"}},
		{name: "degree and text", q: Query{Text: "会计", Degree: matcher.DegreeSecondary}, want: []string{"t:6"}},
		{name: "no match", q: Query{Text: "飞行员"}, want: nil},
		{name: "only stop words", q: Query{Text: "的了"}, want: nil},
		{name: "empty lists all by id", q: Query{}, want: []string{"t:1", "t:2", "t:3", "t:4", "t:5", "t:6", "t:7", "t:8"}},
		{name: "courses are apart", q: Query{Type: TypeCourse}, want: nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := search(t, ix, c.q)
			got := ids(r)
			if c.set != nil {
				slices.Sort(got)
				if !slices.Equal(got, c.set) {
					t.Errorf("hits %v, want %v", got, c.set)
				}
			} else if !slices.Equal(got, c.want) {
				t.Errorf("hits %v, want %v", got, c.want)
			}
			if int(r.Total) != len(got) {
				t.Errorf("Total %d, hits %d", r.Total, len(got))
			}
		})
	}
}

func TestSearchHitFieldsAndFacets(t *testing.T) {
	ix, _ := openTemp(t)
	if err := ix.IndexPostsAt(testPosts(), testNow); err != nil {
		t.Fatal(err)
	}
	r := search(t, ix, Query{Text: "会计"})
	h := r.Hits[0]
	want := Hit{ID: "t:1", Score: h.Score, Type: TypePost, Title: "会计", Employer: "新疆天山会计师事务所", District: "天山区", Channel: matcher.ChannelSME, Kind: matcher.KindJob}
	if h != want || h.Score <= 0 {
		t.Errorf("hit %+v, want %+v", h, want)
	}
	// Facets count every match, not just the page.
	r = search(t, ix, Query{Limit: 1})
	wantFacets := map[string][]FacetCount{
		"channel":  {{"sme", 3}, {"state_owned", 2}, {"grassroots", 1}, {"public_sector", 1}, {"self_employed", 1}},
		"district": {{"天山区", 2}, {"头屯河区", 1}, {"水磨沟区", 1}, {"沙依巴克区", 1}, {"新市区", 1}, {"米东区", 1}, {"乌鲁木齐县", 1}},
		"kind":     {{"job", 7}, {"internship", 1}},
	}
	for name, want := range wantFacets {
		got := r.Facets[name]
		if !sameCounts(got, want) {
			t.Errorf("facet %s = %v, want %v", name, got, want)
		}
	}
	if len(r.Hits) != 1 || r.Total != 8 {
		t.Errorf("Limit 1: %d hits of %d", len(r.Hits), r.Total)
	}
}

// sameCounts compares facet counts; bleve orders equal counts by term, so
// compare as sets with the counts.
func sameCounts(a, b []FacetCount) bool {
	if len(a) != len(b) {
		return false
	}
	m := map[FacetCount]bool{}
	for _, c := range a {
		m[c] = true
	}
	for _, c := range b {
		if !m[c] {
			return false
		}
	}
	return true
}

func TestSearchPaging(t *testing.T) {
	ix, _ := openTemp(t)
	var ps []matcher.Post
	for i := range 45 {
		// equal text, so equal scores: order must come from the ID
		ps = append(ps, post(fmt.Sprintf("%03d", 44-i), "仓库管理员", "物流公司", matcher.ChannelSME, "米东区", 0, "负责仓库管理"))
	}
	if err := ix.IndexPostsAt(ps, testNow); err != nil {
		t.Fatal(err)
	}
	var all []string
	for off := 0; off < 50; off += 10 {
		r := search(t, ix, Query{Text: "仓库管理员", Limit: 10, Offset: off})
		if r.Total != 45 {
			t.Fatalf("Total %d, want 45", r.Total)
		}
		all = append(all, ids(r)...)
	}
	if len(all) != 45 || !slices.IsSorted(all) {
		t.Errorf("pages gave %d hits, sorted=%v: %v", len(all), slices.IsSorted(all), all)
	}
	if _, err := ix.Search(context.Background(), Query{Limit: -1}); err == nil || matcher.ErrorCode(err) != matcher.EINVALID {
		t.Errorf("negative limit: error %v, want invalid", err)
	}
	if _, err := ix.Search(context.Background(), Query{Type: "graduate"}); err == nil || matcher.ErrorCode(err) != matcher.EINVALID {
		t.Errorf("type graduate: error %v, want invalid", err)
	}
}

func TestDeleteAndExpiry(t *testing.T) {
	ix, _ := openTemp(t)
	ps := testPosts()
	expired := post("9", "会计助理", "某公司", matcher.ChannelSME, "天山区", 0, "")
	expired.Deadline = testNow.AddDate(0, 0, -1)
	lastDay := post("10", "会计主管", "某公司", matcher.ChannelSME, "天山区", 0, "")
	lastDay.Deadline = testNow // open until the end of its deadline day
	if err := ix.IndexPostsAt(append(ps, expired, lastDay), testNow); err != nil {
		t.Fatal(err)
	}
	if got := ids(search(t, ix, Query{Text: "会计助理"})); slices.Contains(got, "t:9") {
		t.Errorf("expired post indexed: %v", got)
	}
	if got := ids(search(t, ix, Query{Text: "会计主管"})); !slices.Contains(got, "t:10") {
		t.Errorf("post on its deadline day missing: %v", got)
	}
	n, err := ix.DocCount()
	if err != nil || n != 9 {
		t.Fatalf("DocCount = %d, %v; want 9", n, err)
	}

	// Re-indexing a filled, closed or duplicate post takes it out.
	filled, closed, dup := ps[0], ps[1], ps[2]
	filled.Filled = filled.Headcount
	closed.Status = matcher.PostClosed
	dup.DuplicateOf = "other:1"
	if err := ix.IndexPostsAt([]matcher.Post{filled, closed, dup}, testNow); err != nil {
		t.Fatal(err)
	}
	// Time passing: the same post indexed a day after its deadline goes.
	if err := ix.IndexPostsAt([]matcher.Post{lastDay}, testNow.AddDate(0, 0, 1)); err != nil {
		t.Fatal(err)
	}
	if err := ix.Delete("t:8", "t:no-such"); err != nil {
		t.Fatal(err)
	}
	got := ids(search(t, ix, Query{}))
	want := []string{"t:4", "t:5", "t:6", "t:7"}
	if !slices.Equal(got, want) {
		t.Errorf("after removals: %v, want %v", got, want)
	}

	// IndexPosts uses the Now field.
	ix.Now = func() time.Time { return testNow.AddDate(1, 0, 0) }
	if err := ix.IndexPosts(ps[3:4]); err != nil {
		t.Fatal(err)
	}
	if got := ids(search(t, ix, Query{})); slices.Contains(got, "t:4") {
		t.Errorf("IndexPosts a year later kept the expired post: %v", got)
	}
	if err := ix.IndexPostsAt([]matcher.Post{{Title: "无ID"}}, testNow); err == nil {
		t.Error("post without ID accepted")
	}
}

func TestCourses(t *testing.T) {
	ix, _ := openTemp(t)
	cs := []matcher.Course{
		{ID: "c:1", Title: "电工职业技能培训", Provider: "乌鲁木齐市职业技能培训中心", Category: matcher.CourseSkills, District: "新市区", Skills: []string{"电工"}, Certificates: []string{"低压电工作业证"}, Places: 30},
		{ID: "c:2", Title: "SYB创业培训", Provider: "新疆创业学院", Category: matcher.CourseEntrepreneurship, District: "天山区", Description: "自主创业，创业担保贷款政策", Places: 40},
	}
	if err := ix.IndexCourses(cs); err != nil {
		t.Fatal(err)
	}
	if err := ix.IndexPostsAt(testPosts(), testNow); err != nil {
		t.Fatal(err)
	}
	r := search(t, ix, Query{Text: "电工", Type: TypeCourse})
	if got := ids(r); !slices.Equal(got, []string{"c:1"}) {
		t.Errorf("course search: %v", got)
	}
	if h := r.Hits[0]; h.Type != TypeCourse || h.Employer != "乌鲁木齐市职业技能培训中心" || h.Kind != matcher.KindCourse {
		t.Errorf("course hit %+v", h)
	}
	// and a post search does not return courses
	if got := ids(search(t, ix, Query{Text: "电工"})); !slices.Equal(got, []string{"t:7"}) {
		t.Errorf("post search: %v", got)
	}
	if got := ids(search(t, ix, Query{Text: "创业担保贷款", Type: TypeCourse})); !slices.Equal(got, []string{"c:2"}) {
		t.Errorf("course description search: %v", got)
	}
}

func TestPersistence(t *testing.T) {
	dir := t.TempDir()
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.IndexPostsAt(testPosts(), testNow); err != nil {
		t.Fatal(err)
	}
	queries := []Query{{Text: "会计"}, {District: "天山区"}, {Text: "三支一扶"}, {}}
	var before []*Result
	for _, q := range queries {
		before = append(before, search(t, ix, q))
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := ix.Search(context.Background(), Query{}); err == nil {
		t.Error("search on a closed index succeeded")
	}
	ix, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	for i, q := range queries {
		after := search(t, ix, q)
		if !sameResults(before[i], after) {
			t.Errorf("%+v: before close %+v, after reopen %+v", q, before[i].Hits, after.Hits)
		}
	}
}

func sameResults(a, b *Result) bool {
	if a.Total != b.Total || !slices.Equal(a.Hits, b.Hits) || len(a.Facets) != len(b.Facets) {
		return false
	}
	for k, v := range a.Facets {
		if !slices.Equal(v, b.Facets[k]) {
			return false
		}
	}
	return true
}

// TestNoPersonalData checks that the index holds only post and course
// fields: a document of any other type (a graduate, say) indexes nothing,
// and no field of a graduate's personal data exists in the index.
func TestNoPersonalData(t *testing.T) {
	ix, _ := openTemp(t)
	if err := ix.IndexPostsAt(testPosts(), testNow); err != nil {
		t.Fatal(err)
	}
	// Bypass the typed API to try what the mapping itself lets in.
	g := map[string]any{
		"type": "graduate", "name": "张三", "national_id": "650102200001011234",
		"phone": "13800138000", "hardship": "low_income", "title": "会计",
	}
	if err := ix.bi.Index("g:1", g); err != nil {
		t.Fatal(err)
	}
	// A post document carrying extra personal fields keeps only its own.
	pd := map[string]any{"type": TypePost, "title": "保安", "national_id": "650102200001011234", "phone": "13800138000"}
	if err := ix.bi.Index("t:x", pd); err != nil {
		t.Fatal(err)
	}
	fields, err := ix.bi.Fields()
	if err != nil {
		t.Fatal(err)
	}
	allowed := []string{fieldType, fieldTitle, fieldEmployer, fieldEmployerKey, fieldDescription, fieldMajors, fieldSkills,
		fieldOccupation, fieldChannel, fieldDistrict, fieldKind, fieldDegree, "_id"}
	for _, f := range fields {
		if !slices.Contains(allowed, f) {
			t.Errorf("index has field %q", f)
		}
	}
	for _, f := range fields {
		for _, q := range []string{"650102200001011234", "13800138000", "张三", "low_income"} {
			r, err := ix.bi.Search(newFieldRequest(f, q))
			if err != nil {
				t.Fatal(err)
			}
			if r.Total != 0 {
				t.Errorf("personal data %q is searchable in field %s: %d hits", q, f, r.Total)
			}
		}
	}
	if got := ids(search(t, ix, Query{Text: "会计"})); slices.Contains(got, "g:1") {
		t.Errorf("graduate document found: %v", got)
	}
}

// TestSegmentLayoutKeepsResults: the same posts written in one call (a few
// large segments) and in chunks of 100 (many small segments that scorch's
// merger merges while the writes go on, see floorSegmentSize) search the
// same: the same totals, hits in the same order with the same scores, the
// same facets. Scores use index-wide term statistics, which scorch sums
// over segments, so how an import cuts its writes must not show.
func TestSegmentLayoutKeepsResults(t *testing.T) {
	posts := benchPosts(3000)
	one, _ := openTemp(t)
	if err := one.IndexPostsAt(posts, testNow); err != nil {
		t.Fatal(err)
	}
	chunked, _ := openTemp(t)
	for i := 0; i < len(posts); i += 100 {
		if err := chunked.IndexPostsAt(posts[i:i+100], testNow); err != nil {
			t.Fatal(err)
		}
	}
	queries := []Query{
		{Text: "会计", Limit: 100},
		{Text: "Java开发 计算机科学与技术", Degree: matcher.DegreeBachelor, Limit: 50},
		{Text: "五险一金 双休", District: "天山区", Limit: 50},
		{Text: "客户 销售", Kind: matcher.KindJob, Offset: 20, Limit: 30},
		{Channel: matcher.ChannelGrassroots, Limit: 50},
	}
	for _, q := range queries {
		a, b := search(t, one, q), search(t, chunked, q)
		if a.Total == 0 || len(a.Hits) == 0 {
			t.Fatalf("%+v: no hits, the comparison would prove nothing", q)
		}
		if a.Total != b.Total || !slices.Equal(a.Hits, b.Hits) {
			t.Errorf("%+v: one write: %d hits %v\nchunks: %d hits %v", q, a.Total, a.Hits[:min(3, len(a.Hits))], b.Total, b.Hits[:min(3, len(b.Hits))])
		}
		if fmt.Sprint(a.Facets) != fmt.Sprint(b.Facets) {
			t.Errorf("%+v: facets %v and %v", q, a.Facets, b.Facets)
		}
	}
}
