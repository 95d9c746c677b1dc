package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	m := NewMain()
	stopProfile, err := startCPUProfile()
	if err == nil {
		err = m.Run(ctx, os.Args[1:])
		stopProfile()
	}
	stop()
	if cerr := m.Close(); cerr != nil && err == nil {
		err = cerr
	}
	os.Exit(exitCode(m, err))
}

// exitError carries a specific exit status (e.g. exitRejected).
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// usageError marks a mistake in the command line (exit status 2).
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func exitCode(m *Main, err error) int {
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintln(m.Stderr, "jobmatch:", ee.err)
		}
		return ee.code
	}
	var ue *usageError
	if errors.As(err, &ue) {
		fmt.Fprintln(m.Stderr, "jobmatch:", ue.msg)
		fmt.Fprintln(m.Stderr, "run 'jobmatch help' for usage")
		return exitUsage
	}
	if errors.Is(err, context.Canceled) {
		fmt.Fprintln(m.Stderr, "jobmatch: interrupted")
		return 130
	}
	fmt.Fprintln(m.Stderr, "jobmatch:", err)
	slog.Debug("command failed", "err", err)
	return exitFailure
}
