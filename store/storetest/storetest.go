package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// Opener returns a new, empty store for one sub-test, dating its writes by
// now (see Clock); it registers its own cleanup with t.
type Opener func(t *testing.T, now func() time.Time) matcher.FullStore

// Run runs the contract suite. Every sub-test opens its own empty store, and
// they run in parallel (which also exercises the stores under concurrency).
func Run(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s matcher.FullStore)
	}{
		{"PostUpsertOutcomes", testPostUpsertOutcomes},
		{"PostInvalid", testPostInvalid},
		{"PostFiltersAndOrder", testPostFilters},
		{"PostDelete", testPostDelete},
		{"Courses", testCourses},
		{"Graduates", testGraduates},
		{"GraduateFilters", testGraduateFilters},
		{"DeleteGraduate", testDeleteGraduate},
		{"LedgerStamp", testLedgerStamp},
		{"GraduateKeys", testGraduateKeys},
		{"UsersAndSessions", testUsers},
		{"Keys", testKeys},
		{"Audit", testAudit},
		{"AuditBatch", testAuditBatch},
		{"Feedback", testFeedback},
		{"ChangeFeed", testChangeFeed},
		{"ChangeFeedConcurrentWriters", testChangeFeedConcurrent},
		{"ManyRecordsPaging", testManyRecords},
		{"DuplicateKeysInOneBatch", testDuplicateKeysInBatch},
		{"Runs", testRuns},
		{"RunPublishAtomic", testRunPublishAtomic},
		{"RunInspection", testRunInspection},
		{"RunRetention", testRunRetention},
		{"ImportReport", testImportReport},
		{"ResumableImport", testResumableImport},
		{"Casework", testCasework},
		{"ShortlistUpdateConcurrent", testShortlistUpdateConcurrent},
		{"PlanBatches", testPlanBatches},
		{"HostileIDs", testHostileIDs},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, open(t, new(Clock).Now))
		})
	}
}

var ctx = context.Background()

// day returns a date in UTC (stores keep instants; UTC keeps comparisons
// simple).
func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

// Post returns a full synthetic post; n varies every field.
func Post(source string, n int) matcher.Post {
	channels := matcher.Channels
	districts := []string{"天山区", "沙依巴克区", "新市区", "水磨沟区", "头屯河区", "达坂城区", "米东区", "乌鲁木齐县"}
	kind := matcher.KindJob
	if n%5 == 0 {
		kind = matcher.KindInternship
	}
	ext := fmt.Sprintf("P%06d", n)
	return matcher.Post{
		ID: matcher.PostID(source, ext), Source: source, ExternalID: ext,
		Kind: kind, Channel: channels[n%len(channels)],
		Title: fmt.Sprintf("会计助理%d", n), Employer: fmt.Sprintf("新疆某某商贸有限公司%d", n%97),
		District: districts[n%len(districts)], Address: "友好北路" + fmt.Sprint(n),
		Description: "负责日常账务处理，熟练使用办公软件。",
		Majors:      []string{"会计学", "财务管理"}, MajorCodes: []string{"120203K"},
		DegreeMin: matcher.Degree(n % 4), Experience: "不限",
		Salary:    matcher.Salary{Raw: "3000-5000元/月", Min: 3000 + float64(n%10)*100, Max: 5000, Period: matcher.PerMonth},
		Headcount: 1 + n%5, AgeMax: 35, PublicWelfare: n%17 == 0,
		PostedAt: day("2026-06-01"), Deadline: day("2026-09-30"),
		Occupation: "2-06-01-00", Skills: []string{"Excel"}, Status: matcher.PostOpen,
	}
}

// Graduate returns a full synthetic graduate with personal data; n varies
// every field.
func Graduate(n int) matcher.Graduate {
	districts := []string{"天山区", "沙依巴克区", "新市区", "水磨沟区", "头屯河区", "达坂城区", "米东区", "乌鲁木齐县"}
	g := matcher.Graduate{
		ID: fmt.Sprintf("G%07d", n), Name: "测试" + fmt.Sprint(n),
		NationalID: fmt.Sprintf("65010220030101%04d", n%10000), Phone: fmt.Sprintf("138%08d", n),
		Gender: "女", BirthDate: day("2003-01-01"), School: "新疆大学", Major: "会计学", MajorCode: "120203K",
		Degree: matcher.DegreeBachelor, GraduationYear: 2026,
		HukouDistrict: districts[n%len(districts)], ResidenceDistrict: districts[(n+3)%len(districts)],
		Skills: []string{"Excel", "用友"}, Certificates: []string{"初级会计职称"},
		PreferredChannels: []matcher.Channel{matcher.ChannelSME}, PreferredDistricts: []string{"天山区"},
		ExpectedSalary: 4000, Status: matcher.StatusSeeking, RegisteredAt: day("2026-06-20"),
	}
	if n%10 == 0 {
		g.Hardship = []matcher.Hardship{matcher.HardshipLowIncome}
	}
	return g
}

func code(t *testing.T, err error, want string) {
	t.Helper()
	if got := matcher.ErrorCode(err); got != want {
		t.Fatalf("error code = %q (%v), want %q", got, err, want)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// sameJSON compares two values by their JSON, which is how both stores
// keep them (time zones and monotonic clock readings are not data).
func sameJSON(t *testing.T, what string, got, want any) {
	t.Helper()
	g, _ := json.Marshal(got)
	w, _ := json.Marshal(want)
	if string(g) != string(w) {
		t.Fatalf("%s differs:\n got %s\nwant %s", what, g, w)
	}
}

func outcomes(t *testing.T, got []matcher.UpsertOutcome, want ...matcher.UpsertOutcome) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Fatalf("outcomes = %v, want %v", got, want)
	}
}

func testPostUpsertOutcomes(t *testing.T, s matcher.FullStore) {
	a, b := Post("portal_a", 1), Post("portal_a", 2)
	out, err := s.UpsertPosts(ctx, []matcher.Post{a, b})
	must(t, err)
	outcomes(t, out, matcher.Inserted, matcher.Inserted)

	got, err := s.Post(ctx, a.ID)
	must(t, err)
	if got.UpdatedAt.IsZero() {
		t.Fatal("UpdatedAt not set on insert")
	}
	first := got.UpdatedAt
	got.UpdatedAt = time.Time{}
	sameJSON(t, "post", got, a)

	// Same content, with a different UpdatedAt: unchanged.
	b.UpdatedAt = day("2001-01-01")
	out, err = s.UpsertPosts(ctx, []matcher.Post{a, b})
	must(t, err)
	outcomes(t, out, matcher.Unchanged, matcher.Unchanged)

	a.Salary.Max = 6000
	a.Majors = append(a.Majors, "审计学")
	c := Post("portal_b", 1) // same external id, other source: another post
	out, err = s.UpsertPosts(ctx, []matcher.Post{a, b, c})
	must(t, err)
	outcomes(t, out, matcher.Updated, matcher.Unchanged, matcher.Inserted)
	got, err = s.Post(ctx, a.ID)
	must(t, err)
	if got.Salary.Max != 6000 || len(got.Majors) != 3 {
		t.Fatalf("update not stored: %+v", got)
	}
	if !got.UpdatedAt.After(first) {
		t.Fatalf("UpdatedAt %v not after %v", got.UpdatedAt, first)
	}

	// ID is filled in from source and external ID.
	d := Post("portal_a", 3)
	d.ID = ""
	out, err = s.UpsertPosts(ctx, []matcher.Post{d})
	must(t, err)
	outcomes(t, out, matcher.Inserted)
	if _, err := s.Post(ctx, "portal_a:P000003"); err != nil {
		t.Fatal(err)
	}

	_, err = s.Post(ctx, "portal_a:nope")
	code(t, err, matcher.ENOTFOUND)

	out, err = s.UpsertPosts(ctx, nil)
	must(t, err)
	if len(out) != 0 {
		t.Fatalf("empty upsert: %v", out)
	}
}

func testPostInvalid(t *testing.T, s matcher.FullStore) {
	good := Post("p", 1)
	cases := []struct {
		name string
		edit func(p *matcher.Post)
	}{
		{"no source", func(p *matcher.Post) { p.Source = "" }},
		{"no external id", func(p *matcher.Post) { p.ExternalID = "" }},
		{"id mismatch", func(p *matcher.Post) { p.ID = "other:1" }},
		{"NUL in id", func(p *matcher.Post) { p.ExternalID = "a\x00b"; p.ID = "" }},
	}
	for _, tc := range cases {
		p := Post("p", 2)
		tc.edit(&p)
		_, err := s.UpsertPosts(ctx, []matcher.Post{good, p})
		if matcher.ErrorCode(err) != matcher.EINVALID {
			t.Errorf("%s: error %v, want invalid", tc.name, err)
		}
	}
	// Nothing of a refused batch is written.
	_, err := s.Post(ctx, good.ID)
	code(t, err, matcher.ENOTFOUND)
}

