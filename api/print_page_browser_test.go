package api

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/casework"
)

// TestBrowserPrintOfGraduatePage: a counselor who prints a graduate's page
// with the browser's own print (Ctrl+P), not the 打印清单 link, gets the
// handout: one A4 page holding the posts with their deadlines, and no
// contact form, buttons or recommendations (issue 12: "the browser's print
// of a graduate gives three A4 pages with the contact form, buttons and
// search results in them"). The caseload's page prints without its
// controls too. Chromium prints as a person's Ctrl+P does: print media,
// the page's own A4 size.
func TestBrowserPrintOfGraduatePage(t *testing.T) {
	dir := t.TempDir()
	b := newBrowser(t, dir)
	srv, st, _ := demoServer(t, dir)
	ctx := context.Background()
	district, _ := planDistrictKey(t, srv, st)
	if _, err := CreateUser(ctx, st, UserSpec{Name: "ding", FullName: "丁老师", Role: matcher.RoleCounselor, District: district, Contact: "0991-5550199", Password: "ding's password 4"}); err != nil {
		t.Fatal(err)
	}
	plans, err := srv.casework.PlanCaseload(ctx, casework.CaseFilter{District: district}, 0)
	if err != nil || len(plans) == 0 {
		t.Fatalf("no 一人一策 graduate in %s (%v)", district, err)
	}
	target := plans[0]
	h, err := srv.casework.Handout(ctx, &target, casework.Counselor{})
	if err != nil || len(h.Posts) == 0 {
		t.Fatalf("%s's handout: %v, %d posts", target.ID, err, len(h.Posts))
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)

	b.do("sign in and open the graduate",
		chromedp.Navigate(ts.URL+"/workspace/"),
		waitJS(`!!document.getElementById('signin-view') && !document.getElementById('signin-view').hidden`),
		chromedp.SendKeys(chromedp.ID("signin-name"), "ding"),
		chromedp.SendKeys(chromedp.ID("signin-password"), "ding's password 4"),
		chromedp.Click(chromedp.ID("password-submit")),
		waitJS(countOf("#caseload tbody tr.row")+" > 0"),
		chromedp.Navigate(ts.URL+"/workspace/#/g/"+target.ID),
		waitJS(countOf("#shortlist-lists li")+" > 0 && "+countOf("#rec-list li")+" > 0"))
	shot(t, b.ctx, dir, "graduate-before-print")

	print := func(name string) (string, int) {
		t.Helper()
		pdf, err := chromedp.Run(b.ctx, chromedp.PrintToPDF(chromedp.PDFPreferCSSPageSize()))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, name+".pdf"), pdf, 0o600)
		pages, n := pdfPages(t, pdf)
		return strings.Join(pages, "\f"), n
	}
	// The sheet is fetched with the shortlist; a person prints once the
	// page is drawn.
	// (Given 10 s, then printed as it is: a page without the sheet fails
	// below on what it prints.)
	b.do("the handout behind the page", waitJS(fmt.Sprintf(`(window.t0 = window.t0 || Date.now(), !!document.querySelector('#print-sheet .sheet[data-graduate=%q]') || Date.now() - window.t0 > 10000)`, target.ID)))
	text, n := print("graduate-page")
	if n != 1 {
		t.Errorf("the graduate's page printed on %d pages, want the handout's one", n)
	}
	flat := strings.Join(strings.Fields(text), "")
	if !strings.Contains(flat, target.ID) || !strings.Contains(flat, "高校毕业生“一人一策”就业帮扶清单") {
		t.Errorf("the printed page is not %s's handout:\n%s", target.ID, text)
	}
	for _, p := range h.Posts {
		if !strings.Contains(flat, strings.Join(strings.Fields(p.Title), "")) || p.Deadline != nil && !strings.Contains(flat, p.Deadline.Format("2006-01-02")) {
			t.Errorf("the printed page lacks post %q or its deadline", p.Title)
		}
	}
	for _, control := range []string{"记录联系", "加入名单", "置顶", "移除", "退出登录", "打印清单", "下载PDF", "返回名单", "联系记录", "匹配度"} {
		if strings.Contains(flat, control) {
			t.Errorf("the printed graduate page shows %q", control)
		}
	}

	b.do("back to the caseload", chromedp.Navigate(ts.URL+"/workspace/#/"), waitJS(`!document.getElementById('caseload-view').hidden && `+countOf("#caseload tbody tr.row")+" > 0"))
	text, _ = print("caseload-page")
	flat = strings.Join(strings.Fields(text), "")
	// Every column of the list is on the paper, the last one too.
	if !strings.Contains(flat, "服务对象名单") || !strings.Contains(flat, "提醒") || !strings.Contains(flat, "联系日期") {
		t.Errorf("the caseload's page printed without its list:\n%s", text)
	}
	for _, control := range []string{"退出登录", "上一页", "下一页", "打印本区", "仅看超期未联系"} {
		if strings.Contains(flat, control) {
			t.Errorf("the printed caseload shows the control %q", control)
		}
	}
}
