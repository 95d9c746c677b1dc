package synth

import (
	"bytes"
	"encoding/csv"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

// The default data set is generated once and shared by the tests that
// check its realism.
var (
	defaultOnce sync.Once
	defaultSet  struct {
		posts, courses, graduates []map[string]string
		err                       error
	}
)

func parse(t testing.TB, b []byte, header []string) []map[string]string {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(b))
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("CSV does not parse: %v", err)
	}
	if len(recs) == 0 || !slices.Equal(recs[0], header) {
		t.Fatalf("header = %v, want %v", recs[0], header)
	}
	out := make([]map[string]string, 0, len(recs)-1)
	for _, rec := range recs[1:] {
		m := make(map[string]string, len(header))
		for i, h := range header {
			m[h] = rec[i]
		}
		out = append(out, m)
	}
	return out
}

func defaultData(t *testing.T) (posts, courses, graduates []map[string]string) {
	t.Helper()
	defaultOnce.Do(func() {
		dir := t.TempDir()
		if err := Generate(dir, DefaultOptions()); err != nil {
			defaultSet.err = err
			return
		}
		for _, f := range []struct {
			name   string
			header []string
			dst    *[]map[string]string
		}{{"posts.csv", PostHeader, &defaultSet.posts}, {"courses.csv", CourseHeader, &defaultSet.courses}, {"graduates.csv", GraduateHeader, &defaultSet.graduates}} {
			b, err := os.ReadFile(filepath.Join(dir, f.name))
			if err != nil {
				defaultSet.err = err
				return
			}
			*f.dst = parse(t, b, f.header)
		}
	})
	if defaultSet.err != nil {
		t.Fatal(defaultSet.err)
	}
	return defaultSet.posts, defaultSet.courses, defaultSet.graduates
}

func small(seed int64) Options {
	o := DefaultOptions()
	o.Seed, o.Posts, o.Internships, o.Courses, o.Graduates = seed, 3000, 150, 60, 3000
	return o
}

func TestDeterministic(t *testing.T) {
	writers := []struct {
		name  string
		write func(io.Writer, Options) error
	}{{"posts", WritePosts}, {"courses", WriteCourses}, {"graduates", WriteGraduates}}
	for _, w := range writers {
		t.Run(w.name, func(t *testing.T) {
			var a, b, c bytes.Buffer
			if err := w.write(&a, small(7)); err != nil {
				t.Fatal(err)
			}
			if err := w.write(&b, small(7)); err != nil {
				t.Fatal(err)
			}
			if err := w.write(&c, small(8)); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(a.Bytes(), b.Bytes()) {
				t.Error("same seed, different output")
			}
			if bytes.Equal(a.Bytes(), c.Bytes()) {
				t.Error("different seeds, same output")
			}
		})
	}
}

// A row depends on its index only: a smaller data set is a prefix of a
// larger one's graduates (posts are shuffled over the plan, so only
// graduates have this property).
func TestGraduatesStableAcrossSizes(t *testing.T) {
	var a, b bytes.Buffer
	o := small(3)
	if err := WriteGraduates(&a, o); err != nil {
		t.Fatal(err)
	}
	o.Graduates = 500
	if err := WriteGraduates(&b, o); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(a.Bytes(), b.Bytes()) {
		t.Error("the first 500 graduates change with the size of the set")
	}
}