func collectPosts(t *testing.T, s matcher.FullStore, f matcher.PostFilter) []string {
	t.Helper()
	var ids []string
	must(t, s.EachPost(ctx, f, func(p *matcher.Post) error {
		ids = append(ids, p.ID)
		return nil
	}))
	return ids
}

func testPostFilters(t *testing.T, s matcher.FullStore) {
	var posts []matcher.Post
	for i := 40; i > 0; i-- { // written out of order
		src := "alpha"
		if i%2 == 0 {
			src = "beta"
		}
		posts = append(posts, Post(src, i))
	}
	posts[0].Status = matcher.PostFilled
	posts[1].Deadline = day("2026-01-01")
	posts[2].DuplicateOf = posts[3].ID
	_, err := s.UpsertPosts(ctx, posts)
	must(t, err)

	want := func(keep func(p *matcher.Post) bool) []string {
		var ids []string
		for i := range posts {
			if keep(&posts[i]) {
				ids = append(ids, posts[i].ID)
			}
		}
		slices.Sort(ids)
		return ids
	}
	now := day("2026-07-01")
	cases := []struct {
		name string
		f    matcher.PostFilter
		keep func(p *matcher.Post) bool
	}{
		{"all", matcher.PostFilter{}, func(*matcher.Post) bool { return true }},
		{"source", matcher.PostFilter{Source: "beta"}, func(p *matcher.Post) bool { return p.Source == "beta" }},
		{"channel", matcher.PostFilter{Channel: matcher.ChannelGrassroots}, func(p *matcher.Post) bool { return p.Channel == matcher.ChannelGrassroots }},
		{"kind", matcher.PostFilter{Kind: matcher.KindInternship}, func(p *matcher.Post) bool { return p.Kind == matcher.KindInternship }},
		{"district", matcher.PostFilter{District: "米东区"}, func(p *matcher.Post) bool { return p.District == "米东区" }},
		{"status", matcher.PostFilter{Status: matcher.PostFilled}, func(p *matcher.Post) bool { return p.Status == matcher.PostFilled }},
		{"ids", matcher.PostFilter{IDs: []string{"beta:P000010", "alpha:P000009", "nope:1"}}, func(p *matcher.Post) bool { return p.ID == "beta:P000010" || p.ID == "alpha:P000009" }},
		{"open at", matcher.PostFilter{OpenAt: now}, func(p *matcher.Post) bool { return p.Searchable(now) }},
		{"source and kind", matcher.PostFilter{Source: "alpha", Kind: matcher.KindJob}, func(p *matcher.Post) bool { return p.Source == "alpha" && p.Kind == matcher.KindJob }},
	}
	for _, tc := range cases {
		got := collectPosts(t, s, tc.f)
		w := want(tc.keep)
		if !slices.Equal(got, w) {
			t.Errorf("%s: got %v\nwant %v", tc.name, got, w)
		}
	}
	if n := len(collectPosts(t, s, matcher.PostFilter{OpenAt: now})); n != 37 {
		t.Errorf("open posts = %d, want 37", n)
	}

	// fn's error stops the walk and is returned.
	stop := errors.New("stop")
	n := 0
	err = s.EachPost(ctx, matcher.PostFilter{}, func(*matcher.Post) error {
		n++
		if n == 3 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 3 {
		t.Fatalf("EachPost stop: err %v after %d", err, n)
	}
}

func testPostDelete(t *testing.T, s matcher.FullStore) {
	p := Post("x", 1)
	_, err := s.UpsertPosts(ctx, []matcher.Post{p})
	must(t, err)
	must(t, s.DeletePost(ctx, p.ID))
	_, err = s.Post(ctx, p.ID)
	code(t, err, matcher.ENOTFOUND)
	code(t, s.DeletePost(ctx, p.ID), matcher.ENOTFOUND)
	out, err := s.UpsertPosts(ctx, []matcher.Post{p})
	must(t, err)
	outcomes(t, out, matcher.Inserted)
}

func testCourses(t *testing.T, s matcher.FullStore) {
	c := matcher.Course{Source: "hrss", ExternalID: "C1", Title: "电子商务师培训", Provider: "乌鲁木齐职业技能培训中心",
		Category: matcher.CourseSkills, District: "新市区", Majors: []string{"电子商务"}, StartDate: day("2026-08-01"),
		DurationDays: 30, Places: 40, Skills: []string{"直播带货"}}
	c2 := c
	c2.ExternalID, c2.Category = "C0", matcher.CourseEntrepreneurship
	out, err := s.UpsertCourses(ctx, []matcher.Course{c, c2})
	must(t, err)
	outcomes(t, out, matcher.Inserted, matcher.Inserted)
	out, err = s.UpsertCourses(ctx, []matcher.Course{c})
	must(t, err)
	outcomes(t, out, matcher.Unchanged)
	c.Places = 50
	out, err = s.UpsertCourses(ctx, []matcher.Course{c})
	must(t, err)
	outcomes(t, out, matcher.Updated)
	got, err := s.Course(ctx, "hrss:C1")
	must(t, err)
	got.UpdatedAt = time.Time{}
	c.ID = "hrss:C1"
	sameJSON(t, "course", got, c)
	_, err = s.Course(ctx, "hrss:none")
	code(t, err, matcher.ENOTFOUND)
	var ids []string
	must(t, s.EachCourse(ctx, func(c *matcher.Course) error { ids = append(ids, c.ID); return nil }))
	if !slices.Equal(ids, []string{"hrss:C0", "hrss:C1"}) {
		t.Fatalf("courses %v", ids)
	}
	_, err = s.UpsertCourses(ctx, []matcher.Course{{Title: "no key"}})
	code(t, err, matcher.EINVALID)
}

func testGraduates(t *testing.T, s matcher.FullStore) {
	g := Graduate(10) // with hardship
	out, err := s.UpsertGraduates(ctx, []matcher.Graduate{g, Graduate(11)})
	must(t, err)
	outcomes(t, out, matcher.Inserted, matcher.Inserted)
	got, err := s.Graduate(ctx, g.ID)
	must(t, err)
	if got.UpdatedAt.IsZero() {
		t.Fatal("UpdatedAt not set")
	}
	got.UpdatedAt = time.Time{}
	sameJSON(t, "graduate", got, g) // personal data comes back whole

	out, err = s.UpsertGraduates(ctx, []matcher.Graduate{g})
	must(t, err)
	outcomes(t, out, matcher.Unchanged)

	// A change in personal data alone is an update.
	for _, edit := range []func(g *matcher.Graduate){
		func(g *matcher.Graduate) { g.Phone = "13900000000" },
		func(g *matcher.Graduate) { g.Hardship = nil },
		func(g *matcher.Graduate) { g.NationalID = "650102200301011236" },
		func(g *matcher.Graduate) { g.Skills = []string{"SAP"} },
	} {
		edit(&g)
		out, err = s.UpsertGraduates(ctx, []matcher.Graduate{g})
		must(t, err)
		outcomes(t, out, matcher.Updated)
	}
	got, err = s.Graduate(ctx, g.ID)
	must(t, err)
	got.UpdatedAt = time.Time{}
	sameJSON(t, "edited graduate", got, g)

	byNID, err := s.GraduateByNationalID(ctx, "650102200301011236")
	must(t, err)
	if byNID.ID != g.ID {
		t.Fatalf("by national id: %s", byNID.ID)
	}
	_, err = s.GraduateByNationalID(ctx, Graduate(10).NationalID) // the old one
	code(t, err, matcher.ENOTFOUND)
	_, err = s.Graduate(ctx, "G-none")
	code(t, err, matcher.ENOTFOUND)
	_, err = s.UpsertGraduates(ctx, []matcher.Graduate{{Name: "no id"}})
	code(t, err, matcher.EINVALID)
}

func testGraduateFilters(t *testing.T, s matcher.FullStore) {
	var gs []matcher.Graduate
	for i := 30; i > 0; i-- {
		g := Graduate(i)
		if i%3 == 0 {
			g.Status = matcher.StatusPlaced
		}
		gs = append(gs, g)
	}
	_, err := s.UpsertGraduates(ctx, gs)
	must(t, err)
	// Moving a graduate out of a district takes them out of its index.
	moved := gs[0]
	moved.HukouDistrict, moved.ResidenceDistrict = "达坂城区", "达坂城区"
	_, err = s.UpsertGraduates(ctx, []matcher.Graduate{moved})
	must(t, err)
	gs[0] = moved

	cases := []struct {
		name string
		f    matcher.GraduateFilter
		keep func(g *matcher.Graduate) bool
	}{
		{"all", matcher.GraduateFilter{}, func(*matcher.Graduate) bool { return true }},
		{"district", matcher.GraduateFilter{District: "天山区"}, func(g *matcher.Graduate) bool {
			return g.HukouDistrict == "天山区" || g.ResidenceDistrict == "天山区"
		}},
		{"moved", matcher.GraduateFilter{District: "达坂城区"}, func(g *matcher.Graduate) bool {
			return g.HukouDistrict == "达坂城区" || g.ResidenceDistrict == "达坂城区"
		}},
		{"status", matcher.GraduateFilter{Status: matcher.StatusPlaced}, func(g *matcher.Graduate) bool { return g.Status == matcher.StatusPlaced }},
		{"district and status", matcher.GraduateFilter{District: "米东区", Status: matcher.StatusSeeking}, func(g *matcher.Graduate) bool {
			return (g.HukouDistrict == "米东区" || g.ResidenceDistrict == "米东区") && g.Status == matcher.StatusSeeking
		}},
		{"ids", matcher.GraduateFilter{IDs: []string{"G0000003", "G0000007"}}, func(g *matcher.Graduate) bool { return g.ID == "G0000003" || g.ID == "G0000007" }},
		// A shard's slice of the ledger: [IDFrom, IDTo), IDTo "" unbounded.
		{"id range", matcher.GraduateFilter{IDFrom: "G0000003", IDTo: "G0000007"}, func(g *matcher.Graduate) bool { return g.ID >= "G0000003" && g.ID < "G0000007" }},
		{"id range to the end", matcher.GraduateFilter{IDFrom: "G0000005"}, func(g *matcher.Graduate) bool { return g.ID >= "G0000005" }},
		{"id range from the start", matcher.GraduateFilter{IDTo: "G0000004"}, func(g *matcher.Graduate) bool { return g.ID < "G0000004" }},
		{"id range and status", matcher.GraduateFilter{IDFrom: "G0000002", IDTo: "G0000009", Status: matcher.StatusPlaced}, func(g *matcher.Graduate) bool {
			return g.ID >= "G0000002" && g.ID < "G0000009" && g.Status == matcher.StatusPlaced
		}},
	}
	for _, tc := range cases {
		var got, want []string
		must(t, s.EachGraduate(ctx, tc.f, func(g *matcher.Graduate) error {
			if g.Phone == "" {
				return fmt.Errorf("graduate %s without personal data", g.ID)
			}
			got = append(got, g.ID)
			return nil
		}))
		for i := range gs {
			if tc.keep(&gs[i]) {
				want = append(want, gs[i].ID)
			}
		}
		slices.Sort(want)
		if len(want) == 0 || !slices.Equal(got, want) {
			t.Errorf("%s: got %v\nwant %v", tc.name, got, want)
		}
	}
}

// testLedgerStamp: the stamp moves on every insert, update and delete and
// not on an unchanged write, and UpdatedSince reads only what was written
// at or after it (what the caseload's in-memory ledger relies on).
func testLedgerStamp(t *testing.T, s matcher.FullStore) {
	ls, ok := s.(matcher.LedgerStamper)
	if !ok {
		t.Fatal("the store does not stamp its ledger")
	}
	stamp := func() matcher.LedgerStamp {
		st, err := ls.GraduateStamp(ctx)
		must(t, err)
		return st
	}
	if st := stamp(); st.Count != 0 || !st.Latest.IsZero() {
		t.Fatalf("empty ledger stamped %+v", st)
	}
	gs := []matcher.Graduate{Graduate(1), Graduate(2), Graduate(3)}
	_, err := s.UpsertGraduates(ctx, gs)
	must(t, err)
	first := stamp()
	if first.Count != 3 || first.Latest.IsZero() {
		t.Fatalf("after 3 inserts: %+v", first)
	}
	_, err = s.UpsertGraduates(ctx, gs[:1])
	must(t, err)
	if st := stamp(); st != first && !(st.Count == first.Count && st.Latest.Equal(first.Latest)) {
		t.Errorf("an unchanged write moved the stamp: %+v → %+v", first, st)
	}
	changed := gs[1]
	changed.Phone = "13900000000"
	_, err = s.UpsertGraduates(ctx, []matcher.Graduate{changed})
	must(t, err)
	second := stamp()
	if second.Count != 3 || !second.Latest.After(first.Latest) {
		t.Errorf("an update left the stamp: %+v → %+v", first, second)
	}
	var since []string
	must(t, s.EachGraduate(ctx, matcher.GraduateFilter{UpdatedSince: second.Latest}, func(g *matcher.Graduate) error {
		if g.Phone == "" {
			return fmt.Errorf("graduate %s without personal data", g.ID)
		}
		since = append(since, g.ID)
		return nil
	}))
	if !slices.Equal(since, []string{changed.ID}) {
		t.Errorf("UpdatedSince the latest write: got %v, want [%s]", since, changed.ID)
	}
	must(t, s.DeleteGraduate(ctx, gs[2].ID))
	if st := stamp(); st.Count != 2 {
		t.Errorf("after a delete: %+v", st)
	}
}

func testDeleteGraduate(t *testing.T, s matcher.FullStore) {
	g, keep := Graduate(1), Graduate(2)
	_, err := s.UpsertGraduates(ctx, []matcher.Graduate{g, keep})
	must(t, err)
	run := &matcher.Run{}
	must(t, s.CreateRun(ctx, run))
	items := []matcher.StoredRecommendation{{PostID: "a:1", Kind: matcher.KindJob, Rank: 1, Score: 0.9, Item: json.RawMessage(`{"title":"x"}`)}}
	must(t, s.SaveRecommendations(ctx, run.ID, []matcher.GraduateRecommendations{{GraduateID: g.ID, Items: items}, {GraduateID: keep.ID, Items: items}}))
	must(t, s.PublishRun(ctx, run.ID))
	ledger := matcher.LedgerSource("k")
	must(t, s.RecordFeedback(ctx, matcher.FeedbackEvent{GraduateID: g.ID, PostID: "a:1", Type: matcher.FeedbackClick, Source: ledger}))
	must(t, s.RecordFeedback(ctx, matcher.FeedbackEvent{GraduateID: keep.ID, PostID: "a:1", Type: matcher.FeedbackClick, Source: ledger}))
	// A portal's own user whose opaque ID happens to equal the ledger's.
	must(t, s.RecordFeedback(ctx, matcher.FeedbackEvent{GraduateID: g.ID, PostID: "a:1", Type: matcher.FeedbackApply, Source: "zhaopin"}))
	must(t, s.LogContact(ctx, matcher.ContactEntry{GraduateID: g.ID, KeyID: "k", Method: "phone"}))
	must(t, s.EditShortlist(ctx, matcher.ShortlistEdit{GraduateID: g.ID, PostID: "a:1", Action: "pin", KeyID: "k"}))
	must(t, s.Audit(ctx, matcher.AuditEntry{KeyID: "k", Role: matcher.RoleCounselor, Action: "graduate.read", GraduateID: g.ID}))

	must(t, s.DeleteGraduate(ctx, g.ID))

	_, err = s.Graduate(ctx, g.ID)
	code(t, err, matcher.ENOTFOUND)
	_, err = s.GraduateByNationalID(ctx, g.NationalID)
	code(t, err, matcher.ENOTFOUND)
	var seen []string
	must(t, s.EachGraduate(ctx, matcher.GraduateFilter{District: g.HukouDistrict}, func(x *matcher.Graduate) error {
		seen = append(seen, x.ID)
		return nil
	}))
	if slices.Contains(seen, g.ID) {
		t.Fatal("deleted graduate still in the district index")
	}
	_, recs, err := s.RecommendationsFor(ctx, g.ID)
	must(t, err)
	if len(recs) != 0 {
		t.Fatalf("deleted graduate still has recommendations: %v", recs)
	}
	ids, err := s.RunGraduateIDs(ctx, run.ID)
	must(t, err)
	if !slices.Equal(ids, []string{keep.ID}) {
		t.Fatalf("run graduates after delete: %v", ids)
	}
	// The list's digest goes with it: the diff's walk of the run names
	// only the other graduate.
	var digested []string
	must(t, s.EachRunListDigest(ctx, run.ID, func(id string, digest []byte, _ []string) error {
		if digest == nil {
			return fmt.Errorf("list of %s without a digest", id)
		}
		digested = append(digested, id)
		return nil
	}))
	if !slices.Equal(digested, []string{keep.ID}) {
		t.Fatalf("digests after delete: %v", digested)
	}
	_, recs, err = s.RecommendationsFor(ctx, keep.ID)
	must(t, err)
	if len(recs) != 1 {
		t.Fatalf("other graduate lost recommendations: %v", recs)
	}
	var fb []string
	must(t, s.EachFeedback(ctx, time.Time{}, func(e matcher.FeedbackEvent) error { fb = append(fb, e.Source+"/"+e.GraduateID); return nil }))
	slices.Sort(fb)
	if want := []string{ledger + "/" + keep.ID, "zhaopin/" + g.ID}; !slices.Equal(fb, want) {
		t.Fatalf("feedback after delete: %v, want %v (the ledger's events of the graduate go, a portal's stay)", fb, want)
	}
	cs, err := s.Contacts(ctx, g.ID)
	must(t, err)
	es, err := s.ShortlistEdits(ctx, g.ID)
	must(t, err)
	if len(cs)+len(es) != 0 {
		t.Fatalf("casework remains: %v %v", cs, es)
	}
	audit, err := s.AuditLog(ctx, g.ID, 10)
	must(t, err)
	if len(audit) != 1 {
		t.Fatalf("audit entries must outlive the graduate: %v", audit)
	}
	code(t, s.DeleteGraduate(ctx, g.ID), matcher.ENOTFOUND)
}

func testKeys(t *testing.T, s matcher.FullStore) {
	now := time.Now()
	portal := &matcher.APIKey{Name: "智联", Role: matcher.RolePortal, Source: "zhaopin", Hash: []byte("hash-portal"), Rate: 250.5, Burst: 500}
	must(t, s.CreateKey(ctx, portal))
	if portal.ID == "" || portal.CreatedAt.IsZero() {
		t.Fatalf("ID and CreatedAt not filled in: %+v", portal)
	}
	expired := &matcher.APIKey{Role: matcher.RoleCounselor, District: "天山区", Hash: []byte("hash-old"), ExpiresAt: now.Add(-time.Hour)}
	must(t, s.CreateKey(ctx, expired))
	code(t, s.CreateKey(ctx, &matcher.APIKey{Role: matcher.RoleAdmin, Hash: []byte("hash-portal")}), matcher.ECONFLICT)
	code(t, s.CreateKey(ctx, &matcher.APIKey{Role: "root", Hash: []byte("h")}), matcher.EINVALID)
	code(t, s.CreateKey(ctx, &matcher.APIKey{Role: matcher.RoleAdmin}), matcher.EINVALID)
	code(t, s.CreateKey(ctx, &matcher.APIKey{Role: matcher.RoleAdmin, Hash: []byte("h-neg"), Rate: -1}), matcher.EINVALID)

	k, err := s.KeyByHash(ctx, []byte("hash-portal"))
	must(t, err)
	if k.ID != portal.ID || k.Role != matcher.RolePortal || k.Source != "zhaopin" || k.Name != "智联" || !k.Active(now) || k.Rate != 250.5 || k.Burst != 500 {
		t.Fatalf("key by hash: %+v", k)
	}
	k, err = s.KeyByHash(ctx, []byte("hash-old"))
	must(t, err)
	if k.Active(now) || k.District != "天山区" {
		t.Fatalf("expired key: %+v active=%v", k, k.Active(now))
	}
	_, err = s.KeyByHash(ctx, []byte("nope"))
	code(t, err, matcher.ENOTFOUND)

	must(t, s.RevokeKey(ctx, portal.ID))
	k, err = s.KeyByHash(ctx, []byte("hash-portal"))
	must(t, err)
	if k.Active(time.Now()) || k.RevokedAt.IsZero() {
		t.Fatalf("revoked key still active: %+v", k)
	}
	first := k.RevokedAt
	must(t, s.RevokeKey(ctx, portal.ID))
	k, _ = s.KeyByHash(ctx, []byte("hash-portal"))
	if !k.RevokedAt.Equal(first) {
		t.Fatal("revoking twice moved the revocation time")
	}
	code(t, s.RevokeKey(ctx, "none"), matcher.ENOTFOUND)

	keys, err := s.ListKeys(ctx)
	must(t, err)
	if len(keys) != 2 || keys[0].ID != portal.ID || keys[1].ID != expired.ID {
		t.Fatalf("list keys: %+v", keys)
	}
}

func testAudit(t *testing.T, s matcher.FullStore) {
	base := time.Now().Add(-time.Hour).Truncate(time.Millisecond)
	for i := 0; i < 5; i++ {
		gid := "G1"
		if i%2 == 1 {
			gid = "G2"
		}
		must(t, s.Audit(ctx, matcher.AuditEntry{At: base.Add(time.Duration(i) * time.Minute), KeyID: "k1", Role: matcher.RoleCounselor,
			Action: "graduate.read", GraduateID: gid, Detail: fmt.Sprint(i), Client: "192.0.2.7"}))
	}
	all, err := s.AuditLog(ctx, "", 10)
	must(t, err)
	var details []string
	for _, e := range all {
		details = append(details, e.Detail)
	}
	if !slices.Equal(details, []string{"4", "3", "2", "1", "0"}) {
		t.Fatalf("audit order: %v", details)
	}
	g1, err := s.AuditLog(ctx, "G1", 2)
	must(t, err)
	if len(g1) != 2 || g1[0].Detail != "4" || g1[1].Detail != "2" || g1[0].GraduateID != "G1" || !g1[0].At.Equal(base.Add(4*time.Minute)) {
		t.Fatalf("audit for G1: %+v", g1)
	}
	if g1[0].ID == "" || g1[0].Role != matcher.RoleCounselor || g1[0].Action != "graduate.read" || g1[0].Client != "192.0.2.7" {
		t.Fatalf("audit fields: %+v", g1[0])
	}
}

func testAuditBatch(t *testing.T, s matcher.FullStore) {
	at := time.Now().Add(-time.Hour).Truncate(time.Millisecond)
	before := time.Now()
	must(t, s.Audit(ctx, matcher.AuditEntry{ID: "first", At: at, KeyID: "k0", Role: matcher.RoleAdmin, Action: "graduate.read", GraduateID: "G0"}))
	batch := []matcher.AuditEntry{
		{ID: "kept", At: at, KeyID: "k1", Role: matcher.RoleCounselor, Action: "graduate.list", GraduateID: "G1", Detail: "0"},
		{KeyID: "k1", Role: matcher.RoleCounselor, Action: "graduate.list", GraduateID: "G2", Detail: "1"}, // ID and At filled in
		{At: at.Add(time.Minute), KeyID: "k1", Role: matcher.RoleCounselor, Action: "graduate.list", GraduateID: "G1", Detail: "2"},
	}
	must(t, s.AuditBatch(ctx, batch))
	if batch[1].ID != "" || !batch[1].At.IsZero() {
		t.Fatalf("AuditBatch changed the caller's entries: %+v", batch[1])
	}
	must(t, s.AuditBatch(ctx, nil))

	// All or nothing: a batch refused before its commit writes none of
	// its entries.
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := s.AuditBatch(cancelled, []matcher.AuditEntry{{KeyID: "k2", Action: "graduate.read", GraduateID: "G9"}, {KeyID: "k2", Action: "graduate.read", GraduateID: "G9"}}); err == nil {
		t.Fatal("AuditBatch with a cancelled context succeeded")
	}

	all, err := s.AuditLog(ctx, "", 10)
	must(t, err)
	var details []string
	for _, e := range all {
		details = append(details, e.Detail)
	}
	// Newest first: the batch's entries in reverse order of the slice,
	// after the entry written before it.
	if !slices.Equal(details, []string{"2", "1", "0", ""}) || all[3].ID != "first" {
		t.Fatalf("audit after batch: %+v", all)
	}
	if all[2].ID != "kept" || !all[2].At.Equal(at) || all[2].Role != matcher.RoleCounselor || all[2].Action != "graduate.list" || all[2].KeyID != "k1" {
		t.Fatalf("batch entry with ID: %+v", all[2])
	}
	if all[1].ID == "" || all[1].ID == all[0].ID || all[1].ID == "kept" || all[1].At.Before(before.Truncate(time.Millisecond)) || all[1].At.After(time.Now()) {
		t.Fatalf("batch entry without ID or time not filled in: %+v (others %q, %q)", all[1], all[0].ID, all[2].ID)
	}
	if all[0].ID == "" || !all[0].At.Equal(at.Add(time.Minute)) {
		t.Fatalf("batch entry without ID: %+v", all[0])
	}
	g1, err := s.AuditLog(ctx, "G1", 10)
	must(t, err)
	if len(g1) != 2 || g1[0].Detail != "2" || g1[1].Detail != "0" {
		t.Fatalf("audit for G1 after batch: %+v", g1)
	}
	g9, err := s.AuditLog(ctx, "G9", 10)
	must(t, err)
	if len(g9) != 0 {
		t.Fatalf("refused batch left %d entries", len(g9))
	}
}

func testFeedback(t *testing.T, s matcher.FullStore) {
	code(t, s.RecordFeedback(ctx, matcher.FeedbackEvent{PostID: "a:1", Type: "like"}), matcher.EINVALID)
	base := time.Now().Add(-time.Hour).Truncate(time.Millisecond)
	for i, typ := range matcher.FeedbackTypes {
		must(t, s.RecordFeedback(ctx, matcher.FeedbackEvent{ID: fmt.Sprint("e", i), GraduateID: "G1", PostID: "a:1", Type: typ,
			At: base.Add(time.Duration(i) * time.Minute), Source: "zhaopin"}))
	}
	// The same event reported twice by its source is kept once; another
	// source's event with the same ID is another event.
	must(t, s.RecordFeedback(ctx, matcher.FeedbackEvent{ID: "e0", GraduateID: "G1", PostID: "a:1", Type: matcher.FeedbackImpression, At: base, Source: "zhaopin"}))
	must(t, s.RecordFeedback(ctx, matcher.FeedbackEvent{ID: "e0", GraduateID: "U7", PostID: "a:1", Type: matcher.FeedbackClick, At: base, Source: "liepin"}))
	var got []matcher.FeedbackType
	var sources []string
	must(t, s.EachFeedback(ctx, time.Time{}, func(e matcher.FeedbackEvent) error {
		if e.Source == "zhaopin" {
			got = append(got, e.Type)
		}
		sources = append(sources, e.Source)
		return nil
	}))
	if !slices.Equal(got, matcher.FeedbackTypes) || len(sources) != len(matcher.FeedbackTypes)+1 {
		t.Fatalf("feedback: %v from %v", got, sources)
	}
	got = nil
	must(t, s.EachFeedback(ctx, base.Add(4*time.Minute), func(e matcher.FeedbackEvent) error {
		if e.Source != "zhaopin" || e.PostID != "a:1" {
			return fmt.Errorf("fields lost: %+v", e)
		}
		got = append(got, e.Type)
		return nil
	}))
	if !slices.Equal(got, []matcher.FeedbackType{matcher.FeedbackHire, matcher.FeedbackDismiss}) {
		t.Fatalf("feedback since: %v", got)
	}
}

func ids(posts []matcher.Post) []string {
	var out []string
	for _, p := range posts {
		out = append(out, p.ID)
	}
	return out
}

func testChangeFeed(t *testing.T, s matcher.FullStore) {
	seq0, err := s.PostSeq(ctx)
	must(t, err)
	a, b, c := Post("f", 1), Post("f", 2), Post("f", 3)
	_, err = s.UpsertPosts(ctx, []matcher.Post{a, b, c})
	must(t, err)
	posts, del, seq1, err := s.PostChanges(ctx, seq0, 100)
	must(t, err)
	if !slices.Equal(ids(posts), []string{a.ID, b.ID, c.ID}) || len(del) != 0 || seq1 <= seq0 {
		t.Fatalf("first changes: %v %v %d", ids(posts), del, seq1)
	}
	if cur, _ := s.PostSeq(ctx); cur != seq1 {
		t.Fatalf("PostSeq %d, last change %d", cur, seq1)
	}
	// Nothing changed: nothing to report, same sequence.
	_, err = s.UpsertPosts(ctx, []matcher.Post{a, b})
	must(t, err)
	posts, del, seq, err := s.PostChanges(ctx, seq1, 100)
	must(t, err)
	if len(posts)+len(del) != 0 || seq != seq1 {
		t.Fatalf("unchanged upsert produced changes: %v %v %d", ids(posts), del, seq)
	}
	// Update a, delete b, update a again: a once (latest), b deleted.
	a.Title = "出纳"
	_, err = s.UpsertPosts(ctx, []matcher.Post{a})
	must(t, err)
	must(t, s.DeletePost(ctx, b.ID))
	a.Title = "出纳员"
	_, err = s.UpsertPosts(ctx, []matcher.Post{a})
	must(t, err)
	posts, del, seq2, err := s.PostChanges(ctx, seq1, 100)
	must(t, err)
	if !slices.Equal(ids(posts), []string{a.ID}) || posts[0].Title != "出纳员" || !slices.Equal(del, []string{b.ID}) || seq2 <= seq1 {
		t.Fatalf("second changes: %v %v %d", ids(posts), del, seq2)
	}
	// Paging: limit 1 walks the same changes one at a time.
	var walked []string
	for cur := seq0; ; {
		p, d, next, err := s.PostChanges(ctx, cur, 1)
		must(t, err)
		if len(p)+len(d) == 0 {
			break
		}
		if len(p)+len(d) != 1 || next <= cur {
			t.Fatalf("page after %d: %v %v %d", cur, ids(p), d, next)
		}
		walked = append(walked, append(ids(p), d...)...)
		cur = next
	}
	if !slices.Equal(walked, []string{c.ID, b.ID, a.ID}) {
		t.Fatalf("paged changes: %v", walked)
	}
}

func rec(postID string, rank int) matcher.StoredRecommendation {
	return matcher.StoredRecommendation{PostID: postID, Kind: matcher.KindJob, Rank: rank, Score: 1 / float64(rank),
		Item: json.RawMessage(fmt.Sprintf(`{"post_id":%q,"reasons":["专业对口"]}`, postID))}
}

func testRuns(t *testing.T, s matcher.FullStore) {
	_, err := s.LatestRun(ctx)
	code(t, err, matcher.ENOTFOUND)
	_, _, err = s.RecommendationsFor(ctx, "G1")
	code(t, err, matcher.ENOTFOUND)
	_, _, err = s.DefaultListFor(ctx, "G1")
	code(t, err, matcher.ENOTFOUND)

	r1 := &matcher.Run{Note: "nightly"}
	must(t, s.CreateRun(ctx, r1))
	if r1.ID == "" || r1.Status != matcher.RunRunning || r1.StartedAt.IsZero() {
		t.Fatalf("created run: %+v", r1)
	}
	must(t, s.SaveRecommendations(ctx, r1.ID, []matcher.GraduateRecommendations{
		{GraduateID: "G2", Items: []matcher.StoredRecommendation{rec("a:2", 2), rec("a:1", 1)}},
		{GraduateID: "G1", Items: []matcher.StoredRecommendation{rec("a:3", 1)}},
	}))
	// Re-saving replaces, not appends.
	must(t, s.SaveRecommendations(ctx, r1.ID, []matcher.GraduateRecommendations{
		{GraduateID: "G1", Items: []matcher.StoredRecommendation{rec("a:4", 1), rec("a:5", 2)}},
	}))
	gids, err := s.RunGraduateIDs(ctx, r1.ID)
	must(t, err)
	if !slices.Equal(gids, []string{"G1", "G2"}) {
		t.Fatalf("run graduates: %v", gids)
	}
	for _, c := range []struct {
		from, to string
		want     []string
	}{{"", "", []string{"G1", "G2"}}, {"G2", "", []string{"G2"}}, {"", "G2", []string{"G1"}}, {"G10", "G2", nil}, {"G1", "G3", []string{"G1", "G2"}}} {
		gids, err := s.RunGraduateIDsIn(ctx, r1.ID, c.from, c.to)
		must(t, err)
		if !slices.Equal(gids, c.want) {
			t.Fatalf("run graduates in [%q, %q): %v; want %v", c.from, c.to, gids, c.want)
		}
	}
	_, err = s.LatestRun(ctx)
	code(t, err, matcher.ENOTFOUND) // not published yet

	must(t, s.PublishRun(ctx, r1.ID))
	latest, err := s.LatestRun(ctx)
	must(t, err)
	if latest.ID != r1.ID || latest.Status != matcher.RunPublished || latest.FinishedAt.IsZero() || latest.Graduates != 2 || latest.Note != "nightly" {
		t.Fatalf("latest run: %+v", latest)
	}
	runID, items, err := s.RecommendationsFor(ctx, "G2")
	must(t, err)
	if runID != r1.ID || len(items) != 2 || items[0].PostID != "a:1" || items[1].PostID != "a:2" || items[0].Score != 1 {
		t.Fatalf("recommendations: %s %+v", runID, items)
	}
	var item struct {
		PostID string `json:"post_id"`
	}
	must(t, json.Unmarshal(items[0].Item, &item))
	if item.PostID != "a:1" {
		t.Fatalf("item payload: %s", items[0].Item)
	}
	_, items, err = s.RecommendationsFor(ctx, "G1")
	must(t, err)
	if len(items) != 2 || items[0].PostID != "a:4" {
		t.Fatalf("re-saved recommendations: %+v", items)
	}
	_, items, err = s.RecommendationsFor(ctx, "G-none")
	must(t, err)
	if len(items) != 0 {
		t.Fatalf("unknown graduate: %v", items)
	}
	code(t, s.SaveRecommendations(ctx, r1.ID, []matcher.GraduateRecommendations{{GraduateID: "G3"}}), matcher.ECONFLICT)
	code(t, s.SaveRecommendations(ctx, "none", nil), matcher.ENOTFOUND)
	code(t, s.PublishRun(ctx, "none"), matcher.ENOTFOUND)

	r2 := &matcher.Run{}
	must(t, s.CreateRun(ctx, r2))
	must(t, s.SaveRecommendations(ctx, r2.ID, []matcher.GraduateRecommendations{{GraduateID: "G2", Items: []matcher.StoredRecommendation{rec("b:9", 1)}}}))
	runID, items, _ = s.RecommendationsFor(ctx, "G2")
	if runID != r1.ID || items[0].PostID != "a:1" {
		t.Fatal("an unpublished run is visible")
	}
	must(t, s.FailRun(ctx, r2.ID, "killed"))
	code(t, s.PublishRun(ctx, r2.ID), matcher.ECONFLICT)
	got, err := s.Run(ctx, r2.ID)
	must(t, err)
	if got.Status != matcher.RunFailed || got.Note != "killed" {
		t.Fatalf("failed run: %+v", got)
	}
	_, err = s.Run(ctx, "none")
	code(t, err, matcher.ENOTFOUND)
}

// testRunPublishAtomic reads recommendations while a second run is written
// and published: every read sees one run whole, never a mix.
func testRunPublishAtomic(t *testing.T, s matcher.FullStore) {
	const graduates = 60
	write := func(tag string) *matcher.Run {
		r := &matcher.Run{}
		must(t, s.CreateRun(ctx, r))
		for chunk := 0; chunk < graduates; chunk += 20 {
			var recs []matcher.GraduateRecommendations
			for i := chunk; i < chunk+20; i++ {
				recs = append(recs, matcher.GraduateRecommendations{GraduateID: fmt.Sprintf("G%03d", i),
					Items: []matcher.StoredRecommendation{rec(tag+":1", 1), rec(tag+":2", 2)}})
			}
			must(t, s.SaveRecommendations(ctx, r.ID, recs))
		}
		return r
	}
	r1 := write("old")
	must(t, s.PublishRun(ctx, r1.ID))

	var wg sync.WaitGroup
	done := make(chan struct{})
	errs := make(chan error, 1)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-done:
				return
			default:
			}
			runID, items, err := s.RecommendationsFor(ctx, fmt.Sprintf("G%03d", i%graduates))
			if err == nil && len(items) != 2 {
				err = fmt.Errorf("run %s: %d items", runID, len(items))
			}
			if err == nil {
				tag := "old"
				if runID != r1.ID {
					tag = "new"
				}
				if items[0].PostID != tag+":1" || items[1].PostID != tag+":2" {
					err = fmt.Errorf("run %s served items %s, %s", runID, items[0].PostID, items[1].PostID)
				}
			}
			if err != nil {
				select {
				case errs <- err:
				default:
				}
				return
			}
		}
	}()
	r2 := write("new")
	must(t, s.PublishRun(ctx, r2.ID))
	close(done)
	wg.Wait()
	select {
	case err := <-errs:
		t.Fatal(err)
	default:
	}
	runID, items, err := s.RecommendationsFor(ctx, "G007")
	must(t, err)
	if runID != r2.ID || items[0].PostID != "new:1" {
		t.Fatalf("after publish: %s %v", runID, items)
	}
}

