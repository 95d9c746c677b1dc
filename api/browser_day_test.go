package api

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/casework"
)

// TestCounselorDayInBrowser follows a counselor's morning in Chromium as a
// person, not a key: sign in with the account; open the workspace in a
// new tab and find it signed in (no key, no second sign-in); find a
// 一人一策 graduate by name; open the graduate's handout from the link on
// their page in yet another tab, and read on it the counselor's own name,
// district and office phone from the account; see the district's four
// charts.
func TestCounselorDayInBrowser(t *testing.T) {
	dir := t.TempDir()
	b := newBrowser(t, dir)
	srv, st, _ := demoServer(t, dir)
	ctx := context.Background()
	district, _ := planDistrictKey(t, srv, st)
	if _, err := CreateUser(ctx, st, UserSpec{Name: "bing", FullName: "丙老师", Role: matcher.RoleCounselor, District: district, Contact: "0991-5550123", Password: "bing's password 3"}); err != nil {
		t.Fatal(err)
	}
	plans, err := srv.casework.PlanCaseload(ctx, casework.CaseFilter{District: district}, 0)
	if err != nil || len(plans) == 0 {
		t.Fatalf("no 一人一策 graduate in %s (%v)", district, err)
	}
	target := plans[0]
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)

	b.do("sign in",
		chromedp.Navigate(ts.URL+"/workspace/"),
		waitJS(`!!document.getElementById('signin-view') && !document.getElementById('signin-view').hidden`),
		chromedp.SendKeys(chromedp.ID("signin-name"), "bing"),
		chromedp.SendKeys(chromedp.ID("signin-password"), "bing's password 3"),
		chromedp.Click(chromedp.ID("password-submit")),
		chromedp.WaitVisible(chromedp.ID("caseload-view")),
		waitJS(countOf("#caseload tbody tr.row")+" > 0"))

	// A second tab of the same browser: the session cookie signs it in.
	tab, closeTab := chromedp.NewContext(b.ctx)
	defer closeTab()
	tb := &browser{t: t, ctx: tab, dir: dir}
	tb.do("a new tab",
		chromedp.Navigate(ts.URL+"/workspace/"),
		waitJS(`!!document.getElementById('caseload-view') && !document.getElementById('caseload-view').hidden && `+countOf("#caseload tbody tr.row")+` > 0`))
	if who := tb.text("#who"); !strings.Contains(who, "丙老师") || !strings.Contains(who, district) {
		t.Errorf("the new tab's header: %q", who)
	}
	if v := tb.eval(`!document.getElementById('signin-view').hidden`); v != false {
		t.Error("the new tab asks to sign in again")
	}
	shot(t, tab, dir, "day-new-tab")

	// Find the graduate by name and open them.
	tb.do("search by name", setSelect("f-status", ""), chromedp.SendKeys(chromedp.ID("f-q"), target.Name),
		waitJS(fmt.Sprintf(`[...document.querySelectorAll('#caseload tbody tr.row')].some(r => r.dataset.id === %q)`, target.ID)))
	tb.do("open the graduate",
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`#caseload tbody tr.row[data-id=%q] a.name`, target.ID))),
		waitJS(fmt.Sprintf(`location.hash === '#/g/%s'`, target.ID)),
		waitJS(fmt.Sprintf(`document.getElementById('print-handout').getAttribute('href') === 'print.html?graduate=%s'`, target.ID)))
	shot(t, tab, dir, "day-graduate")

	// The handout, in a third tab, as the link would open it.
	printTab, closePrint := chromedp.NewContext(b.ctx)
	defer closePrint()
	pb := &browser{t: t, ctx: printTab, dir: dir}
	pb.do("the handout",
		chromedp.Navigate(ts.URL+"/workspace/print.html?graduate="+target.ID),
		waitJS(`document.body.dataset.ready !== undefined || /失败|登录|缺少/.test(document.getElementById('state').textContent)`))
	sheet := pb.eval(`[...document.querySelectorAll('.sheet')].map(s => s.textContent).join('|')`).(string)
	for _, want := range []string{target.Name, "就业指导员：丙老师（" + district + "）", "联系方式：0991-5550123"} {
		if !strings.Contains(sheet, want) {
			t.Errorf("the printed handout lacks %q: %.400s", want, sheet)
		}
	}
	shot(t, printTab, dir, "day-handout")

	// The district at a glance, back in the first tab.
	b.do("charts", chromedp.Navigate(ts.URL+"/workspace/"), waitJS(`document.getElementById('charts').dataset.ready === '4'`))
	if n := b.eval(`document.querySelectorAll('#charts figure svg').length`); n != float64(4) {
		t.Errorf("%v charts drawn, want 4", n)
	}
	shot(t, b.ctx, dir, "day-charts")
}