func TestChannelPlan(t *testing.T) {
	posts, _, _ := defaultData(t)
	pol, err := catalog.LoadPolicy()
	if err != nil {
		t.Fatal(err)
	}
	o := DefaultOptions()
	primary, reexports := posts[:o.Posts], posts[o.Posts:]
	counts := map[string]int{}
	internships, welfare := 0, 0
	for _, p := range primary {
		counts[p["channel"]]++
		if p["kind"] == string(matcher.KindInternship) {
			internships++
		}
		if p["public_welfare"] == "true" {
			welfare++
		}
	}
	for _, c := range matcher.Channels {
		if counts[string(c)] != pol.ChannelPlan[string(c)] {
			t.Errorf("channel %s: %d posts, plan says %d", c, counts[string(c)], pol.ChannelPlan[string(c)])
		}
	}
	if internships < pol.Internship.PlacesMin {
		t.Errorf("%d internships, want at least %d", internships, pol.Internship.PlacesMin)
	}
	if share := float64(welfare) / float64(len(primary)); share < 0.025 || share > 0.035 {
		t.Errorf("public-welfare share %.3f, want about 3%%", share)
	}
	// Re-exports by the second portal: about 1% of SME posts, all SME.
	sme := counts[string(matcher.ChannelSME)]
	if n := len(reexports); n < sme/200 || n > sme*3/200 {
		t.Errorf("%d re-exported posts for %d SME posts, want about 1%%", n, sme)
	}
	keys := map[string]bool{}
	for _, p := range posts {
		k := p["source"] + ":" + p["external_id"]
		if keys[k] {
			t.Fatalf("duplicate key %s", k)
		}
		keys[k] = true
	}
	// Each re-export repeats a primary post: same employer (up to the
	// company form), place, requirements and numbers, under another portal.
	sig := func(p map[string]string) string {
		return strings.Join([]string{strings.Replace(p["employer"], "有限责任公司", "有限公司", 1), p["district"], p["degree_min"],
			p["majors"], p["headcount"], p["experience"], p["deadline"]}, "|")
	}
	primaryBySig := map[string][]map[string]string{}
	for _, p := range primary {
		primaryBySig[sig(p)] = append(primaryBySig[sig(p)], p)
	}
	for _, d := range reexports {
		found := false
		for _, p := range primaryBySig[sig(d)] {
			if p["source"] != d["source"] && strings.Contains(d["title"], strings.TrimPrefix(strings.TrimPrefix(p["title"], "【急聘】"), "急招")) {
				found = true
			}
		}
		if !found {
			t.Errorf("re-export %s:%s %q has no original", d["source"], d["external_id"], d["title"])
		}
		if d["channel"] != string(matcher.ChannelSME) {
			t.Errorf("re-export in channel %s", d["channel"])
		}
		if d["source"] == "" || strings.Contains(d["external_id"], " ") {
			t.Errorf("bad re-export key %q:%q", d["source"], d["external_id"])
		}
	}
}

var (
	phoneRE  = regexp.MustCompile(`^1[3-9][0-9]{9}$`)
	dateRE   = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	degreeOK = map[string]bool{"本科": true, "大专": true, "硕士": true, "博士": true, "不限": true, "中专": true}
)

func parseDate(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		t.Fatalf("bad date %q: %v", s, err)
	}
	return d
}