func testImportReport(t *testing.T, s matcher.FullStore) {
	r := &matcher.ImportReport{Entity: "posts", Files: []string{"a.csv", "b.xlsx"}, StartedAt: day("2026-07-01"),
		FinishedAt: day("2026-07-01").Add(3 * time.Second), Accepted: 10, Updated: 2, Unchanged: 3, Duplicate: 1, Rejected: 1,
		Errors:  []matcher.RowError{{File: "b.xlsx", Sheet: "Sheet1", Line: 7, Column: "薪资", Value: "abc", Reason: "无法识别的薪资"}},
		Elapsed: 3 * time.Second}
	must(t, s.SaveImport(ctx, r))
	if r.ID == "" {
		t.Fatal("import ID not filled in")
	}
	got, err := s.Import(ctx, r.ID)
	must(t, err)
	sameJSON(t, "import report", got, r)
	_, err = s.Import(ctx, "none")
	code(t, err, matcher.ENOTFOUND)
}

func testResumableImport(t *testing.T, s matcher.FullStore) {
	_, err := s.BeginImport(ctx, "people", nil, "x")
	code(t, err, matcher.EINVALID)
	files := []string{"posts.csv"}
	job, err := s.BeginImport(ctx, "posts", files, "sha256:abc")
	must(t, err)
	if job.LastRow != 0 || job.ID == "" {
		t.Fatalf("new job: %+v", job)
	}
	chunk1 := matcher.ImportChunk{LastRow: 3, Posts: []matcher.Post{Post("imp", 1), Post("imp", 2)},
		Rejected: []matcher.RowError{{File: "posts.csv", Line: 3, Column: "salary", Reason: "bad"}}}
	out, err := s.CommitChunk(ctx, job.ID, chunk1)
	must(t, err)
	outcomes(t, out, matcher.Inserted, matcher.Inserted)

	// The process dies here; the same input begins again and resumes.
	again, err := s.BeginImport(ctx, "posts", files, "sha256:abc")
	must(t, err)
	if again.ID != job.ID || again.LastRow != 3 || again.Accepted != 2 || again.Rejected != 1 {
		t.Fatalf("resumed job: %+v", again)
	}
	other, err := s.BeginImport(ctx, "posts", files, "sha256:other")
	must(t, err)
	if other.ID == job.ID {
		t.Fatal("different input resumed the same job")
	}
	// A retried chunk that already committed changes nothing.
	out, err = s.CommitChunk(ctx, job.ID, chunk1)
	must(t, err)
	if out != nil {
		t.Fatalf("recommitted chunk: %v", out)
	}
	dup := Post("imp2", 1)
	dup.DuplicateOf = "imp:P000001"
	edited := Post("imp", 2)
	edited.Title = "改过的"
	out, err = s.CommitChunk(ctx, job.ID, matcher.ImportChunk{LastRow: 6, Posts: []matcher.Post{Post("imp", 1), edited, dup}})
	must(t, err)
	outcomes(t, out, matcher.Unchanged, matcher.Updated, matcher.Inserted)
	rep, err := s.FinishImport(ctx, job.ID)
	must(t, err)
	if rep.ID != job.ID || rep.Entity != "posts" || rep.Accepted != 2 || rep.Updated != 1 || rep.Unchanged != 1 ||
		rep.Duplicate != 1 || rep.Rejected != 1 || len(rep.Errors) != 1 || rep.Errors[0].Line != 3 || rep.FinishedAt.IsZero() {
		t.Fatalf("report: %+v", rep)
	}
	saved, err := s.Import(ctx, job.ID)
	must(t, err)
	sameJSON(t, "saved report", saved, rep)
	_, err = s.CommitChunk(ctx, job.ID, matcher.ImportChunk{LastRow: 9})
	code(t, err, matcher.ECONFLICT)
	// A finished job is not resumed: the same input again is a new import.
	next, err := s.BeginImport(ctx, "posts", files, "sha256:abc")
	must(t, err)
	if next.ID == job.ID || next.LastRow != 0 {
		t.Fatalf("finished job resumed: %+v", next)
	}

	gjob, err := s.BeginImport(ctx, "graduates", []string{"g.csv"}, "g")
	must(t, err)
	out, err = s.CommitChunk(ctx, gjob.ID, matcher.ImportChunk{LastRow: 2, Graduates: []matcher.Graduate{Graduate(1), Graduate(2)}})
	must(t, err)
	outcomes(t, out, matcher.Inserted, matcher.Inserted)
	if _, err := s.Graduate(ctx, Graduate(2).ID); err != nil {
		t.Fatal(err)
	}
	cjob, err := s.BeginImport(ctx, "courses", []string{"c.csv"}, "c")
	must(t, err)
	out, err = s.CommitChunk(ctx, cjob.ID, matcher.ImportChunk{LastRow: 1, Courses: []matcher.Course{{Source: "s", ExternalID: "1", Title: "t", Category: matcher.CourseSkills}}})
	must(t, err)
	outcomes(t, out, matcher.Inserted)
	// A chunk with an invalid record commits nothing, progress included.
	_, err = s.CommitChunk(ctx, cjob.ID, matcher.ImportChunk{LastRow: 2, Courses: []matcher.Course{{Title: "no key"}}})
	code(t, err, matcher.EINVALID)
	cj, err := s.BeginImport(ctx, "courses", []string{"c.csv"}, "c")
	must(t, err)
	if cj.LastRow != 1 {
		t.Fatalf("failed chunk advanced progress: %+v", cj)
	}
}

