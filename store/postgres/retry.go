package postgres

import (
	"context"
	"errors"
	"io"
	"net"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// retryable reports whether err is a connection failure (the server
// restarting, a connection it closed, a refused connect) or a transient
// conflict (serialization failure, deadlock) after which running the same
// idempotent operation again is safe. Every operation this package retries
// is idempotent: upserts by key, inserts keyed by a client-made ID with
// ON CONFLICT DO NOTHING, import chunks guarded by their last row.
func retryable(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "57P01", "57P02", "57P03", // admin_shutdown, crash_shutdown, cannot_connect_now
			"40001", "40P01": // serialization_failure, deadlock_detected
			return true
		}
		return pgErr.Code[:2] == "08" // connection_exception
	}
	if pgconn.SafeToRetry(err) {
		return true
	}
	var connErr *pgconn.ConnectError
	var netErr net.Error
	return errors.As(err, &connErr) || errors.As(err, &netErr) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, pgconn.ErrConnClosed)
}

// badText turns PostgreSQL's refusal of a string (a NUL byte or invalid
// UTF-8 in a parameter) into an error the caller can act on, instead of an
// internal error.
func badText(err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && (pgErr.Code == "22021" || pgErr.Code == "22P05") {
		return matcher.Errorf(matcher.EINVALID, "文本含有无效字符（空字符或非 UTF-8）", "text contains invalid characters (NUL or not UTF-8)")
	}
	return err
}

// retry runs op until it succeeds, fails with an error that is not
// retryable, the context ends, or s.retryFor has passed, backing off from
// 50 ms to 2 s between attempts. op gets the attempt number (1, 2, …): a
// delete that finds nothing on a later attempt has already succeeded.
func (s *Store) retry(ctx context.Context, what string, op func(ctx context.Context, attempt int) error) error {
	deadline := time.Now().Add(s.retryFor)
	wait := 50 * time.Millisecond
	for attempt := 1; ; attempt++ {
		err := op(ctx, attempt)
		if err == nil || !retryable(err) || time.Now().Add(wait).After(deadline) {
			return badText(err)
		}
		s.retries.Add(1)
		s.log.Warn("postgres: retrying after a connection error", "op", what, "attempt", attempt, "wait", wait, "err", err)
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
		wait = min(wait*2, 2*time.Second)
	}
}

// Retries returns how many times operations were retried since Open (for
// metrics and tests).
func (s *Store) Retries() int64 { return s.retries.Load() }
