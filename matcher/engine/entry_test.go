package engine

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/urumqi-hrss/jobmatch/index"
	"github.com/urumqi-hrss/jobmatch/matcher"
)

// TestEntryFeatures: the experience a post asks and the level its title
// names, read with the index's gse segmentation as in production.
func TestEntryFeatures(t *testing.T) {
	seg, err := index.DefaultSegmenter()
	if err != nil {
		t.Fatal(err)
	}
	o := testOptions()
	o.Analyzer = seg
	for _, c := range []struct {
		title  string
		years  int
		senior bool
		exp    float64
	}{
		{"会计", 0, false, 1},
		{"会计", 1, false, 0.5},
		{"财务会计", 2, false, 0.5},
		{"资深会计", 5, true, 0},
		{"财务主管", 3, true, 0},
		{"销售经理", 0, true, 1},
		{"储备经理", 0, false, 1},  // a trainee
		{"总经理助理", 0, false, 1}, // an assistant
		{"高级中学语文教师", 0, false, 1},
		{"高级软件工程师", 0, true, 1},
		{"酒店前厅领班", 0, true, 1},
	} {
		p := basePost()
		p.Title, p.ExperienceMin = c.title, c.years
		e, err := New([]matcher.Post{p}, nil, o)
		if err != nil {
			t.Fatal(err)
		}
		g := baseGraduate()
		xs, err := e.FeatureVectors(&g, []string{p.ID})
		if err != nil || xs[0] == nil {
			t.Fatalf("%s: %v %v", c.title, err, xs)
		}
		x := xs[0]
		if got := x[FEntry] == 0; got != c.senior {
			t.Errorf("%s: senior %v, want %v", c.title, got, c.senior)
		}
		if x[FExperience] != c.exp {
			t.Errorf("%s, %d years: experience %v, want %v", c.title, c.years, x[FExperience], c.exp)
		}
		res, err := e.Recommend(&g, matcher.Query{})
		if err != nil || len(res.Items) != 1 {
			t.Fatalf("%s: %v", c.title, err)
		}
		rs := strings.Join(res.Items[0].Reasons, " · ")
		if c.years >= 1 != strings.Contains(rs, "经验要求：") {
			t.Errorf("%s, %d years: reasons %q", c.title, c.years, rs)
		}
		if c.senior != strings.Contains(rs, "职位层级：") {
			t.Errorf("%s: reasons %q", c.title, rs)
		}
	}
}

// TestPreferencesNeverLiftUnfitting: with a fit threshold, a graduate's
// preferences (district, channel, salary) reorder the posts that fit, and
// a post below the threshold comes after every fitting one, whatever the
// preferences say. Over generated graduates with preferences, in lists
// long enough to reach past the fitting posts.
func TestPreferencesNeverLiftUnfitting(t *testing.T) {
	e0, posts := engine5k(t)
	o := testOptions()
	o.Weights = DefaultWeights()
	// Preferences heavy enough to overturn any fit difference if ungated.
	for _, f := range PreferenceFeatures {
		o.Weights.Weights[FeatureNames[f]] = 5
	}
	fitOf := func(it matcher.Item) float64 {
		var f float64
		for _, x := range it.Contributions {
			name, c := x.Feature, x.Value
			pref := false
			for _, pf := range PreferenceFeatures {
				pref = pref || FeatureNames[pf] == name
			}
			if !pref {
				f += c
			}
		}
		return f
	}
	// The threshold: the median fit score at rank 100 of the graduates'
	// lists, so that lists of 200 reach below it.
	var at100 []float64
	grads := genGraduates(7, 60)
	for _, g := range grads[:15] {
		res, err := e0.Recommend(&g, matcher.Query{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		if n := len(res.Items); n > 0 {
			at100 = append(at100, fitOf(res.Items[n-1]))
		}
	}
	slices.Sort(at100)
	o.Weights.FitThreshold = math.Round(at100[len(at100)/2]*1e4) / 1e4
	e, err := New(posts, nil, o)
	if err != nil {
		t.Fatal(err)
	}
	checked, mixed, fitting := 0, 0, 0
	for _, g := range grads {
		if len(g.PreferredChannels) == 0 && len(g.PreferredDistricts) == 0 && g.ExpectedSalary == 0 {
			continue
		}
		res, err := e.Recommend(&g, matcher.Query{Limit: 200})
		if err != nil {
			t.Fatal(err)
		}
		seenUnfit := false
		for _, it := range res.Items {
			fits := fitOf(it) >= o.Weights.FitThreshold-1e-3
			if fits && seenUnfit {
				t.Fatalf("%s: %s (fit %.3f) comes after a post below the threshold", g.ID, it.PostID, fitOf(it))
			}
			if !fits {
				seenUnfit = true
				for _, x := range it.Contributions {
					name, c := x.Feature, x.Value
					for _, pf := range PreferenceFeatures {
						if FeatureNames[pf] == name && c != 0 {
							t.Fatalf("%s: %s below the threshold gets %s %.3f", g.ID, it.PostID, name, c)
						}
					}
				}
			}
		}
		checked++
		if len(res.Items) > 0 && fitOf(res.Items[0]) >= o.Weights.FitThreshold {
			fitting++
		}
		if seenUnfit {
			mixed++
		}
	}
	if checked < 20 || mixed < 5 || fitting < 5 {
		t.Fatalf("checked %d graduates, %d lists reached posts below the threshold, %d began with a fitting one: the test proves nothing", checked, mixed, fitting)
	}
}
