package engine

import (
	"strings"
	"testing"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// FuzzParseWeights: any bytes give weights or an error, never a panic, and
// accepted weights are finite, non-negative and name only known features.
func FuzzParseWeights(f *testing.F) {
	f.Add([]byte(defaultWeightsJSON))
	f.Add([]byte(`{"weights":{"text":1e308,"major":0}}`))
	f.Add([]byte(`{"weights":{"text":-0}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		w, err := ParseWeights(b)
		if err != nil {
			return
		}
		for k, v := range w.Weights {
			if featureIndex(k) < 0 || v < 0 || v != v {
				t.Fatalf("accepted %s=%v", k, v)
			}
		}
		v := w.Vector()
		if v.Len() != NumFeatures {
			t.Fatalf("vector of %d", v.Len())
		}
	})
}

var fuzzEngine *Engine

// FuzzRecommendProfile: any profile a portal may send gets a result or a
// clear error, never a panic, and every item passes Eligible.
func FuzzRecommendProfile(f *testing.F) {
	f.Add("会计学", "120203K", "Excel;财务分析", "初级会计职称", 3, 2023, 2001, "天山区", "新市区", "sme;state_owned", 4500.0, "")
	f.Add("", "", "", "", 0, 0, 0, "", "", "", 0.0, "job")
	f.Add("计算机科学与技术", "08", ";;;", "\xff\xfe", 9, -5, 3000, "乌鲁木齐市", "昌吉市", "military", -1.0, "course")
	f.Fuzz(func(t *testing.T, major, code, skills, certs string, degree, gradYear, birthYear int, hukou, res, channels string, salary float64, kind string) {
		if fuzzEngine == nil {
			var err error
			if fuzzEngine, err = New(genPosts(77, 400), genCourses(77, 20), testOptions()); err != nil {
				t.Fatal(err)
			}
		}
		g := matcher.Graduate{ID: "fuzz", Major: major, MajorCode: code, Degree: matcher.Degree(degree), GraduationYear: gradYear,
			Skills: strings.Split(skills, ";"), Certificates: strings.Split(certs, ";"), HukouDistrict: hukou, ResidenceDistrict: res, ExpectedSalary: salary}
		if birthYear > 0 && birthYear < 3000 {
			g.BirthDate = time.Date(birthYear, 5, 1, 0, 0, 0, 0, time.UTC)
		}
		for _, c := range strings.Split(channels, ";") {
			g.PreferredChannels = append(g.PreferredChannels, matcher.Channel(c))
		}
		res2, err := fuzzEngine.Recommend(&g, matcher.Query{Kind: matcher.Kind(kind)})
		if err != nil {
			if matcher.ErrorCode(err) != matcher.EINVALID {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		pol := fuzzEngine.Policy()
		for _, it := range res2.Items {
			if it.Kind == matcher.KindCourse {
				continue
			}
			p, ok := fuzzEngine.Post(it.PostID)
			if !ok {
				t.Fatalf("item %s not in the engine", it.PostID)
			}
			if ok, rule, _ := matcher.Eligible(&g, &p, pol, testNow); !ok {
				t.Fatalf("item %s fails %s", it.PostID, rule)
			}
		}
	})
}

// normTerm is strings.ToLower(strings.TrimSpace(term)) for every string.
func FuzzNormTerm(f *testing.F) {
	for _, s := range []string{"", "会计", "java", "Java", " 会计", "会计\t", "C++", "Ａ会计", "ǅ", "\u00a0会计", "\xff会计", "財務", "\u3000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := normTerm(s), strings.ToLower(strings.TrimSpace(s)); got != want {
			t.Fatalf("normTerm(%q) = %q, want %q", s, got, want)
		}
	})
}