func TestPostsRealism(t *testing.T) {
	posts, _, _ := defaultData(t)
	now := DefaultNow
	descs := map[string]bool{}
	passed, negotiable := 0, 0
	classes := map[string]bool{}
	for _, m := range catalog.Majors() {
		classes[m.ClassName] = true
	}
	for i, p := range posts {
		line := i + 2
		if !matcher.Channel(p["channel"]).Valid() || !matcher.Kind(p["kind"]).Valid() {
			t.Fatalf("line %d: channel %q kind %q", line, p["channel"], p["kind"])
		}
		if !degreeOK[p["degree_min"]] {
			t.Fatalf("line %d: degree_min %q", line, p["degree_min"])
		}
		if p["title"] == "" || p["employer"] == "" || p["district"] == "" || p["salary"] == "" {
			t.Fatalf("line %d: missing required field: %v", line, p)
		}
		if n := utf8.RuneCountInString(p["description"]); n < descMin || n > descMax {
			t.Fatalf("line %d: description of %d characters", line, n)
		}
		descs[p["description"]] = true
		if h, err := strconv.Atoi(p["headcount"]); err != nil || h < 1 {
			t.Fatalf("line %d: headcount %q", line, p["headcount"])
		}
		posted := parseDate(t, p["posted_at"])
		if posted.After(now) || posted.Before(now.AddDate(0, 0, -63)) {
			t.Fatalf("line %d: posted_at %s not within the 60 days before %s", line, p["posted_at"], date(now))
		}
		if p["deadline"] != "" {
			dl := parseDate(t, p["deadline"])
			if dl.Before(posted) {
				t.Fatalf("line %d: deadline %s before posted_at %s", line, p["deadline"], p["posted_at"])
			}
			if dl.Before(now) {
				passed++
			}
		}
		if p["salary"] == "面议" {
			negotiable++
		}
		if p["channel"] == string(matcher.ChannelMilitary) && p["age_max"] != "24" && p["age_max"] != "26" {
			t.Fatalf("line %d: military post with age_max %q", line, p["age_max"])
		}
		if p["kind"] == string(matcher.KindInternship) && !strings.Contains(p["description"]+p["salary"], "1700") {
			t.Fatalf("line %d: internship without the 1,700 yuan subsidy: %q / %q", line, p["salary"], p["description"])
		}
		if p["public_welfare"] == "true" && p["channel"] != string(matcher.ChannelGrassroots) && p["channel"] != string(matcher.ChannelPublicSector) {
			t.Fatalf("line %d: public-welfare post in channel %s", line, p["channel"])
		}
		if m := p["majors"]; m != "不限" && m != "" {
			for _, name := range strings.Split(m, ";") {
				_, known := catalog.MajorByName(name)
				if !known && !classes[name] && !strings.HasSuffix(name, "相关专业") {
					t.Errorf("line %d: major %q is neither a catalogue major, a 专业类, nor 相关专业", line, name)
				}
			}
		}
	}
	if share := float64(len(descs)) / float64(len(posts)); share < 0.5 {
		t.Errorf("only %.0f%% distinct descriptions", share*100)
	}
	if share := float64(passed) / float64(len(posts)); share < 0.03 || share > 0.08 {
		t.Errorf("%.1f%% of deadlines passed, want about 5%%", share*100)
	}
	if share := float64(negotiable) / float64(len(posts)); share < 0.03 || share > 0.15 {
		t.Errorf("%.1f%% 面议 salaries", share*100)
	}
}

func TestCourses(t *testing.T) {
	_, courses, _ := defaultData(t)
	pol, _ := catalog.LoadPolicy()
	if len(courses) < 200 {
		t.Fatalf("%d courses, want at least 200", len(courses))
	}
	places, counts := map[string]int{}, map[string]int{}
	for i, c := range courses {
		n, err := strconv.Atoi(c["places"])
		if err != nil || n <= 0 {
			t.Fatalf("line %d: places %q", i+2, c["places"])
		}
		places[c["category"]] += n
		counts[c["category"]]++
		if !slices.Contains(matcher.CourseCategories, matcher.CourseCategory(c["category"])) {
			t.Fatalf("line %d: category %q", i+2, c["category"])
		}
		// 就业引导性培训 is for every field, and the plan pays nothing for it.
		if c["category"] == string(matcher.CourseGuidance) && (c["majors"] != "不限" || strings.Contains(c["description"], "补贴") || !strings.Contains(c["title"], "就业引导性培训")) {
			t.Errorf("line %d: guidance course %v: want it for every major, named so, promising no subsidy", i+2, c)
		}
		if !dateRE.MatchString(c["start_date"]) || c["title"] == "" || c["provider"] == "" || c["description"] == "" {
			t.Fatalf("line %d: incomplete course %v", i+2, c)
		}
	}
	if got := places[string(matcher.CourseEntrepreneurship)]; got != pol.EntrepreneurshipTrainingPlaces {
		t.Errorf("entrepreneurship places = %d, plan says %d", got, pol.EntrepreneurshipTrainingPlaces)
	}
	if n := counts[string(matcher.CourseGuidance)]; n == 0 || n > len(courses)/10 {
		t.Errorf("%d 就业引导性培训 sessions of %d courses: want a few (one in 25)", n, len(courses))
	}
}

