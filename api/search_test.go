package api

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// TestCaseloadSearch: GET /v1/graduates?q= finds a counselor's graduates
// by name, school, major or the last four characters of the national ID,
// with the other filters, never outside their scope; the search is not
// logged.
func TestCaseloadSearch(t *testing.T) {
	f := newFixture(t)
	search := func(key, q string, extra ...string) (int, []CaseSummary) {
		t.Helper()
		r := f.do("GET", "/v1/graduates?limit=100&q="+url.QueryEscape(q)+strings.Join(extra, ""), key, nil)
		if r.status != 200 {
			t.Fatalf("q=%q: %d %s", q, r.status, r.body)
		}
		return caseload(t, r)
	}
	in, out := f.graduateIn("天山区")
	// Names of their own: the fixture's (测试1, 测试12 …) contain each other.
	f.setGraduates(func(g *matcher.Graduate) bool {
		switch g.ID {
		case in.ID:
			g.Name = "阿依古丽·买买提"
		case out.ID:
			g.Name = "王小明"
		default:
			return false
		}
		return true
	})
	in, out = f.grads[in.ID], f.grads[out.ID]

	// By name: exactly the one graduate, in the counselor's district.
	n, items := search("counselor", in.Name)
	if n != 1 || len(items) != 1 || items[0].ID != in.ID {
		t.Errorf("q=%s: %d results %v, want %s", in.Name, n, items, in.ID)
	}
	// Another district's graduate is not found by a counselor, by an admin
	// it is.
	if n, _ := search("counselor", out.Name); n != 0 {
		t.Errorf("a counselor of 天山区 finds %s of %s/%s", out.Name, out.HukouDistrict, out.ResidenceDistrict)
	}
	if n, items := search("admin", out.Name); n != 1 || items[0].ID != out.ID {
		t.Errorf("admin q=%s: %d %v", out.Name, n, items)
	}

	// By the last four of the ID: the graduate is among the results. An
	// admin's results all end so; a counselor's end in the two characters
	// their view shows (the search must not tell the two it hides:
	// TestCounselorCannotRebuildIDs), so another tail ending alike finds
	// the graduate too.
	tail := in.NationalID[len(in.NationalID)-4:]
	for _, who := range []string{"counselor", "admin"} {
		want := tail
		if who == "counselor" {
			want = tail[2:]
		}
		n, items := search(who, tail)
		found := false
		for _, it := range items {
			g := f.grads[it.ID]
			if !strings.HasSuffix(g.NationalID, want) {
				t.Errorf("%s: q=%s found %s whose ID ends %s", who, tail, it.ID, g.NationalID[len(g.NationalID)-4:])
			}
			found = found || it.ID == in.ID
		}
		if !found || n == 0 {
			t.Errorf("%s: q=%s (last four of %s's ID) did not find them: %v", who, tail, in.ID, items)
		}
	}
	other := fmt.Sprintf("%02d%s", (int(tail[0]-'0')*10+int(tail[1]-'0')+1)%100, tail[2:])
	if _, items := search("counselor", other); !slices.ContainsFunc(items, func(it CaseSummary) bool { return it.ID == in.ID }) {
		t.Errorf("counselor: q=%s (another tail ending %s) does not list %s: the search tells the hidden digits", other, tail[2:], in.ID)
	}
	n, _ = search("counselor", tail)
	// Full-width digits are folded.
	wide := strings.Map(func(r rune) rune { return r - '0' + '０' }, tail[:3]) + tail[3:]
	if n2, _ := search("counselor", wide); n2 != n {
		t.Errorf("q=%s (full width) finds %d, half width %d", wide, n2, n)
	}

	// By major and school: everyone of the district (the fixture's
	// graduates all study 会计学 at 新疆大学); with a filter, fewer.
	all, _ := search("counselor", "")
	if n, _ := search("counselor", "会计"); n != all || n == 0 {
		t.Errorf("q=会计: %d, the district has %d", n, all)
	}
	if n, _ := search("counselor", "新疆大学 会计学"); n != all {
		t.Errorf("q=新疆大学 会计学: %d, want %d", n, all)
	}
	hard, items := search("counselor", "会计", "&hardship=yes")
	for _, it := range items {
		if len(it.Hardship) == 0 {
			t.Errorf("hardship=yes&q=会计 lists %s", it.ID)
		}
	}
	if hard == 0 || hard >= all {
		t.Errorf("hardship=yes&q=会计: %d of %d", hard, all)
	}
	// Words must all match.
	if n, _ := search("counselor", in.Name+" 北京大学"); n != 0 {
		t.Errorf("q=%s 北京大学: %d results", in.Name, n)
	}

	// Bad searches are 400s naming q, without echoing it.
	for _, q := range []string{strings.Repeat("王", 65), "a b c d e f g"} {
		r := f.do("GET", "/v1/graduates?q="+url.QueryEscape(q), "counselor", nil)
		if r.status != 400 || r.json(t)["field"] != "q" || strings.Contains(string(r.body), q) {
			t.Errorf("q=%.10s…: %d %s", q, r.status, r.body)
		}
	}
	// Nothing of the search reaches the log.
	logs := f.logs.String()
	for _, s := range []string{in.Name, out.Name, tail, url.QueryEscape(in.Name)} {
		if strings.Contains(logs, s) {
			t.Errorf("the log holds the search %q", s)
		}
	}
}
