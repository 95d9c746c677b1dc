package extract

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/urumqi-hrss/jobmatch/ingest/normalize"
	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

// TestCoverageOnRealPosts reads every real post of the 2024–25 export: how
// many name a catalogue skill or certificate, which substring matches the
// word boundaries remove, and how often what the description says agrees
// with the portal's own 学历 and 所需经验 columns where both are given (a
// check on many more posts than the labelled sample, against a second
// source that is itself noisy: portals fill the columns from a menu).
func TestCoverageOnRealPosts(t *testing.T) {
	posts := readRealPosts(t)
	x := extractor(t)
	var withSkill, withCert, degBoth, degAgree, expBoth, expAgree, degFound, expFound int
	removed := map[string]int{}
	certs := map[string]int{}
	for _, p := range posts {
		r := x.Extract(p.title, p.desc)
		if len(r.Skills) > 0 {
			withSkill++
		}
		if len(r.Certificates) > 0 {
			withCert++
		}
		for _, c := range r.Certificates {
			certs[c]++
		}
		s, c := catalog.FindSkills(p.title + "\n" + requirementsPart(normalize.Multiline(p.desc)))
		for _, n := range append(s, c...) {
			if !contains(r.Skills, n) && !contains(r.Certificates, n) {
				removed[n]++
			}
		}
		if r.DegreeFound {
			degFound++
			if d, err := normalize.Degree(p.degree); err == nil && p.degree != "" {
				degBoth++
				if d == r.Degree {
					degAgree++
				}
			}
		}
		if r.ExperienceFound {
			expFound++
			if n, err := strconv.Atoi(strings.TrimSpace(p.experience)); err == nil {
				expBoth++
				if n == r.ExperienceMin {
					expAgree++
				}
			}
		}
	}
	n := len(posts)
	t.Logf("%d posts: a skill term in %d (%.0f%%), a certificate term in %d (%.0f%%)", n, withSkill, pct(withSkill, n), withCert, pct(withCert, n))
	t.Logf("certificates most asked for: %s", top(certs, 25))
	t.Logf("found by the substring scan but not on word boundaries (dropped): %s", top(removed, 25))
	t.Logf("degree read from the text in %d posts (%.0f%%); agrees with the 学历 column in %d of %d where both (%.0f%%)",
		degFound, pct(degFound, n), degAgree, degBoth, pct(degAgree, degBoth))
	t.Logf("experience read from the text in %d posts (%.0f%%); agrees with the 所需经验 column in %d of %d where both (%.0f%%)",
		expFound, pct(expFound, n), expAgree, expBoth, pct(expAgree, expBoth))
	if pct(withSkill, n) < 50 || pct(degAgree, degBoth) < 70 {
		t.Errorf("coverage fell: skills in %.0f%% of posts, degree agreement %.0f%%", pct(withSkill, n), pct(degAgree, degBoth))
	}
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

func pct(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}

func top(m map[string]int, k int) string {
	type kv struct {
		k string
		v int
	}
	var l []kv
	for a, b := range m {
		l = append(l, kv{a, b})
	}
	sort.Slice(l, func(i, j int) bool { return l[i].v > l[j].v || l[i].v == l[j].v && l[i].k < l[j].k })
	var parts []string
	for i := 0; i < len(l) && i < k; i++ {
		parts = append(parts, fmt.Sprintf("%s %d", l[i].k, l[i].v))
	}
	return strings.Join(parts, ", ")
}
