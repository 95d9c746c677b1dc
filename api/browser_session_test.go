package api

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// TestPasswordSessionInBrowser: a counselor signs in with a name and
// password in Chromium; the session cookie is out of the page's reach
// (HttpOnly) and nothing is kept in storage; the caseload search works;
// the page's own writes carry the CSRF token while a bare request of the
// same origin is refused; a reload keeps the session; sign-out ends it on
// the server and leaves nothing of the person for the next one, who signs
// in to their own district.
func TestPasswordSessionInBrowser(t *testing.T) {
	dir := t.TempDir()
	b := newBrowser(t, dir)
	srv, st, _ := demoServer(t, dir)
	ctx := context.Background()
	ds := demoDistricts(t, st)
	for i, spec := range []UserSpec{
		{Name: "jia", FullName: "甲老师", Role: matcher.RoleCounselor, District: ds[0], Password: "jia's password 1"},
		{Name: "yi", FullName: "乙老师", Role: matcher.RoleCounselor, District: ds[1], Password: "yi's password 22"},
	} {
		if _, err := CreateUser(ctx, st, spec); err != nil {
			t.Fatalf("user %d: %v", i, err)
		}
	}
	var target *matcher.Graduate
	if err := st.EachGraduate(ctx, matcher.GraduateFilter{District: ds[0]}, func(g *matcher.Graduate) error {
		if target == nil && len([]rune(g.Name)) == 3 {
			c := *g
			target = &c
		}
		return nil
	}); err != nil || target == nil {
		t.Fatalf("no graduate of %s with a three-character name: %v", ds[0], err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)

	signIn := func(who, name, pw string) {
		b.do("sign in as "+who,
			waitJS(`!!document.getElementById('signin-view') && !document.getElementById('signin-view').hidden`),
			chromedp.SendKeys(chromedp.ID("signin-name"), name),
			chromedp.SendKeys(chromedp.ID("signin-password"), pw),
			chromedp.Click(chromedp.ID("password-submit")),
			chromedp.WaitVisible(chromedp.ID("caseload-view")),
			waitJS(countOf("#caseload tbody tr.row")+" > 0"),
		)
	}
	b.do("open", chromedp.Navigate(ts.URL+"/workspace/"), chromedp.WaitVisible(chromedp.ID("password-form")))
	b.do("a wrong password",
		chromedp.SendKeys(chromedp.ID("signin-name"), "jia"),
		chromedp.SendKeys(chromedp.ID("signin-password"), "not the password"),
		chromedp.Click(chromedp.ID("password-submit")),
		waitJS(`!document.getElementById('signin-error').hidden && document.getElementById('signin-error').textContent.includes('用户名或密码错误')`),
		chromedp.Evaluate[chromedp.Void](`document.getElementById('signin-name').value = ''`),
	)
	shot(t, b.ctx, dir, "session-signin")
	signIn("甲", "jia", "jia's password 1")
	if who := b.text("#who"); !strings.Contains(who, ds[0]) || !strings.Contains(who, "甲老师") {
		t.Errorf("header after sign-in: %q", who)
	}
	if v := b.eval(`document.cookie.includes('jm_session') || sessionStorage.length > 0 || localStorage.length > 0`); v != false {
		t.Error("the session is readable by the page's script or kept in storage")
	}
	shot(t, b.ctx, dir, "session-caseload")

	part := string([]rune(target.Name)[1:])
	b.do("search", setSelect("f-status", ""), chromedp.SendKeys(chromedp.ID("f-q"), part),
		waitJS(fmt.Sprintf(`document.querySelectorAll('#caseload tbody tr.row').length > 0 && [...document.querySelectorAll('#caseload tbody tr.row')].every(r => r.querySelector('a.name').textContent.includes(%q))`, part)))
	if ok := b.eval(fmt.Sprintf(`[...document.querySelectorAll('#caseload tbody tr.row')].some(r => r.dataset.id === %q)`, target.ID)); ok != true {
		t.Errorf("searching %q does not list %s", part, target.ID)
	}
	shot(t, b.ctx, dir, "session-search")

	// The page's own write (api() adds the CSRF token) against a bare
	// same-origin request with the cookie and without the token.
	contact := `{"method":"phone","outcome":"no_answer"}`
	b.eval(fmt.Sprintf(`window.__page = null; window.__bare = null;
		api('POST', '/v1/graduates/%[1]s/contacts', %[2]s).then(() => window.__page = 201, e => window.__page = e.status);
		fetch('/v1/graduates/%[1]s/contacts', {method: 'POST', credentials: 'same-origin', headers: {'Content-Type': 'application/json'}, body: '%[2]s'}).then(r => window.__bare = r.status)`, target.ID, contact))
	b.do("writes", waitJS(`window.__page !== null && window.__bare !== null`))
	if page, bare := b.eval(`window.__page`), b.eval(`window.__bare`); page != float64(201) || bare != float64(403) {
		t.Errorf("the page's contact: %v (want 201); without the CSRF token: %v (want 403)", page, bare)
	}

	b.do("reload", chromedp.Reload())
	b.waitAcross("still signed in after a reload", `!!document.getElementById('caseload-view') && !document.getElementById('caseload-view').hidden && `+countOf("#caseload tbody tr.row")+` > 0`)
	b.do("page on", setSelect("f-status", ""), waitJS(`!document.getElementById('next').disabled`), chromedp.Click(chromedp.ID("next")),
		waitJS(`document.getElementById('page-info').textContent.startsWith('第 21–')`))
	b.eval(`window.__previousPerson = '甲'`)

	b.do("sign out", chromedp.Click(chromedp.ID("signout")))
	b.waitAcross("signed out", `window.__previousPerson === undefined && !!document.getElementById('signin-view') && !document.getElementById('signin-view').hidden`)
	if n := b.eval(`sessionStorage.length + localStorage.length + document.querySelectorAll('#caseload tbody tr').length + document.getElementById('f-q').value.length`); n != float64(0) {
		t.Errorf("after sign-out %v traces remain (storage, rows, the search)", n)
	}
	b.eval(`window.__me = null; fetch('/v1/me', {credentials: 'same-origin'}).then(r => window.__me = r.status)`)
	b.do("session gone", waitJS(`window.__me !== null`))
	if me := b.eval(`window.__me`); me != float64(401) {
		t.Errorf("after sign-out /v1/me answers %v, want 401", me)
	}
	shot(t, b.ctx, dir, "session-signed-out")

	signIn("乙", "yi", "yi's password 22")
	if v := b.eval(`document.getElementById('f-status').value + '|' + document.getElementById('f-q').value`); v != "looking|" {
		t.Errorf("乙's filters are %q: 甲's survived", v)
	}
	if p := b.text("#page-info"); !strings.HasPrefix(p, "第 1–") {
		t.Errorf("乙's caseload opens at %q", p)
	}
	if who := b.text("#who"); !strings.Contains(who, ds[1]) || strings.Contains(who, "甲老师") {
		t.Errorf("header for 乙: %q", who)
	}
	ids := b.eval(`[...document.querySelectorAll('#caseload tbody tr.row')].map(r => r.dataset.id).join(' ')`).(string)
	for _, id := range strings.Fields(ids) {
		g, err := st.Graduate(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if g.HukouDistrict != ds[1] && g.ResidenceDistrict != ds[1] {
			t.Errorf("乙 (%s) sees %s of %s/%s", ds[1], id, g.HukouDistrict, g.ResidenceDistrict)
		}
	}
	shot(t, b.ctx, dir, "session-next-person")
}
