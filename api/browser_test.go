package api

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/urumqi-hrss/jobmatch/ingest/synth"
	"github.com/urumqi-hrss/jobmatch/ingest/synth/synthtest"
	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

// chromiumPath finds Debian's Chromium (or another Chrome) on this machine.
func chromiumPath() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	for _, p := range []string{"/usr/bin/chromium", "/usr/lib/chromium/chromium"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return ""
}

// demoServer builds what `jobmatch demo` serves, at a smaller size: a
// synthetic Urumqi data set generated, ingested through the real importer
// into a bolt store and a bleve index in dir, and a matching engine over it.
func demoServer(t *testing.T, dir string) (*Server, matcher.FullStore, time.Time) {
	t.Helper()
	o := synth.DefaultOptions()
	o.Seed, o.Posts, o.Internships, o.Courses, o.Graduates, o.DuplicateShare = 11, 900, 90, 60, 240, 0
	stack := synthtest.New(t, synthtest.Options{Synth: o, Dir: dir, IndexPosts: true})
	now := stack.Now
	srv, err := New(Config{Stores: StoresOf(stack.Store), Index: stack.Index, Engine: stack.Engine, Log: stack.Log, Now: func() time.Time { return now }, RateLimit: -1})
	if err != nil {
		t.Fatal(err)
	}
	return srv, stack.Store, now
}