func TestGraduatesRealism(t *testing.T) {
	_, _, grads := defaultData(t)
	now := DefaultNow
	levels := map[string]string{}
	for _, u := range catalog.Universities() {
		levels[u.Name] = u.Level
	}
	hardship, outside, year2023, placed2023 := 0, 0, 0, 0
	ids, phones := map[string]bool{}, map[string]bool{}
	validHardship := map[string]bool{"脱贫家庭": true, "低保家庭": true, "零就业家庭": true, "残疾": true, "长期未就业": true}
	for i, g := range grads {
		line := i + 2
		id := g["national_id"]
		if !matcher.ValidNationalID(id) {
			t.Fatalf("line %d: invalid national ID %q", line, id)
		}
		if ids[id] {
			t.Fatalf("line %d: national ID %s repeated", line, id)
		}
		ids[id] = true
		birth := parseDate(t, g["birth_date"])
		if id[6:14] != birth.Format("20060102") {
			t.Fatalf("line %d: ID %s does not embed birth date %s", line, id, g["birth_date"])
		}
		male := (id[16]-'0')%2 == 1
		if (g["gender"] == "男") != male || (g["gender"] != "男" && g["gender"] != "女") {
			t.Fatalf("line %d: ID %s gender digit vs gender %q", line, id, g["gender"])
		}
		if !strings.HasPrefix(id, "65") {
			t.Fatalf("line %d: ID %s not issued in Xinjiang", line, id)
		}
		if p := g["phone"]; p != "" {
			if !phoneRE.MatchString(p) || phones[p] {
				t.Fatalf("line %d: phone %q invalid or repeated", line, p)
			}
			phones[p] = true
		}
		age := now.Year() - birth.Year()
		if now.YearDay() < birth.YearDay() {
			age--
		}
		if age < 20 || age > 30 {
			t.Fatalf("line %d: age %d", line, age)
		}
		lvl, ok := levels[g["school"]]
		if !ok {
			t.Fatalf("line %d: school %q not in the catalogue", line, g["school"])
		}
		deg := g["degree"]
		if (lvl == "专科") != (deg == "大专") || !degreeOK[deg] {
			t.Fatalf("line %d: degree %s at %s school %s", line, deg, lvl, g["school"])
		}
		m, ok := catalog.MajorByName(g["major"])
		if !ok {
			t.Fatalf("line %d: major %q not in the catalogue", line, g["major"])
		}
		wantLevel := catalog.LevelBachelor
		if deg == "大专" {
			wantLevel = catalog.LevelAssociate
		}
		if !slices.ContainsFunc(catalog.MajorsByName(g["major"]), func(x catalog.Major) bool { return x.Level == wantLevel }) {
			t.Fatalf("line %d: major %s (%s) for degree %s", line, m.Name, m.Level, deg)
		}
		if strings.Contains(g["school"], "医") && m.CategoryCode != "10" && m.CategoryCode != "52" && m.ClassCode != "1204" && m.CategoryCode != "07" {
			t.Errorf("line %d: %s at medical school %s", line, m.Name, g["school"])
		}
		if g["hardship"] != "" {
			hardship++
			for _, h := range strings.Split(g["hardship"], ";") {
				if !validHardship[h] {
					t.Fatalf("line %d: hardship %q", line, h)
				}
			}
		}
		if !catalog.IsUrumqiDistrict(g["hukou_district"]) {
			outside++
		}
		checkTimeline(t, line, g, now)
		for _, c := range strings.Split(g["preferred_channels"], ";") {
			if !matcher.Channel(c).Valid() {
				t.Fatalf("line %d: preferred channel %q", line, c)
			}
		}
		if g["graduation_year"] == "2023" {
			year2023++
			if s := g["status"]; s == "placed" || s == "employed" || s == "studying" {
				placed2023++
			}
		}
	}
	if share := float64(hardship) / float64(len(grads)); share < 0.08 || share > 0.12 {
		t.Errorf("hardship share %.3f, want 10%% ± 2%%", share)
	}
	if share := float64(outside) / float64(len(grads)); share < 0.2 || share > 0.32 {
		t.Errorf("hukou outside Urumqi %.3f, want about 25%%", share)
	}
	if share := float64(year2023) / float64(len(grads)); share < 0.7 {
		t.Errorf("only %.0f%% graduate in 2023", share*100)
	}
	// Mid-June: on the way to the plan's 60% by the end of July.
	if share := float64(placed2023) / float64(year2023); share < 0.2 || share > 0.45 {
		t.Errorf("%.0f%% of the 2023 cohort settled by %s", share*100, date(now))
	}
}