func testCasework(t *testing.T, s matcher.FullStore) {
	_, err := s.UpsertGraduates(ctx, []matcher.Graduate{Graduate(1)})
	must(t, err)
	gid := Graduate(1).ID
	code(t, s.LogContact(ctx, matcher.ContactEntry{GraduateID: "G-none", Method: "phone"}), matcher.ENOTFOUND)
	base := time.Now().Add(-time.Hour).Truncate(time.Millisecond)
	must(t, s.LogContact(ctx, matcher.ContactEntry{GraduateID: gid, At: base, KeyID: "k", Method: "phone", Outcome: "未接通"}))
	must(t, s.LogContact(ctx, matcher.ContactEntry{GraduateID: gid, At: base.Add(time.Minute), KeyID: "k", Method: "visit", Outcome: "已登记"}))
	cs, err := s.Contacts(ctx, gid)
	must(t, err)
	if len(cs) != 2 || cs[0].Method != "phone" || cs[1].Outcome != "已登记" || cs[0].ID == "" || !cs[1].At.Equal(base.Add(time.Minute)) {
		t.Fatalf("contacts: %+v", cs)
	}
	must(t, s.EditShortlist(ctx, matcher.ShortlistEdit{GraduateID: gid, PostID: "a:1", Action: "pin", KeyID: "k"}))
	must(t, s.EditShortlist(ctx, matcher.ShortlistEdit{GraduateID: gid, PostID: "a:2", Action: "remove", KeyID: "k", Note: "不感兴趣"}))
	es, err := s.ShortlistEdits(ctx, gid)
	must(t, err)
	if len(es) != 2 || es[0].Action != "pin" || es[1].PostID != "a:2" || es[1].Note != "不感兴趣" {
		t.Fatalf("shortlist edits: %+v", es)
	}
	code(t, s.EditShortlist(ctx, matcher.ShortlistEdit{GraduateID: gid}), matcher.EINVALID)
	must(t, s.EditShortlist(ctx, matcher.ShortlistEdit{GraduateID: gid, Action: matcher.EditConfirm, KeyID: "k"}))

	// UpdateShortlist: decide sees the edits so far; its error writes
	// nothing; an unknown graduate is ENOTFOUND.
	var seen int
	must(t, s.UpdateShortlist(ctx, gid, func(es []matcher.ShortlistEdit) ([]matcher.ShortlistEdit, error) {
		seen = len(es)
		return []matcher.ShortlistEdit{{PostID: "a:3", Action: "add", KeyID: "k", Note: "备注"}}, nil
	}))
	if seen != 3 {
		t.Errorf("decide saw %d edits, want 3", seen)
	}
	refused := matcher.Errorf(matcher.ECONFLICT, "不行", "no")
	if err := s.UpdateShortlist(ctx, gid, func([]matcher.ShortlistEdit) ([]matcher.ShortlistEdit, error) {
		return nil, refused
	}); matcher.ErrorCode(err) != matcher.ECONFLICT {
		t.Errorf("decide's error: got %v", err)
	}
	es, err = s.ShortlistEdits(ctx, gid)
	must(t, err)
	if len(es) != 4 || es[3].PostID != "a:3" || es[3].GraduateID != gid || es[3].ID == "" || es[3].At.IsZero() || es[3].Note != "备注" {
		t.Fatalf("after UpdateShortlist: %+v", es)
	}
	code(t, s.UpdateShortlist(ctx, "G-none", func([]matcher.ShortlistEdit) ([]matcher.ShortlistEdit, error) { return nil, nil }), matcher.ENOTFOUND)
}

