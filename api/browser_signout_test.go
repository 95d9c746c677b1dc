package api

import (
	"context"
	"fmt"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

// demoDistricts are the demo data's Urumqi districts, the fullest first.
func demoDistricts(t *testing.T, st matcher.FullStore) []string {
	t.Helper()
	n := map[string]int{}
	if err := st.EachGraduate(context.Background(), matcher.GraduateFilter{}, func(g *matcher.Graduate) error {
		if catalog.IsUrumqiDistrict(g.HukouDistrict) {
			n[g.HukouDistrict]++
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	var ds []string
	for d := range n {
		ds = append(ds, d)
	}
	sort.Slice(ds, func(i, j int) bool { return n[ds[i]] > n[ds[j]] || n[ds[i]] == n[ds[j]] && ds[i] < ds[j] })
	if len(ds) < 2 {
		t.Fatalf("the demo data has graduates in %d Urumqi districts, want 2", len(ds))
	}
	return ds
}

// TestSignOutLeavesNoTrace: paging and filters, the rendered rows and any
// page state of one person do not survive sign-out into the next person's
// session (the page is reloaded); no caseload shows "undefined".
func TestSignOutLeavesNoTrace(t *testing.T) {
	dir := t.TempDir()
	b := newBrowser(t, dir)
	srv, st, _ := demoServer(t, dir)
	ctx := context.Background()
	ds := demoDistricts(t, st)
	keyA, _, err := CreateKey(ctx, st, KeySpec{Role: matcher.RoleCounselor, District: ds[0], Name: "甲"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	keyB, _, err := CreateKey(ctx, st, KeySpec{Role: matcher.RoleCounselor, District: ds[1], Name: "乙"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)

	signIn := func(who, key string) {
		b.do("sign in as "+who,
			waitJS(`!!document.getElementById('signin-view') && !document.getElementById('signin-view').hidden`),
			chromedp.SendKeys(chromedp.ID("signin-key"), key),
			chromedp.Click(chromedp.ID("signin-submit")),
			chromedp.WaitVisible(chromedp.ID("caseload-view")),
			waitJS(countOf("#caseload tbody tr.row")+" > 0"),
		)
	}
	b.do("open", chromedp.Navigate(ts.URL+"/"))
	signIn("A", keyA)
	b.do("A pages and filters",
		setSelect("f-status", ""),
		waitJS(`!document.getElementById('next').disabled`),
		chromedp.Click(chromedp.ID("next")),
		waitJS(`document.getElementById('page-info').textContent.startsWith('第 21–')`),
	)
	b.eval(`window.__previousPerson = 'A'`)
	if txt := b.text("#caseload"); strings.Contains(txt, "undefined") || strings.Contains(txt, "NaN") {
		t.Errorf("the caseload shows %q", txt)
	}
	var rowsA []any
	if v, ok := b.eval(`[...document.querySelectorAll('#caseload tbody tr.row')].map(r => r.dataset.id)`).([]any); ok {
		rowsA = v
	}
	shot(t, b.ctx, dir, "signout-before")

	b.do("sign out", chromedp.Click(chromedp.ID("signout")))
	b.waitAcross("signed out", `window.__previousPerson === undefined && !!document.getElementById('signin-view') && !document.getElementById('signin-view').hidden`)
	if n := b.eval(`sessionStorage.length + localStorage.length + document.querySelectorAll('#caseload tbody tr').length`); n != float64(0) {
		t.Errorf("after sign-out %v traces remain (storage entries or caseload rows)", n)
	}
	if h := b.eval(`location.hash`); h != "" {
		t.Errorf("after sign-out the address keeps %q", h)
	}

	signIn("B", keyB)
	if v := b.eval(`document.getElementById('f-status').value`); v != "looking" {
		t.Errorf("B's status filter is %q, A's choice survived", v)
	}
	if p := b.text("#page-info"); !strings.HasPrefix(p, "第 1–") {
		t.Errorf("B's caseload opens at %q, A's page survived", p)
	}
	if who := b.text("#who"); !strings.Contains(who, ds[1]) || strings.Contains(who, ds[0]) {
		t.Errorf("header %q", who)
	}
	idsB := b.eval(`[...document.querySelectorAll('#caseload tbody tr.row')].map(r => r.dataset.id).join(' ')`).(string)
	for _, id := range strings.Fields(idsB) {
		g, err := st.Graduate(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if g.HukouDistrict != ds[1] && g.ResidenceDistrict != ds[1] {
			t.Errorf("B (%s) sees %s of %s/%s", ds[1], id, g.HukouDistrict, g.ResidenceDistrict)
		}
	}
	if len(rowsA) == 0 || strings.Join(strings.Fields(fmt.Sprint(rowsA...)), " ") == idsB {
		t.Errorf("B's page is A's: %v", rowsA)
	}
	shot(t, b.ctx, dir, "signout-after")
}