func checkTimeline(t *testing.T, line int, g map[string]string, now time.Time) {
	t.Helper()
	st := g["status"]
	switch matcher.GraduateStatus(st) {
	case matcher.StatusUnregistered:
		if g["registered_at"]+g["contacted_at"]+g["placed_at"] != "" {
			t.Fatalf("line %d: unregistered graduate with dates %v", line, g)
		}
		return
	case matcher.StatusSeeking:
		if g["placed_at"] != "" {
			t.Fatalf("line %d: seeking graduate placed at %s", line, g["placed_at"])
		}
	case matcher.StatusPlaced, matcher.StatusEmployed, matcher.StatusStudying:
		if g["placed_at"] == "" {
			t.Fatalf("line %d: %s without placed_at", line, st)
		}
	default:
		t.Fatalf("line %d: status %q", line, st)
	}
	reg := parseDate(t, g["registered_at"])
	if reg.After(now) {
		t.Fatalf("line %d: registered in the future", line)
	}
	if c := g["contacted_at"]; c != "" {
		if d := parseDate(t, c); d.Before(reg) || d.After(now) {
			t.Fatalf("line %d: contacted %s, registered %s", line, c, g["registered_at"])
		}
	}
	if p := g["placed_at"]; p != "" {
		d := parseDate(t, p)
		if d.After(now) {
			t.Fatalf("line %d: placed in the future", line)
		}
		if st == string(matcher.StatusPlaced) && d.Before(reg) {
			t.Fatalf("line %d: placed before registering should be 'employed'", line)
		}
	}
}

func TestGenerateFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	var last, total, calls int
	o := small(1)
	o.Progress = func(d, t int) {
		if d < last {
			panic("progress went back")
		}
		last, total = d, t
		calls++
	}
	if err := Generate(dir, o); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if want := []string{"courses.csv", "graduates.csv", "posts.csv"}; !slices.Equal(names, want) {
		t.Errorf("files %v, want %v (no temporary files left)", names, want)
	}
	if want := o.Posts + o.Courses + o.Graduates; calls == 0 || last != total || total < want {
		t.Errorf("progress ended at %d of %d after %d calls, want all of at least %d rows", last, total, calls, want)
	}
}

func TestOptions(t *testing.T) {
	cases := []struct {
		name    string
		edit    func(*Options)
		wantErr bool
	}{
		{"default", func(*Options) {}, false},
		{"empty", func(o *Options) { o.Posts, o.Internships, o.Courses, o.Graduates = 0, 0, 0, 0 }, false},
		{"tiny", func(o *Options) { o.Posts, o.Internships, o.Courses, o.Graduates = 7, 3, 1, 2 }, false},
		{"negative", func(o *Options) { o.Graduates = -1 }, true},
		{"too many internships", func(o *Options) { o.Posts, o.Internships = 10, 11 }, true},
		{"bad duplicate share", func(o *Options) { o.DuplicateShare = 2 }, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := small(1)
			c.edit(&o)
			var w bytes.Buffer
			err := WritePosts(&w, o)
			if (err != nil) != c.wantErr {
				t.Fatalf("WritePosts error = %v, want error %v", err, c.wantErr)
			}
			if err != nil {
				return
			}
			rows := parse(t, w.Bytes(), PostHeader)
			if len(rows) < o.Posts {
				t.Fatalf("%d rows for %d posts", len(rows), o.Posts)
			}
			n := 0
			for _, p := range rows[:o.Posts] {
				if p["kind"] == "internship" {
					n++
				}
			}
			if n != o.Internships {
				t.Errorf("%d internships, want %d", n, o.Internships)
			}
		})
	}
}

func TestTemplatesUseRealOccupations(t *testing.T) {
	for _, set := range [][]occ{smeOccs, publicOccs, stateOccs, grassrootsOccs, militaryOccs, selfOccs, welfareOccs} {
		for _, o := range set {
			if _, ok := catalog.OccupationByCode(o.code); !ok {
				t.Errorf("template %q: occupation %s not in CSCO 2022", o.titles[0], o.code)
			}
			if o.ind != "" && industries[o.ind] == nil {
				t.Errorf("template %q: unknown industry %q", o.titles[0], o.ind)
			}
		}
	}
}