// testShortlistUpdateConcurrent: many concurrent adds, each checking a
// limit inside UpdateShortlist, never exceed it (the check and the append
// are one transaction), and none is lost.
func testShortlistUpdateConcurrent(t *testing.T, s matcher.FullStore) {
	_, err := s.UpsertGraduates(ctx, []matcher.Graduate{Graduate(1)})
	must(t, err)
	gid := Graduate(1).ID
	const limit, adders = 3, 16
	var wg sync.WaitGroup
	var mu sync.Mutex
	accepted, refused := 0, 0
	for i := range adders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := s.UpdateShortlist(ctx, gid, func(es []matcher.ShortlistEdit) ([]matcher.ShortlistEdit, error) {
				n := 0
				for _, e := range es {
					if e.Action == "add" {
						n++
					}
				}
				if n >= limit {
					return nil, matcher.Errorf(matcher.ECONFLICT, "已满", "full")
				}
				// Widen the window between the check and the append (a
				// store opens connections one by one, so the first adders
				// would otherwise finish before the others start): without
				// one transaction around both, the adders overtake each
				// other here and the limit is exceeded.
				time.Sleep(50 * time.Millisecond)
				return []matcher.ShortlistEdit{{PostID: fmt.Sprintf("a:%d", i), Action: "add", KeyID: "k"}}, nil
			})
			mu.Lock()
			defer mu.Unlock()
			switch matcher.ErrorCode(err) {
			case "":
				accepted++
			case matcher.ECONFLICT:
				refused++
			default:
				t.Errorf("add %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	es, err := s.ShortlistEdits(ctx, gid)
	must(t, err)
	if len(es) != limit || accepted != limit || refused != adders-limit {
		t.Errorf("%d concurrent adds with a limit of %d: %d stored, %d accepted, %d refused", adders, limit, len(es), accepted, refused)
	}
}

// testChangeFeedConcurrent follows the feed while several writers upsert at
// once: the follower must end up having seen every post (a sequence number
// committed after a larger one was read would be missed).
func testChangeFeedConcurrent(t *testing.T, s matcher.FullStore) {
	const writers, perWriter, batch = 3, 60, 6
	start, err := s.PostSeq(ctx)
	must(t, err)
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < perWriter; i += batch {
				var ps []matcher.Post
				for j := i; j < i+batch; j++ {
					ps = append(ps, Post(fmt.Sprint("w", w), j))
				}
				if _, err := s.UpsertPosts(ctx, ps); err != nil {
					errs <- err
					return
				}
			}
		}(w)
	}
	seen := map[string]bool{}
	cur := start
	follow := func() {
		for {
			posts, _, next, err := s.PostChanges(ctx, cur, 7)
			must(t, err)
			for _, p := range posts {
				seen[p.ID] = true
			}
			if next == cur {
				return
			}
			cur = next
		}
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	for running := true; running; {
		select {
		case <-done:
			running = false
		default:
			follow()
		}
	}
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	follow()
	if len(seen) != writers*perWriter {
		t.Fatalf("follower saw %d of %d posts", len(seen), writers*perWriter)
	}
}

// testManyRecords crosses the stores' page sizes.
func testManyRecords(t *testing.T, s matcher.FullStore) {
	const n = 2100
	var posts []matcher.Post
	var gs []matcher.Graduate
	for i := 0; i < n; i++ {
		posts = append(posts, Post("bulk", i))
		gs = append(gs, Graduate(i))
	}
	out, err := s.UpsertPosts(ctx, posts)
	must(t, err)
	if len(out) != n || out[0] != matcher.Inserted || out[n-1] != matcher.Inserted {
		t.Fatalf("outcomes: %d", len(out))
	}
	_, err = s.UpsertGraduates(ctx, gs)
	must(t, err)
	var last string
	count := 0
	must(t, s.EachPost(ctx, matcher.PostFilter{}, func(p *matcher.Post) error {
		if p.ID <= last {
			return fmt.Errorf("order: %s after %s", p.ID, last)
		}
		last = p.ID
		count++
		return nil
	}))
	if count != n {
		t.Fatalf("walked %d posts, want %d", count, n)
	}
	count, last = 0, ""
	must(t, s.EachGraduate(ctx, matcher.GraduateFilter{}, func(g *matcher.Graduate) error {
		if g.ID <= last {
			return fmt.Errorf("order: %s after %s", g.ID, last)
		}
		last = g.ID
		count++
		return nil
	}))
	if count != n {
		t.Fatalf("walked %d graduates, want %d", count, n)
	}
	// Walking and writing at once: a callback may use the store.
	must(t, s.EachGraduate(ctx, matcher.GraduateFilter{District: "米东区"}, func(g *matcher.Graduate) error {
		g.Status = matcher.StatusPlaced
		_, err := s.UpsertGraduates(ctx, []matcher.Graduate{*g})
		return err
	}))
	placed := 0
	must(t, s.EachGraduate(ctx, matcher.GraduateFilter{Status: matcher.StatusPlaced}, func(g *matcher.Graduate) error {
		placed++
		return nil
	}))
	want := 0
	for _, g := range gs {
		if g.HukouDistrict == "米东区" || g.ResidenceDistrict == "米东区" {
			want++
		}
	}
	if placed != want || want == 0 {
		t.Fatalf("placed %d, want %d", placed, want)
	}
}

// testDuplicateKeysInBatch: a batch holding the same key twice is written as
// if record by record.
func testDuplicateKeysInBatch(t *testing.T, s matcher.FullStore) {
	a := Post("d", 1)
	a2 := a
	a2.Title = "第二版"
	out, err := s.UpsertPosts(ctx, []matcher.Post{a, Post("d", 2), a2, a2})
	must(t, err)
	outcomes(t, out, matcher.Inserted, matcher.Inserted, matcher.Updated, matcher.Unchanged)
	got, err := s.Post(ctx, a.ID)
	must(t, err)
	if got.Title != "第二版" {
		t.Fatalf("last write lost: %s", got.Title)
	}
	g := Graduate(1)
	g2 := g
	g2.Phone = "13912345678"
	gout, err := s.UpsertGraduates(ctx, []matcher.Graduate{g, g2})
	must(t, err)
	outcomes(t, gout, matcher.Inserted, matcher.Updated)
}

// testHostileIDs: IDs no record can have (NUL, invalid UTF-8, huge) are
// answered as not found or invalid — never an internal error.
func testHostileIDs(t *testing.T, s matcher.FullStore) {
	for _, id := range []string{"a\x00b", "\xff\xfe", string(make([]byte, 5000)), "x' OR '1'='1", "../../etc/passwd"} {
		_, err := s.Post(ctx, id)
		code(t, err, matcher.ENOTFOUND)
		_, err = s.Graduate(ctx, id)
		code(t, err, matcher.ENOTFOUND)
		_, err = s.Course(ctx, id)
		code(t, err, matcher.ENOTFOUND)
		code(t, s.DeletePost(ctx, id), matcher.ENOTFOUND)
		code(t, s.DeleteGraduate(ctx, id), matcher.ENOTFOUND)
		for _, err := range []error{
			s.EachPost(ctx, matcher.PostFilter{Source: id, District: id}, func(*matcher.Post) error { return nil }),
			s.EachGraduate(ctx, matcher.GraduateFilter{District: id}, func(*matcher.Graduate) error { return nil }),
			s.Audit(ctx, matcher.AuditEntry{KeyID: "k", Action: "graduate.read", GraduateID: id}),
		} {
			if c := matcher.ErrorCode(err); c != "" && c != matcher.EINVALID {
				t.Errorf("id %q: %v", id, err)
			}
		}
		if _, _, err := s.RecommendationsFor(ctx, id); matcher.ErrorCode(err) != matcher.ENOTFOUND && matcher.ErrorCode(err) != matcher.EINVALID {
			t.Errorf("recommendations for %q: %v", id, err)
		}
	}
}

// testUsers: accounts by name and ID, names unique and fixed, sessions by
// their hash, touched, ended one by one and all of a user's at once.
func testUsers(t *testing.T, s matcher.FullStore) {
	us, ok := s.(matcher.UserStore)
	if !ok {
		t.Fatal("the store keeps no users")
	}
	hash := "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"
	wang := &matcher.User{Name: "wang", FullName: "王芳", Role: matcher.RoleCounselor, District: "天山区", PasswordHash: hash}
	must(t, us.CreateUser(ctx, wang))
	if wang.ID == "" || wang.CreatedAt.IsZero() {
		t.Fatalf("CreateUser left ID %q, CreatedAt %v", wang.ID, wang.CreatedAt)
	}
	code(t, us.CreateUser(ctx, &matcher.User{Name: "wang", Role: matcher.RoleAdmin, PasswordHash: hash}), matcher.ECONFLICT)
	code(t, us.CreateUser(ctx, &matcher.User{Name: "li", Role: matcher.RolePortal, PasswordHash: hash}), matcher.EINVALID)
	code(t, us.CreateUser(ctx, &matcher.User{Name: "li", Role: matcher.RoleAdmin}), matcher.EINVALID)
	admin := &matcher.User{Name: "admin", Role: matcher.RoleAdmin, PasswordHash: hash}
	must(t, us.CreateUser(ctx, admin))
	got, err := us.UserByName(ctx, "wang")
	must(t, err)
	if got.ID != wang.ID || got.FullName != "王芳" || got.District != "天山区" || got.PasswordHash != hash {
		t.Errorf("UserByName: %+v", got)
	}
	_, err = us.UserByName(ctx, "nobody")
	code(t, err, matcher.ENOTFOUND)
	_, err = us.User(ctx, "U-none")
	code(t, err, matcher.ENOTFOUND)
	got.DisabledAt = day("2023-06-15")
	must(t, us.UpdateUser(ctx, got))
	again, err := us.User(ctx, wang.ID)
	must(t, err)
	if !again.Disabled() {
		t.Error("UpdateUser did not keep DisabledAt")
	}
	renamed := *again
	renamed.Name = "wang2"
	code(t, us.UpdateUser(ctx, &renamed), matcher.EINVALID)
	list, err := us.ListUsers(ctx)
	must(t, err)
	if len(list) != 2 || list[0].Name != "admin" || list[1].Name != "wang" {
		t.Errorf("ListUsers: %+v", list)
	}

	at := day("2023-06-15")
	for i, h := range [][]byte{[]byte("session-hash-1-................"), []byte("session-hash-2-................")} {
		must(t, us.CreateSession(ctx, &matcher.Session{Hash: h, UserID: wang.ID, CSRF: fmt.Sprint("csrf", i), CreatedAt: at, SeenAt: at}))
	}
	must(t, us.CreateSession(ctx, &matcher.Session{Hash: []byte("session-hash-3-................"), UserID: admin.ID, CSRF: "c", CreatedAt: at, SeenAt: at}))
	se, err := us.SessionByHash(ctx, []byte("session-hash-1-................"))
	must(t, err)
	if se.UserID != wang.ID || se.CSRF != "csrf0" || !se.CreatedAt.Equal(at) {
		t.Errorf("SessionByHash: %+v", se)
	}
	must(t, us.TouchSession(ctx, se.Hash, at.Add(time.Hour)))
	se, err = us.SessionByHash(ctx, se.Hash)
	must(t, err)
	if !se.SeenAt.Equal(at.Add(time.Hour)) || !se.CreatedAt.Equal(at) {
		t.Errorf("after TouchSession: %+v", se)
	}
	must(t, us.DeleteSession(ctx, se.Hash))
	_, err = us.SessionByHash(ctx, se.Hash)
	code(t, err, matcher.ENOTFOUND)
	n, err := us.DeleteUserSessions(ctx, wang.ID)
	must(t, err)
	if n != 1 {
		t.Errorf("DeleteUserSessions ended %d sessions, want 1", n)
	}
	if _, err := us.SessionByHash(ctx, []byte("session-hash-3-................")); err != nil {
		t.Errorf("another user's session ended too: %v", err)
	}
}