// TestWorkspaceInBrowser drives the counselor workspace in a real headless
// Chromium: sign in with a counselor key, filter the caseload, open a
// 就业困难 graduate, build a complete 一人一策 shortlist from the
// recommendations, reload and find it persisted, log a contact.
func TestWorkspaceInBrowser(t *testing.T) {
	bin := needChromium(t)
	start := time.Now()
	dir := t.TempDir()
	srv, st, _ := demoServer(t, dir)
	ctx := context.Background()

	// A district with registered, seeking 就业困难 graduates, and a
	// counselor key for it.
	perDistrict := map[string]int{}
	if err := st.EachGraduate(ctx, matcher.GraduateFilter{Status: matcher.StatusSeeking}, func(g *matcher.Graduate) error {
		if g.IsHardship() {
			perDistrict[g.HukouDistrict]++
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	district := ""
	for d, n := range perDistrict {
		if catalog.IsUrumqiDistrict(d) && (district == "" || n > perDistrict[district] || n == perDistrict[district] && d < district) {
			district = d
		}
	}
	if district == "" {
		t.Fatal("the demo data has no seeking hardship graduate")
	}
	secret, _, err := CreateKey(ctx, st, KeySpec{Role: matcher.RoleCounselor, District: district, Name: "王老师"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	t.Logf("demo data ready in %v", time.Since(start).Round(time.Millisecond))

	bctx := startChromium(t, bin, dir, 1440, 60*time.Second)

	fail := func(step string, err error) {
		t.Helper()
		shot(t, bctx, dir, "failed")
		flash, _ := chromedp.Run(bctx, chromedp.Evaluate[string](`(document.getElementById('flash')||{}).textContent || ''`))
		t.Fatalf("%s: %v (message on the page: %q)", step, err, flash)
	}
	// do runs browser steps; waitJS polls a JavaScript condition.
	do := func(step string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(bctx, actions...); err != nil {
			fail(step, err)
		}
	}
	waitJS := func(expr string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(15*time.Second))(ctx, tg)
			if err != nil {
				return fmt.Errorf("waiting for %s: %w", expr, err)
			}
			return nil
		})
	}
	eval := func(expr string) any {
		t.Helper()
		v, err := chromedp.Run(bctx, chromedp.Evaluate[any](expr))
		if err != nil {
			fail(expr, err)
		}
		return v
	}
	text := func(sel string) string {
		t.Helper()
		v, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			fail("text of "+sel, err)
		}
		return v
	}
	count := func(sel string) string { return fmt.Sprintf("document.querySelectorAll(%q).length", sel) }
	change := func(id, value string) chromedp.Action[chromedp.Void] {
		return chromedp.Steps(
			chromedp.SetValue(chromedp.ID(id), value),
			chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				_, err := chromedp.Evaluate[any](fmt.Sprintf(`document.getElementById(%q).dispatchEvent(new Event('change'))`, id))(ctx, tg)
				return err
			}))
	}

	// Sign in.
	do("sign in",
		chromedp.Navigate(ts.URL+"/workspace/"),
		chromedp.WaitVisible(chromedp.ID("signin-key")),
		chromedp.SendKeys(chromedp.ID("signin-key"), secret),
		chromedp.Click(chromedp.ID("signin-submit")),
		chromedp.WaitVisible(chromedp.ID("caseload-view")),
		waitJS(count("#caseload tbody tr.row")+" > 0"),
	)
	if who := text("#who"); !strings.Contains(who, district) || !strings.Contains(who, "就业指导员") {
		t.Errorf("header shows %q, want the counselor's district %s", who, district)
	}
	if stored := eval(`sessionStorage.getItem('jobmatch.key')`); stored != secret {
		t.Error("the key is not in sessionStorage")
	}
	if elsewhere := eval(`JSON.stringify(localStorage) + '|' + document.cookie + '|' + location.href`).(string); strings.Contains(elsewhere, "jm_") {
		t.Errorf("the key leaked out of sessionStorage: %q", elsewhere)
	}

	// The dashboard and the caseload.
	do("dashboard", waitJS(count("#dashboard .stat")+" === 4"))
	regRate, milestones := text("#stat-registered .stat-value"), text("#milestones")
	if !strings.HasSuffix(regRate, "%") || !strings.Contains(milestones, "-07-31") || !strings.Contains(milestones, "目标 90.0%") {
		t.Errorf("dashboard: registration %q, milestones %q", regRate, milestones)
	}
	// Issue 9, item 7: each rate says whom it counts, with its denominator.
	if reg, placed := text("#stat-registered .stat-sub"), text("#stat-placed .stat-sub"); !regexp.MustCompile(`已登记 \d+ / \d+ 人（\d{4}届乌鲁木齐市户籍毕业生）`).MatchString(reg) ||
		!regexp.MustCompile(`已落实 \d+ / \d+ 人（\d{4}届毕业生）`).MatchString(placed) {
		t.Errorf("dashboard rates %q, %q: want numerator / denominator and the population the plan means", reg, placed)
	}
	if masked := eval(`[...document.querySelectorAll('#caseload tbody tr.row td:nth-child(2)')].every(td => td.textContent === '' || /^\d{6}\*+[\dXx]{2}$/.test(td.textContent))`); masked != true {
		t.Error("national ids in the caseload are not masked")
	}
	if overdue := text("#stat-overdue .stat-value"); overdue != "0" {
		if n := eval(count("#caseload tbody tr.overdue .flag")); n == float64(0) {
			t.Errorf("the dashboard says %s overdue but page one shows no red flag", overdue)
		}
	}

	// The caseload opens on the graduates still looking; the filter shows
	// those with a destination on demand, never flagged overdue.
	if v := eval(`document.getElementById('f-status').value`); v != "looking" {
		t.Errorf("the default status filter is %v, want looking", v)
	}
	if ok := eval(`[...document.querySelectorAll('#caseload tbody tr.row')].every(r => r.querySelector('.st-seeking, .st-unregistered'))`); ok != true {
		t.Error("the default caseload lists graduates with a destination")
	}
	do("graduates with a destination",
		change("f-status", "settled"),
		waitJS(`document.querySelectorAll('#caseload tbody tr.row').length > 0 && [...document.querySelectorAll('#caseload tbody tr.row')].every(r => r.querySelector('.st-placed, .st-employed, .st-studying'))`),
	)
	if n := eval(count("#caseload tbody tr.row .flag") + " + " + count("#caseload tbody tr.overdue")); n != float64(0) {
		t.Errorf("%v graduates with a destination are flagged overdue", n)
	}
	if ok := eval(`[...document.querySelectorAll('#caseload tbody tr.row')].every(r => r.querySelector('.tag.done'))`); ok != true {
		t.Error("graduates with a destination are not marked 已落实去向")
	}
	settledID := eval(`document.querySelector('#caseload tbody tr.row').dataset.id`).(string)

	// Filter to seeking hardship graduates and open the first one.
	do("filter and open a graduate",
		change("f-status", "seeking"),
		change("f-hardship", "yes"),
		waitJS(`document.querySelectorAll('#caseload tbody tr.row').length > 0 && [...document.querySelectorAll('#caseload tbody tr.row')].every(r => r.querySelector('.tag.hard') && r.querySelector('.st-seeking'))`),
		chromedp.Click(chromedp.CSS("#caseload tbody tr.row a.name")),
		chromedp.WaitVisible(chromedp.ID("graduate-view")),
		waitJS(`!!document.getElementById('g-name') && !!document.getElementById('shortlist-message')`),
	)
	gid := eval(`decodeURIComponent(location.hash.slice(4))`).(string)
	g, err := st.Graduate(ctx, gid)
	if err != nil {
		t.Fatalf("the page's graduate %q: %v", gid, err)
	}
	if name := text("#g-name"); !g.IsHardship() || !strings.Contains(name, g.Name) {
		t.Fatalf("opened %q (%s), hardship %v", name, gid, g.IsHardship())
	}
	if nid := text("#g-id"); nid != viewNationalID(g.NationalID) {
		t.Errorf("profile shows national id %q, want the mask %q", nid, viewNationalID(g.NationalID))
	}
	// A hardship graduate still looking opens with the proposed plan,
	// waiting for the counselor's confirmation.
	do("proposed plan", waitJS(`!!document.getElementById('plan-confirm') && document.getElementById('plan-state').dataset.status === 'proposed'`))
	if n := eval(count("#sl-posts li.item.proposed")); n == float64(0) {
		t.Fatalf("the proposed plan shows no proposed post (%q)", text("#shortlist-message"))
	}
	if sub := eval(`[...document.querySelectorAll('#subsidies li')].filter(li => !li.classList.contains('muted')).every(li => (li.textContent.includes('符合：') || li.textContent.includes('可申请，需核实：')) && li.textContent.includes('依据（措施'))`); sub != true {
		t.Errorf("subsidies without their verdict or the plan's sentence: %q", text("#subsidies"))
	}

	do("job recommendations", waitJS(count("#rec-list li.rec[data-kind=job] ul.reasons li")+" > 0"))
	// Each card says what is missing once, and shows the fit as 匹配度
	// 高/中/低 (not a fake percentage), with a bar of at most 100 % of the
	// list's best.
	if n := eval(`[...document.querySelectorAll('#rec-list li.rec')].filter(li => (li.textContent.match(/缺少：/g) || []).length > 1).length`); n != float64(0) {
		t.Errorf("%v recommendation cards say 缺少 twice", n)
	}
	if n := eval(count("#rec-list li.rec .missing")); n == float64(0) {
		t.Error("no recommendation card shows what is missing: the check above proves nothing")
	}
	// The fit is shown as 匹配度 高/中/低 by the stated rule (share of the
	// list's best score, skills and certificates lacking), never a raw score.
	if n := eval(`(() => { const lis = [...document.querySelectorAll('#rec-list li.rec')]; const top = Math.max(...lis.map(li => parseFloat(li.querySelector('.score').dataset.score))); return lis.filter(li => { const s = li.querySelector('.score'); const rel = parseFloat(s.dataset.score) / top; const lacks = li.querySelector('.missing') ? li.querySelector('.missing').textContent.replace('缺少：', '').split('、').length : 0; const want = lacks === 0 && rel >= 0.75 ? '高' : (rel < 0.4 || lacks >= 2 ? '低' : '中'); return li.querySelector('.score-value').textContent !== '匹配度 ' + want || /得分|\d\.\d\d/.test(li.querySelector('.score-value').textContent); }).length })()`); n != float64(0) {
		t.Errorf("%v recommendation cards do not show 匹配度 高/中/低 by the rule", n)
	}
	if n := eval(`[...document.querySelectorAll('#rec-list ul.reasons')].filter(ul => ul.children.length > 3).length`); n != float64(0) {
		t.Errorf("%v recommendation cards list more than their top three reasons", n)
	}
	if ok := eval(`[...document.querySelectorAll('#rec-list .score-fill')].every(f => { const w = parseFloat(f.style.width); return w >= 0 && w <= 100; }) && [...document.querySelectorAll('#rec-list .score-fill')].some(f => parseFloat(f.style.width) === 100)`); ok != true {
		t.Error("score bars are not relative to the list's best")
	}

	// Remove the first proposed post: the next proposal fills the gap.
	posts := eval(count("#sl-posts li.item")).(float64)
	removed := eval(`document.querySelector('#sl-posts li.item').dataset.id`).(string)
	do("remove a proposed post",
		chromedp.Click(chromedp.CSS(`#sl-posts li.item:first-child .item-actions button.danger`)),
		waitJS(fmt.Sprintf(`![...document.querySelectorAll('#sl-posts li.item')].some(li => li.dataset.id === %q) && %s === %v`, removed, count("#sl-posts li.item"), posts)),
	)
	// Pin the third post: it moves to the top and becomes the counselor's.
	do("pin",
		chromedp.Click(chromedp.CSS(`#sl-posts li.item:nth-child(3) .item-actions button:first-child`)),
		waitJS(count("#sl-posts li.item.pinned")+" === 1"),
	)
	if first := eval(`document.querySelector('#sl-posts li.item').classList.contains('pinned') && document.querySelector('#sl-posts li.item').dataset.origin === 'counselor'`); first != true {
		t.Error("the pinned post is not first, or not the counselor's")
	}
	proposed := eval(count("#shortlist-lists li.item.proposed")).(float64)
	do("confirm",
		chromedp.Click(chromedp.ID("plan-confirm")),
		waitJS(`document.getElementById('plan-state').dataset.status === 'confirmed'`),
	)
	if n := eval(count("#shortlist-lists li.item.proposed")); n != float64(0) {
		t.Errorf("%v items still marked proposed after confirming", n)
	}
	// Make room and add a post from the recommendations.
	do("remove the last post",
		chromedp.Click(chromedp.CSS(`#sl-posts li.item:last-child .item-actions button.danger`)),
		waitJS(fmt.Sprintf("%s === %v", count("#sl-posts li.item"), posts-1)),
		waitJS(count("#rec-list button[data-add][data-kind=job]:not([disabled])")+" > 0"),
	)
	do("add a recommended post",
		chromedp.Click(chromedp.CSS("#rec-list button[data-add][data-kind=job]:not([disabled])")),
		waitJS(fmt.Sprintf("%s === %v", count("#sl-posts li.item"), posts)),
	)

	// Reload: the session survives, the plan was saved server-side.
	do("reload",
		chromedp.Reload(),
		chromedp.WaitVisible(chromedp.ID("graduate-view")),
		waitJS(fmt.Sprintf("%s === %v && document.getElementById('plan-state').dataset.status === 'confirmed'", count("#sl-posts li.item"), posts)),
	)
	edits, err := st.ShortlistEdits(ctx, gid)
	if err != nil {
		t.Fatal(err)
	}
	if want := int(proposed) + 5; len(edits) != want {
		t.Errorf("stored %d plan edits, want %d (remove, pin, %v proposed items confirmed, confirm, remove, add)", len(edits), want, proposed)
	}

	// Log a contact.
	note := "已电话联系，有意向到" + district + "就业，下周参加招聘会"
	do("log a contact",
		chromedp.SetValue(chromedp.ID("c-method"), "phone"),
		chromedp.SetValue(chromedp.ID("c-outcome"), "reached"),
		chromedp.SendKeys(chromedp.ID("c-note"), note),
		chromedp.Click(chromedp.ID("c-submit")),
		waitJS(count("#contact-log li.contact")+" === 1"),
	)
	if log := text("#contact-log"); !strings.Contains(log, note) || !strings.Contains(log, "电话") || !strings.Contains(log, "已联系上") {
		t.Errorf("contact log %q", log)
	}
	if cs := text("#contact-state"); !strings.Contains(cs, "首次联系") {
		t.Errorf("contact state %q", cs)
	}
	stored, err := st.Graduate(ctx, gid)
	if err != nil {
		t.Fatal(err)
	}
	if stored.ContactedAt.IsZero() {
		t.Error("logging a contact did not set contacted_at")
	}
	path := shot(t, bctx, dir, "graduate")

	// A graduate with a destination: the 一人一策 panel says so and asks
	// for nothing.
	settled, err := st.Graduate(ctx, settledID)
	if err != nil {
		t.Fatal(err)
	}
	do("open a graduate with a destination",
		chromedp.Navigate(ts.URL+"/workspace/#/g/"+settledID),
		waitJS(fmt.Sprintf(`(document.getElementById('g-name') || { textContent: '' }).textContent.includes(%q) && !!document.getElementById('shortlist-message')`, settled.Name)),
	)
	if msg := text("#shortlist-message"); !strings.Contains(msg, "已落实去向") || strings.Contains(msg, "还需") {
		t.Errorf("a graduate with a destination: shortlist says %q", msg)
	}
	if cls := eval(`document.getElementById('shortlist-status').className`); cls != "status settled" {
		t.Errorf("shortlist status class %v", cls)
	}

	// Back to the caseload.
	do("back", chromedp.Click(chromedp.ID("back")), waitJS(count("#caseload tbody tr.row")+" > 0"))
	shot(t, bctx, dir, "caseload")
	t.Logf("browser test took %v; screenshot %s", time.Since(start).Round(time.Millisecond), path)
}

// shot saves a full-page screenshot; JOBMATCH_SCREENSHOTS=dir keeps it
// there, else it goes to the test's temp dir.
func shot(t *testing.T, ctx context.Context, dir, name string) string {
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Logf("screenshot %s: %v", name, err)
		return ""
	}
	if d := os.Getenv("JOBMATCH_SCREENSHOTS"); d != "" {
		dir = d
	}
	path := filepath.Join(dir, "workspace-"+name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Logf("screenshot %s: %v", name, err)
	}
	return path
}