func BenchmarkGenerate(b *testing.B) {
	dir := b.TempDir()
	o := DefaultOptions()
	for b.Loop() {
		if err := Generate(dir, o); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(o.Posts+o.Courses+o.Graduates)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// At each of the policy's milestone dates the 2023 cohort's ledger meets
// the plan's registration and placement targets, within a few points.
func TestMilestones(t *testing.T) {
	pol, err := catalog.LoadPolicy()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range pol.Milestones {
		t.Run(m.Date, func(t *testing.T) {
			now, err := time.Parse("2006-01-02", strconv.Itoa(pol.Year)+"-"+m.Date)
			if err != nil {
				t.Fatal(err)
			}
			o := small(5)
			o.Graduates, o.Now = 8000, now
			var b bytes.Buffer
			if err := WriteGraduates(&b, o); err != nil {
				t.Fatal(err)
			}
			cohort, registered, settled, lateContact := 0, 0, 0, 0
			for _, g := range parse(t, b.Bytes(), GraduateHeader) {
				checkTimeline(t, 0, g, now)
				if g["graduation_year"] != strconv.Itoa(pol.Year) {
					continue
				}
				cohort++
				if g["registered_at"] != "" {
					registered++
					if g["contacted_at"] == "" || parseDate(t, g["contacted_at"]).Sub(parseDate(t, g["registered_at"])) > days(pol.ContactSLADays) {
						lateContact++
					}
				}
				if g["placed_at"] != "" {
					settled++
				}
			}
			reg, placed := float64(registered)/float64(cohort), float64(settled)/float64(cohort)
			t.Logf("%s: registered %.1f%%, settled %.1f%%, contacted late %.1f%%", m.Date, reg*100, placed*100, float64(lateContact)/float64(registered)*100)
			if m.Registered > 0 && (reg < m.Registered-0.03 || reg > m.Registered+0.05) {
				t.Errorf("registered %.3f, target %.2f", reg, m.Registered)
			}
			if m.Placed > 0 && (placed < m.Placed-0.05 || placed > m.Placed+0.05) {
				t.Errorf("placed %.3f, target %.2f", placed, m.Placed)
			}
			// The 5-day contact rule holds mostly, with some violations.
			if late := float64(lateContact) / float64(registered); late < 0.03 || late > 0.2 {
				t.Errorf("%.1f%% contacted late or not at all", late*100)
			}
		})
	}
}

// TestNowMovesGraduates: --now moves the graduates with the posts: their
// cohorts are the reference year's and the two before, and no
// registration, contact or placement is after the reference date or
// before the oldest cohort's year.
func TestNowMovesGraduates(t *testing.T) {
	o := small(5)
	o.Posts, o.Internships, o.Courses, o.Graduates = 200, 10, 10, 1500
	o.Now = time.Date(2026, 6, 15, 0, 0, 0, 0, time.UTC)
	dir := t.TempDir()
	if err := Generate(dir, o); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "graduates.csv"))
	if err != nil {
		t.Fatal(err)
	}
	years := map[string]int{}
	registered := 0
	for _, g := range parse(t, b, GraduateHeader) {
		years[g["graduation_year"]]++
		for _, f := range []string{"registered_at", "contacted_at", "placed_at"} {
			if g[f] == "" {
				continue
			}
			at, err := time.Parse(time.DateOnly, g[f][:10])
			if err != nil {
				t.Fatalf("%s %s %q: %v", g["id"], f, g[f], err)
			}
			if at.After(o.Now) || at.Year() < 2024 {
				t.Errorf("%s: %s %s, reference date %s", g["id"], f, g[f], o.Now.Format(time.DateOnly))
			}
			if f == "registered_at" {
				registered++
			}
		}
	}
	for y := range years {
		if y != "2026" && y != "2025" && y != "2024" {
			t.Errorf("graduation year %s with --now 2026-06-15 (years %v)", y, years)
		}
	}
	if years["2026"] < years["2025"] || registered == 0 {
		t.Errorf("cohorts %v, %d registered: want most of 2026's and some registered", years, registered)
	}
}
