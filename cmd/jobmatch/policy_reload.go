package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"sync"
	"syscall"

	"github.com/urumqi-hrss/jobmatch/api"
	"github.com/urumqi-hrss/jobmatch/matcher"
)

// startPolicyReload listens for SIGHUP — registered before `serve` logs
// that it serves, so a SIGHUP from then on reloads the policy and never
// ends the process — and reloads until ctx ends; stop unregisters.
func (m *Main) startPolicyReload(ctx context.Context, wg *sync.WaitGroup, st matcher.AuditStore, srv *api.Server) (stop func()) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	wg.Add(1)
	go func() { defer wg.Done(); m.reloadPolicyOnHUP(ctx, hup, st, srv) }()
	return func() { signal.Stop(hup) }
}

// reloadPolicyOnHUP reads the policy again on every SIGHUP (hup) until ctx ends
// and applies it to the running server (issue 9, item 8: next year's plan
// without a restart, like POST /v1/policy/reload). A policy that does not
// load or validate is logged and the one in force stays. Each reload is
// written to the audit log (no key: the operator signalled the process)
// before it applies.
func (m *Main) reloadPolicyOnHUP(ctx context.Context, hup <-chan os.Signal, st matcher.AuditStore, srv *api.Server) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
			if err := m.reloadPolicy(ctx, st, srv); err != nil {
				m.Log.Error("policy reload refused; the policy in force stays", "err", err)
			}
		}
	}
}

func (m *Main) reloadPolicy(ctx context.Context, st matcher.AuditStore, srv *api.Server) error {
	pol, err := m.readPolicy()
	if err != nil {
		return err
	}
	if err := matcher.CheckPolicy(&pol); err != nil {
		return err
	}
	e := matcher.AuditEntry{Action: "policy.reload", Detail: fmt.Sprintf("%d %s", pol.Year, pol.Source), Client: "SIGHUP"}
	if err := st.Audit(ctx, e); err != nil {
		return fmt.Errorf("audit the reload: %w", err)
	}
	if err := srv.SetPolicy(pol); err != nil {
		return err
	}
	m.Log.Info("policy reloaded", "year", pol.Year, "file", m.PolicyFile)
	return nil
}
