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
	"github.com/urumqi-hrss/jobmatch/matcher/casework"
)

// TestPlanChannelNoteInBrowser: the counselor sees why a proposed plan's
// posts span the channels they do (matcher.PlanCheck.ChannelNote: the
// channel a post was added from for the spread, or why every post is of
// one channel) where the shortlist is built, and the graduate reads it on
// the printed handout. A 一人一策 graduate of the demo data whose plan
// has a note is opened in the workspace in Chromium, then printed.
func TestPlanChannelNoteInBrowser(t *testing.T) {
	dir := t.TempDir()
	b := newBrowser(t, dir)
	srv, st, _ := demoServer(t, dir)
	ctx := context.Background()
	all, err := srv.casework.PlanCaseload(ctx, casework.CaseFilter{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	var g *matcher.Graduate
	var note string
	for i := range all {
		p, err := srv.casework.Plan(ctx, &all[i])
		if err != nil {
			t.Fatal(err)
		}
		if p.Check.ChannelNote != "" && len(p.Posts) > 0 {
			g, note = &all[i], p.Check.ChannelNote
			break
		}
	}
	if g == nil {
		t.Fatalf("none of the %d 一人一策 graduates of the demo data has a plan with a channel note", len(all))
	}
	secret, _, err := CreateKey(ctx, st, KeySpec{Role: matcher.RoleCounselor, District: g.ResidenceDistrict, Name: "王老师"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)

	b.do("sign in and open the graduate",
		chromedp.Navigate(ts.URL+"/workspace/"),
		chromedp.WaitVisible(chromedp.ID("signin-key")),
		chromedp.SendKeys(chromedp.ID("signin-key"), secret),
		chromedp.Click(chromedp.ID("signin-submit")),
		chromedp.WaitVisible(chromedp.ID("caseload-view")),
		chromedp.Navigate(ts.URL+"/workspace/#/g/"+g.ID),
		waitJS(`document.querySelectorAll('#sl-posts li.item').length > 0`),
	)
	got := b.eval(`(document.getElementById('channel-note') || {}).textContent || ''`)
	if want := "岗位渠道：" + note; got != want {
		t.Errorf("the workspace shows the channel note %q, want %q", got, want)
	}
	// It stands with the posts, before the internships.
	if v := b.eval(`(() => { const n = document.getElementById('channel-note'), i = document.getElementById('sl-internships'); return !!(n && i && (n.compareDocumentPosition(i) & Node.DOCUMENT_POSITION_FOLLOWING)); })()`); v != true {
		t.Error("the channel note is not shown with the plan's posts")
	}
	shot(t, b.ctx, dir, "channel-note-workspace")

	b.do("print the handout",
		chromedp.Navigate(ts.URL+"/workspace/print.html?graduate="+g.ID),
		waitJS("document.body.dataset.ready !== undefined"),
	)
	printed, _ := b.eval(`(document.querySelector('.sheet .channel-note') || {}).textContent || ''`).(string)
	if !strings.Contains(printed, note) {
		t.Errorf("the printed handout says %q, want the channel note %q", printed, note)
	}
	if n := b.eval(countOf(".sheet")); n != float64(1) {
		t.Errorf("%v sheets for one graduate", n)
	}
	shot(t, b.ctx, dir, fmt.Sprintf("channel-note-print-%s", g.ID))
}
