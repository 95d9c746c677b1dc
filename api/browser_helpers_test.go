package api

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// browser is a headless Chromium for one test, with the helpers the
// workspace tests share. Screenshots go to the test's temp dir (or
// JOBMATCH_SCREENSHOTS).
type browser struct {
	t   *testing.T
	ctx context.Context
	dir string
}

// newBrowser starts Chromium, or skips (fails with
// JOBMATCH_REQUIRE_BROWSER=1) when there is none.
func newBrowser(t *testing.T, dir string) *browser {
	t.Helper()
	bctx := startChromium(t, needChromium(t), dir, 1440, 90*time.Second)
	return &browser{t: t, ctx: bctx, dir: dir}
}

// needChromium returns the Chromium binary, or skips the test when there
// is none or under -short (fails it instead with JOBMATCH_REQUIRE_BROWSER=1).
// Tests call it before building their data, so a skip costs nothing.
func needChromium(t *testing.T) string {
	t.Helper()
	bin := chromiumPath()
	if bin == "" {
		if os.Getenv("JOBMATCH_REQUIRE_BROWSER") == "1" {
			t.Fatal("JOBMATCH_REQUIRE_BROWSER=1 but no chromium binary was found (apt-get install chromium)")
		}
		t.Skip("no chromium binary on this machine (apt-get install chromium); skipping the browser test")
	}
	if testing.Short() && os.Getenv("JOBMATCH_REQUIRE_BROWSER") != "1" {
		t.Skip("browser test skipped in -short mode")
	}
	return bin
}

// startChromium starts headless Chromium from bin for one test, its
// profile in dir and its window width pixels wide, stopped when the test
// ends. The whole session is bounded by limit: a hung page fails the test
// instead of the suite's timeout.
func startChromium(t *testing.T, bin, dir string, width int, limit time.Duration) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(bin), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true), chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(filepath.Join(dir, "chromium-profile")), chromedp.WindowSize(width, 1000),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx, chromedp.WithLogf(t.Logf))
	bctx, cancel := context.WithTimeout(bctx, limit)
	t.Cleanup(func() { cancel(); cancelBrowser(); cancelAlloc() })
	return bctx
}

func (b *browser) fail(step string, err error) {
	b.t.Helper()
	shot(b.t, b.ctx, b.dir, strings.ReplaceAll(b.t.Name(), "/", "-")+"-failed")
	flash, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](`(document.getElementById('flash')||{}).textContent || ''`))
	where, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](`location.href + ' ' + document.readyState`))
	b.t.Fatalf("%s: %v (at %s; message on the page: %q)", step, err, where, flash)
}

func (b *browser) do(step string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		b.fail(step, err)
	}
}

func (b *browser) eval(expr string) any {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[any](expr))
	if err != nil {
		b.fail(expr, err)
	}
	return v
}

func (b *browser) text(sel string) string {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.fail("text of "+sel, err)
	}
	return v
}

// waitJS polls a JavaScript condition until it holds.
func waitJS(expr string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		if _, err := chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(20*time.Second))(ctx, tg); err != nil {
			return fmt.Errorf("waiting for %s: %w", expr, err)
		}
		return nil
	})
}

// setSelect sets a select's value and fires its change event, as a
// person choosing an option does.
func setSelect(id, value string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.SetValue(chromedp.ID(id), value),
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := chromedp.Evaluate[any](fmt.Sprintf(`document.getElementById(%q).dispatchEvent(new Event('change'))`, id))(ctx, tg)
			return err
		}))
}

func countOf(sel string) string { return fmt.Sprintf("document.querySelectorAll(%q).length", sel) }

// waitAcross polls a JavaScript condition through a page load (a poll
// inside the page dies with it): errors while the page changes are retried.
func (b *browser) waitAcross(step, expr string) {
	b.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	var last error
	for time.Now().Before(deadline) {
		v, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](expr))
		if err == nil && v {
			return
		}
		last = err
		time.Sleep(100 * time.Millisecond)
	}
	b.fail(step, fmt.Errorf("waiting for %s: %v", expr, last))
}
