package api

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/casework"
)

// chromiumContext starts headless Chromium for a test (skipped without one unless
// JOBMATCH_REQUIRE_BROWSER=1), bounded to 90 s.
func chromiumContext(t *testing.T, dir string) context.Context {
	t.Helper()
	return startChromium(t, needChromium(t), dir, 1280, 90*time.Second)
}

// waitFor polls a JavaScript condition.
func pollUntil(expr string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		if _, err := chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(30*time.Second))(ctx, tg); err != nil {
			return fmt.Errorf("waiting for %s: %w", expr, err)
		}
		return nil
	})
}

// TestDocumentsInBrowser: the dashboard's four charts render in the
// workspace (each an SVG with a drawn box and its figures), and the print view of a graduate's handout and of a
// district's 一人一策 caseload, printed by Chromium (PrintToPDF, the CSS's
// A4 page): one page a graduate, the posts' titles and deadlines on it,
// and none of the page's controls on paper; then its 下载PDF and
// 导出方案表 buttons clicked and the files Chromium saved opened
// (checkDownloads).
func TestDocumentsInBrowser(t *testing.T) {
	dir := t.TempDir()
	bctx := chromiumContext(t, dir)
	srv, st, _ := demoServer(t, dir)
	ctx := context.Background()
	district, secret := planDistrictKey(t, srv, st)
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	hs, err := srv.casework.PlanCaseload(ctx, casework.CaseFilter{District: district}, 0)
	if err != nil || len(hs) < 2 {
		t.Fatalf("%d 一人一策 graduates in %s (%v)", len(hs), district, err)
	}
	signIn := chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Evaluate[any](fmt.Sprintf("sessionStorage.setItem('jobmatch.key', %q)", secret))(ctx, tg)
		return err
	})
	if err := chromedp.Do(bctx, chromedp.Navigate(ts.URL+"/workspace/print.html"), signIn); err != nil {
		t.Fatal(err)
	}
	t.Run("charts", func(t *testing.T) {
		if err := chromedp.Do(bctx, chromedp.Navigate(ts.URL+"/workspace/"), pollUntil("document.getElementById('charts').dataset.ready === '4'")); err != nil {
			msg, _ := chromedp.Run(bctx, chromedp.Evaluate[string]("document.getElementById('charts').textContent"))
			t.Fatalf("%v (%s)", err, msg)
		}
		for _, name := range []string{"milestones", "districts", "contacts", "plans"} {
			w, err := chromedp.Run(bctx, chromedp.Evaluate[float64](fmt.Sprintf("(() => { const s = document.querySelector('figure[data-chart=%s] svg'); const r = s && s.getBoundingClientRect(); return r && s.querySelectorAll('rect').length > 2 && s.querySelectorAll('text').length > 3 ? r.width * r.height : 0 })()", name)))
			if err != nil || w < 10000 {
				t.Errorf("chart %s is not drawn (area %v, %v)", name, w, err)
			}
		}
		txt, _ := chromedp.Run(bctx, chromedp.Evaluate[string]("document.querySelector('figure[data-chart=plans]').textContent"))
		if !strings.Contains(txt, fmt.Sprintf("一人一策方案：%d 人", len(hs))) {
			t.Errorf("plans chart says %q, the caseload has %d 一人一策 graduates", txt, len(hs))
		}
		shot(t, bctx, dir, "charts")
	})
	for _, tc := range []struct {
		name, query string
		graduates   []matcher.Graduate
	}{
		{"graduate", "?graduate=" + hs[0].ID, hs[:1]},
		{"caseload", "?caseload=1", hs},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := chromedp.Do(bctx, chromedp.Navigate(ts.URL+"/workspace/print.html"+tc.query), pollUntil("document.body.dataset.ready !== undefined || /失败|登录|缺少/.test(document.getElementById('state').textContent)")); err != nil {
				t.Fatal(err)
			}
			n, _ := chromedp.Run(bctx, chromedp.Evaluate[int]("document.querySelectorAll('.sheet').length"))
			if n != len(tc.graduates) {
				msg, _ := chromedp.Run(bctx, chromedp.Evaluate[string]("document.getElementById('state').textContent"))
				t.Fatalf("%d sheets for %d graduates (%s)", n, len(tc.graduates), msg)
			}
			over, _ := chromedp.Run(bctx, chromedp.Evaluate[int]("[...document.querySelectorAll('.sheet')].filter(s => s.firstChild.scrollHeight > s.clientHeight).length"))
			if over != 0 {
				t.Errorf("%d sheets overflow their A4 page", over)
			}
			pdf, err := chromedp.Run(bctx, chromedp.PrintToPDF(chromedp.PDFPreferCSSPageSize()))
			if err != nil {
				t.Fatal(err)
			}
			os.WriteFile(filepath.Join(dir, "print-"+tc.name+".pdf"), pdf, 0o600)
			pages, count := pdfPages(t, pdf)
			if count != len(tc.graduates) {
				t.Errorf("Chromium printed %d pages for %d graduates", count, len(tc.graduates))
			}
			for i, g := range tc.graduates {
				if i >= len(pages) {
					break
				}
				if !strings.Contains(pages[i], g.ID) {
					t.Errorf("page %d is not %s's", i+1, g.ID)
				}
				for _, control := range []string{"下载PDF", "返回工作台", "正在加载", "导出方案表"} {
					if strings.Contains(pages[i], control) {
						t.Errorf("page %d shows the control %q on paper", i+1, control)
					}
				}
			}
			// The first graduate's posts, with their deadlines.
			h, err := srv.casework.Handout(ctx, &tc.graduates[0], casework.Counselor{})
			if err != nil {
				t.Fatal(err)
			}
			if len(h.Posts) == 0 {
				t.Fatalf("%s's handout has no post", h.Graduate.ID)
			}
			for _, p := range h.Posts {
				if !strings.Contains(pages[0], strings.Join(strings.Fields(p.Title), "")) || p.Deadline != nil && !strings.Contains(pages[0], p.Deadline.Format("2006-01-02")) {
					t.Errorf("printed page lacks post %q or its deadline", p.Title)
				}
			}
			shot(t, bctx, dir, "print-"+tc.name)
			checkDownloads(t, bctx, srv, tc.graduates, tc.name == "caseload")
		})
	}
}

// planDistrictKey picks the district with the most 一人一策 graduates of
// the demo data and makes a counselor key for it.
func planDistrictKey(t *testing.T, srv *Server, st matcher.FullStore) (string, string) {
	t.Helper()
	ctx := context.Background()
	all, err := srv.casework.PlanCaseload(ctx, casework.CaseFilter{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	per := map[string]int{}
	district := ""
	for _, g := range all {
		d := g.ResidenceDistrict
		per[d]++
		if district == "" || per[d] > per[district] || per[d] == per[district] && d < district {
			district = d
		}
	}
	if district == "" {
		t.Fatal("the demo data has no 一人一策 graduate")
	}
	secret, _, err := CreateKey(ctx, st, KeySpec{Role: matcher.RoleCounselor, District: district, Name: "王老师"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return district, secret
}
