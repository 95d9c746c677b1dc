package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
)

// progressBar draws the progress a library reports through a callback
// (done, total) — the importer, the data generator, the nightly batch —
// on standard error when it is a terminal: libraries report, only cmd
// draws. A nil *progressBar draws nothing.
type progressBar struct {
	mu         sync.Mutex
	w          io.Writer
	desc, unit string
	bar        *progressbar.ProgressBar
	drawn      bool // drawn since created or last cleared
}

// newProgress returns a bar for desc counting unit, or nil when standard
// error is not a terminal.
func (m *Main) newProgress(desc, unit string) *progressBar {
	w := m.progress()
	if w == nil {
		return nil
	}
	return &progressBar{w: w, desc: desc, unit: unit}
}

// report is the callback to hand a library (nil for a nil bar, so the
// library skips reporting).
func (p *progressBar) report() func(done, total int) {
	if p == nil {
		return nil
	}
	return p.update
}

func (p *progressBar) update(done, total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar == nil {
		p.bar = progressbar.NewOptions(total,
			progressbar.OptionSetWriter(p.w),
			progressbar.OptionSetDescription(p.desc),
			progressbar.OptionShowCount(),
			progressbar.OptionShowIts(),
			progressbar.OptionSetItsString(p.unit),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionSetPredictTime(true),
		)
	}
	if p.bar.GetMax() != total {
		p.bar.ChangeMax(total)
	}
	_ = p.bar.Set(done)
	p.drawn = true
}

// clear erases the bar, so that what is written next has the line.
func (p *progressBar) clear() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		_ = p.bar.Clear()
		p.drawn = false
	}
}

// finish completes the bar and ends its line.
func (p *progressBar) finish() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		_ = p.bar.Finish()
		fmt.Fprintln(p.w)
		p.drawn = false
	}
}

// logger is l clearing the bar before each record, so a log line never
// shares the terminal line with the bar.
func (p *progressBar) logger(l *slog.Logger) *slog.Logger {
	if p == nil {
		return l
	}
	return slog.New(clearingHandler{l.Handler(), p})
}

type clearingHandler struct {
	slog.Handler
	p *progressBar
}

func (h clearingHandler) Handle(ctx context.Context, r slog.Record) error {
	h.p.clear()
	return h.Handler.Handle(ctx, r)
}

func (h clearingHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return clearingHandler{h.Handler.WithAttrs(as), h.p}
}

func (h clearingHandler) WithGroup(name string) slog.Handler {
	return clearingHandler{h.Handler.WithGroup(name), h.p}
}
