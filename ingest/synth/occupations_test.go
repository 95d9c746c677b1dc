package synth

import (
	"strings"
	"testing"

	"github.com/urumqi-hrss/jobmatch/ingest/occupation"
	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

// Every title a template can write names a real occupation, and the title
// classifier that ingest runs on posts finds that occupation: the matcher's
// evaluation judges fit by the post's occupation, so a title it cannot
// classify, or classifies as something else, would make the data say one
// thing and the evaluation another.
func TestTemplateTitlesClassify(t *testing.T) {
	c := occupation.Default()
	total, right := 0, 0
	for _, set := range templateSets() {
		for _, o := range set {
			if len(o.codes) != len(o.titles) {
				t.Fatalf("template %q: %d codes for %d titles", o.titles[0], len(o.codes), len(o.titles))
			}
			for i, title := range o.titles {
				want := o.titleCode(i)
				wo, ok := catalog.OccupationByCode(want)
				if !ok {
					t.Errorf("title %q: occupation %s not in CSCO 2022", title, want)
					continue
				}
				total++
				m, ok := c.Classify(title)
				if ok && m.Code == want {
					right++
					continue
				}
				t.Errorf("title %q: classified %v %s %s (key %q), template says %s %s", title, ok, m.Code, m.Name, m.Matched, want, wo.Name)
			}
		}
	}
	t.Logf("%d of %d template titles classified to their own occupation", right, total)
}

// The generated posts, decorated titles included (急招…, …（见习岗）, …（岗位
// 代码…）), all get an occupation.
func TestGeneratedTitlesClassify(t *testing.T) {
	posts, _, _ := defaultData(t)
	c := occupation.Default()
	missed := map[string]int{}
	n := 0
	for _, p := range posts {
		if _, ok := c.Classify(p["title"]); !ok {
			missed[p["title"]]++
			n++
		}
	}
	share := float64(len(posts)-n) / float64(len(posts))
	t.Logf("%d of %d generated posts classified (%.2f%%)", len(posts)-n, len(posts), 100*share)
	if share < 0.999 {
		t.Errorf("%d posts without an occupation: %v", n, missed)
	}
}

// Specialised templates never say 不限 and only name their own majors and
// 专业类.
func TestStrictTemplatesNameMajors(t *testing.T) {
	for _, set := range templateSets() {
		for i := range set {
			o := &set[i]
			if !o.strict {
				continue
			}
			allowed := map[string]bool{}
			for _, m := range append(knownMajors(o.majors), knownClasses(o.classes)...) {
				allowed[m] = true
			}
			for k := range 400 {
				r := rowRNG(int64(k), streamPosts, uint64(i))
				_, text := postMajors(r, o, 0)
				if text == "不限" || text == "" {
					t.Fatalf("template %q: majors %q", o.titles[0], text)
				}
				for _, m := range strings.Split(text, ";") {
					base := m
					for _, suf := range []string{"及相关专业", "等相关专业", "相关专业"} {
						if b, ok := strings.CutSuffix(m, suf); ok {
							base = b
							break
						}
					}
					if !allowed[base] && !allowed[base+"类"] {
						t.Fatalf("template %q: major %q outside its list", o.titles[0], m)
					}
				}
			}
		}
	}
}

// Medical posts ask for medical majors, 支农 for agriculture, 支教 for
// teaching or the subjects taught; military posts are open to all majors
// (but 直招士官) from 大专 up. A tourism graduate is never the natural fit of
// a 卫生院's post.
func TestSpecialisedPostsAskFittingMajors(t *testing.T) {
	posts, _, _ := defaultData(t)
	c := occupation.Default()
	classCategory := map[string]string{}
	for _, m := range catalog.Majors() {
		classCategory[m.ClassName] = m.CategoryName
	}
	category := func(name string) string {
		for _, suf := range []string{"及相关专业", "等相关专业", "相关专业"} {
			name = strings.TrimSuffix(name, suf)
		}
		if m, ok := catalog.MajorByName(name); ok {
			return m.CategoryName
		}
		if cat, ok := classCategory[name]; ok {
			return cat
		}
		return classCategory[name+"类"]
	}
	fits := []struct {
		what       string
		post       func(p map[string]string, code string) bool
		categories string
	}{
		{"medical", func(p map[string]string, code string) bool {
			return strings.HasPrefix(code, "2-05-") && !strings.Contains(p["title"], "公益")
		}, "医学 医药卫生大类"},
		{"支农", func(p map[string]string, _ string) bool { return strings.Contains(p["title"], "支农") }, "农学 农林牧渔大类 工学"},
		{"支教", func(p map[string]string, _ string) bool { return strings.Contains(p["title"], "支教") }, "教育学 文学 理学 教育与体育大类"},
	}
	counts := map[string]int{}
	for i, p := range posts {
		m, _ := c.Classify(p["title"])
		if p["channel"] == "military" {
			if d := p["degree_min"]; d != "大专" && d != "本科" && d != "硕士" {
				t.Errorf("line %d: military post %q with degree %q", i+2, p["title"], d)
			}
			if p["age_max"] == "" {
				t.Errorf("line %d: military post %q without age limit", i+2, p["title"])
			}
			if !strings.Contains(p["title"], "士官") && p["majors"] != "不限" {
				t.Errorf("line %d: conscription post %q names majors %q", i+2, p["title"], p["majors"])
			}
		}
		for _, f := range fits {
			if !f.post(p, m.Code) {
				continue
			}
			counts[f.what]++
			if p["majors"] == "不限" || p["majors"] == "" {
				t.Errorf("line %d: %s post %q open to any major", i+2, f.what, p["title"])
				continue
			}
			for _, name := range strings.Split(p["majors"], ";") {
				if cat := category(name); !strings.Contains(f.categories, cat) || cat == "" {
					t.Errorf("line %d: %s post %q asks for %q (%s)", i+2, f.what, p["title"], name, cat)
				}
			}
		}
	}
	for _, f := range fits {
		if counts[f.what] < 50 {
			t.Errorf("only %d %s posts", counts[f.what], f.what)
		}
	}
	t.Logf("checked %v", counts)
}
