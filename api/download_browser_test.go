package api

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/casework"
)

// clickDownload clicks the print view's button sel and returns the file
// Chromium saved (into dir, named by its download GUID), failing when no
// download completes.
func clickDownload(t *testing.T, bctx context.Context, dir, sel string) []byte {
	t.Helper()
	events := true
	progress := chromedp.Events(bctx, cdpbrowser.DownloadProgress)
	err := chromedp.Do(bctx, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
			Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir, EventsEnabled: &events})
		return err
	}), chromedp.Click(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("click %s: %v", sel, err)
	}
	for ev, err := range progress {
		if err != nil {
			t.Fatalf("download from %s: %v", sel, err)
		}
		switch ev.State {
		case cdpbrowser.DownloadProgressStateCompleted:
			b, err := os.ReadFile(filepath.Join(dir, ev.GUID))
			if err != nil {
				t.Fatal(err)
			}
			return b
		case cdpbrowser.DownloadProgressStateCanceled:
			t.Fatalf("download from %s cancelled", sel)
		}
	}
	t.Fatalf("no download from %s", sel)
	return nil
}

// checkDownloads clicks the print view's 下载PDF (and, for a caseload,
// 导出方案表) as a counselor would and opens what Chromium saved: the PDF
// has a page per graduate with each graduate's posts' titles and
// deadlines; the XLSX opens with excelize and holds a row for every post
// of every graduate's plan.
func checkDownloads(t *testing.T, bctx context.Context, srv *Server, gs []matcher.Graduate, caseload bool) {
	ctx := context.Background()
	dir := t.TempDir()
	hs := make([]*casework.Handout, len(gs))
	for i := range gs {
		h, err := srv.casework.Handout(ctx, &gs[i], casework.Counselor{})
		if err != nil {
			t.Fatal(err)
		}
		hs[i] = h
	}
	pdf := clickDownload(t, bctx, dir, "#do-pdf")
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("下载PDF saved %d bytes that are not a PDF: %.80q", len(pdf), pdf)
	}
	pages, count := pdfPages(t, pdf)
	if count != len(hs) {
		t.Errorf("the downloaded PDF has %d pages for %d graduates", count, len(hs))
	}
	for i, h := range hs {
		if i >= len(pages) {
			break
		}
		pg := strings.Join(strings.Fields(pages[i]), "")
		for _, p := range h.Posts {
			if !strings.Contains(pg, strings.Join(strings.Fields(p.Title), "")) || p.Deadline != nil && !strings.Contains(pg, p.Deadline.Format("2006-01-02")) {
				t.Errorf("downloaded PDF page %d lacks %s's post %q or its deadline", i+1, h.Graduate.ID, p.Title)
			}
		}
	}
	if !caseload {
		return
	}
	x, err := excelize.OpenReader(bytes.NewReader(clickDownload(t, bctx, dir, "#do-xlsx")))
	if err != nil {
		t.Fatalf("the downloaded XLSX does not open: %v", err)
	}
	rows, err := x.GetRows("一人一策")
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, r := range rows[1:] {
		if len(r) > 7 {
			have[r[0]+"\x00"+strings.TrimPrefix(r[7], "'")] = true
		}
	}
	for _, h := range hs {
		for _, p := range h.Posts {
			if !have[h.Graduate.ID+"\x00"+p.Title] {
				t.Errorf("the downloaded XLSX has no row for %s's post %q", h.Graduate.ID, p.Title)
			}
		}
	}
}
