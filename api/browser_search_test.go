package api

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// TestCaseloadSearchInBrowser: a counselor finds a graduate by typing part
// of the name, or the last four of the ID, in the caseload's search box;
// the search goes with the filters, and clearing it brings the list back.
func TestCaseloadSearchInBrowser(t *testing.T) {
	dir := t.TempDir()
	b := newBrowser(t, dir)
	srv, st, _ := demoServer(t, dir)
	ctx := context.Background()
	district := demoDistricts(t, st)[0]
	// A graduate of the district with a three-character name, and how many
	// of the district's graduates the name's last two characters find.
	var target *matcher.Graduate
	total := 0
	if err := st.EachGraduate(ctx, matcher.GraduateFilter{District: district}, func(g *matcher.Graduate) error {
		total++
		if target == nil && len([]rune(g.Name)) == 3 && len(g.NationalID) == 18 {
			c := *g
			target = &c
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if target == nil {
		t.Fatalf("no graduate of %s with a three-character name", district)
	}
	part := string([]rune(target.Name)[1:])
	key, _, err := CreateKey(ctx, st, KeySpec{Role: matcher.RoleCounselor, District: district, Name: "李老师"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)

	b.do("sign in",
		chromedp.Navigate(ts.URL+"/workspace/"),
		chromedp.WaitVisible(chromedp.ID("signin-key")),
		chromedp.SendKeys(chromedp.ID("signin-key"), key),
		chromedp.Click(chromedp.ID("signin-submit")),
		waitJS(countOf("#caseload tbody tr.row")+" > 0"),
		setSelect("f-status", ""),
		waitJS(fmt.Sprintf(`document.getElementById('page-info').textContent.endsWith('共 %d 条')`, total)),
	)
	before := b.text("#page-info")
	rowsMatch := func(want string) string {
		return fmt.Sprintf(`document.querySelectorAll('#caseload tbody tr.row').length > 0 && [...document.querySelectorAll('#caseload tbody tr.row')].every(r => r.querySelector('a.name').textContent.includes(%q))`, want)
	}
	b.do("search a name", chromedp.SendKeys(chromedp.ID("f-q"), part), waitJS(rowsMatch(part)))
	if ids := b.eval(`[...document.querySelectorAll('#caseload tbody tr.row')].map(r => r.dataset.id).join(' ')`).(string); !strings.Contains(" "+ids+" ", " "+target.ID+" ") {
		t.Errorf("searching %q does not list %s: %s", part, target.ID, ids)
	}
	shot(t, b.ctx, dir, "search-name")

	tail := target.NationalID[14:]
	b.do("search the ID's last four",
		chromedp.Evaluate[chromedp.Void](`document.getElementById('f-q').value = ''`),
		chromedp.SendKeys(chromedp.ID("f-q"), tail),
		waitJS(fmt.Sprintf(`[...document.querySelectorAll('#caseload tbody tr.row')].some(r => r.dataset.id === %q) && [...document.querySelectorAll('#caseload tbody tr.row td:nth-child(2)')].every(td => td.textContent.slice(-2) === %q)`, target.ID, tail[2:])),
	)
	shot(t, b.ctx, dir, "search-id")

	b.do("nothing found",
		chromedp.Evaluate[chromedp.Void](`document.getElementById('f-q').value = ''`),
		chromedp.SendKeys(chromedp.ID("f-q"), "不存在的学校名称"),
		waitJS(`document.querySelectorAll('#caseload tbody tr.row').length === 0 && document.querySelector('#caseload td.empty').textContent.includes('没有找到')`),
	)
	b.do("cleared",
		chromedp.Evaluate[chromedp.Void](`document.getElementById('f-q').value = ''`),
		chromedp.Evaluate[chromedp.Void](`document.getElementById('f-q').dispatchEvent(new Event('input'))`),
		waitJS(fmt.Sprintf(`document.getElementById('page-info').textContent === %q`, before)),
	)
}
